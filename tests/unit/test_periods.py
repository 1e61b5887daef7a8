"""Tests for swp_analysis.periods.

Expected values come from published worked examples (cited beside each), from the reference
report (`../shared/reference/swp-annual-report-2017-19.txt`, quoted by line), or are computed
here independently of the function under test (a different algebraic form, a different scipy
routine, or a root-finder). None is pasted from the function's own output.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_analysis import periods

# ------------------------------------------------------------------------------------------
# fiscal years
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given_value, expected",
    [
        ("2018-04", "2018-19"),  # first month of the year
        ("2019-03", "2018-19"),  # last month of the year
        ("2019-04", "2019-20"),
        ("2018-12", "2018-19"),
        ("2019-01", "2018-19"),
        ("2018-04-15", "2018-19"),
        ("2018-03-31", "2017-18"),
        (" 2018-04 ", "2018-19"),
        ("2018-04-01T09:30:00", "2018-19"),
        (date(2018, 4, 1), "2018-19"),
        (date(2019, 3, 31), "2018-19"),
        (datetime(2019, 3, 31, 23, 59), "2018-19"),
        (pd.Timestamp("2018-04-15"), "2018-19"),
        (pd.Period("2019-02", freq="M"), "2018-19"),
        (np.datetime64("2020-01-10"), "2019-20"),
        ("1999-06", "1999-00"),  # century roll-over keeps two digits
    ],
)
def test_fiscal_year(given_value, expected):
    assert periods.fiscal_year(given_value) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "2018-13",
        "2018-00",
        "18-04",
        "April 2018",
        "2018-19",
        "",
        "2018-02-30",
        None,
        float("nan"),
        pd.NaT,
        201804,
    ],
)
def test_fiscal_year_rejects_non_dates(bad):
    with pytest.raises(ValueError):
        periods.fiscal_year(bad)


def test_fiscal_years_vectorised_matches_scalar_and_keeps_index():
    months = pd.Series(["2018-04", "2019-03", "2019-04", "2020-01-31"], index=[10, 11, 12, 13], name="month")
    result = periods.fiscal_years(months)
    assert result.tolist() == ["2018-19", "2018-19", "2019-20", "2019-20"]
    assert result.index.tolist() == [10, 11, 12, 13]
    stamps = pd.Series(pd.to_datetime(["2018-03-31", "2018-04-01"]))
    assert periods.fiscal_years(stamps).tolist() == ["2017-18", "2018-19"]


def test_fiscal_years_names_bad_values():
    with pytest.raises(ValueError, match="not-a-month"):
        periods.fiscal_years(pd.Series(["2018-04", "not-a-month"]))


def test_previous_and_next_year():
    assert periods.previous("2018-19") == "2017-18"
    assert periods.following("2018-19") == "2019-20"
    assert periods.previous("2000-01") == "1999-00"
    assert periods.following("1999-00") == "2000-01"


@pytest.mark.parametrize("bad", ["2018/19", "2018-2019", "2018-20", "18-19", "2018", "", None])
def test_previous_year_validates(bad):
    with pytest.raises(ValueError):
        periods.previous(bad)
    with pytest.raises(ValueError):
        periods.following(bad)


def test_fiscal_year_months():
    months = periods.months("2018-19")
    assert months[0] == "2018-04" and months[-1] == "2019-03"
    assert len(months) == 12 and len(set(months)) == 12
    assert all(periods.fiscal_year(month) == "2018-19" for month in months)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_fiscal_year_contains_its_date(day):
    fy = periods.fiscal_year(day)
    assert day.strftime("%Y-%m") in periods.months(fy)
    assert periods.following(periods.previous(fy)) == fy
