from django.urls import path

from core.views import accessibility

urlpatterns = [
    path("tillganglighet/", accessibility, name="accessibility"),
]
