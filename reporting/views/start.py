"""The start page `/`: staff see what to do now (coordinators the open rounds, analysts each year's
state); respondents see their units and rounds (survey.views.home)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from reporting.selectors.start_page import coordinator_overview, year_states
from survey import access
from survey.views.home import home as respondent_home

Role = User.Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not access.can_read_register(request.user):
        return respondent_home(request)
    user = request.user
    coordinates = access.has_role(user, Role.COORDINATOR, Role.ADMIN)
    analyses = access.has_role(user, Role.ANALYST, Role.ADMIN)
    return render(
        request,
        "reporting/staff_start.html",
        {
            "coordinator": coordinator_overview() if coordinates else None,
            "years": year_states() if analyses or coordinates else [],
            "analyses": analyses,
            "coordinates": coordinates,
            "can_publish": access.can_publish_results(user),
        },
    )
