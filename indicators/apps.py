from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from core.audit import register_detail_labels, register_event_labels

        register_event_labels(
            {
                "indicators.catalogue.loaded": _("Indicator catalogue loaded"),
                "indicators.version.changed": _("Definition changed"),
                "indicators.history.imported": _("Historical results imported"),
                "indicators.results.published": _("Results published"),
                "indicators.result.confirmed": _("Results confirmed"),
                "indicators.result.flagged": _("Result flagged"),
                "indicators.result.resolved": _("Result flag resolved"),
            }
        )
        register_detail_labels(
            {
                "year": _("Year"),
                "years": _("Years"),
                "indicator": _("Indicator"),
                "indicators": _("Indicators"),
                "changes": _("Changes"),
                "check": _("Flag"),
                "comment": _("Comment"),
                "resolution": _("Outcome"),
                "revision": _("Revision"),
                "rows": _("Rows"),
                "created": _("Created"),
                "updated": _("Updated"),
                "kept": _("Kept"),
                "filename": _("File"),
                "values": _("Values"),
                "reason": _("Reason"),
            }
        )
