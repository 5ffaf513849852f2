"""The generated summary says nothing false: for every combination of answers to the questions
behind each theme (the values computed by the real rules), every sentence is parsed back and each
claim checked against the answers by an independent reading (summary_reading.py). And the two
units whose published page the issue found false (Värmdö, Botkyrka 2025) read true."""

import csv
import itertools
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from indicators.calculation.unit_values import Definition, unit_value
from indicators.models import KEY_FIGURE_CONFIDENTIAL_BELOW, IndicatorVersion
from reporting.pages.summary import unit_summary
from tests.reporting.summary_reading import ACTORS, Reading, Unverified

CATALOGUE = Path(__file__).resolve().parents[2] / "indicators" / "data" / "indicators.csv"
ROWS = list(csv.DictReader(CATALOGUE.open(encoding="utf-8")))
DEFINITIONS = [Definition(r["code"], r["kind"], r["part"], r["rule"]) for r in ROWS]
VERSIONS = {
    r["code"]: IndicatorVersion(year=2025, kind=r["kind"], title=r["title_sv"], aggregation=r["aggregation"],
                                part_code=r["part"],  # the threshold the catalogue gives when loaded
                                confidential_below=KEY_FIGURE_CONFIDENTIAL_BELOW if r["kind"] == "nyckeltal" else 0)
    for r in ROWS
}  # fmt: skip
YES_NO = ["skydd_rutin", "skola_rutin", "fortb_vuxna", "fortb_barn", "uppf_myndighet", "uppf_utforare",
          "stod_beslut_kvinnor", "stod_beslut_man", "stod_service_kvinnor", "stod_service_man"]  # fmt: skip
FOLLOW_UP = [
    {"su_foljt_upp": "nej"},
    {"su_foljt_upp": "ja", "su_sammanstallt": "nej"},
    {"su_foljt_upp": "ja", "su_sammanstallt": "ja", "su_anvant": "nej"},
    {"su_foljt_upp": "ja", "su_sammanstallt": "ja", "su_anvant": "ja"},
]
ACTOR_CODES = [actor for _code, actor in ACTORS.values()]


def agreement_answers(states: tuple[int, ...]) -> dict[str, str]:
    """Each actor 0: no agreement, 1: an agreement not followed up, 2: one followed up."""
    chosen = [actor for actor, state in zip(ACTOR_CODES, states, strict=True) if state]
    followed = [actor for actor, state in zip(ACTOR_CODES, states, strict=True) if state == 2]
    answers = {"overensk": " ".join(chosen) or "ingen"}
    if chosen:
        answers["overensk_uppfoljd"] = " ".join(followed)
    return answers


def combinations():  # noqa: ANN201
    """Every agreement state of the six actors (3⁶), with the follow-up steps and the yes/no answers
    varied along, so that every theme meets all its combinations of fulfilled and not."""
    rng = random.Random(18)  # noqa: S311 – test data
    yes_no_settings = list(itertools.product(["ja", "nej"], repeat=2))
    for index, states in enumerate(itertools.product(range(3), repeat=6)):
        answers = agreement_answers(states)
        answers.update(FOLLOW_UP[index % len(FOLLOW_UP)])
        for pair, (first, second) in enumerate(zip(YES_NO[::2], YES_NO[1::2], strict=True)):
            answers[first], answers[second] = yes_no_settings[(index + pair) % 4]
        answers["antal_skyddat_boende"] = str(rng.choice([0, 1, 4, 5, 12, 1250]))
        yield answers


def check(answers: dict[str, str], *, unit: str = "Kalmar", year: int = 2025) -> list[str]:
    values = {d.code: unit_value(d, answers=answers, submitted_parts={"vinr"}) for d in DEFINITIONS}
    country = {code: Decimal(random.Random(code).randint(5, 95)) for code in VERSIONS}  # noqa: S311
    with translation.override("sv"):
        sentences = unit_summary(unit_name=unit, values=values, versions=VERSIONS, answers=answers, country=country,
                                 year=year)  # fmt: skip
    Reading(unit=unit, answers=answers, year=year, country=country, values=values).check(sentences)
    return sentences


def test_every_sentence_is_true_for_every_combination_of_answers():
    checked = 0
    for answers in combinations():
        check(answers)
        checked += 1
    assert checked == 3**6


def test_the_reading_catches_a_false_sentence():
    """The check can fail: the old phrase for VINR05 = 0 is false for a unit that did follow up."""
    answers = {"su_foljt_upp": "ja", "su_sammanstallt": "ja", "su_anvant": "nej"}
    reading = Reading(unit="Värmdö", answers=answers, year=2025, country={}, values={})
    with pytest.raises(Unverified, match="a sentence this reading does not know"):
        reading.check(["Värmdö gör ingen systematisk uppföljning av resultaten av insatser till vuxna."])
    with pytest.raises(Unverified, match="false by the answers"):
        reading.check(["Värmdö har systematiskt följt upp resultaten av insatser till vuxna, sammanställt dem på "
                       "gruppnivå och använt sammanställningen för att utveckla verksamheten."])  # fmt: skip
    with pytest.raises(Unverified, match="false by the answers"):
        reading.check(["Värmdö har inte använt en sammanställning av systematiskt uppföljda resultat av insatser "
                       "till vuxna för att utveckla verksamheten och har inte följt upp resultaten systematiskt."])
    with pytest.raises(Unverified, match="negated list joined with ' och '"):
        Reading(unit="Kalmar", answers={"overensk": "ingen"}, year=2025, country={}, values={}).check(
            ["Kalmar saknar en uppföljd överenskommelse om samverkan i enskilda ärenden med polisen och primärvården."]
        )


def test_varmdo_which_followed_up_but_did_not_use_it_is_not_said_to_lack_follow_up():
    answers = {**next(combinations()), "su_foljt_upp": "ja", "su_sammanstallt": "ja", "su_anvant": "nej"}
    text = " ".join(check(answers, unit="Värmdö"))
    assert "Värmdö har inte använt en sammanställning av systematiskt uppföljda resultat" in text
    assert "men har följt upp och sammanställt resultaten" in text
    assert "ingen systematisk uppföljning" not in text


def test_an_agreement_not_followed_up_is_not_called_missing():
    answers = {**next(combinations()), "overensk": "polis primarvard", "overensk_uppfoljd": "primarvard"}
    text = " ".join(check(answers, unit="Botkyrka"))
    assert "Överenskommelsen med polisen har inte följts upp under de senaste 24 månaderna." in text
    assert "med primärvården" in text and "men inte med kvinnojourer" in text
    assert "under de senaste 12 månaderna" in " ".join(check(answers, unit="Botkyrka", year=2023))


def test_gotland_is_on_gotland_and_small_counts_are_not_published():
    answers = {**next(combinations()), "antal_skyddat_boende": "15"}
    assert any("skyddat boende på Gotland" in s for s in check(answers, unit="Gotland"))
    small = check({**answers, "antal_skyddat_boende": "3"}, unit="Gotland")
    assert not any("beviljades" in s for s in small)
