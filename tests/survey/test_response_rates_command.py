import csv
import io

import pytest
from django.core.management import CommandError, call_command

from survey.coordination import monitor

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("response_rates", *args, stdout=out)
    return out.getvalue()


def csv_rows(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(run("--year", "2024", "--format", "csv", *args))))


def test_csv_has_the_header_and_a_row_per_part_for_the_country(statuses):
    output = run("--year", "2024", "--format", "csv")
    assert output.splitlines()[0] == "level,code,name,part,invited,started,submitted,rate"
    assert output.splitlines()[1:] == ["country,0000,Riket,allman,303,3,1,0.3", "country,0000,Riket,vinr,303,4,3,1.0"]


def test_by_county_adds_a_row_per_county_and_part(statuses):
    rows = csv_rows("--by", "county")
    counties = [row for row in rows if row["level"] == "county"]
    assert len(counties) == 21 * 2
    kalmar_lan = [row for row in counties if row["code"] == "08"]
    assert [(r["name"], r["part"], r["invited"], r["started"], r["submitted"], r["rate"]) for r in kalmar_lan] == [
        ("Kalmar län", "allman", "12", "2", "1", "8.3"),
        ("Kalmar län", "vinr", "12", "3", "2", "16.7"),
    ]


def test_by_group_adds_a_row_per_group_with_grouping_and_group_code(statuses):
    rows = {(row["code"], row["part"]): row for row in csv_rows("--by", "group") if row["level"] == "group"}
    c7 = rows["skr-2017:C7", "allman"]
    assert (c7["name"], c7["invited"], c7["submitted"], c7["rate"]) == (
        "Pendlingskommun nära mindre stad/tätort", "16", "1", "6.3"
    )  # fmt: skip
    assert rows["skr-2017:A1", "vinr"]["rate"] == ""  # nobody invited


def test_the_figures_are_those_of_the_monitor(statuses):
    facts = monitor.round_facts(statuses)
    areas = [monitor.national_figures(facts), *monitor.county_figures(facts)]
    areas += [group for grouping in monitor.grouping_figures(facts) for group in grouping.groups]
    expected = {
        (area.level, area.code, f.part.code): (
            str(f.invited),
            str(f.started),
            str(f.submitted),
            "" if f.rate is None else str(f.rate),
        )
        for area in areas
        for f in area.parts
    }
    both = csv_rows("--by", "county") + csv_rows("--by", "group")
    actual = {(r["level"], r["code"], r["part"]): (r["invited"], r["started"], r["submitted"], r["rate"]) for r in both}
    assert actual == expected


def test_the_text_table_is_aligned(statuses):
    lines = run("--year", "2024").splitlines()
    assert lines[0].split() == ["level", "code", "name", "part", "invited", "started", "submitted", "rate"]
    assert lines[1].split() == ["country", "0000", "Riket", "allman", "303", "3", "1", "0.3"]
    assert len({line.index("allman") if "allman" in line else lines[1].index("allman") for line in lines[1:]}) == 1


def test_an_unknown_year_is_an_error(db):
    with pytest.raises(CommandError, match="1999"):
        run("--year", "1999")
