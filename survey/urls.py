from django.urls import path

from . import response_views, round_views, views

app_name = "survey"

urlpatterns = [
    path("enheter/", views.unit_list, name="unit-list"),
    path("enheter/ny/", views.unit_create, name="unit-create"),
    path("enheter/<str:code>/", views.unit_detail, name="unit-detail"),
    path("enheter/<str:code>/avveckla/", views.unit_retire, name="unit-retire"),
    path("enkater/", round_views.round_list, name="round-list"),
    path("enkater/ladda-upp/", round_views.questionnaire_upload, name="questionnaire-upload"),
    path("enkater/<int:year>/importera-svar/", round_views.answers_import, name="answers-import"),
    path("svar/<int:pk>/", response_views.response_detail, name="response-detail"),
    path("svar/<int:pk>/utskrift/", response_views.response_print, name="response-print"),
    path("svar/<int:pk>/historik/", response_views.response_history, name="response-history"),
    path("svar/<int:pk>/forlang/", response_views.response_extend, name="response-extend"),
    path("svar/<int:pk>/<slug:part>/", response_views.response_part, name="response-part"),
    path("svar/<int:pk>/<slug:part>/granska/", response_views.response_review, name="response-review"),
    path("svar/<int:pk>/<slug:part>/ateroppna/", response_views.response_reopen, name="response-reopen"),
]
