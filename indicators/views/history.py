"""The analyst's upload page for earlier years' unit-level results."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from indicators.forms import HistoryImportForm
from indicators.services import history
from survey import access


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    form = HistoryImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = history.import_results(
            data=upload.read(), filename=upload.name, user=request.user, dry_run=form.cleaned_data["dry_run"]
        )
    links = [
        (reverse("indicators:year-results", kwargs={"year": year}), _("Results %(year)s") % {"year": year})
        for year in (report.years if report else [])
    ]
    return render(request, "indicators/history_import.html", {"form": form, "report": report, "done_links": links})
