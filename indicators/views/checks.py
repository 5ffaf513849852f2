"""The unit's own check of its preliminary results, and the coordinators' list of flags.
Thin: access, one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from indicators.forms import FlagForm, ResolveForm
from indicators.models import ResultCheck
from indicators.selectors import checks as check_selectors
from indicators.services import checks
from survey import access


@login_required
@require_http_methods(["GET", "POST"])
def unit_check(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The unit's preliminary results once its response has closed; its respondents confirm
    them or flag a value as wrong. Staff see the page read-only."""
    unit = access.get_unit_for_user(request.user, code)
    can_check = access.can_check_unit_results(request.user, unit)
    here = reverse("indicators:unit-check", kwargs={"code": unit.code, "year": year})
    flag_form = None
    if request.method == "POST":
        if not can_check:
            raise PermissionDenied
        if request.POST.get("action") == "confirm":
            try:
                count = checks.confirm_results(unit=unit, year=year, user=request.user)
            except checks.CheckError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    ngettext("%(count)d result confirmed.", "%(count)d results confirmed.", count) % {"count": count},
                )
            return redirect(here)
        flag_form = FlagForm(request.POST)
        if flag_form.is_valid():
            code_ = flag_form.cleaned_data["indicator"]
            try:
                checks.flag_result(unit=unit, year=year, indicator_code=code_,
                                   comment=flag_form.cleaned_data["comment"], user=request.user)  # fmt: skip
            except checks.CheckError as error:
                messages.error(request, str(error))
                return redirect(here)
            messages.success(request, _("The value is flagged. The national coordinator will look at it."))
            return redirect(f"{here}#indicator-{code_}")

    state = check_selectors.check_state(unit=unit, year=year)
    rows = check_selectors.unit_check_rows(unit=unit, year=year) if state.available else []
    flag_errors = flag_form.errors.get("comment") if flag_form is not None else None
    return render(
        request,
        "indicators/unit_check.html",
        {
            "unit": unit,
            "year": year,
            "state": state,
            "rows": rows,
            "can_check": can_check and state.available and state.publication is None,
            "can_read_flags": access.can_read_register(request.user),
            "flag_error": flag_errors[0] if flag_errors else "",
            "flag_failed_code": flag_form.data.get("indicator", "") if flag_errors else "",
            "flag_comment": flag_form.data.get("comment", "") if flag_errors else "",
        },
    )


def _render_flag_list(request: HttpRequest, year: int, *, failed: int | None = None,
                      form: ResolveForm | None = None) -> HttpResponse:  # fmt: skip
    errors = (form.errors.get("resolution") or form.non_field_errors()) if form is not None else None
    return render(
        request,
        "indicators/flag_list.html",
        {
            "year": year,
            "overview": check_selectors.flag_overview(year=year),
            "can_resolve": access.can_resolve_result_flags(request.user),
            "failed": failed,
            "resolve_error": errors[0] if errors else "",
            "resolution": form.data.get("resolution", "") if form is not None else "",
        },
    )


@login_required
def flag_list(request: HttpRequest, year: int) -> HttpResponse:
    """The units' flags of a year for the coordinators (analysts may read), open ones first."""
    access.require_register_reader(request.user)
    return _render_flag_list(request, year)


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_resolve_result_flags(request.user):
        raise PermissionDenied
    check = get_object_or_404(ResultCheck, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            checks.resolve_flag(check=check, resolution=form.cleaned_data["resolution"], user=request.user)
        except checks.CheckError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The flag is resolved. The unit sees the outcome."))
            return redirect("indicators:flag-list", year=check.year)
    return _render_flag_list(request, check.year, failed=check.pk, form=form)
