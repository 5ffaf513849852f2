"""Indicator versions made directly in tests of history, results pages and publication."""

import csv
import io

from indicators.models import Indicator, IndicatorVersion
from survey.models import Response
from survey.services import Change, save_answers, submit_part
from tests.survey.round_helpers import COMPLETE_ALLMAN, COMPLETE_VINR

CODES = [
    "VINR01", "VINR02", "VINR03", "VINR04", "VINR05", "VINR06", "VINR07", "VINR08A", "VINR08B", "VINR08C",
    "VINR08D", "VINR08E", "VINR08F", "VINR09", "VINR10", "VINR11", "VINR12", "VINRN1",
]  # fmt: skip
# Rules as in the catalogue, for the tests that compute from answers.
RULES = {"VINR02": "${skola_rutin} = 'ja'", "VINR03": "${fortb_vuxna} = 'ja'", "VINRN1": "${antal_skyddat_boende}"}


def make_version(code: str, year: int, *, with_rule: bool = False) -> IndicatorVersion:
    """A version of `code` for `year`; without a rule (imported history) unless `with_rule`."""
    kind, aggregation = ("nyckeltal", "sum") if code.startswith("VINRN") else ("indicator", "share")
    indicator, _ = Indicator.objects.get_or_create(code=code)
    version, _ = IndicatorVersion.objects.update_or_create(
        indicator=indicator,
        year=year,
        defaults={"title": f"{code} {year}", "kind": kind, "part_code": "vinr", "aggregation": aggregation,
                  "rule": RULES[code] if with_rule else "", "desired_direction": "" if kind == "nyckeltal" else "up"},
    )  # fmt: skip
    return version


def make_versions(codes: list[str], years: list[int]) -> None:
    for year in years:
        for code in codes:
            make_version(code, year)


def csv_bytes(rows: list[tuple], *, delimiter: str = ",", bom: bool = False) -> bytes:
    """A results file with the header year, unit_code, indicator_code, value."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["year", "unit_code", "indicator_code", "value"])
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def answer_and_submit(response: Response, user, **changes: str) -> None:  # noqa: ANN001
    answers = {**COMPLETE_ALLMAN, **COMPLETE_VINR, **changes}
    save_answers(response=response, changes={k: Change(v) for k, v in answers.items()}, user=user)
    for part in response.round.parts.all():
        submit_part(response=response, part=part, user=user, notify=False)
