from django.urls import path

from survey import audit_views, contact_views, invitation_views, monitor_views, response_views, round_views, views

app_name = "survey"

urlpatterns = [
    path("granskningslogg/", audit_views.audit_log, name="audit-log"),
    path("enheter/", views.unit_list, name="unit-list"),
    path("enheter/ny/", views.unit_create, name="unit-create"),
    path("enheter/<str:code>/", views.unit_detail, name="unit-detail"),
    path("enheter/<str:code>/avveckla/", views.unit_retire, name="unit-retire"),
    path("enkater/", round_views.round_list, name="round-list"),
    path("enkater/ladda-upp/", round_views.questionnaire_upload, name="questionnaire-upload"),
    path("enkater/<int:year>/importera-svar/", round_views.answers_import, name="answers-import"),
    path("enkater/<int:year>/uppfoljning/", monitor_views.round_monitor, name="round-monitor"),
    path("enkater/<int:year>/uppfoljning/enheter.xlsx", monitor_views.monitor_export, name="round-monitor-export"),
    path("enkater/<int:year>/kontakter/", contact_views.round_contacts, name="round-contacts"),
    path("enkater/<int:year>/paminnelser/", contact_views.round_reminders, name="round-reminders"),
    path("enkater/<int:year>/installningar/", contact_views.round_settings, name="round-settings"),
    path("kontakter/importera/", contact_views.contact_import, name="contact-import"),
    path("enheter/<str:code>/kontakter/ny/", contact_views.contact_create, name="contact-create"),
    path("enheter/<str:code>/kontakter/<int:pk>/", contact_views.contact_edit, name="contact-edit"),
    path("enheter/<str:code>/kontakter/<int:pk>/ta-bort/", contact_views.contact_delete, name="contact-delete"),
    path("inbjudan/<str:token>/", invitation_views.invitation_accept, name="invitation-accept"),
    path("inbjudan/<str:token>/ny-lank/", invitation_views.invitation_renew, name="invitation-renew"),
    path("svar/<int:pk>/", response_views.response_detail, name="response-detail"),
    path("svar/<int:pk>/utskrift/", response_views.response_print, name="response-print"),
    path("svar/<int:pk>/historik/", response_views.response_history, name="response-history"),
    path("svar/<int:pk>/forlang/", response_views.response_extend, name="response-extend"),
    path("svar/<int:pk>/<slug:part>/", response_views.response_part, name="response-part"),
    path("svar/<int:pk>/<slug:part>/granska/", response_views.response_review, name="response-review"),
    path("svar/<int:pk>/<slug:part>/ateroppna/", response_views.response_reopen, name="response-reopen"),
]
