from django.contrib import admin
from django.urls import include, path

from survey.views import home

from .health import healthz

urlpatterns = [
    path("", home, name="home"),
    path("konto/", include("accounts.urls")),
    path("", include("survey.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
