from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from indicators.models import UnitResult
from indicators.services.computation import compute_indicators, recent_years
from survey.models import SurveyRound


class Command(BaseCommand):
    help = "Computes the unit values and aggregates of every indicator for a year (or --all years)."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--year", type=int)
        group.add_argument("--all", action="store_true", help="Every year with a round or imported results.")
        group.add_argument("--recent", action="store_true", help="Years whose round is open or closed lately.")

    def handle(self, *args: object, year: int | None, all: bool, recent: bool, **options: object) -> None:  # noqa: A002
        if recent:
            years = set(recent_years(now=timezone.now()))
        elif all:
            years = set(SurveyRound.objects.values_list("year", flat=True)) | set(
                UnitResult.objects.values_list("year", flat=True).distinct()
            )
        else:
            years = {year}
        if not years:
            raise CommandError("There is nothing to compute: no rounds and no imported results.")
        report = compute_indicators(years=years)
        self.stdout.write(
            f"{', '.join(map(str, report.years))}: {report.unit_results} unit values, {report.aggregates} aggregates."
        )
