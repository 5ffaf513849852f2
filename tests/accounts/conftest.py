import pytest


@pytest.fixture
def clock_cache(settings):  # noqa: ANN001, ANN201
    """A cache in this process, whose entries expire on the test's clock (time_machine). Sessions are
    cached (accounts/session_store.py), and Redis expires them on its own clock, which no test moves."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
