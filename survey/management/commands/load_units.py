from django.core.management.base import BaseCommand, CommandParser

from survey.services.register import load_register


class Command(BaseCommand):
    help = "Loads the register of counties, reporting units and groupings from survey/data/ (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--update", action="store_true", help="Let the data files overwrite existing rows.")

    def handle(self, *args: object, update: bool = False, **options: object) -> None:
        report = load_register(update=update)
        self.stdout.write(
            f"Register loaded: {report.counties} new counties, {report.units} new units, "
            f"{report.groups} new groups, {report.memberships} new memberships, "
            f"{report.corrected} memberships moved to the group the files give."
        )
