from unittest import mock

import pytest
from django.db import transaction

from survey import hooks
from survey.models import Response


@pytest.fixture
def calls():
    seen: list[int] = []
    with mock.patch.object(hooks, "_hooks", return_value=[lambda year: seen.append(year)]):
        yield seen


def test_the_hooks_run_once_per_committed_transaction_and_again_after_a_rollback(
    open_round_2024, calls, django_capture_on_commit_callbacks
):
    response = Response.objects.filter(round=open_round_2024).first()
    assert response is not None
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hooks.part_changed(response)
        hooks.part_changed(response)
    assert calls == [2024]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hooks.part_changed(response)
        transaction.set_rollback(True)
    assert calls == [2024]  # rolled back: nothing changed

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hooks.part_changed(response)  # the rolled-back transaction's callback does not stand in the way
    assert calls == [2024, 2024]
