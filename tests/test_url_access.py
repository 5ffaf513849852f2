"""Every URL of the project, tried as a respondent of Kalmar (0880) and as an anonymous visitor.

The table below must name every URL pattern: a new view fails this test until someone has
decided who may reach it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

OWN_UNIT, OTHER_UNIT = "0880", "0881"

# name → (kind, kwargs). Kinds:
#   public   – anyone may open it
#   unit     – takes a unit code: the respondent gets 200 for their own unit and 404 for another
#   staff    – staff only: the respondent gets 403
#   any-user – every logged-in user (their own account pages)
URLS = {
    "home": ("any-user", {}),
    "healthz": ("public", {}),
    "login": ("public", {}),
    "logout": ("any-user", {}),
    "password_change": ("any-user", {}),
    "password_change_done": ("any-user", {}),
    "password_reset": ("public", {}),
    "password_reset_done": ("public", {}),
    "password_reset_confirm": ("public", {"uidb64": "MQ", "token": "ogiltig"}),
    "password_reset_complete": ("public", {}),
    "survey:unit-list": ("staff", {}),
    "survey:unit-create": ("staff", {}),
    "survey:unit-detail": ("unit", {}),
    "survey:unit-retire": ("staff-unit", {}),
}


def url_names(patterns=None, namespace=""):  # noqa: ANN001, ANN201
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's AdminSite.admin_view requires is_staff on every admin view
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_the_table_names_every_url_of_the_project():
    assert set(url_names()) == set(URLS)


@pytest.mark.parametrize("name", sorted(URLS))
def test_a_respondent_reaches_only_their_own_unit(client, respondent, name):
    kind, kwargs = URLS[name]
    client.force_login(respondent)
    if kind in ("unit", "staff-unit"):
        own = client.get(reverse(name, kwargs={"code": OWN_UNIT}))
        other = client.get(reverse(name, kwargs={"code": OTHER_UNIT}))
        assert other.status_code in (403, 404)
        assert own.status_code == (200 if kind == "unit" else 403)
        return
    response = client.get(reverse(name, kwargs=kwargs))
    if kind == "staff":
        assert response.status_code == 403
    elif name == "logout":
        assert response.status_code == 405  # logging out takes a POST
    else:
        assert response.status_code in (200, 302)


@pytest.mark.parametrize("name", sorted(URLS))
def test_an_anonymous_visitor_reaches_only_public_pages(client, name):
    kind, kwargs = URLS[name]
    if kind in ("unit", "staff-unit"):
        kwargs = {"code": OWN_UNIT}
    response = client.get(reverse(name, kwargs=kwargs))
    if kind == "public":
        assert response.status_code in (200, 302)
    elif name == "logout":
        assert response.status_code == 405
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_admin_site_is_closed_to_respondents_and_coordinators(client, respondent, coordinator):
    for user in (respondent, coordinator):
        client.force_login(user)
        response = client.get(reverse("admin:survey_reportingunit_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
