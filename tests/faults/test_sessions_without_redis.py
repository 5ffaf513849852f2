"""Sessions while Redis is stopped or unreachable, as README *Accounts and roles* says: a session
is read from the database when the cache cannot answer, so nobody is logged out and logging in
still works; after a logout made while Redis could not be reached, the copy Redis still holds
lets that session in for at most SESSION_CACHE_SECONDS, then never again."""

import time

import pytest
import redis as redis_client
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

from .servers import free_port, needs_services, private_redis

pytestmark = [pytest.mark.services, needs_services]

QUICK = 10  # seconds: a request with Redis down must not hang
CACHE_SECONDS = 2
PAGE = reverse("api-token")  # a page for logged-in users only


def redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "config.cache.TolerantRedisCache", "LOCATION": url,
                        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}  # fmt: skip


def logged_in(client: Client) -> bool:
    started = time.monotonic()
    page = client.get(PAGE)
    assert time.monotonic() - started < QUICK
    assert page.status_code in (200, 302)
    return page.status_code == 200


def log_in(client: Client, user) -> None:  # noqa: ANN001
    assert client.post(reverse("login"), {"username": user.email, "password": PASSWORD}).status_code == 302


def test_sessions_outlive_redis_and_a_logout_while_it_is_unreachable_ends_within_the_cache_time(db, settings):
    settings.SESSION_CACHE_SECONDS = CACHE_SECONDS
    settings.SESSION_REFRESH_SECONDS = 3600  # no refresh in between: the copy's own life is what is tested
    user = UserFactory.respondent(units=["0880"])
    with private_redis() as redis:
        settings.CACHES = redis_cache(redis.url)
        browser = Client()
        log_in(browser, user)
        session_key = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
        assert redis_client.Redis.from_url(redis.url).keys(f"*{session_key}*")  # the cached copy

        # Redis stopped: the session is read from the database; a new login works too.
        redis.stop()
        assert logged_in(browser)
        colleague = Client()
        log_in(colleague, UserFactory.respondent(units=["0880"]))
        assert logged_in(colleague)
        # Redis back, empty: nobody was logged out.
        redis.start()
        assert logged_in(browser) and logged_in(colleague)
        assert redis_client.Redis.from_url(redis.url).keys(f"*{session_key}*")  # cached again

        # Redis running but unreachable from this web server while the user logs out here; another
        # web server (the same session cookie) still reaches it.
        elsewhere = Client()
        elsewhere.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
        started = time.monotonic()
        assert browser.post(reverse("logout")).status_code == 302
        assert time.monotonic() - started < QUICK
        assert not Session.objects.filter(session_key=session_key).exists()
        assert not logged_in(browser)
        settings.CACHES = redis_cache(redis.url)
        logged_out_at = time.monotonic()
        # Within SESSION_CACHE_SECONDS the copy in Redis may still let it in (the README says so) …
        assert logged_in(elsewhere)
        # … and not after.
        time.sleep(max(0.0, CACHE_SECONDS + 0.5 - (time.monotonic() - logged_out_at)))
        assert not logged_in(elsewhere)
        assert not redis_client.Redis.from_url(redis.url).keys(f"*{session_key}*")
        assert logged_in(colleague)
