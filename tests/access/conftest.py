"""The access tests share one world (world.py), built once per module; they only read it, and each
test's own changes roll back as usual."""

import pytest

from .world import world  # noqa: F401 – the fixture


@pytest.fixture
def users(respondent, coordinator, analyst, admin_user):  # noqa: ANN001, ANN201
    """Who plays each logged-in role of ROLES."""
    return {"own": respondent, "other": respondent, "coordinator": coordinator, "analyst": analyst,
            "admin": admin_user}  # fmt: skip
