"""The analyst's results page for a year, and recomputing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.selectors import results as selectors
from indicators.services import computation
from survey import access


@login_required
def year_results(request: HttpRequest, year: int) -> HttpResponse:
    access.require_register_reader(request.user)
    overview = selectors.year_overview(year)
    chosen = next((row for row in overview if row.code == request.GET.get("indicator")), None)
    return render(
        request,
        "indicators/year_results.html",
        {
            "year": year,
            "overview": overview,
            "chosen": chosen,
            "counties": selectors.county_results(year, chosen.code) if chosen else [],
            "publications": selectors.publications_of_year(year),
            "can_publish": access.can_publish_results(request.user),
        },
    )


@login_required
@require_POST
def year_compute(request: HttpRequest, year: int) -> HttpResponse:
    access.require_analyst(request.user)
    report = computation.compute_indicators(years=[year])
    messages.success(
        request,
        _("The results of %(year)d were computed again: %(values)d unit values, %(aggregates)d aggregates.")
        % {"year": year, "values": report.unit_results, "aggregates": report.aggregates},
    )
    return redirect("indicators:year-results", year=year)
