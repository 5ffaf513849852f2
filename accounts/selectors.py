"""Reads about users: who a management command acts as."""

from accounts.models import User
from core.text import normalise_email


def command_user(email: str | None, *roles: str, default_first: bool = False) -> User | None:
    """Who a command's changes are recorded for: the active user with `email` and one of `roles`;
    without an address the first such user if `default_first`, else nobody."""
    users = User.objects.filter(role__in=roles, is_active=True)
    if email:
        return users.filter(email=normalise_email(email)).first()
    return users.order_by("pk").first() if default_first else None
