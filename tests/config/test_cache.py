"""With Redis down the cache is a miss, not an error page (config/cache.py)."""

import time

from config.cache import TolerantRedisCache


def test_an_unreachable_cache_misses_and_drops_writes_quickly():
    cache = TolerantRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    started = time.monotonic()
    cache.set("throttle", [1, 2])
    assert cache.get("throttle", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("a", 1) is False and cache.delete("a") is False and cache.has_key("a") is False
    assert time.monotonic() - started < 10
