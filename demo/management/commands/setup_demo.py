"""Everything `make run` needs, in one process: starting Django once instead of once per step, and
skipping what is already there, so that a second `make run` serves within seconds."""

import os
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from core import dev_scheduler
from indicators.models import UnitResult
from indicators.selectors.freshness import stale_years
from indicators.services.computation import compute_indicators
from survey.models import SurveyRound
from survey.services.questionnaires import SHIPPED_FORMS


class Command(BaseCommand):
    help = (
        "Sets up the demo for make run in one process: migrate, the register, the shipped questionnaires and "
        "indicator catalogue, the demo logins and answers, the indicators of the years whose results are missing "
        "or older than their answers, publication of the closed years and the results file. Each step skips "
        "what is already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset-passwords", action="store_true", help="Give existing demo users new passwords.")
        parser.add_argument(
            "--serve", metavar="HOST:PORT", help="Then serve on HOST:PORT (runserver), with the scheduled jobs."
        )

    def handle(self, *args: object, reset_passwords: bool = False, serve: str | None = None, **options: object) -> None:
        # runserver's autoreloader starts this command again in a child process (RUN_MAIN) that
        # serves: the set-up ran in the parent already.
        if not (serve and os.environ.get("RUN_MAIN") == "true"):
            self.set_up(reset_passwords=reset_passwords)
        if serve:
            self.serve(serve)

    def serve(self, address: str) -> None:
        if os.environ.get("RUN_MAIN") == "true" and dev_scheduler.start():
            self.stdout.write("Scheduled jobs (reminders, outbox, export requeue) run in this process.")
        elif os.environ.get("RUN_MAIN") != "true":
            self.stdout.write(f"Open http://{address} (stop with Ctrl-C)")
        call_command("runserver", address)

    def set_up(self, *, reset_passwords: bool) -> None:
        started = time.monotonic()
        self.step("migrate", lambda: call_command("migrate", interactive=False, verbosity=0))
        self.step("load_units", lambda: call_command("load_units", stdout=self.stdout))
        self.step("load_questionnaire", self.load_questionnaires)
        self.step("load_indicators", lambda: call_command("load_indicators", stdout=self.stdout))
        self.step(
            "create_demo_users",
            lambda: call_command("create_demo_users", reset_passwords=reset_passwords, stdout=self.stdout),
        )
        self.step("seed_demo", lambda: call_command("seed_demo", stdout=self.stdout))
        self.step("compute_indicators", self.compute)
        # --confirm: no demo unit has checked its results, which would otherwise stop the publication.
        self.step("publish_results --all-closed --confirm", lambda: call_command(
            "publish_results", all_closed=True, confirm=True, stdout=self.stdout))  # fmt: skip
        # Every published year's file (each publication also rebuilds its own; this stores what is missing).
        self.step("export_results --store", lambda: call_command("export_results", store=True, stdout=self.stdout))
        self.stdout.write(f"The demo is set up ({time.monotonic() - started:.1f} s).")

    def step(self, name: str, run: Callable[[], object]) -> None:
        started = time.monotonic()
        run()
        self.stdout.write(f"  {name}: {time.monotonic() - started:.1f} s")

    def load_questionnaires(self) -> None:
        """The shipped questionnaires (as load_questionnaire --all), except those whose round was loaded
        from the same file after the file last changed."""
        rounds = {r.year: r for r in SurveyRound.objects.all()}
        skipped = 0
        for path in sorted(SHIPPED_FORMS.glob("vinr-*.md")):
            year = int(re.search(r"(\d{4})", path.name).group(1))
            loaded = rounds.get(year)
            changed = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            if loaded is not None and loaded.source_name == path.name and loaded.loaded_at > changed:
                skipped += 1
                continue
            call_command("load_questionnaire", str(path), year=year, stdout=self.stdout)
        if skipped:
            self.stdout.write(f"{skipped} questionnaires loaded already and unchanged.")

    def compute(self) -> None:
        years = set(SurveyRound.objects.values_list("year", flat=True)) | set(
            UnitResult.objects.values_list("year", flat=True).distinct()
        )
        stale = stale_years(years)
        if not stale:
            self.stdout.write("Every year's results are up to date.")
            return
        report = compute_indicators(years=stale)
        self.stdout.write(
            f"{', '.join(map(str, report.years))}: {report.unit_results} unit values, {report.aggregates} aggregates."
        )
