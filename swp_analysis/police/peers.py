"""The force's authorities side by side on one crime type: counts, change and rates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from swp_analysis import periods, stats

from .select import check_area, check_year, counts_by, crime_mask, present


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
    check_year(df, fiscal_year)
    check_year(df, before_year)
    of_force = (df["force"] == force).to_numpy()
    in_years = (df["fiscal_year"] == fiscal_year).to_numpy() | (df["fiscal_year"] == before_year).to_numpy()
    located = of_force & (df["location_status"] == "ok").to_numpy() & in_years
    authorities = present(df["area"], located)
    mask = crime_mask(df) & of_force
    if crime_type is not None:
        known = present(df["crime_type"])
        if crime_type not in known:
            raise ValueError(f"no crime type {crime_type!r}; the data hold {', '.join(known)}")
        mask &= (df["crime_type"] == crime_type).to_numpy()

    def counts(year: str) -> pd.Series:
        in_year = mask & (df["fiscal_year"] == year).to_numpy()
        found = counts_by(df["area"], in_year)
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
