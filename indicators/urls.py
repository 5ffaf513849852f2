from django.urls import path

from indicators import catalogue_views, check_views, history_views, publication_views, result_views

app_name = "indicators"

urlpatterns = [
    path("", catalogue_views.indicator_list, name="indicator-list"),
    path("resultat/<int:year>/", result_views.year_results, name="year-results"),
    path("resultat/<int:year>/berakna/", result_views.year_compute, name="year-compute"),
    path("resultat/<int:year>/publicera/", publication_views.year_publish, name="year-publish"),
    path("historik/importera/", history_views.history_import, name="history-import"),
    path("kontroll/<str:code>/<int:year>/", check_views.unit_check, name="unit-check"),
    path("flaggor/<int:year>/", check_views.flag_list, name="flag-list"),
    path("flaggor/<int:pk>/losa/", check_views.flag_resolve, name="flag-resolve"),
    path("revisioner/", publication_views.revision_log, name="revision-log"),
    # Last: "<code>/<year>/" would also match "flaggor/2024/" and "resultat/2024/".
    path("<str:code>/<int:year>/", catalogue_views.version_edit, name="version-edit"),
]
