"""Rate limits on actions that send e-mail (a new password, a new invitation link), counted in the
cache per address and per client in fixed windows. While the cache (Redis) is unreachable nothing
is counted and nothing is limited: the limits guard against floods, the outbox and the lockout
still hold."""

import hashlib
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

WINDOW = timedelta(hours=1)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the last one the proxy in front appended to `CLIENT_IP_HEADER`
    (the earlier ones are the client's own word), or REMOTE_ADDR without a proxy."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, name: str, value: str, window: timedelta) -> str:
    bucket = int(timezone.now().timestamp() // window.total_seconds())
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no address in the cache's keys
    return f"ratelimit:{scope}:{name}:{bucket}:{digest}"


def allow(scope: str, limits: Mapping[str, tuple[str, int]], *, window: timedelta = WINDOW) -> bool:
    """Counts one more `scope` action (e.g. "password-reset") for each of `limits` ({name: (value,
    how many per window)}, e.g. {"address": ("a@b.se", 3), "client": ("10.0.0.1", 20)}) and
    says whether it is within all of them. A refused action is not counted."""
    keys = {name: (_key(scope, name, value, window), limit) for name, (value, limit) in limits.items()}
    counts = cache.get_many([key for key, _limit in keys.values()])
    if any(counts.get(key, 0) >= limit for key, limit in keys.values()):
        return False
    timeout = int(window.total_seconds()) + 1
    for key, _limit in keys.values():
        if not cache.add(key, 1, timeout):
            try:
                cache.incr(key)
            except ValueError:  # expired in between, or the cache is unreachable
                cache.set(key, 1, timeout)
    return True
