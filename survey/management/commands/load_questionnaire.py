import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from survey.services import QuestionnaireConflict, load_questionnaire
from survey.services.questionnaires import SHIPPED_FORMS as SHIPPED
from survey.xlsform.parser import XLSFormInvalid, read_xlsform


class Command(BaseCommand):
    help = "Loads a year's questionnaire from an XLSForm (.xlsx or .md); --all loads the shipped VINR forms."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--year", type=int)
        parser.add_argument(
            "--all", action="store_true", help="Load survey/questionnaires/vinr-YYYY.md for every year."
        )

    def handle(self, *args: object, file: Path | None, year: int | None, all: bool, **options: object) -> None:
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
                survey_round = load_questionnaire(form=form, year=job_year, source_name=path.name, user=None)
            except XLSFormInvalid as error:
                raise CommandError(f"{path.name}:\n{error}") from None
            except QuestionnaireConflict as error:
                raise CommandError(f"{path.name}:\n{error}") from None
            for notice in form.notices:
                self.stdout.write(f"{path.name}: {notice}")
            self.stdout.write(f"{job_year}: {survey_round.title}, {survey_round.questions.count()} questions")
