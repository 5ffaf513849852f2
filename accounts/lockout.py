"""The account lockout (django-axes) as the login steps use it: failures of the password and of the
code count together, and only a complete login clears them."""

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from accounts import two_factor
from core.text import normalise_email


def is_locked_out(request: HttpRequest, user: AbstractBaseUser) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"username": user.get_username()})


def reset_failed_logins(user: AbstractBaseUser) -> None:
    reset(username=lockout_username(None, {"username": user.get_username()}))


def clear_after_login(sender: object, request: HttpRequest, user: AbstractBaseUser, **kwargs: object) -> None:
    """user_logged_in: a login without a second factor is complete here. For two-factor accounts the
    code step clears the failures instead, so that logging in with the password again does not give
    a guesser of codes new attempts (settings: AXES_RESET_ON_SUCCESS = False)."""
    if not two_factor.is_required(user):
        reset_failed_logins(user)


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The key an account is locked by: the normalised e-mail address, the very form the login
    looks the account up by (core.text.normalise_email), so no variant of it gets guesses of its own."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return normalise_email(username) if username else None
