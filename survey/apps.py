from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = _("Survey")

    def ready(self) -> None:
        from core.audit import register_detail_labels, register_event_labels

        register_event_labels(
            {
                "survey.invitation.sent": _("Invitations sent"),
                "survey.invitation.accepted": _("Invitation accepted"),
                "survey.invitation.renewed": _("Invitation link renewed"),
                "survey.reminder.sent": _("Reminders sent"),
                "survey.reminder.scheduled_sent": _("Scheduled reminders sent"),
                "survey.round.reminder_days": _("Reminder days changed"),
                "survey.round.created": _("Round created"),
                "survey.round.times_changed": _("Round times changed"),
                "survey.part.submitted": _("Part submitted"),
                "survey.part.reopened": _("Part reopened"),
                "survey.response.extended": _("Deadline extended"),
                "survey.questionnaire.loaded": _("Questionnaire loaded"),
                "survey.unit.created": _("Unit created"),
                "survey.unit.retired": _("Unit retired"),
                "survey.contact.saved": _("Contact saved"),
                "survey.contact.deleted": _("Contact deleted"),
                "survey.contact.imported": _("Contacts imported"),
            }
        )
        register_detail_labels(
            {
                "year": _("Year"),
                "response": _("Response"),
                "part": _("Part"),
                "reason": _("Reason"),
                "count": _("Count"),
                "batch": _("Batch"),
                "contact": _("Contact"),
                "contacts": _("Contacts"),
                "created": _("Created"),
                "updated": _("Updated"),
                "days": _("Days"),
                "email": _("E-mail address"),
                "file": _("File"),
                "first_year": _("First year"),
                "first_year_without": _("First year without"),
                "invitation": _("Invitation"),
                "role": _("Role"),
                "source": _("Source"),
                "successor": _("Successor"),
                "units": _("Units"),
                "until": _("Until"),
                "version": _("Version"),
                "event_id": _("Event"),
            },
            links={"response": "survey:response-detail"},
        )
        from survey.selectors import questionnaire

        questionnaire.connect()
