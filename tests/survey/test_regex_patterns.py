"""regex() in constraints and indicator rules runs on RE2, in time linear in the text: a pattern
that makes a backtracking engine explode ('^(a+)+$') answers at once, and a pattern RE2 cannot
take (a backreference, lookaround) is refused, naming it and why, when the questionnaire is read."""

import time

import pytest

from survey.xlsform.expressions import ExpressionError, parse
from survey.xlsform.parser import XLSFormInvalid, read_xlsform
from tests.survey.test_load_questionnaire import markdown_form

# Python's re needs about 3**n steps for n letters a: 25 took ~8 s on the machine of the issue,
# 40 never ends (a thread cannot time it out, the match holds the GIL), so the test measures.
EXPLODING = "a" * 25 + "!"


def seconds(function) -> float:  # noqa: ANN001
    start = time.monotonic()
    function()
    return time.monotonic() - start


def test_a_catastrophic_pattern_answers_at_once():
    constraint = parse("regex(., '^(a+)+$')")
    assert seconds(lambda: constraint.is_true({}, current=EXPLODING)) < 2
    assert not constraint.is_true({}, current=EXPLODING)
    assert constraint.is_true({}, current="aaaa")
    rule = parse(f"regex('{EXPLODING}', '^(a+)+$')")  # as the analyst's rule of the issue
    assert seconds(lambda: rule.evaluate({})) < 2


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("^[0-9]+$", "250", True),
        ("[0-9]", "a1b", True),  # a match anywhere, as before: search, not fullmatch
        ("^\\w+$", "Göran", True),  # \w, \d and \s are Unicode classes, as in Python's re
        ("^\\w+$", "Anna-Lena", False),
        ("^[\\w ]+$", "Åsa Öberg", True),
        ("\\s", "a\u00a0b", True),
        ("^\\d+$", "12", True),
        ("^[^@ ]+@[^@ ]+\\.[^@ ]+$", "anna.lind@kalmar.se", True),
        ("(?i)^ja$", "JA", True),
        ("^ja\\Z", "ja", True),
    ],
)
def test_patterns_match_as_before(pattern, value, expected):
    assert parse(f"regex(., '{pattern}')").is_true({}, current=value) is expected


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("^(a)\\1$", "bakåtreferenser (som \\1) stöds inte"),
        ("(?P<x>a)(?P=x)", "bakåtreferenser (som \\1) stöds inte"),
        ("^a(?=b)", "framåt- och bakåtblickar (som (?=…) eller (?<!…)) stöds inte"),
        ("(?<!a)b", "framåt- och bakåtblickar (som (?=…) eller (?<!…)) stöds inte"),
        ("(ab", "det är inget giltigt mönster (missing ): (ab)"),
    ],
)
def test_a_pattern_re2_cannot_take_is_refused_when_parsed(pattern, reason):
    with pytest.raises(ExpressionError) as caught:
        parse(f"${{q}} = 'x' or regex(${{q}}, '{pattern}')")
    assert caught.value.message == f"Mönstret ”{pattern}” kan inte användas: {reason}"
    assert caught.value.position == 14


@pytest.mark.django_db
def test_a_questionnaire_with_a_backreference_constraint_is_refused():
    rows = ["begin group | p | P | | |", "text | x | X | | regex(., '^(.)\\1$') |", "end group | | | | |"]
    with pytest.raises(XLSFormInvalid) as caught:
        read_xlsform(markdown_form(rows), "fel.md")
    assert (
        "blad survey, rad 3, kolumn constraint: Mönstret ”^(.)\\1$” kan inte användas: "
        "bakåtreferenser (som \\1) stöds inte (vid tecken 1)"
    ) in [str(error) for error in caught.value.errors]
