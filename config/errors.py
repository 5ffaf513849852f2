"""Error pages that differ by audience: the API answers in JSON also where no view matches."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework.exceptions import NotFound


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path under /api/ that no view matches (e.g. /api/responses/abc/) is a JSON 404, as the
    schema documents, not the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)
