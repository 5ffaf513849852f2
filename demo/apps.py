from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data and logins for `make run` and the benchmarks; never needed in production."""

    name = "demo"
    verbose_name = _("Demo")
