from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """Shown instead of the login page while an account is locked after repeated failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The key an account is locked by: the e-mail address, without regard to case."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None
