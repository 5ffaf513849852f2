"""The results file: analysts start exports and follow them; anyone downloads the newest file of a year."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from reporting import services
from reporting.models import Export
from reporting.selectors.exports import exports_without_files, groups_changed_since, newest_file, published_since
from reporting.selectors.published import published_years
from survey import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Publication year"),
        coerce=int,
        help_text=_("The file shows every published year from 2016 up to this one."),
    )

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].choices = [(year, year) for year in sorted(years, reverse=True)]


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    access.require_analyst(request.user)
    form = ExportForm(request.POST or None, years=published_years())
    if request.method == "POST" and form.is_valid():
        export = services.start_export(year=form.cleaned_data["year"], user=request.user)
        return redirect("exports:export-detail", pk=export.pk)
    exports = exports_without_files()[:50]
    return render(request, "reporting/export_list.html", {"form": form, "exports": exports})


def _export_for_analyst(request: HttpRequest, pk: int) -> Export:
    access.require_analyst(request.user)
    return get_object_or_404(exports_without_files(), pk=pk)


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export_for_analyst(request, pk)
    context = {
        "export": export,
        "outdated": published_since(export),
        "groups_changed": groups_changed_since(export),
        "stalled": export.is_stalled(now=timezone.now()),
    }
    return render(request, "reporting/export_detail.html", context)


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment that the detail page polls every two seconds until the export is finished."""
    export = _export_for_analyst(request, pk)
    context = {"export": export, "stalled": export.is_stalled(now=timezone.now())}
    return render(request, "reporting/export_status.html", context)


def _file_response(export: Export) -> HttpResponse:
    response = HttpResponse(bytes(export.file), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Content-Length"] = str(export.size)
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_analyst(request.user)
    export = get_object_or_404(Export, pk=pk, status=Export.Status.DONE)
    return _file_response(export)


@require_GET
def results_file(request: HttpRequest, year: int) -> HttpResponse:
    """The public results file of a year: the newest finished export, built from published values only."""
    export = newest_file(year)
    if export is None:
        raise Http404
    return _file_response(export)
