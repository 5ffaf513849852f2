"""The 2024 indicator versions the tests of the unit's check need, made directly (rules and titles
from ../shared/reference/indicators.csv), so that they do not depend on the catalogue loader."""

from indicators.models import Indicator, IndicatorVersion

CATALOGUE_2024 = {
    "VINR02": (
        "Aktuell skriftlig och på ledningsnivå beslutad rutin för att säkra skolgången för barn i skyddat boende",
        "${skola_rutin} = 'ja'",
    ),
    "VINR03": (
        "Genomfört fortbildning om våld i nära relationer senaste året för handläggare som utreder vuxna",
        "${fortb_vuxna} = 'ja'",
    ),
    "VINR05": (
        "Använt resultat från systematisk uppföljning till verksamhetsutveckling (vuxna)",
        "${su_foljt_upp} = 'ja' and ${su_sammanstallt} = 'ja' and ${su_anvant} = 'ja'",
    ),
    "VINR08B": (
        "Överenskommelse om samverkan i enskilda ärenden med polisen",
        "selected(${overensk}, 'polis') and selected(${overensk_uppfoljd}, 'polis')",
    ),
    "VINRN1": (
        "Antal vuxna som beviljats bistånd i form av skyddat boende under föregående år",
        "${antal_skyddat_boende}",
    ),
}
COMPARABILITY_08 = (
    "2024: uppföljning inom 24 månader krävs (tidigare 12 månader); kan påverka jämförbarheten med tidigare år"
)


def make_versions_2024() -> dict[str, IndicatorVersion]:
    versions = {}
    for code, (title, rule) in CATALOGUE_2024.items():
        key_figure = code == "VINRN1"
        versions[code] = IndicatorVersion.objects.create(
            indicator=Indicator.objects.get_or_create(code=code)[0],
            year=2024,
            title=title,
            kind=IndicatorVersion.Kind.KEY_FIGURE if key_figure else IndicatorVersion.Kind.INDICATOR,
            part_code="vinr",
            rule=rule,
            aggregation=IndicatorVersion.Aggregation.SUM if key_figure else IndicatorVersion.Aggregation.SHARE,
            desired_direction="" if key_figure else IndicatorVersion.Direction.UP,
            comparability_note=COMPARABILITY_08 if code == "VINR08B" else "",
        )
    return versions
