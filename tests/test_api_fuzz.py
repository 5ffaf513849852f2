"""The API fuzzed with schemathesis against its own schema (/api/schema/, drf-spectacular), in-process
through the WSGI app: every operation with generated valid and invalid input (schemathesis' coverage
and fuzzing phases), anonymously and as a respondent (API token), with a published year so that the
open API has data. No request may end in a server error, and every answer must match what the schema
documents: its status, its body, its headers and its content type, with every other check
schemathesis has (negative data rejected, authentication not ignored, unsupported methods, …)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from survey.models import Question
from tests.access.world import OTHER_UNIT, OWN_UNIT, PUBLISHED_YEAR, world  # noqa: F401 – world: the fixture

# Every check schemathesis has (`--checks all`), but one: positive_data_acceptance ("a request the
# schema allows is answered 2xx") holds only where a 400 can mean nothing but a request the schema
# calls wrong. Elsewhere the API refuses some schema-valid requests on purpose, and documents the 400:
# a page past the last, a Kolada filter it does not support, the query form of /data without two of
# its lists, a part not complete.
ACCEPTS_EVERY_VALID_REQUEST = {"PATCH /api/responses/{id}/answers/"}


def excluded(case) -> list:  # noqa: ANN001
    return [] if case.operation.label in ACCEPTS_EVERY_VALID_REQUEST else [positive_data_acceptance]
# Over HTTPS, as in production: the app is built here, at collection, before the tests' settings
# turn the HTTPS redirect off.
BASE_URL = "https://localhost"
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), base_url=BASE_URL)

# Values that exist, mixed into the generated ones: random ids and codes are nearly always unknown
# (a 400 or 404 before anything interesting happens).
KNOWN_PATH_VALUES = {
    "part": ["vinr", "allman"],
    "kpi": ["VINR02", "VINR02,VINR03", "vinr02"],
    "ids": ["VINR02", "0880", "0880,0000,0008", "G-skr-2017-C7", "G-part-vinr"],
    "municipality": [OWN_UNIT, "0000", "0008", "0180-08", f"{OWN_UNIT},{OTHER_UNIT}", "G-skr-2017-C7"],
    "years": [str(PUBLISHED_YEAR), f"{PUBLISHED_YEAR - 1},{PUBLISHED_YEAR}", "2024"],
}


@schema.hook
def flatmap_path_parameters(context, path_parameters: dict | None) -> st.SearchStrategy:  # noqa: ANN001
    if not path_parameters:
        return st.just(path_parameters)
    known = st.fixed_dictionaries(
        {
            name: st.sampled_from(KNOWN_PATH_VALUES[name]) if name in KNOWN_PATH_VALUES else st.just(value)
            for name, value in path_parameters.items()
        }
    )
    return st.one_of(st.just(path_parameters), known)


@schema.hook
def flatmap_body(context, body: object) -> st.SearchStrategy:  # noqa: ANN001
    """Changes of answers to the questions of the 2024 form, with the generated values."""
    changes = body.get("answers") if isinstance(body, dict) else None
    if not isinstance(changes, list) or not all(isinstance(change, dict) for change in changes):
        return st.just(body)
    codes = list(Question.objects.filter(part__round__year=2024).order_by("pk").values_list("code", flat=True))
    return st.one_of(
        st.just(body),
        st.lists(st.sampled_from(codes), min_size=len(changes), max_size=len(changes)).map(
            lambda chosen: {**body, "answers": [{**c, "question": q} for c, q in zip(changes, chosen, strict=True)]}
        ),
    )


@pytest.fixture
def _requests_keep_the_test_connection():  # noqa: ANN202
    """As Django's test client does: the app would otherwise close the connection that holds the test's
    transaction after each request (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def respondent_token(respondent) -> str:  # noqa: ANN001
    return Token.objects.create(user=respondent).key


@schema.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.usefixtures("_requests_keep_the_test_connection")
def test_the_api_answers_every_generated_request_as_documented(case, db, world, respondent_token):  # noqa: ANN001, F811
    case.call_and_validate(base_url=BASE_URL, excluded_checks=excluded(case))
    # The respondent on their own response, so that the generated input reaches validation and services.
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = world.responses[OWN_UNIT].pk
    case.call_and_validate(
        base_url=BASE_URL, headers={"Authorization": f"Token {respondent_token}"}, excluded_checks=excluded(case)
    )
