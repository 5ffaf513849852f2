from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from survey.models import AuditEvent, ReportingUnit

# What each event code means, for the audit log coordinators read (survey:audit-log). A code not
# listed here is shown as it is; add one when a service records a new kind of event.
EVENT_LABELS = {
    "survey.invitation.sent": _("Invitations sent"),
    "survey.invitation.accepted": _("Invitation accepted"),
    "survey.invitation.renewed": _("Invitation link renewed"),
    "survey.reminder.sent": _("Reminders sent"),
    "survey.reminder.scheduled_sent": _("Scheduled reminders sent"),
    "survey.round.reminder_days": _("Reminder days changed"),
    "survey.part.submitted": _("Part submitted"),
    "survey.part.reopened": _("Part reopened"),
    "survey.response.extended": _("Deadline extended"),
    "survey.questionnaire.loaded": _("Questionnaire loaded"),
    "survey.unit.created": _("Unit created"),
    "survey.unit.retired": _("Unit retired"),
    "survey.contact.saved": _("Contact saved"),
    "survey.contact.deleted": _("Contact deleted"),
    "survey.contact.imported": _("Contacts imported"),
    "indicators.catalogue.loaded": _("Indicator catalogue loaded"),
    "indicators.version.changed": _("Definition changed"),
    "indicators.history.imported": _("Historical results imported"),
    "indicators.results.published": _("Results published"),
    "indicators.result.confirmed": _("Results confirmed"),
    "indicators.result.flagged": _("Result flagged"),
    "indicators.result.resolved": _("Result flag resolved"),
    "reporting.export.started": _("Export started"),
    "accounts.api_token.created": _("API key created"),
    "accounts.two_factor.enrolled": _("Two-factor login set up"),
    "accounts.two_factor.reset": _("Two-factor login reset"),
    "accounts.two_factor.recovery_code_used": _("Recovery code used"),
    "accounts.two_factor.recovery_codes_created": _("New recovery codes made"),
}

MAX_LIST_ITEMS = 10


def record_event(
    code: str, *, actor: AbstractBaseUser | None, unit: ReportingUnit | None = None, **data: Any
) -> AuditEvent:
    """Keeps a staff or respondent action in the audit trail, e.g. `survey.unit.retired`."""
    return AuditEvent.objects.create(code=code, actor=actor, unit=unit, data=data)


def event_label(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))


def _value_text(value: object) -> str:
    if isinstance(value, list | tuple):
        items = [_value_text(item) for item in value[:MAX_LIST_ITEMS]]
        more = len(value) - MAX_LIST_ITEMS
        return ", ".join(items) + (f" … (+{more})" if more > 0 else "")
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={_value_text(item)}" for key, item in value.items())
    if value is None:
        return "–"
    return str(value)


def event_details(data: object) -> list[tuple[str, str]]:
    """An event's data as short (key, value) texts: long lists are cut. Plain text, escaped when shown."""
    if not isinstance(data, Mapping):
        return [("", _value_text(data))] if data not in (None, "", [], {}) else []
    return [(str(key), _value_text(value)) for key, value in data.items()]
