"""The coordinator's monitor of a round (placeholder until the monitor lands)."""

from django.http import Http404, HttpRequest, HttpResponse


def round_monitor(request: HttpRequest, year: int) -> HttpResponse:
    raise Http404


def monitor_export(request: HttpRequest, year: int) -> HttpResponse:
    raise Http404
