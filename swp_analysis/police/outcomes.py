"""Outcomes: the ``Last outcome category`` police.uk publishes for each crime, as published.

Outcomes are updated after publication (a crime "under investigation" this month may be
charged next), so the latest months of a year look less resolved than older ones. Counts pass
through disclosure control: a count of 1 to 4 is withheld with its share, and so is any count
that would reveal one from the totals shown.
"""

from __future__ import annotations

import pandas as pd

from swp_analysis import suppression

from .select import check_area, check_year, crime_mask

__all__ = ["NO_OUTCOME", "outcomes", "outcomes_by_type"]

NO_OUTCOME = "No outcome given in the data"


def _year_crimes(df: pd.DataFrame, area: str, year: str) -> pd.DataFrame:
    check_area(df, area)
    check_year(df, year)
    mask = crime_mask(df) & (df["area"] == area).to_numpy() & (df["fiscal_year"] == year).to_numpy()
    crimes = df.loc[mask, ["crime_type", "last_outcome"]].astype(object)
    crimes["last_outcome"] = crimes["last_outcome"].fillna(NO_OUTCOME)
    return crimes


def outcomes(df: pd.DataFrame, area: str, year: str) -> pd.DataFrame:
    """Each outcome category of the year's crimes, as published: ``count``, ``share`` and
    ``rank`` (largest first), withheld as "*" where disclosure control requires."""
    crimes = _year_crimes(df, area, year)
    counts = crimes["last_outcome"].value_counts().sort_index()
    table = suppression.publishable_breakdown(counts.astype("int64"))
    table.index.name = "outcome"
    return table


def outcomes_by_type(df: pd.DataFrame, area: str, year: str, crime_types: list[str]) -> pd.DataFrame:
    """Outcome categories (rows) by crime type (columns) for the given types, counts of the
    year's crimes; "*" where disclosure control withholds a count (rows and columns with
    totals are protected by secondary suppression)."""
    crimes = _year_crimes(df, area, year)
    crimes = crimes[crimes["crime_type"].isin(crime_types)]
    table = pd.crosstab(crimes["last_outcome"], crimes["crime_type"]).reindex(
        columns=crime_types, fill_value=0
    )
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    return suppression.suppress(table)
