from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo.seeding import demo_random, seed_current_round, seed_earlier_round
from demo.targets import yes_share
from survey.models import PartSubmission, SurveyRound
from survey.services import load_questionnaire
from survey.services.questionnaires import SHIPPED_FORMS
from survey.xlsform.parser import read_xlsform

NEWEST_FORM = SHIPPED_FORMS / "vinr-2025.md"


class Command(BaseCommand):
    help = (
        "Demo data for make run: this year's round, open now, with the newest shipped questionnaire, contacts, "
        "invitations and a mix of submitted, started and silent units; submissions in earlier rounds that have none. "
        "The answers give national indicator values close to the published figures (demo/targets.py)."
    )

    def handle(self, *args: object, **options: object) -> None:
        year = timezone.localdate().year
        if SurveyRound.objects.filter(year=year).exists():
            self.stdout.write(f"The {year} round exists already.")
        else:
            self.seed_current(year)
        earlier = SurveyRound.objects.filter(year__lt=year).order_by("year")
        seeded = [r for r in earlier if not PartSubmission.objects.filter(response__round=r).exists()]
        if not seeded:
            self.stdout.write("Earlier rounds have submissions already." if earlier else "No earlier rounds.")
        for survey_round in seeded:
            counts = seed_earlier_round(
                survey_round=survey_round, rng=demo_random(survey_round.year), yes_share=yes_share(survey_round.year)
            )
            invited = survey_round.responses.count()
            rates = ", ".join(f"{code} {count}/{invited}" for code, count in counts.items())
            self.stdout.write(f"Round {survey_round.year}: submitted {rates}.")

    @transaction.atomic
    def seed_current(self, year: int) -> None:
        form = read_xlsform(NEWEST_FORM.read_bytes(), NEWEST_FORM.name)
        form.title = f"Öppna jämförelser {year} – Våld i nära relationer"
        form.version = f"{year}.demo"
        now = timezone.now()
        today = timezone.localdate()
        # Two weeks before the deadline, when the monitor matters most: opened 35 days ago in the
        # morning, closes in 14 days at the end of the day.
        opens_at = timezone.make_aware(datetime.combine(today - timedelta(days=35), time(8)))
        closes_at = timezone.make_aware(datetime.combine(today + timedelta(days=14), time(23, 59, 59)))
        survey_round = load_questionnaire(form=form, year=year, source_name=NEWEST_FORM.name, user=None)
        SurveyRound.objects.filter(pk=survey_round.pk).update(opens_at=opens_at, closes_at=closes_at)
        survey_round.refresh_from_db()
        summary = seed_current_round(
            survey_round=survey_round, rng=demo_random(year), now=now, yes_share=yes_share(year)
        )
        s = summary.statuses
        self.stdout.write(
            f"Demo round {year} open until {closes_at.date()}: {s['submitted']} units submitted every part, "
            f"{s['first_part']} only the general part, {s['started']} started, {s['silent']} not started; "
            f"{summary.contacts} contacts invited, {summary.logged_in} logged in, {summary.extended} extensions."
        )
