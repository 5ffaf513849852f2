import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from survey.models import Answer, AnswerChange, PartSubmission, Response
from tests.factories import UserFactory

from .test_answering import COMPLETE_VINR

pytestmark = pytest.mark.django_db


@pytest.fixture
def responses(open_round_2024):
    return {code: Response.objects.get(round=open_round_2024, unit__code=code) for code in ("0880", "0881")}


@pytest.fixture
def api(respondent):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=respondent).key}")
    return client


def answers_url(response):
    return reverse("api-response-answers", kwargs={"pk": response.pk})


def test_without_a_token_nothing_is_served(responses):
    assert APIClient().get(reverse("api-response-list")).status_code == 401


def test_the_list_holds_only_the_callers_units(api, responses):
    listed = api.get(reverse("api-response-list")).json()
    assert [(item["unit_code"], item["year"]) for item in listed] == [("0880", 2024)]
    assert listed[0]["parts"][1] == {"code": "vinr", "label": "Våld i nära relationer", "status": "not_started",
                                     "submitted_at": None}  # fmt: skip


def test_another_units_response_is_not_found(api, responses):
    other = responses["0881"]
    assert api.get(reverse("api-response-detail", kwargs={"pk": other.pk})).status_code == 404
    assert (
        api.patch(
            answers_url(other), {"answers": [{"question": "fortb_barn", "value": "ja"}]}, format="json"
        ).status_code
        == 404
    )
    assert not Answer.objects.filter(response=other).exists()


def test_changes_follow_the_web_forms_rules_and_are_audited(api, respondent, responses):
    kalmar = responses["0880"]
    body = {"answers": [
        {"question": "fortb_barn", "value": "ja"},
        {"question": "overensk", "value": ["ingen", "polis"]},
        {"question": "antal_skyddat_boende", "value": "12"},
        {"question": "finns_inte", "value": "x"},
    ]}  # fmt: skip
    result = api.patch(answers_url(kalmar), body, format="json").json()
    assert sorted(answer["question"] for answer in result["saved"]) == ["antal_skyddat_boende", "fortb_barn"]
    assert result["errors"] == {"overensk": "Ingen kan inte kombineras med andra svar.",
                                "finns_inte": "Det finns ingen sådan fråga."}  # fmt: skip
    assert AnswerChange.objects.filter(response=kalmar, channel="api", user=respondent).count() == 2


@pytest.mark.parametrize(
    "change", [{"question": 0, "value": "ja"}, {"question": "fortb_barn", "value": "ja", "version": "0"},
               {"question": "fortb_barn", "value": "ja", "version": True}, {"question": True, "value": "ja"}],
)  # fmt: skip
def test_a_change_of_the_wrong_json_type_is_refused_and_nothing_is_saved(api, responses, change):
    """The schema says a question is a string and a version an integer: 0 is not "0"."""
    kalmar = responses["0880"]
    body = {"answers": [{"question": "antal_skyddat_boende", "value": "12"}, change]}
    refused = api.patch(answers_url(kalmar), body, format="json")
    assert refused.status_code == 400
    assert not Answer.objects.filter(response=kalmar).exists()


def test_a_stale_version_is_returned_as_a_conflict(api, responses):
    kalmar = responses["0880"]
    colleague = UserFactory.respondent(units=["0880"])
    other_api = APIClient()
    other_api.force_authenticate(colleague)
    other_api.patch(
        answers_url(kalmar), {"answers": [{"question": "fortb_barn", "value": "nej", "version": 0}]}, format="json"
    )
    result = api.patch(
        answers_url(kalmar), {"answers": [{"question": "fortb_barn", "value": "ja", "version": 0}]}, format="json"
    ).json()
    assert result["conflicts"][0]["value"] == "nej" and result["conflicts"][0]["updated_by"] == colleague.email
    assert Answer.objects.get(response=kalmar, question__code="fortb_barn").value == "nej"


def test_submitting_a_part(api, responses):
    kalmar = responses["0880"]
    submit = reverse("api-part-submit", kwargs={"pk": kalmar.pk, "part": "vinr"})
    incomplete = api.post(submit)
    assert incomplete.status_code == 400 and incomplete.json()["errors"]["skydd_rutin"] == "Svar krävs."
    answers = [{"question": code, "value": value.split() if code.startswith("overensk") else value}
               for code, value in COMPLETE_VINR.items()]  # fmt: skip
    api.patch(answers_url(kalmar), {"answers": answers}, format="json")
    done = api.post(submit)
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert PartSubmission.objects.filter(response=kalmar, part__code="vinr").exists()
    again = api.patch(answers_url(kalmar), {"answers": [{"question": "fortb_barn", "value": "nej"}]}, format="json")
    assert again.status_code == 409 and "har skickats in" in again.json()["detail"]


def test_an_analyst_reads_but_cannot_change(analyst, responses):
    client = APIClient()
    client.force_authenticate(analyst)
    kalmar = responses["0880"]
    assert client.get(reverse("api-response-detail", kwargs={"pk": kalmar.pk})).status_code == 200
    assert (
        client.patch(
            answers_url(kalmar), {"answers": [{"question": "fortb_barn", "value": "ja"}]}, format="json"
        ).status_code
        == 403
    )


def test_the_schema_is_public_and_describes_the_api(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert "/api/responses/{id}/answers/" in schema["paths"]


def test_a_respondent_makes_an_api_key_shown_once(client, respondent):
    client.force_login(respondent)
    page = client.post(reverse("api-token")).content.decode()
    key = Token.objects.get(user=respondent).key
    assert key in page
    assert key not in client.get(reverse("api-token")).content.decode()


def test_listing_responses_costs_the_same_queries_for_few_and_many(coordinator, open_round_2024):
    client = APIClient()
    client.force_authenticate(coordinator)

    def queries_for(limit: int) -> int:
        Response.objects.exclude(pk__in=list(Response.objects.values_list("pk", flat=True)[:limit])).delete()
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(reverse("api-response-list")).json()) == limit
        return len(captured)

    many = queries_for(300)
    assert queries_for(3) == many


def test_a_code_of_whitespace_is_an_unknown_question_not_a_malformed_body(api, responses):
    """The schema takes any non-empty string as a code; one of only whitespace or control characters is
    no question, listed in the errors beside the changes that were saved (not a 400 for the whole body)."""
    body = {"answers": [{"question": "fortb_barn", "value": "ja"}, {"question": "\x1d", "value": "x"}]}
    reply = api.patch(answers_url(responses["0880"]), body, format="json")

    assert reply.status_code == 200, reply.content
    assert [answer["question"] for answer in reply.json()["saved"]] == ["fortb_barn"]
    assert reply.json()["errors"] == {"\x1d": "Det finns ingen sådan fråga."}
