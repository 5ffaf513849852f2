"""The main pages of every kind and who opens them, for the tests of the security headers and of
CSRF: public pages, the respondent's, the coordinator's, the analyst's and Django's admin."""

from dataclasses import dataclass
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from reporting.models import Export
from survey.models import Response, SurveyRound
from tests.factories import UserFactory


@dataclass(frozen=True)
class Page:
    role: str | None  # None: an anonymous visitor
    url: str
    status: int = 200


def main_pages(survey_round: SurveyRound) -> list[Page]:
    kalmar = Response.objects.get(round=survey_round, unit__code="0880").pk
    export = Export.objects.create(year=survey_round.year, status=Export.Status.RUNNING).pk
    year = {"year": survey_round.year}
    return [
        *(
            Page(None, reverse(name))
            for name in ("login", "password_reset", "accessibility", "reporting:results-index", "admin:login")
        ),
        Page(None, reverse("reporting:unit-page", kwargs={"year": survey_round.year, "code": "0880"}), 404),
        *(
            Page("respondent", url)
            for url in (
                reverse("home"),
                reverse("survey:response-detail", kwargs={"pk": kalmar}),
                reverse("survey:response-part", kwargs={"pk": kalmar, "part": "vinr"}),
                reverse("survey:response-review", kwargs={"pk": kalmar, "part": "vinr"}),
                reverse("survey:response-print", kwargs={"pk": kalmar}),
                reverse("survey:response-history", kwargs={"pk": kalmar}),
                reverse("api-token"),
                reverse("password_change"),
            )
        ),
        *(
            Page("coordinator", url)
            for url in (
                reverse("survey:round-list"),
                reverse("survey:round-monitor", kwargs=year),
                reverse("survey:round-contacts", kwargs=year),
                reverse("survey:round-reminders", kwargs=year),
                reverse("survey:round-settings", kwargs=year),
                reverse("survey:answers-import", kwargs=year),
                reverse("survey:questionnaire-upload"),
                reverse("survey:unit-list"),
                reverse("survey:unit-detail", kwargs={"code": "0880"}),
                reverse("survey:unit-create"),
                reverse("survey:contact-import"),
                reverse("survey:audit-log"),
                reverse("survey:response-detail", kwargs={"pk": kalmar}),
                reverse("survey:response-extend", kwargs={"pk": kalmar}),
                reverse("two-factor-setup"),  # with the QR code as a data: image
            )
        ),
        *(
            Page("analyst", url)
            for url in (
                reverse("indicators:indicator-list"),
                reverse("indicators:history-import"),
                reverse("exports:export-list"),
                reverse("exports:export-detail", kwargs={"pk": export}),
            )
        ),
        *(
            Page("admin", url)
            for url in (
                reverse("admin:index"),
                reverse("admin:survey_reportingunit_changelist"),
                reverse("admin:survey_reportingunit_change", args=[Response.objects.get(pk=kalmar).unit_id]),
            )
        ),
    ]


def clients(**client_options: object) -> dict[str | None, Client]:
    """A logged-in client for each role (the respondent of Kalmar, 0880) and an anonymous one."""
    users = {
        "respondent": UserFactory.respondent(units=["0880"]),
        "coordinator": UserFactory(role="coordinator"),
        "analyst": UserFactory(role="analyst"),
        "admin": UserFactory(role="admin", is_staff=True, is_superuser=True),
    }
    # The coordinator has an app, so that the set-up page (changing app) shows its QR code.
    TOTPDevice.objects.create(user=users["coordinator"], name="app", confirmed=True)
    result: dict[str | None, Client] = {None: Client(**client_options)}
    for role, user in users.items():
        result[role] = Client(**client_options)
        result[role].force_login(user)
    return result


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes and the form it is in."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str], int | None]] = []  # (tag, attributes, index of its form)
        self.forms: list[dict[str, str]] = []
        self._form: int | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(attributes)
            self._form = len(self.forms) - 1
        self.tags.append((tag, attributes, self._form))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
