"""What the API's schema (/api/schema/) promises about changing answers is what the API does: found
by the schemathesis run (tests/test_api_fuzz.py), each pinned here."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from survey.models import Answer, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_response(open_round_2024):
    return Response.objects.get(round=open_round_2024, unit__code="0880")


@pytest.fixture
def api(respondent):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=respondent).key}")
    return client


@pytest.fixture
def change_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    patch = schema["paths"]["/api/responses/{id}/answers/"]["patch"]
    body = patch["requestBody"]["content"]
    component = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    return body, schema["components"]["schemas"], component


def test_answers_are_changed_with_json_only_as_the_schema_says(api, own_response, change_schema):
    """A list of changes cannot be sent as a form; the schema offered form encodings that always failed."""
    body, _, _ = change_schema
    assert list(body) == ["application/json"]
    url = reverse("api-response-answers", kwargs={"pk": own_response.pk})
    assert api.patch(url, {"answers": "x"}, format="multipart").status_code == 415


def test_the_schema_requires_the_list_of_changes(change_schema):
    """PATCH here is not a partial update: without `answers` the request is refused."""
    _, components, name = change_schema
    assert components[name]["required"] == ["answers"]


def test_the_schema_says_a_value_is_a_text_or_a_list_of_texts(api, own_response, change_schema):
    _, components, _ = change_schema
    change = components["Change"]["properties"]
    assert change["value"]["oneOf"] == [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    assert change["question"]["minLength"] == 1
    url = reverse("api-response-answers", kwargs={"pk": own_response.pk})
    for value in (None, 3, {"a": "b"}, [1]):
        refused = api.patch(url, {"answers": [{"question": "fortb_barn", "value": value}]}, format="json")
        assert refused.status_code == 400
    saved = api.patch(url, {"answers": [{"question": "fortb_barn", "value": "ja"}]}, format="json")
    assert saved.status_code == 200
    assert Answer.objects.get(response=own_response, question__code="fortb_barn").value == "ja"


def test_the_schema_documents_every_refusal_the_api_gives(client, api, own_response):
    """Undocumented 401, 403, 404, 400 and 415 answers, found by the schemathesis run."""
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    documented = {
        (path, method): set(operation["responses"]) for path, item in paths.items() if path.startswith("/api/resp")
        for method, operation in item.items()
    }  # fmt: skip
    assert documented == {
        ("/api/responses/", "get"): {"200", "401"},
        ("/api/responses/{id}/", "get"): {"200", "401", "404"},
        ("/api/responses/{id}/answers/", "patch"): {"200", "400", "401", "403", "404", "409", "415"},
        ("/api/responses/{id}/parts/{part}/submit/", "post"): {"200", "400", "401", "403", "404", "409"},
    }
    url = reverse("api-response-answers", kwargs={"pk": own_response.pk})
    assert APIClient().get(reverse("api-response-list")).status_code == 401
    assert api.patch(url, {"answers": "inte en lista"}, format="json").status_code == 400
    assert api.patch(url, "answers=x", content_type="text/plain").status_code == 415
    missing = reverse("api-response-detail", kwargs={"pk": own_response.pk + 10_000})
    assert api.get(missing).status_code == 404


def test_an_api_path_that_matches_no_view_is_a_json_404(api, client):
    """/api/responses/abc/ matched no URL pattern and got the HTML page, against the schema's JSON 404."""
    for path in ("/api/responses/abc/", "/api/responses/1/parts/ä/submit/", "/api/finns-inte/"):
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()
    page = client.get("/finns-inte/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
