"""The one gate of two-factor login. A staff user who has logged in with the password only reaches
the code step, enrolment and logout; every other page, form action and API endpoint sends them to
the code step. A middleware, not a check in each view, so that a new view cannot forget it."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts import two_factor

# What a session that still owes its code may open (by URL name).
OPEN_BEFORE_CODE = {
    "two-factor-verify", "two-factor-recovery", "two-factor-setup", "two-factor-send-link", "two-factor-enrol",
    "logout", "accessibility",
}  # fmt: skip


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware, which sets `request.user.is_verified()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.two_factor_pending = two_factor.is_pending(request.user)  # base.html shows no menu then
        if request.two_factor_pending and not _open_before_code(request):
            return _to_code_step(request)
        return self.get_response(request)


def _open_before_code(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).view_name in OPEN_BEFORE_CODE
    except Resolver404:
        return False


def _to_code_step(request: HttpRequest) -> HttpResponse:
    url = reverse("two-factor-verify")
    if request.path_info.startswith("/api/"):
        # An API client gets an answer it understands, not the HTML of a redirect target.
        return JsonResponse({"detail": _("Enter the code from your authenticator app first.")}, status=403)
    if request.headers.get("HX-Request") == "true":  # htmx: load the page, not swap it into a fragment
        return HttpResponseClientRedirect(url)
    if request.method == "GET":
        # Back to the page after the code; a form's POST is not repeated (the next page is the start page).
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)
