from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from survey.models import County, ReportingUnit


class RegisterError(Exception):
    """A change to the register that would make it inconsistent; the message is for the user."""


@transaction.atomic
def create_unit(
    *,
    code: str,
    name: str,
    kind: str,
    county: County,
    parent: ReportingUnit | None,
    first_year: int,
    organisation_type: str = "",
    user: User,
) -> ReportingUnit:
    """Adds a reporting unit that reports from `first_year` on."""
    if ReportingUnit.objects.filter(code=code).exists():
        raise RegisterError(_("A unit with the code %(code)s already exists.") % {"code": code})
    if kind == ReportingUnit.Kind.MUNICIPALITY and parent is not None:
        raise RegisterError(_("A municipality cannot belong to another municipality."))
    if kind != ReportingUnit.Kind.MUNICIPALITY and parent is None:
        raise RegisterError(_("A city district must belong to a municipality."))
    unit = ReportingUnit.objects.create(
        code=code,
        name=name,
        kind=kind,
        county=parent.county if parent else county,
        parent=parent,
        organisation_type=organisation_type,
        valid_from=date(first_year, 1, 1),
    )
    record_event("survey.unit.created", actor=user, unit=unit, first_year=first_year)
    return unit


@transaction.atomic
def retire_unit(
    *, unit: ReportingUnit, first_year_without: int, successor: ReportingUnit | None, user: User
) -> ReportingUnit:
    """Ends a unit so that it no longer reports from `first_year_without` on."""
    valid_to = date(first_year_without - 1, 12, 31)
    if unit.valid_to is not None and unit.valid_to <= valid_to:
        raise RegisterError(_("The unit was already retired on %(date)s.") % {"date": unit.valid_to})
    if unit.valid_from is not None and valid_to < unit.valid_from:
        raise RegisterError(_("The unit cannot be retired before it began (%(date)s).") % {"date": unit.valid_from})
    if successor is not None and successor.pk == unit.pk:
        raise RegisterError(_("A unit cannot succeed itself."))
    unit.valid_to = valid_to
    unit.successor = successor
    unit.save(update_fields=["valid_to", "successor"])
    record_event(
        "survey.unit.retired",
        actor=user,
        unit=unit,
        first_year_without=first_year_without,
        successor=successor.code if successor else None,
    )
    return unit
