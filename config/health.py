from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any failure means "not healthy"; the text helps the operator
        return f"error: {error.__class__.__name__}"


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        return "ok"
    except redis.RedisError as error:
        return f"error: {error.__class__.__name__}"


def healthz(request: HttpRequest) -> JsonResponse:
    state = {"database": _database_state(), "redis": _redis_state()}
    healthy = all(value in ("ok", "not configured") for value in state.values())
    return JsonResponse({"status": "ok" if healthy else "error", **state}, status=200 if healthy else 503)
