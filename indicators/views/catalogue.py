"""The analysts' pages for the indicator catalogue: the list of indicators with their versions
per year, and the page that changes one year's definition. Every staff role may read them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.numbers import whole_number
from indicators.forms import VersionForm
from indicators.models import IndicatorVersion
from indicators.services import catalogue
from survey import access


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    access.require_register_reader(request.user)
    years = catalogue.catalogue_years()
    year = request.GET.get("year", "")
    year = whole_number(year) if whole_number(year) in years else None
    return render(
        request,
        "indicators/indicator_list.html",
        {"rows": catalogue.catalogue_rows(year=year), "years": years, "year": year},
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    access.require_register_reader(request.user)
    can_edit = access.can_change_indicator_definitions(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    version = get_object_or_404(
        IndicatorVersion.objects.select_related("indicator", "updated_by"), indicator__code=code, year=year
    )
    initial = {name: getattr(version, name) for name in catalogue.FIELDS}
    form = VersionForm(request.POST or None, initial=initial, read_only=not can_edit)
    if request.method == "POST" and form.is_valid():
        try:
            changed = catalogue.change_version(version=version, values=form.cleaned_data, user=request.user)
        except catalogue.DefinitionRejected as rejected:
            for name, problems in rejected.errors.items():
                for problem in problems:
                    form.add_error(name, problem)
        else:
            if changed:
                messages.success(
                    request, _("The definition of %(code)s for %(year)d was saved.") % {"code": code, "year": year}
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("indicators:version-edit", code=code, year=year)
    context = {
        "version": version,
        "form": form,
        "can_edit": can_edit,
        "years": catalogue.indicator_years(code=code),
        "questions": catalogue.year_questions(year=year, part_code=version.part_code),
    }
    return render(request, "indicators/version_edit.html", context)
