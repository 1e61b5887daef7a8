"""The force's authorities side by side on one crime type: counts, change and rates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from swp_analysis import periods, stats

from .counts import year_on_year
from .select import check_area, check_year, present


def peer_table(
    df: pd.DataFrame,
    fiscal_year: str,
    crime_type: str | None,
    population: pd.DataFrame | None = None,
    *,
    force: str | None = None,
    area: str | None = None,
    areas: list[str] | None = None,
) -> pd.DataFrame:
    """One row per authority (index ``area``), the year before against this one, like for like.

    The authorities are ``areas`` if given, else those of the force (see
    :mod:`swp_analysis.clean`) with any located record, of any type, in the two years: an
    authority the data do not cover is left out, never shown as zero. The force is the only one
    in the data, or the one given (``force=``) or the one that polices ``area=``.

    Each authority's counts are over the calendar months both years cover for it
    (:func:`swp_analysis.police.coverage.comparable_months`), so a partial year is compared
    like with like: columns count_before, count_now, change, pct_change (percent; NaN when the
    base is 0), z (Poisson Z, Wheeler), months (the number of months compared) and months_now
    (the months of this year covered). With ``population`` (the mid-year estimate inside the
    financial year, mid-2018 for 2018-19): population, and rate_per_1000 with its 95% interval
    rate_lower/rate_upper (:func:`stats.rate_per`), given only for a complete year (NaN when the
    year is partial or the population is not known). ``crime_type`` None means all recorded
    crime. Rank with :func:`stats.rank_among_peers`.
    """
    if areas is None:
        areas = _force_authorities(df, _choose_force(df, force, area), fiscal_year)
    if crime_type is not None:
        known = present(df["crime_type"])
        if crime_type not in known:
            raise ValueError(f"no crime type {crime_type!r}; the data hold {', '.join(known)}")
    types = [crime_type] if crime_type is not None else None
    rows = {}
    for name in areas:
        yoy = year_on_year(df, name, fiscal_year, types)
        before = yoy.change.before if yoy.change else np.nan
        now = yoy.change.now if yoy.change else np.nan
        rows[name] = {
            "count_before": before,
            "count_now": now,
            "months": len(yoy.compared[1]),
            "months_now": yoy.now.n,
            "count_year": yoy.total if yoy.total is not None else np.nan,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "area"
    table["change"] = table["count_now"] - table["count_before"]
    table["pct_change"] = [_pct(b, n) for b, n in zip(table["count_before"], table["count_now"], strict=True)]
    table["z"] = [_z(b, n) for b, n in zip(table["count_before"], table["count_now"], strict=True)]
    if population is not None:
        _add_rates(table, population, fiscal_year)
    return table


def _force_authorities(df: pd.DataFrame, force: str, fiscal_year: str) -> list[str]:
    """The force's authorities with any located record in the year or the year before."""
    before_year = periods.previous(fiscal_year)
    check_year(df, fiscal_year)
    of_force = (df["force"] == force).to_numpy()
    in_years = (df["fiscal_year"] == fiscal_year).to_numpy() | (df["fiscal_year"] == before_year).to_numpy()
    return present(df["area"], of_force & (df["location_status"] == "ok").to_numpy() & in_years)


def _add_rates(table: pd.DataFrame, population: pd.DataFrame, fiscal_year: str) -> None:
    """Rates per 1,000 residents for complete years where the population is known."""
    year = periods.mid_year(fiscal_year)
    pop = population.assign(year=population["year"].astype(int))
    pop = pop.loc[pop["year"] == year].drop_duplicates("area").set_index("area")["population"]
    rates = []
    for a, row in table.iterrows():
        known = a in pop.index and pop[a] > 0 and row["months_now"] == 12
        rates.append(stats.rate_per(row["count_year"], pop[a], per=1000) if known else None)
    table["population"] = [float(pop[a]) if a in pop.index else np.nan for a in table.index]
    table["rate_per_1000"] = [r.value if r else np.nan for r in rates]
    table["rate_lower"] = [r.lower if r else np.nan for r in rates]
    table["rate_upper"] = [r.upper if r else np.nan for r in rates]


def _pct(before: float, now: float) -> float:
    if pd.isna(before) or pd.isna(now):
        return np.nan
    return _nan_if_none(stats.pct_change(before, now))


def _z(before: float, now: float) -> float:
    if pd.isna(before) or pd.isna(now):
        return np.nan
    return stats.poisson_z(before, now)


def _choose_force(df: pd.DataFrame, force: str | None, area: str | None) -> str:
    forces = present(df["force"])
    if force is not None:
        if force not in forces:
            raise ValueError(f"no force {force!r} in the police data; forces present: {', '.join(forces)}")
        return force
    if area is not None:
        check_area(df, area)
        ok = (df["location_status"] == "ok").to_numpy() & (df["area"] == area).to_numpy()
        holding = present(df["force"], ok)
        return holding[0]
    if len(forces) != 1:
        raise ValueError(f"the police data hold several forces ({', '.join(forces)}): pass force= or area=")
    return forces[0]


def _nan_if_none(x: float | None) -> float:
    return np.nan if x is None else float(x)
