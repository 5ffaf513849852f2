"""The public results: pages per year, county and unit; the results files and their exports; the open
API in Kolada's v3 paths (no trailing slash, as Kolada) and the CSV of every published value."""

from django.urls import include, path, re_path

from reporting.views import api, exports, pages

page_patterns = [
    path("", pages.results_index, name="results-index"),
    path("<int:year>/", pages.country_page, name="country-page"),
    path("<int:year>/lan/<str:county_code>/", pages.county_page, name="county-page"),
    path("<int:year>/enhet/<str:code>/", pages.unit_page, name="unit-page"),
]

export_patterns = [
    path("resultat/export/", exports.export_list, name="export-list"),
    path("resultat/export/<int:pk>/", exports.export_detail, name="export-detail"),
    path("resultat/export/<int:pk>/status/", exports.export_status, name="export-status"),
    path("resultat/export/<int:pk>/resultatfil.xlsx", exports.export_download, name="export-download"),
    path("resultat/<int:year>/resultatfil.xlsx", exports.results_file, name="results-file"),
]

kolada_patterns = [
    path("api/v3/kpi", api.KpiList.as_view(), name="kpi-list"),
    path("api/v3/kpi/<str:ids>", api.KpiDetail.as_view(), name="kpi-detail"),
    path("api/v3/municipality", api.MunicipalityList.as_view(), name="municipality-list"),
    path("api/v3/municipality/<str:ids>", api.MunicipalityDetail.as_view(), name="municipality-detail"),
    path("api/v3/municipality_groups", api.MunicipalityGroupList.as_view(), name="municipality-groups"),
    path(
        "api/v3/municipality_groups/<str:ids>", api.MunicipalityGroupDetail.as_view(), name="municipality-groups-detail"
    ),
    path("api/v3/kpi_groups", api.KpiGroupList.as_view(), name="kpi-groups"),
    path("api/v3/kpi_groups/<str:ids>", api.KpiGroupDetail.as_view(), name="kpi-groups-detail"),
    path("api/v3/data", api.DataQuery.as_view(), name="data"),
    path("api/v3/data/", api.DataQuerySlash.as_view(), name="data-slash"),
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
    path("api/v3/ou", api.NoOrganisationalUnits.as_view(), name="ou"),
    path("api/v3/oudata", api.OrganisationalUnitData.as_view(), name="oudata"),
    re_path(r"^api/v3/(?P<rest>ou/.*|oudata/.*)$", api.OrganisationalUnitPaths.as_view(), name="ou-paths"),
    path(f"resultat/{api.CSV_FILENAME}", api.PublishedValuesCsv.as_view(), name="published-csv"),
]

# Three namespaces, as the pages, the exports and the API are told apart in templates and tests.
urlpatterns = [
    path("resultat/", include((page_patterns, "reporting"))),
    path("", include((export_patterns, "exports"))),
    path("", include((kolada_patterns, "kolada"))),
]
