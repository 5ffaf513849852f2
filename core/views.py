"""Pages anyone may read without logging in: the accessibility statement the law requires
(lagen (2018:1937) om tillgänglighet till digital offentlig service)."""

from collections.abc import Callable

from django import forms
from django.http import HttpRequest
from django.views.generic import TemplateView

from core.imports import ImportReport

accessibility = TemplateView.as_view(template_name="core/accessibility.html")


def import_upload(
    request: HttpRequest, form_class: type[forms.Form], run: Callable[..., ImportReport]
) -> tuple[forms.Form, ImportReport | None]:
    """The web side of a table import (core/imports.py): the bound upload form and, once it is valid,
    the report of `run(data=…, filename=…, dry_run=…)`; no report for a GET or an invalid form."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return form, None
    upload = form.cleaned_data["file"]
    return form, run(data=upload.read(), filename=upload.name, dry_run=form.cleaned_data["dry_run"])
