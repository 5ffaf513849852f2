from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from accounts.models import User
from accounts.selectors import command_user
from core.imports import ImportCommand
from indicators.services.history import import_results


class Command(ImportCommand):
    help = (
        "Imports earlier years' unit-level results (year, unit_code, indicator_code, value) from CSV or XLSX "
        "and recomputes the aggregates of those years. Nothing is imported unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--as", dest="email", help="The analyst the import is recorded for.")

    def handle(self, *args: object, file: Path, dry_run: bool, email: str | None, **options: object) -> None:
        user = command_user(email, User.Role.ANALYST, User.Role.ADMIN)
        if email and user is None:
            raise CommandError(f"There is no active analyst {email}.")
        report = import_results(data=self.read_file(file), filename=file.name, user=user, dry_run=dry_run)
        self.check_report(report)
        verb = "would import" if dry_run else "imported"
        years = ", ".join(map(str, report.years)) or "no year"
        self.stdout.write(f"{report.rows} rows: {verb} {report.values} unit results for {years}.")
        if report.published_years:
            published = ", ".join(map(str, report.published_years))
            self.stdout.write(f"Already published: {published}; publish a revision to change the published values.")
