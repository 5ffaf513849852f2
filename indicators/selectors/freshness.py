"""Which years' results are stale: what `setup_demo` (make run) recomputes instead of every year."""

from collections.abc import Iterable

from django.db.models import Max

from indicators.models import AggregateResult, IndicatorVersion, YearComputation
from survey.models import Answer, AnswerChange, PartSubmission


def _newest(queryset, field: str, years: list[int], year_field: str) -> dict:  # noqa: ANN001
    return dict(
        queryset.filter(**{f"{year_field}__in": years})
        .values(year_field)
        .annotate(at=Max(field))
        .order_by()
        .values_list(year_field, "at")
    )


def stale_years(years: Iterable[int]) -> list[int]:
    """The years of `years` whose results are missing or older than what they are computed from.

    A year is up to date when it has aggregates and, if it has rules, was computed (YearComputation)
    after its newest answer, answer change, submission and definition. Imported history is
    aggregated when it is imported, so a year without rules needs only its aggregates."""
    years = sorted(set(years))
    if not years:
        return []
    with_aggregates = set(AggregateResult.objects.filter(year__in=years).values_list("year", flat=True).distinct())
    with_rules = set(
        IndicatorVersion.objects.filter(year__in=years).exclude(rule="").values_list("year", flat=True).distinct()
    )
    computed = dict(YearComputation.objects.filter(year__in=years).values_list("year", "computed_at"))
    inputs = [
        _newest(Answer.objects, "updated_at", years, "response__round__year"),
        _newest(AnswerChange.objects, "created_at", years, "response__round__year"),
        _newest(PartSubmission.objects, "submitted_at", years, "response__round__year"),
        _newest(IndicatorVersion.objects, "updated_at", years, "year"),
    ]
    stale = []
    for year in years:
        if year not in with_aggregates:
            stale.append(year)
        elif year in with_rules:
            at = computed.get(year)
            newest_input = max((moments[year] for moments in inputs if moments.get(year)), default=None)
            if at is None or (newest_input is not None and newest_input > at):
                stale.append(year)
    return stale
