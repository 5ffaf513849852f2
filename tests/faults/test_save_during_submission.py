"""A save that waits for a colleague's submission of the same part (PostgreSQL, two connections):
once the submission commits, the save is refused with the reason, and nothing is written into the
submitted part. The save must see the submission made while it waited for the response's lock,
whether it takes the lock itself (the service) or with the access check (the part page's autosave)."""

import threading
import time

import pytest
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from survey.models import Answer, Response
from survey.services import Change, ResponseClosed, save_answers, submit_part
from tests.factories import UserFactory
from tests.survey.round_helpers import COMPLETE_ALLMAN

from .servers import needs_services

pytestmark = [pytest.mark.services, needs_services]


def save_with_the_service(response: Response, part, user) -> str:  # noqa: ANN001
    try:
        save_answers(response=response, changes={"kontakt_telefon": Change("0480-123")}, user=user, part=part)
    except ResponseClosed as closed:
        return f"refused: {closed}"
    return "saved"


def save_on_the_part_page(response: Response, part, user) -> str:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    url = reverse("survey:response-part", kwargs={"pk": response.pk, "part": part.code})
    data = {"kontakt_telefon": "0480-123", "v_kontakt_telefon": "0", "changed": "kontakt_telefon"}
    page = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    if "Inte sparat" in page:
        return "refused: " + page.split("Inte sparat: ", 1)[1].split("\n", 1)[0].strip()
    return "saved"


@pytest.mark.parametrize("save_as_bo", [save_with_the_service, save_on_the_part_page])
def test_a_save_waiting_for_a_submission_is_refused_once_it_commits(committed_db, open_round_2024, save_as_bo):
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    allman = kalmar.round.parts.get(code="allman")
    anna = UserFactory.respondent(units=["0880"], full_name="Anna Lind")
    bo = UserFactory.respondent(units=["0880"], full_name="Bo Ek")
    save_answers(response=kalmar, changes={code: Change(value) for code, value in COMPLETE_ALLMAN.items()}, user=anna)
    submitted = threading.Event()
    outcome: dict[str, object] = {}

    def submit() -> None:
        try:
            with transaction.atomic():  # holds the response's lock until this commits
                submit_part(response=kalmar, part=allman, user=anna, notify=False)
                submitted.set()
                time.sleep(1.0)  # Bo's save waits for the lock meanwhile
        except BaseException as error:  # noqa: BLE001 (reported below)
            outcome["submit error"] = error
            submitted.set()
        finally:
            connections.close_all()

    def save() -> None:
        submitted.wait(10)
        try:
            outcome["save"] = save_as_bo(kalmar, allman, bo)
        except BaseException as error:  # noqa: BLE001 (reported below)
            outcome["save error"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit), threading.Thread(target=save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome == {"save": f"refused: Delen {allman.label} har skickats in."}
    assert not Answer.objects.filter(response=kalmar, question__code="kontakt_telefon").exists()
