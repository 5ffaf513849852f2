"""The audit log: who did what, and when, for coordinators (invitations, reopenings, extensions,
definition changes, publications…).

Coordinators and admins only. Analysts are refused: they publish results but do not handle the
units, and the log holds contact persons' e-mail addresses and the reasons given to the units."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.audit import event_details, event_label, readable_details
from core.models import AuditEvent
from core.spreadsheets import csv_text
from survey import access
from survey.forms import AuditLogFilterForm

PAGE_SIZE = 100
CSV_MAX_ROWS = 50_000


def _filtered(form: AuditLogFilterForm) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "unit").order_by("-created_at", "-pk")
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["code"]:
        events = events.filter(code=data["code"])
    if unit := data["unit"].strip():
        events = events.filter(Q(unit__code=unit) | Q(unit__name__icontains=unit))
    if data["date_from"]:
        events = events.filter(created_at__date__gte=data["date_from"])  # dates in Swedish time
    if data["date_to"]:
        events = events.filter(created_at__date__lte=data["date_to"])
    return events


def _csv(events: QuerySet[AuditEvent]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="granskningslogg.csv"'
    response.write("\ufeff")  # Excel reads the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["tid", "vem", "handelse", "kod", "enhet", "uppgifter"])
    for event in events[:CSV_MAX_ROWS]:
        row = [
            timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
            str(event.actor) if event.actor else "Systemet",
            event_label(event.code),
            event.code,
            f"{event.unit.code} {event.unit.name}" if event.unit else "",
            "; ".join(f"{key}: {value}" for key, value in event_details(event.data)),
        ]
        writer.writerow([csv_text(cell) for cell in row])
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    access.require_coordinator(request.user)
    form = AuditLogFilterForm(request.GET or None)
    events = _filtered(form)
    if request.GET.get("format") == "csv":
        return _csv(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.label = event_label(event.code)
        event.details = readable_details(event.data)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "survey/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
