"""Stored unit values and aggregates for a county, the country and a group, against figures
computed by hand; recomputation after a part is submitted or reopened."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators.models import AggregateResult, UnitResult
from indicators.services.computation import compute_indicators
from indicators.tasks import compute_indicators as compute_task
from survey.models import GroupMembership, PartSubmission, Response
from survey.services import Change, reopen_part, save_answers, submit_part
from tests.survey.round_helpers import COMPLETE_ALLMAN, COMPLETE_VINR, load_round_2024

from .compute_helpers import make_versions

pytestmark = pytest.mark.django_db

# Kalmar län (08): 0880 Kalmar, 0881 Nybro, 0882 Oskarshamn, 0883 Västervik, 0884 Vimmerby.
KALMAR_LAN = ["0880", "0881", "0882", "0883", "0884"]


def answer_and_submit(response, user, **changes):  # noqa: ANN001, ANN201
    answers = {**COMPLETE_ALLMAN, **COMPLETE_VINR, **changes}
    save_answers(response=response, changes={k: Change(v) for k, v in answers.items()}, user=user)
    for part in response.round.parts.all():
        submit_part(response=response, part=part, user=user, notify=False)


def national(code: str, year: int = 2024) -> AggregateResult:
    return AggregateResult.objects.get(year=year, indicator__code=code, level="country")


def test_aggregates_for_a_county_the_country_and_a_group_match_figures_by_hand(coordinator):
    round_ = load_round_2024()
    make_versions(2024)
    responses = {r.unit.code: r for r in Response.objects.filter(round=round_).select_related("unit", "round")}
    # fortb_vuxna (VINR03): ja in Kalmar, Nybro, Oskarshamn; nej in Västervik; Vimmerby submits only
    # the general part (no value); Stockholm's Södermalm district ja; everyone else silent.
    for code, answer in [("0880", "ja"), ("0881", "ja"), ("0882", "ja"), ("0883", "nej"), ("0180-08", "ja")]:
        answer_and_submit(responses[code], coordinator, fortb_vuxna=answer)
    save_answers(response=responses["0884"], changes={k: Change(v) for k, v in COMPLETE_ALLMAN.items()},
                 user=coordinator)  # fmt: skip
    submit_part(response=responses["0884"], part=round_.parts.get(code="allman"), user=coordinator, notify=False)

    compute_indicators(years=[2024])

    values = dict(UnitResult.objects.filter(year=2024, indicator__code="VINR03").values_list("unit__code", "value"))
    assert len(values) == 303  # every invited unit has a row; silent ones have no value
    assert values["0880"] == 1 and values["0883"] == 0 and values["0884"] is None and values["0114"] is None
    country = national("VINR03")
    assert (country.numerator, country.denominator, country.display_value) == (4, 5, 80)
    county = AggregateResult.objects.get(year=2024, indicator__code="VINR03", level="county", county__code="08")
    assert (county.numerator, county.denominator, county.display_value) == (3, 4, 75)
    # The group of Kalmar in the population classes of 2024, counted by hand from the memberships.
    membership = GroupMembership.objects.get(year=2024, unit__code="0880", grouping__code="population")
    members = GroupMembership.objects.filter(year=2024, group=membership.group)
    members = set(members.values_list("unit__code", flat=True))
    with_value = [c for c in ["0880", "0881", "0882", "0883", "0180-08"] if c in members]
    fulfilled = [c for c in with_value if c != "0883"]
    group = AggregateResult.objects.get(year=2024, indicator__code="VINR03", level="group", group=membership.group)
    assert (group.numerator, group.denominator) == (len(fulfilled), len(with_value))
    # Every group of every grouping of the year has its row, also without units with a value.
    assert AggregateResult.objects.filter(year=2024, indicator__code="VINR03", level="group").count() == len(
        set(GroupMembership.objects.filter(year=2024).values_list("group", flat=True))
    )
    # VINR05: su_foljt_upp nej, so the rest is skipped: 0 for everyone with a value.
    assert (national("VINR05").numerator, national("VINR05").denominator) == (0, 5)
    # The key figure is summed: 12 shelter placements each.
    assert (national("VINRN1").numerator, national("VINRN1").denominator) == (Decimal(60), 5)


def test_a_half_up_case_in_the_stored_aggregates(coordinator):
    round_ = load_round_2024()
    make_versions(2024)
    responses = Response.objects.filter(round=round_).select_related("round").order_by("unit__code")[:8]
    for index, response in enumerate(responses):
        answer_and_submit(response, coordinator, skola_rutin="ja" if index == 0 else "nej")
    compute_indicators(years=[2024])
    result = national("VINR02")
    assert (result.numerator, result.denominator) == (1, 8)
    assert result.share == Decimal("12.5") and result.display_value == 13


def test_submitting_and_reopening_a_part_recompute_the_year(coordinator, django_capture_on_commit_callbacks):
    round_ = load_round_2024()
    make_versions(2024)
    kalmar = Response.objects.select_related("round").get(round=round_, unit__code="0880")
    with django_capture_on_commit_callbacks(execute=True):
        answer_and_submit(kalmar, coordinator)
    assert UnitResult.objects.get(year=2024, unit__code="0880", indicator__code="VINR03").value == 1
    with django_capture_on_commit_callbacks(execute=True):
        reopen_part(response=kalmar, part=round_.parts.get(code="vinr"), reason="Rättelse", user=coordinator,
                    until=timezone.now() + timedelta(days=1))  # the round has closed: a new deadline  # fmt: skip
    assert UnitResult.objects.get(year=2024, unit__code="0880", indicator__code="VINR03").value is None
    assert national("VINR03").denominator == 0


def test_the_command_computes_a_year_and_every_year(coordinator, capsys):
    round_ = load_round_2024()
    make_versions(2024)
    kalmar = Response.objects.select_related("round").get(round=round_, unit__code="0880")
    answer_and_submit(kalmar, coordinator)
    UnitResult.objects.all().delete()
    call_command("compute_indicators", "--year", "2024")
    assert "2024: 5454 unit values" in capsys.readouterr().out  # 18 indicators × 303 units
    UnitResult.objects.all().delete()
    call_command("compute_indicators", "--all")
    assert national("VINR03").numerator == 1


def test_a_recomputation_writes_only_the_values_that_changed(coordinator):
    round_ = load_round_2024()
    make_versions(2024)
    kalmar, nybro = (Response.objects.select_related("round").get(round=round_, unit__code=c) for c in ("0880", "0881"))
    answer_and_submit(kalmar, coordinator)
    compute_indicators(years=[2024])
    before = dict(UnitResult.objects.filter(year=2024).values_list("pk", "updated_at"))
    answer_and_submit(nybro, coordinator, fortb_vuxna="nej")
    compute_indicators(years=[2024])
    after = dict(UnitResult.objects.filter(year=2024).values_list("pk", "updated_at"))
    assert after.keys() == before.keys()  # rows are kept, not replaced
    touched = UnitResult.objects.filter(pk__in=[pk for pk in after if after[pk] != before[pk]])
    assert set(touched.values_list("unit__code", flat=True)) == {"0881"}
    assert UnitResult.objects.get(year=2024, unit__code="0881", indicator__code="VINR03").value == 0


def test_the_hourly_job_recomputes_the_years_whose_answers_still_change(coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from indicators.services.computation import recent_years
    from indicators.tasks import compute_recent_years

    round_ = load_round_2024()
    make_versions(2024)
    now = timezone.now()
    round_.opens_at, round_.closes_at = now - timedelta(days=90), now - timedelta(days=30)
    round_.save()
    kalmar = Response.objects.select_related("round").get(round=round_, unit__code="0880")
    answer_and_submit(kalmar, coordinator)  # as if its recomputation had been lost
    assert not UnitResult.objects.exists()
    compute_recent_years()
    assert national("VINR03").numerator == 1
    assert recent_years(now=now + timedelta(days=31)) == []  # closed two months ago: settled


def test_parts_submitted_within_half_a_minute_share_one_recomputation(coordinator, django_capture_on_commit_callbacks):
    """Deadline day: the submissions gather for half a minute, then one recomputation reads them all;
    a submission once it has started queues the next."""
    round_ = load_round_2024()
    make_versions(2024)
    kalmar, nybro, oskarshamn = (
        Response.objects.select_related("round").get(round=round_, unit__code=code) for code in ("0880", "0881", "0882")
    )
    with mock.patch.object(compute_task, "apply_async") as queue:
        for response in (kalmar, nybro):
            with django_capture_on_commit_callbacks(execute=True):
                answer_and_submit(response, coordinator)
        assert queue.call_args_list == [mock.call((2024,), countdown=30)]
        assert not UnitResult.objects.exists()

        compute_task(2024)  # what the worker runs half a minute later
        assert national("VINR03").numerator == 2  # both submissions are in it

        with django_capture_on_commit_callbacks(execute=True):
            answer_and_submit(oskarshamn, coordinator)
        assert queue.call_count == 2


def test_a_submission_while_the_queue_is_down_leaves_the_next_one_free_to_queue(
    coordinator, django_capture_on_commit_callbacks
):
    round_ = load_round_2024()
    make_versions(2024)
    kalmar, nybro = (Response.objects.select_related("round").get(round=round_, unit__code=c) for c in ("0880", "0881"))
    down = mock.patch.object(compute_task, "apply_async", side_effect=OSError("redis is down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        answer_and_submit(kalmar, coordinator)  # the submission stands; the hourly job catches up
    assert PartSubmission.objects.filter(response=kalmar).count() == 2
    with mock.patch.object(compute_task, "apply_async") as queue, django_capture_on_commit_callbacks(execute=True):
        answer_and_submit(nybro, coordinator)
    assert queue.call_args_list == [mock.call((2024,), countdown=30)]
