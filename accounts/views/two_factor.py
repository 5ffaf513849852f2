"""The second login step for staff: the code from the authenticator app (or a recovery code), and
enrolment for a staff user who has no app yet. accounts/middleware.py sends them here."""

from collections.abc import Callable

import segno
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.models import Device

from accounts import two_factor
from accounts.forms import AppCodeForm, RecoveryCodeForm
from accounts.lockout import is_locked_out, reset_failed_logins
from accounts.views.login import locked_out

SETUP_KEY_SESSION = "two_factor_setup_key"
ENROLMENT_SESSION = "two_factor_enrolment_for"  # the user whose e-mailed set-up link was opened here


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    return reverse(name) + "?" + urlencode({"next": _next_url(request)})


def _logged_in(request: HttpRequest, device: Device) -> None:
    """The session is now verified: a new session key, as after the password step."""
    otp_login(request, device)
    request.session.cycle_key()
    reset_failed_logins(request.user)


def _code_step(
    request: HttpRequest, form_class: type[Form], check: Callable[..., Device], *, recovery: bool, wrong: str
) -> HttpResponse:
    """The second step with the app's code or, `recovery`, a recovery code (one page for both)."""
    user = request.user
    if not two_factor.is_pending(user):
        return redirect(_next_url(request))
    if two_factor.app_device(user) is None:
        return redirect(_with_next("two-factor-setup", request))
    if is_locked_out(request, user):
        logout(request)
        return locked_out(request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = check(user=user, code=form.cleaned_data["code"])
        except two_factor.TooManyAttempts as wait:
            form.add_error(
                "code",
                _("Too many wrong codes in a row. Wait %(seconds)s seconds and try again.") % {"seconds": wait.seconds},
            )
        except two_factor.WrongCode:
            # A wrong code counts towards the lockout just as a wrong password (django-axes).
            user_login_failed.send(__name__, credentials={"username": user.get_username()}, request=request)
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return locked_out(request)
            form.add_error("code", wrong)
        else:
            _logged_in(request, device)
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "recovery": recovery}
    return render(request, "registration/two_factor_code.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code step after the password: the six-digit code from the authenticator app."""
    wrong = _(
        "Wrong code. Check that the clock of your phone is right. Note that the account is locked for a while "
        "after repeated failed attempts."
    )
    return _code_step(request, AppCodeForm, two_factor.verify_app_code, recovery=False, wrong=wrong)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def recovery(request: HttpRequest) -> HttpResponse:
    """A recovery code instead of the app (a lost or forgotten phone); each code works once."""
    wrong = _(
        "Wrong recovery code, or one that has been used already. Note that the account is locked for a while "
        "after repeated failed attempts."
    )
    return _code_step(request, RecoveryCodeForm, two_factor.verify_recovery_code, recovery=True, wrong=wrong)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the key), confirm with a code, save the recovery codes.
    With the password only, allowed only while the user has no app; a verified user may change app."""
    user = request.user
    if not two_factor.is_required(user):
        return redirect(_next_url(request))
    if two_factor.app_device(user) is not None and not user.is_verified():
        return redirect(_with_next("two-factor-verify", request))
    if two_factor.app_device(user) is None and request.session.get(ENROLMENT_SESSION) != user.pk:
        # The first app only through the link e-mailed to the account's address (two_factor.py).
        return render(request, "registration/two_factor_link_needed.html", {"next": _next_url(request)})
    # The new key lives in the session until confirmed: reloading the page shows the same QR code.
    key = request.session.get(SETUP_KEY_SESSION) or two_factor.new_secret()
    request.session[SETUP_KEY_SESSION] = key
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, recovery_codes = two_factor.enrol(user=user, key=key, code=form.cleaned_data["code"])
        except two_factor.WrongCode:
            form.add_error(
                "code", _("Wrong code. Enter the code the app shows for this account, and check the phone's clock.")
            )
        else:
            del request.session[SETUP_KEY_SESSION]
            request.session.pop(ENROLMENT_SESSION, None)
            _logged_in(request, device)
            # Shown in this answer only: the codes are stored hashed and cannot be shown again.
            return render(
                request,
                "registration/two_factor_recovery_codes.html",
                {"codes": recovery_codes, "next": _next_url(request)},
            )
    uri = two_factor.provisioning_uri(user=user, key=key)
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": two_factor.secret_text(key),
        "qr_code": segno.make(uri, error="m", micro=False).svg_data_uri(scale=5, border=4, dark="#000", light="#fff"),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "registration/two_factor_setup.html", context)


@login_required
@never_cache
@require_http_methods(["POST"])
def send_link(request: HttpRequest) -> HttpResponse:
    """E-mails a set-up link to the account's own address (at most one an hour)."""
    user = request.user
    if not two_factor.is_required(user) or two_factor.app_device(user) is not None:
        return redirect(_next_url(request))
    sent = two_factor.send_enrolment_link(user=user, actor=user)
    context = {"sent": sent, "address": masked_address(user.email), "next": _next_url(request)}
    return render(request, "registration/two_factor_link_sent.html", context)


@login_required
@never_cache
@require_http_methods(["GET"])
def enrol(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The e-mailed link: opened in the account's own session, it allows setting up the first app."""
    user = request.user
    if not two_factor.is_required(user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if str(user.pk) != _uid(uidb64) or not two_factor.enrolment_link_is_valid(user=user, token=token):
        return render(request, "registration/two_factor_link_invalid.html", status=400)
    request.session[ENROLMENT_SESSION] = user.pk
    return redirect("two-factor-setup")  # the token leaves the address bar (and any Referer)


def _uid(uidb64: str) -> str:
    try:
        return urlsafe_base64_decode(uidb64).decode()
    except (ValueError, UnicodeDecodeError):
        return ""


def masked_address(email: str) -> str:
    """a•••@kalmar.se: enough for the user to recognise it, not to learn it from the screen."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """A staff user's two-factor login: when the app was set up, recovery codes left, new codes."""
    user = request.user
    if not two_factor.is_required(user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if request.method == "POST":
        codes = two_factor.new_recovery_codes(user=user)
        next_url = reverse("two-factor-overview")
        return render(request, "registration/two_factor_recovery_codes.html", {"codes": codes, "next": next_url})
    context = {"app": two_factor.app_device(user), "remaining": two_factor.remaining_recovery_codes(user)}
    return render(request, "registration/two_factor_overview.html", context)
