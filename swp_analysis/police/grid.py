"""Counts by area and month, made in one pass over the processed table and kept for reuse.

Every police figure is a sum over some areas and months of records of some crime types. Rather
than scan a national table once per area, year and crime type, :func:`grid` counts each area's
records of each month in a single pass (``numpy.bincount`` over the categorical codes), and says
which months each area's force files cover. The results are cached for the life of the table
(a kernel or a build reads it once), keyed by the table object itself.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Grid", "grid"]

_CACHE: dict[int, tuple[weakref.ref, Grid]] = {}


@dataclass
class Grid:
    """Areas x months of one processed police table.

    ``months`` are ``"YYYY-MM"`` from the first to the last month in the data; ``covered[a, m]``
    is True when a file of a force that polices area ``a`` is in the data for month ``m``.
    """

    areas: list[str]
    months: list[str]
    covered: np.ndarray
    _codes: dict = field(repr=False, default_factory=dict)
    _counts: dict = field(repr=False, default_factory=dict)

    def area_index(self, area: str) -> int | None:
        try:
            return self.areas.index(area)
        except ValueError:
            return None

    def month_positions(self, months: Iterable[str]) -> list[int]:
        first = _month_number(self.months[0]) if self.months else 0
        out = []
        for m in months:
            k = _month_number(m) - first
            if 0 <= k < len(self.months):
                out.append(k)
        return out

    def counts(self, crime_types: Iterable[str] | None = None, asb: bool = False) -> np.ndarray:
        """Located records per area and month: recorded crime of ``crime_types`` (None: all),
        or anti-social behaviour with ``asb``."""
        key = (None if crime_types is None else tuple(sorted(crime_types)), asb)
        if key not in self._counts:
            c = self._codes
            mask = c["ok"] & (c["asb"] if asb else ~c["asb"])
            if crime_types is not None:
                wanted = [i for i, t in enumerate(c["types"]) if t in set(crime_types)]
                mask &= np.isin(c["type"], wanted)
            n_a, n_m = len(self.areas), len(self.months)
            flat = c["area"][mask] * n_m + c["month"][mask]
            self._counts[key] = np.bincount(flat, minlength=n_a * n_m).reshape(n_a, n_m)
        return self._counts[key]


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Category codes as int64 (arithmetic on int8 codes would overflow), and the categories."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    return column.cat.codes.to_numpy().astype(np.int64), [str(c) for c in column.cat.categories]


def _build(df: pd.DataFrame) -> Grid:
    area, areas = _codes(df["area"])
    force, forces = _codes(df["force"])
    kind, types = _codes(df["crime_type"])
    stamps = df["month"].to_numpy().astype("datetime64[M]").astype(np.int64)
    first = int(stamps.min()) if len(stamps) else 0
    month = (stamps - first).astype(np.int64)
    n_m = int(month.max()) + 1 if len(month) else 0
    months = [f"{(first + k) // 12 + 1970}-{(first + k) % 12 + 1:02d}" for k in range(n_m)]
    ok = (df["location_status"] == "ok").to_numpy() & (area >= 0)
    n_a, n_f = len(areas), max(len(forces), 1)
    has_force = force >= 0
    flat = force[has_force] * n_m + month[has_force]
    force_month = np.bincount(flat, minlength=n_f * n_m).reshape(n_f, n_m) > 0
    located = ok & has_force
    flat = area[located] * n_f + force[located]
    area_force = np.bincount(flat, minlength=n_a * n_f).reshape(n_a, n_f) > 0
    covered = (area_force.astype(np.int64) @ force_month.astype(np.int64)) > 0
    g = Grid(areas, months, covered)
    g._codes.update(area=np.where(area >= 0, area, 0), month=month, ok=ok, type=kind, types=types,
                    asb=df["is_asb"].to_numpy(dtype=bool))  # fmt: skip
    return g


def grid(df: pd.DataFrame) -> Grid:
    """The table's :class:`Grid`, built on first use and cached while the table lives."""
    key = id(df)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is df:
        return hit[1]
    built = _build(df)
    _CACHE[key] = (weakref.ref(df, lambda _r, k=key: _CACHE.pop(k, None)), built)
    return built
