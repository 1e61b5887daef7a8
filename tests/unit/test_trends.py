"""Trends, drivers, outcomes and anti-social behaviour, checked against counts made with the csv
module from the sample's files (tests/conftest.py), independently of the library."""

from __future__ import annotations

import pytest
from conftest import count_crimes_by_type

from swp_analysis import ingest, police
from swp_analysis.paths import DataPaths


@pytest.fixture(scope="module")
def df(sample_dir):
    return ingest.load_police(DataPaths.from_arg(sample_dir))


def test_yearly_totals_for_every_year(df, sample_dir):
    table = police.yearly(df, "Wolverhampton")
    assert list(table.columns) == ["2016-17", "2017-18", "2018-19"]
    for start, year in ((2016, "2016-17"), (2017, "2017-18"), (2018, "2018-19")):
        counted = count_crimes_by_type(sample_dir, start=start)
        assert table.loc[police.TOTAL, year] == sum(counted.values())
        for crime_type, n in counted.items():
            assert table.loc[crime_type, year] == n
    assert table.attrs["months"] == {"2016-17": 12, "2017-18": 12, "2018-19": 12}


def test_drivers_add_up_to_the_net_change(df, sample_dir):
    before = count_crimes_by_type(sample_dir, start=2017)
    now = count_crimes_by_type(sample_dir, start=2018)
    d = police.drivers(df, "Wolverhampton", "2018-19")
    for crime_type in before:
        assert d.loc[crime_type, "before"] == before[crime_type]
        assert d.loc[crime_type, "now"] == now[crime_type]
    net = sum(now.values()) - sum(before.values())
    assert d.attrs["net"] == net and d["contribution"].sum() == net
    assert d["share_of_net"].sum() == pytest.approx(1.0)
    assert abs(d["change"].iloc[0]) == max(abs(now[t] - before[t]) for t in before)  # largest first


def test_outcomes_as_published(df, sample_dir):
    counted = count_crimes_by_type(sample_dir, column="Last outcome category")
    table = police.outcomes(df, "Wolverhampton", "2018-19")
    done = "Investigation complete; no suspect identified"
    assert table.loc[done, "count"] == counted[done]
    assert table.loc[done, "share"] == pytest.approx(counted[done] / sum(counted.values()))


def test_asb_by_month_adds_to_the_csv_count(df, sample_dir):
    series = police.monthly_series(df, "Wolverhampton", asb=True)
    for start, year in ((2016, "2016-17"), (2018, "2018-19")):
        counted = sum(count_crimes_by_type(sample_dir, start=start, asb=True).values())
        assert series.loc[series["fiscal_year"] == year, "count"].sum() == counted
