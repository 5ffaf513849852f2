"""The audit trail in /admin/ is for reading: the staff administrator can neither add, change nor
delete an event there."""

import pytest
from django.urls import reverse

from core.audit import record_event
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_admin_reads_the_audit_trail_but_cannot_add_change_or_delete(client, admin_user):
    event = record_event("survey.contact.saved", actor=admin_user)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:core_auditevent_changelist"))
    assert listing.status_code == 200 and 'name="action"' not in listing.content.decode()  # no bulk delete
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    change = client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"code": "changed"})
    assert change.status_code == 403
    assert list(AuditEvent.objects.values_list("code", flat=True)) == ["survey.contact.saved"]
