"""Shared steps for the tests of a round's invitations and reminders."""

import re
import zoneinfo
from datetime import datetime

from django.core.management import call_command

from survey.models import Contact, ReportingUnit, SurveyRound

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
COMPLETE_ALLMAN = {"kontakt_namn": "Anna Lind", "kontakt_epost": "anna.lind@kalmar.se", "namnd": "Socialnämnden"}
COMPLETE_VINR = {
    "skydd_rutin": "ja", "skola_rutin": "nej", "fortb_vuxna": "ja", "fortb_barn": "ja", "su_foljt_upp": "nej",
    "uppf_myndighet": "ja", "uppf_utforare": "nej", "overensk": "polis kvinnojour", "overensk_uppfoljd": "polis",
    "stod_beslut_kvinnor": "ja", "stod_beslut_man": "ja", "stod_service_kvinnor": "nej", "stod_service_man": "nej",
    "antal_skyddat_boende": "12",
}  # fmt: skip


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def load_round_2024() -> SurveyRound:
    """The 2024 round with its usual times: open 1 February to the end of 21 March."""
    call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024")
    return SurveyRound.objects.get(year=2024)


def add_contact(unit_code: str, name: str, email: str, role: str = Contact.Role.RESPONSIBLE) -> Contact:
    return Contact.objects.create(unit=ReportingUnit.objects.get(code=unit_code), name=name, email=email, role=role)


def link_in(body: str) -> str:
    """The path of the personal link in an invitation e-mail."""
    return re.search(r"https?://[^/\s]+(/inbjudan/[^\s]+/)", body).group(1)
