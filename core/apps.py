from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app uses (uploads, tables, spreadsheets, collation, chart geometry). It imports no
    other app of the project; the layers are checked by import-linter (`make lint`)."""

    name = "core"
    verbose_name = "Core"
