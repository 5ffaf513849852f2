"""The short generated summary at the top of a unit's public page, in the way municipalities write
about their results ("Kalmar har en rutin för … men saknar rutin för …"): a pure function of the
unit's published values and the year's indicator versions.

Indicators are grouped into themes; each theme gives one sentence. An indicator of the catalogue
has a phrase for "fulfilled" and one for "not fulfilled" (PHRASES); an indicator not listed there
gets a generic phrase built from its title, so a new indicator needs no code to appear."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from indicators.models import IndicatorVersion
from indicators.selectors.results import plain_number


@dataclass(frozen=True)
class Theme:
    """How a theme's items become a sentence: `fulfilled` and `not_fulfilled` frame the joined items
    when all have the same value; with both, "<unit> <fulfilled> <but_not>"."""

    fulfilled: Promise | str
    not_fulfilled: Promise | str
    but_not: Promise | str


# Themes whose items are whole phrases ("har en rutin för …", "saknar rutin för …").
_PHRASES = Theme("%(items)s", "%(items)s", gettext_lazy("but %(items)s"))

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
        gettext_lazy("has agreements on cooperation in individual cases with %(items)s"),
        gettext_lazy("has no agreement on cooperation in individual cases with %(items)s"),
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
        gettext_lazy("lacks a routine for not disclosing protected personal data of adults"),
    ),
    "VINR02": (
        "routines",
        gettext_lazy(
            "has a current written routine, decided by management, for securing the schooling of "
            "children in sheltered housing"
        ),
        gettext_lazy("lacks a routine for securing the schooling of children in sheltered housing"),
    ),
    "VINR03": ("training", gettext_lazy("adults"), gettext_lazy("adults")),
    "VINR04": ("training", gettext_lazy("children"), gettext_lazy("children")),
    "VINR05": (
        "follow-up",
        gettext_lazy(
            "has followed up the results of interventions for adults systematically and used them to "
            "develop the service"
        ),
        gettext_lazy("does not follow up the results of interventions for adults systematically"),
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


def join_items(items: Sequence[str]) -> str:
    """Items joined as a list: a; a and b; a, b and c (in Swedish: a, b och c)."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


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


def unit_summary(
    *, unit_name: str, values: Mapping[str, Decimal | None], versions: Mapping[str, IndicatorVersion]
) -> list[str]:
    """Sentences about a unit's year: one per theme of indicators with a value, one per key figure
    with a value, and one about the indicators without a value. `values` are the unit's values by
    indicator code (a missing code is no value), `versions` the year's indicator versions."""
    themes: dict[str, tuple[list[str], list[str]]] = {}
    key_figures: list[str] = []
    without_value = 0
    for code in sorted(versions, key=_order):
        version, value = versions[code], values.get(code)
        if value is None:
            without_value += 1
        elif version.kind == IndicatorVersion.Kind.KEY_FIGURE:
            key_figures.append(
                _("%(title)s in %(unit)s: %(value)s.")
                % {"unit": unit_name, "title": version.title, "value": number_format(plain_number(value))}
            )
        else:
            theme, fulfilled, not_fulfilled = _phrases(code, version)
            yes, no = themes.setdefault(theme, ([], []))
            (yes if value == 1 else no).append(fulfilled if value == 1 else not_fulfilled)
    sentences = [_sentence(unit_name, THEMES[theme], yes, no) for theme, (yes, no) in themes.items()]
    sentences += key_figures
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


def _sentence(unit_name: str, theme: Theme, yes: list[str], no: list[str]) -> str:
    if yes and no:
        return _("%(unit)s %(fulfilled)s %(not_fulfilled)s.") % {
            "unit": unit_name,
            "fulfilled": str(theme.fulfilled) % {"items": join_items(yes)},
            "not_fulfilled": str(theme.but_not) % {"items": join_items(no)},
        }
    frame = theme.fulfilled if yes else theme.not_fulfilled
    return _("%(unit)s %(phrases)s.") % {"unit": unit_name, "phrases": str(frame) % {"items": join_items(yes or no)}}
