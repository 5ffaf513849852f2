from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from accounts.models import User
from accounts.selectors import command_user
from core.imports import ImportCommand
from survey.services.contacts import import_contacts


class Command(ImportCommand):
    help = (
        "Imports contact persons (unit_code, name, email[, role]) from CSV or XLSX. "
        "Nothing is imported unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--as", dest="email", help="The coordinator the import is recorded for.")

    def handle(self, *args: object, file: Path, dry_run: bool, email: str | None, **options: object) -> None:
        user = command_user(email, User.Role.COORDINATOR, User.Role.ADMIN, default_first=True)
        if user is None:
            raise CommandError("An import is recorded for a coordinator: create one, or name one with --as.")
        report = import_contacts(data=self.read_file(file), filename=file.name, user=user, dry_run=dry_run)
        self.check_report(report)
        if dry_run:
            self.stdout.write(f"The file is clean: {report.rows} contact persons.")
        else:
            self.stdout.write(f"Imported {report.created} new contact persons, {report.updated} changed.")
