"""Who reports in a year: the register's units valid on a day, districts in place of their municipality."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from survey.models import ReportingUnit


def default_opening_day(year: int) -> date:
    """The day whose register decides who reports, when a round gives none."""
    return date(year, 2, 1)


def valid_on(day: date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def reporting_units_on(day: date) -> QuerySet[ReportingUnit]:
    """Units that answer a survey opening on `day`: districts in place of their municipality."""
    valid_districts = ReportingUnit.objects.filter(
        valid_on(day), kind=ReportingUnit.Kind.DISTRICT, parent=OuterRef("pk")
    )
    return (
        ReportingUnit.objects.filter(valid_on(day))
        .filter(
            Q(kind=ReportingUnit.Kind.DISTRICT) | (Q(kind=ReportingUnit.Kind.MUNICIPALITY) & ~Exists(valid_districts))
        )
        .select_related("county", "parent")
    )


def reporting_units_for_year(year: int) -> QuerySet[ReportingUnit]:
    return reporting_units_on(default_opening_day(year))


def valid_during_year(year: int) -> Q:
    """Units that existed on at least one day of `year`."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=date(year, 12, 31))) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1))
    )
