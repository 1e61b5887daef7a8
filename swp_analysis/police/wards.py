"""Where: recorded crime by electoral ward, and a density picture from binned map points.

Wards come from the ONS LSOA-to-ward lookup (``raw/lsoa-ward-lookup.csv``), applied by the
ingest; without it the processed table has no ward and these figures say so. Counts pass
through disclosure control (a ward's count of 1 to 4, and any that would reveal one from the
area's total, is withheld with its share). The density picture bins police.uk's map points
(which police.uk already snaps to a nearby point, not a home) into hexagons, and bins holding 1
to 4 crimes are not drawn; no record's coordinates are written into the report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from swp_analysis import suppression

from .counts import year_on_year
from .coverage import month_mask
from .select import crime_mask

__all__ = ["has_wards", "points", "top_wards", "ward_table"]


def has_wards(df: pd.DataFrame, area: str) -> bool:
    """True when the processed table knows the wards of ``area``'s records."""
    in_area = (df["area"] == area).to_numpy()
    return "ward" in df and bool(df.loc[in_area, "ward"].notna().any())


def _counts(df: pd.DataFrame, area: str, months: tuple[str, ...], crime_type: str | None) -> pd.Series:
    mask = crime_mask(df) & (df["area"] == area).to_numpy() & month_mask(df, months)
    if crime_type is not None:
        mask &= (df["crime_type"] == crime_type).to_numpy()
    wards = df.loc[mask, "ward"].astype(object).fillna("Ward not known")
    return wards.value_counts()


def ward_table(df: pd.DataFrame, area: str, year: str) -> pd.DataFrame:
    """One row per ward: ``before`` and ``now`` over the months both years cover, ``change``,
    ``year`` (the year's own count over its covered months) and ``share`` of the area's total;
    counts withheld as "*" (with their change and share) where disclosure control requires.
    Rows are ordered by this year's count, largest first."""
    yoy = year_on_year(df, area, year)
    year_counts = _counts(df, area, yoy.now.months, None)
    before = _counts(df, area, yoy.compared[0], None) if yoy.compared[0] else None
    now = _counts(df, area, yoy.compared[1], None) if yoy.compared[1] else None
    wards = list(year_counts.index)
    table = pd.DataFrame({"year": year_counts.reindex(wards, fill_value=0)})
    table["share"] = table["year"] / table["year"].sum()
    if before is not None:
        table["before"] = before.reindex(wards, fill_value=0)
        table["now"] = now.reindex(wards, fill_value=0)
        table["change"] = table["now"] - table["before"]
    hidden = _hidden(table)
    out = table.astype(object)
    out.loc[hidden, :] = suppression.SUPPRESSED
    out.index.name = "ward"
    return out


def _hidden(table: pd.DataFrame) -> pd.Series:
    """Rows whose year count, or whose counts in either compared year, disclosure control withholds."""
    columns = [c for c in ("year", "before", "now") if c in table]
    hidden = np.zeros(len(table), dtype=bool)
    for c in columns:
        hidden |= (suppression.suppress(table[c].astype("int64")) == suppression.SUPPRESSED).to_numpy()
    return pd.Series(hidden, index=table.index)


def top_wards(df: pd.DataFrame, area: str, year: str, crime_type: str, n: int = 5) -> pd.Series:
    """The ``n`` wards with most crimes of ``crime_type`` this year (count, or "*" if withheld)."""
    yoy = year_on_year(df, area, year)
    counts = _counts(df, area, yoy.now.months, crime_type).astype("int64")
    shown = suppression.suppress(counts)
    return shown.head(n)


def points(df: pd.DataFrame, area: str, year: str) -> pd.DataFrame:
    """The year's recorded crimes' map points (longitude, latitude) in ``area``, for binning only."""
    yoy = year_on_year(df, area, year)
    mask = crime_mask(df) & (df["area"] == area).to_numpy() & month_mask(df, yoy.now.months)
    return df.loc[mask, ["longitude", "latitude", "ward"]].dropna(subset=["longitude", "latitude"])
