import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts import two_factor
from accounts.models import User
from survey.models import ReportingUnit, UnitAssignment

# (e-mail, name, role, unit codes)
DEMO_USERS = [
    ("respondent@demo.oj.se", "Rita Respondent", User.Role.RESPONDENT, ["0880"]),
    ("stadsdel@demo.oj.se", "Sam Stadsdel", User.Role.RESPONDENT, ["0180-08"]),
    ("samordnare@demo.oj.se", "Sara Samordnare", User.Role.COORDINATOR, []),
    ("analytiker@demo.oj.se", "Anders Analytiker", User.Role.ANALYST, []),
    ("admin@demo.oj.se", "Ada Admin", User.Role.ADMIN, []),
]


class Command(BaseCommand):
    help = (
        "Creates one demo login per role and prints the passwords once. Staff logins get an authenticator app "
        "with a fixed key (printed every time; codes also from `manage.py otp_code`). Needs the register "
        "(load_units). For demo data only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset-passwords", action="store_true", help="Give existing demo users new passwords.")

    @transaction.atomic
    def handle(self, *args: object, reset_passwords: bool = False, **options: object) -> None:
        if not settings.DEBUG:
            # The staff logins' authenticator keys are in this file: anyone could compute their codes.
            raise CommandError(
                "create_demo_users runs only with DEBUG=1 (make run): the demo staff logins' authenticator keys "
                "are in the source, so anyone could log in with them."
            )
        printed, devices = [], []
        for email, name, role, unit_codes in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None or reset_passwords:
                password = secrets.token_urlsafe(12)
                if user is None:
                    user = User.objects.create_user(
                        email,
                        password,
                        full_name=name,
                        role=role,
                        is_staff=role == User.Role.ADMIN,
                        is_superuser=role == User.Role.ADMIN,
                    )
                else:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                printed.append((email, role, password))
            for unit in ReportingUnit.objects.filter(code__in=unit_codes):
                UnitAssignment.objects.get_or_create(user=user, unit=unit)
            if two_factor.is_required(user):
                devices.append((email, two_factor.give_demo_device(user=user)))
        if printed:
            self.stdout.write("Demo logins (shown only now; --reset-passwords gives new ones):")
            for email, role, password in printed:
                self.stdout.write(f"  {role:<12} {email:<26} {password}")
        else:
            self.stdout.write("Demo users exist already; run with --reset-passwords for new passwords.")
        self.stdout.write(
            "Staff logins ask for a code from an authenticator app. Add these keys to one, or print the "
            "current code with `DEBUG=1 manage.py otp_code <e-mail>`:"
        )
        for email, device in devices:
            self.stdout.write(f"  {email:<26} {device.secret}")
            self.stdout.write(f"  {'':<26} {device.uri}")
