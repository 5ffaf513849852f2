import re
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from survey.services import QuestionnaireConflict, load_questionnaire
from survey.services.questionnaires import SHIPPED_FORMS as SHIPPED
from survey.services.rounds import round_times
from survey.xlsform.parser import XLSFormInvalid, read_xlsform


class Command(BaseCommand):
    help = (
        "Loads a year's questionnaire from an XLSForm (.xlsx or .md); --all loads the shipped VINR forms. "
        "--opens and --closes set the round's fielding period (by default a new round is open 1 February – "
        "21 March): days in Swedish time (Europe/Stockholm), open from 00:00 of --opens to 23:59 of --closes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--year", type=int)
        parser.add_argument("--opens", type=date.fromisoformat, help="YYYY-MM-DD: the round opens at 00:00.")
        parser.add_argument("--closes", type=date.fromisoformat, help="YYYY-MM-DD: the round closes at 23:59.")
        parser.add_argument(
            "--all", action="store_true", help="Load survey/questionnaires/vinr-YYYY.md for every year."
        )

    def handle(self, *args: object, file: Path | None, year: int | None, all: bool, opens: date | None,
               closes: date | None, **options: object) -> None:  # fmt: skip
        if all and (opens or closes):
            raise CommandError("--opens and --closes need FILE and --year, not --all.")
        opens_at = closes_at = None
        if opens or closes:
            if not (opens and closes):
                raise CommandError("Give both --opens and --closes.")
            if closes < opens:
                raise CommandError("--closes must not be before --opens.")
            opens_at, closes_at = round_times(opens_on=opens, closes_on=closes)
        if all:
            jobs = [
                (path, int(re.search(r"(\d{4})", path.name).group(1))) for path in sorted(SHIPPED.glob("vinr-*.md"))
            ]
        elif file and year:
            jobs = [(file, year)]
        else:
            raise CommandError("Give FILE and --year, or --all.")
        for path, job_year in jobs:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(
                    _("%(file)s cannot be read: %(reason)s")
                    % {"file": path, "reason": _("the file does not exist") if not path.exists() else error.strerror}
                ) from None
            try:
                form = read_xlsform(data, path.name, year=job_year)
                survey_round = load_questionnaire(
                    form=form, year=job_year, source_name=path.name, user=None, opens_at=opens_at, closes_at=closes_at
                )
            except XLSFormInvalid as error:
                raise CommandError(f"{path.name}:\n{error}") from None
            except QuestionnaireConflict as error:
                raise CommandError(f"{path.name}:\n{error}") from None
            for notice in form.notices:
                self.stdout.write(f"{path.name}: {notice}")
            self.stdout.write(
                f"{job_year}: {survey_round.title}, {survey_round.questions.count()} questions, open "
                f"{timezone.localtime(survey_round.opens_at):%Y-%m-%d %H:%M} – "
                f"{timezone.localtime(survey_round.closes_at):%Y-%m-%d %H:%M}"
            )
