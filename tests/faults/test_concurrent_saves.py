"""Two respondents of one unit autosave at once from many browser tabs (threads), on PostgreSQL:
saves of different questions all land; saves of the same question are each either stored or
shown as a colleague's conflicting change (as in tests/survey/test_response_pages.py), never lost
silently, and the history has one entry per stored save."""

import re
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from survey.models import Answer, AnswerChange, Response
from tests.factories import UserFactory

from .servers import needs_services

pytestmark = [pytest.mark.services, needs_services]

OWN_QUESTIONS = [
    "skydd_rutin", "skola_rutin", "fortb_vuxna", "fortb_barn", "uppf_myndighet", "uppf_utforare",
    "stod_beslut_kvinnor", "stod_beslut_man", "stod_service_kvinnor", "stod_service_man",
]  # fmt: skip
SHARED_QUESTION = "antal_skyddat_boende"
ROUNDS = 5
SHARED_WRITERS = 8  # tabs of both respondents that all change SHARED_QUESTION


def current(response: Response, code: str) -> tuple[str, int]:
    answer = Answer.objects.filter(response=response, question__code=code).first()
    return (answer.value, answer.version) if answer else ("", 0)


def autosave(client: Client, url: str, code: str, value: str, seen: str, version: int) -> str:
    page = client.post(
        url, {code: value, f"v_{code}": str(version), f"o_{code}": seen, "changed": code},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert page.status_code == 200, page.status_code
    return page.content.decode()


def test_concurrent_autosaves_lose_nothing_and_report_conflicts(committed_db, open_round_2024):
    round_ = open_round_2024
    kalmar = Response.objects.get(round=round_, unit__code="0880")
    anna = UserFactory.respondent(units=["0880"], full_name="Anna Lind")
    bo = UserFactory.respondent(units=["0880"], full_name="Bo Ek")
    url = reverse("survey:response-part", kwargs={"pk": kalmar.pk, "part": "vinr"})
    start = threading.Barrier(len(OWN_QUESTIONS) + SHARED_WRITERS)
    stored: list[str] = []  # values of SHARED_QUESTION whose save was reported as saved
    conflicts: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def own_question(index: int) -> None:
        """One tab owns a question: every save is against the version it wrote last."""
        client = Client()
        client.force_login(anna if index % 2 else bo)
        code, seen = OWN_QUESTIONS[index], ""
        start.wait()
        for version in range(ROUNDS):
            value = "ja" if version % 2 == 0 else "nej"
            content = autosave(client, url, code, value, seen, version)
            assert f'id="conflict-{code}"' not in content and "Sparat" in content
            seen = value

    def shared_question(index: int) -> None:
        """Tabs of both respondents change one question, each against the version it last read."""
        client = Client()
        client.force_login(anna if index % 2 else bo)
        start.wait()
        for attempt in range(ROUNDS):
            seen, version = current(kalmar, SHARED_QUESTION)
            value = str(1000 + index * 10 + attempt)  # every save has its own value
            content = autosave(client, url, SHARED_QUESTION, value, seen, version)
            conflict = f'id="conflict-{SHARED_QUESTION}"' in content
            # Reported either as saved or as a colleague's change, never both, never neither.
            assert conflict != ("Sparat" in content), content
            if conflict:
                assert "sparades inte: en kollega ändrade det medan du arbetade" in content
                assert re.search(r"(Anna Lind|Bo Ek) ändrade svaret till ”\d+”", content), content
            with lock:
                (conflicts if conflict else stored).append(value)

    def run(target, index: int) -> None:  # noqa: ANN001
        try:
            target(index)
        except BaseException as error:  # noqa: BLE001 – reported by the main thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(own_question, i)) for i in range(len(OWN_QUESTIONS))]
    threads += [threading.Thread(target=run, args=(shared_question, i)) for i in range(SHARED_WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures

    # Different questions: every save landed, the last one is the value.
    final_own = "ja" if (ROUNDS - 1) % 2 == 0 else "nej"
    for code in OWN_QUESTIONS:
        assert current(kalmar, code) == (final_own, ROUNDS)
        assert AnswerChange.objects.filter(response=kalmar, question__code=code).count() == ROUNDS

    # The same question: each save stored or reported, one history entry per stored save, chained
    # (each change starts from the value the previous one left: nothing was overwritten unseen).
    assert len(stored) + len(conflicts) == SHARED_WRITERS * ROUNDS
    assert stored and conflicts
    history = list(
        AnswerChange.objects.filter(response=kalmar, question__code=SHARED_QUESTION)
        .order_by("pk")
        .values_list("old_value", "new_value")
    )
    assert sorted(new for _old, new in history) == sorted(stored)
    assert [old for old, _new in history] == ["", *[new for _old, new in history[:-1]]]
    assert current(kalmar, SHARED_QUESTION) == (history[-1][1], len(stored))
