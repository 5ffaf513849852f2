from django.urls import path

from indicators.views import catalogue, checks, history, publication, results

app_name = "indicators"

urlpatterns = [
    path("", catalogue.indicator_list, name="indicator-list"),
    path("resultat/<int:year>/", results.year_results, name="year-results"),
    path("resultat/<int:year>/berakna/", results.year_compute, name="year-compute"),
    path("resultat/<int:year>/publicera/", publication.year_publish, name="year-publish"),
    path("historik/importera/", history.history_import, name="history-import"),
    path("kontroll/<str:code>/<int:year>/", checks.unit_check, name="unit-check"),
    path("flaggor/<int:year>/", checks.flag_list, name="flag-list"),
    path("flaggor/<int:pk>/losa/", checks.flag_resolve, name="flag-resolve"),
    path("revisioner/", publication.revision_log, name="revision-log"),
    # Last: "<code>/<year>/" would also match "flaggor/2024/" and "resultat/2024/".
    path("<str:code>/<int:year>/", catalogue.version_edit, name="version-edit"),
]
