"""Trends: every financial year the data hold, what drove the latest change, and anti-social
behaviour beside (never added to) recorded crime.

:func:`yearly` counts each year for an area, by crime type, saying how many months each year's
data cover; :func:`drivers` breaks the like-for-like change between two years down by crime
type, with each type's contribution to the net change; :func:`monthly_series` gives the months
of every year for the seasonality chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from swp_analysis import periods, stats

from .counts import year_on_year
from .coverage import coverage, covered_months, month_mask
from .select import check_area, counts_by, crime_mask, present

__all__ = ["drivers", "monthly_series", "years_held", "yearly"]

TOTAL = "All recorded crime"


def years_held(df: pd.DataFrame, area: str) -> list[str]:
    """The financial years with at least one covered month for ``area``, oldest first."""
    months = covered_months(df, area)
    return sorted({periods.fiscal_year(m) for m in months}, key=periods.start_of)


def yearly(df: pd.DataFrame, area: str, crime_types: list[str] | None = None) -> pd.DataFrame:
    """Recorded crime in every year the data hold: rows crime types (and ``TOTAL`` first),
    columns the years; ``attrs["months"]`` maps each year to its number of covered months.

    A year's count is over its covered months only; a part year is flagged by its months, never
    scaled up.
    """
    check_area(df, area)
    years = years_held(df, area)
    in_area = crime_mask(df) & (df["area"] == area).to_numpy()
    types = crime_types if crime_types is not None else present(df["crime_type"], in_area)
    table = {}
    for year in years:
        in_year = in_area & (df["fiscal_year"] == year).to_numpy()
        by_type = counts_by(df["crime_type"], in_year).reindex(types, fill_value=0)
        table[year] = pd.concat([pd.Series({TOTAL: int(in_year.sum())}), by_type])
    out = pd.DataFrame(table).astype("int64")
    known = covered_months(df, area)
    out.attrs["months"] = {y: coverage(df, area, y, known=known).n for y in years}
    return out


def drivers(df: pd.DataFrame, area: str, year: str) -> pd.DataFrame:
    """What drove the change in recorded crime from the year before: one row per crime type.

    Columns: before and now (the same calendar months of each year), change, pct_change
    (NaN on a base of 0), z (Poisson Z), verdict ("increase", "decrease" or "within normal
    variation", Wheeler's |Z| > 3), contribution (= change, in crimes) and share_of_net (the
    type's change as a share of the net change in all recorded crime, 0..1 and signed; NaN when
    the net change is 0). Rows are sorted by the size of their contribution, largest first.
    ``attrs`` holds ``net`` (the net change) and ``compared`` (the months of each year).
    """
    yoy = year_on_year(df, area, year)
    if yoy.change is None:
        raise ValueError(f"no month of both {periods.previous(year)} and {year} is covered for {area}")
    before_m, now_m = yoy.compared
    in_area = crime_mask(df) & (df["area"] == area).to_numpy()
    before = counts_by(df["crime_type"], in_area & month_mask(df, before_m))
    now = counts_by(df["crime_type"], in_area & month_mask(df, now_m))
    types = sorted(set(before.index) | set(now.index))
    table = pd.DataFrame(
        {"before": before.reindex(types, fill_value=0), "now": now.reindex(types, fill_value=0)}
    ).astype("int64")
    table["change"] = table["now"] - table["before"]
    summaries = [stats.change_summary(b, n) for b, n in zip(table["before"], table["now"], strict=True)]
    table["pct_change"] = [np.nan if s.pct is None else s.pct for s in summaries]
    table["z"] = [s.z for s in summaries]
    table["verdict"] = [s.verdict for s in summaries]
    net = int(table["change"].sum())
    table["contribution"] = table["change"]
    table["share_of_net"] = table["change"] / net if net else np.nan
    table = table.reindex(table["change"].abs().sort_values(ascending=False, kind="stable").index)
    table.index.name = "crime_type"
    table.attrs.update(net=net, compared=yoy.compared, like_for_like=yoy.like_for_like)
    return table


def monthly_series(df: pd.DataFrame, area: str, asb: bool = False) -> pd.DataFrame:
    """Every month of every year the data hold: columns month, fiscal_year and count (recorded
    crime, or anti-social behaviour with ``asb``); a month with no police file is ``<NA>``."""
    years = years_held(df, area)
    known = covered_months(df, area)
    months = [m for y in years for m in periods.months(y)]
    in_area = (df["location_status"] == "ok").to_numpy() & (df["area"] == area).to_numpy()
    wanted = df["is_asb"].to_numpy(dtype=bool) if asb else ~df["is_asb"].to_numpy(dtype=bool)
    counted = df.loc[in_area & wanted, "month"].value_counts()
    counted.index = pd.DatetimeIndex(counted.index).strftime("%Y-%m")
    values = [int(counted.get(m, 0)) if m in known else pd.NA for m in months]
    return pd.DataFrame(
        {
            "month": pd.to_datetime(pd.Index(months), format="%Y-%m"),
            "fiscal_year": [periods.fiscal_year(m) for m in months],
            "count": pd.array(values, dtype="Int64"),
        }
    )
