from django.urls import path

from . import views

app_name = "survey"

urlpatterns = [
    path("enheter/", views.unit_list, name="unit-list"),
    path("enheter/ny/", views.unit_create, name="unit-create"),
    path("enheter/<str:code>/", views.unit_detail, name="unit-detail"),
    path("enheter/<str:code>/avveckla/", views.unit_retire, name="unit-retire"),
]
