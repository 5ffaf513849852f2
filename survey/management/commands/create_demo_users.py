import secrets

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

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
    help = "Creates one demo login per role and prints the passwords once. Needs the register (load_units)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset-passwords", action="store_true", help="Give existing demo users new passwords.")

    @transaction.atomic
    def handle(self, *args: object, reset_passwords: bool = False, **options: object) -> None:
        printed = []
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
        if printed:
            self.stdout.write("Demo logins (shown only now; --reset-passwords gives new ones):")
            for email, role, password in printed:
                self.stdout.write(f"  {role:<12} {email:<26} {password}")
        else:
            self.stdout.write("Demo users exist already; run with --reset-passwords for new passwords.")
