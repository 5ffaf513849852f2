from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = _("Survey")

    def ready(self) -> None:
        from core.audit import register_event_labels

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
        from survey.selectors import questionnaire

        questionnaire.connect()
