from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from survey.models import SurveyRound
from survey.services import load_questionnaire
from survey.xlsform import read_xlsform

NEWEST_FORM = Path(__file__).resolve().parents[2] / "questionnaires" / "vinr-2025.md"


class Command(BaseCommand):
    help = "Demo data for make run: this year's round, open now, with the newest shipped questionnaire."

    def handle(self, *args: object, **options: object) -> None:
        year = timezone.localdate().year
        if SurveyRound.objects.filter(year=year).exists():
            self.stdout.write(f"The {year} round exists already.")
            return
        form = read_xlsform(NEWEST_FORM.read_bytes(), NEWEST_FORM.name)
        form.title = f"Öppna jämförelser {year} – Våld i nära relationer"
        form.version = f"{year}.demo"
        now = timezone.now()
        survey_round = load_questionnaire(form=form, year=year, source_name=NEWEST_FORM.name, user=None)
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            opens_at=now - timedelta(days=14), closes_at=now + timedelta(days=35)
        )
        self.stdout.write(f"Demo round {year} open until {(now + timedelta(days=35)).date()}.")
