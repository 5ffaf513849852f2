"""The start page: a respondent's units and rounds."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from survey import access
from survey.selectors.responses import part_statuses_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The respondent's units and their rounds, with status, deadline and who last worked on them."""
    responses = list(
        access.responses_for_user(request.user)
        .filter(unit__assignments__user=request.user)
        .order_by("-round__year", "unit__code")[:20]
    )
    statuses = part_statuses_for(responses)
    now = timezone.now()
    return render(
        request,
        "survey/home.html",
        {
            "units": access.units_for_user(request.user).filter(assignments__user=request.user),
            "responses": [(response, statuses[response.pk], response.is_open(now=now)) for response in responses],
            "can_read_register": access.can_read_register(request.user),
        },
    )
