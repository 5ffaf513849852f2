from django.urls import include, path

from survey.views import api, audit, contacts, emails, invitations, monitor, register, responses, rounds

site_patterns = [
    path("granskningslogg/", audit.audit_log, name="audit-log"),
    path("utskick/", emails.email_list, name="email-list"),
    path("utskick/<int:pk>/skicka-igen/", emails.email_retry, name="email-retry"),
    path("utskick/<int:pk>/ny-adress/", emails.email_correct, name="email-correct"),
    path("enheter/", register.unit_list, name="unit-list"),
    path("enheter/ny/", register.unit_create, name="unit-create"),
    path("enheter/<str:code>/", register.unit_detail, name="unit-detail"),
    path("enheter/<str:code>/avveckla/", register.unit_retire, name="unit-retire"),
    path("enkater/", rounds.round_list, name="round-list"),
    path("enkater/ny/", rounds.round_create, name="round-create"),
    path("enkater/<int:year>/tider/", rounds.round_times, name="round-times"),
    path("enkater/<int:year>/stang/", rounds.round_close, name="round-close"),
    path("enkater/ladda-upp/", rounds.questionnaire_upload, name="questionnaire-upload"),
    path("enkater/<int:year>/importera-svar/", rounds.answers_import, name="answers-import"),
    path("enkater/<int:year>/uppfoljning/", monitor.round_monitor, name="round-monitor"),
    path("enkater/<int:year>/uppfoljning/enheter.xlsx", monitor.monitor_export, name="round-monitor-export"),
    path("enkater/<int:year>/kontakter/", contacts.round_contacts, name="round-contacts"),
    path("enkater/<int:year>/paminnelser/", contacts.round_reminders, name="round-reminders"),
    path("enkater/<int:year>/installningar/", rounds.round_settings, name="round-settings"),
    path("kontakter/importera/", contacts.contact_import, name="contact-import"),
    path("enheter/<str:code>/kontakter/ny/", contacts.contact_create, name="contact-create"),
    path("enheter/<str:code>/kontakter/<int:pk>/", contacts.contact_edit, name="contact-edit"),
    path("enheter/<str:code>/kontakter/<int:pk>/ta-bort/", contacts.contact_delete, name="contact-delete"),
    path("inbjudan/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
    path("inbjudan/<str:token>/ny-lank/", invitations.invitation_renew, name="invitation-renew"),
    path("svar/<int:pk>/", responses.response_detail, name="response-detail"),
    path("svar/<int:pk>/utskrift/", responses.response_print, name="response-print"),
    path("svar/<int:pk>/historik/", responses.response_history, name="response-history"),
    path("svar/<int:pk>/forlang/", responses.response_extend, name="response-extend"),
    path("svar/<int:pk>/<slug:part>/", responses.response_part, name="response-part"),
    path("svar/<int:pk>/<slug:part>/granska/", responses.response_review, name="response-review"),
    path("svar/<int:pk>/<slug:part>/ateroppna/", responses.response_reopen, name="response-reopen"),
]

# The respondents' API (token or session) keeps its names outside the survey namespace.
api_patterns = [
    path("api/responses/", api.ResponseList.as_view(), name="api-response-list"),
    path("api/responses/<int:pk>/", api.ResponseDetail.as_view(), name="api-response-detail"),
    path("api/responses/<int:pk>/answers/", api.ResponseAnswers.as_view(), name="api-response-answers"),
    path("api/responses/<int:pk>/parts/<slug:part>/submit/", api.PartSubmit.as_view(), name="api-part-submit"),
]

urlpatterns = [
    path("", include((site_patterns, "survey"))),
    *api_patterns,
]
