"""Partial years: coverage, like-for-like changes, and the words that go with them.

The fixture tree (tests/data/police/README.md) has West Midlands files for three months:
2018-03 (in 2017-18), 2018-04 and 2019-03 (both in 2018-19). Every number is counted from its
table by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_analysis import clean, formatting, periods, police
from swp_analysis.police.coverage import Coverage
from swp_analysis.sources import policeuk

TREE = Path(__file__).resolve().parents[1] / "data" / "police" / "tree"


@pytest.fixture(scope="module")
def df():
    return clean.clean_street(policeuk.street_table(policeuk.find_street_files(TREE))).data


def test_coverage_lists_the_months_of_the_force_files(df):
    now = police.coverage(df, "Wolverhampton", "2018-19")
    assert now.months == ("2018-04", "2019-03") and now.n == 2 and not now.complete
    assert len(now.missing) == 10 and "2018-05" in now.missing
    # Dudley has no crime in 2018-04 or 2019-03, but its force's files are there: covered
    assert police.coverage(df, "Dudley", "2018-19").months == ("2018-04", "2019-03")
    assert police.coverage(df, "Wolverhampton", "2019-20").empty


def test_an_area_the_data_do_not_hold_has_no_covered_month(df):
    assert police.covered_months(df, "Carlisle") == set()


def test_coverage_note():
    full = Coverage("2018-19", tuple(periods.months("2018-19")))
    assert full.complete and full.note == ""
    one_missing = Coverage("2019-20", tuple(m for m in periods.months("2019-20") if m != "2019-07"))
    assert one_missing.note == "11 of 12 months; the missing month is July 2019"
    november = Coverage("2017-18", ("2017-11",))
    assert november.note == "1 of 12 months: November 2017 only"
    assert Coverage("2019-20", ()).note == "no month of 2019-20"


def test_comparable_months_are_the_same_calendar_months():
    before = Coverage("2017-18", ("2018-03",))
    now = Coverage("2018-19", ("2018-04", "2019-03"))
    assert police.comparable_months(before, now) == (("2018-03",), ("2019-03",))
    assert police.comparable_months(Coverage("2017-18", ()), now) == ((), ())


def test_year_on_year_compares_like_with_like(df):
    yoy = police.year_on_year(df, "Wolverhampton", "2018-19")
    # 2018-19's covered months: 2018-04 lines 2, 3, 4, 11 (line 10 repeats line 2) and
    # 2019-03 lines 2, 3: 6 crimes. Compared: March 2018 (lines 2, 3: 2) with March 2019 (2).
    assert yoy.total == 6
    assert yoy.compared == (("2018-03",), ("2019-03",))
    assert (yoy.change.before, yoy.change.now) == (2, 2)
    assert not yoy.like_for_like


def test_year_on_year_without_a_common_month_gives_no_change(df):
    yoy = police.year_on_year(df, "Wolverhampton", "2017-18")  # 2016-17 has no file at all
    assert yoy.before.empty and yoy.change is None and yoy.total == 2


@given(st.sets(st.sampled_from(periods.months("2019-20")), max_size=12))
def test_a_coverage_note_never_calls_a_part_year_whole(months):
    cov = Coverage("2019-20", tuple(sorted(months)))
    if cov.complete:
        assert cov.note == ""
    else:
        assert cov.note.startswith(f"{len(months)} of 12 months") or cov.note == "no month of 2019-20"


def test_month_list_joins_runs():
    assert formatting.month_list(["2019-04", "2019-05", "2019-06"]) == "April to June 2019"
    assert formatting.month_list(["2019-12", "2020-01"]) == "December 2019 to January 2020"
    assert formatting.month_list(["2019-04", "2019-06"]) == "April 2019 and June 2019"
