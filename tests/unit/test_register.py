"""The indicator register, population and expenditure readers: good files read, bad ones are
reported in full (every problem at once, each with file, line and column).

Fixtures live in tests/data/register/: ``data/raw`` is a small valid data folder, ``bad/``
holds one bad file per kind of mistake plus files with several mistakes at once. Line
numbers below are counted by hand in those files (the header is line 1).
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swp_analysis.errors import InputError, ValidationFailed
from swp_analysis.paths import DataPaths
from swp_analysis.periods import is_fiscal_year, mid_year
from swp_analysis.sources.register import (
    REGISTER_COLUMNS,
    check_periods,
    load_register,
    read_definitions,
    read_register_csv,
)
from swp_analysis.sources.tables import (
    population_for,
    read_expenditure,
    read_population,
)

HERE = Path(__file__).resolve().parents[1]
FIXTURES = HERE / "data" / "register"
GOOD = FIXTURES / "data"
BAD = FIXTURES / "bad"
PROJECT = HERE.parent


@pytest.fixture()
def paths() -> DataPaths:
    return DataPaths.from_arg(GOOD)


@pytest.fixture()
def definitions(paths):
    return read_definitions(paths.indicators_yaml)


def where(problems) -> set[tuple[int | None, str | None]]:
    return {(p.row, p.column) for p in problems}


# --------------------------------------------------------------------------------------------
# the good fixture
# --------------------------------------------------------------------------------------------


def test_reads_the_good_register(paths):
    register = load_register(paths)
    assert list(register.definitions)[:2] == ["dv_reports", "drug_tests_positive"]
    data = register.data
    assert len(data) == 10  # ten data lines in the fixture
    assert data["value"].dtype == "float64"
    row = register.row("dv_reports", "Wolverhampton", "2018-19")
    assert row.value == 6858 and row.line == 3  # line 3 of indicators.csv
    drug = register.row("drug_tests_positive", "Wolverhampton", "2018-19")
    assert (drug.numerator, drug.denominator, drug.note) == (727, 978, "numerator derived")
    assert register.row("dv_reports", "Walsall", "2018-19") is None
    assert register.value("champions", "Wolverhampton", "2018-19") == 9


def test_a_proportion_may_be_given_as_numerator_and_denominator(tmp_path, definitions):
    f = tmp_path / "indicators.csv"
    f.write_text(
        "indicator,area,period,value,numerator,denominator,source,note\n"
        "drug_tests_positive,Wolverhampton,2018-19,,727,978,p.7,\n"
    )
    data = read_register_csv(f, definitions)
    assert data.loc[0, "value"] == pytest.approx(727 / 978)


def test_bom_crlf_reordered_columns_and_blank_lines_are_accepted(tmp_path, definitions):
    f = tmp_path / "indicators.csv"
    f.write_bytes(
        "\ufeffarea,indicator,period,value,source,numerator,denominator,note\r\n"
        "Wolverhampton,champions,2018-19,9,p.8,,,\r\n\r\n"
        "Wolverhampton,hate_crimes,2018-19,385,p.9,,,\r\n".encode()
    )
    data = read_register_csv(f, definitions)
    assert list(data["indicator"]) == ["champions", "hate_crimes"]
    assert list(data["line"]) == [2, 4]  # the blank line 3 is skipped but still counted


# --------------------------------------------------------------------------------------------
# one mistake per file
# --------------------------------------------------------------------------------------------

SINGLE = [
    # file, line, column, words in the message, words in "expected"
    ("unknown-id.csv", 3, "indicator", "not defined", "dv_reports"),  # suggests the close id
    ("non-numeric.csv", 3, "value", "not a number", "no commas"),
    ("negative-count.csv", 3, "value", "negative", "zero or more"),
    ("numerator-above-denominator.csv", 3, "numerator", "larger than", "numerator <="),
    ("duplicate-row.csv", 3, "indicator", "earlier line", "one row per"),
    ("malformed-period.csv", 3, "period", "not a fiscal year", "2018-19"),
    ("period-month.csv", 3, "period", "not a fiscal year", "2018-19"),
    ("proportion-as-percent.csv", 3, "value", "between 0 and 1", "0.743"),
]


@pytest.mark.parametrize("name,line,column,message,expected", SINGLE)
def test_each_kind_of_bad_row_is_named_by_line_and_column(definitions, name, line, column, message, expected):
    with pytest.raises(ValidationFailed) as info:
        read_register_csv(BAD / name, definitions)
    problems = info.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    p = problems[0]
    assert Path(p.file).name == name
    assert (p.row, p.column) == (line, column)
    assert message in p.message
    assert expected in p.expected
    assert p.found  # what was found is always said
    assert p.severity == "error"


def test_every_problem_in_a_file_is_reported_at_once(definitions):
    with pytest.raises(ValidationFailed) as info:
        read_register_csv(BAD / "indicators-many-problems.csv", definitions)
    # Lines 3-8 each carry one mistake (see the file); line 2 is good.
    assert where(info.value.problems) == {
        (3, "indicator"),  # unknown id dv_reprots
        (4, "value"),  # "three hundred"
        (5, "value"),  # -9
        (6, "numerator"),  # 978 of 727
        (7, "indicator"),  # repeats line 2's indicator, area and period
        (8, "period"),  # 2018-2019
    }
    text = str(info.value)
    assert text.startswith("6 problems found")
    assert "indicators-many-problems.csv, line 4, column 'value'" in text
    assert "found 'three hundred'" in text


def test_ratio_that_disagrees_with_the_stated_proportion(tmp_path, definitions):
    f = tmp_path / "indicators.csv"
    f.write_text(
        "indicator,area,period,value,numerator,denominator,source,note\n"
        "drug_tests_positive,Wolverhampton,2018-19,0.743,700,978,p.7,\n"
    )
    # 700 / 978 = 0.7157..., not 0.743 at three decimals
    with pytest.raises(ValidationFailed) as info:
        read_register_csv(f, definitions)
    assert where(info.value.problems) == {(2, "value")}
    assert "numerator / denominator" in info.value.problems[0].message


def test_shape_problems_wrong_field_count_and_unknown_column(tmp_path, definitions):
    f = tmp_path / "indicators.csv"
    f.write_text(
        "indicator,area,period,value,numerator,denominator,source,note,colour\n"
        "champions,Wolverhampton,2018-19,9,,,p.8,,blue\n"
        "champions,Wolverhampton,2017-18,9,,,p.8\n"
    )
    with pytest.raises(ValidationFailed) as info:
        read_register_csv(f, definitions)
    assert where(info.value.problems) == {(1, "colour"), (3, None)}


def test_missing_required_column(tmp_path, definitions):
    f = tmp_path / "indicators.csv"
    f.write_text("indicator,area,period,source\nchampions,Wolverhampton,2018-19,p.8\n")
    with pytest.raises(ValidationFailed) as info:
        read_register_csv(f, definitions)
    assert where(info.value.problems) == {(1, "value")}


def test_empty_and_non_utf8_files(tmp_path, definitions):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_register_csv(empty, definitions)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        b"indicator,area,period,value,numerator,denominator,source,note\n"
        b"funding,Wolverhampton,2018-19,110000,,,\xa3 p.15,\n"
    )
    with pytest.raises(InputError) as info:
        read_register_csv(latin, definitions)
    assert info.value.problem.row == 2  # the stray byte is on line 2
    assert "UTF-8" in str(info.value)


# --------------------------------------------------------------------------------------------
# indicators.yaml
# --------------------------------------------------------------------------------------------


def test_malformed_yaml_names_the_line():
    with pytest.raises(InputError) as info:
        read_definitions(BAD / "indicators-malformed.yaml")
    assert info.value.problem.row == 3  # "title: Reports: of domestic abuse"
    assert "not valid YAML" in str(info.value)


def test_every_bad_definition_field_is_reported_with_its_line():
    with pytest.raises(ValidationFailed) as info:
        read_definitions(BAD / "indicators-bad-fields.yaml")
    got = where(info.value.problems)
    assert got == {
        (4, "unit"),  # percentage
        (7, "title"),  # hate_crimes has no title: reported at its list item
        (9, "polarity"),  # higher
    }
    unit = next(p for p in info.value.problems if p.column == "unit")
    assert "count" in unit.expected and unit.found == "'percentage'"


def test_repeated_id_and_repeated_key(tmp_path):
    f = tmp_path / "indicators.yaml"
    item = (
        "  - id: champions\n    title: Champions\n"
        "    unit: count\n    polarity: none\n    source_organisation: SWP\n"
    )
    f.write_text("indicators:\n" + item + item)
    with pytest.raises(ValidationFailed) as info:
        read_definitions(f)
    assert where(info.value.problems) == {(7, "id")}
    f.write_text("indicators:\n" + item.replace("    unit: count\n", "    unit: count\n    unit: gbp\n"))
    with pytest.raises(ValidationFailed) as info:
        read_definitions(f)
    assert where(info.value.problems) == {(5, "unit")}


def test_an_empty_register_is_a_register(tmp_path):
    """A partnership just set up (swp init) has no indicators and no figures: both files read."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "indicators.yaml").write_text("indicators: []\n")
    (tmp_path / "raw" / "indicators.csv").write_text(",".join(REGISTER_COLUMNS) + "\n")
    register = load_register(DataPaths.from_arg(tmp_path))
    assert register.definitions == {}
    assert len(register.data) == 0
    assert register.areas() == []
    assert register.rows_to_supply("2017-18", "2018-19", "Carlisle") == []


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("indicators:\n", 1, "valid list"),  # the list left out, not an empty one
        ("{}\n", 1, "Field required"),  # the key itself missing
    ],
)
def test_an_empty_register_must_still_say_so(tmp_path, text, line, message):
    f = tmp_path / "indicators.yaml"
    f.write_text(text)
    with pytest.raises(ValidationFailed) as info:
        read_definitions(f)
    assert [(p.row, p.column) for p in info.value.problems] == [(line, "indicators")]
    assert message in str(info.value)


def test_a_proportion_target_must_be_a_fraction(tmp_path):
    f = tmp_path / "indicators.yaml"
    f.write_text(
        "indicators:\n  - id: p\n    title: P\n"
        "    unit: proportion\n    polarity: down_is_good\n"
        "    target: {kind: baseline, value: 70, source: strategy}\n"
        "    source_organisation: SWP\n"
    )
    with pytest.raises(ValidationFailed) as info:
        read_definitions(f)
    assert where(info.value.problems) == {(6, "target")}


# --------------------------------------------------------------------------------------------
# periods, next year's rows
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,ok",
    [
        ("2018-19", True),
        ("1999-00", True),
        ("2018-2019", False),
        ("2018/19", False),
        ("2018-20", False),
        ("2018-04", False),
        ("18-19", False),
        ("", False),
        (None, False),
    ],
)
def test_fiscal_year_labels(text, ok):
    assert is_fiscal_year(text) is ok


def test_a_period_after_the_build_year_is_the_builds_concern(tmp_path, definitions, paths):
    # The reader accepts any fiscal year ...
    data = read_register_csv(BAD / "period-after-year.csv", definitions)
    register = load_register(paths)
    register = type(register)(register.definitions, data, register.yaml_file, BAD / "period-after-year.csv")
    # ... and the helper names the row that is later than the year being built.
    problems = check_periods(register, "2018-19")
    assert where(problems) == {(3, "period")}
    assert problems[0].found == "2019-20"
    assert check_periods(register, "2019-20") == []


def test_rows_to_supply_keep_each_indicators_lag(paths):
    register = load_register(paths)
    rows = register.rows_to_supply("2018-19", "2019-20", "Wolverhampton")
    assert ("dv_reports", "Wolverhampton", "2019-20") in rows
    assert ("reoffending", "Wolverhampton", "2017-18") in rows  # lag_years 2: 2016-17 -> 2017-18
    assert len(rows) == 7  # every fixture indicator has a figure for its own 2018-19 period


# --------------------------------------------------------------------------------------------
# property: the number of problems reported equals the number of bad cells put in
# --------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.booleans()), min_size=1, max_size=12))
def test_every_negative_count_is_reported_on_its_own_line(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("prop")
    definitions = read_definitions(GOOD / "raw" / "indicators.yaml")
    lines = ["indicator,area,period,value,numerator,denominator,source,note"]
    bad_lines = set()
    for i, (n, negative) in enumerate(rows):
        value = -n - 1 if negative else n
        lines.append(f"champions,Area{i},2018-19,{value},,,src,")
        if negative:
            bad_lines.add(i + 2)
    f = folder / "indicators.csv"
    f.write_text("\n".join(lines) + "\n")
    if not bad_lines:
        assert len(read_register_csv(f, definitions)) == len(rows)
        return
    with pytest.raises(ValidationFailed) as info:
        read_register_csv(f, definitions)
    assert where(info.value.problems) == {(line, "value") for line in bad_lines}


# --------------------------------------------------------------------------------------------
# population.csv and expenditure.csv
# --------------------------------------------------------------------------------------------


def test_population_reads_and_picks_the_mid_year_inside_the_fiscal_year(paths):
    pop = read_population(paths.population)
    assert pop["population"].dtype == "int64"
    assert mid_year("2018-19") == 2018
    assert population_for(pop, "Wolverhampton", "2018-19") == 262474
    assert population_for(pop, "Wolverhampton", "2017-18") == 260648
    with pytest.raises(InputError) as info:
        population_for(pop, "Wolverhampton", "2020-21")
    assert "2017, 2018" in str(info.value)  # says which mid-years there are


def test_population_of_zero_is_refused_with_its_line():
    with pytest.raises(ValidationFailed) as info:
        read_population(BAD / "population-zero.csv")
    assert where(info.value.problems) == {(3, "population")}
    assert info.value.problems[0].found == "'0'"


def test_expenditure_reads_and_reports_every_bad_cell(paths):
    spend = read_expenditure(paths.expenditure)
    assert spend["amount_gbp"].sum() == pytest.approx(25000 + 40000.50)
    assert pd.isna(spend.loc[1, "provider"])
    with pytest.raises(ValidationFailed) as info:
        read_expenditure(BAD / "expenditure-bad.csv", priorities=["Violence Prevention"])
    assert where(info.value.problems) == {
        (2, "amount_gbp"),  # "£25,000"
        (3, "fiscal_year"),  # 2018/19
        (3, "amount_gbp"),  # -5
    }


# --------------------------------------------------------------------------------------------
# the bundled data
# --------------------------------------------------------------------------------------------

BUNDLED = DataPaths.from_arg(PROJECT / "data")

# Every figure the brief lists, as the reference report states it (area Wolverhampton unless
# said): (indicator, period, value in the register's unit).
REFERENCE_FIGURES = [
    ("drug_tests", "2018-19", 978),
    ("drug_tests_positive", "2018-19", 0.743),
    ("drug_tests_positive", "2017-18", 0.756),
    ("reoffending_rate", "2016-17", 0.308),
    ("rough_sleepers_accommodated", "2018-19", 16),
    ("at_risk_supported", "2018-19", 20),
    ("community_champions", "2018-19", 9),
    ("dv_reports", "2017-18", 6361),
    ("dv_reports", "2018-19", 6858),
    ("gp_staff_trained", "2018-19", 300),
    ("marac_cases", "2017-18", 460),
    ("marac_cases", "2018-19", 543),
    ("ms_trainers", "2018-19", 27),
    ("ms_trained", "2018-19", 100),
    ("third_party_reporting_centres", "2018-19", 17),
    ("hate_crimes", "2017-18", 120),
    ("hate_crimes", "2018-19", 385),
    ("peer_mentoring_schools", "2018-19", 21),
    ("holiday_activity_participants", "2018-19", 250),
    ("youth_outreach_engaged", "2018-19", 100),
    ("music_project_sessions", "2018-19", 98),
    ("music_project_hours", "2018-19", 196),
    ("music_project_participants", "2018-19", 16),
    ("music_project_violence_share", "2018-19", 0.83),
    ("violent_offender_orders", "2018-19", 2),
    ("pact_meetings", "2018-19", 112),
    ("facebook_reach", "2018-19", 69869),
    ("twitter_followers", "2018-19", 382),
    ("tweets", "2018-19", 790),
    ("dhrs_completed", "2018-19", 1),
    ("wednesfield_begging_before", "2018-19", 15),
    ("wednesfield_begging_after", "2018-19", 2),
    ("eiyf_allocation", "2018-19", 110000),
    ("days_of_action", "2018-19", 4),
]


def test_bundled_register_is_valid_and_holds_every_reference_figure():
    register = load_register(BUNDLED)
    for indicator, period, value in REFERENCE_FIGURES:
        row = register.row(indicator, "Wolverhampton", period)
        assert row is not None, (indicator, period)
        assert row.value == pytest.approx(value), indicator
        assert row.source.startswith("SWP Annual Report 2017-19, p"), indicator
    national = register.row("reoffending_rate_national", "National", "2016-17")
    assert national.value == pytest.approx(0.40)
    # qualifiers the report states are kept in the note
    assert register.row("at_risk_supported", "Wolverhampton", "2018-19").note == "more than"
    assert register.row("gp_staff_trained", "Wolverhampton", "2018-19").note == "nearly"
    assert register.row("ms_trained", "Wolverhampton", "2018-19").note == "over"
    drug = register.definitions["drug_tests_positive"]
    assert (drug.polarity, drug.target.kind, drug.target.value) == ("down_is_good", "baseline", 0.7)
    assert check_periods(register, "2018-19") == []


def test_bundled_population_copies_the_ons_file(real_data):
    """Every bundled figure equals the real ONS file's, read here independently."""
    source = real_data / "ons-pfa-crime-and-population" / "regionalpopulation.csv"
    with open(source, encoding="utf-8-sig", newline="") as fh:
        ons = {(r["Name"], r["Geography"]): r for r in csv.DictReader(fh)}
    pop = read_population(BUNDLED.population)
    areas = ["Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"]
    assert sorted(pop["area"].unique()) == areas
    assert sorted(pop["year"].unique()) == list(range(2015, 2024))
    assert len(pop) == 7 * 9
    for r in pop.itertuples():
        expected = float(ons[(r.area, "Metropolitan District")][f"Mid-{r.year}"])
        assert r.population == expected and not math.isnan(expected)
    assert population_for(pop, "Wolverhampton", "2018-19") == 262474  # PROVENANCE.md


def test_bundled_population_without_real_data():
    pop = read_population(BUNDLED.population)
    assert population_for(pop, "Wolverhampton", "2017-18") == 260648
    assert (pop["source"].str.contains("OGL v3.0")).all()


def test_a_copy_with_one_bad_file_reports_it(tmp_path):
    shutil.copytree(GOOD, tmp_path / "data")
    shutil.copy(BAD / "unknown-id.csv", tmp_path / "data" / "raw" / "indicators.csv")
    with pytest.raises(ValidationFailed) as info:
        load_register(DataPaths.from_arg(tmp_path / "data"))
    assert "indicators.csv, line 3, column 'indicator'" in str(info.value)
