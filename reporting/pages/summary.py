"""The short generated summary at the top of a unit's public page, in the way municipalities write
about their results ("Kalmar har en rutin för … men saknar …"), each statement with the country's
share as the published texts give it.

Nothing in it may be false about the unit. A phrase for "fulfilled" is true for every combination
of answers that gives the value 1 under the indicator's rule, and a phrase for "not fulfilled" for
every combination that gives 0: VINR05 = 0 says that the compiled follow-up was not *used*, since
a unit may well have followed up; VINR08B = 0 that there is no *followed-up* agreement with the
police, since there may be one not followed up. A detail (which step was missing, which agreement
was not followed up) is added only when the unit's own answers say so and agree with the value.
tests/reporting/test_summary_truth.py checks every sentence of every demo unit against its answers.

Indicators are grouped into themes; each theme gives one sentence. An indicator not in PHRASES
gets a generic phrase built from its title, so a new indicator needs no code to appear."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from indicators.models import IndicatorVersion
from indicators.selectors.results import plain_number

Answers = Mapping[str, str]  # the unit's answers of the year by question code ("" or missing: none)


@dataclass(frozen=True)
class Theme:
    """How a theme's items become a sentence: `fulfilled` and `not_fulfilled` frame the joined items
    when all have the same value; with both, "<unit> <fulfilled> <but_not>". Items under a negation
    are joined with "or" (Swedish: "inte … A, B eller C")."""

    fulfilled: Promise | str
    not_fulfilled: Promise | str
    but_not: Promise | str


# Themes whose items are whole phrases ("har en rutin för …", "saknar en rutin för …"): each item
# states its own fact, so they are joined with "and" whatever their value.
_PHRASES = Theme("%(items)s", "%(items)s", gettext_lazy("but %(items)s"))
WHOLE_PHRASES = {"routines", "follow-up", "other"}

THEMES: dict[str, Theme] = {
    "routines": _PHRASES,
    "training": Theme(
        gettext_lazy(
            "has given training in intimate partner violence in the last year to officers investigating %(items)s"
        ),
        gettext_lazy(
            "has not given training in intimate partner violence in the last year to officers investigating %(items)s"
        ),
        gettext_lazy("but not to officers investigating %(items)s"),
    ),
    "follow-up": _PHRASES,
    "clients-views": Theme(
        gettext_lazy("has used clients' views of the quality to develop %(items)s"),
        gettext_lazy("has not used clients' views of the quality to develop %(items)s"),
        gettext_lazy("but not %(items)s"),
    ),
    "agreements": Theme(
        gettext_lazy("has a followed-up agreement on cooperation in individual cases with %(items)s"),
        gettext_lazy("has no followed-up agreement on cooperation in individual cases with %(items)s"),
        gettext_lazy("but not with %(items)s"),
    ),
    "support-talks-decision": Theme(
        gettext_lazy("offers support talks with a formal decision to %(items)s who use violence"),
        gettext_lazy("does not offer support talks with a formal decision to %(items)s who use violence"),
        gettext_lazy("but not to %(items)s"),
    ),
    "support-talks-service": Theme(
        gettext_lazy("offers support talks without a formal decision to %(items)s who use violence"),
        gettext_lazy("does not offer support talks without a formal decision to %(items)s who use violence"),
        gettext_lazy("but not to %(items)s"),
    ),
    "other": _PHRASES,
}

# {indicator code: (theme, item when fulfilled, item when not)}, in the order of the sentences.
PHRASES: dict[str, tuple[str, Promise, Promise]] = {
    "VINR01": (
        "routines",
        gettext_lazy("has a current written routine for not disclosing protected personal data of adults"),
        gettext_lazy("lacks a current written routine for not disclosing protected personal data of adults"),
    ),
    "VINR02": (
        "routines",
        gettext_lazy(
            "has a current written routine, decided by management, for securing the schooling of "
            "children in sheltered housing"
        ),
        gettext_lazy(
            "lacks a current written routine decided by management for securing the schooling of children in "
            "sheltered housing"
        ),
    ),
    "VINR03": ("training", gettext_lazy("adults"), gettext_lazy("adults")),
    "VINR04": ("training", gettext_lazy("children"), gettext_lazy("children")),
    "VINR05": (
        "follow-up",
        gettext_lazy(
            "has followed up the results of interventions for adults systematically, compiled them at group level "
            "and used the compilation to develop the service"
        ),
        gettext_lazy(
            "has not used a compilation of systematically followed-up results of interventions for adults to "
            "develop the service"
        ),
    ),
    "VINR06": ("clients-views", gettext_lazy("the exercise of authority"), gettext_lazy("the exercise of authority")),
    "VINR07": ("clients-views", gettext_lazy("the provider services"), gettext_lazy("the provider services")),
    "VINR08A": ("agreements", gettext_lazy("women's shelters"), gettext_lazy("women's shelters")),
    "VINR08B": ("agreements", gettext_lazy("the police"), gettext_lazy("the police")),
    "VINR08C": ("agreements", gettext_lazy("primary care"), gettext_lazy("primary care")),
    "VINR08D": ("agreements", gettext_lazy("adult psychiatry"), gettext_lazy("adult psychiatry")),
    "VINR08E": ("agreements", gettext_lazy("emergency departments"), gettext_lazy("emergency departments")),
    "VINR08F": ("agreements", gettext_lazy("youth clinics"), gettext_lazy("youth clinics")),
    "VINR09": ("support-talks-decision", gettext_lazy("women"), gettext_lazy("women")),
    "VINR10": ("support-talks-decision", gettext_lazy("men"), gettext_lazy("men")),
    "VINR11": ("support-talks-service", gettext_lazy("women"), gettext_lazy("women")),
    "VINR12": ("support-talks-service", gettext_lazy("men"), gettext_lazy("men")),
}

# The answer option of `overensk` / `overensk_uppfoljd` behind each agreement indicator.
AGREEMENT_ACTORS = {
    "VINR08A": "kvinnojour", "VINR08B": "polis", "VINR08C": "primarvard", "VINR08D": "vuxenpsykiatri",
    "VINR08E": "akutmottagning", "VINR08F": "ungdomsmottagning",
}  # fmt: skip

# Municipalities one lives "on", not "in" (islands): "på Gotland", "på Öckerö".
ON_AN_ISLAND = {"Gotland", "Öckerö", "Tjörn", "Orust"}


def join_items(items: Sequence[str]) -> str:
    """Items joined as a list: a; a and b; a, b and c (in Swedish: a, b och c)."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def join_alternatives(items: Sequence[str]) -> str:
    """Items under a negation: a; a or b; a, b or c (Swedish: "inte … a, b eller c")."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s or %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def in_place(name: str) -> str:
    """ "in Kalmar", "on Gotland" (i Kalmar, på Gotland)."""
    return (_("on %(place)s") if name in ON_AN_ISLAND else _("in %(place)s")) % {"place": name}


def _phrases(code: str, version: IndicatorVersion) -> tuple[str, str, str]:
    if code in PHRASES:
        theme, fulfilled, not_fulfilled = PHRASES[code]
        return theme, str(fulfilled), str(not_fulfilled)
    title = version.title
    return (
        "other",
        _("fulfils the indicator “%(title)s”") % {"title": title},
        _("does not fulfil the indicator “%(title)s”") % {"title": title},
    )


def _order(code: str) -> tuple[int, str]:
    codes = list(PHRASES)
    return (codes.index(code) if code in codes else len(codes), code)


def _with_share(item: str, share: Decimal | None) -> str:
    if share is None:
        return item
    return _("%(item)s (the country: %(share)s per cent)") % {"item": item, "share": number_format(share)}


def _is_yes(answers: Answers, code: str) -> bool:
    return answers.get(code, "") == "ja"


def _is_no(answers: Answers, code: str) -> bool:
    return answers.get(code, "") == "nej"


def _follow_up_detail(answers: Answers) -> str:
    """Which step of VINR05 the unit's answers lack, or "" when they say nothing that fits a 0."""
    if _is_no(answers, "su_foljt_upp"):
        return str(_("and has not followed up the results systematically"))
    if _is_yes(answers, "su_foljt_upp") and _is_no(answers, "su_sammanstallt"):
        return str(_("but has followed up the results, without compiling them at group level"))
    if _is_yes(answers, "su_foljt_upp") and _is_yes(answers, "su_sammanstallt") and _is_no(answers, "su_anvant"):
        return str(_("but has followed up and compiled the results"))
    return ""


def _agreements_not_followed_up(codes: Sequence[str], answers: Answers, year: int) -> str:
    """A sentence naming the actors of `codes` (not fulfilled) with whom the unit has an agreement
    that it has not followed up, by its own answers; "" if none."""
    chosen = set(answers.get("overensk", "").split())
    followed = set(answers.get("overensk_uppfoljd", "").split())
    actors = [code for code in codes if AGREEMENT_ACTORS.get(code) in chosen - followed]
    if not actors:
        return ""
    months = 24 if year >= 2024 else 12  # the question's period (2017–2023: 12 months)
    names = join_items([str(PHRASES[code][2]) for code in actors])
    return ngettext(
        "The agreement with %(actors)s has not been followed up in the last %(months)d months.",
        "The agreements with %(actors)s have not been followed up in the last %(months)d months.",
        len(actors),
    ) % {"actors": names, "months": months}


def unit_summary(
    *,
    unit_name: str,
    values: Mapping[str, Decimal | None],
    versions: Mapping[str, IndicatorVersion],
    answers: Answers | None = None,
    country: Mapping[str, Decimal | None] | None = None,
    year: int = 0,
) -> list[str]:
    """Sentences about a unit's year: one per theme of indicators with a value, one per key figure
    with a value, and one about the indicators without a value. `values` are the unit's values by
    indicator code (a missing code is no value), `versions` the year's indicator versions,
    `answers` the unit's answers that year (for details; none: no details), `country` the
    country's whole percent (or sum) by code, shown beside each statement."""
    answers = answers or {}
    country = country or {}
    themes: dict[str, tuple[list[str], list[str], list[str]]] = {}  # yes items, no items, no codes
    key_figures: list[str] = []
    without_value = 0
    for code in sorted(versions, key=_order):
        version, value = versions[code], values.get(code)
        if value is None:
            without_value += 1
        elif version.kind == IndicatorVersion.Kind.KEY_FIGURE:
            key_figures.append(_key_figure(unit_name, code, version, value, country.get(code)))
        else:
            theme, fulfilled, not_fulfilled = _phrases(code, version)
            yes, no, no_codes = themes.setdefault(theme, ([], [], []))
            if value == 1:
                yes.append(_with_share(fulfilled, country.get(code)))
            else:
                detail = _follow_up_detail(answers) if code == "VINR05" else ""
                no.append(_with_share(not_fulfilled, country.get(code)) + (f" {detail}" if detail else ""))
                no_codes.append(code)
    sentences = []
    for theme, (yes, no, no_codes) in themes.items():
        sentences.append(_sentence(unit_name, theme, yes, no))
        if theme == "agreements":
            sentences.append(_agreements_not_followed_up(no_codes, answers, year))
    sentences = [sentence for sentence in sentences if sentence]
    stated = [c for c in versions if values.get(c) is not None and versions[c].kind != IndicatorVersion.Kind.KEY_FIGURE]
    if any(country.get(code) is not None for code in stated):
        sentences.append(
            str(_("In brackets: the share of the country's municipalities and city districts that fulfil it."))
        )
    sentences += [sentence for sentence in key_figures if sentence]
    if without_value:
        sentences.append(
            ngettext(
                "%(unit)s has no value for %(count)d indicator this year.",
                "%(unit)s has no value for %(count)d indicators this year.",
                without_value,
            )
            % {"unit": unit_name, "count": without_value}
        )
    return sentences


# Key figures said as a sentence; one not listed is said as "<title> i <unit>: <value>".
KEY_FIGURE_PHRASES: dict[str, Promise] = {
    "VINRN1": gettext_lazy(
        "In the year before, %(value)s adults were granted sheltered housing as assistance %(in_place)s"
    ),
}


def _whole(number: Decimal) -> str:
    return number_format(plain_number(number), force_grouping=True)  # 2 158


def _key_figure(unit_name: str, code: str, version: IndicatorVersion, value: Decimal, country: Decimal | None) -> str:
    if version.is_confidential(value):  # sekretess: so few persons could be recognised
        return ""
    words = {"title": version.title, "in_place": in_place(unit_name), "value": _whole(value)}
    phrase = KEY_FIGURE_PHRASES.get(code)
    text = str(phrase) % words if phrase else _("%(title)s %(in_place)s: %(value)s") % words
    if country is not None and not version.is_confidential(country):
        text += _(" (the whole country: %(value)s)") % {"value": _whole(country)}
    return text + "."


def _sentence(unit_name: str, theme_code: str, yes: list[str], no: list[str]) -> str:
    theme = THEMES[theme_code]
    join_no: Callable[[Sequence[str]], str] = join_items if theme_code in WHOLE_PHRASES else join_alternatives
    if yes and no:
        return _("%(unit)s %(fulfilled)s %(not_fulfilled)s.") % {
            "unit": unit_name,
            "fulfilled": str(theme.fulfilled) % {"items": join_items(yes)},
            "not_fulfilled": str(theme.but_not) % {"items": join_no(no)},
        }
    frame, items = (theme.fulfilled, join_items(yes)) if yes else (theme.not_fulfilled, join_no(no))
    return _("%(unit)s %(phrases)s.") % {"unit": unit_name, "phrases": str(frame) % {"items": items}}
