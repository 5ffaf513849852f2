"""Reminders to the contact persons of units that have not submitted: sent by a coordinator
after a preview, or by the scheduled job on the round's reminder days before each unit's
deadline. Units that submitted every part are never reminded."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.audit import record_event
from core.models import OutgoingEmail
from core.outbox import queue_emails, render_email
from survey.models import Contact, SurveyRound
from survey.selectors.reminders import ReminderStatus, ReminderTarget, units_to_remind


def contacts_by_unit(targets: list[ReminderTarget]) -> dict[int, list[Contact]]:
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for contact in Contact.objects.filter(unit__in=[t.response.unit_id for t in targets]).order_by("role", "name"):
        contacts[contact.unit_id].append(contact)
    return contacts


def render_reminder(*, target: ReminderTarget, contact: Contact, note: str = "") -> tuple[str, str]:
    return render_email(
        "reminder",
        {
            "round": target.response.round,
            "unit": target.response.unit,
            "contact": contact,
            "closes_at": target.response.closes_at,
            "extended": bool(target.response.extended_until),
            "missing_parts": target.missing_parts,
            "note": note,
            "link": settings.SITE_URL + reverse("survey:response-detail", kwargs={"pk": target.response.pk}),
            "reset_link": settings.SITE_URL + reverse("password_reset"),
        },
    )


def _reminder(*, key: str, target: ReminderTarget, contact: Contact, note: str = "") -> OutgoingEmail:
    subject, body = render_reminder(target=target, contact=contact, note=note)
    return OutgoingEmail(
        key=key, kind=OutgoingEmail.Kind.REMINDER, round=target.response.round, unit=target.response.unit,
        contact=contact, to=contact.email, subject=subject, body=body,
    )  # fmt: skip


@transaction.atomic
def send_manual_reminders(*, survey_round: SurveyRound, targets: list[ReminderTarget], batch: str, note: str,
                          user: User, now: datetime | None = None) -> int:  # fmt: skip
    """Reminds every contact of the chosen units. `batch` comes from the preview, so that
    sending the same preview twice (a double click, a reload) sends nothing more."""
    now = now or timezone.now()
    contacts = contacts_by_unit(targets)
    emails = [
        _reminder(key=f"reminder:manual:{batch}:{contact.pk}", target=target, contact=contact, note=note)
        for target in targets
        if target.response.is_open(now=now)
        for contact in contacts[target.response.unit_id]
    ]
    sent = queue_emails(emails, now=now)
    if sent:
        record_event("survey.reminder.sent", actor=user, year=survey_round.year, count=sent, batch=batch,
                     units=[t.response.unit.code for t in targets][:500])  # fmt: skip
    return sent


def due_reminder_day(*, opens_on: date, closes_on: date, days: list[int], today: date) -> date | None:
    """The latest reminder day on or before today, counted back from the unit's closing day;
    days before or on the opening day are skipped (the invitation has just gone out then)."""
    due = [closes_on - timedelta(days=d) for d in days]
    return max((day for day in due if opens_on < day <= today), default=None)


def _rounds_open(now: datetime) -> list[SurveyRound]:
    """The rounds open now for some unit, locked: a second run of the job waits here and then
    finds the reminders already written."""
    open_ids = (
        SurveyRound.objects.filter(opens_at__lte=now)
        .filter(Q(closes_at__gt=now) | Q(responses__extended_until__gt=now))
        .values("pk")
    )
    return list(SurveyRound.objects.select_for_update().filter(pk__in=open_ids).order_by("pk"))


@transaction.atomic
def send_due_reminders(*, now: datetime) -> int:
    """Sends the reminders that are due now. Safe to run twice or in two workers at once: the
    rounds are locked while their reminders are written, and each reminder has a key (contact,
    reminder day) that the database takes only once."""
    today, sent = timezone.localdate(now), 0
    for survey_round in _rounds_open(now):
        if not survey_round.reminder_days:
            continue
        opens_on = timezone.localdate(survey_round.opens_at)
        targets = [
            t for t in units_to_remind(survey_round, status=ReminderStatus.NOT_SUBMITTED) if t.response.is_open(now=now)
        ]
        contacts = contacts_by_unit(targets)
        # The last scheduled reminder per contact: an extension moves the reminder days, and a
        # day that moves onto one already reminded about is not sent again.
        last_sent = dict(
            OutgoingEmail.objects.filter(round=survey_round, key__startswith="reminder:auto:")
            .values_list("contact_id")
            .annotate(Max("created_at"))
        )
        emails = []
        for target in targets:
            closes_on = timezone.localdate(target.response.closes_at)
            day = due_reminder_day(opens_on=opens_on, closes_on=closes_on, days=survey_round.reminder_days, today=today)
            if day is None:
                continue
            for contact in contacts[target.response.unit_id]:
                if contact.pk in last_sent and timezone.localdate(last_sent[contact.pk]) >= day:
                    continue
                emails.append(
                    _reminder(key=f"reminder:auto:{survey_round.pk}:{contact.pk}:{day.isoformat()}",
                              target=target, contact=contact)
                )  # fmt: skip
        count = queue_emails(emails, now=now)
        if count:
            record_event("survey.reminder.scheduled_sent", actor=None, year=survey_round.year, count=count)
        sent += count
    return sent


@transaction.atomic
def set_reminder_days(*, survey_round: SurveyRound, days: list[int], user: User) -> None:
    survey_round.reminder_days = days
    survey_round.save(update_fields=["reminder_days"])
    record_event("survey.round.reminder_days", actor=user, year=survey_round.year, days=days)
