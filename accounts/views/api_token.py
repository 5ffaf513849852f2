"""A respondent's personal API key."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from accounts import two_factor
from core.audit import record_event


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """A personal API key: shown once when made; making a new one revokes the old."""
    if two_factor.is_required(request.user):
        # A key would skip the second factor: API keys are for respondents (accounts/authentication.py).
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "registration/api_token.html", {"staff": True})
    new_key = None
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        new_key = Token.objects.create(user=request.user).key
        record_event("accounts.api_token.created", actor=request.user)
    has_token = Token.objects.filter(user=request.user).exists()
    return render(request, "registration/api_token.html", {"new_key": new_key, "has_token": has_token})
