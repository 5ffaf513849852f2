"""Reads for the unit's own check of its preliminary results and for the coordinators' flag list.
Each is a fixed number of queries, whatever the number of indicators, units or flags."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import IndicatorVersion, Publication, PublishedValue, ResultCheck, UnitResult
from indicators.selectors.results import fulfilment_text
from survey.models import Answer, PartSubmission, Question, ReportingUnit, Response
from survey.selectors.questionnaire import question_specs
from survey.xlsform import form_logic
from survey.xlsform.expressions import ExpressionError, parse


@dataclass(frozen=True)
class CheckState:
    """Whether the unit's check of `year` can be seen and done."""

    response: Response | None  # None: the unit had no survey that year
    available_at: datetime | None  # when the preliminary results are shown (the response closes)
    available: bool
    publication: Publication | None  # the year's first publication: the check is closed


def check_state(*, unit: ReportingUnit, year: int, now: datetime | None = None) -> CheckState:
    now = now or timezone.now()
    response = Response.objects.select_related("round").filter(round__year=year, unit=unit).first()
    available_at = response.closes_at if response else None
    publication = Publication.objects.filter(year=year).order_by("revision").first()
    return CheckState(
        response=response,
        available_at=available_at,
        available=available_at is not None and available_at <= now,
        publication=publication,
    )


@dataclass(frozen=True)
class AnswerShown:
    """An answer behind a value: the question, and the answer as the respondent chose it."""

    code: str
    label: str
    text: str
    answered: bool


@dataclass
class CheckRow:
    code: str
    title: str
    kind: str
    kind_label: str
    rule_text: str
    comparability_note: str
    value: Decimal | None
    value_text: str  # "Uppfyllt", "Ej uppfyllt", a number, or "Inget värde"
    no_value_reason: str
    answers: list[AnswerShown] = field(default_factory=list)
    check: ResultCheck | None = None

    @property
    def fulfilled(self) -> bool | None:
        if self.value is None or self.kind != IndicatorVersion.Kind.INDICATOR:
            return None
        return self.value == 1


def _answer_text(question: Question, value: str) -> str:
    if question.type in (Question.Type.SELECT_ONE, Question.Type.SELECT_MULTIPLE):
        labels = {choice.value: choice.label for choice in question.choices.all()}
        return ", ".join(labels.get(option, option) for option in value.split())
    return value


def _referenced_codes(rule: str) -> set[str]:
    if not rule:
        return set()
    try:
        return parse(rule).references
    except ExpressionError:
        return set()


def unit_check_rows(*, unit: ReportingUnit, year: int) -> list[CheckRow]:
    """Per indicator version of `year`: the unit's preliminary value (or, once the year is
    published, its published value), the answers to the questions its rule names, and the
    unit's check of it."""
    versions = list(IndicatorVersion.objects.filter(year=year).select_related("indicator"))
    if Publication.objects.filter(year=year).exists():
        stored = PublishedValue.objects.filter(year=year, unit=unit)
    else:
        stored = UnitResult.objects.filter(year=year, unit=unit)
    values = dict(stored.values_list("indicator_id", "value"))
    checks = {check.indicator_id: check for check in ResultCheck.objects.filter(year=year, unit=unit)}

    response = Response.objects.filter(round__year=year, unit=unit).first()
    questions: list[Question] = []
    answers: dict[str, str] = {}
    submitted: set[str] = set()
    if response is not None:
        questions = list(
            Question.objects.filter(round_id=response.round_id).select_related("part").prefetch_related("choices")
        )
        answers = dict(Answer.objects.filter(response=response).values_list("question__code", "value"))
        submitted = set(PartSubmission.objects.filter(response=response).values_list("part__code", flat=True))
    by_code = {question.code: question for question in questions}
    order = {question.code: number for number, question in enumerate(questions)}
    relevant = form_logic.relevant_codes(question_specs(questions), answers) if questions else set()
    part_labels = {question.part.code: question.part.label for question in questions}

    rows = []
    for version in versions:
        code, kind = version.indicator.code, version.kind
        value = values.get(version.indicator_id)
        reason = ""
        if value is None:
            if version.part_code not in submitted:
                part = part_labels.get(version.part_code, version.part_code)
                reason = _("The part %(part)s has not been submitted.") % {"part": part}
            elif version.indicator_id not in values:
                reason = _("The value has not been computed yet.")
            else:
                reason = _("The answers give no number.")
        shown = []
        for question_code in sorted(_referenced_codes(version.rule), key=lambda c: order.get(c, len(order))):
            question = by_code.get(question_code)
            if question is None:
                continue
            given = answers.get(question_code, "")
            if given and question_code in relevant:
                text = _answer_text(question, given)
            elif question_code not in relevant:
                text = _("The question was not asked")
            else:
                text = _("Not answered")
            shown.append(AnswerShown(question_code, question.label, text, answered=bool(given)))
        rows.append(
            CheckRow(
                code=code, title=version.title, kind=kind, kind_label=version.get_kind_display(),
                rule_text=version.rule_text, comparability_note=version.comparability_note, value=value,
                value_text=fulfilment_text(value, kind=kind), no_value_reason=reason, answers=shown,
                check=checks.get(version.indicator_id),
            )
        )  # fmt: skip
    return rows


@dataclass
class FlagRow:
    check: ResultCheck
    title: str
    value_text: str
    response: Response | None


@dataclass
class FlagOverview:
    flags: list[FlagRow]  # open flags first, then resolved ones
    confirmed_units: int  # units that confirmed at least one value
    open_flags: int
    resolved_flags: int
    units: int = 0  # units with a survey that year
    checked_units: int = 0  # units that confirmed or flagged at least one value

    @property
    def unchecked_units(self) -> int:
        return self.units - self.checked_units


def flag_overview(*, year: int) -> FlagOverview:
    """The units' flags of `year` for the coordinators, with the counts of the check."""
    checks = list(
        ResultCheck.objects.filter(year=year)
        .select_related("unit", "unit__county", "indicator", "checked_by", "resolved_by")
        .order_by("unit__code", "indicator__code")
    )
    flagged = [check for check in checks if check.status != ResultCheck.Status.CONFIRMED]
    versions = {
        version.indicator_id: version
        for version in IndicatorVersion.objects.filter(year=year, indicator__in={c.indicator_id for c in flagged})
    }
    values = {
        (unit_id, indicator_id): value
        for unit_id, indicator_id, value in UnitResult.objects.filter(
            year=year, unit__in={c.unit_id for c in flagged}, indicator__in={c.indicator_id for c in flagged}
        ).values_list("unit_id", "indicator_id", "value")
    }
    responses = {
        response.unit_id: response
        for response in Response.objects.filter(round__year=year, unit__in={c.unit_id for c in flagged})
    }
    flagged.sort(key=lambda check: check.status != ResultCheck.Status.FLAGGED)
    rows = []
    for check in flagged:
        version = versions.get(check.indicator_id)
        kind = version.kind if version else IndicatorVersion.Kind.INDICATOR
        rows.append(
            FlagRow(
                check=check,
                title=version.title if version else check.indicator.code,
                value_text=fulfilment_text(values.get((check.unit_id, check.indicator_id)), kind=kind),
                response=responses.get(check.unit_id),
            )
        )
    statuses = Counter(check.status for check in checks)
    return FlagOverview(
        flags=rows,
        confirmed_units=len({check.unit_id for check in checks if check.status == ResultCheck.Status.CONFIRMED}),
        open_flags=statuses[ResultCheck.Status.FLAGGED],
        resolved_flags=statuses[ResultCheck.Status.RESOLVED],
        units=Response.objects.filter(round__year=year).count(),
        checked_units=len({check.unit_id for check in checks}),
    )
