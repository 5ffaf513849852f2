from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config.health import healthz
from reporting.views.start import home

urlpatterns = [
    # The start page: staff see what to do now, respondents their units (reporting reads every layer).
    path("", home, name="home"),
    path("", include("survey.urls")),
    path("", include("core.urls")),
    path("konto/", include("accounts.urls")),
    path("indikatorer/", include("indicators.urls")),
    path("", include("reporting.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

handler404 = "config.errors.not_found"
