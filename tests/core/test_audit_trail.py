"""The audit trail is append-only: nothing in the application, and on PostgreSQL nothing in the
database either, changes or deletes an event once written. Deleting a user or a unit keeps the
event and only forgets who or which (SET NULL)."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import record_event
from core.models import AuditEvent, AuditTrailIsAppendOnly
from survey.models import ReportingUnit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger is PostgreSQL's: make test-services"
)


@pytest.fixture
def event(coordinator):
    return record_event("survey.part.reopened", actor=coordinator, unit=ReportingUnit.objects.get(code="0880"),
                        reason="Fel antal")  # fmt: skip


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(event):
    event.data = {"reason": "Ändrat"}
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(code="survey.nothing")
    with pytest.raises(AuditTrailIsAppendOnly), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["data"])
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).data == {"reason": "Fel antal"}


def test_deleting_the_actor_keeps_the_event_without_its_actor(event):
    actor = UserFactory(role="coordinator")
    kept = record_event("survey.contact.saved", actor=actor)
    actor.delete()
    kept = AuditEvent.objects.get(pk=kept.pk)
    assert kept.actor is None and kept.code == "survey.contact.saved"


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE survey_auditevent SET data = '{\"reason\": \"x\"}' WHERE id = %s",
        "UPDATE survey_auditevent SET code = 'x' WHERE id = %s",
        "UPDATE survey_auditevent SET created_at = now() - interval '1 year' WHERE id = %s",
        "UPDATE survey_auditevent SET actor_id = NULL, code = 'x' WHERE id = %s",
        "DELETE FROM survey_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_changes_and_deletes_whoever_asks(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).code == "survey.part.reopened"


@postgresql_only
def test_the_database_lets_a_deleted_unit_be_forgotten(event):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE survey_auditevent SET unit_id = NULL WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).unit is None
