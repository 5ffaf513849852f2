"""The analyst's upload page for earlier years' unit-level results."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.views import import_upload
from indicators.forms import HistoryImportForm
from indicators.services import history
from survey import access


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    form, report = import_upload(request, HistoryImportForm, partial(history.import_results, user=request.user))
    links = [
        (reverse("indicators:year-results", kwargs={"year": year}), _("Results %(year)s") % {"year": year})
        for year in (report.years if report else [])
    ]
    return render(request, "indicators/history_import.html", {"form": form, "report": report, "done_links": links})
