"""Publishing a year's results: the first publication freezes every unit's value; a correction
after it is a revision with a date and a reason that records each value it changed.

Recomputing or importing after publication changes only the preliminary UnitResult rows; the
published values (PublishedValue) change only when a revision is published."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from indicators.calculation.aggregate import Tally, aggregate
from indicators.models import (
    Indicator,
    IndicatorVersion,
    Publication,
    PublishedValue,
    RevisionAggregateChange,
    RevisionChange,
    UnitResult,
)
from indicators.selectors.publication import publication_checks
from indicators.selectors.results import unit_value_text
from indicators.services.computation import areas_of_units
from survey.models import ReportingUnit


class PublicationError(Exception):
    """A year cannot be published as asked; the message says why, in Swedish."""


class PublicationBlocked(PublicationError):
    """The year cannot be published yet: its round or a unit's extension is still open."""


class ConfirmationNeeded(PublicationError):
    """Publishing needs an explicit confirmation of these warnings (publication_checks), e.g.
    units that have not checked their results; given, they are kept in the audit event."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__("\n".join(warnings))
        self.warnings = warnings


@dataclass
class PendingChange:
    unit_id: int
    indicator_id: int
    old_value: Decimal | None
    new_value: Decimal | None
    source: str | None  # of the new value; None when the unit no longer has a result
    unit: ReportingUnit | None = None
    indicator: Indicator | None = None
    old_text: str = ""
    new_text: str = ""


@dataclass
class PublicationPlan:
    """What publishing `year` now would do."""

    year: int
    revision: int  # the revision it would create: 1 is the first publication
    values: int  # the year's unit results
    changes: list[PendingChange]

    @property
    def is_first(self) -> bool:
        return self.revision == 1


def plan_publication(*, year: int) -> PublicationPlan:
    """The first publication of `year`, or the values a revision would change."""
    latest = Publication.objects.filter(year=year).aggregate(latest=Max("revision"))["latest"] or 0
    current = {
        (unit_id, indicator_id): (value, source)
        for unit_id, indicator_id, value, source in UnitResult.objects.filter(year=year).values_list(
            "unit_id", "indicator_id", "value", "source"
        )
    }
    changes: list[PendingChange] = []
    if latest:
        published = {
            (unit_id, indicator_id): value
            for unit_id, indicator_id, value in PublishedValue.objects.filter(year=year).values_list(
                "unit_id", "indicator_id", "value"
            )
        }
        for key in sorted(current.keys() | published.keys()):
            old = published.get(key)
            new, source = current.get(key, (None, None))
            if old != new:  # a missing row and a row without a value both mean "no value"
                changes.append(PendingChange(key[0], key[1], old, new, source))
        _describe(year=year, changes=changes)
    return PublicationPlan(year=year, revision=latest + 1, values=len(current), changes=changes)


def _describe(*, year: int, changes: list[PendingChange]) -> None:
    """Names and readable values for showing the changes before they are published."""
    units = ReportingUnit.objects.in_bulk({c.unit_id for c in changes})
    indicators = Indicator.objects.in_bulk({c.indicator_id for c in changes})
    kinds = dict(IndicatorVersion.objects.filter(year=year).values_list("indicator_id", "kind"))
    for change in changes:
        kind = kinds.get(change.indicator_id, IndicatorVersion.Kind.INDICATOR)
        change.unit, change.indicator = units.get(change.unit_id), indicators.get(change.indicator_id)
        change.old_text = unit_value_text(change.old_value, kind=kind)
        change.new_text = unit_value_text(change.new_value, kind=kind)
    changes.sort(key=lambda c: (c.unit.code if c.unit else "", c.indicator.code if c.indicator else ""))


@transaction.atomic
def publish_year(*, year: int, user: User | None, reason: str = "", confirmed: bool = False,
                 now: datetime | None = None) -> Publication:  # fmt: skip
    """Publishes `year`: the first time (revision 1) every unit result is copied into the published
    values; later, a revision with a reason that updates the published values that differ from
    the current results and records each change.

    Refused while the year's round or a unit's extension is open; the warnings of
    publication_checks (units that have not checked, open flags) raise ConfirmationNeeded
    unless `confirmed`. After the commit, the hooks in settings.PUBLISHED_HOOKS are called with
    the year (reporting rebuilds the results files)."""
    now = now or timezone.now()
    reason = reason.strip()
    # Lock the year's publications so that two analysts publishing at once make two revisions in turn.
    list(Publication.objects.select_for_update().filter(year=year))
    checks = publication_checks(year=year, now=now)
    if checks.blockers:
        raise PublicationBlocked(" ".join(checks.blockers))
    if checks.warnings and not confirmed:
        raise ConfirmationNeeded(checks.warnings)
    plan = plan_publication(year=year)
    if plan.is_first and not plan.values:
        raise PublicationError(_("There are no results for %(year)d to publish.") % {"year": year})
    if not plan.is_first:
        if not reason:
            raise PublicationError(
                _("%(year)d is already published. Give the reason for the revision.") % {"year": year}
            )
        if not plan.changes:
            raise PublicationError(_("No value of %(year)d has changed since it was last published.") % {"year": year})
    publication = Publication.objects.create(
        year=year, revision=plan.revision, published_at=now, published_by=user, reason=reason
    )
    if plan.is_first:
        PublishedValue.objects.bulk_create(
            [
                PublishedValue(
                    year=year,
                    unit_id=r.unit_id,
                    indicator_id=r.indicator_id,
                    value=r.value,
                    source=r.source,
                    publication=publication,
                )
                for r in UnitResult.objects.filter(year=year).only("unit_id", "indicator_id", "value", "source")
            ],
            batch_size=2000,
        )
    else:
        _apply_changes(year=year, publication=publication, changes=plan.changes)
    record_event(
        "indicators.results.published",
        actor=user,
        year=year,
        revision=publication.revision,
        values=plan.values,
        changes=len(plan.changes),
        reason=reason,
        confirmed_warnings=checks.warnings,
    )
    for hook in settings.PUBLISHED_HOOKS:
        transaction.on_commit(partial(import_string(hook), year=year), robust=True)
    return publication


def _aggregate_changes(*, year: int, publication: Publication, changes: list[PendingChange],
                       before: dict[int, dict[int, Decimal | None]]) -> list[RevisionAggregateChange]:  # fmt: skip
    """The aggregates (country, counties, groups) whose numerator or denominator the changed unit
    values move: the published values before, and with the changes, tallied with the year's memberships."""
    after = {indicator_id: dict(values) for indicator_id, values in before.items()}
    for change in changes:
        values = after.setdefault(change.indicator_id, {})
        if change.source is None:
            values.pop(change.unit_id, None)
        else:
            values[change.unit_id] = change.new_value
    areas = areas_of_units([year])[year]
    aggregations = dict(IndicatorVersion.objects.filter(year=year).values_list("indicator_id", "aggregation"))
    rows = []
    for indicator_id in sorted(after):
        aggregation = aggregations.get(indicator_id, IndicatorVersion.Aggregation.SHARE)
        old = aggregate(before.get(indicator_id, {}), aggregation=aggregation, areas_of_unit=areas)
        new = aggregate(after[indicator_id], aggregation=aggregation, areas_of_unit=areas)
        for area in sorted(old.keys() | new.keys(), key=lambda a: (a.level, a.county_id or 0, a.group_id or 0)):
            was, now = old.get(area, Tally()), new.get(area, Tally())
            if (was.numerator, was.denominator) == (now.numerator, now.denominator):
                continue
            rows.append(
                RevisionAggregateChange(
                    publication=publication, indicator_id=indicator_id, level=area.level, county_id=area.county_id,
                    group_id=area.group_id, aggregation=aggregation, old_numerator=was.numerator,
                    old_denominator=was.denominator, new_numerator=now.numerator, new_denominator=now.denominator,
                )
            )  # fmt: skip
    return rows


def _apply_changes(*, year: int, publication: Publication, changes: list[PendingChange]) -> None:
    existing = {
        (v.unit_id, v.indicator_id): v
        for v in PublishedValue.objects.filter(year=year, indicator_id__in={c.indicator_id for c in changes})
    }
    before: dict[int, dict[int, Decimal | None]] = {}
    for (unit_id, indicator_id), value in existing.items():
        before.setdefault(indicator_id, {})[unit_id] = value.value
    RevisionAggregateChange.objects.bulk_create(
        _aggregate_changes(year=year, publication=publication, changes=changes, before=before), batch_size=2000
    )
    created, updated, removed = [], [], []
    for change in changes:
        value = existing.get((change.unit_id, change.indicator_id))
        if change.source is None:
            removed.append(value.pk)
        elif value is None:
            created.append(
                PublishedValue(
                    year=year,
                    unit_id=change.unit_id,
                    indicator_id=change.indicator_id,
                    value=change.new_value,
                    source=change.source,
                    publication=publication,
                )
            )
        else:
            value.value, value.source, value.publication = change.new_value, change.source, publication
            updated.append(value)
    PublishedValue.objects.filter(pk__in=removed).delete()
    PublishedValue.objects.bulk_create(created, batch_size=2000)
    PublishedValue.objects.bulk_update(updated, ["value", "source", "publication"], batch_size=2000)
    RevisionChange.objects.bulk_create(
        [
            RevisionChange(
                publication=publication,
                unit_id=c.unit_id,
                indicator_id=c.indicator_id,
                old_value=c.old_value,
                new_value=c.new_value,
            )
            for c in changes
        ],
        batch_size=2000,
    )
