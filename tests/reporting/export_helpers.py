"""Published results of two years for the tests of the results file: imported history for every unit
that reported, with a deterministic mix of 1, 0 and no value, a comparability note, and the 2024
round with a few submitted parts for the response rates."""

import random
from decimal import Decimal

from django.utils import timezone

from indicators.models import IndicatorVersion
from indicators.services.history import import_results
from indicators.services.publication import publish_year
from survey.models import PartSubmission, Response
from survey.selectors.register import reporting_units_for_year
from tests.indicators.history_helpers import csv_bytes, make_versions
from tests.survey.round_helpers import load_round_2024

YEARS = [2021, 2024]
CODES = ["VINR01", "VINR02", "VINR03", "VINRN1"]
NOTE = "Ändringen kan påverka jämförbarheten."


def value_for(rng: random.Random, code: str) -> str:
    if code == "VINRN1":
        return rng.choice(["", "0", "3", "12,5"])
    return rng.choice(["1", "1", "0", ""])


def publish_two_years(analyst) -> None:  # noqa: ANN001
    make_versions(CODES, YEARS)
    IndicatorVersion.objects.filter(year=2024, indicator__code="VINR02").update(comparability_note=NOTE)
    rng = random.Random(6)  # noqa: S311 – test data
    rows = []
    for year in YEARS:
        for code in sorted(reporting_units_for_year(year).values_list("code", flat=True)):
            rows += [(year, code, indicator, value_for(rng, indicator)) for indicator in CODES]
    report = import_results(data=csv_bytes(rows), filename="history.csv", user=analyst)
    assert report.ok, [str(error) for error in report.errors][:5]
    for year in YEARS:
        publish_year(year=year, user=analyst)


def submit_some_parts() -> None:
    """The 2024 round: every unit invited, three submitted the VINR part."""
    survey_round = load_round_2024()
    part = survey_round.parts.get(code="vinr")
    for response in Response.objects.filter(round=survey_round, unit__code__in=["0880", "0881", "1440"]):
        PartSubmission.objects.create(response=response, part=part, submitted_at=timezone.now())


def as_number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
