from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from survey.services import QuestionnaireConflict
from survey.services.rounds import RoundError, create_round, round_times
from survey.xlsform.parser import XLSFormInvalid, read_xlsform


class Command(BaseCommand):
    help = (
        "Creates the survey round of a year with its fielding period, its questionnaire loaded from an "
        "XLSForm (--questionnaire) or copied from an earlier year's round (--copy-from). Dates are days "
        "in Swedish time (Europe/Stockholm): the round opens at 00:00 of --opens and closes at 23:59 of --closes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--opens", type=date.fromisoformat, required=True, help="YYYY-MM-DD, opens at 00:00.")
        parser.add_argument("--closes", type=date.fromisoformat, required=True, help="YYYY-MM-DD, closes at 23:59.")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--questionnaire", type=Path, help="An XLSForm file (.xlsx or .md).")
        source.add_argument("--copy-from", type=int, help="The year whose questionnaire is copied.")

    def handle(self, *args: object, year: int, opens: date, closes: date, questionnaire: Path | None,
               copy_from: int | None, **options: object) -> None:  # fmt: skip
        opens_at, closes_at = round_times(opens_on=opens, closes_on=closes)
        if questionnaire and not questionnaire.is_file():
            raise CommandError(_("%(file)s cannot be read: the file does not exist") % {"file": questionnaire})
        try:
            form = read_xlsform(questionnaire.read_bytes(), questionnaire.name, year=year) if questionnaire else None
            survey_round = create_round(
                year=year, opens_at=opens_at, closes_at=closes_at, user=None, form=form,
                source_name=questionnaire.name if questionnaire else "", copy_from=copy_from,
            )  # fmt: skip
        except XLSFormInvalid as error:
            raise CommandError(f"{questionnaire}:\n{error}") from None
        except (QuestionnaireConflict, RoundError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{year}: {survey_round.title}, {survey_round.questions.count()} questions, "
            f"open {opens.isoformat()} 00:00 – {closes.isoformat()} 23:59, {survey_round.responses.count()} units"
        )
