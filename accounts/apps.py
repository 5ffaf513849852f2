from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from core.audit import register_detail_labels, register_event_labels

        register_event_labels(
            {
                "accounts.api_token.created": _("API key created"),
                "accounts.two_factor.enrolled": _("Two-factor login set up"),
                "accounts.two_factor.reset": _("Two-factor login reset"),
                "accounts.two_factor.link_sent": _("Two-factor set-up link e-mailed"),
                "accounts.two_factor.recovery_code_used": _("Recovery code used"),
                "accounts.two_factor.recovery_codes_created": _("New recovery codes made"),
            }
        )
        register_detail_labels(
            {"user": _("User"), "name": _("Name"), "remaining": _("Remaining"), "confirmed": _("Confirmed")}
        )
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from accounts.lockout import clear_after_login  # noqa: PLC0415

        user_logged_in.connect(clear_after_login, dispatch_uid="accounts.clear_after_login")
