"""The coordinator's monitor of a round: response rates by part, county and group, submissions per
day compared with earlier years, and the list of units (also as Excel)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.numbers import whole_number
from survey import access
from survey.coordination import monitor
from survey.coordination.chart import line_chart
from survey.coordination.export import unit_list_workbook
from survey.models import SurveyRound

FILTER_PARAMS = ("county", "group", "status", "q", "sort")


def _unit_filter(params: QueryDict) -> monitor.UnitFilter:
    group = params.get("group", "")
    sort = params.get("sort", "code")
    return monitor.UnitFilter(
        county=params.get("county", ""),
        group=whole_number(group),
        status=params.get("status", ""),
        query=params.get("q", "")[:100],
        sort=sort if sort.lstrip("-") in monitor.SORT_KEYS else "code",
    )


def _query(params: QueryDict, **changes: str) -> str:
    values = {name: params.get(name, "") for name in (*FILTER_PARAMS, "part")}
    values.update(changes)
    return urlencode({name: value for name, value in values.items() if value})


def _sort_headers(params: QueryDict, current: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the link that sorts by it (again: the other way) and its aria-sort."""
    headers = {}
    for key in monitor.SORT_KEYS:
        ascending, descending = current == key, current == f"-{key}"
        headers[key] = {
            "query": _query(params, sort=f"-{key}" if ascending else key),
            "aria_sort": "ascending" if ascending else "descending" if descending else "",
        }
    return headers


@login_required
@require_GET
def round_monitor(request: HttpRequest, year: int) -> HttpResponse:
    access.require_register_reader(request.user)
    survey_round = get_object_or_404(SurveyRound, year=year)
    facts = monitor.round_facts(survey_round)
    unit_filter = _unit_filter(request.GET)
    chart_part = next((p for p in facts.parts if p.code == request.GET.get("part")), None) or (
        facts.parts[-1] if facts.parts else None
    )
    progress = (
        monitor.cumulative_submissions(survey_round, chart_part.code, today=timezone.localdate())
        if chart_part
        else None
    )
    return render(
        request,
        "survey/round_monitor.html",
        {
            "round": survey_round,
            "parts": facts.parts,
            "national": monitor.national_figures(facts),
            "counties": monitor.county_figures(facts),
            "groupings": monitor.grouping_figures(facts),
            "chart_part": chart_part,
            "progress": progress,
            "chart": line_chart(progress) if progress else None,
            "rows": monitor.unit_rows(facts, unit_filter),
            "unit_count": len(facts.units),
            "filter": unit_filter,
            "county_choices": sorted({(u.county_code, u.county_name) for u in facts.units}),
            "group_choices": facts.groups,
            "status_choices": [
                ("not_started", _("not started")),
                ("started", _("started, not submitted")),
                ("not_submitted", _("not submitted")),
                ("submitted", _("submitted")),
            ],
            "sort_headers": _sort_headers(request.GET, unit_filter.sort),
            "export_query": _query(request.GET, part=""),
        },
    )


@login_required
@require_GET
def monitor_export(request: HttpRequest, year: int) -> HttpResponse:
    access.require_register_reader(request.user)
    survey_round = get_object_or_404(SurveyRound, year=year)
    facts = monitor.round_facts(survey_round)
    rows = monitor.unit_rows(facts, _unit_filter(request.GET))
    content = unit_list_workbook(year=year, parts=facts.parts, rows=rows)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="svarsfrekvens-{year}-enheter.xlsx"'
    return response
