from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from accounts.selectors import command_user
from indicators.models import Publication, UnitResult
from indicators.services.publication import ConfirmationNeeded, PublicationError, publish_year
from survey.models import SurveyRound


def unpublished_closed_years() -> list[int]:
    """Years not yet published that have results and are over: their round has closed, or they have
    no round and their results are imported history. A round still open is never published."""
    now = timezone.now()
    rounds = dict(SurveyRound.objects.values_list("year", "closes_at"))
    with_results = set(UnitResult.objects.values_list("year", flat=True).distinct())
    imported = set(UnitResult.objects.filter(source=UnitResult.Source.IMPORTED).values_list("year", flat=True))
    published = set(Publication.objects.values_list("year", flat=True))
    over = {year for year, closes_at in rounds.items() if closes_at <= now} | (imported - rounds.keys())
    return sorted((over & with_results) - published)


class Command(BaseCommand):
    help = (
        "Publishes a year's results: the first time it freezes them; later it publishes a revision of the "
        "values that changed, which needs --reason. --all-closed publishes every year whose round has closed "
        "(or that has only imported results) and that is not yet published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--year", type=int)
        which.add_argument(
            "--all-closed", action="store_true", help="Publish every closed year that is not yet published."
        )
        parser.add_argument("--reason", default="", help="Why the year is revised (shown in the revision log).")
        parser.add_argument("--as", dest="email", help="The analyst the publication is recorded for.")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Publish despite the warnings (units that have not checked their results, open flags); they are "
            "printed and kept in the audit event. A year whose round or an extension is open is never published.",
        )

    def handle(
        self,
        *args: object,
        year: int | None,
        all_closed: bool,
        reason: str,
        email: str | None,
        confirm: bool,
        **options: object,
    ) -> None:
        user = command_user(email, User.Role.ANALYST, User.Role.ADMIN)
        if email and user is None:
            raise CommandError(f"There is no active analyst {email}.")
        years = unpublished_closed_years() if all_closed else [year]
        if all_closed and not years:
            self.stdout.write("Every closed year is already published.")
        for each in years:
            try:
                publication = publish_year(year=each, user=user, reason=reason, confirmed=confirm)
            except ConfirmationNeeded as needed:
                raise CommandError(
                    f"{each}: " + " ".join(needed.warnings) + " Give --confirm to publish anyway."
                ) from None
            except PublicationError as error:
                raise CommandError(str(error)) from error
            changes = publication.changes.count()
            detail = f"{changes} changed values" if publication.revision > 1 else f"{publication.values.count()} values"
            self.stdout.write(f"{each} published, revision {publication.revision}: {detail}.")
