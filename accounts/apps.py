from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from accounts.lockout import clear_after_login  # noqa: PLC0415

        user_logged_in.connect(clear_after_login, dispatch_uid="accounts.clear_after_login")
