from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import command_user
from accounts.models import User
from indicators.history import import_results


class Command(BaseCommand):
    help = (
        "Imports earlier years' unit-level results (year, unit_code, indicator_code, value) from CSV or XLSX "
        "and recomputes the aggregates of those years. Nothing is imported unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row and import nothing.")
        parser.add_argument("--as", dest="email", help="The analyst the import is recorded for.")

    def handle(self, *args: object, file: Path, dry_run: bool, email: str | None, **options: object) -> None:
        user = command_user(email, User.Role.ANALYST, User.Role.ADMIN)
        if email and user is None:
            raise CommandError(f"There is no active analyst {email}.")
        if not file.is_file():
            raise CommandError(f"There is no file {file}.")
        report = import_results(data=file.read_bytes(), filename=file.name, user=user, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"{len(report.errors)} problem(s); nothing was imported.")
        verb = "would import" if dry_run else "imported"
        years = ", ".join(map(str, report.years)) or "no year"
        self.stdout.write(f"{report.rows} rows: {verb} {report.values} unit results for {years}.")
        if report.published_years:
            published = ", ".join(map(str, report.published_years))
            self.stdout.write(f"Already published: {published}; publish a revision to change the published values.")
