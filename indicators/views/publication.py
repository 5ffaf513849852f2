"""Publishing a year's results (analysts) and the public revision log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from indicators.forms import PublishForm
from indicators.selectors import results as selectors
from indicators.selectors.publication import publication_checks
from indicators.services import publication
from survey import access


@login_required
@require_http_methods(["GET", "POST"])
def year_publish(request: HttpRequest, year: int) -> HttpResponse:
    access.require_analyst(request.user)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            published = publication.publish_year(
                year=year, user=request.user, reason=form.cleaned_data["reason"],
                confirmed=form.cleaned_data["confirmed"],
            )  # fmt: skip
        except publication.ConfirmationNeeded:
            form.add_error("confirmed", _("Confirm the warnings to publish."))
        except publication.PublicationBlocked as error:
            form.add_error(None, str(error))
        except publication.PublicationError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request,
                _("The results of %(year)d were published (revision %(revision)d).")
                % {"year": year, "revision": published.revision},
            )
            return redirect("indicators:year-results", year=year)
    return render(
        request,
        "indicators/year_publish.html",
        {
            "year": year,
            "form": form,
            "plan": publication.plan_publication(year=year),
            "checks": publication_checks(year=year),
        },
    )


def revision_log(request: HttpRequest) -> HttpResponse:
    return render(request, "indicators/revision_log.html", {"years": selectors.revision_log()})
