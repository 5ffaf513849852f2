"""The access tests share one world (world.py), built once per module; they only read it, and each
test's own changes roll back as usual."""

from .world import world  # noqa: F401 – the fixture
