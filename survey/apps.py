from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = _("Survey")

    def ready(self) -> None:
        from survey import questionnaire_cache

        questionnaire_cache.connect()
