"""Every URL of the project, tried as a respondent of Kalmar (0880) and as an anonymous visitor.

The table below must name every URL pattern: a new view fails this test until someone has
decided who may reach it."""

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from survey.models import Response

pytestmark = pytest.mark.django_db

OWN_UNIT, OTHER_UNIT = "0880", "0881"

# name → (kind, kwargs). Kinds:
#   public   – anyone may open it
#   any-user – every logged-in user (their own account and start pages)
#   staff    – staff only: the respondent gets 403
#   unit, response – about one unit or response: the respondent gets 200 for their own, 404 for another's
#   coordinator-response – a coordinator's action on a response: 403 for the respondent's own, 404 for another's
#   post-only – takes only POST: 405 for a GET
#   api, api-response, api-write – the JSON API: like the pages, but 401 instead of the login page,
#     and the write endpoints answer a GET with 405
#   public-api – the open API (kolada:*): anyone, with or without login, gets 200 or a 400 for an id it
#     does not know (an indicator is known once a year of it is published, and nothing is published here)
#   public-page – the public results pages and file: anyone; 404 while the year is not published or has no
#     finished file (nothing is here)
# "UNIT" and "RESPONSE" in kwargs are replaced by the own or the other unit's code or response.
URLS = {
    "home": ("any-user", {}),
    "healthz": ("public", {}),
    "accessibility": ("public", {}),
    "login": ("public", {}),
    "logout": ("post-only", {}),
    "password_change": ("any-user", {}),
    "password_change_done": ("any-user", {}),
    "password_reset": ("public", {}),
    "password_reset_done": ("public", {}),
    "password_reset_confirm": ("public", {"uidb64": "MQ", "token": "ogiltig"}),
    "password_reset_complete": ("public", {}),
    "survey:unit-list": ("staff", {}),
    "survey:audit-log": ("staff", {}),
    "survey:round-list": ("staff", {}),
    "survey:questionnaire-upload": ("staff", {}),
    "survey:answers-import": ("staff", {"year": 2024}),
    "survey:round-monitor": ("staff", {"year": 2024}),
    "survey:round-monitor-export": ("staff", {"year": 2024}),
    "survey:unit-create": ("staff", {}),
    "survey:unit-detail": ("unit", {"code": "UNIT"}),
    "survey:unit-retire": ("coordinator-unit", {"code": "UNIT"}),
    "survey:response-detail": ("response", {"pk": "RESPONSE"}),
    "survey:response-print": ("response", {"pk": "RESPONSE"}),
    "survey:response-history": ("response", {"pk": "RESPONSE"}),
    "survey:response-part": ("response", {"pk": "RESPONSE", "part": "vinr"}),
    "survey:response-review": ("response", {"pk": "RESPONSE", "part": "vinr"}),
    "survey:response-extend": ("coordinator-response", {"pk": "RESPONSE"}),
    "survey:response-reopen": ("post-only", {"pk": "RESPONSE", "part": "vinr"}),
    "survey:round-contacts": ("staff", {"year": 2024}),
    "survey:round-reminders": ("staff", {"year": 2024}),
    "survey:round-settings": ("staff", {"year": 2024}),
    "survey:contact-import": ("staff", {}),
    "survey:contact-create": ("coordinator-unit", {"code": "UNIT"}),
    "survey:contact-edit": ("coordinator-unit", {"code": "UNIT", "pk": 1}),
    "survey:contact-delete": ("post-only", {"code": "UNIT", "pk": 1}),
    "survey:invitation-accept": ("public", {"token": "ogiltig"}),
    "survey:invitation-renew": ("post-only", {"token": "ogiltig"}),
    "api-token": ("any-user", {}),
    "api-schema": ("public", {}),
    "api-response-list": ("api", {}),
    "api-response-detail": ("api-response", {"pk": "RESPONSE"}),
    "api-response-answers": ("api-write", {"pk": "RESPONSE"}),
    "api-part-submit": ("api-write", {"pk": "RESPONSE", "part": "vinr"}),
    "indicators:indicator-list": ("staff", {}),
    "indicators:version-edit": ("staff", {"code": "VINR02", "year": 2024}),
    "indicators:year-results": ("staff", {"year": 2024}),
    "indicators:year-compute": ("post-only", {"year": 2024}),
    "indicators:year-publish": ("staff", {"year": 2024}),
    "indicators:history-import": ("staff", {}),
    "indicators:revision-log": ("public", {}),
    "indicators:unit-check": ("unit", {"code": "UNIT", "year": 2024}),
    "indicators:flag-list": ("staff", {"year": 2024}),
    "indicators:flag-resolve": ("post-only", {"pk": 1}),
    "reporting:results-index": ("public", {}),
    "reporting:country-page": ("public-page", {"year": 2024}),
    "reporting:county-page": ("public-page", {"year": 2024, "county_code": "08"}),
    "reporting:unit-page": ("public-page", {"year": 2024, "code": "UNIT"}),
    "kolada:kpi-list": ("public", {}),
    "kolada:kpi-detail": ("public-api", {"ids": "VINR02"}),
    "kolada:municipality-list": ("public", {}),
    "kolada:municipality-detail": ("public", {"ids": "UNIT"}),
    "kolada:data-kpi-municipality-year": ("public-api", {"kpi": "VINR02", "municipality": "UNIT", "years": "2024"}),
    "kolada:data-kpi-year": ("public-api", {"kpi": "VINR02", "years": "2024"}),
    "kolada:data-municipality-year": ("public", {"municipality": "UNIT", "years": "2024"}),
    "kolada:data-kpi-municipality": ("public-api", {"kpi": "VINR02", "municipality": "UNIT"}),
    "kolada:published-csv": ("public", {}),
    "exports:export-list": ("staff", {}),
    "exports:export-detail": ("staff", {"pk": 1}),
    "exports:export-status": ("staff", {"pk": 1}),
    "exports:export-download": ("staff", {"pk": 1}),
    "exports:results-file": ("public-page", {"year": 2024}),
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


@pytest.fixture
def responses():
    call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024")
    return {code: Response.objects.get(round__year=2024, unit__code=code) for code in (OWN_UNIT, OTHER_UNIT)}


def url_for(name: str, unit_code: str, responses: dict) -> str:
    kwargs = {
        key: unit_code if value == "UNIT" else responses[unit_code].pk if value == "RESPONSE" else value
        for key, value in URLS[name][1].items()
    }
    return reverse(name, kwargs=kwargs)


def test_the_table_names_every_url_of_the_project():
    assert set(url_names()) == set(URLS)


@pytest.mark.parametrize("name", sorted(URLS))
def test_a_respondent_reaches_only_their_own_unit(client, respondent, responses, name):
    kind = URLS[name][0]
    client.force_login(respondent)
    own = client.get(url_for(name, OWN_UNIT, responses)).status_code
    other = client.get(url_for(name, OTHER_UNIT, responses)).status_code
    expected = {
        "public": ((200, 302), (200, 302)),
        "public-page": ((200, 404), (200, 404)),
        "public-api": ((200, 400), (200, 400)),
        "any-user": ((200,), (200,)),
        "staff": ((403,), (403,)),
        "unit": ((200,), (404,)),
        "response": ((200,), (404,)),
        "coordinator-unit": ((403,), (403, 404)),
        "coordinator-response": ((403,), (403, 404)),
        "post-only": ((405,), (405,)),
        "api": ((200,), (200,)),
        "api-response": ((200,), (404,)),
        "api-write": ((405,), (404, 405)),
    }[kind]
    assert own in expected[0] and other in expected[1]


@pytest.mark.parametrize("name", sorted(URLS))
def test_an_anonymous_visitor_reaches_only_public_pages(client, responses, name):
    kind = URLS[name][0]
    response = client.get(url_for(name, OWN_UNIT, responses))
    if kind == "public":
        assert response.status_code in (200, 302)
    elif kind == "public-page":
        assert response.status_code in (200, 404)
    elif kind == "public-api":
        assert response.status_code in (200, 400)
    elif kind == "post-only":
        assert response.status_code in (302, 405)
    elif kind.startswith("api"):
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_respondent_cannot_post_to_another_units_response(client, respondent, responses):
    client.force_login(respondent)
    other = responses[OTHER_UNIT]
    posted = client.post(reverse("survey:response-part", kwargs={"pk": other.pk, "part": "vinr"}), {"fortb_barn": "ja"})
    assert posted.status_code == 404
    assert not other.answers.exists()


def test_the_admin_site_is_closed_to_respondents_and_coordinators(client, respondent, coordinator):
    for user in (respondent, coordinator):
        client.force_login(user)
        response = client.get(reverse("admin:survey_reportingunit_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
