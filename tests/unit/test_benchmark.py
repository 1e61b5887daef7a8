"""Fair benchmarks: a rate per 1,000 with its interval against the peers' pooled average.

The frames here are built from counts written down in each test, in the processed table's
columns (one row per crime), so every expected figure can be checked by hand.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from swp_analysis import periods, police, stats


def frame(counts: dict[tuple[str, str], int], crime_type: str = "Burglary") -> pd.DataFrame:
    """One row per crime: ``counts[(area, month)]`` crimes of ``crime_type`` in that month, all
    of force ``f``; a month listed with 0 still has the force's file (an ASB row elsewhere)."""
    rows = []
    for (area, month), n in counts.items():
        rows += [(area, month, crime_type, False)] * n
        rows.append((area, month, "Anti-social behaviour", True))  # the month's file exists
    df = pd.DataFrame(rows, columns=["area", "month", "crime_type", "is_asb"])
    df["fiscal_year"] = df["month"].map(periods.fiscal_year).astype("category")
    df["month"] = pd.to_datetime(df["month"], format="%Y-%m").astype("datetime64[s]")
    df["force"] = pd.Categorical(["f"] * len(df))
    df["location_status"] = pd.Categorical(["ok"] * len(df))
    df["area"] = df["area"].astype("category")
    df["crime_type"] = df["crime_type"].astype("category")
    return df


def full_years(per_month: dict[str, tuple[int, int]]) -> dict[tuple[str, str], int]:
    """Each area's monthly count in 2017-18 and in 2018-19, the same every month."""
    out = {}
    for area, (before, now) in per_month.items():
        for m in periods.months("2017-18"):
            out[(area, m)] = before
        for m in periods.months("2018-19"):
            out[(area, m)] = now
    return out


POPULATION = pd.DataFrame(
    {"area": ["A", "B", "C"], "year": [2018, 2018, 2018], "population": [10_000, 20_000, 30_000]}
)


def test_average_is_the_others_crimes_over_their_residents():
    df = frame(full_years({"A": (10, 10), "B": (10, 10), "C": (10, 20)}))
    b = police.benchmark(df, "A", "2018-19", "Burglary", POPULATION)
    # B: 120 crimes, C: 240, over 50,000 residents: 7.2 per 1,000 (not the mean of 6.0 and 8.0)
    assert b.average == pytest.approx(360 / 50_000 * 1000)
    # A: 120 over 10,000 = 12.0 per 1,000; Byar's lower limit for 120 is 9.95 > 7.2: higher
    assert b.table.loc["A", "rate_per_1000"] == pytest.approx(12.0)
    assert b.verdict == "higher"
    assert b.others == ["B", "C"]


def test_an_interval_across_the_average_is_similar():
    # A: 8 a month, 96 a year per 10,000 = 9.6 (interval about 7.8 to 11.7); others: 9.0
    df = frame(full_years({"A": (8, 8), "B": (15, 15), "C": (15, 30)}))
    b = police.benchmark(df, "A", "2018-19", "Burglary", POPULATION)
    lower, upper = stats.count_ci(96)
    assert lower / 10 < b.average < upper / 10
    assert b.verdict == "similar"


def test_a_part_year_is_not_compared_and_says_why():
    counts = full_years({"A": (10, 10), "B": (10, 10)})
    del counts[("A", "2019-03")], counts[("B", "2019-03")]  # no March 2019 file at all
    b = police.benchmark(frame(counts), "A", "2018-19", "Burglary", POPULATION)
    assert b.reason == "part year" and b.average is None
    assert b.table.loc["A", "months_now"] == 11
    assert math.isnan(b.table.loc["A", "rate_per_1000"])
    # the change still compares like with like: April to February of each year, 110 against 110
    assert (b.table.loc["A", "count_before"], b.table.loc["A", "count_now"]) == (110, 110)


def test_no_population_means_no_rate_never_nan_in_words():
    df = frame(full_years({"A": (10, 10), "D": (10, 10)}))
    b = police.benchmark(df, "D", "2018-19", "Burglary", POPULATION)
    assert b.reason == "no population" and b.verdict == "not compared"


def test_peers_from_the_content_are_used_when_the_data_hold_them():
    df = frame(full_years({"A": (10, 10), "B": (10, 10), "C": (10, 20)}))
    b = police.benchmark(df, "A", "2018-19", "Burglary", POPULATION, peers=["C", "Z"])
    assert list(b.table.index) == ["A", "C"]  # Z is not in the data
    assert b.average == pytest.approx(240 / 30_000 * 1000)
