from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from core.audit import register_detail_labels, register_event_labels

        register_event_labels(
            {
                "reporting.export.started": _("Export started"),
            }
        )
        register_detail_labels({"export": _("Export")}, links={"export": "exports:export-detail"})
