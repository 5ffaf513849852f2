"""The browser tests' live server itself: requests that arrive at once all succeed, as in production.
In-memory SQLite gives the server's threads one shared connection (see conftest.py)."""

import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.test import Client

from survey.models import Answer, Response
from tests.factories import UserFactory


def autosave_of(live, response: Response):  # noqa: ANN001, ANN201
    """A respondent of the response's unit, logged in, ready to autosave its general part."""
    client = Client()
    client.force_login(UserFactory.respondent(units=[response.unit.code]))
    url = f"{live.url}/svar/{response.pk}/allman/"
    session = f"sessionid={client.cookies['sessionid'].value}"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": session})) as page:  # noqa: S310
        token = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    headers = {"Cookie": f"{session}; csrftoken={token}", "X-CSRFToken": token, "HX-Request": "true"}

    def save() -> int:
        form = {"kontakt_namn": f"Rita i {response.unit.name}", "v_kontakt_namn": "0", "changed": "kontakt_namn"}
        request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), headers=headers)  # noqa: S310
        with urllib.request.urlopen(request) as reply:  # noqa: S310 (the test's own live server)
            return reply.status

    return save


def test_saves_that_arrive_at_once_all_succeed(live_server, committed_db, open_round_2024):
    """No browser: urllib sends the requests."""
    responses = list(open_round_2024.responses.select_related("unit").order_by("pk")[:12])
    saves = [autosave_of(live_server, response) for response in responses]

    with ThreadPoolExecutor(max_workers=len(saves)) as pool:
        statuses = list(pool.map(lambda save: save(), saves))

    assert statuses == [200] * len(saves)
    stored = dict(Answer.objects.filter(question__code="kontakt_namn").values_list("response__unit__name", "value"))
    assert stored == {response.unit.name: f"Rita i {response.unit.name}" for response in responses}
