"""Every URL of the project, opened (GET) by every role: an anonymous visitor, a respondent of
Kalmar (0880) on their own unit and on another unit (Nybro, 0881), a coordinator, an analyst and
a staff administrator.

The table must name every URL pattern: a new view fails `test_the_table_names_every_url_of_the_project`
until someone has decided, here, who may open it. The expected answers are written out by hand from
who should see what (survey/access.py documents the rules), not computed from the code under test."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .world import OTHER_UNIT, OWN_UNIT, PUBLISHED_YEAR

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "own", "other", "coordinator", "analyst", "admin")
LOGIN = "login"  # a redirect to the login page
# Placeholders in the kwargs, filled from the world (world.py) for the own or the other unit.
UNIT, RESPONSE, CONTACT, FLAG, EXPORT = "UNIT", "RESPONSE", "CONTACT", "FLAG", "EXPORT"
YEAR = PUBLISHED_YEAR

# name: (anonymous, own unit, other unit, coordinator, analyst, admin), kwargs
# "own" and "other" are the same respondent; they differ only for URLs about a unit or a response.
# 405: the URL takes only POST (or, in the API, only PATCH/POST).
URLS = {
    # Everyone: the public pages, logging in and out, password reset, the open API and its schema.
    "healthz":                      ((200,   200, 200, 200, 200, 200), {}),
    "accessibility":                ((200,   200, 200, 200, 200, 200), {}),
    "login":                        ((200,   302, 302, 302, 302, 302), {}),  # logged in: on to the start page
    "logout":                       ((405,   405, 405, 405, 405, 405), {}),
    # The second login step (accounts/views/two_factor.py): a respondent or a verified staff user is
    # sent on; a verified staff user may set up a new app.
    "two-factor-verify":            ((LOGIN, 302, 302, 302, 302, 302), {}),
    "two-factor-recovery":          ((LOGIN, 302, 302, 302, 302, 302), {}),
    "two-factor-setup":             ((LOGIN, 302, 302, 200, 200, 200), {}),
    "two-factor-overview":          ((LOGIN, 302, 302, 200, 200, 200), {}),
    # The e-mailed link for a first app: staff with an invalid token get "the link does not work".
    "two-factor-send-link":         ((LOGIN, 405, 405, 405, 405, 405), {}),
    "two-factor-enrol":             ((LOGIN, 302, 302, 400, 400, 400), {"uidb64": "MQ", "token": "ogiltig"}),
    "password_reset":               ((200,   200, 200, 200, 200, 200), {}),
    "password_reset_done":          ((200,   200, 200, 200, 200, 200), {}),
    "password_reset_confirm":       ((200,   200, 200, 200, 200, 200), {"uidb64": "MQ", "token": "ogiltig"}),
    "password_reset_complete":      ((200,   200, 200, 200, 200, 200), {}),
    "survey:invitation-accept":     ((200,   200, 200, 200, 200, 200), {"token": "ogiltig"}),
    "survey:invitation-renew":      ((405,   405, 405, 405, 405, 405), {"token": "ogiltig"}),
    "indicators:revision-log":      ((200,   200, 200, 200, 200, 200), {}),
    "reporting:results-index":      ((200,   200, 200, 200, 200, 200), {}),
    "reporting:country-page":       ((200,   200, 200, 200, 200, 200), {"year": YEAR}),
    "reporting:county-page":        ((200,   200, 200, 200, 200, 200), {"year": YEAR, "county_code": "08"}),
    "reporting:unit-page":          ((200,   200, 200, 200, 200, 200), {"year": YEAR, "code": UNIT}),
    "exports:results-file":         ((200,   200, 200, 200, 200, 200), {"year": YEAR}),
    "api-schema":                   ((200,   200, 200, 200, 200, 200), {}),
    "kolada:kpi-list":              ((200,   200, 200, 200, 200, 200), {}),
    "kolada:kpi-detail":            ((200,   200, 200, 200, 200, 200), {"ids": "VINR02"}),
    "kolada:municipality-list":     ((200,   200, 200, 200, 200, 200), {}),
    "kolada:municipality-detail":   ((200,   200, 200, 200, 200, 200), {"ids": UNIT}),
    "kolada:data-kpi-municipality-year": (
                                     (200,   200, 200, 200, 200, 200),
                                     {"kpi": "VINR02", "municipality": UNIT, "years": str(YEAR)}),
    "kolada:data-kpi-year":         ((200,   200, 200, 200, 200, 200), {"kpi": "VINR02", "years": str(YEAR)}),
    "kolada:data-municipality-year": ((200,  200, 200, 200, 200, 200), {"municipality": UNIT, "years": str(YEAR)}),
    "kolada:data-kpi-municipality": ((200,   200, 200, 200, 200, 200), {"kpi": "VINR02", "municipality": UNIT}),
    "kolada:municipality-groups":   ((200,   200, 200, 200, 200, 200), {}),
    "kolada:municipality-groups-detail": ((200, 200, 200, 200, 200, 200), {"ids": "G-skr-2017-C7"}),
    "kolada:kpi-groups":            ((200,   200, 200, 200, 200, 200), {}),
    "kolada:kpi-groups-detail":     ((200,   200, 200, 200, 200, 200), {"ids": "G-part-vinr"}),
    # The query form without its parameters: refused alike for everyone (two of kpi_id, municipality_id, year).
    "kolada:data":                  ((400,   400, 400, 400, 400, 400), {}),
    "kolada:data-slash":            ((400,   400, 400, 400, 400, 400), {}),
    # No organisational units here: Kolada's /ou and /oudata say so with a 400.
    "kolada:ou":                    ((400,   400, 400, 400, 400, 400), {}),
    "kolada:oudata":                ((400,   400, 400, 400, 400, 400), {}),
    "kolada:ou-paths":              ((400,   400, 400, 400, 400, 400), {"rest": "oudata/kpi/VINR02/year/2024"}),
    "kolada:published-csv":         ((200,   200, 200, 200, 200, 200), {}),
    # Every logged-in user: the start page, their password and their API key.
    "home":                         ((LOGIN, 200, 200, 200, 200, 200), {}),
    "password_change":              ((LOGIN, 200, 200, 200, 200, 200), {}),
    "password_change_done":         ((LOGIN, 200, 200, 200, 200, 200), {}),
    "api-token":                    ((LOGIN, 200, 200, 200, 200, 200), {}),
    # A unit's or a response's pages: its respondents and all staff (read-only for analysts);
    # another unit's is a 404, so that a respondent cannot learn which exist.
    "survey:unit-detail":           ((LOGIN, 200, 404, 200, 200, 200), {"code": UNIT}),
    "survey:response-detail":       ((LOGIN, 200, 404, 200, 200, 200), {"pk": RESPONSE}),
    "survey:response-print":        ((LOGIN, 200, 404, 200, 200, 200), {"pk": RESPONSE}),
    "survey:response-history":      ((LOGIN, 200, 404, 200, 200, 200), {"pk": RESPONSE}),
    "survey:response-part":         ((LOGIN, 200, 404, 200, 200, 200), {"pk": RESPONSE, "part": "vinr"}),
    "survey:response-review":       ((LOGIN, 200, 404, 200, 200, 200), {"pk": RESPONSE, "part": "vinr"}),
    "indicators:unit-check":        ((LOGIN, 200, 404, 200, 200, 200), {"code": UNIT, "year": 2024}),
    "survey:response-reopen":       ((LOGIN, 405, 405, 405, 405, 405), {"pk": RESPONSE, "part": "allman"}),
    # The API for respondents: 401 without a login; the same scope as the pages.
    "api-response-list":            ((401,   200, 200, 200, 200, 200), {}),
    "api-response-detail":          ((401,   200, 404, 200, 200, 200), {"pk": RESPONSE}),
    "api-response-answers":         ((401,   405, 405, 405, 405, 405), {"pk": RESPONSE}),
    "api-part-submit":              ((401,   405, 405, 405, 405, 405), {"pk": RESPONSE, "part": "vinr"}),
    # Staff read: the register, the rounds, the monitor, the indicators, results and flags.
    "survey:unit-list":             ((LOGIN, 403, 403, 200, 200, 200), {}),
    "survey:round-list":            ((LOGIN, 403, 403, 200, 200, 200), {}),
    "survey:round-monitor":         ((LOGIN, 403, 403, 200, 200, 200), {"year": 2024}),
    "survey:round-monitor-export":  ((LOGIN, 403, 403, 200, 200, 200), {"year": 2024}),
    "indicators:indicator-list":    ((LOGIN, 403, 403, 200, 200, 200), {}),
    "indicators:version-edit":      ((LOGIN, 403, 403, 200, 200, 200), {"code": "VINR02", "year": 2024}),
    "indicators:year-results":      ((LOGIN, 403, 403, 200, 200, 200), {"year": 2024}),
    "indicators:flag-list":         ((LOGIN, 403, 403, 200, 200, 200), {"year": 2024}),
    # Coordinators (and the administrator): the register, rounds, contacts, reminders, answers on
    # a unit's behalf, reopenings, extensions and the audit log. Not analysts.
    "survey:unit-create":           ((LOGIN, 403, 403, 200, 403, 200), {}),
    "survey:unit-retire":           ((LOGIN, 403, 403, 200, 403, 200), {"code": UNIT}),
    "survey:questionnaire-upload":  ((LOGIN, 403, 403, 200, 403, 200), {}),
    "survey:answers-import":        ((LOGIN, 403, 403, 200, 403, 200), {"year": 2024}),
    "survey:round-contacts":        ((LOGIN, 403, 403, 200, 403, 200), {"year": 2024}),
    "survey:round-reminders":       ((LOGIN, 403, 403, 200, 403, 200), {"year": 2024}),
    "survey:round-settings":        ((LOGIN, 403, 403, 200, 403, 200), {"year": 2024}),
    "survey:round-create":          ((LOGIN, 403, 403, 200, 403, 200), {}),
    "survey:round-times":           ((LOGIN, 405, 405, 405, 405, 405), {"year": 2024}),
    # A GET asks for a confirmation (the world's 2024 round is open); a POST closes.
    "survey:round-close":           ((LOGIN, 403, 403, 200, 403, 200), {"year": 2024}),
    "survey:contact-import":        ((LOGIN, 403, 403, 200, 403, 200), {}),
    "survey:contact-create":        ((LOGIN, 403, 403, 200, 403, 200), {"code": UNIT}),
    "survey:contact-edit":          ((LOGIN, 403, 403, 200, 403, 200), {"code": UNIT, "pk": CONTACT}),
    "survey:contact-delete":        ((LOGIN, 405, 405, 405, 405, 405), {"code": UNIT, "pk": CONTACT}),
    "survey:response-extend":       ((LOGIN, 403, 403, 200, 403, 200), {"pk": RESPONSE}),
    "survey:audit-log":             ((LOGIN, 403, 403, 200, 403, 200), {}),
    "survey:email-list":            ((LOGIN, 403, 403, 200, 403, 200), {}),
    "survey:email-retry":           ((LOGIN, 405, 405, 405, 405, 405), {"pk": 999999}),
    "survey:email-correct":         ((LOGIN, 405, 405, 405, 405, 405), {"pk": 999999}),
    "indicators:flag-resolve":      ((LOGIN, 405, 405, 405, 405, 405), {"pk": FLAG}),
    # Analysts (and the administrator): computing, publishing, history and exports. Not coordinators.
    "indicators:year-compute":      ((LOGIN, 405, 405, 405, 405, 405), {"year": 2024}),
    "indicators:year-publish":      ((LOGIN, 403, 403, 403, 200, 200), {"year": 2024}),
    "indicators:history-import":    ((LOGIN, 403, 403, 403, 200, 200), {}),
    "exports:export-list":          ((LOGIN, 403, 403, 403, 200, 200), {}),
    "exports:export-detail":        ((LOGIN, 403, 403, 403, 200, 200), {"pk": EXPORT}),
    "exports:export-status":        ((LOGIN, 403, 403, 403, 200, 200), {"pk": EXPORT}),
    "exports:export-download":      ((LOGIN, 403, 403, 403, 200, 200), {"pk": EXPORT}),
}  # fmt: skip


def url_names(patterns=None, namespace=""):  # noqa: ANN001, ANN201
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's AdminSite.admin_view requires is_staff on every admin view (tested below)
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def url_for(name: str, unit_code: str, world) -> str:  # noqa: ANN001
    objects = {
        UNIT: unit_code,
        RESPONSE: world.responses[unit_code].pk,
        CONTACT: world.contacts[unit_code].pk,
        FLAG: world.flag.pk,
        EXPORT: world.export.pk,
    }
    kwargs = {key: objects.get(value, value) for key, value in URLS[name][1].items()}
    return reverse(name, kwargs=kwargs)


def outcome(response) -> int | str:  # noqa: ANN001
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def test_the_table_names_every_url_of_the_project():
    assert set(url_names()) == set(URLS)


def as_each_role(client, role_sessions: dict, world, name: str):  # noqa: ANN001, ANN201
    """Gives the client each role's session of ROLES in turn (none for anonymous) and yields the role
    and the URL it asks for."""
    for role in ROLES:
        client.cookies.clear()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = role_sessions[role]
        yield role, url_for(name, OTHER_UNIT if role == "other" else OWN_UNIT, world)


@pytest.mark.parametrize("name", sorted(URLS))
def test_every_role_gets_what_the_table_says(client, db, world, role_sessions, name):
    got = {role: outcome(client.get(url)) for role, url in as_each_role(client, role_sessions, world, name)}
    assert got == dict(zip(ROLES, URLS[name][0], strict=True))


def test_the_admin_site_is_only_for_the_staff_administrator(client, respondent, coordinator, analyst, admin_user):
    url = reverse("admin:survey_reportingunit_changelist")
    for user in (respondent, coordinator, analyst):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(URLS))
def test_an_empty_post_is_never_a_server_error(client, db, world, role_sessions, name):
    """Whatever a role may do with a URL, a POST without the expected fields is a refusal or a form
    error, never a 500."""
    got = {role: client.post(url).status_code for role, url in as_each_role(client, role_sessions, world, name)}
    assert max(got.values()) < 500, got
