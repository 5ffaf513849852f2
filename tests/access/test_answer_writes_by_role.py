"""Every way to change a response's answers or statuses, tried by every role: an analyst changes no
answers, a respondent only their own unit's, and what only coordinators may do (reopen, extend,
import) is refused to the others. A refusal must leave the answers, the submitted parts and the
deadlines exactly as they were; where the role may act, the same request does change them (so the
requests below are ones that would work)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from survey.models import Answer, PartSubmission, Response

from .test_urls_by_role import LOGIN, ROLES, outcome
from .world import OTHER_UNIT, OWN_UNIT

pytestmark = pytest.mark.django_db

SAVED = "saved"  # accepted, and the answers or statuses changed

CHANGE_FIELD = {"fortb_barn": "nej", "o_fortb_barn": "ja", "v_fortb_barn": "1"}  # the world's answer is "ja", v1
API_CHANGE = {"answers": [{"question": "fortb_barn", "value": "nej", "version": 1}]}


def import_file(unit: str) -> dict:
    return {"file": SimpleUploadedFile("svar.csv", f"unit_code;question_code;value\n{unit};fortb_barn;nej\n".encode())}


def extension() -> dict:
    until = timezone.localtime() + timedelta(days=30)
    return {"until": until.strftime("%Y-%m-%d %H:%M"), "reason": "Sjukdom på förvaltningen"}


# name: (anonymous, own unit, other unit, coordinator, analyst, admin), request(unit) → (method, url name,
# kwargs, data, extra); the test adds the pk of the unit's response to kwargs (not for the answers
# import). The part `vinr` is complete and open, `allman` is submitted.
WRITES = {
    "part form":           ((LOGIN, SAVED, 404, SAVED, 403, SAVED),
                            lambda unit: ("post", "survey:response-part", {"part": "vinr"}, CHANGE_FIELD, {})),
    "autosave":            ((LOGIN, SAVED, 404, SAVED, 403, SAVED),
                            lambda unit: ("post", "survey:response-part", {"part": "vinr"},
                                          {**CHANGE_FIELD, "changed": "fortb_barn"}, {"HTTP_HX_REQUEST": "true"})),
    "submit a part":       ((LOGIN, SAVED, 404, SAVED, 403, SAVED),
                            lambda unit: ("post", "survey:response-review", {"part": "vinr"}, {}, {})),
    "reopen a part":       ((LOGIN, 403, 403, SAVED, 403, SAVED),
                            lambda unit: ("post", "survey:response-reopen", {"part": "allman"},
                                          {"reason": "Fel antal"}, {})),
    "extend the deadline": ((LOGIN, 403, 403, SAVED, 403, SAVED),
                            lambda unit: ("post", "survey:response-extend", {}, extension(), {})),
    "import answers":      ((LOGIN, 403, 403, SAVED, 403, SAVED),
                            lambda unit: ("post", "survey:answers-import", {"year": 2024}, import_file(unit), {})),
    "API: change answers": ((401, SAVED, 404, SAVED, 403, SAVED),
                            lambda unit: ("patch", "api-response-answers", {}, API_CHANGE, {})),
    "API: PUT answers":    ((401, 405, 405, 405, 405, 405),
                            lambda unit: ("put", "api-response-answers", {}, API_CHANGE, {})),
    "API: POST answers":   ((401, 405, 405, 405, 405, 405),
                            lambda unit: ("post", "api-response-answers", {}, API_CHANGE, {})),
    "API: submit a part":  ((401, SAVED, 404, SAVED, 403, SAVED),
                            lambda unit: ("post", "api-part-submit", {"part": "vinr"}, {}, {})),
}  # fmt: skip

CASES = [(name, role, expected) for name, (row, _) in WRITES.items() for role, expected in zip(ROLES, row, strict=True)]


def answers_and_statuses() -> tuple:
    return (
        sorted(Answer.objects.values_list("response__unit__code", "question__code", "value", "version")),
        sorted(PartSubmission.objects.values_list("response__unit__code", "part__code")),
        sorted(Response.objects.exclude(extended_until=None).values_list("unit__code", "extended_until")),
    )


@pytest.mark.parametrize(("name", "role", "expected"), CASES, ids=[f"{n}-{r}" for n, r, _ in CASES])
def test_a_change_is_made_only_by_the_roles_that_may(client, db, world, users, name, role, expected):
    if role != "anonymous":
        client.force_login(users[role])
    unit = OTHER_UNIT if role == "other" else OWN_UNIT
    method, url_name, kwargs, data, extra = WRITES[name][1](unit)
    if url_name != "survey:answers-import":
        kwargs = {"pk": world.responses[unit].pk, **kwargs}
    before = answers_and_statuses()

    request = getattr(client, method)
    url = reverse(url_name, kwargs=kwargs)
    if name.startswith("API"):
        extra = {"content_type": "application/json", **extra}
    response = request(url, data, **extra)

    if expected == SAVED:
        assert response.status_code in (200, 302), response.content[:500]
        assert answers_and_statuses() != before
    else:
        assert outcome(response) == expected
        assert answers_and_statuses() == before
