from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import normalise_email


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # The login finds exactly the normalised address, the same key the lockout counts by
        # (accounts/lockout.py): no database case rule (UPPER maps ı to I) makes two keys one user.
        return self.get(email=normalise_email(username or ""))

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address. What they may do follows from `role`;
    a respondent's reporting units are in `survey.UnitAssignment`."""

    class Role(models.TextChoices):
        RESPONDENT = "respondent", _("Respondent")
        COORDINATOR = "coordinator", _("Coordinator")
        ANALYST = "analyst", _("Analyst")
        ADMIN = "admin", _("Staff administrator")

    email = models.EmailField(
        _("e-mail address"),
        unique=True,
        error_messages={"unique": _("A user with this e-mail address already exists.")},
    )
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESPONDENT)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        # Addresses are stored normalised (core.text.normalise_email); this also holds for rows
        # written past save(), on PostgreSQL and SQLite alike.
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ignoring_case",
                violation_error_message=_("A user with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Used by `clean()`, so forms (the admin's too) check uniqueness on the stored form."""
        return normalise_email(username) if isinstance(username, str) else username

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
