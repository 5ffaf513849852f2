"""E-mails that have not gone out (the outbox, core/outbox.py), for coordinators: those that failed,
with the mail server's reason, and those that wait for their next attempt. A coordinator sends one
again, or, for an e-mail to a contact person, corrects the contact's address and sends it there."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import EmailAddressField
from core import outbox
from core.models import OutgoingEmail
from survey import access
from survey.services import contacts as contact_services


class CorrectAddressForm(forms.Form):
    address = EmailAddressField(
        label=gettext_lazy("Correct e-mail address"),
        error_messages={
            "required": gettext_lazy("Write the correct e-mail address."),
            "invalid": gettext_lazy("Enter an e-mail address such as anna.lind@kommun.se."),
        },
    )


def _page(request: HttpRequest, *, errors: dict[int, list[str]] | None = None, status: int = 200) -> HttpResponse:
    emails = outbox.undelivered()
    for email in emails.failed + emails.waiting:  # a refused correction is shown at its e-mail, with what was written
        email.form_errors = (errors or {}).get(email.pk, [])
        email.written_address = request.POST.get("address", "") if email.form_errors else ""
    return render(request, "survey/email_list.html", {"emails": emails}, status=status)


def _unsent(pk: int) -> OutgoingEmail:
    return get_object_or_404(OutgoingEmail.objects.select_related("contact__unit"), pk=pk, sent_at__isnull=True)


@login_required
@require_GET
def email_list(request: HttpRequest) -> HttpResponse:
    access.require_coordinator(request.user)
    return _page(request)


@login_required
@require_POST
def email_retry(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_coordinator(request.user)
    email = _unsent(pk)
    try:
        outbox.retry_email(email=email, user=request.user)
    except outbox.AlreadySent:
        messages.info(request, _("The e-mail has gone out meanwhile."))
    else:
        messages.success(request, _("The e-mail to %(to)s is being sent again.") % {"to": email.to})
    return redirect("survey:email-list")


@login_required
@require_POST
def email_correct(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_coordinator(request.user)
    email = _unsent(pk)
    form = CorrectAddressForm(request.POST)
    if not form.is_valid():
        return _page(request, errors={email.pk: form.errors["address"]}, status=400)
    try:
        contact = contact_services.correct_email_address(
            email=email, address=form.cleaned_data["address"], user=request.user
        )
    except contact_services.ContactError as error:
        return _page(request, errors={email.pk: [str(error)]}, status=400)
    except outbox.AlreadySent:
        messages.info(request, _("The e-mail has gone out meanwhile."))
        return redirect("survey:email-list")
    messages.success(
        request,
        _("%(name)s's address is now %(to)s, and the e-mail is being sent there.")
        % {"name": contact.name, "to": contact.email},
    )
    return redirect("survey:email-list")
