"""An independent reading of the generated summary (reporting/pages/summary.py): each Swedish
sentence is parsed back into claims about the unit, and each claim is checked against the unit's
own answers with this file's reading of the questions (not the indicator rules, nor the
generator's phrases). A sentence this reader cannot parse is a failure: nothing unverified may be
published. Also checks the Swedish grammar the summary must keep: a negated list takes "eller",
a positive one "och"; "på Gotland"."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

Answers = Mapping[str, str]


def yes(code: str) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(code) == "ja"


def no(code: str) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(code) == "nej"


def agreement_followed_up(actor: str) -> Callable[[Answers], bool]:
    """A written agreement with the actor (overensk) that was followed up (overensk_uppfoljd)."""
    return lambda answers: actor in answers.get("overensk", "").split() and actor in answers.get(
        "overensk_uppfoljd", ""
    ).split()


def agreement_not_followed_up(actor: str) -> Callable[[Answers], bool]:
    return lambda answers: actor in answers.get("overensk", "").split() and actor not in answers.get(
        "overensk_uppfoljd", ""
    ).split()


def negation(claim: Callable[[Answers], bool]) -> Callable[[Answers], bool]:
    return lambda answers: not claim(answers)


@dataclass(frozen=True)
class ListTheme:
    """A sentence "<unit> <yes frame> A, B och C men inte <prep> D eller E<tail>." and its all-no form."""

    yes_head: str
    no_head: str
    but_not: str
    tail: str
    items: dict[str, tuple[str, Callable[[Answers], bool]]]  # Swedish item: (indicator code, true when fulfilled)


ACTORS = {
    "kvinnojourer": ("VINR08A", "kvinnojour"), "polisen": ("VINR08B", "polis"),
    "primärvården": ("VINR08C", "primarvard"), "vuxenpsykiatrin": ("VINR08D", "vuxenpsykiatri"),
    "akutmottagningar": ("VINR08E", "akutmottagning"), "ungdomsmottagningar": ("VINR08F", "ungdomsmottagning"),
}  # fmt: skip

LIST_THEMES = [
    ListTheme(
        "har under det senaste året genomfört fortbildning om våld i nära relationer för handläggare som utreder ",
        "har inte under det senaste året genomfört fortbildning om våld i nära relationer för handläggare som utreder ",
        " men inte för handläggare som utreder ",
        "",
        {"vuxna": ("VINR03", yes("fortb_vuxna")), "barn": ("VINR04", yes("fortb_barn"))},
    ),
    ListTheme(
        "har använt enskildas uppfattning om kvaliteten för att utveckla ",
        "har inte använt enskildas uppfattning om kvaliteten för att utveckla ",
        " men inte ",
        "",
        {"myndighetsutövningen": ("VINR06", yes("uppf_myndighet")),
         "utförarverksamheten": ("VINR07", yes("uppf_utforare"))},
    ),  # fmt: skip
    ListTheme(
        "har en uppföljd överenskommelse om samverkan i enskilda ärenden med ",
        "saknar en uppföljd överenskommelse om samverkan i enskilda ärenden med ",
        " men inte med ",
        "",
        {name: (code, agreement_followed_up(actor)) for name, (code, actor) in ACTORS.items()},
    ),
    ListTheme(
        "erbjuder stödsamtal med biståndsbeslut till ",
        "erbjuder inte stödsamtal med biståndsbeslut till ",
        " men inte till ",
        " som utövar våld",
        {"kvinnor": ("VINR09", yes("stod_beslut_kvinnor")), "män": ("VINR10", yes("stod_beslut_man"))},
    ),
    ListTheme(
        "erbjuder stödsamtal utan biståndsbeslut till ",
        "erbjuder inte stödsamtal utan biståndsbeslut till ",
        " men inte till ",
        " som utövar våld",
        {"kvinnor": ("VINR11", yes("stod_service_kvinnor")), "män": ("VINR12", yes("stod_service_man"))},
    ),
]

# Whole statements: (indicator code, text, true when).
ROUTINE_STATEMENTS = [
    ("VINR01", "har en aktuell skriftlig rutin för att inte röja skyddade personuppgifter för våldsutsatta vuxna",
     yes("skydd_rutin")),
    ("VINR01", "saknar en aktuell skriftlig rutin för att inte röja skyddade personuppgifter för våldsutsatta vuxna",
     no("skydd_rutin")),
    ("VINR02", "har en aktuell skriftlig och på ledningsnivå beslutad rutin för att säkra skolgången för barn i "
     "skyddat boende", yes("skola_rutin")),
    ("VINR02", "saknar en aktuell skriftlig och på ledningsnivå beslutad rutin för att säkra skolgången för barn i "
     "skyddat boende", no("skola_rutin")),
]  # fmt: skip


def used_follow_up(answers: Answers) -> bool:
    return all(answers.get(code) == "ja" for code in ("su_foljt_upp", "su_sammanstallt", "su_anvant"))


FOLLOW_UP_YES = (
    "har systematiskt följt upp resultaten av insatser till vuxna, sammanställt dem på gruppnivå och använt "
    "sammanställningen för att utveckla verksamheten"
)
FOLLOW_UP_NO = (
    "har inte använt en sammanställning av systematiskt uppföljda resultat av insatser till vuxna för att utveckla "
    "verksamheten"
)
FOLLOW_UP_DETAILS = {
    " och har inte följt upp resultaten systematiskt": no("su_foljt_upp"),
    " men har följt upp resultaten, utan att sammanställa dem på gruppnivå": lambda a: a.get("su_foljt_upp") == "ja"
    and a.get("su_sammanstallt") == "nej",
    " men har följt upp och sammanställt resultaten": lambda a: a.get("su_foljt_upp") == "ja"
    and a.get("su_sammanstallt") == "ja" and a.get("su_anvant") != "ja",
}

SHARE = re.compile(r" \(riket: (\d+) procent\)")


class Unverified(AssertionError):
    pass


def split_list(text: str, conjunction: str) -> list[str]:
    """ "A, B och C" → [A, B, C]; the other conjunction in it is a grammar error."""
    other = " eller " if conjunction == " och " else " och "
    if other in text:
        kind = "negated" if conjunction == " eller " else "positive"
        raise Unverified(f"a {kind} list joined with {other!r}: {text}")
    head, _, last = text.rpartition(conjunction)
    return [*head.split(", "), last] if head else [text]


@dataclass
class Reading:
    unit: str
    answers: Answers
    year: int
    country: Mapping[str, Decimal | None]  # the country's whole percent by indicator code
    values: Mapping[str, Decimal | None]

    def check(self, sentences: list[str]) -> None:
        for sentence in sentences:
            self.check_sentence(sentence)

    def fail(self, sentence: str, why: str) -> None:
        raise Unverified(f"{self.unit} {self.year}: {why}\n  {sentence}\n  answers: {dict(self.answers)}")

    def items_with_shares(self, text: str, codes: Mapping[str, str], sentence: str) -> tuple[str, list[str]]:
        """The text without its "(riket: N procent)", after checking each N against the item before it."""
        for match in SHARE.finditer(text):
            before = text[: match.start()]
            item = next((name for name in sorted(codes, key=len, reverse=True) if before.endswith(name)), None)
            if item is None:
                self.fail(sentence, f"a share after something that is not a statement: {before[-40:]!r}")
            if self.country.get(codes[item]) != Decimal(match.group(1)):
                self.fail(sentence, f"the country's share of {codes[item]} is {self.country.get(codes[item])}")
        return SHARE.sub("", text), []

    def check_sentence(self, sentence: str) -> None:
        unit = self.unit
        if sentence == "Inom parentes: andelen av landets kommuner och stadsdelar som uppfyller indikatorn.":
            return
        if m := re.fullmatch(rf"{re.escape(unit)} har inget värde för (\d+) indikatorer? detta år\.", sentence):
            missing = sum(1 for value in self.values.values() if value is None)
            if int(m.group(1)) != missing:
                self.fail(sentence, f"{missing} indicators have no value")
            return
        if m := re.fullmatch(
            r"Under föregående år beviljades ([\d\u00a0 ]+) vuxna bistånd i form av skyddat boende (i|på) (.+?)"
            r"(?: \(hela riket: [\d\u00a0 ]+\))?\.",
            sentence,
        ):
            count = int(re.sub(r"\D", "", m.group(1)))
            if m.group(3) != unit or str(count) != self.answers.get("antal_skyddat_boende", "").strip():
                self.fail(sentence, "not the unit's answer")
            if 0 < count < 5:
                self.fail(sentence, "a count of 1–4 persons is published")
            if (m.group(2) == "på") != (unit == "Gotland" or unit in ("Öckerö", "Tjörn", "Orust")):
                self.fail(sentence, "i/på")
            return
        if m := re.fullmatch(r"Överenskommelsen med (.+) har inte följts upp under de senaste (\d+) månaderna\.", sentence) or \
                re.fullmatch(r"Överenskommelserna med (.+) har inte följts upp under de senaste (\d+) månaderna\.", sentence):  # noqa: E501
            names = split_list(m.group(1), " och ")
            if (len(names) > 1) != sentence.startswith("Överenskommelserna"):
                self.fail(sentence, "singular/plural")
            if int(m.group(2)) != (24 if self.year >= 2024 else 12):
                self.fail(sentence, "the period of the question that year")
            for name in names:
                if name not in ACTORS or not agreement_not_followed_up(ACTORS[name][1])(self.answers):
                    self.fail(sentence, f"no agreement with {name} that was not followed up")
            return
        if not sentence.startswith(unit + " "):
            self.fail(sentence, "a sentence this reading does not know")
        rest = sentence[len(unit) + 1 :]
        if not rest.endswith("."):
            self.fail(sentence, "no full stop")
        rest = rest[:-1]
        for theme in LIST_THEMES:
            if self.check_list(theme, rest, sentence):
                return
        if self.check_statements(rest, sentence):
            return
        self.fail(sentence, "a sentence this reading does not know")

    def check_list(self, theme: ListTheme, rest: str, sentence: str) -> bool:
        codes = {name: code for name, (code, _claim) in theme.items.items()}
        if rest.startswith(theme.no_head):
            text, _ = self.items_with_shares(rest[len(theme.no_head) :], codes, sentence)
            if not text.endswith(theme.tail):
                self.fail(sentence, "tail")
            self.claim(split_list(text[: len(text) - len(theme.tail)], " eller "), theme, False, sentence)
            return True
        if not rest.startswith(theme.yes_head):
            return False
        text, _ = self.items_with_shares(rest[len(theme.yes_head) :], codes, sentence)
        yes_part, _, no_part = text.partition(theme.but_not) if theme.tail == "" else (
            text.partition(theme.tail + theme.but_not)
        )  # fmt: skip
        if theme.tail and not no_part:
            if not yes_part.endswith(theme.tail):
                self.fail(sentence, "tail")
            yes_part = yes_part[: len(yes_part) - len(theme.tail)]
        self.claim(split_list(yes_part, " och "), theme, True, sentence)
        if no_part:
            self.claim(split_list(no_part, " eller "), theme, False, sentence)
        return True

    def claim(self, names: list[str], theme: ListTheme, fulfilled: bool, sentence: str) -> None:
        for name in names:
            if name not in theme.items:
                self.fail(sentence, f"an item this reading does not know: {name!r}")
            holds = theme.items[name][1](self.answers)
            if holds != fulfilled:
                self.fail(sentence, f"{name}: the answers say {'yes' if holds else 'no'}")

    def check_statements(self, rest: str, sentence: str) -> bool:
        statements = [(code, text, claim) for code, text, claim in ROUTINE_STATEMENTS]
        statements.append(("VINR05", FOLLOW_UP_YES, used_follow_up))
        statements.append(("VINR05", FOLLOW_UP_NO, negation(used_follow_up)))
        codes = {text: code for code, text, _claim in statements}
        text, _ = self.items_with_shares(rest, codes, sentence)
        if not any(text.startswith(t) for t in codes):
            return False
        starts = "|".join(re.escape(t) for t in codes)
        parts = re.split(rf" (?:men|och) (?={starts})", text)
        for part in parts:
            matched = [(t, claim) for _code, t, claim in statements if part.startswith(t)]
            if not matched:
                self.fail(sentence, f"a statement this reading does not know: {part!r}")
            statement, claim = max(matched, key=lambda pair: len(pair[0]))
            if not claim(self.answers):
                self.fail(sentence, f"false by the answers: {statement!r}")
            detail = part[len(statement) :]
            if detail:
                if statement != FOLLOW_UP_NO or detail not in FOLLOW_UP_DETAILS:
                    self.fail(sentence, f"an unknown addition: {detail!r}")
                if not FOLLOW_UP_DETAILS[detail](self.answers):
                    self.fail(sentence, f"false by the answers: {detail!r}")
        return True
