from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config.health import healthz
from survey import api
from survey.public_views import accessibility
from survey.views import home

urlpatterns = [
    path("", home, name="home"),
    path("konto/", include("accounts.urls")),
    path("", include("survey.urls")),
    path("indikatorer/", include("indicators.urls")),
    path("resultat/", include("reporting.page_urls")),
    path("", include("reporting.export_urls")),
    path("", include("reporting.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("tillganglighet/", accessibility, name="accessibility"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/responses/", api.ResponseList.as_view(), name="api-response-list"),
    path("api/responses/<int:pk>/", api.ResponseDetail.as_view(), name="api-response-detail"),
    path("api/responses/<int:pk>/answers/", api.ResponseAnswers.as_view(), name="api-response-answers"),
    path("api/responses/<int:pk>/parts/<slug:part>/submit/", api.PartSubmit.as_view(), name="api-part-submit"),
]

handler404 = "config.errors.not_found"
