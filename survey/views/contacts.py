"""The coordinator's pages for contact persons, invitations, reminders and a round's reminder days."""

import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.models import OutgoingEmail
from core.numbers import whole_number
from core.views import import_upload
from survey import access
from survey.forms import ContactForm, ContactImportForm, ReminderForm
from survey.models import Contact, SurveyRound
from survey.selectors.contacts import round_contact_rows
from survey.selectors.reminders import units_to_remind
from survey.services import contacts as contact_services
from survey.services import invitations, reminders


def _round(year: int) -> SurveyRound:
    return get_object_or_404(SurveyRound, year=year)


@login_required
@require_http_methods(["GET", "POST"])
def round_contacts(request: HttpRequest, year: int) -> HttpResponse:
    access.require_coordinator(request.user)
    survey_round = _round(year)
    if request.method == "POST":
        if request.POST.get("action") == "invite-new":
            chosen = invitations.uninvited_contacts(survey_round)
        else:
            ids = [pk for pk in map(whole_number, request.POST.getlist("contact")) if pk is not None]
            chosen = list(
                Contact.objects.filter(pk__in=ids, unit__responses__round=survey_round).select_related("unit")
            )
        count = invitations.invite_contacts(survey_round=survey_round, contacts=chosen, user=request.user)
        if count:
            text = ngettext("%(count)d invitation is on its way.", "%(count)d invitations are on their way.", count)
            messages.success(request, text % {"count": count})
        else:
            messages.info(request, _("Nobody was chosen, so no invitation was sent."))
        return redirect("survey:round-contacts", year=year)
    all_rows = round_contact_rows(survey_round)
    show = request.GET.get("show", "")
    rows = all_rows
    if show == "uninvited":
        rows = [(r, contacts) for r, contacts in rows if not contacts or any(not c.invited_at for c in contacts)]
    elif show == "without-contact":
        rows = [(r, contacts) for r, contacts in rows if not contacts]
    counted = [c for _r, contacts in all_rows for c in contacts]  # the summary is of the whole round
    summary = {
        "contacts": len(counted),
        "invited": sum(1 for c in counted if c.invited_at),
        "logged_in": sum(1 for c in counted if c.contact.user and c.contact.user.last_login),
    }
    return render(
        request,
        "survey/round_contacts.html",
        {"round": survey_round, "rows": rows, "show": show, "summary": summary, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_reminders(request: HttpRequest, year: int) -> HttpResponse:
    access.require_coordinator(request.user)
    survey_round = _round(year)
    parts = list(survey_round.parts.all())
    data = request.POST if request.method == "POST" else (request.GET if "status" in request.GET else None)
    form = ReminderForm(data, parts=parts)
    context = {"round": survey_round, "form": form, "parts": parts}
    if data is not None and form.is_valid():
        now = timezone.now()
        targets = [
            t
            for t in units_to_remind(
                survey_round, status=form.cleaned_data["status"], part=form.cleaned_data["part_obj"]
            )
            if t.response.is_open(now=now)
        ]
        if request.method == "POST":
            count = reminders.send_manual_reminders(
                survey_round=survey_round, targets=targets, batch=request.POST.get("batch") or uuid.uuid4().hex,
                note=form.cleaned_data["note"], user=request.user,
            )  # fmt: skip
            text = ngettext("%(count)d reminder is on its way.", "%(count)d reminders are on their way.", count)
            messages.success(request, text % {"count": count})
            return redirect("survey:round-reminders", year=year)
        contacts = reminders.contacts_by_unit(targets)
        recipients = [(t, contacts[t.response.unit_id]) for t in targets]
        example = next(((t, cs[0]) for t, cs in recipients if cs), None)
        context.update(
            preview=True,
            recipients=recipients,
            recipient_count=sum(len(cs) for _t, cs in recipients),
            without_contact=[t for t, cs in recipients if not cs],
            example=reminders.render_reminder(target=example[0], contact=example[1], note=form.cleaned_data["note"])
            if example
            else None,
            batch=uuid.uuid4().hex,
        )
    sent = (
        OutgoingEmail.objects.filter(round=survey_round, kind=OutgoingEmail.Kind.REMINDER)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("-day")
    )
    context.update(sent=sent, reminder_days=survey_round.reminder_days)
    return render(request, "survey/round_reminders.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_import(request: HttpRequest) -> HttpResponse:
    access.require_coordinator(request.user)
    form, report = import_upload(
        request, ContactImportForm, partial(contact_services.import_contacts, user=request.user)
    )
    return render(request, "survey/contact_import.html", {"form": form, "report": report})


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, code: str) -> HttpResponse:
    return _contact_form(request, code, None)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _contact_form(request, code, pk)


def _contact_form(request: HttpRequest, code: str, pk: int | None) -> HttpResponse:
    access.require_coordinator(request.user)
    unit = access.get_unit_for_user(request.user, code, write=True)
    contact = get_object_or_404(Contact, pk=pk, unit=unit) if pk else None
    initial = {"name": contact.name, "email": contact.email, "role": contact.role} if contact else None
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.save_contact(unit=unit, contact=contact, user=request.user, **form.cleaned_data)
        except contact_services.ContactError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("The contact person was saved."))
            return redirect("survey:unit-detail", code=unit.code)
    return render(request, "survey/contact_form.html", {"form": form, "unit": unit, "contact": contact})


@login_required
@require_POST
def contact_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    access.require_coordinator(request.user)
    unit = access.get_unit_for_user(request.user, code, write=True)
    contact = get_object_or_404(Contact, pk=pk, unit=unit)
    contact_services.delete_contact(contact=contact, user=request.user)
    messages.success(request, _("%(name)s is no longer a contact person.") % {"name": contact.name})
    return redirect("survey:unit-detail", code=unit.code)
