"""The register of reporting units: listed, shown, created and retired by coordinators."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.numbers import whole_number
from survey import access, services
from survey.forms import UnitCreateForm, UnitRetireForm
from survey.models import County, GroupMembership
from survey.selectors.register import reporting_units_for_year


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    access.require_register_reader(request.user)
    this_year = timezone.localdate().year
    years = list(range(this_year, settings.FIRST_SURVEY_YEAR - 1, -1))
    show_all = request.GET.get("year") == "all"
    year = this_year
    if not show_all and whole_number(request.GET.get("year")) in years:
        year = whole_number(request.GET.get("year"))
    units = access.units_for_user(request.user) if show_all else reporting_units_for_year(year)
    county_code = request.GET.get("county", "")
    if county_code:
        units = units.filter(county__code=county_code)
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(name__icontains=query) | units.filter(code__startswith=query)
    return render(
        request,
        "survey/unit_list.html",
        {
            "units": units.order_by("code"),
            "years": years,
            "year": None if show_all else year,
            "counties": County.objects.all(),
            "county_code": county_code,
            "query": query,
            "can_manage": access.can_manage_register(request.user),
        },
    )


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, code)
    memberships = (
        GroupMembership.objects.filter(unit=unit)
        .select_related("group", "grouping")
        .order_by("-year", "grouping__code")
    )
    return render(
        request,
        "survey/unit_detail.html",
        {
            "unit": unit,
            "memberships": memberships,
            "districts": unit.districts.order_by("code"),
            "responses": unit.responses.select_related("round").order_by("-round__year"),
            "contacts": unit.contacts.select_related("user"),
            "can_manage": access.can_manage_register(request.user),
            "is_coordinator": access.has_role(request.user, "coordinator", "admin"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    access.require_register_manager(request.user)
    form = UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(user=request.user, **form.cleaned_data)
        except services.RegisterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The unit %(name)s was added.") % {"name": unit.name})
            return redirect("survey:unit-detail", code=unit.code)
    return render(request, "survey/unit_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def unit_retire(request: HttpRequest, code: str) -> HttpResponse:
    access.require_register_manager(request.user)
    unit = access.get_unit_for_user(request.user, code)
    form = UnitRetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.retire_unit(unit=unit, user=request.user, **form.cleaned_data)
        except services.RegisterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The unit %(name)s was retired.") % {"name": unit.name})
            return redirect("survey:unit-detail", code=unit.code)
    return render(request, "survey/unit_retire.html", {"form": form, "unit": unit})
