"""CSRF protection: every POST form on the main pages carries the token, and a POST without it is
refused for the login, the part form, an autosave, a coordinator's action and the API's session
writes, while the same request with the token goes through."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from survey.models import Answer, Response
from tests.factories import PASSWORD, UserFactory
from tests.security_pages import Tags, clients, main_pages

pytestmark = pytest.mark.django_db

TOKEN = "csrfmiddlewaretoken"


def token_on(client: Client, url: str) -> str:
    """The token of the page's forms, as a browser sends it back."""
    tags = Tags(client.get(url).content.decode()).tags
    return next(attributes["value"] for tag, attributes, _ in tags if tag == "input" and attributes["name"] == TOKEN)


def test_every_post_form_on_the_main_pages_carries_the_token(open_round_2024):
    client_for = clients()
    post_forms = 0
    for page in main_pages(open_round_2024):
        html = client_for[page.role].get(page.url).content.decode()
        tags = Tags(html)
        for index, form in enumerate(tags.forms):
            if form.get("method", "get").lower() != "post":
                continue
            post_forms += 1
            tokens = [a for tag, a, in_form in tags.tags if in_form == index and a.get("name") == TOKEN]
            assert len(tokens) == 1 and tokens[0]["value"], (page, form)
    assert post_forms > 30  # the log-out form of every logged-in page, and the pages' own forms


def test_every_post_form_in_the_templates_has_the_token_tag():
    """Also the forms that the pages above show only in some states (a closed round, an error)."""
    templates = Path(settings.BASE_DIR) / "templates"
    post_forms = 0
    for path in templates.rglob("*.html"):
        for form in re.findall(r"<form\b.*?</form>", path.read_text(), flags=re.DOTALL | re.IGNORECASE):
            opening_tag = form.split(">", 1)[0]
            if re.search(r"""method=["']?post""", opening_tag, flags=re.IGNORECASE):
                post_forms += 1
                assert "{% csrf_token %}" in form, path
    assert post_forms > 20


@pytest.fixture
def enforcing():
    """Clients that check CSRF as a browser request is checked (the test client skips it otherwise)."""
    return clients(enforce_csrf_checks=True)


def test_the_login_needs_the_token():
    user = UserFactory.respondent(units=["0880"])
    client = Client(enforce_csrf_checks=True)
    credentials = {"username": user.email, "password": PASSWORD}
    assert client.post(reverse("login"), credentials).status_code == 403
    assert "_auth_user_id" not in client.session
    token = token_on(client, reverse("login"))
    assert client.post(reverse("login"), {**credentials, TOKEN: token}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_part_form_and_its_autosave_need_the_token(open_round_2024, enforcing):
    respondent = enforcing["respondent"]
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    url = reverse("survey:response-part", kwargs={"pk": kalmar.pk, "part": "allman"})
    # As the page posts it: the new value, the value and version the page showed, the changed field.
    answer = {"kontakt_namn": "Rita", "o_kontakt_namn": "", "v_kontakt_namn": "0", "changed": "kontakt_namn"}

    assert respondent.post(url, answer).status_code == 403
    assert respondent.post(url, answer, headers={"HX-Request": "true"}).status_code == 403
    assert not Answer.objects.filter(response=kalmar).exists()

    token = token_on(respondent, url)
    assert respondent.post(url, {**answer, TOKEN: token}, headers={"HX-Request": "true"}).status_code == 200
    assert Answer.objects.get(response=kalmar, question__code="kontakt_namn").value == "Rita"
    again = {"kontakt_namn": "Rita R", "o_kontakt_namn": "Rita", "v_kontakt_namn": "1", TOKEN: token}
    assert respondent.post(url, again).status_code == 302
    assert Answer.objects.get(response=kalmar, question__code="kontakt_namn").value == "Rita R"


def test_a_coordinators_extension_needs_the_token(open_round_2024, enforcing):
    coordinator = enforcing["coordinator"]
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    url = reverse("survey:response-extend", kwargs={"pk": kalmar.pk})
    until = timezone.localtime(open_round_2024.closes_at + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    extension = {"until": until, "reason": "Sjukdom"}

    assert coordinator.post(url, extension).status_code == 403
    kalmar.refresh_from_db()
    assert kalmar.extended_until is None

    assert coordinator.post(url, {**extension, TOKEN: token_on(coordinator, url)}).status_code == 302
    kalmar.refresh_from_db()
    assert kalmar.extended_until is not None


def test_the_apis_writes_with_a_session_need_the_token(open_round_2024, enforcing):
    respondent = enforcing["respondent"]
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    url = reverse("api-response-answers", kwargs={"pk": kalmar.pk})
    body = json.dumps({"answers": [{"question": "kontakt_namn", "value": "Rita"}]})

    refused = respondent.patch(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Answer.objects.filter(response=kalmar).exists()

    csrf_token = token_on(respondent, reverse("home"))
    saved = respondent.patch(url, body, content_type="application/json", headers={"X-CSRFToken": csrf_token})
    assert saved.status_code == 200, saved.content
    assert Answer.objects.get(response=kalmar, question__code="kontakt_namn").value == "Rita"
