import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone

from core.models import AuditEvent

# What each event code means, for the audit log coordinators read: each app registers the labels
# of its own events (in its AppConfig.ready). A code not registered is shown as it is.
EVENT_LABELS: dict[str, str] = {}


def register_event_labels(labels: Mapping[str, str]) -> None:
    EVENT_LABELS.update(labels)


# The keys of the events' data, in words (each app registers the keys of its own events), and the
# keys whose value is the id of a page: the URL name that takes that id (`pk`), so that the log links it.
DETAIL_LABELS: dict[str, str] = {}
DETAIL_LINKS: dict[str, str] = {}


def register_detail_labels(labels: Mapping[str, str], *, links: Mapping[str, str] | None = None) -> None:
    DETAIL_LABELS.update(labels)
    DETAIL_LINKS.update(links or {})


MAX_LIST_ITEMS = 10


def record_event(
    code: str, *, actor: AbstractBaseUser | None, unit: "models.Model | None" = None, **data: Any
) -> AuditEvent:
    """Keeps a staff or respondent action in the audit trail, e.g. `survey.unit.retired`."""
    return AuditEvent.objects.create(code=code, actor=actor, unit=unit, data=data)


def event_label(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))


ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _moment_text(value: str) -> str | None:
    """An ISO time stored in an event's data, in local (Stockholm) time, as the rest of the site."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return dateformat.format(timezone.localtime(moment), "j F Y H:i")


def _value_text(value: object) -> str:
    if isinstance(value, str) and ISO_MOMENT.match(value):
        return _moment_text(value) or value
    if isinstance(value, list | tuple):
        items = [_value_text(item) for item in value[:MAX_LIST_ITEMS]]
        more = len(value) - MAX_LIST_ITEMS
        return ", ".join(items) + (f" … (+{more})" if more > 0 else "")
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={_value_text(item)}" for key, item in value.items())
    if value is None:
        return "–"
    return str(value)


@dataclass(frozen=True)
class Detail:
    label: str  # the key in words (the key itself when no app named it)
    text: str
    url: str  # the page the value is the id of, or ""


def _url(key: str, value: object) -> str:
    name = DETAIL_LINKS.get(key)
    if name is None or not isinstance(value, int) or isinstance(value, bool):
        return ""
    try:
        return reverse(name, kwargs={"pk": value})
    except NoReverseMatch:
        return ""


def readable_details(data: object) -> list[Detail]:
    """An event's data for people: the keys in words, times in local time, long lists cut, ids of
    pages linked. Plain text, escaped when shown."""
    if not isinstance(data, Mapping):
        return [Detail("", _value_text(data), "")] if data not in (None, "", [], {}) else []
    return [
        Detail(str(DETAIL_LABELS.get(str(key), key)), _value_text(value), _url(str(key), value))
        for key, value in data.items()
    ]


def event_details(data: object) -> list[tuple[str, str]]:
    """`readable_details` as (label, text) pairs, for the CSV export."""
    return [(detail.label, detail.text) for detail in readable_details(data)]
