import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.xlsform.expressions import (
    Binary,
    Call,
    Current,
    ExpressionError,
    Literal,
    Negative,
    Reference,
    parse,
    to_boolean,
)

names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
option = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
answers = st.dictionaries(names, st.one_of(st.just(""), st.integers(-1000, 1000).map(str), option))
integers = st.integers(-10_000, 10_000)

leaves = st.one_of(
    integers.map(lambda n: Literal(float(abs(n)))),
    st.from_regex(r"[a-zA-Z0-9 _]{0,6}", fullmatch=True).map(Literal),
    names.map(Reference),
    st.just(Current()),
)


def extend(children: st.SearchStrategy) -> st.SearchStrategy:
    operators = ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
    return st.one_of(
        st.builds(Binary, st.sampled_from(operators), children, children),
        st.builds(Negative, children),
        st.builds(lambda node: Call("not", (node,)), children),
        st.builds(lambda a, b: Call("selected", (a, b)), children, children),
        st.builds(lambda node: Call("count-selected", (node,)), children),
        st.builds(lambda node: Call("string-length", (node,)), children),
    )


trees = st.recursive(leaves, extend, max_leaves=12)


@given(trees)
def test_printing_a_tree_and_parsing_it_again_gives_the_same_tree(tree):
    assert parse(str(tree)).tree == tree


@given(trees, answers, st.one_of(st.just(""), integers.map(str)))
def test_evaluation_never_fails_whatever_the_answers(tree, given_answers, current):
    value = parse(str(tree)).evaluate(given_answers, current)
    assert isinstance(value, str | float | bool)


@given(st.text(max_size=60))
def test_any_text_either_parses_or_gives_an_expression_error(text):
    try:
        parse(text)
    except ExpressionError as error:
        assert error.position is not None


@given(integers, integers)
def test_arithmetic_and_comparison_follow_numbers(a, b):
    values = {"a": str(a), "b": str(b)}
    assert parse("${a} + ${b}").evaluate(values) == a + b
    assert parse("${a} - ${b}").evaluate(values) == a - b
    assert parse("${a} * ${b}").evaluate(values) == a * b
    assert parse("${a} < ${b}").evaluate(values) is (a < b)
    assert parse("${a} >= ${b}").evaluate(values) is (a >= b)
    assert parse("${a} = ${b} + 0").evaluate(values) is (a == b)
    if b:
        assert parse("${a} div ${b}").evaluate(values) == pytest.approx(a / b)
        assert parse("${a} mod ${b}").evaluate(values) == math.fmod(a, b)


@given(st.lists(option, max_size=6), option)
def test_selected_and_count_selected_read_space_separated_choices(chosen, candidate):
    values = {"q": " ".join(chosen)}
    assert parse(f"selected(${{q}}, '{candidate}')").evaluate(values) is (candidate in chosen)
    assert parse("count-selected(${q})").evaluate(values) == len(chosen)


@given(trees, answers)
def test_not_not_is_the_truth_of_the_expression(tree, given_answers):
    assert parse(f"not(not({tree}))").evaluate(given_answers) is to_boolean(tree.evaluate(given_answers, ""))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${q} = ''", True),  # an empty answer compares like the empty string
        ("${q} != 'ja'", True),
        ("${q} > 0", False),  # and is neither greater …
        ("${q} < 0", False),  # … nor smaller than a number
        ("string-length(${q}) = 0", True),
        ("count-selected(${q})", 0.0),
        ("not(${q})", True),
    ],
)
def test_an_unanswered_question(expression, expected):
    assert parse(expression).evaluate({}) == expected


def test_the_rules_of_the_indicator_catalogue():
    vinr05 = parse("${su_foljt_upp} = 'ja' and ${su_sammanstallt} = 'ja' and ${su_anvant} = 'ja'")
    assert vinr05.is_true({"su_foljt_upp": "ja", "su_sammanstallt": "ja", "su_anvant": "ja"})
    assert not vinr05.is_true({"su_foljt_upp": "nej"})  # the later questions were skipped
    vinr08b = parse("selected(${overensk}, 'polis') and selected(${overensk_uppfoljd}, 'polis')")
    assert vinr08b.is_true({"overensk": "kvinnojour polis", "overensk_uppfoljd": "polis"})
    assert not vinr08b.is_true({"overensk": "polis", "overensk_uppfoljd": "kvinnojour"})
    assert vinr08b.references == {"overensk", "overensk_uppfoljd"}
    assert vinr08b.compared_options == {("overensk", "polis"), ("overensk_uppfoljd", "polis")}
    assert parse("${antal_skyddat_boende}").evaluate({"antal_skyddat_boende": "12"}) == "12"


def test_constraints_use_the_current_value():
    constraint = parse(". >= 0 and . <= 100000 and regex(., '^[0-9]+$')")
    assert constraint.is_true({}, current="250")
    assert not constraint.is_true({}, current="-3")
    assert not constraint.is_true({}, current="12a")
    ingen_alone = parse("not(selected(., 'ingen') and count-selected(.) > 1)")
    assert ingen_alone.is_true({}, current="polis kvinnojour")
    assert not ingen_alone.is_true({}, current="ingen polis")


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("${a} = ", "Uttrycket tar slut för tidigt", 7),
        ("${a} == 'ja'", "Oväntat '='", 6),
        ("eval('x')", "Okänd funktion 'eval'", 0),
        ("selected(${a})", "selected() tar 2 argument, inte 1", 0),
        ("${a} = 'ja", 'Oväntat tecken "\'"', 7),
        ("(${a} = 'ja'", "Väntade ')'", 12),
        ("", "Uttrycket är tomt", 0),
    ],
)
def test_errors_say_what_and_where_in_swedish(text, message, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.message == message
    assert caught.value.position == position


def test_deep_nesting_is_refused_not_crashing():
    with pytest.raises(ExpressionError):
        parse("(" * 1500 + "1" + ")" * 1500)


def test_a_choice_filter_offers_only_the_options_chosen_earlier():
    only_chosen = parse("selected(${overensk}, name)")
    answers = {"overensk": "polis kvinnojour"}
    offered = [
        name for name in ["kvinnojour", "polis", "primarvard"] if only_chosen.keeps_choice(answers, {"name": name})
    ]
    assert offered == ["kvinnojour", "polis"]
    assert only_chosen.fields == {"name"}
    assert only_chosen.references == {"overensk"}
