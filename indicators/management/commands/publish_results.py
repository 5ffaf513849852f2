from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from indicators.publication import PublicationError, publish_year


class Command(BaseCommand):
    help = (
        "Publishes a year's results: the first time it freezes them; later it publishes a revision of the "
        "values that changed, which needs --reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--reason", default="", help="Why the year is revised (shown in the revision log).")
        parser.add_argument("--as", dest="email", help="The analyst the publication is recorded for.")

    def handle(self, *args: object, year: int, reason: str, email: str | None, **options: object) -> None:
        user = None
        if email:
            user = User.objects.filter(
                email__iexact=email, role__in=[User.Role.ANALYST, User.Role.ADMIN], is_active=True
            ).first()
            if user is None:
                raise CommandError(f"There is no active analyst {email}.")
        try:
            publication = publish_year(year=year, user=user, reason=reason)
        except PublicationError as error:
            raise CommandError(str(error)) from error
        changes = publication.changes.count()
        detail = f"{changes} changed values" if publication.revision > 1 else f"{publication.values.count()} values"
        self.stdout.write(f"{year} published, revision {publication.revision}: {detail}.")
