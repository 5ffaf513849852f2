"""Which years' results are stale: what `setup_demo` (make run) recomputes instead of every year."""

from collections.abc import Iterable

from django.db.models import Count, Max

from indicators.models import AggregateResult, IndicatorVersion, YearComputation
from survey.models import Answer, AnswerChange, GroupMembership, PartSubmission


def inputs_fingerprint(years: Iterable[int]) -> dict[int, str]:
    """What each year's results are computed from, as a short text that changes with every added,
    changed or removed answer, submission, definition and group membership (the register replaces a
    membership that moves to another group by a new row): the rows' counts and newest ids, not
    their timestamps, since answers may be written with the time they were given (an import, the
    demo), long before they reach the database."""
    years = sorted(set(years))
    parts: dict[int, list[str]] = {year: [] for year in years}
    sources = [
        (Answer.objects, "response__round__year", "pk"),
        (Answer.objects, "response__round__year", "updated_at"),
        (AnswerChange.objects, "response__round__year", "pk"),
        (PartSubmission.objects, "response__round__year", "pk"),
        (PartSubmission.objects, "response__round__year", "submitted_at"),
        (IndicatorVersion.objects, "year", "updated_at"),
        (GroupMembership.objects, "year", "pk"),
    ]
    for queryset, year_field, newest in sources:
        rows = (
            queryset.filter(**{f"{year_field}__in": years}).values(year_field).annotate(n=Count("pk"), last=Max(newest))
            .order_by().values_list(year_field, "n", "last")
        )  # fmt: skip
        found = {year: f"{count}:{last}" for year, count, last in rows}
        for year in years:
            parts[year].append(found.get(year, "0:-"))
    return {year: "|".join(items) for year, items in parts.items()}


def stale_years(years: Iterable[int]) -> list[int]:
    """The years of `years` whose results are missing or not computed from what is there now.

    A year is up to date when it has aggregates and, if it has rules, was computed (YearComputation)
    from the answers, submissions and definitions it has now (the same `inputs_fingerprint`).
    Imported history is aggregated when it is imported, so a year without rules needs only its
    aggregates."""
    years = sorted(set(years))
    if not years:
        return []
    with_aggregates = set(AggregateResult.objects.filter(year__in=years).values_list("year", flat=True).distinct())
    with_rules = set(
        IndicatorVersion.objects.filter(year__in=years).exclude(rule="").values_list("year", flat=True).distinct()
    )
    computed_from = dict(YearComputation.objects.filter(year__in=years).values_list("year", "inputs"))
    now = inputs_fingerprint(years)
    return [
        year for year in years
        if year not in with_aggregates or (year in with_rules and computed_from.get(year) != now[year])
    ]  # fmt: skip
