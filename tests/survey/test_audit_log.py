"""The audit log coordinators read (survey:audit-log): what the services recorded, filtered, escaped,
in a number of queries that does not grow with the events."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.audit import EVENT_LABELS, record_event
from core.models import AuditEvent
from survey.models import Contact, Part, PartSubmission, ReportingUnit, Response
from survey.selectors.responses import latest_reopenings
from survey.services import extend_deadline, reopen_part
from survey.services.invitations import invite_contacts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("survey:audit-log")


def label(code: str) -> str:
    return str(EVENT_LABELS[code])  # Swedish once the msgids are in locale/sv (Svarstid förlängd, …)


@pytest.fixture
def staff_actions(open_round_2024, coordinator):
    """An invitation, a reopened part and an extended deadline for Kalmar (0880), made by the coordinator."""
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    contact = Contact.objects.create(unit=kalmar.unit, name="Anna Ansvarig", email="anna@kalmar.se")
    invite_contacts(survey_round=open_round_2024, contacts=[contact], user=coordinator)
    vinr = Part.objects.get(round=open_round_2024, code="vinr")
    PartSubmission.objects.create(response=kalmar, part=vinr, submitted_at=timezone.now())
    reopen_part(response=kalmar, part=vinr, reason="Fel antal i fråga 13", user=coordinator)
    extend_deadline(response=kalmar, until=open_round_2024.closes_at + timedelta(days=7), reason="Sjukdom",
                    user=coordinator)  # fmt: skip
    return kalmar


def test_a_coordinator_sees_the_staff_actions_newest_first(client, coordinator, staff_actions):
    coordinator.full_name = "Karin Samordnare"
    coordinator.save()
    client.force_login(coordinator)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    rows = html[html.index("<tbody") :]  # the kinds are in the filter's select too
    extended, reopened, invited = (
        rows.index(label("survey.response.extended")),
        rows.index(label("survey.part.reopened")),
        rows.index(label("survey.invitation.sent")),
    )
    assert extended < reopened < invited
    assert "Karin Samordnare" in html and coordinator.email in html
    assert "0880 Kalmar" in html
    assert "Skäl: Fel antal i fråga 13" in html and "Skäl: Sjukdom" in html
    assert timezone.localtime(AuditEvent.objects.first().created_at).strftime("%Y-%m-%d %H:%M") in html


def test_details_are_in_words_local_time_and_link_the_response_and_the_unit(client, coordinator, staff_actions):
    client.force_login(coordinator)
    html = client.get(URL, {"code": "survey.response.extended"}).content.decode()
    rows = html[html.index("<tbody") :]
    until = timezone.localtime(staff_actions.round.closes_at + timedelta(days=7))
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
              "november", "december"]  # fmt: skip
    assert f"Till och med: {until.day} {months[until.month - 1]} {until.year} {until:%H:%M}" in rows
    response_url = reverse("survey:response-detail", kwargs={"pk": staff_actions.pk})
    assert f'Svar: <a href="{response_url}">{staff_actions.pk}</a>' in rows
    unit_url = reverse("survey:unit-detail", kwargs={"code": "0880"})
    assert f'<a href="{unit_url}">0880 Kalmar</a>' in rows
    assert "survey.response.extended" not in rows and "response:" not in rows and "+00:00" not in rows


def test_events_without_an_actor_are_the_systems(client, coordinator):
    record_event("survey.reminder.scheduled_sent", actor=None, year=2024, count=3)
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert label("survey.reminder.scheduled_sent") in html
    assert "Antal: 3" in html


def test_an_unknown_code_is_shown_as_it_is(client, coordinator):
    record_event("survey.something.new", actor=coordinator)
    client.force_login(coordinator)
    assert "survey.something.new" in client.get(URL).content.decode()


def test_filters_by_kind_unit_and_date(client, coordinator, staff_actions):
    nybro = ReportingUnit.objects.get(code="0881")
    record_event("survey.part.reopened", actor=coordinator, unit=nybro, reason="Nybros fel")
    AuditEvent.objects.create(
        code="survey.part.reopened", actor=coordinator, unit=staff_actions.unit, data={"reason": "Gammalt fel"},
        created_at=timezone.now() - timedelta(days=30),
    )  # fmt: skip
    client.force_login(coordinator)

    def reasons(**params: str) -> set[str]:
        events = client.get(URL, params).context["page"].object_list
        return {event.data.get("reason", event.code) for event in events}

    assert reasons(code="survey.part.reopened") == {"Fel antal i fråga 13", "Nybros fel", "Gammalt fel"}
    assert reasons(code="survey.part.reopened", unit="Nybro") == {"Nybros fel"}
    assert reasons(code="survey.part.reopened", unit="0880") == {"Fel antal i fråga 13", "Gammalt fel"}
    today = timezone.localdate()
    assert "Gammalt fel" not in reasons(date_from=today.isoformat())
    assert reasons(date_to=(today - timedelta(days=1)).isoformat()) == {"Gammalt fel"}


def test_the_csv_export_holds_the_filtered_events_formula_safe(client, coordinator):
    record_event("survey.part.reopened", actor=coordinator, reason='=HYPERLINK("x")')
    record_event("survey.invitation.sent", actor=coordinator, count=2)
    client.force_login(coordinator)
    export = client.get(URL, {"code": "survey.part.reopened", "format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    assert "Skäl: =HYPERLINK" in text and "'=HYPERLINK" not in text  # not at the start of a cell
    assert label("survey.invitation.sent") not in text
    AuditEvent.objects.create(code="=cmd", actor=None, unit=None)
    text = client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=cmd" in text


def test_details_are_escaped(client, coordinator):
    record_event("survey.part.reopened", actor=coordinator, reason="<script>x</script>")
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x" not in html


def test_respondents_analysts_and_visitors_are_refused(client, respondent, analyst):
    assert client.get(URL)["Location"].startswith(reverse("login"))
    for user in (respondent, analyst):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_the_menu_links_the_log_for_coordinators_only(client, coordinator, analyst):
    client.force_login(coordinator)
    assert f'href="{URL}"' in client.get(reverse("survey:round-list")).content.decode()
    client.force_login(analyst)
    assert f'href="{URL}"' not in client.get(reverse("survey:round-list")).content.decode()


def make_events(count: int) -> None:
    units = list(ReportingUnit.objects.order_by("code")[:count])
    users = [UserFactory(role="coordinator") for _ in range(3)]
    AuditEvent.objects.bulk_create(
        AuditEvent(code="survey.part.reopened", actor=users[i % 3], unit=units[i % len(units)], data={"reason": str(i)})
        for i in range(count)
    )


def queries_for_page(client) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_events(client, coordinator):
    client.force_login(coordinator)
    client.get(URL)  # the session's expiry is renewed on the first request (at most once a minute)
    make_events(5)
    few = queries_for_page(client)
    make_events(150)
    assert queries_for_page(client) == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan: make test-services")
def test_the_task_list_finds_reopenings_by_index_however_long_the_log_grows(open_round_2024):
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    sql, params = latest_reopenings(kalmar).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as the planner does once the log is long
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "survey_audit_code_created" in plan
