"""The access tests share one world (world.py), built once per module; they only read it, and each
test's own changes roll back as usual."""

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import add_second_factor
from tests.factories import UserFactory

from .world import OWN_UNIT, world  # noqa: F401 – the fixture


@pytest.fixture
def users(respondent, coordinator, analyst, admin_user):  # noqa: ANN001, ANN201
    """Who plays each logged-in role of ROLES."""
    return {"own": respondent, "other": respondent, "coordinator": coordinator, "analyst": analyst,
            "admin": admin_user}  # fmt: skip


@pytest.fixture(scope="module")
def role_sessions(world, django_db_blocker):  # noqa: ANN001, ANN201, F811
    """A logged-in session for each role of ROLES, made once in the module's world: the URL table asks
    for every URL as every role, and logging in anew for each of them was a third of its time. A test
    that changes or ends a session does so in its own transaction, which rolls back."""
    with django_db_blocker.unblock():
        respondent = UserFactory.respondent(units=[OWN_UNIT])
        players = {
            "own": respondent,
            "other": respondent,
            "coordinator": UserFactory(role="coordinator"),
            "analyst": UserFactory(role="analyst"),
            "admin": UserFactory(role="admin", is_staff=True, is_superuser=True),
        }
        sessions = {}
        for role, user in players.items():
            client = Client()
            client.force_login(user)
            add_second_factor(client, user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions
