"""The one evaluator of the XLSForm expression subset used by skip logic (`relevant`),
constraints and indicator rules.

An expression is parsed once into a tree of small node objects and evaluated against a
mapping of answers; nothing is ever passed to `eval`. Values follow XPath 1.0, as ODK does:
answers are strings (a select_multiple is space-separated, an unanswered question is the
empty string), `=` compares as numbers when one side is a number, `<` and arithmetic always
compare numbers, and a string that is not a number counts as NaN, so that an empty answer is
neither greater nor smaller than anything.

Supported: ${name}, 'string' and "string", numbers, `.` (the value under test, in
constraints), bare column names of an answer option (in a choice_filter, e.g. `name`),
= != < <= > >=, and, or, + - * div mod, unary minus, parentheses, and the functions not(),
selected(), count-selected(), string-length(), if(), true(), false() and regex() (on RE2, linear
in time; see `_compiled`).
"""

import math
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import re2
from django.utils.translation import gettext as _

Value = str | float | bool
Answers = Mapping[str, str]

MAX_LENGTH = 2000
_CHOICE: ContextVar[Mapping[str, str] | None] = ContextVar("choice", default=None)


class ExpressionError(ValueError):
    """An expression that cannot be parsed; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# --- conversions (XPath 1.0) ---------------------------------------------------------------


def to_number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    text = value.strip()
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
        return math.nan
    return float(text)


def to_boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def to_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else repr(value)
    return value


# --- the tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: str | float

    def evaluate(self, answers: Answers, current: str) -> Value:
        return self.value

    def __str__(self) -> str:
        if isinstance(self.value, float):
            return to_string(self.value)
        quote = "'" if "'" not in self.value else '"'
        return f"{quote}{self.value}{quote}"


@dataclass(frozen=True)
class Reference:
    name: str

    def evaluate(self, answers: Answers, current: str) -> Value:
        return answers.get(self.name) or ""

    def __str__(self) -> str:
        return "${" + self.name + "}"


@dataclass(frozen=True)
class Field:
    """A bare name: a column of the answer option under test, in a choice_filter."""

    name: str

    def evaluate(self, answers: Answers, current: str) -> Value:
        return (_CHOICE.get() or {}).get(self.name, "")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Current:
    def evaluate(self, answers: Answers, current: str) -> Value:
        return current

    def __str__(self) -> str:
        return "."


@dataclass(frozen=True)
class Negative:
    operand: "Node"

    def evaluate(self, answers: Answers, current: str) -> Value:
        return -to_number(self.operand.evaluate(answers, current))

    def __str__(self) -> str:
        return f"-({self.operand})"


def _equals(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, float) or isinstance(right, float):
        return to_number(left) == to_number(right)
    return left == right


def _divide(left: float, right: float) -> float:
    if right == 0:
        if left == 0 or math.isnan(left):
            return math.nan
        return math.copysign(math.inf, left) * math.copysign(1, right)
    return left / right


def _modulo(left: float, right: float) -> float:
    if right == 0 or math.isnan(left) or math.isnan(right) or math.isinf(left):
        return math.nan
    return math.fmod(left, right)  # XPath's mod keeps the sign of the dividend


COMPARISONS: dict[str, Callable[[Value, Value], bool]] = {
    "=": _equals,
    "!=": lambda left, right: not _equals(left, right),
    "<": lambda left, right: to_number(left) < to_number(right),
    "<=": lambda left, right: to_number(left) <= to_number(right),
    ">": lambda left, right: to_number(left) > to_number(right),
    ">=": lambda left, right: to_number(left) >= to_number(right),
}
ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda left, right: left + right,
    "-": lambda left, right: left - right,
    "*": lambda left, right: left * right,
    "div": _divide,
    "mod": _modulo,
}


@dataclass(frozen=True)
class Binary:
    operator: str
    left: "Node"
    right: "Node"

    def evaluate(self, answers: Answers, current: str) -> Value:
        if self.operator == "and":
            return to_boolean(self.left.evaluate(answers, current)) and to_boolean(
                self.right.evaluate(answers, current)
            )
        if self.operator == "or":
            return to_boolean(self.left.evaluate(answers, current)) or to_boolean(self.right.evaluate(answers, current))
        left, right = self.left.evaluate(answers, current), self.right.evaluate(answers, current)
        if self.operator in COMPARISONS:
            return COMPARISONS[self.operator](left, right)
        return ARITHMETIC[self.operator](to_number(left), to_number(right))

    def __str__(self) -> str:
        return f"({self.left} {self.operator} {self.right})"


def _selected(values: Value, choice: Value) -> bool:
    return to_string(choice).strip() in to_string(values).split()


# regex() runs on RE2, whose time is linear in the text, so no pattern can run away (Python's `re`
# backtracks: '^(a+)+$' on forty characters pins a worker). RE2 takes no backreference and no
# lookaround; a literal pattern it cannot take is refused when the expression is parsed (the
# questionnaire is loaded, a rule saved), and one built from answers matches nothing.
# The semantics stay those of Python's `re` on text, which the evaluator used before: search (the
# pattern may match anywhere, as XPath's matches()), and \w, \d and \s are Unicode classes
# (RE2's are ASCII: å, ä and ö would not be letters); \b stays RE2's ASCII word boundary, and `$`
# matches only at the very end of the text (Python's also before a final newline).
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False
_WORD, _DIGIT, _SPACE = r"\p{L}\p{N}_", r"\p{Nd}", r"\t-\r\x{1c}-\x{20}\x{85}\p{Z}"
_OUTSIDE = {
    **{"w": f"[{_WORD}]", "W": f"[^{_WORD}]", "d": _DIGIT, "D": r"\P{Nd}", "s": f"[{_SPACE}]", "S": f"[^{_SPACE}]"},
    "Z": r"\z",  # Python's end of text; RE2 spells it \z
}
_INSIDE = {"w": _WORD, "d": _DIGIT, "D": r"\P{Nd}", "s": _SPACE}  # \W and \S in a class stay RE2's


class PatternError(ValueError):
    """A pattern RE2 cannot take; the message names the pattern and why."""


def _unicode_classes(pattern: str) -> str:
    out, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            out.append((_INSIDE if in_class else _OUTSIDE).get(escaped, char + escaped))
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if pattern[index + 1 : index + 2] == "^":
                out.append("^")
                index += 1
            if pattern[index + 1 : index + 2] == "]":  # a ] first in a class is a character
                out.append("]")
                index += 1
        else:
            in_class = in_class and char != "]"
            out.append(char)
        index += 1
    return "".join(out)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> "re2._Regexp":
    """The pattern for RE2; raises PatternError (a Swedish message) for one RE2 cannot take."""
    try:
        return re2.compile(_unicode_classes(pattern), _RE2_OPTIONS)
    except re2.error as error:
        reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        if re.search(r"escape sequence: \\[1-9]|operator: \(\?P(?!<)", reason):
            why = _("backreferences (such as \\1) are not supported")
        elif re.search(r"operator: \(\?(=|!|<=|<!)", reason):
            why = _("lookahead and lookbehind (such as (?=…) or (?<!…)) are not supported")
        else:
            why = _("it is not a valid pattern (%(reason)s)") % {"reason": reason}
        message = _("The pattern “%(pattern)s” cannot be used: %(why)s") % {"pattern": pattern, "why": why}
        raise PatternError(message) from None


def check_pattern(node: "Node", position: int) -> None:
    """Refuses a literal regex() pattern RE2 cannot take, where the expression is parsed."""
    if isinstance(node, Literal) and isinstance(node.value, str):
        try:
            _compiled(node.value)
        except PatternError as error:
            raise ExpressionError(str(error), position) from None


def _regex(value: Value, pattern: Value) -> bool:
    try:
        return _compiled(to_string(pattern)).search(to_string(value)) is not None
    except PatternError:
        return False


FUNCTIONS: dict[str, tuple[int, Callable[..., Value]]] = {
    "not": (1, lambda value: not to_boolean(value)),
    "true": (0, lambda: True),
    "false": (0, lambda: False),
    "if": (3, lambda condition, then, otherwise: then if to_boolean(condition) else otherwise),
    "selected": (2, _selected),
    "count-selected": (1, lambda value: float(len(to_string(value).split()))),
    "string-length": (1, lambda value: float(len(to_string(value)))),
    "regex": (2, _regex),
}


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple["Node", ...]

    def evaluate(self, answers: Answers, current: str) -> Value:
        values = [argument.evaluate(answers, current) for argument in self.arguments]
        return FUNCTIONS[self.function][1](*values)

    def __str__(self) -> str:
        return f"{self.function}({', '.join(str(argument) for argument in self.arguments)})"


Node = Literal | Reference | Field | Current | Negative | Binary | Call


# --- parsing -------------------------------------------------------------------------------

TOKEN = re.compile(
    r"""\s*(?:
        (?P<reference>\$\{(?P<name>[^\W\d][\w.-]*)\})
      | (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<operator>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
      | (?P<word>[^\W\d][\w-]*)
      | (?P<dot>\.)
    )""",
    re.VERBOSE,
)
TOKEN_KINDS = ("reference", "number", "string", "operator", "word", "dot")
WORD_OPERATORS = {"and", "or", "div", "mod"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens, position = [], 0
    while text[position:].strip():
        match = TOKEN.match(text, position)
        if not match:
            start = len(text) - len(text[position:].lstrip())
            raise ExpressionError(_("Unexpected character %(char)s") % {"char": repr(text[start])}, start)
        kind = next(kind for kind in TOKEN_KINDS if match.group(kind) is not None)
        value = match.group("name") if kind == "reference" else match.group(kind)
        if kind == "word" and value in WORD_OPERATORS:
            kind = "operator"
        tokens.append(Token(kind, value, match.start(kind)))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def take(self, *operators: str) -> str | None:
        if self.token.kind == "operator" and self.token.text in operators:
            self.index += 1
            return self.tokens[self.index - 1].text
        return None

    def expect(self, operator: str) -> None:
        if not self.take(operator):
            raise ExpressionError(_("Expected %(token)s") % {"token": repr(operator)}, self.token.position)

    def parse(self) -> Node:
        node = self.binary(0)
        if self.token.kind != "end":
            raise ExpressionError(_("Unexpected %(token)s") % {"token": repr(self.token.text)}, self.token.position)
        return node

    LEVELS = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"))

    def binary(self, level: int) -> Node:
        if level == len(self.LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while operator := self.take(*self.LEVELS[level]):
            node = Binary(operator, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        if self.take("-"):
            return Negative(self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.token
        self.index += 1
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "string":
            return Literal(token.text[1:-1])
        if token.kind == "reference":
            return Reference(token.text)
        if token.kind == "dot":
            return Current()
        if token.kind == "operator" and token.text == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        if token.kind == "word" and not (self.token.kind == "operator" and self.token.text == "("):
            return Field(token.text)
        if token.kind == "word":
            if token.text not in FUNCTIONS:
                raise ExpressionError(_("Unknown function %(name)s") % {"name": repr(token.text)}, token.position)
            self.expect("(")
            arguments: list[Node] = []
            if not self.take(")"):
                arguments.append(self.binary(0))
                while self.take(","):
                    arguments.append(self.binary(0))
                self.expect(")")
            arity = FUNCTIONS[token.text][0]
            if len(arguments) != arity:
                raise ExpressionError(
                    _("%(name)s() takes %(arity)d argument(s), not %(count)d")
                    % {"name": token.text, "arity": arity, "count": len(arguments)},
                    token.position,
                )
            if token.text == "regex":
                check_pattern(arguments[1], token.position)
            return Call(token.text, tuple(arguments))
        if token.kind == "end":
            raise ExpressionError(_("The expression ends too early"), token.position)
        raise ExpressionError(_("Unexpected %(token)s") % {"token": repr(token.text)}, token.position)


def _fields(node: Node) -> set[str]:
    if isinstance(node, Field):
        return {node.name}
    if isinstance(node, Negative):
        return _fields(node.operand)
    if isinstance(node, Binary):
        return _fields(node.left) | _fields(node.right)
    if isinstance(node, Call):
        return set().union(*(_fields(argument) for argument in node.arguments))
    return set()


def _references(node: Node) -> set[str]:
    if isinstance(node, Reference):
        return {node.name}
    if isinstance(node, Negative):
        return _references(node.operand)
    if isinstance(node, Binary):
        return _references(node.left) | _references(node.right)
    if isinstance(node, Call):
        return set().union(*(_references(argument) for argument in node.arguments))
    return set()


def _selected_literals(node: Node) -> set[tuple[str, str]]:
    """(question, option) pairs named in selected(${q}, 'option') calls, for checking option names."""
    found: set[tuple[str, str]] = set()
    if isinstance(node, Call):
        first, *rest = node.arguments or (None,)
        if node.function == "selected" and isinstance(first, Reference) and isinstance(rest[0], Literal):
            found.add((first.name, to_string(rest[0].value)))
        for argument in node.arguments:
            found |= _selected_literals(argument)
    elif isinstance(node, Binary):
        found = _selected_literals(node.left) | _selected_literals(node.right)
        if node.operator in ("=", "!="):
            for one, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(one, Reference) and isinstance(other, Literal) and isinstance(other.value, str):
                    found.add((one.name, other.value))
    elif isinstance(node, Negative):
        found = _selected_literals(node.operand)
    return found


@dataclass(frozen=True)
class Expression:
    """A parsed expression: evaluate it as often as needed against different answers."""

    source: str
    tree: Node

    @property
    def references(self) -> set[str]:
        return _references(self.tree)

    @property
    def fields(self) -> set[str]:
        """Bare names (choice columns); only a choice_filter may use them."""
        return _fields(self.tree)

    @property
    def compared_options(self) -> set[tuple[str, str]]:
        return _selected_literals(self.tree)

    def evaluate(self, answers: Answers, current: str = "") -> Value:
        return self.tree.evaluate(answers, current)

    def is_true(self, answers: Answers, current: str = "") -> bool:
        return to_boolean(self.evaluate(answers, current))

    def keeps_choice(self, answers: Answers, choice: Mapping[str, str]) -> bool:
        """For a choice_filter: is the option with these columns (`name`, …) offered?"""
        token = _CHOICE.set(choice)
        try:
            return self.is_true(answers)
        finally:
            _CHOICE.reset(token)

    def __str__(self) -> str:
        return str(self.tree)


@lru_cache(maxsize=4096)
def parse(text: str) -> Expression:
    """Parses `text` once (cached); raises ExpressionError with the position of the problem."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_("The expression is longer than %(max)d characters") % {"max": MAX_LENGTH}, MAX_LENGTH)
    if not text.strip():
        raise ExpressionError(_("The expression is empty"), 0)
    try:
        return Expression(text, _Parser(text).parse())
    except RecursionError:
        raise ExpressionError(_("The expression is nested too deeply"), 0) from None
