"""Asking for a new password: the e-mail goes through the outbox (accounts/forms.py), and requests
are limited per address and per client (core/ratelimit.py), whether an account has the address or
not, so that the answer tells nobody which addresses have one."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.utils.translation import gettext as _

from accounts.forms import QueuedPasswordResetForm
from core import ratelimit
from core.text import normalise_email


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm

    def form_valid(self, form: QueuedPasswordResetForm) -> HttpResponse:
        allowed = ratelimit.allow(
            "password-reset",
            {
                "address": (normalise_email(form.cleaned_data["email"]), settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
                "client": (ratelimit.client_ip(self.request), settings.PASSWORD_RESET_LIMIT_PER_CLIENT),
            },
        )
        if not allowed:
            form.add_error(
                None,
                _("A new password has been asked for too many times. Wait an hour and try again."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
