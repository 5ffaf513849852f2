from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import two_factor
from accounts.models import User
from core.text import normalise_email


class Command(BaseCommand):
    help = (
        "Prints the current code of a user's authenticator app, for logging in to the demo as staff "
        "without a phone. For demo use only: refuses unless DEBUG is on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: object, email: str, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("otp_code is for demo use only and runs only with DEBUG=1.")
        user = User.objects.filter(email=normalise_email(email)).first()
        device = two_factor.app_device(user) if user else None
        if device is None:
            raise CommandError(f"{email} has no authenticator app.")
        self.stdout.write(two_factor.current_code(device.key))
