"""The cache on Redis, which never takes a page down with it. Redis is also the task queue; while it
is unreachable, a read is a miss and a write is dropped (and logged), so respondents keep saving
through the form and the API (whose throttling reads the cache) until it is back."""

import logging
from typing import Any

import redis.exceptions
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _unreachable(operation: str, error: Exception) -> None:
    logger.warning("The cache is unreachable (%s: %s); going on without it.", operation, error)


class TolerantRedisCacheClient(RedisCacheClient):
    def _tolerant(self, operation: str, result_if_down: Any, *args: Any) -> Any:
        try:
            return getattr(super(), operation)(*args)
        except DOWN as error:
            _unreachable(operation, error)
            return result_if_down

    def get(self, key: Any, default: Any) -> Any:
        return self._tolerant("get", default, key, default)

    def get_many(self, keys: Any) -> dict:
        return self._tolerant("get_many", {}, keys)

    def has_key(self, key: Any) -> bool:
        return self._tolerant("has_key", False, key)

    def incr(self, key: Any, delta: int) -> int:
        try:
            return super().incr(key, delta)
        except DOWN as error:
            _unreachable("incr", error)
            raise ValueError("Key not found, the cache is unreachable") from error  # as for a missing key

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        return self._tolerant("add", False, key, value, timeout)

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        self._tolerant("set", None, key, value, timeout)

    def touch(self, key: Any, timeout: Any) -> bool:
        return self._tolerant("touch", False, key, timeout)

    def delete(self, key: Any) -> bool:
        return self._tolerant("delete", False, key)

    def set_many(self, data: Any, timeout: Any) -> None:
        self._tolerant("set_many", None, data, timeout)

    def delete_many(self, keys: Any) -> None:
        self._tolerant("delete_many", None, keys)

    def clear(self) -> bool:
        return self._tolerant("clear", False)


class TolerantRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
