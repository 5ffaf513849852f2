import uuid
from collections.abc import Iterator

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.models import OutgoingEmail
from core.numbers import whole_number
from core.outbox import queue_emails
from core.text import normalise_email


class EmailAddressField(forms.EmailField):
    """An e-mail address in its normalised form (core.text.normalise_email) before it is validated,
    so that ``ＡＮＮＡ@kommun.se`` is checked, and compared with the stored ones, as anna@kommun.se."""

    def to_python(self, value: object) -> str:
        return normalise_email(super().to_python(value))


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong e-mail address or password. Note that the account is locked for a while "
            "after repeated failed attempts."
        ),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"})


class QueuedPasswordResetForm(PasswordResetForm):
    """Writes the reset e-mail to the outbox in the request's transaction (core/outbox.py), so it
    goes out also when the task queue is down at that moment, is tried again when sending fails,
    and a coordinator sees it if it never could be sent."""

    email = EmailAddressField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email: str) -> Iterator[User]:
        """The active account with exactly this address, normalised as the login looks it up."""
        users = User._default_manager.filter(email=normalise_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())

    @transaction.atomic
    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email = OutgoingEmail(
            key=f"password-reset:{context['user'].pk}:{uuid.uuid4().hex}", kind=OutgoingEmail.Kind.PASSWORD_RESET,
            to=to_email, subject=subject, body=body,
        )  # fmt: skip
        queue_emails([email])


class AppCodeForm(forms.Form):
    """The six digits of an authenticator app (spaces allowed, as some apps show "123 456")."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits. The code changes every 30 seconds."),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if whole_number(code) is None or len(code) != 6:
            raise forms.ValidationError(_("Enter the six digits the app shows."))
        return code


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("One of the codes you saved when you set up two-factor login, e.g. abcd-efgh-ijkl."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
