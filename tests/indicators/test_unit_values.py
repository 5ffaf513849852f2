"""Every indicator of the catalogue computed for hand-built answers, and aggregates against
figures computed by hand."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from indicators.calculation.aggregate import COUNTRY, Area, aggregate
from indicators.calculation.unit_values import Definition, unit_value, unit_values
from indicators.models import AggregateResult

CATALOGUE = Path(__file__).resolve().parents[2] / "indicators" / "data" / "indicators.csv"
DEFINITIONS = {
    row["code"]: Definition(row["code"], row["kind"], row["part"], row["rule"])
    for row in csv.DictReader(CATALOGUE.open(encoding="utf-8"))
}
BOTH = {"allman", "vinr"}

# Everything fulfilled, every actor agreed with and followed up.
ALL_YES = {
    "skydd_rutin": "ja", "skola_rutin": "ja", "fortb_vuxna": "ja", "fortb_barn": "ja", "su_foljt_upp": "ja",
    "su_sammanstallt": "ja", "su_anvant": "ja", "uppf_myndighet": "ja", "uppf_utforare": "ja",
    "overensk": "kvinnojour polis primarvard vuxenpsykiatri akutmottagning ungdomsmottagning",
    "overensk_uppfoljd": "kvinnojour polis primarvard vuxenpsykiatri akutmottagning ungdomsmottagning",
    "stod_beslut_kvinnor": "ja", "stod_beslut_man": "ja", "stod_service_kvinnor": "ja", "stod_service_man": "ja",
    "antal_skyddat_boende": "17",
}  # fmt: skip
# No to everything; the follow-up questions are skipped (not relevant), "ingen" agreement.
ALL_NO = {
    "skydd_rutin": "nej", "skola_rutin": "nej", "fortb_vuxna": "nej", "fortb_barn": "nej", "su_foljt_upp": "nej",
    "uppf_myndighet": "nej", "uppf_utforare": "nej", "overensk": "ingen", "stod_beslut_kvinnor": "nej",
    "stod_beslut_man": "nej", "stod_service_kvinnor": "nej", "stod_service_man": "nej",
    "antal_skyddat_boende": "0",
}  # fmt: skip


def value(code: str, answers: dict, parts: set[str] = BOTH) -> Decimal | None:
    return unit_value(DEFINITIONS[code], answers=answers, submitted_parts=parts)


def test_the_catalogue_has_every_indicator_of_the_reference():
    assert len(DEFINITIONS) == 18
    assert DEFINITIONS["VINRN1"].kind == "nyckeltal"


@pytest.mark.parametrize("code", [c for c in DEFINITIONS if c != "VINRN1"])
def test_every_indicator_is_1_when_fulfilled_and_0_when_not(code):
    assert value(code, ALL_YES) == 1
    assert value(code, ALL_NO) == 0


@pytest.mark.parametrize("code", sorted(DEFINITIONS))
def test_a_unit_that_did_not_submit_the_part_has_no_value_not_0(code):
    assert value(code, ALL_YES, parts={"allman"}) is None
    assert value(code, {}, parts=set()) is None


def test_a_skipped_question_makes_the_rule_0_not_empty():
    # Followed up, but not compiled: su_anvant is not asked, so "used the results" is 0.
    answers = {**ALL_NO, "su_foljt_upp": "ja", "su_sammanstallt": "nej"}
    assert value("VINR05", answers) == 0
    assert value("VINR05", {**answers, "su_sammanstallt": "ja", "su_anvant": "ja"}) == 1


def test_an_agreement_counts_only_if_it_was_also_followed_up():
    answers = {**ALL_NO, "overensk": "polis kvinnojour", "overensk_uppfoljd": "polis"}
    assert value("VINR08B", answers) == 1  # police: agreed and followed up
    assert value("VINR08A", answers) == 0  # women's shelter: agreed, not followed up
    assert value("VINR08C", answers) == 0  # primary care: no agreement
    assert all(value(f"VINR08{x}", {**ALL_NO, "overensk": "ingen"}) == 0 for x in "ABCDEF")


def test_a_key_figure_is_the_number_and_no_value_when_unanswered():
    assert value("VINRN1", ALL_YES) == Decimal(17)
    assert value("VINRN1", ALL_NO) == 0
    assert value("VINRN1", {**ALL_YES, "antal_skyddat_boende": ""}) is None


def test_every_definition_for_every_unit_in_one_call():
    values = unit_values(
        [DEFINITIONS["VINR03"], DEFINITIONS["VINRN1"]],
        answers={1: ALL_YES, 2: ALL_NO},
        submitted_parts={1: BOTH, 2: {"allman"}},
        units=[1, 2, 3],
    )
    assert values == {
        (1, "VINR03"): 1, (1, "VINRN1"): 17, (2, "VINR03"): None, (2, "VINRN1"): None,
        (3, "VINR03"): None, (3, "VINRN1"): None,
    }  # fmt: skip


KALMAR_LAN, SKANE = Area("county", county_id=8), Area("county", county_id=12)
GROUP_C9 = Area("group", group_id=9)


def test_a_share_counts_only_units_with_a_value_and_keeps_numerator_and_denominator():
    values = {1: Decimal(1), 2: Decimal(0), 3: None, 4: Decimal(1), 5: Decimal(0), 6: Decimal(1)}
    areas = {1: [KALMAR_LAN, GROUP_C9], 2: [KALMAR_LAN], 3: [KALMAR_LAN, GROUP_C9], 4: [SKANE, GROUP_C9],
             5: [SKANE], 6: [SKANE]}  # fmt: skip
    tallies = aggregate(values, aggregation="share", areas_of_unit=areas)
    assert (tallies[COUNTRY].numerator, tallies[COUNTRY].denominator) == (3, 5)  # unit 3 counts nowhere
    assert (tallies[KALMAR_LAN].numerator, tallies[KALMAR_LAN].denominator) == (1, 2)
    assert (tallies[SKANE].numerator, tallies[SKANE].denominator) == (2, 3)
    assert (tallies[GROUP_C9].numerator, tallies[GROUP_C9].denominator) == (2, 2)


def test_an_area_where_no_unit_has_a_value_has_no_share():
    tallies = aggregate({1: None}, aggregation="share", areas_of_unit={1: [KALMAR_LAN]})
    result = AggregateResult(aggregation="share", numerator=tallies[KALMAR_LAN].numerator, denominator=0)
    assert result.share is None and result.display_value is None


def test_a_sum_adds_the_values_of_units_with_a_value():
    tallies = aggregate({1: Decimal(12), 2: None, 3: Decimal("3.5")}, aggregation="sum", areas_of_unit={})
    assert (tallies[COUNTRY].numerator, tallies[COUNTRY].denominator) == (Decimal("15.5"), 2)


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [(1, 8, 13), (3, 8, 38), (5, 8, 63), (1, 3, 33), (2, 3, 67), (1, 200, 1), (0, 7, 0), (7, 7, 100)],
)
def test_a_share_is_shown_rounded_half_up_and_kept_exact(numerator, denominator, shown):
    result = AggregateResult(aggregation="share", numerator=Decimal(numerator), denominator=denominator)
    assert result.display_value == shown
    assert result.share == Decimal(numerator) * 100 / denominator
