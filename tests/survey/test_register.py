from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from survey.models import County, GroupMembership, ReportingUnit
from survey.selectors.register import reporting_units_for_year, reporting_units_on
from survey.services.register import load_register

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

    assert population_class("2303") == "P1"  # Ragunda, 5 284 inhabitants
    assert population_class("0880") == "P4"  # Kalmar, 69 467
    assert population_class("1280") == "P5"  # Malmö


def test_every_reporting_unit_has_a_group_in_every_grouping_each_year():
    for year in [2017, 2022]:
        units = reporting_units_for_year(year)
        members = GroupMembership.objects.filter(year=year, unit__in=units)
        assert members.filter(grouping__code="skr-2017").count() == units.count()
        assert members.filter(grouping__code="population").count() == units.count()


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

    assert (report.units, report.memberships) == (0, 0)
    assert (ReportingUnit.objects.count(), GroupMembership.objects.count()) == before
    kalmar.refresh_from_db()
    assert kalmar.valid_to == date(2023, 12, 31)


def test_update_lets_the_data_files_win(capsys):
    ReportingUnit.objects.filter(code="0880").update(name="Felstavat")
    call_command("load_units", "--update")
    assert ReportingUnit.objects.get(code="0880").name == "Kalmar"
    assert "Register loaded" in capsys.readouterr().out
