import io
import re
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from survey.coordination import monitor
from survey.models import (
    Answer,
    Contact,
    County,
    Group,
    GroupMembership,
    Invitation,
    Part,
    PartSubmission,
    Question,
    ReportingUnit,
    Response,
    SurveyRound,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def by_part(area: monitor.AreaFigures) -> dict[str, tuple]:
    return {f.part.code: (f.invited, f.invitation_sent, f.started, f.submitted, f.rate) for f in area.parts}


def test_the_response_rate_rounds_half_up_to_one_decimal():
    assert monitor.response_rate(submitted=1, invited=16) == Decimal("6.3")  # round() would give 6.2
    assert monitor.response_rate(submitted=2, invited=3) == Decimal("66.7")
    assert monitor.response_rate(submitted=5, invited=5) == Decimal("100.0")
    assert monitor.response_rate(submitted=0, invited=0) is None


def test_the_figures_per_part_count_invited_told_started_and_submitted_units(statuses):
    national = monitor.national_figures(monitor.round_facts(statuses))
    # vinr: 3 of 303 submitted = 0.990… → 1.0; started also counts a part submitted without answers
    assert by_part(national) == {"allman": (303, 2, 3, 1, Decimal("0.3")), "vinr": (303, 2, 4, 3, Decimal("1.0"))}


def test_the_figures_of_a_county_count_only_its_units(statuses):
    counties = {area.code: area for area in monitor.county_figures(monitor.round_facts(statuses))}
    kalmar_lan = counties["08"]
    assert kalmar_lan.name == "Kalmar län"
    assert by_part(kalmar_lan) == {"allman": (12, 1, 2, 1, Decimal("8.3")), "vinr": (12, 1, 3, 2, Decimal("16.7"))}
    assert sum(area.parts[0].invited for area in counties.values()) == 303


def test_the_figures_of_a_group_use_the_memberships_of_the_rounds_year(statuses):
    groupings = {grouping.code: grouping for grouping in monitor.grouping_figures(monitor.round_facts(statuses))}
    skr = {group.code: group for group in groupings["skr-2017"].groups}
    # 16 members in 2024; 0127's membership of 2023 does not count. allman 1/16 = 6.25 → 6.3 (half up)
    assert by_part(skr["skr-2017:C7"]) == {
        "allman": (16, 2, 3, 1, Decimal("6.3")),
        "vinr": (16, 2, 4, 3, Decimal("18.8")),
    }
    assert by_part(skr["skr-2017:A1"])["vinr"] == (0, 0, 0, 0, None)
    assert skr["skr-2017:C7"].name == "Pendlingskommun nära mindre stad/tätort"


def codes(rows: list[monitor.UnitRow]) -> list[str]:
    return [row.code for row in rows]


def test_the_unit_list_filters_by_county_group_status_and_text(statuses):
    facts = monitor.round_facts(statuses)
    c7 = Group.objects.get(grouping__code="skr-2017", code="C7")
    assert codes(monitor.unit_rows(facts, monitor.UnitFilter(county="08"))) == [
        "0821", "0834", "0840", "0860", "0861", "0862", "0880", "0881", "0882", "0883", "0884", "0885"
    ]  # fmt: skip
    assert len(monitor.unit_rows(facts, monitor.UnitFilter(group=c7.pk))) == 16
    assert codes(monitor.unit_rows(facts, monitor.UnitFilter(status="vinr:submitted"))) == ["0114", "0880", "0882"]
    assert codes(monitor.unit_rows(facts, monitor.UnitFilter(status="vinr:started"))) == ["0881"]
    assert len(monitor.unit_rows(facts, monitor.UnitFilter(status="vinr:not_submitted"))) == 300
    assert len(monitor.unit_rows(facts, monitor.UnitFilter(status="vinr:not_started"))) == 299
    assert len(monitor.unit_rows(facts, monitor.UnitFilter(county="08", status="allman:not_submitted"))) == 11
    assert codes(monitor.unit_rows(facts, monitor.UnitFilter(query="KALMAR"))) == ["0880"]
    assert codes(monitor.unit_rows(facts, monitor.UnitFilter(query="088"))) == [
        "0880", "0881", "0882", "0883", "0884", "0885"
    ]  # fmt: skip


def test_the_unit_list_sorts_stably_by_each_column(statuses):
    facts = monitor.round_facts(statuses)

    def sorted_codes(sort: str, county: str = "08") -> list[str]:
        return codes(monitor.unit_rows(facts, monitor.UnitFilter(county=county, sort=sort)))

    assert sorted_codes("-code")[:2] == ["0885", "0884"]
    assert sorted_codes("name")[:3] == ["0885", "0862", "0860"]  # Borgholm, Emmaboda, Hultsfred
    # latest first; units without activity keep the order by code at the end
    assert sorted_codes("-last_activity") == ["0882", "0881", "0880", "0821", "0834", "0840", "0860", "0861",
                                              "0862", "0883", "0884", "0885"]  # fmt: skip
    assert sorted_codes("-status")[:3] == ["0880", "0882", "0881"]
    assert sorted_codes("county", county="")[:3] == ["0114", "0115", "0117"]
    assert sorted_codes("-county", county="")[0].startswith("25")


def test_a_unit_row_shows_statuses_activity_responsible_contact_and_extension(statuses):
    kalmar = Response.objects.get(round=statuses, unit__code="0880")
    kalmar.extended_until, kalmar.extension_reason = statuses.closes_at + timedelta(days=3), "Sjukdom"
    kalmar.save()
    facts = monitor.round_facts(statuses)
    rows = {row.code: row for row in monitor.unit_rows(facts)}
    row = rows["0880"]
    assert [(s.part.code, s.status) for s in row.statuses] == [("allman", "submitted"), ("vinr", "submitted")]
    assert row.last_activity == PartSubmission.objects.get(response=kalmar, part__code="vinr").submitted_at
    assert (row.contact.name, row.contact.email) == ("Anna Ansvarig", "anna@kalmar.se")
    assert (row.extended_until, row.extension_reason) == (kalmar.extended_until, "Sjukdom")
    assert rows["0114"].contact.name == "Cilla"  # no responsible contact: any contact
    assert rows["0821"].contact is None and rows["0821"].last_activity is None
    assert [s.status for s in rows["0882"].statuses] == ["started", "submitted"]


def test_the_chart_shows_cumulative_submissions_per_day_with_earlier_years(two_years):
    round_2023, round_2024 = two_years
    assert (round_2023.responses.count(), round_2024.responses.count()) == (305, 303)
    progress = monitor.cumulative_submissions(round_2024, "vinr", today=date(2024, 2, 3))
    assert progress.days == 50
    current, earlier = progress.series
    assert (current.year, current.current, earlier.year, earlier.current) == (2024, True, 2023, False)
    # 2024: 1/303 = 0.33 → 0.3, 2/303 = 0.66 → 0.7; the line stops at today, day 3
    assert current.points == [(1, Decimal("0.3")), (2, Decimal("0.7")), (3, Decimal("0.7"))]
    # 2023: 2/305 = 0.66 → 0.7 on days 1–2, 3/305 = 0.98 → 1.0 from day 3 to its last day, 49
    assert earlier.points[:3] == [(1, Decimal("0.7")), (2, Decimal("0.7")), (3, Decimal("1.0"))]
    assert earlier.points[-1] == (49, Decimal("1.0")) and len(earlier.points) == 49
    assert progress.table()[2] == (3, [Decimal("0.7"), Decimal("1.0")])
    assert progress.table()[49] == (50, [None, None])


def test_the_chart_of_a_closed_round_ends_on_its_last_day(two_years):
    _, round_2024 = two_years
    progress = monitor.cumulative_submissions(round_2024, "vinr", today=date(2024, 6, 1))
    assert progress.series[0].points[-1] == (50, Decimal("0.7"))


def test_the_monitor_page_shows_figures_chart_and_units(client, coordinator, statuses):
    client.force_login(coordinator)
    page = client.get(reverse("survey:round-monitor", kwargs={"year": 2024}))
    content = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in content
    assert "<details" in content and "<caption>" in content and 'scope="row"' in content
    assert 'class="chart-line chart-line-current"' in content
    assert "style=" not in content and "<script" not in content
    kalmar = Response.objects.get(round=statuses, unit__code="0880")
    assert f'href="{reverse("survey:response-detail", kwargs={"pk": kalmar.pk})}"' in content
    assert "Anna Ansvarig" in content and "Kalmar län" in content
    assert '<td class="text-end">16,7</td>' in content  # Kalmar län, vinr, in Swedish notation
    assert 'aria-sort="ascending"' in content


def test_the_monitor_page_keeps_filters_in_sort_links_and_the_export_link(client, analyst, statuses):
    client.force_login(analyst)
    url = reverse("survey:round-monitor", kwargs={"year": 2024})
    page = client.get(url, {"county": "08", "status": "vinr:submitted", "sort": "-name", "part": "allman"})
    content = page.content.decode()
    assert page.status_code == 200
    assert ">Kalmar</a>" in content and ">Oskarshamn</a>" in content and ">Upplands Väsby</a>" not in content
    assert 'aria-sort="descending"' in content
    export = reverse("survey:round-monitor-export", kwargs={"year": 2024})
    assert f'href="{export}?county=08&amp;status=vinr%3Asubmitted&amp;sort=-name"' in content
    assert "?county=08&amp;status=vinr%3Asubmitted&amp;sort=name&amp;part=allman" in content  # name again: ascending


def test_a_respondent_may_not_see_the_monitor(client, respondent, statuses):
    client.force_login(respondent)
    assert client.get(reverse("survey:round-monitor", kwargs={"year": 2024})).status_code == 403
    assert client.get(reverse("survey:round-monitor-export", kwargs={"year": 2024})).status_code == 403


def test_the_excel_export_has_the_filtered_units_and_keeps_formulas_as_text(client, coordinator, statuses):
    ReportingUnit.objects.filter(code="0881").update(name='=HYPERLINK("http://evil.example","Nybro")')
    Contact.objects.filter(email="dan@nybro.se").update(name="=1+1")
    client.force_login(coordinator)
    export = client.get(reverse("survey:round-monitor-export", kwargs={"year": 2024}), {"county": "08", "sort": "name"})
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="svarsfrekvens-2024-enheter.xlsx"'
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:L13"
    rows = list(sheet.iter_rows())
    assert len(rows) == 13  # the header and Kalmar län's 12 units
    assert [cell.value for cell in rows[0][:3]] == ["Kod", "Namn", "Län"]
    nybro = next(row for row in rows if row[0].value == "0881")
    assert nybro[1].value == '=HYPERLINK("http://evil.example","Nybro")' and nybro[1].data_type == "s"
    assert nybro[8].value == "=1+1" and nybro[8].data_type == "s"
    kalmar = next(row for row in rows if row[0].value == "0880")
    submitted = PartSubmission.objects.get(response__unit__code="0880", part__code="vinr").submitted_at
    assert abs(kalmar[6].value - timezone.localtime(submitted).replace(tzinfo=None)) < timedelta(milliseconds=1)
    assert kalmar[6].is_date and kalmar[6].number_format == "yyyy-mm-dd hh:mm"


def build_far_round(units: int, *, start: int = 0) -> None:
    """A round in 2031 with `units` more units of their own, with answers, submissions, contacts,
    invitations and group memberships, made in bulk."""
    survey_round, created = SurveyRound.objects.get_or_create(
        year=2031,
        defaults={"title": "Test 2031", "form_id": "t", "version": "1",
                  "opens_at": datetime(2031, 2, 1, tzinfo=STOCKHOLM),
                  "closes_at": datetime(2031, 3, 21, tzinfo=STOCKHOLM)},
    )  # fmt: skip
    if created:
        for order, code in enumerate(["allman", "vinr"]):
            part = Part.objects.create(round=survey_round, code=code, label=code, order=order)
            Question.objects.create(round=survey_round, part=part, code=f"q_{code}", type="text", label="?")
    parts = list(survey_round.parts.all())
    questions = {q.part_id: q for q in survey_round.questions.all()}
    county = County.objects.get(code="08")
    new_units = ReportingUnit.objects.bulk_create(
        [ReportingUnit(code=f"T{n:05}", name=f"Testenhet {n}", kind="municipality", county=county)
         for n in range(start, start + units)]
    )  # fmt: skip
    responses = Response.objects.bulk_create([Response(round=survey_round, unit=unit) for unit in new_units])
    when = datetime(2031, 2, 10, tzinfo=STOCKHOLM)
    Answer.objects.bulk_create(
        [Answer(response=r, question=questions[parts[i % 2].pk], value="x", updated_at=when)
         for i, r in enumerate(responses) if i % 3]
    )  # fmt: skip
    PartSubmission.objects.bulk_create(
        [PartSubmission(response=r, part=parts[1], submitted_at=when) for i, r in enumerate(responses) if i % 4 == 0]
    )
    contacts = Contact.objects.bulk_create(
        [Contact(unit=u, name=f"Person {u.code}", email=f"{u.code}@example.se") for u in new_units]
    )
    Invitation.objects.bulk_create(
        [Invitation(round=survey_round, contact=c, token_hash=f"t-{c.unit_id}", created_at=when, expires_at=when)
         for c in contacts[::2]]
    )  # fmt: skip
    group = Group.objects.get(grouping__code="population", code="P1")
    GroupMembership.objects.bulk_create(
        [GroupMembership(grouping=group.grouping, group=group, unit=u, year=2031) for u in new_units[::3]]
    )


def test_the_monitor_page_needs_as_many_queries_for_3000_units_as_for_30(client, coordinator):
    client.force_login(coordinator)
    url = reverse("survey:round-monitor", kwargs={"year": 2031})
    build_far_round(30)
    client.get(url)  # warm up caches (content types, translations)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    build_far_round(2970, start=30)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('href="/svar/') >= 3000
    assert len(large) == len(small)


def test_the_monitor_sorts_names_in_swedish_order(client, coordinator, statuses):
    ReportingUnit.objects.filter(code="0881").update(name="Älmhult")
    ReportingUnit.objects.filter(code="0880").update(name="Åmål")
    ReportingUnit.objects.filter(code="0882").update(name="Zinkgruvan")
    client.force_login(coordinator)
    export = client.get(reverse("survey:round-monitor-export", kwargs={"year": 2024}), {"county": "08", "sort": "name"})
    names = [row[1].value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    assert names.index("Zinkgruvan") < names.index("Åmål") < names.index("Älmhult")


def test_the_unit_list_has_a_column_per_part_with_a_status_badge(client, coordinator, statuses):
    client.force_login(coordinator)
    content = client.get(reverse("survey:round-monitor", kwargs={"year": 2024}), {"q": "0882"}).content.decode()
    table = content[content.index('id="units-caption"') :]
    header, body = table.split("</thead>", 1)
    for part in Part.objects.filter(round=statuses).order_by("order"):
        assert f">{part.label}<" in header
    row = body[body.index("<tr>") : body.index("</tr>")]
    # 0882: allman started, vinr submitted; one badge per part, in the order of the parts.
    assert re.findall(r'<span class="badge [^"]+">([^<]+)</span>', row) == ["Påbörjad", "Inskickad"]
