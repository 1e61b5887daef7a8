"""Counts of recorded crime and anti-social behaviour for an area and financial year.

police.uk has no separate "theft from a motor vehicle" category: its nearest measure is
"Vehicle crime", and figures here say which police.uk category they use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from swp_analysis import periods, stats

from .coverage import Coverage, comparable_months, coverage, covered_months
from .grid import grid
from .select import check_area, check_year, counts_by, selection


def recorded_crime(df: pd.DataFrame, area: str | None = None, fiscal_year: str | None = None) -> pd.DataFrame:
    """Kept, non-ASB records located in the force's own authorities, for an area and year."""
    return df.loc[selection(df, area, fiscal_year)]


def total_recorded_crime(df: pd.DataFrame, area: str, fiscal_year: str) -> int:
    """Total recorded crime (excluding anti-social behaviour) in ``area`` in ``fiscal_year``."""
    return int(selection(df, area, fiscal_year).sum())


def trc_change(df: pd.DataFrame, area: str, fiscal_year: str) -> stats.ChangeSummary:
    """Total recorded crime in ``fiscal_year`` against the year before: change, %, Poisson Z."""
    before = total_recorded_crime(df, area, periods.previous(fiscal_year))
    now = total_recorded_crime(df, area, fiscal_year)
    return stats.change_summary(before, now)


def count_in_months(
    df: pd.DataFrame, area: str, months: Iterable[str], crime_types: Iterable[str] | None = None
) -> int:
    """Recorded crime in ``area`` in the given months, of the given crime types (None: all)."""
    g = grid(df)
    a = g.area_index(area)
    if a is None:
        return 0
    return int(g.counts(crime_types)[a, g.month_positions(months)].sum())


@dataclass(frozen=True)
class YearOnYear:
    """A year's recorded crime against the year before's, over the months both years cover.

    ``total`` counts every covered month of the year (None when none is covered); ``change``
    compares the months in ``compared`` (the same calendar months in each year), and is None
    when the two years have no covered month in common.
    """

    before: Coverage
    now: Coverage
    compared: tuple[tuple[str, ...], tuple[str, ...]]
    total: int | None
    change: stats.ChangeSummary | None

    @property
    def like_for_like(self) -> bool:
        """True when both years are complete (a full year against a full year)."""
        return self.before.complete and self.now.complete


def year_on_year(
    df: pd.DataFrame, area: str, fiscal_year: str, crime_types: Iterable[str] | None = None
) -> YearOnYear:
    """Recorded crime in ``fiscal_year`` against the year before, like for like (see :class:`YearOnYear`)."""
    types = list(crime_types) if crime_types is not None else None
    known = covered_months(df, area)
    now = coverage(df, area, fiscal_year, known=known)
    before = coverage(df, area, periods.previous(fiscal_year), known=known)
    compared = comparable_months(before, now)
    total = count_in_months(df, area, now.months, types) if not now.empty else None
    change = None
    if compared[1]:
        change = stats.change_summary(
            count_in_months(df, area, compared[0], types), count_in_months(df, area, compared[1], types)
        )
    return YearOnYear(before, now, compared, total, change)


def crime_type_shares(df: pd.DataFrame, area: str, fiscal_year: str) -> pd.DataFrame:
    """Each police.uk crime type's count, share of the area's TRC (0..1) and rank (1 = largest).

    Index ``crime_type``; rows sorted by rank (ties share a rank, see
    :func:`stats.rank_contributors`). Types with no record that year are left out.
    """
    counts = counts_by(df["crime_type"], selection(df, area, fiscal_year))
    counts = counts[counts > 0].sort_index().astype("int64")
    counts.index.name = "crime_type"
    if counts.empty:
        raise ValueError(f"{area} has no recorded crime in {fiscal_year}, so no shares can be given")
    table = stats.rank_contributors(counts)
    table.index.name = "crime_type"
    return table


def asb_count(df: pd.DataFrame, area: str, fiscal_year: str) -> int:
    """Anti-social behaviour incidents located in ``area`` in ``fiscal_year`` (not crime)."""
    check_area(df, area)
    check_year(df, fiscal_year)
    mask = (
        df["is_asb"].to_numpy(dtype=bool)
        & (df["location_status"] == "ok").to_numpy()
        & (df["area"] == area).to_numpy()
        & (df["fiscal_year"] == fiscal_year).to_numpy()
    )
    return int(mask.sum())


# --------------------------------------------------------------------------------------------
