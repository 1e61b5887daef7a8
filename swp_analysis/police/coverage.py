"""How many of a year's twelve months the police data cover, and comparing like with like.

police.uk publishes one street-level file per force and month. A month is *covered* for an area
when the file of the force that polices it is in the data for that month (the file holds the
force's records, so a covered month with no crime in the area counts 0; an uncovered month is
unknown, never 0). A year with fewer than twelve covered months is never presented as a full
year: :class:`Coverage` says which months are missing, and :func:`comparable_months` picks the
months two years both cover, so a change compares the same months or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from swp_analysis import formatting, periods

from .grid import grid

__all__ = ["Coverage", "comparable_months", "coverage", "covered_months"]


@dataclass(frozen=True)
class Coverage:
    """The months of ``year`` the police data cover for an area (``"YYYY-MM"``, in order)."""

    year: str
    months: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(m for m in periods.months(self.year) if m not in self.months)

    @property
    def n(self) -> int:
        return len(self.months)

    @property
    def complete(self) -> bool:
        return self.n == 12

    @property
    def empty(self) -> bool:
        return self.n == 0

    @property
    def note(self) -> str:
        """ "" for a complete year, else "11 of 12 months; the missing month is July 2019"."""
        return formatting.coverage_note(self.year, self.months, self.missing)


def covered_months(df: pd.DataFrame, area: str) -> set[str]:
    """Every month (``"YYYY-MM"``) whose file, of a force that polices ``area``, is in the data.

    The forces are those with any record located in ``area``, in any year; an area the data do
    not hold at all has no covered month.
    """
    g = grid(df)
    a = g.area_index(area)
    if a is None:
        return set()
    return {m for m, yes in zip(g.months, g.covered[a], strict=True) if yes}


def coverage(df: pd.DataFrame, area: str, year: str, *, known: Iterable[str] | None = None) -> Coverage:
    """The months of ``year`` covered for ``area`` (``known``: :func:`covered_months`, if at hand)."""
    have = set(known) if known is not None else covered_months(df, area)
    return Coverage(year, tuple(m for m in periods.months(year) if m in have))


def comparable_months(before: Coverage, now: Coverage) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The months of each year to compare: the calendar months both years cover, in order.

    Two complete years compare all twelve; November only in each compares November with
    November; years with no month in common compare nothing (two empty tuples).

    >>> a = Coverage("2016-17", ("2016-11",))
    >>> b = Coverage("2017-18", ("2017-11", "2017-12"))
    >>> comparable_months(a, b)
    (('2016-11',), ('2017-11',))
    """
    before_by_month = {m[5:]: m for m in before.months}
    now_by_month = {m[5:]: m for m in now.months}
    common = [
        mm for mm in (m[5:] for m in periods.months(now.year)) if mm in before_by_month and mm in now_by_month
    ]
    return tuple(before_by_month[mm] for mm in common), tuple(now_by_month[mm] for mm in common)


def month_mask(df: pd.DataFrame, months: Iterable[str]) -> np.ndarray:
    """True for the rows of the given months (``"YYYY-MM"``)."""
    wanted = pd.to_datetime(pd.Index(list(months)), format="%Y-%m")
    return df["month"].isin(wanted).to_numpy()
