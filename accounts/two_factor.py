"""Two-factor login for staff: a TOTP app (django-otp's otp_totp) and one-time recovery codes
(otp_static). Who needs it, enrolment, verification, reset.

django-otp's otp_static keeps its tokens as plain text; we store only a hash of each recovery
code in the token field (16 base32 characters = 80 bits of SHA-256), so a copy of the database
does not hand out working codes. The plugin still does the rest: one use per code, throttling."""

import base64
import hashlib
import secrets
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import verify_token
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts.models import User
from core.audit import record_event
from core.models import OutgoingEmail
from core.numbers import whole_number
from core.outbox import queue_emails, render_email

TOTP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 12  # base32 characters: 60 bits, shown in groups of four


def is_required(user: AbstractBaseUser) -> bool:
    """Staff roles, and anyone who reaches the admin site, log in with a second factor."""
    return bool(
        user.is_authenticated
        and (getattr(user, "role", None) in settings.TWO_FACTOR_ROLES or user.is_staff or user.is_superuser)
    )


def is_pending(user: AbstractBaseUser) -> bool:
    """Logged in with the password only: the code step is still due. Needs OTPMiddleware."""
    return is_required(user) and not user.is_verified()


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def new_secret() -> str:
    """A hex TOTP key for enrolment (20 random bytes, as django-otp's default)."""
    return default_key()


def secret_text(key: str) -> str:
    """The key as the authenticator apps ask for it: base32, in groups of four."""
    encoded = base64.b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def provisioning_uri(*, user: User, key: str) -> str:
    """The otpauth:// URI of the QR code, with OTP_TOTP_ISSUER as the app shows it."""
    return TOTPDevice(user=user, key=key).config_url


def current_code(key: str) -> str:
    """The six digits an authenticator app shows now for `key` (demo and tests)."""
    return f"{totp(unhexlify(key)):06d}"


def _hash_recovery_code(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").lower()
    return base64.b32encode(hashlib.sha256(normalised.encode()).digest()).decode()[:16].lower()


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()[:RECOVERY_CODE_LENGTH]
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


class WrongCode(Exception):
    pass


class TooManyAttempts(Exception):
    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@transaction.atomic
def enrol(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirms the app that shows `code` for `key` and makes new recovery codes, which are
    returned in clear only here. Replaces any devices the user had."""
    app = TOTP(unhexlify(key))
    number = whole_number(code)
    if number is None or not app.verify(number, tolerance=1):
        raise WrongCode
    TOTPDevice.objects.filter(user=user).delete()
    # last_t: the code just used for confirming does not also pass the next verification.
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, last_t=app.t(), confirmed=True)
    recovery_codes = _replace_recovery_codes(user)
    record_event("accounts.two_factor.enrolled", actor=user)
    return device, recovery_codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_hash_recovery_code(c)) for c in codes)
    return codes


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replaces the recovery codes (the old ones stop working); the new ones are returned once."""
    codes = _replace_recovery_codes(user)
    record_event("accounts.two_factor.recovery_codes_created", actor=user)
    return codes


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _check(device: TOTPDevice | StaticDevice | None, *, user: User, token: str) -> TOTPDevice | StaticDevice:
    if device is None:
        raise WrongCode
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = (details or {}).get("locked_until")
        raise TooManyAttempts(max(1, int((wait - timezone.now()).total_seconds()) + 1) if wait else 1)
    verified = verify_token(user, device.persistent_id, token)
    if verified is None:
        raise WrongCode
    return verified


def verify_app_code(*, user: User, code: str) -> TOTPDevice:
    """The device whose current code is `code`; WrongCode or TooManyAttempts (django-otp's growing
    wait after each wrong code, on top of the account lockout) otherwise."""
    code = "".join(code.split())
    return _check(app_device(user), user=user, token=code if whole_number(code) is not None else "x")


def verify_recovery_code(*, user: User, code: str) -> StaticDevice:
    """Uses up one recovery code."""
    device = _check(recovery_device(user), user=user, token=_hash_recovery_code(code))
    record_event("accounts.two_factor.recovery_code_used", actor=user, remaining=remaining_recovery_codes(user))
    return device


@transaction.atomic
def reset(*, user: User, actor: User) -> bool:
    """Removes a user's app and recovery codes (a lost phone), so that a session verified with the
    old app is no longer verified, and e-mails them a set-up link for a new app. Returns whether
    the e-mail was queued (not when one was sent within the hour)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_event("accounts.two_factor.reset", actor=actor, user=user.email)
    return send_enrolment_link(user=user, actor=actor)


# --- the first app: only with a link e-mailed to the account's address -------------------------
#
# The password alone must not be enough to enrol an app while the account has none (right after
# an admin reset, say): whoever knows the password could add their own. The link proves that the
# person also reads the account's mailbox, as a password reset link does. It works until an app is
# set up (the app's id is in the token) or the password changes, at most PASSWORD_RESET_TIMEOUT.

ENROLMENT_LINK_EVERY = "%Y%m%d%H"  # at most one link an hour per account (the outbox key)


class _EnrolmentTokens(PasswordResetTokenGenerator):
    key_salt = "accounts.two_factor.enrolment"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        apps = ",".join(str(pk) for pk in TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
        return f"{user.pk}|{user.password}|{user.is_active}|{apps}|{timestamp}"


enrolment_tokens = _EnrolmentTokens()


def enrolment_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("two-factor-enrol", kwargs={"uidb64": uid, "token": enrolment_tokens.make_token(user)})


def enrolment_link_is_valid(*, user: User, token: str) -> bool:
    return app_device(user) is None and enrolment_tokens.check_token(user, token)


def send_enrolment_link(*, user: User, actor: User, now: datetime | None = None) -> bool:
    """Queues the set-up link to the user's own address; False if one went out within the hour."""
    now = now or timezone.now()
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    subject, body = render_email(
        "two_factor_link",
        {"user": user, "link": settings.SITE_URL + enrolment_path(user), "hours": hours, "by_admin": actor != user},
    )
    key = f"two-factor-link:{user.pk}:{timezone.localtime(now):{ENROLMENT_LINK_EVERY}}"
    email = OutgoingEmail(key=key, kind=OutgoingEmail.Kind.TWO_FACTOR_LINK, to=user.email, subject=subject, body=body)
    queued = queue_emails([email], now=now) == 1
    if queued:
        record_event("accounts.two_factor.link_sent", actor=actor, user=user.email)
    return queued


@dataclass(frozen=True)
class DemoDevice:
    key: str
    secret: str
    uri: str


def give_demo_device(*, user: User) -> DemoDevice:
    """A confirmed app with a fixed key derived from the address, so that a reviewer can add the
    demo accounts to an authenticator app (or use `manage.py otp_code`). For demo data only."""
    key = hashlib.sha256(f"oppna-jamforelser-demo:{user.email}".encode()).hexdigest()[:40]
    TOTPDevice.objects.update_or_create(user=user, name=TOTP_DEVICE_NAME, defaults={"key": key, "confirmed": True})
    return DemoDevice(key=key, secret=secret_text(key), uri=provisioning_uri(user=user, key=key))
