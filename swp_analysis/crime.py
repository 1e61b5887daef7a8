"""The report's police figures, from the processed police table (:func:`ingest.load_police`).

Pure functions: a DataFrame in, numbers or tables out. Arithmetic (change, Poisson Z, shares,
ranks, rates and their intervals) comes from :mod:`swp_analysis.stats`; this module only
chooses the rows and builds the tables.

What counts as recorded crime (the report's "total recorded crime", TRC): a kept record that
is not anti-social behaviour and whose ``location_status`` is ``ok``, i.e. it lies in one of
the force's own authorities. Rows with no location cannot be put in any area and rows in an
authority outside the force belong to another force's count, so neither is in an area's
figure; both are counted in the data-quality reconciliation. police.uk has no separate
"theft from a motor vehicle" category: its nearest measure is "Vehicle crime", and figures
here say which police.uk category they use.

Asking for an area or a fiscal year that the data do not hold raises :class:`ValueError`
naming what is there, so a missing input can never be reported as a count of zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from swp_analysis import periods, stats

__all__ = [
    "recorded_crime",
    "total_recorded_crime",
    "trc_change",
    "crime_type_shares",
    "monthly_counts",
    "peer_table",
    "areas_present",
    "asb_count",
]


def recorded_crime(df: pd.DataFrame, area: str | None = None, fiscal_year: str | None = None) -> pd.DataFrame:
    """Kept, non-ASB records located in the force's own authorities, for an area and year."""
    return df.loc[_selection(df, area, fiscal_year)]


def total_recorded_crime(df: pd.DataFrame, area: str, fiscal_year: str) -> int:
    """Total recorded crime (excluding anti-social behaviour) in ``area`` in ``fiscal_year``."""
    return int(_selection(df, area, fiscal_year).sum())


def trc_change(df: pd.DataFrame, area: str, fiscal_year: str) -> stats.ChangeSummary:
    """Total recorded crime in ``fiscal_year`` against the year before: change, %, Poisson Z."""
    before = total_recorded_crime(df, area, periods.previous(fiscal_year))
    now = total_recorded_crime(df, area, fiscal_year)
    return stats.change_summary(before, now)


def crime_type_shares(df: pd.DataFrame, area: str, fiscal_year: str) -> pd.DataFrame:
    """Each police.uk crime type's count, share of the area's TRC (0..1) and rank (1 = largest).

    Index ``crime_type``; rows sorted by rank (ties share a rank, see
    :func:`stats.rank_contributors`). Types with no record that year are left out.
    """
    counts = _counts_by(df["crime_type"], _selection(df, area, fiscal_year))
    counts = counts[counts > 0].sort_index().astype("int64")
    counts.index.name = "crime_type"
    if counts.empty:
        raise ValueError(f"{area} has no recorded crime in {fiscal_year}, so no shares can be given")
    table = stats.rank_contributors(counts)
    table.index.name = "crime_type"
    return table


def monthly_counts(df: pd.DataFrame, area: str, fiscal_years: list[str]) -> pd.DataFrame:
    """Recorded crime per month of each fiscal year: columns month, fiscal_year, count.

    Every month of the years is listed. A month whose police file is present (the area's force
    has records that month) and holds no crime for the area counts 0; a month with no file at
    all has a missing count (``<NA>``), never 0.
    """
    _check_area(df, area)
    months = [m for fy in fiscal_years for m in periods.months(fy)]
    stamps = pd.to_datetime(pd.Index(months), format="%Y-%m").astype("datetime64[s]")
    ok_in_area = (df["location_status"] == "ok").to_numpy() & (df["area"] == area).to_numpy()
    forces = _present(df["force"], ok_in_area)
    in_force = df["force"].isin(forces).to_numpy()
    with_file = set(pd.DatetimeIndex(df.loc[in_force, "month"].unique()).astype("datetime64[s]"))
    crimes = df.loc[_crime_mask(df) & ok_in_area, "month"]
    counted = crimes.value_counts()
    counted.index = pd.DatetimeIndex(counted.index).astype("datetime64[s]")
    values = [int(counted.get(s, 0)) if s in with_file else pd.NA for s in stamps]
    return pd.DataFrame(
        {
            "month": stamps,
            "fiscal_year": [periods.fiscal_year(m) for m in months],
            "count": pd.array(values, dtype="Int64"),
        }
    )


def peer_table(
    df: pd.DataFrame,
    fiscal_year: str,
    crime_type: str | None,
    population: pd.DataFrame | None = None,
    *,
    force: str | None = None,
    area: str | None = None,
) -> pd.DataFrame:
    """One row per authority of the force (index ``area``), the year before against this one.

    The authorities are those of the force (see :mod:`swp_analysis.clean`) with any located
    record, of any type, in the two years: an authority the data do not cover is left out,
    never shown as zero (and one created or abolished in a boundary change is not invented).

    Columns: count_before, count_now, change, pct_change (percent; NaN when the base is 0),
    z (Poisson Z, Wheeler), and with ``population`` (columns area, year, population; the
    mid-year estimate inside the fiscal year is used, mid-2018 for 2018-19) rate_per_1000 with
    its 95% interval rate_lower/rate_upper (:func:`stats.rate_per`). ``crime_type`` None
    means all recorded crime. The force is the only one in the data, or the one given
    (``force=``) or the one that polices ``area=``. Rank with :func:`stats.rank_among_peers`.
    """
    force = _choose_force(df, force, area)
    before_year = periods.previous(fiscal_year)
    _check_year(df, fiscal_year)
    _check_year(df, before_year)
    of_force = (df["force"] == force).to_numpy()
    in_years = (df["fiscal_year"] == fiscal_year).to_numpy() | (df["fiscal_year"] == before_year).to_numpy()
    located = of_force & (df["location_status"] == "ok").to_numpy() & in_years
    authorities = _present(df["area"], located)
    mask = _crime_mask(df) & of_force
    if crime_type is not None:
        known = _present(df["crime_type"])
        if crime_type not in known:
            raise ValueError(f"no crime type {crime_type!r}; the data hold {', '.join(known)}")
        mask &= (df["crime_type"] == crime_type).to_numpy()

    def counts(year: str) -> pd.Series:
        in_year = mask & (df["fiscal_year"] == year).to_numpy()
        found = _counts_by(df["area"], in_year)
        return found.reindex(authorities, fill_value=0)

    table = pd.DataFrame({"count_before": counts(before_year), "count_now": counts(fiscal_year)})
    table.index.name = "area"
    table = table.astype("int64")
    table["change"] = table["count_now"] - table["count_before"]
    table["pct_change"] = [
        _nan_if_none(stats.pct_change(b, n))
        for b, n in zip(table["count_before"], table["count_now"], strict=True)
    ]
    table["z"] = [
        stats.poisson_z(b, n) for b, n in zip(table["count_before"], table["count_now"], strict=True)
    ]
    if population is not None:
        year = periods.mid_year(fiscal_year)
        pop = population.assign(year=population["year"].astype(int))
        pop = pop.loc[pop["year"] == year].drop_duplicates("area").set_index("area")["population"]
        rates = [
            stats.rate_per(n, pop[a], per=1000) if a in pop.index and pop[a] > 0 else None
            for a, n in zip(table.index, table["count_now"], strict=True)
        ]
        table["population"] = [float(pop[a]) if a in pop.index else np.nan for a in table.index]
        table["rate_per_1000"] = [r.value if r else np.nan for r in rates]
        table["rate_lower"] = [r.lower if r else np.nan for r in rates]
        table["rate_upper"] = [r.upper if r else np.nan for r in rates]
    return table


def areas_present(df: pd.DataFrame) -> list[str]:
    """The authorities with at least one record located in their own force's area, sorted."""
    return _present(df["area"], (df["location_status"] == "ok").to_numpy())


def asb_count(df: pd.DataFrame, area: str, fiscal_year: str) -> int:
    """Anti-social behaviour incidents located in ``area`` in ``fiscal_year`` (not crime)."""
    _check_area(df, area)
    _check_year(df, fiscal_year)
    mask = (
        df["is_asb"].to_numpy(dtype=bool)
        & (df["location_status"] == "ok").to_numpy()
        & (df["area"] == area).to_numpy()
        & (df["fiscal_year"] == fiscal_year).to_numpy()
    )
    return int(mask.sum())


# --------------------------------------------------------------------------------------------


def _selection(df: pd.DataFrame, area: str | None, fiscal_year: str | None) -> np.ndarray:
    mask = _crime_mask(df)
    if area is not None:
        _check_area(df, area)
        mask &= (df["area"] == area).to_numpy()
    if fiscal_year is not None:
        _check_year(df, fiscal_year)
        mask &= (df["fiscal_year"] == fiscal_year).to_numpy()
    return mask


def _present(column: pd.Series, mask: np.ndarray | None = None) -> list[str]:
    """The distinct values of ``column`` (where ``mask``), sorted; by code for a categorical."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        if mask is not None:
            codes = codes[mask]
        used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)) > 0
        return sorted(str(c) for c in column.cat.categories[used])
    values = column if mask is None else column[mask]
    return sorted(values.dropna().astype(str).unique())


def _counts_by(column: pd.Series, mask: np.ndarray) -> pd.Series:
    """Rows per value of ``column`` where ``mask`` (values with none left out)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()[mask]
        n = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories))
        out = pd.Series(n, index=column.cat.categories.astype(str), dtype="int64")
        return out[out > 0]
    return column[mask].astype(str).value_counts().astype("int64")


def _crime_mask(df: pd.DataFrame) -> np.ndarray:
    return ~df["is_asb"].to_numpy(dtype=bool) & (df["location_status"] == "ok").to_numpy()


def _check_area(df: pd.DataFrame, area: str) -> None:
    if (
        _is_present(df["area"], area)
        and ((df["location_status"] == "ok").to_numpy() & (df["area"] == area).to_numpy()).any()
    ):
        return
    present = areas_present(df)
    if area not in present:
        raise ValueError(f"the police data hold no records for {area!r}; areas present: {', '.join(present)}")


def _check_year(df: pd.DataFrame, fiscal_year: str) -> None:
    periods.previous(fiscal_year)  # a ValueError for a malformed label
    if _is_present(df["fiscal_year"], fiscal_year) and (df["fiscal_year"] == fiscal_year).any():
        return
    years = _present(df["fiscal_year"])
    if fiscal_year not in years:
        raise ValueError(
            f"the police data hold no records for {fiscal_year}; fiscal years present: {', '.join(years)}"
        )


def _is_present(column: pd.Series, value: str) -> bool:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return value in column.cat.categories
    return True


def _choose_force(df: pd.DataFrame, force: str | None, area: str | None) -> str:
    forces = _present(df["force"])
    if force is not None:
        if force not in forces:
            raise ValueError(f"no force {force!r} in the police data; forces present: {', '.join(forces)}")
        return force
    if area is not None:
        _check_area(df, area)
        ok = (df["location_status"] == "ok").to_numpy() & (df["area"] == area).to_numpy()
        holding = _present(df["force"], ok)
        return holding[0]
    if len(forces) != 1:
        raise ValueError(f"the police data hold several forces ({', '.join(forces)}): pass force= or area=")
    return forces[0]


def _nan_if_none(x: float | None) -> float:
    return np.nan if x is None else float(x)
