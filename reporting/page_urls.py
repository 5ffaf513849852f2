from django.urls import path

from reporting import page_views

app_name = "reporting"

urlpatterns = [
    path("", page_views.results_index, name="results-index"),
    path("<int:year>/", page_views.country_page, name="country-page"),
    path("<int:year>/lan/<str:county_code>/", page_views.county_page, name="county-page"),
    path("<int:year>/enhet/<str:code>/", page_views.unit_page, name="unit-page"),
]
