"""Sessions come from the cache and are kept in the database (accounts/session_store.py)."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _session_queries(client) -> list[str]:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_logged_in_request_reads_its_session_from_the_cache(client, respondent):
    client.force_login(respondent)
    assert client.get(reverse("home")).status_code == 200
    assert _session_queries(client) == []


def test_a_session_outlives_the_cache(client, respondent):
    from django.core.cache import cache

    client.force_login(respondent)
    assert client.get(reverse("home")).status_code == 200
    cache.clear()  # Redis restarted: it keeps nothing on disk
    assert [sql.split()[0] for sql in _session_queries(client)] == ["SELECT"]  # from the database, cached again
    assert _session_queries(client) == []


def test_a_logout_the_cache_did_not_see_ends_the_session_within_the_cache_lifetime(
    client, respondent, settings, clock_cache
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(respondent)
        assert client.get(reverse("home")).status_code == 200
        stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
        with mock.patch.object(LocMemCache, "delete", return_value=False):  # Redis unreachable meanwhile
            assert client.post(reverse("logout")).status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = stolen
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        assert client.get(reverse("home")).status_code == 200  # the copy the cache kept, for now
    client.cookies[settings.SESSION_COOKIE_NAME] = stolen
    later = start + timedelta(seconds=settings.SESSION_CACHE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
