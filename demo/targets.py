"""What the demo's answers aim at: national shares close to the published figures of DOMAIN.md.

The table holds, per indicator, its share in percent of the units that submitted the VINR part
for some years: the published national figures (marked *) and, where nothing is published, a
plausible trend; years in between are interpolated linearly, years before the first and after the
last are held level. `yes_share(year)` turns the year's targets into the per-question shares that
`demo.seeding` draws answers with (the indicator rules are in the catalogue,
shared/reference/indicators.csv; this module knows only the questions, as the survey app must not
import the indicators app):

- a yes/no indicator (VINR01–04, 06, 07, 09–12) is its question's share of "ja";
- VINR05 (su_foljt_upp ∧ su_sammanstallt ∧ su_anvant, each asked only after a "ja" to the one
  before) is the product of three conditional shares: followed up × compiled × used;
- VINR08x (an agreement with actor x that was also followed up) is the share of units that tick x
  in `overensk` × the share of those that tick x again in `overensk_uppfoljd`. From 2024 a
  follow-up within 24 months counts instead of 12, so more agreements count as followed up.

A unit that ticks no actor answers "ingen" (so its share here is 0: it is never drawn together
with an actor)."""

from collections.abc import Mapping

from demo.seeding import YesShare

# Percent of the units that submitted the VINR part; * = published national figure (DOMAIN.md).
TARGETS: dict[str, dict[int, float]] = {
    "skydd_rutin": {2017: 25, 2018: 35, 2021: 42, 2025: 48},  # VINR01: 2017*, 2018*
    "skola_rutin": {2016: 16, 2017: 14, 2018: 15, 2019: 22, 2020: 21, 2023: 28, 2024: 34, 2025: 36},  # VINR02: *
    "fortb_vuxna": {2016: 84, 2017: 88, 2018: 93, 2019: 95, 2020: 96},  # VINR03: all *
    "fortb_barn": {2016: 79, 2017: 78, 2018: 86, 2019: 92, 2020: 94},  # VINR04: all *
    "VINR05": {2016: 11, 2017: 9, 2018: 10, 2019: 8, 2023: 10, 2025: 11},  # 2016–2019*
    "uppf_myndighet": {2019: 12, 2023: 11, 2024: 14, 2025: 15},  # VINR06: 2019*, 2023*, 2024*
    "uppf_utforare": {2019: 11, 2023: 15, 2024: 18, 2025: 19},  # VINR07: 2019*, 2023*, 2024*
    "kvinnojour": {2017: 33, 2024: 37},  # VINR08A: *
    "polis": {2017: 21, 2024: 28},  # VINR08B: 2024*
    "primarvard": {2017: 13, 2024: 19},  # VINR08C: 2024*
    "vuxenpsykiatri": {2017: 12, 2024: 18},  # VINR08D: 2024*
    "akutmottagning": {2017: 20, 2024: 14},  # VINR08E: *
    "ungdomsmottagning": {2017: 17, 2024: 23},  # VINR08F: 2024*
    "stod_beslut_kvinnor": {2019: 74, 2024: 84},  # VINR09: 2024*
    "stod_beslut_man": {2019: 76, 2024: 84},  # VINR10: 2024*
    "stod_service_kvinnor": {2019: 57, 2023: 63, 2024: 65},  # VINR11: 2023*, 2024*
    "stod_service_man": {2019: 58, 2023: 64, 2024: 64},  # VINR12: 2023*, 2024*
}
ACTORS = ("kvinnojour", "polis", "primarvard", "vuxenpsykiatri", "akutmottagning", "ungdomsmottagning")
# VINR05's chain: the shares that followed up and, of those, compiled the results; the share that
# used them follows from the target.
FOLLOWED_UP, COMPILED = 0.35, 0.6
# Of the agreements made, the share followed up within 12 months (to 2023) or within 24 months (from 2024).
AGREEMENTS_FOLLOWED_UP_12, AGREEMENTS_FOLLOWED_UP_24 = 0.75, 0.88


def target(table: Mapping[int, float], year: int) -> float:
    """The table's value for `year`: interpolated between its years, held level outside them."""
    years = sorted(table)
    if year <= years[0]:
        return table[years[0]]
    if year >= years[-1]:
        return table[years[-1]]
    if year in table:
        return table[year]
    before = max(y for y in years if y < year)
    after = min(y for y in years if y > year)
    return table[before] + (table[after] - table[before]) * (year - before) / (after - before)


def question_shares(year: int) -> dict[str, float]:
    """The year's share of "ja" per yes/no question and of ticks per "question.option", between 0 and 1."""
    percent = {key: target(table, year) / 100 for key, table in TARGETS.items()}
    shares = {code: share for code, share in percent.items() if code not in ACTORS and code != "VINR05"}
    shares |= {
        "su_foljt_upp": FOLLOWED_UP,
        "su_sammanstallt": COMPILED,
        "su_anvant": percent["VINR05"] / (FOLLOWED_UP * COMPILED),
    }
    followed_up = AGREEMENTS_FOLLOWED_UP_24 if year >= 2024 else AGREEMENTS_FOLLOWED_UP_12
    for actor in ACTORS:
        shares[f"overensk.{actor}"] = percent[actor] / followed_up
        shares[f"overensk_uppfoljd.{actor}"] = followed_up
    shares["overensk.ingen"] = shares["overensk_uppfoljd.ingen"] = 0.0
    return shares


def yes_share(year: int) -> YesShare:
    """The `demo.seeding` hook for a round of `year`: questions not in the table keep the demo's defaults."""
    return question_shares(year).get
