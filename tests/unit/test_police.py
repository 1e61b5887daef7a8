"""The report's police figures (swp_analysis.crime) on the hand-countable fixture tree.

Every expected number below is counted from tests/data/police/README.md, which lists the
21 lines of the three fixture files; "2018-04 line 7" means line 7 of
tree/2018-04/2018-04-west-midlands-street.csv.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import chi2

from swp_analysis import clean, stats
from swp_analysis import police as crime
from swp_analysis.sources import policeuk

TREE = Path(__file__).resolve().parents[1] / "data" / "police" / "tree"


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return clean.clean_street(policeuk.street_table(policeuk.find_street_files(TREE))).data


def test_areas_present(df):
    # South Staffordshire (2018-04 line 9) is outside the force and not an area of its data
    assert crime.areas_present(df) == ["Dudley", "Walsall", "Wolverhampton"]


def test_recorded_crime_leaves_out_asb_duplicates_and_unlocated_rows(df):
    # non-ASB, located in the force: 2018-03 lines 2,3,5,6,7 (5); 2018-04 lines 2,3,4,7,11 (5;
    # line 8 has no location, 9 is outside, 10 repeats line 2); 2019-03 lines 2-5 (4)
    assert len(crime.recorded_crime(df)) == 14
    assert not crime.recorded_crime(df)["is_asb"].any()


def test_total_recorded_crime(df):
    # Wolverhampton 2017-18: 2018-03 lines 2, 3
    assert crime.total_recorded_crime(df, "Wolverhampton", "2017-18") == 2
    # 2018-19: 2018-04 lines 2, 3, 4, 11 and 2019-03 lines 2, 3
    assert crime.total_recorded_crime(df, "Wolverhampton", "2018-19") == 6
    # Walsall 2018-19: 2018-04 line 7, 2019-03 lines 4, 5; Dudley none that year
    assert crime.total_recorded_crime(df, "Walsall", "2018-19") == 3
    assert crime.total_recorded_crime(df, "Dudley", "2018-19") == 0


def test_trc_change(df):
    change = crime.trc_change(df, "Wolverhampton", "2018-19")
    assert isinstance(change, stats.ChangeSummary)
    assert (change.before, change.now, change.change) == (2, 6, 4)
    assert change.pct == pytest.approx(200.0)
    assert change.z == pytest.approx(2 * (math.sqrt(6) - math.sqrt(2)))  # Wheeler's Z by hand


def test_crime_type_shares(df):
    table = crime.crime_type_shares(df, "Wolverhampton", "2018-19")
    assert table.index.name == "crime_type"
    # Burglary: 2018-04 line 2, 2019-03 line 2; Violence: 2018-04 lines 3, 4;
    # Vehicle crime: 2018-04 line 11; Shoplifting: 2019-03 line 3
    assert table["count"].to_dict() == {
        "Burglary": 2,
        "Violence and sexual offences": 2,
        "Shoplifting": 1,
        "Vehicle crime": 1,
    }
    assert table.loc["Burglary", "share"] == pytest.approx(2 / 6)
    assert table.loc["Shoplifting", "share"] == pytest.approx(1 / 6)
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["rank"].to_dict() == {
        "Burglary": 1,
        "Violence and sexual offences": 1,
        "Shoplifting": 3,
        "Vehicle crime": 3,
    }
    assert "Anti-social behaviour" not in table.index


def test_monthly_series_zero_only_where_a_file_exists(df):
    table = crime.monthly_series(df, "Wolverhampton")  # every month of 2017-18 and 2018-19
    assert list(table.columns) == ["month", "fiscal_year", "count"]
    assert len(table) == 24
    assert table["month"].iloc[0] == pd.Timestamp("2017-04-01")
    assert table["month"].iloc[-1] == pd.Timestamp("2019-03-01")
    counts = dict(zip(table["month"].dt.strftime("%Y-%m"), table["count"], strict=True))
    assert counts["2018-03"] == 2 and counts["2018-04"] == 4 and counts["2019-03"] == 2
    # the other 21 months have no file at all: missing, never 0
    missing = [m for m, c in counts.items() if pd.isna(c)]
    assert len(missing) == 21
    assert table.loc[table["month"] == pd.Timestamp("2018-04-01"), "fiscal_year"].item() == "2018-19"


def test_monthly_series_zero_for_an_area_with_no_crime_in_a_month_with_a_file(df):
    table = crime.monthly_series(df, "Dudley")
    counts = dict(zip(table["month"].dt.strftime("%Y-%m"), table["count"], strict=True))
    # Dudley has no crime in 2018-04 or 2019-03, but the force's files exist: 0, not missing
    assert counts["2018-04"] == 0 and counts["2019-03"] == 0
    assert pd.isna(counts["2018-05"])


def test_peer_table(df):
    table = crime.peer_table(df, "2018-19", "Burglary")
    assert table.index.name == "area"
    # the authorities with located records in the two years: the fixture covers three of the
    # seven (no Birmingham row is invented as zero)
    assert list(table.index) == ["Dudley", "Walsall", "Wolverhampton"]
    # Like for like: 2017-18 is covered only in March (2018-03), 2018-19 in April and March, so
    # the change compares March 2018 with March 2019. Wolverhampton burglary: 2018-03 line 2 (1)
    # against 2019-03 line 2 (1). Walsall: 2018-03 lines 5, 6 (2) against 2019-03 lines 4, 5 (2).
    assert table.loc["Wolverhampton", ["count_before", "count_now"]].tolist() == [1, 1]
    assert table.loc["Walsall", ["count_before", "count_now"]].tolist() == [2, 2]
    assert (table["months"] == 1).all() and (table["months_now"] == 2).all()
    # the year's own count is over its covered months: Wolverhampton 2018-04 line 2 and
    # 2019-03 line 2 (2); Walsall 2018-04 line 7 and 2019-03 lines 4, 5 (3)
    assert table.loc["Wolverhampton", "count_year"] == 2 and table.loc["Walsall", "count_year"] == 3
    assert table.loc["Walsall", "pct_change"] == pytest.approx(0.0)
    assert table.loc["Walsall", "z"] == 0
    assert math.isnan(table.loc["Dudley", "pct_change"])  # 0 -> 0: no percentage
    assert table.loc["Dudley", "z"] == 0


def _complete_year(df: pd.DataFrame) -> pd.DataFrame:
    """The fixture with its April 2018 rows copied into May 2018 to February 2019, so that
    2018-19 has all twelve months (April, ten copies of it, and March 2019)."""
    april = df[df["month"] == pd.Timestamp("2018-04-01")]
    copies = []
    for m in pd.date_range("2018-05-01", "2019-02-01", freq="MS"):
        copies.append(april.assign(month=pd.Timestamp(m).as_unit("s")))
    return pd.concat([df, *copies], ignore_index=True)


def test_peer_table_rates_for_a_complete_year_only(df):
    population = pd.DataFrame(
        {
            "area": ["Wolverhampton", "Wolverhampton", "Walsall"],
            "year": [2017, 2018, 2018],
            "population": [999_999, 1000, 3000],
        }
    )
    partial = crime.peer_table(df, "2018-19", None, population)
    assert partial["rate_per_1000"].isna().all()  # 2 of 12 months: no rate
    full = crime.peer_table(_complete_year(df), "2018-19", None, population)
    # Wolverhampton crime in 2018-04: lines 2, 3, 4, 11 (line 10 repeats line 2) = 4, so 4 in
    # each of 11 months plus 2019-03 lines 2, 3: 46 in the year; mid-2018 (inside 2018-19) is
    # used: 46 / 1,000 * 1,000 = 46.0 per 1,000
    assert full.loc["Wolverhampton", "count_year"] == 46
    assert full.loc["Wolverhampton", "rate_per_1000"] == pytest.approx(46.0)
    # Walsall: 2018-04 line 7 (1) in 11 months plus 2019-03 lines 4, 5: 13 per 3,000 people
    assert full.loc["Walsall", "rate_per_1000"] == pytest.approx(13 / 3000 * 1000)
    # Byar's interval for 46 (Breslow and Day 1987), per 1,000 of 1,000 people
    z = 1.959963984540054
    lower = 46 * (1 - 1 / (9 * 46) - z / (3 * math.sqrt(46))) ** 3
    assert full.loc["Wolverhampton", "rate_lower"] == pytest.approx(lower, rel=1e-9)
    assert math.isnan(full.loc["Dudley", "rate_per_1000"])  # no population given: no rate


def test_peer_table_small_counts_use_the_exact_interval(df):
    population = pd.DataFrame({"area": ["Dudley"], "year": [2018], "population": [1000]})
    full = crime.peer_table(_complete_year(df), "2018-19", "Robbery", population, areas=["Dudley"])
    # Dudley robbery: none in 2018-19 (its only robbery is 2018-03, in 2017-18): exact limits
    assert full.loc["Dudley", "count_year"] == 0
    assert full.loc["Dudley", "rate_lower"] == 0
    assert full.loc["Dudley", "rate_upper"] == pytest.approx(chi2.ppf(0.975, 2) / 2, rel=1e-6)


def test_asb_count(df):
    # Wolverhampton ASB: 2018-04 line 5 and 2019-03 line 6; 2018-03 line 4 in 2017-18
    assert crime.asb_count(df, "Wolverhampton", "2018-19") == 2
    assert crime.asb_count(df, "Wolverhampton", "2017-18") == 1
    assert crime.asb_count(df, "Walsall", "2018-19") == 1  # 2018-04 line 6


def test_an_area_not_in_the_data_is_an_error_not_zero(df):
    with pytest.raises(ValueError, match="areas present: Dudley, Walsall, Wolverhampton"):
        crime.total_recorded_crime(df, "Wolverhamptn", "2018-19")
    with pytest.raises(ValueError):
        crime.total_recorded_crime(df, "South Staffordshire", "2018-19")


def test_a_year_not_in_the_data_is_an_error_not_zero(df):
    with pytest.raises(ValueError, match="no records for 2019-20"):
        crime.total_recorded_crime(df, "Wolverhampton", "2019-20")
    with pytest.raises(ValueError, match="no records for 2016-17"):
        crime.trc_change(df, "Wolverhampton", "2017-18")
    with pytest.raises(ValueError):
        crime.total_recorded_crime(df, "Wolverhampton", "2018/19")


def test_unknown_crime_type_in_peer_table(df):
    with pytest.raises(ValueError, match="no crime type 'Burglery'"):
        crime.peer_table(df, "2018-19", "Burglery")


def test_peer_table_with_several_forces(tmp_path):
    cumbria = tmp_path / "2018-04" / "2018-04-cumbria-street.csv"
    cumbria.parent.mkdir()
    cumbria.write_text(
        (TREE / "2018-04" / "2018-04-west-midlands-street.csv").read_text().split("\n")[0]
        + "\n"
        + f"{0xC1:064x},2018-04,Cumbria Constabulary,Cumbria Constabulary,-2.9,54.9,On or near A,"
        "E01019100,Carlisle 001A,Burglary,Under investigation,\n"
    )
    files = list(policeuk.find_street_files(TREE)) + list(policeuk.find_street_files(tmp_path))
    both = clean.clean_street(policeuk.street_table(files)).data
    with pytest.raises(ValueError, match="several forces"):
        crime.peer_table(both, "2018-19", "Burglary")
    wmp = crime.peer_table(both, "2018-19", "Burglary", area="Wolverhampton")
    assert list(wmp.index) == ["Dudley", "Walsall", "Wolverhampton"]
    cumbrian = crime.peer_table(both, "2018-19", "Burglary", force="cumbria")
    assert list(cumbrian.index) == ["Carlisle"] and cumbrian.loc["Carlisle", "count_year"] == 1
    # Cumbria has no file for 2017-18: no month to compare, so no change (never a 0 to 1 rise)
    assert math.isnan(cumbrian.loc["Carlisle", "count_now"])
