"""The demo data behind `make run` gives national values close to the published figures (DOMAIN.md)."""

import math
from decimal import Decimal

import pytest
from django.core.management import call_command

from demo.seeding import ShareDraws, demo_random
from demo.targets import ACTORS, TARGETS, question_shares, target
from indicators.models import AggregateResult, Indicator, IndicatorVersion
from indicators.services.computation import compute_indicators

# Published national figures for 2019 (DOMAIN.md), percent of the units that submitted the VINR part.
PUBLISHED_2019 = {"VINR02": 22, "VINR03": 95, "VINR04": 92, "VINR05": 8, "VINR06": 12, "VINR07": 11}
# The 2019 rules of the catalogue (shared/reference/indicators.csv) and the demo target each aims at.
YES_NO = {
    "VINR01": "skydd_rutin", "VINR02": "skola_rutin", "VINR03": "fortb_vuxna", "VINR04": "fortb_barn",
    "VINR06": "uppf_myndighet", "VINR07": "uppf_utforare", "VINR09": "stod_beslut_kvinnor",
    "VINR10": "stod_beslut_man", "VINR11": "stod_service_kvinnor", "VINR12": "stod_service_man",
}  # fmt: skip
AGREEMENTS = dict(zip(("VINR08A", "VINR08B", "VINR08C", "VINR08D", "VINR08E", "VINR08F"), ACTORS, strict=True))
RULES = (
    {code: f"${{{question}}} = 'ja'" for code, question in YES_NO.items()}
    | {"VINR05": "${su_foljt_upp} = 'ja' and ${su_sammanstallt} = 'ja' and ${su_anvant} = 'ja'"}
    | {
        code: f"selected(${{overensk}}, '{actor}') and selected(${{overensk_uppfoljd}}, '{actor}')"
        for code, actor in AGREEMENTS.items()
    }
)  # fmt: skip
TARGET_KEYS = YES_NO | AGREEMENTS | {"VINR05": "VINR05"}


def create_versions(year: int) -> None:
    for code, rule in RULES.items():
        indicator, _created = Indicator.objects.get_or_create(code=code)
        IndicatorVersion.objects.create(indicator=indicator, year=year, title=code, kind="indicator",
                                        part_code="vinr", rule=rule, aggregation="share")  # fmt: skip


def national_shares(year: int) -> dict[str, Decimal]:
    return {
        result.indicator.code: result.share
        for result in AggregateResult.objects.filter(year=year, level="country").select_related("indicator")
    }


@pytest.mark.django_db
def test_the_demo_answers_of_2019_give_national_values_close_to_the_published_figures():
    call_command("load_questionnaire", "survey/questionnaires/vinr-2019.md", "--year", "2019")
    call_command("seed_demo")  # seeds the 2019 round as an earlier round (and this year's round)
    create_versions(2019)
    compute_indicators(years=[2019])
    shares = national_shares(2019)
    assert AggregateResult.objects.get(year=2019, level="country", indicator__code="VINR02").denominator > 250
    for code, figure in PUBLISHED_2019.items():
        assert abs(shares[code] - figure) <= 5, (code, shares[code], figure)
    # Where nothing is published, the values lie close to the demo's trend.
    for code, key in TARGET_KEYS.items():
        assert abs(shares[code] - Decimal(target(TARGETS[key], 2019))) <= 5, (code, shares[code])


@pytest.mark.parametrize("year", range(2016, 2027))
def test_question_shares_multiply_to_the_targets_of_the_combined_indicators(year):
    shares = question_shares(year)
    assert all(0 <= share <= 1 for share in shares.values())
    chain = shares["su_foljt_upp"] * shares["su_sammanstallt"] * shares["su_anvant"]
    assert math.isclose(chain, target(TARGETS["VINR05"], year) / 100)
    for actor in ACTORS:
        agreement = shares[f"overensk.{actor}"] * shares[f"overensk_uppfoljd.{actor}"]
        assert math.isclose(agreement, target(TARGETS[actor], year) / 100)
    assert shares["overensk.ingen"] == 0


def test_targets_are_the_published_figures_interpolated_between_years_and_held_after_the_last():
    assert target(TARGETS["skola_rutin"], 2019) == 22
    assert target(TARGETS["skola_rutin"], 2021) == pytest.approx(23.33, abs=0.01)  # between 21 (2020) and 28 (2023)
    assert target(TARGETS["fortb_vuxna"], 2026) == 96


def test_share_draws_give_exactly_the_share_over_a_rounds_units_in_random_order():
    draws = ShareDraws(demo_random(1), 300)
    sequence = [draws.draw("skola_rutin", 0.22) for _ in range(300)]
    assert sum(sequence) == 66
    assert sequence != sorted(sequence) and sequence != sorted(sequence, reverse=True)
    assert sum(draws.draw("skola_rutin", 0.22) for _ in range(300)) == 66  # a new deck after the first
