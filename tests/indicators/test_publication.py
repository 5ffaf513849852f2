"""Publishing a year freezes its results; a correction is a revision with a reason that lists the
values it changed, in the public revision log."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from indicators.models import Publication, PublishedValue, RevisionChange, UnitResult
from indicators.services.computation import compute_indicators
from indicators.services.history import import_results
from indicators.services.publication import PublicationError, plan_publication, publish_year
from survey.models import Response
from survey.services import Change, reopen_part, save_answers, submit_part
from tests.survey.round_helpers import load_round_2024

from .history_helpers import answer_and_submit, csv_bytes, make_version, make_versions

pytestmark = pytest.mark.django_db

JUNE = datetime(2025, 6, 10, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def imported_2017(analyst, rows):  # noqa: ANN001, ANN201
    report = import_results(data=csv_bytes([(2017, *row) for row in rows]), filename="h.csv", user=analyst)
    assert report.ok, [str(error) for error in report.errors]


def published_values(year: int) -> dict[tuple[str, str], Decimal | None]:
    return {
        (unit, code): value
        for unit, code, value in PublishedValue.objects.filter(year=year).values_list(
            "unit__code", "indicator__code", "value"
        )
    }


def test_the_first_publication_copies_every_unit_result_of_the_year(analyst):
    make_versions(["VINR02", "VINRN1"], [2017])
    imported_2017(analyst, [("0880", "VINR02", 1), ("0881", "VINR02", ""), ("0880", "VINRN1", "7,5")])

    publication = publish_year(year=2017, user=analyst, now=JUNE)

    assert (publication.revision, publication.published_at, publication.published_by) == (1, JUNE, analyst)
    assert published_values(2017) == {
        ("0880", "VINR02"): Decimal(1), ("0881", "VINR02"): None, ("0880", "VINRN1"): Decimal("7.5"),
    }  # fmt: skip
    assert not publication.changes.exists()
    event = AuditEvent.objects.get(code="indicators.results.published")
    assert event.actor == analyst and event.data["year"] == 2017 and event.data["revision"] == 1


def test_a_year_without_results_cannot_be_published(analyst):
    with pytest.raises(PublicationError):
        publish_year(year=2017, user=analyst)
    assert not Publication.objects.exists()


def test_recomputing_after_publication_changes_only_the_preliminary_results(coordinator, analyst):
    round_ = load_round_2024()
    make_version("VINR03", 2024, with_rule=True)
    kalmar = Response.objects.select_related("round").get(round=round_, unit__code="0880")
    answer_and_submit(kalmar, coordinator, fortb_vuxna="ja")
    compute_indicators(years=[2024])
    publish_year(year=2024, user=analyst, confirmed=True)  # Kalmar has not checked its results

    vinr = round_.parts.get(code="vinr")
    reopen_part(response=kalmar, part=vinr, reason="Rättelse", user=coordinator,
                until=timezone.now() + timedelta(days=1))  # the round has closed: a new deadline  # fmt: skip
    save_answers(response=kalmar, changes={"fortb_vuxna": Change("nej")}, user=coordinator)
    submit_part(response=kalmar, part=vinr, user=coordinator, notify=False)
    compute_indicators(years=[2024])

    assert UnitResult.objects.get(year=2024, unit__code="0880", indicator__code="VINR03").value == 0
    assert published_values(2024)["0880", "VINR03"] == 1  # every other invited unit: no value

    revision = publish_year(year=2024, user=analyst, reason="Kalmar rättade sitt svar om fortbildning.", confirmed=True)

    assert published_values(2024)["0880", "VINR03"] == 0
    change = revision.changes.get()
    assert (change.unit.code, change.indicator.code, change.old_value, change.new_value) == (
        "0880", "VINR03", Decimal(1), Decimal(0),
    )  # fmt: skip


def test_a_revision_needs_a_reason(analyst):
    make_version("VINR02", 2017)
    imported_2017(analyst, [("0880", "VINR02", 1)])
    publish_year(year=2017, user=analyst)
    imported_2017(analyst, [("0880", "VINR02", 0)])

    with pytest.raises(PublicationError, match="2017"):
        publish_year(year=2017, user=analyst, reason="  ")

    assert Publication.objects.filter(year=2017).count() == 1
    assert published_values(2017) == {("0880", "VINR02"): Decimal(1)}


def test_a_revision_is_refused_when_nothing_changed(analyst):
    make_version("VINR02", 2017)
    imported_2017(analyst, [("0880", "VINR02", 1)])
    publish_year(year=2017, user=analyst)
    imported_2017(analyst, [("0880", "VINR02", 1), ("0881", "VINR02", "")])  # an empty value is no value

    with pytest.raises(PublicationError):
        publish_year(year=2017, user=analyst, reason="Ingen ändring")

    assert Publication.objects.filter(year=2017).count() == 1


def test_a_revision_records_every_changed_value_and_only_those(analyst):
    make_versions(["VINR02", "VINR03"], [2017])
    imported_2017(analyst, [("0880", "VINR02", 1), ("0881", "VINR02", 0), ("0882", "VINR02", 1), ("0880", "VINR03", 1)])
    publish_year(year=2017, user=analyst)
    # 0880 unchanged, 0881 0 → 1, 0882 1 → no value (not in the file), 0883 no value → 0; VINR03 untouched.
    imported_2017(analyst, [("0880", "VINR02", 1), ("0881", "VINR02", 1), ("0883", "VINR02", 0)])

    plan = plan_publication(year=2017)
    revision = publish_year(year=2017, user=analyst, reason="Rättade uppgifter från Kalmar län", now=JUNE)

    assert plan.revision == 2 and [(c.unit.code, c.old_text, c.new_text) for c in plan.changes] == [
        ("0881", "Nej", "Ja"), ("0882", "Ja", "–"), ("0883", "–", "Nej"),
    ]  # fmt: skip
    assert revision.revision == 2 and revision.reason == "Rättade uppgifter från Kalmar län"
    assert set(RevisionChange.objects.values_list("unit__code", "old_value", "new_value")) == {
        ("0881", Decimal(0), Decimal(1)), ("0882", Decimal(1), None), ("0883", None, Decimal(0)),
    }  # fmt: skip
    assert published_values(2017) == {
        ("0880", "VINR02"): Decimal(1), ("0881", "VINR02"): Decimal(1), ("0883", "VINR02"): Decimal(0),
        ("0880", "VINR03"): Decimal(1),
    }  # fmt: skip


def test_the_public_revision_log_lists_publications_and_changed_values(client, analyst):
    make_version("VINR02", 2017)
    imported_2017(analyst, [("0880", "VINR02", 1), ("0881", "VINR02", 0)])
    publish_year(year=2017, user=analyst, now=JUNE)
    imported_2017(analyst, [("0880", "VINR02", 0), ("0881", "VINR02", 0)])
    publish_year(year=2017, user=analyst, reason="Kalmar hade svarat fel om skolgång.")

    page = client.get(reverse("indicators:revision-log"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Kalmar hade svarat fel om skolgång." in text
    assert "10 juni 2025" in text
    assert "Kalmar (0880)" in text and "Nybro (0881)" not in text
    entries = dict(page.context["years"])[2017]
    assert [entry.publication.revision for entry in entries] == [2, 1]
    assert [(row.change.indicator.code, row.old, row.new) for row in entries[0].changes] == [("VINR02", "Ja", "Nej")]


def test_the_command_publishes_and_needs_a_reason_for_a_revision(analyst, capsys):
    make_version("VINR02", 2017)
    imported_2017(analyst, [("0880", "VINR02", 1)])

    call_command("publish_results", "--year", "2017")
    assert "2017 published, revision 1: 1 values" in capsys.readouterr().out

    imported_2017(analyst, [("0880", "VINR02", 0)])
    with pytest.raises(CommandError):
        call_command("publish_results", "--year", "2017")
    call_command("publish_results", "--year", "2017", "--reason", "Rättelse")
    assert "revision 2: 1 changed values" in capsys.readouterr().out


def test_the_revision_log_shows_the_country_county_and_group_results_a_revision_changed(client, analyst):
    make_version("VINR02", 2017)
    imported_2017(analyst, [("0880", "VINR02", 1), ("0881", "VINR02", 0)])
    publish_year(year=2017, user=analyst, now=JUNE)
    imported_2017(analyst, [("0880", "VINR02", 0), ("0881", "VINR02", 0)])
    publish_year(year=2017, user=analyst, reason="Kalmar hade svarat fel om skolgång.")

    page = client.get(reverse("indicators:revision-log"))

    revision = dict(page.context["years"])[2017][0]
    rows = {row.area: (row.change.indicator.code, row.old, row.new) for row in revision.aggregates}
    assert rows["Riket"] == ("VINR02", "50 % (1 av 2)", "0 % (0 av 2)")
    assert rows["Kalmar län"] == ("VINR02", "50 % (1 av 2)", "0 % (0 av 2)")
    kalmar_groups = [area for area in rows if area not in ("Riket", "Kalmar län")]
    assert kalmar_groups and all(":" in area for area in kalmar_groups)  # "grouping: group"
    text = page.content.decode()
    assert "Resultat för riket, län och grupper som revision 2 av 2017 ändrade" in text
