from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app uses (uploads, tables, spreadsheets, collation, chart geometry). It imports no
    other app of the project; the layers are checked by import-linter (`make lint`)."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.audit import register_event_labels

        register_event_labels({"core.email.retried": _("E-mail sent again")})
