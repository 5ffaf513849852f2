from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.forms import EmailAddressField
from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "has_app"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("", {"fields": ["full_name", "role", "is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]
    actions = ["reset_two_factor", "send_two_factor_link"]
    # Normalised before it is validated: a variant of another user's address is "exists already".
    formfield_overrides = {models.EmailField: {"form_class": EmailAddressField}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_app=Exists(apps))

    @admin.display(boolean=True, description=_("Two-factor login set up"), ordering="has_app")
    def has_app(self, user: User) -> bool:
        return user.has_app

    @admin.action(description=_("Reset two-factor login (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """The users set up a new app at their next login; each reset is in the audit log."""
        users = list(queryset)
        mailed = sum(two_factor.reset(user=user, actor=request.user) for user in users)
        self.message_user(
            request,
            ngettext(
                "Two-factor login was reset for %(count)d user.",
                "Two-factor login was reset for %(count)d users.",
                len(users),
            )
            % {"count": len(users)}
            + " "
            + self._links_sent_text(mailed, len(users)),
        )

    @admin.action(description=_("E-mail a link for setting up two-factor login"), permissions=["change"])
    def send_two_factor_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For staff who have no app yet: the first app is set up only through such a link."""
        without_app = [user for user in queryset if two_factor.is_required(user) and not user.has_app]
        mailed = sum(two_factor.send_enrolment_link(user=user, actor=request.user) for user in without_app)
        skipped = queryset.count() - len(without_app)
        text = self._links_sent_text(mailed, len(without_app))
        if skipped:
            text += " " + ngettext(
                "%(count)d user was skipped: they have an app already or need no second factor.",
                "%(count)d users were skipped: they have an app already or need no second factor.",
                skipped,
            ) % {"count": skipped}
        self.message_user(request, text)

    @staticmethod
    def _links_sent_text(mailed: int, asked: int) -> str:
        text = ngettext(
            "A set-up link was e-mailed to %(count)d user.", "A set-up link was e-mailed to %(count)d users.", mailed
        ) % {"count": mailed}
        if mailed < asked:
            text += " " + ngettext(
                "%(count)d had been sent one within the hour already.",
                "%(count)d had been sent one within the hour already.",
                asked - mailed,
            ) % {"count": asked - mailed}
        return text
