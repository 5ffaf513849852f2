from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.services.catalogue import CatalogueError, load_catalogue


class Command(BaseCommand):
    help = (
        "Loads the indicator catalogue (indicators/data/indicators.csv): one version per indicator and year. "
        "Versions changed in the UI are kept unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="Another catalogue file with the same columns.")
        parser.add_argument("--year", type=int, action="append", dest="years", help="Only this year (repeatable).")
        parser.add_argument("--force", action="store_true", help="Overwrite the analysts' changes made in the UI.")

    def handle(self, *args: object, file: Path | None, years: list[int] | None, force: bool, **options: object) -> None:
        try:
            report = load_catalogue(path=file, years=years, force=force)
        except CatalogueError as error:
            raise CommandError(f"Nothing was loaded:\n{error}") from None
        years_text = f"{report.years[0]}–{report.years[-1]}" if report.years else "-"
        self.stdout.write(
            f"{report.indicators} indicators, {years_text}: {report.created} versions created, "
            f"{report.updated} updated, {report.unchanged} unchanged, {len(report.kept)} changed in the UI kept."
        )
        if report.kept:
            self.stdout.write("Kept (use --force to overwrite): " + ", ".join(report.kept))
