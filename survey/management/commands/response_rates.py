import csv

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.spreadsheets import csv_text
from survey.coordination import monitor
from survey.models import SurveyRound

HEADER = ["level", "code", "name", "part", "invited", "started", "submitted", "rate"]


class Command(BaseCommand):
    help = "Prints a round's response rates per part, for the country and optionally per county or group."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--by", choices=["county", "group"], help="Add a row per county or per group.")
        parser.add_argument("--format", choices=["text", "csv"], default="text")

    def handle(self, *args: object, year: int, by: str | None, format: str, **options: object) -> None:
        survey_round = SurveyRound.objects.filter(year=year).first()
        if survey_round is None:
            raise CommandError(_("There is no survey round for %(year)s.") % {"year": year})
        facts = monitor.round_facts(survey_round)
        areas = [monitor.national_figures(facts)]
        if by == "county":
            areas += monitor.county_figures(facts)
        elif by == "group":
            areas += [group for grouping in monitor.grouping_figures(facts) for group in grouping.groups]
        rows = [
            [area.level, area.code, area.name, figures.part.code, figures.invited, figures.started, figures.submitted,
             "" if figures.rate is None else str(figures.rate)]
            for area in areas
            for figures in area.parts
        ]  # fmt: skip
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(HEADER)
            # Names come from the register (and so from uploads): text never runs as a formula.
            writer.writerows([[csv_text(v) if isinstance(v, str) else v for v in row] for row in rows])
            return
        table = [HEADER, *([str(value) for value in row] for row in rows)]
        widths = [max(len(row[index]) for row in table) for index in range(len(HEADER))]
        numeric = {"invited", "started", "submitted", "rate"}
        for row in table:
            cells = [
                value.rjust(width) if HEADER[index] in numeric else value.ljust(width)
                for index, (value, width) in enumerate(zip(row, widths, strict=True))
            ]
            self.stdout.write("  ".join(cells).rstrip())
