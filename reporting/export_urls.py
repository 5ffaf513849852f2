from django.urls import path

from reporting import export_views

app_name = "exports"

urlpatterns = [
    path("resultat/export/", export_views.export_list, name="export-list"),
    path("resultat/export/<int:pk>/", export_views.export_detail, name="export-detail"),
    path("resultat/export/<int:pk>/status/", export_views.export_status, name="export-status"),
    path("resultat/export/<int:pk>/resultatfil.xlsx", export_views.export_download, name="export-download"),
    path("resultat/<int:year>/resultatfil.xlsx", export_views.results_file, name="results-file"),
]
