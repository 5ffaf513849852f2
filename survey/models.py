from datetime import date

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


class AuditEvent(models.Model):
    """Who did what to which object, and when. Written by services, read by coordinators."""

    code = models.CharField(max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    unit = models.ForeignKey(ReportingUnit, on_delete=models.SET_NULL, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.code}"
