from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from core.models import AuditEvent

# What each event code means, for the audit log coordinators read: each app registers the labels
# of its own events (in its AppConfig.ready). A code not registered is shown as it is.
EVENT_LABELS: dict[str, str] = {}


def register_event_labels(labels: Mapping[str, str]) -> None:
    EVENT_LABELS.update(labels)


MAX_LIST_ITEMS = 10


def record_event(
    code: str, *, actor: AbstractBaseUser | None, unit: "models.Model | None" = None, **data: Any
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
