"""The unit's own check of its preliminary results, before publication: its respondents confirm
the values or flag one as wrong with a comment; a coordinator resolves a flag with an outcome
that the unit sees. Once a year is published its check is closed (corrections are revisions)."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from indicators.models import IndicatorVersion, ResultCheck
from indicators.selectors.checks import check_state
from survey.models import ReportingUnit


class CheckError(Exception):
    """Why a check cannot be recorded, in Swedish, for the person who tried."""


def _ensure_open_for_checks(*, unit: ReportingUnit, year: int, now: datetime) -> None:
    state = check_state(unit=unit, year=year, now=now)
    if state.publication is not None:
        raise CheckError(
            _("The results of %(year)s have been published, so the check before publication is closed. "
              "Contact the national coordinator if a published value is wrong.") % {"year": year}
        )  # fmt: skip
    if state.available_at is None:
        raise CheckError(_("The unit has no survey for %(year)s.") % {"year": year})
    if not state.available:
        raise CheckError(
            _("The preliminary results can be checked when the survey has closed, after %(closes)s.")
            % {"closes": formats.date_format(timezone.localtime(state.available_at), "DATETIME_FORMAT")}
        )


def _versions(year: int, codes: Iterable[str] | None) -> list[IndicatorVersion]:
    versions = IndicatorVersion.objects.filter(year=year).select_related("indicator")
    if codes is not None:
        codes = set(codes)
        versions = versions.filter(indicator__code__in=codes)
        found = {version.indicator.code for version in versions}
        if unknown := sorted(codes - found):
            raise CheckError(
                _("There is no indicator %(codes)s in %(year)s.") % {"codes": ", ".join(unknown), "year": year}
            )
    return list(versions)


@transaction.atomic
def confirm_results(
    *, unit: ReportingUnit, year: int, user: User, indicator_codes: Iterable[str] | None = None,
    now: datetime | None = None,
) -> int:  # fmt: skip
    """Confirms that the unit's preliminary values of `year` are right: all of them, or those of
    `indicator_codes`. An open flag stays open until a coordinator has resolved it; a resolved
    flag keeps its outcome. Returns the number of values confirmed."""
    now = now or timezone.now()
    _ensure_open_for_checks(unit=unit, year=year, now=now)
    versions = _versions(year, indicator_codes)
    checks = {
        check.indicator_id: check
        for check in ResultCheck.objects.select_for_update().filter(
            unit=unit, year=year, indicator__in=[v.indicator_id for v in versions]
        )
    }
    confirmed = []
    for version in versions:
        check = checks.get(version.indicator_id)
        if check is not None and check.status == ResultCheck.Status.FLAGGED:
            continue
        if check is None:
            check = ResultCheck(unit=unit, year=year, indicator=version.indicator)
        check.status, check.checked_by, check.checked_at = ResultCheck.Status.CONFIRMED, user, now
        check.save()
        confirmed.append(version.indicator.code)
    if confirmed:
        record_event("indicators.result.confirmed", actor=user, unit=unit, year=year, indicators=confirmed)
    return len(confirmed)


@transaction.atomic
def flag_result(
    *, unit: ReportingUnit, year: int, indicator_code: str, comment: str, user: User, now: datetime | None = None
) -> ResultCheck:
    """Flags the unit's preliminary value of an indicator as wrong; the comment says what is
    wrong and goes to the coordinators. A new flag replaces an earlier check of the value."""
    now = now or timezone.now()
    comment = comment.strip()
    if not comment:
        raise CheckError(_("Write what is wrong with the value."))
    _ensure_open_for_checks(unit=unit, year=year, now=now)
    (version,) = _versions(year, [indicator_code])
    check, _created = ResultCheck.objects.select_for_update().get_or_create(
        unit=unit, year=year, indicator=version.indicator,
        defaults={"status": ResultCheck.Status.FLAGGED, "checked_at": now},
    )  # fmt: skip
    check.status, check.comment, check.checked_by, check.checked_at = ResultCheck.Status.FLAGGED, comment, user, now
    check.resolution, check.resolved_by, check.resolved_at = "", None, None
    check.save()
    record_event(
        "indicators.result.flagged", actor=user, unit=unit, year=year, indicator=indicator_code, comment=comment
    )
    return check


@transaction.atomic
def resolve_flag(*, check: ResultCheck, resolution: str, user: User, now: datetime | None = None) -> ResultCheck:
    """Marks a flag resolved (e.g. after the part was reopened and corrected); the outcome is
    shown to the unit."""
    resolution = resolution.strip()
    if not resolution:
        raise CheckError(_("Write the outcome; it is shown to the unit."))
    check = ResultCheck.objects.select_for_update().select_related("unit", "indicator").get(pk=check.pk)
    if check.status != ResultCheck.Status.FLAGGED:
        raise CheckError(_("The value is not flagged, or the flag has already been resolved."))
    check.status, check.resolution = ResultCheck.Status.RESOLVED, resolution
    check.resolved_by, check.resolved_at = user, now or timezone.now()
    check.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    record_event(
        "indicators.result.resolved", actor=user, unit=check.unit, year=check.year, indicator=check.indicator.code,
        check=check.pk, resolution=resolution,
    )  # fmt: skip
    return check
