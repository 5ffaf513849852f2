import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reporting.exporters import ExportError
from reporting.models import Export
from reporting.selectors.exports import is_outdated, newest_file
from reporting.selectors.published import published_years
from reporting.services import build_results_file


class Command(BaseCommand):
    help = (
        "Writes the Excel results file of a publication year (every published year from 2016 up to it) "
        "with the same exporter as the analysts' page. --store also keeps it as a finished export, which "
        "the public then downloads; --store without --year stores the file of every published year that "
        "has no up-to-date file."
    )
    # Django's system checks (URLs, templates, models) took about a second of every run; they are
    # for starting a server, and `manage.py check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, help="The publication year; by default the newest published (with --store: all)."
        )
        parser.add_argument("--out", help="The .xlsx file to write.")
        parser.add_argument("--store", action="store_true", help="Also keep the file as a finished export.")

    def handle(self, *args: object, year: int | None, out: str | None, store: bool, **options: object) -> None:
        if not out and not store:
            raise CommandError("Give --out FILE, --store, or both.")
        years = published_years()
        if year is None:
            if not years:
                raise CommandError("Nothing is published yet.")
            year = years[-1]
            if store and not out:
                for each in years:  # every published year has its file
                    self._export(year=each, out=None, store=True, options=options)
                return
        self._export(year=year, out=out, store=store, options=options)

    def _export(self, *, year: int, out: str | None, store: bool, options: dict) -> None:
        if store and not out and (current := newest_file(year)) and not is_outdated(current):
            self.stdout.write(f"The results file of {year} is up to date.")
            return  # make run again: nothing to do
        started = timezone.now()
        buffer = io.BytesIO()

        def progress(percent: int, message: str) -> None:
            if int(options.get("verbosity", 1)) > 1:
                self.stdout.write(f"{percent:3d} % {message}")

        try:
            revision = build_results_file(year=year, target=buffer, progress=progress)
        except ExportError as error:
            raise CommandError(str(error)) from error
        content = buffer.getvalue()
        if out:
            Path(out).write_bytes(content)
        if store:
            Export.objects.create(
                year=year,
                status=Export.Status.DONE,
                progress=100,
                file=content,
                size=len(content),
                revision=revision,
                finished_at=timezone.now(),
            )
        seconds = (timezone.now() - started).total_seconds()
        where = out or f"a finished export of {year}"
        self.stdout.write(f"Wrote {where} ({len(content):,} bytes) in {seconds:.1f} s.")
