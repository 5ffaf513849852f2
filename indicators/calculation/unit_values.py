"""Unit values from answers: pure functions, no ORM (STYLE.md §2).

An indicator is 1 or 0 for a unit that submitted the indicator's part, and no value (None) for a
unit that did not. A question skipped as not relevant has no answer, so a rule that needs it is
false: 0, not empty. A key figure is the number its rule gives, or no value when there is none."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from survey.xlsform.expressions import Expression, parse

ONE, ZERO = Decimal(1), Decimal(0)


@dataclass(frozen=True)
class Definition:
    """What computing needs of an indicator version."""

    code: str
    kind: str  # "indicator" or "nyckeltal"
    part_code: str
    rule: str

    @property
    def expression(self) -> Expression:
        return parse(self.rule)


def _number(value: str | float | bool) -> Decimal | None:
    if isinstance(value, bool):
        return ONE if value else ZERO
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else Decimal(repr(value))
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def unit_value(definition: Definition, *, answers: Mapping[str, str], submitted_parts: set[str]) -> Decimal | None:
    if definition.part_code not in submitted_parts:
        return None
    if definition.kind == "nyckeltal":
        return _number(definition.expression.evaluate(answers))
    return ONE if definition.expression.is_true(answers) else ZERO


def unit_values(
    definitions: Iterable[Definition],
    *,
    answers: Mapping[int, Mapping[str, str]],
    submitted_parts: Mapping[int, set[str]],
    units: Iterable[int],
) -> dict[tuple[int, str], Decimal | None]:
    """Every definition for every unit: {(unit id, code): value}. Units without answers or
    submissions get no value for every indicator."""
    definitions = list(definitions)
    values = {}
    for unit in units:
        unit_answers, parts = answers.get(unit, {}), submitted_parts.get(unit, set())
        for definition in definitions:
            values[unit, definition.code] = unit_value(definition, answers=unit_answers, submitted_parts=parts)
    return values
