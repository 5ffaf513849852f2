from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from accounts.models import User
from accounts.selectors import command_user
from core.imports import ImportCommand
from survey.models import SurveyRound
from survey.services.answer_import import import_answers


class Command(ImportCommand):
    help = (
        "Imports answers in long form (unit_code, question_code, value[, submitted_at]) from CSV or XLSX. "
        "Nothing is imported unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as", dest="email", help="The coordinator the changes are recorded for.")

    def handle(self, *args: object, file: Path, year: int, dry_run: bool, email: str | None, **options: object) -> None:
        survey_round = SurveyRound.objects.filter(year=year).first()
        if survey_round is None:
            raise CommandError(f"There is no round for {year}.")
        user = command_user(email, User.Role.COORDINATOR, User.Role.ADMIN, default_first=True)
        if user is None:
            raise CommandError("An import is recorded for a coordinator: create one, or name one with --as.")
        report = import_answers(
            data=self.read_file(file), filename=file.name, survey_round=survey_round, user=user, dry_run=dry_run
        )
        self.check_report(report)
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{report.rows} rows: {verb} {report.answers} answers for {report.units} units, "
            f"{report.submitted_parts} parts submitted."
        )
