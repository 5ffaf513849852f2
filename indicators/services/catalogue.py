"""The indicator catalogue: loading definitions per year from indicators/data/indicators.csv,
the analysts' changes to a year's definition, and what the catalogue pages read.

A version that an analyst has changed in the UI (`updated_by` set) is kept by a later load
unless it is forced. Every rule is checked against its year's questionnaire where there is one."""

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.audit import record_event
from core.numbers import whole_number
from core.queue import QUEUE_DOWN_ERRORS, task
from core.tables import read_rows
from indicators.models import KEY_FIGURE_CONFIDENTIAL_BELOW, Indicator, IndicatorVersion
from indicators.selectors.rules import QuestionInfo, labelled, questions_of_year, rule_problems
from survey.models import SurveyRound
from survey.xlsform.expressions import ExpressionError, parse

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "indicators.csv"
COLUMNS = ("code", "kind", "part", "title_sv", "rule", "aggregation", "first_year", "last_year",
           "desired_direction", "comparability_note", "description_sv", "rule_text_sv")  # fmt: skip
# The most rows the catalogue may hold (core/workbooks.py; README, *Imports*); it has about 20.
CATALOGUE_ROWS = 2_000
# An optional column: empty or absent gives a sum (a count of persons) KEY_FIGURE_CONFIDENTIAL_BELOW,
# a share 0. A share counts units, never persons, so it takes no other threshold.
CONFIDENTIAL_COLUMN = "confidential_below"
SHARE_NOT_CONFIDENTIAL = gettext_lazy(
    "Only a count of persons (aggregation: sum) can be confidential; a share counts units, not persons. Use 0."
)
# The fields of a version an analyst edits, in the order of the form.
FIELDS = ("title", "description", "kind", "part_code", "rule", "rule_text", "aggregation", "desired_direction",
          "comparability_note", "confidential_below")  # fmt: skip
# Changing one of these changes the results, so the year is recomputed.
COMPUTING_FIELDS = {"kind", "part_code", "rule", "aggregation"}
Kind, Aggregation, Direction = IndicatorVersion.Kind, IndicatorVersion.Aggregation, IndicatorVersion.Direction
YEAR_NOTE = re.compile(r"^\s*(\d{4})\s*:\s*(.+)$", re.DOTALL)


class CatalogueError(Exception):
    """A catalogue file that cannot be loaded; nothing was stored."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class DefinitionRejected(Exception):
    """A change to a version that is refused: {field name: [messages]}."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("\n".join(message for messages in errors.values() for message in messages))
        self.errors = errors


@dataclass
class LoadReport:
    years: list[int] = field(default_factory=list)
    indicators: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # "VINR08B 2024": changed in the UI, not overwritten


@dataclass
class _Row:
    code: str
    first_year: int
    last_year: int | None
    notes: dict[int | None, str]  # year (None: every year) → note
    values: dict[str, Any]

    def version_values(self, year: int) -> dict[str, Any]:
        notes = [note for key, note in self.notes.items() if key in (None, year)]
        return {**self.values, "comparability_note": " ".join(notes)}


logger = logging.getLogger(__name__)


def recompute_year(*, year: int) -> None:
    """Queues the year's recomputation now (an analyst's change, who waits to see it). With the
    queue down, the hourly job catches up."""
    try:
        task("indicators.tasks.compute_indicators").delay(year)
    except QUEUE_DOWN_ERRORS:
        logger.warning("The task queue is unreachable; the indicators of %s are recomputed by the hourly job.", year)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _notes(text: str) -> dict[int | None, str]:
    """'2024: text' applies to 2024 only (the year the definition changed); a note without a
    year to every year. Several notes are separated by |."""
    notes: dict[int | None, str] = {}
    for part in filter(None, (part.strip() for part in text.split("|"))):
        match = YEAR_NOTE.match(part)
        year, note = (int(match.group(1)), match.group(2)) if match else (None, part)
        notes[year] = " ".join(filter(None, [notes.get(year, ""), _sentence(note)]))
    return notes


def _year(text: str) -> int | None:
    year = whole_number(text)
    return year if year is not None and 1900 < year < 3000 else None


def _read(path: Path) -> tuple[list[_Row], list[str]]:
    try:
        rows = read_rows(path.read_bytes(), path.name, max_rows=CATALOGUE_ROWS)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return [], [_("The catalogue %(name)s cannot be read: %(error)s") % {"name": path.name, "error": error}]
    missing = [column for column in COLUMNS if rows and column not in rows[0]]
    if not rows or missing:
        return [], [_("The catalogue lacks the columns %(columns)s.") % {"columns": ", ".join(missing or COLUMNS)}]
    parsed, problems, seen = [], [], set()
    for number, raw in enumerate(rows, start=2):
        row = {key: (value or "").strip() for key, value in raw.items() if key}
        found = []
        code = row["code"]
        if not code or code in seen:
            found.append(_("The code %(code)s is empty or repeated.") % {"code": code or "—"})
        seen.add(code)
        if row["kind"] not in Kind.values:
            found.append(_("The kind must be indicator or nyckeltal, not %(value)s.") % {"value": row["kind"] or "—"})
        if row["aggregation"] not in Aggregation.values:
            value = row["aggregation"] or "—"
            found.append(_("The aggregation must be share or sum, not %(value)s.") % {"value": value})
        if row["desired_direction"] not in Direction.values:
            value = row["desired_direction"]
            found.append(_("The desired direction must be up, down or empty, not %(value)s.") % {"value": value})
        elif row["kind"] == Kind.KEY_FIGURE and row["desired_direction"]:
            found.append(_("A key figure has no desired direction."))
        if not row["title_sv"] or not row["part"]:
            found.append(_("The title and the part are required."))
        threshold_text = row.get(CONFIDENTIAL_COLUMN, "")
        threshold = whole_number(threshold_text) if threshold_text else None
        if threshold_text and (threshold is None or not 0 <= threshold <= 1000):
            found.append(
                _("%(column)s must be empty or a whole number from 0 to 1000, not %(value)s.")
                % {"column": CONFIDENTIAL_COLUMN, "value": threshold_text}
            )
        if threshold is None:
            threshold = KEY_FIGURE_CONFIDENTIAL_BELOW if row["aggregation"] == Aggregation.SUM else 0
        elif threshold and row["aggregation"] != Aggregation.SUM:
            found.append(str(SHARE_NOT_CONFIDENTIAL))
        first, last = _year(row["first_year"]), _year(row["last_year"])
        if first is None or (row["last_year"] and (last is None or last < first)):
            found.append(_("first_year must be a year, and last_year empty or a year from first_year on."))
        problems += [_("Row %(row)d: %(problem)s") % {"row": number, "problem": problem} for problem in found]
        if found:
            continue
        values = {"title": row["title_sv"], "description": row["description_sv"], "kind": row["kind"],
                  "part_code": row["part"], "rule": row["rule"], "rule_text": row["rule_text_sv"],
                  "aggregation": row["aggregation"], "desired_direction": row["desired_direction"],
                  "confidential_below": threshold}  # fmt: skip
        parsed.append(_Row(code, first, last, _notes(row["comparability_note"]), values))  # type: ignore[arg-type]
    return parsed, problems


def latest_catalogue_year() -> int:
    """Where a catalogue row without last_year ends: this year, or a later round's year."""
    newest_round = SurveyRound.objects.aggregate(newest=Max("year"))["newest"] or 0
    return max(timezone.localdate().year, newest_round)


def load_catalogue(
    *, path: Path | None = None, years: Iterable[int] | None = None, user: User | None = None, force: bool = False
) -> LoadReport:
    """Creates or updates each indicator and its version for every year from first_year to
    last_year (or `latest_catalogue_year()`), only `years` if given. Safe to run again; versions
    an analyst has changed in the UI are kept unless `force`. The rules of years with a
    questionnaire are checked first: any problem refuses the whole load (CatalogueError)."""
    rows, problems = _read(path or CATALOGUE)
    if problems:
        raise CatalogueError(problems)
    wanted = set(years) if years is not None else None
    default_last = latest_catalogue_year()
    plan = [
        (row, year)
        for row in rows
        for year in range(row.first_year, (row.last_year or default_last) + 1)
        if wanted is None or year in wanted
    ]
    existing = {
        (version.indicator.code, version.year): version
        for version in IndicatorVersion.objects.filter(year__in={year for _row, year in plan}).select_related(
            "indicator"
        )
    }
    report = LoadReport(years=sorted({year for _row, year in plan}), indicators=len(rows))
    writes = []
    for row, year in plan:
        version = existing.get((row.code, year))
        if version is not None and version.updated_by_id is not None and not force:
            report.kept.append(f"{row.code} {year}")
            continue
        writes.append((row, year, version))
    problems = _rule_problems(writes)
    if problems:
        raise CatalogueError(problems)

    changed_years: set[int] = set()
    with transaction.atomic():
        indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
        for row in rows:
            if row.code not in indicators:
                indicators[row.code] = Indicator.objects.create(code=row.code)
        for row, year, version in writes:
            values = row.version_values(year)
            if version is None:
                IndicatorVersion.objects.create(indicator=indicators[row.code], year=year, **values)
                report.created += 1
                changed_years.add(year)
                continue
            changed = [name for name, value in values.items() if getattr(version, name) != value]
            if not changed and version.updated_by_id is None:
                report.unchanged += 1
                continue
            for name, value in values.items():
                setattr(version, name, value)
            version.updated_by = None
            version.save()
            report.updated += 1
            if COMPUTING_FIELDS & set(changed):
                changed_years.add(year)
        if report.created or report.updated:
            record_event(
                "indicators.catalogue.loaded",
                actor=user,
                years=report.years,
                created=report.created,
                updated=report.updated,
                kept=report.kept,
                force=force,
            )
        rounds = set(SurveyRound.objects.filter(year__in=changed_years).values_list("year", flat=True))
        for year in sorted(rounds):
            transaction.on_commit(partial(recompute_year, year=year))
    return report


def _rule_problems(writes: list[tuple["_Row", int, IndicatorVersion | None]]) -> list[str]:
    questionnaires: dict[int, dict[str, QuestionInfo] | None] = {}
    problems = []
    for row, year, _version in writes:
        if year not in questionnaires:
            questionnaires[year] = questions_of_year(year)
        questions = questionnaires[year]
        if questions is None:
            continue
        found = rule_problems(
            rule=row.values["rule"], kind=row.values["kind"], part_code=row.values["part_code"],
            questions=questions, year=year,
        )  # fmt: skip
        problems += labelled(f"{row.code} {year}", found)
    return problems


def _change_problems(version: IndicatorVersion, values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if values["kind"] == Kind.KEY_FIGURE and values["desired_direction"]:
        errors["desired_direction"] = [_("A key figure has no desired direction.")]
    if values["kind"] == Kind.INDICATOR and values["aggregation"] != Aggregation.SHARE:
        errors["aggregation"] = [_("An indicator is aggregated as the share of units that fulfil it.")]
    if values["confidential_below"] and values["aggregation"] != Aggregation.SUM:
        errors["confidential_below"] = [str(SHARE_NOT_CONFIDENTIAL)]
    questions = questions_of_year(version.year)
    if questions is not None:
        found = rule_problems(
            rule=values["rule"], kind=values["kind"], part_code=values["part_code"], questions=questions,
            year=version.year,
        )  # fmt: skip
    elif values["rule"].strip():
        # No questionnaire to check against, but a rule must still be readable.
        try:
            parse(values["rule"])
            found = []
        except ExpressionError as error:
            found = [
                _("The rule cannot be read at character %(position)d: %(error)s.")
                % {"position": (error.position or 0) + 1, "error": error.message}
            ]
    else:
        found = []
    if found:
        errors["rule"] = found
    return errors


@transaction.atomic
def change_version(*, version: IndicatorVersion, values: Mapping[str, Any], user: User) -> list[str]:
    """Saves an analyst's change to a year's definition and returns the names of the changed
    fields. The rule is checked against the year's questionnaire if there is one
    (DefinitionRejected otherwise). A change that affects results queues the year's recomputation."""
    values = {name: values.get(name, getattr(version, name)) for name in FIELDS}
    values = {name: value.strip() if isinstance(value, str) and name != "rule" else value
              for name, value in values.items()}  # fmt: skip
    errors = _change_problems(version, values)
    if errors:
        raise DefinitionRejected(errors)
    changes = {
        name: {"old": getattr(version, name), "new": value}
        for name, value in values.items()
        if getattr(version, name) != value
    }
    if not changes:
        return []
    for name in changes:
        setattr(version, name, values[name])
    version.updated_by = user
    version.save()
    record_event(
        "indicators.version.changed",
        actor=user,
        indicator=version.indicator.code,
        year=version.year,
        changes=changes,
    )
    if COMPUTING_FIELDS & set(changes):
        transaction.on_commit(partial(recompute_year, year=version.year))
    return list(changes)


# --- what the catalogue pages read ----------------------------------------------------------


@dataclass
class CatalogueRow:
    """An indicator in the catalogue list: its latest (or the chosen year's) title and kind, and its versions."""

    code: str
    title: str
    kind: str
    versions: list[IndicatorVersion]


def catalogue_years() -> list[int]:
    """Each year with a definition once, newest first (the model's ordering by indicator would make
    DISTINCT keep one row per indicator and year)."""
    return list(IndicatorVersion.objects.order_by("-year").values_list("year", flat=True).distinct())


def catalogue_rows(*, year: int | None = None) -> list[CatalogueRow]:
    """Every indicator with its versions (only `year`'s if given), in code order."""
    versions = IndicatorVersion.objects.order_by("year")
    if year is not None:
        versions = versions.filter(year=year)
    indicators = (
        Indicator.objects.filter(versions__in=versions)
        .distinct()
        .order_by("code")
        .prefetch_related(Prefetch("versions", queryset=versions, to_attr="listed"))
    )
    rows = []
    for indicator in indicators:
        latest = indicator.listed[-1]
        rows.append(CatalogueRow(indicator.code, latest.title, latest.get_kind_display(), indicator.listed))
    return rows


def year_questions(*, year: int, part_code: str | None = None) -> list[tuple[str, QuestionInfo]] | None:
    """The year's questions (of one part if given) for the rule editor; None without a questionnaire."""
    questions = questions_of_year(year)
    if questions is None:
        return None
    return [(code, info) for code, info in questions.items() if part_code is None or info.part_code == part_code]


def indicator_years(*, code: str) -> list[int]:
    return list(IndicatorVersion.objects.filter(indicator__code=code).order_by("year").values_list("year", flat=True))
