from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class County(models.Model):
    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ReportingUnit(models.Model):
    """A municipality, or a city district that answers in its municipality's place.

    A unit is valid from `valid_from` (None: before the covered history) up to and including
    `valid_to` (None: still exists)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        DISTRICT = "district", _("City district")
        CITY_COMMITTEE = "city_committee", _("City-wide committee")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="units", verbose_name=_("county"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="districts",
        verbose_name=_("municipality"),
    )
    organisation_type = models.CharField(_("type of organisation"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reporting unit")
        verbose_name_plural = _("reporting units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(kind="municipality", parent__isnull=True)
                | (~Q(kind="municipality") & Q(parent__isnull=False)),
                name="unit_district_has_parent",
            ),
        ]

    def __str__(self) -> str:
        if self.parent_id:
            return f"{self.name} ({self.parent.name})"
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class Grouping(models.Model):
    """A classification of units into groups, e.g. SKR's kommungrupp or population classes."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("grouping")
        verbose_name_plural = _("groupings")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    grouping = models.ForeignKey(Grouping, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["grouping", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["grouping", "code"], name="group_code_unique_in_grouping")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class GroupMembership(models.Model):
    """A unit's group in one grouping for one survey year. Memberships change by year."""

    grouping = models.ForeignKey(Grouping, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(ReportingUnit, on_delete=models.CASCADE, related_name="memberships")
    year = models.PositiveSmallIntegerField(_("year"))
    # When the register added it (a corrected membership is a new row): results files made before
    # it may show old group figures (reporting.selectors.exports).
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["grouping", "unit", "year"], name="one_group_per_grouping_and_year")
        ]
        indexes = [models.Index(fields=["year", "group"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.group}"


class UnitAssignment(models.Model):
    """Binds a respondent to a reporting unit they answer for."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_assignments")
    unit = models.ForeignKey(ReportingUnit, on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit assignment")
        verbose_name_plural = _("unit assignments")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit}"


def default_reminder_days() -> list[int]:
    return [14, 7, 2]


class SurveyRound(models.Model):
    """One year's questionnaire, e.g. "Öppna jämförelser 2024 – Våld i nära relationer".

    Open means `opens_at <= now < closes_at` (or a unit's extension); nothing flips a flag."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    form_id = models.CharField(_("form id"), max_length=100)
    version = models.CharField(_("version"), max_length=50)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    source_name = models.CharField(_("file"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)
    # Days before a unit's closing time on which its contacts are reminded, e.g. [14, 7, 2].
    reminder_days = models.JSONField(_("reminder days"), default=default_reminder_days, blank=True)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening")
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, *, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


class Part(models.Model):
    """A sub-survey (delenkät), e.g. `allman` or `vinr`: a top-level group of the XLSForm."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("code"), max_length=50)
    label = models.CharField(_("label"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["round", "order"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="part_code_unique_in_round")]

    def __str__(self) -> str:
        return self.label


class Question(models.Model):
    class Type(models.TextChoices):
        SELECT_ONE = "select_one", _("Select one")
        SELECT_MULTIPLE = "select_multiple", _("Select multiple")
        INTEGER = "integer", _("Integer")
        DECIMAL = "decimal", _("Decimal number")
        TEXT = "text", _("Text")
        NOTE = "note", _("Note")
        DATE = "date", _("Date")
        CALCULATE = "calculate", _("Calculation")

        @classmethod
        def unanswered(cls) -> tuple[str, ...]:
            """The types nobody answers: information, and values calculated from other answers."""
            return (cls.NOTE, cls.CALCULATE)

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="questions")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=100)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    label = models.TextField(_("label"))
    label_en = models.TextField(blank=True)
    hint = models.TextField(_("hint"), blank=True)
    hint_en = models.TextField(blank=True)
    # XLSForm's guidance_hint: longer guidance the respondent opens on request.
    guidance_hint = models.TextField(_("guidance"), blank=True)
    appearance = models.CharField(max_length=50, blank=True)  # "multiline": a text question's larger field
    section = models.CharField(_("section"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    required_message = models.TextField(blank=True)
    # The question's own condition and those of the groups around it, each an expression.
    relevant = models.JSONField(default=list, blank=True)
    constraint = models.TextField(blank=True)
    constraint_message = models.TextField(blank=True)
    choice_filter = models.TextField(blank=True)
    # A calculate question's expression: its value, from the other answers, is never stored.
    calculation = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["round", "order"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="question_code_unique_in_round")]

    def __str__(self) -> str:
        return self.code


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.CharField(_("value"), max_length=100)
    label = models.TextField(_("label"))
    label_en = models.TextField(blank=True)
    # The option's other columns on the choices sheet, which a choice_filter may test.
    extra = models.JSONField(default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "order"]
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="choice_value_unique")]

    def __str__(self) -> str:
        return self.value


class Response(models.Model):
    """A unit's response to a round; its existence means the unit is invited."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(ReportingUnit, on_delete=models.PROTECT, related_name="responses")
    extended_until = models.DateTimeField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["round", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="one_response_per_unit_and_round")]

    def __str__(self) -> str:
        return f"{self.unit} {self.round.year}"

    @property
    def closes_at(self) -> datetime:
        return max(self.round.closes_at, self.extended_until) if self.extended_until else self.round.closes_at

    def is_open(self, *, now: datetime) -> bool:
        return self.round.opens_at <= now < self.closes_at


class PartSubmission(models.Model):
    """A submitted part of a response. Reopening deletes the row and keeps the reason in the audit trail."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="submissions")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="submissions")
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "part"], name="one_submission_per_part")]

    def __str__(self) -> str:
        return f"{self.response} {self.part.code}"


class Answer(models.Model):
    """One question's answer in one response. Each answer is its own row, so that colleagues
    changing different questions never overwrite each other; `version` detects a colleague's
    change to the same question."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.question.code}={self.value}"


class AnswerChange(models.Model):
    """The audit trail of answers: every change, who made it, when and through which channel."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        API = "api", _("API")
        IMPORT = "import", _("Import")
        SYSTEM = "system", _("Skip logic")
        LAST_YEAR = "last_year", _("Last year's answer")
        ON_BEHALF = "on_behalf", _("Coordinator on the unit's behalf")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="changes")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="changes")
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.old_value!r} → {self.new_value!r}"


class Contact(models.Model):
    """A contact person of a reporting unit: who is invited and reminded. Inviting a contact
    gives them an account (`user`) bound to the unit."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("Responsible")
        CO_RESPONDENT = "co_respondent", _("Co-respondent")

    unit = models.ForeignKey(ReportingUnit, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESPONSIBLE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["unit__code", "role", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "email"], name="contact_email_unique_in_unit")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Invitation(models.Model):
    """An invitation of one contact to one round, with a personal single-use link to set a
    password and log in. Only a hash of the link's token is stored."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("invited"))
    expires_at = models.DateTimeField(_("link expires"))
    used_at = models.DateTimeField(_("link used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["round", "contact"])]

    def __str__(self) -> str:
        return f"{self.contact} {self.round.year}"
