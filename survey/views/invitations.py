"""The personal link of an invitation: set a password and log in, once; a used or expired link
explains itself and offers a new one, sent to the invited address only, a limited number of times
per address and per client (settings INVITATION_RENEWAL_LIMIT_*)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import ratelimit
from core.text import normalise_email
from survey.services import invitations


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find_invitation(token)
    state = invitations.invitation_state(invitation, now=timezone.now()) if invitation else "unknown"
    context = {"invitation": invitation, "state": state, "token": token}
    if state != "valid":
        return render(request, "survey/invitation_invalid.html", context)
    user = invitation.contact.user
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept_invitation(invitation=invitation, password=form.cleaned_data["new_password1"])
        except invitations.InvitationInvalid as invalid:
            return render(request, "survey/invitation_invalid.html", {**context, "state": invalid.reason})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set and you are logged in. Welcome!"))
        return redirect("home")
    return render(request, "survey/invitation_accept.html", {**context, "form": form})


@never_cache
@require_POST
def invitation_renew(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find_invitation(token)
    if invitation is None:
        return render(request, "survey/invitation_invalid.html", {"state": "unknown", "token": token})
    context = {"invitation": invitation, "masked_email": invitations.mask_email(invitation.contact.email)}
    allowed = ratelimit.allow(
        "invitation-renewal",
        {
            "address": (normalise_email(invitation.contact.email), settings.INVITATION_RENEWAL_LIMIT_PER_ADDRESS),
            "client": (ratelimit.client_ip(request), settings.INVITATION_RENEWAL_LIMIT_PER_CLIENT),
        },
    )
    if not allowed:
        return render(request, "survey/invitation_renewed.html", {**context, "outcome": "limited"}, status=429)
    sent = invitations.renew_invitation(invitation=invitation)
    return render(request, "survey/invitation_renewed.html", {**context, "outcome": "sent" if sent else "recent"})
