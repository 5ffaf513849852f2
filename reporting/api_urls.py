"""The open API in Kolada's v3 paths (no trailing slash, as Kolada) and the CSV of every published value."""

from django.urls import path

from reporting import api

app_name = "kolada"

urlpatterns = [
    path("api/v3/kpi", api.KpiList.as_view(), name="kpi-list"),
    path("api/v3/kpi/<str:ids>", api.KpiDetail.as_view(), name="kpi-detail"),
    path("api/v3/municipality", api.MunicipalityList.as_view(), name="municipality-list"),
    path("api/v3/municipality/<str:ids>", api.MunicipalityDetail.as_view(), name="municipality-detail"),
    path(
        "api/v3/data/kpi/<str:kpi>/municipality/<str:municipality>/year/<str:years>",
        api.DataKpiMunicipalityYear.as_view(),
        name="data-kpi-municipality-year",
    ),
    path("api/v3/data/kpi/<str:kpi>/year/<str:years>", api.DataKpiYear.as_view(), name="data-kpi-year"),
    path(
        "api/v3/data/municipality/<str:municipality>/year/<str:years>",
        api.DataMunicipalityYear.as_view(),
        name="data-municipality-year",
    ),
    path(
        "api/v3/data/kpi/<str:kpi>/municipality/<str:municipality>",
        api.DataKpiMunicipality.as_view(),
        name="data-kpi-municipality",
    ),
    path(f"resultat/{api.CSV_FILENAME}", api.PublishedValuesCsv.as_view(), name="published-csv"),
]
