from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from indicators.selectors.freshness import stale_years
from indicators.services.computation import compute_indicators
from survey.models import County, Group, Grouping, GroupMembership, ReportingUnit, Response
from survey.selectors.register import reporting_units_for_year, reporting_units_on
from survey.services.register import load_register
from tests.factories import UserFactory
from tests.indicators.history_helpers import answer_and_submit, make_version
from tests.survey.round_helpers import load_round_2024

pytestmark = pytest.mark.django_db

# Municipalities per county, from the reference data's verification (county order 01, 03 … 25).
MUNICIPALITIES_PER_COUNTY = dict(
    zip(
        [
            "01",
            "03",
            "04",
            "05",
            "06",
            "07",
            "08",
            "09",
            "10",
            "12",
            "13",
            "14",
            "17",
            "18",
            "19",
            "20",
            "21",
            "22",
            "23",
            "24",
            "25",
        ],
        [26, 8, 9, 13, 13, 8, 12, 1, 5, 33, 6, 49, 16, 12, 10, 15, 10, 7, 8, 15, 14],
        strict=True,
    )
)


def expected_per_county(stockholm_districts: int, goteborg_districts: int) -> dict[str, int]:
    counts = dict(MUNICIPALITIES_PER_COUNTY)
    counts["01"] += stockholm_districts - 1
    counts["14"] += goteborg_districts - 1
    return counts


@pytest.mark.parametrize(
    ("years", "total", "stockholm", "goteborg"),
    [
        (range(2016, 2021), 312, 14, 10),
        (range(2021, 2024), 305, 13, 4),
        (range(2024, 2026), 303, 11, 4),
    ],
)
def test_units_reporting_each_year_and_per_county(years, total, stockholm, goteborg):
    for year in years:
        units = reporting_units_for_year(year)
        assert units.count() == total, year
        assert dict(Counter(units.values_list("county__code", flat=True))) == expected_per_county(stockholm, goteborg)


def test_stockholm_and_goteborg_answer_through_their_districts():
    codes = set(reporting_units_for_year(2024).values_list("code", flat=True))
    assert "0180" not in codes and "1480" not in codes
    assert "0880" in codes  # Kalmar answers itself
    names_2024 = set(reporting_units_for_year(2024).filter(parent__code="1480").values_list("name", flat=True))
    assert names_2024 == {
        "Socialnämnden Nordost",
        "Socialnämnden Centrum",
        "Socialnämnden Sydväst",
        "Socialnämnden Hisingen",
    }


def test_district_changes_count_from_the_opening_day():
    # Hägersten-Älvsjö was formed on 1 July 2020: not in a round that opened in February 2020.
    assert not reporting_units_for_year(2020).filter(name="Hägersten-Älvsjö").exists()
    assert reporting_units_on(date(2020, 9, 1)).filter(name="Hägersten-Älvsjö").exists()
    assert not reporting_units_on(date(2020, 9, 1)).filter(name="Älvsjö").exists()
    assert reporting_units_for_year(2021).filter(name="Hägersten-Älvsjö").exists()


def test_district_codes_are_stable_and_never_collide_with_municipality_codes():
    districts = ReportingUnit.objects.exclude(kind=ReportingUnit.Kind.MUNICIPALITY)
    municipal_codes = set(ReportingUnit.objects.filter(kind="municipality").values_list("code", flat=True))
    assert len(municipal_codes) == 290
    for district in districts:
        assert district.code.startswith(district.parent.code + "-")
        assert district.code not in municipal_codes
    assert ReportingUnit.objects.get(code="0180-15").name == "Hägersten-Älvsjö"
    assert ReportingUnit.objects.get(code="1480-11").successor is None
    assert ReportingUnit.objects.get(code="1480-01").successor.name == "Socialnämnden Nordost"


def test_heby_belongs_to_uppsala_county():
    assert ReportingUnit.objects.get(code="0331").county == County.objects.get(name="Uppsala län")


def test_skr_group_is_per_year_and_only_where_the_classification_applies():
    kalmar = ReportingUnit.objects.get(code="0880")
    skr_years = set(
        GroupMembership.objects.filter(unit=kalmar, grouping__code="skr-2017").values_list("year", flat=True)
    )
    assert skr_years == set(range(2017, 2023))
    assert {m.group.code for m in GroupMembership.objects.filter(unit=kalmar, grouping__code="skr-2017")} == {"C6"}


def test_skr_group_sizes_match_skr():
    sizes = Counter(
        GroupMembership.objects.filter(year=2019, grouping__code="skr-2017", unit__kind="municipality").values_list(
            "group__code", flat=True
        )
    )
    assert [sizes[code] for code in ["A1", "A2", "B3", "B4", "B5", "C6", "C7", "C8", "C9"]] == [
        3,
        43,
        21,
        52,
        35,
        29,
        52,
        40,
        15,
    ]


def test_population_classes_follow_the_documented_bounds():
    def population_class(code: str, year: int = 2024) -> str:
        return GroupMembership.objects.get(unit__code=code, year=year, grouping__code="population").group.code

    assert population_class("2303") == "P1"  # Ragunda, 5 135 inhabitants on 31 December 2023
    assert population_class("0880") == "P4"  # Kalmar, 72 304
    assert population_class("1280") == "P5"  # Malmö


def test_every_reporting_unit_has_a_group_in_every_grouping_each_year():
    for year, skr in [(2017, "skr-2017"), (2022, "skr-2017"), (2023, "skr-2023"), (2025, "skr-2023")]:
        units = reporting_units_for_year(year)
        members = GroupMembership.objects.filter(year=year, unit__in=units)
        assert members.filter(grouping__code=skr).count() == units.count()
        assert members.filter(grouping__code__startswith="skr").count() == units.count()  # only one SKR group
        assert members.filter(grouping__code="population").count() == units.count()


def skr_group(code: str, year: int) -> str:
    membership = GroupMembership.objects.select_related("group").get(
        unit__code=code, year=year, grouping__code__startswith="skr"
    )
    return f"{membership.grouping.code}:{membership.group.code}"


def test_kalmar_is_a_larger_city_in_the_2023_grouping_from_2023():
    assert [skr_group("0880", year) for year in (2022, 2023, 2025)] == ["skr-2017:C6", "skr-2023:B3", "skr-2023:B3"]
    b3 = Group.objects.get(grouping__code="skr-2023", code="B3")
    assert b3.name == "Större stad"
    assert Grouping.objects.get(code="skr-2023").name == "SKR:s kommungruppsindelning 2023"


def test_skr_2023_group_sizes_match_skr():
    sizes = Counter(
        GroupMembership.objects.filter(year=2024, grouping__code="skr-2023", unit__kind="municipality").values_list(
            "group__code", flat=True
        )
    )
    assert dict(sizes) == {"A1": 3, "A2": 43, "B3": 23, "B4": 63, "B5": 24, "C6": 27, "C7": 51, "C8": 35, "C9": 21}


def test_a_stockholm_district_is_in_its_citys_2023_group():
    assert skr_group("0180-15", 2024) == "skr-2023:A1"  # Hägersten-Älvsjö


def test_2016_has_no_skr_group_and_the_groupings_say_why():
    assert not GroupMembership.objects.filter(year=2016, grouping__code__startswith="skr").exists()
    for code in ["skr-2017", "skr-2023"]:
        assert "2016 har ingen kommungrupp" in Grouping.objects.get(code=code).description
        assert "2011" in Grouping.objects.get(code=code).description


def population_class(code: str, year: int) -> str:
    return GroupMembership.objects.get(unit__code=code, year=year, grouping__code="population").group.code


def test_a_population_class_follows_the_population_at_the_end_of_the_year_before():
    # Upplands Väsby: 49 262 inhabitants on 31 December 2022, 50 110 on 31 December 2023.
    assert (population_class("0114", 2023), population_class("0114", 2024)) == ("P3", "P4")
    # Nacka: 99 359 on 31 December 2016, 101 231 on 31 December 2017 (by 2019, both were P5).
    assert (population_class("0182", 2017), population_class("0182", 2018)) == ("P4", "P5")
    # Haninge: 99 751 on 31 December 2023, 100 895 on 31 December 2024; the districts take Stockholm's.
    assert (population_class("0136", 2024), population_class("0136", 2025)) == ("P4", "P5")
    assert population_class("0180-08", 2016) == "P5"  # Södermalm


def test_a_year_beyond_the_population_data_uses_the_latest_and_the_grouping_says_so():
    load_register(last_year=2027)
    # Haninge's latest population (31 December 2024, 100 895) for 2026 and 2027.
    assert population_class("0136", 2026) == population_class("0136", 2027) == "P5"
    description = Grouping.objects.get(code="population").description
    assert "31 december året före" in description and "2019" not in description
    assert "Från undersökningsåret 2026 används den senaste folkmängden i uppgifterna, den 31 december 2024" in (
        description
    )


def test_an_install_with_the_old_population_classes_is_corrected_and_its_year_recomputed(
    django_capture_on_commit_callbacks,
):
    """Before the yearly population, every year was classified by 31 December 2019 (Upplands Väsby:
    46 786, P3); loading the register again moves the memberships to each year's class."""
    survey_round = load_round_2024()
    make_version("VINR02", 2024, with_rule=True)
    with django_capture_on_commit_callbacks(execute=False):
        answer_and_submit(Response.objects.get(round=survey_round, unit__code="0880"), UserFactory(role="admin"))
    p3 = Group.objects.get(grouping__code="population", code="P3")
    GroupMembership.objects.filter(unit__code__in=["0114", "0136"], year__gte=2024, grouping__code="population").update(
        group=p3
    )
    Grouping.objects.filter(code="population").update(description="Folkmängd 31 december 2019 (SCB).")
    compute_indicators(years=[2024])
    assert stale_years([2024]) == []

    report = load_register()

    assert report.corrected == 2 * (date.today().year - 2024 + 1) and report.memberships == 0
    assert (population_class("0114", 2024), population_class("0136", 2025)) == ("P4", "P5")
    assert "2019" not in Grouping.objects.get(code="population").description
    assert stale_years([2024]) == [2024]  # the group figures are computed again (make run, the task)
    assert load_register().corrected == 0


def test_districts_belong_to_their_municipalitys_groups():
    membership = GroupMembership.objects.get(unit__name="Södermalm", year=2019, grouping__code="skr-2017")
    assert membership.group.code == "A1"


def test_a_unit_has_one_group_per_grouping_and_year():
    membership = GroupMembership.objects.filter(year=2019, grouping__code="skr-2017").first()
    with pytest.raises(IntegrityError):
        GroupMembership.objects.create(
            grouping=membership.grouping, group=membership.group, unit=membership.unit, year=membership.year
        )


def test_loading_again_adds_nothing_and_keeps_a_coordinators_retirement():
    kalmar = ReportingUnit.objects.get(code="0880")
    kalmar.valid_to = date(2023, 12, 31)
    kalmar.save()
    before = (ReportingUnit.objects.count(), GroupMembership.objects.count())

    report = load_register()

    assert (report.units, report.memberships, report.corrected) == (0, 0, 0)
    assert (ReportingUnit.objects.count(), GroupMembership.objects.count()) == before
    kalmar.refresh_from_db()
    assert kalmar.valid_to == date(2023, 12, 31)


def test_update_lets_the_data_files_win(capsys):
    ReportingUnit.objects.filter(code="0880").update(name="Felstavat")
    call_command("load_units", "--update")
    assert ReportingUnit.objects.get(code="0880").name == "Kalmar"
    assert "Register loaded" in capsys.readouterr().out
