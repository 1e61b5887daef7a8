"""Choosing rows of the processed police table: recorded crime in an area and year.

What counts as recorded crime (the report's "total recorded crime", TRC): a kept record that is
not anti-social behaviour and whose ``location_status`` is ``ok``, i.e. it lies in one of the
force's own authorities. Rows with no location, and rows in an authority outside the force, are
in no area's figure; both are counted in the data-quality reconciliation.

Asking for an area or a financial year that the data do not hold raises :class:`ValueError`
naming what is there, so a missing input can never be reported as a count of zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from swp_analysis import periods


def areas_present(df: pd.DataFrame) -> list[str]:
    """The authorities with at least one record located in their own force's area, sorted."""
    return present(df["area"], (df["location_status"] == "ok").to_numpy())


def selection(df: pd.DataFrame, area: str | None, fiscal_year: str | None) -> np.ndarray:
    mask = crime_mask(df)
    if area is not None:
        check_area(df, area)
        mask &= (df["area"] == area).to_numpy()
    if fiscal_year is not None:
        check_year(df, fiscal_year)
        mask &= (df["fiscal_year"] == fiscal_year).to_numpy()
    return mask


def present(column: pd.Series, mask: np.ndarray | None = None) -> list[str]:
    """The distinct values of ``column`` (where ``mask``), sorted; by code for a categorical."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        if mask is not None:
            codes = codes[mask]
        used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)) > 0
        return sorted(str(c) for c in column.cat.categories[used])
    values = column if mask is None else column[mask]
    return sorted(values.dropna().astype(str).unique())


def counts_by(column: pd.Series, mask: np.ndarray) -> pd.Series:
    """Rows per value of ``column`` where ``mask`` (values with none left out)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()[mask]
        n = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories))
        out = pd.Series(n, index=column.cat.categories.astype(str), dtype="int64")
        return out[out > 0]
    return column[mask].astype(str).value_counts().astype("int64")


def crime_mask(df: pd.DataFrame) -> np.ndarray:
    return ~df["is_asb"].to_numpy(dtype=bool) & (df["location_status"] == "ok").to_numpy()


def check_area(df: pd.DataFrame, area: str) -> None:
    """ValueError, listing the areas the data hold, when ``area`` has no located record."""
    if (
        is_present(df["area"], area)
        and ((df["location_status"] == "ok").to_numpy() & (df["area"] == area).to_numpy()).any()
    ):
        return
    found = areas_present(df)
    if area not in found:
        raise ValueError(f"the police data hold no records for {area!r}; areas present: {', '.join(found)}")


def check_year(df: pd.DataFrame, fiscal_year: str) -> None:
    """ValueError, listing the years the data hold, when ``fiscal_year`` has no record."""
    periods.previous(fiscal_year)  # a ValueError for a malformed label
    if is_present(df["fiscal_year"], fiscal_year) and (df["fiscal_year"] == fiscal_year).any():
        return
    years = present(df["fiscal_year"])
    if fiscal_year not in years:
        raise ValueError(
            f"the police data hold no records for {fiscal_year}; fiscal years present: {', '.join(years)}"
        )


def is_present(column: pd.Series, value: str) -> bool:
    """False when a categorical column cannot hold ``value`` (a quick first test)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return value in column.cat.categories
    return True
