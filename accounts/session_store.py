"""Sessions read from the cache and kept in the database (Django's cached_db): the session of
every request comes from Redis, one database query less per request, and a session outlives a
Redis restart. A cached copy lives at most SESSION_CACHE_SECONDS rather than the session's whole
age: a logout while Redis cannot be reached deletes only the database row (config/cache.py drops
the cache's delete), and the copy that Redis may still hold when it is back must not keep that
session alive for long. An active session is saved again every SESSION_REFRESH_SECONDS
(accounts/session_refresh.py), which puts it back in the cache."""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    """Django's cached_db with a shorter life for the cached copy (the async methods, unused under
    WSGI, keep Django's). As in Django's, a cache that fails is read as a miss and a failed write
    is logged: the database holds the session either way."""

    def _cache_seconds(self, expiry: datetime | None = None) -> int:
        return min(self.get_expiry_age(expiry=expiry), settings.SESSION_CACHE_SECONDS)

    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # as Django's: an unusable key or cache is a miss
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._cache_set(data, self._cache_seconds(stored.expire_date))
        return data

    def save(self, must_create: bool = False) -> None:
        db.SessionStore.save(self, must_create)
        self._cache_set(self._session, self._cache_seconds())

    def _cache_set(self, data: dict, seconds: int) -> None:
        try:
            self._cache.set(self.cache_key, data, seconds)
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)
