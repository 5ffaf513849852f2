"""Sessions end after a period of inactivity (SESSION_COOKIE_AGE counted from the last request).
Saving the session on every request, as SESSION_SAVE_EVERY_REQUEST does, costs a database write
per autosave; renewing the expiry at most once a minute keeps the rule to within that minute."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REFRESHED_KEY = "_refreshed"


def refresh_session(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Between SessionMiddleware and the views: marks a session in use as changed when its expiry
    was last renewed SESSION_REFRESH_SECONDS ago or more, so that SessionMiddleware saves it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = request.session
        if session.accessed and not session.modified and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now
        return response

    return middleware
