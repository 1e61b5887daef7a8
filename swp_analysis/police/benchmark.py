"""Fair benchmarks: an area's rate per 1,000 residents against the average of its peers.

Following PHE/OHID Fingertips, an area is "higher than", "similar to" or "lower than" a
benchmark when its 95% confidence interval lies wholly above it, overlaps it, or lies wholly
below it (:func:`swp_analysis.stats.compare_to_benchmark`). The benchmark is the average of the
*other* authorities: their crimes summed over their residents summed (a pooled rate, as
Fingertips' regional values are). Ranks are not used: where intervals overlap, no authority is
better or worse than another.

Peers are the force's other authorities by default, or the list the content gives
(``comparison.peers`` in ``report.yaml``), using those the police data hold. Rates need a
complete year and a known population; otherwise the comparison is withheld and says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from swp_analysis import stats

from .peers import peer_table
from .select import areas_present

__all__ = ["Benchmark", "benchmark", "rate_trend"]


@dataclass(frozen=True)
class Benchmark:
    """One crime type's rates for an area and its peers, and the verdict against the peers' average.

    ``table`` is :func:`swp_analysis.police.peer_table` with a ``verdict`` column ("higher",
    "similar", "lower" or "not compared"); ``average`` is the other authorities' pooled rate
    per 1,000 (None when it cannot be formed); ``reason`` says why there is no verdict.
    """

    crime_type: str | None
    area: str
    table: pd.DataFrame
    average: float | None
    reason: str | None

    @property
    def verdict(self) -> str:
        return str(self.table.loc[self.area, "verdict"])

    @property
    def others(self) -> list[str]:
        return [a for a in self.table.index if a != self.area]


def _peers(police: pd.DataFrame, area: str, peers: Sequence[str] | None) -> list[str] | None:
    """The areas to compare: the content's list (those the data hold) or None for the force's."""
    if not peers:
        return None
    held = set(areas_present(police))
    return [area, *[p for p in peers if p in held and p != area]]


def benchmark(
    police: pd.DataFrame,
    area: str,
    year: str,
    crime_type: str | None,
    population: pd.DataFrame | None,
    peers: Sequence[str] | None = None,
) -> Benchmark:
    """Rates with 95% intervals for ``area`` and its peers, each judged against the peers' average."""
    table = peer_table(police, year, crime_type, population, area=area, areas=_peers(police, area, peers))
    others = table.drop(index=area)
    reason = None
    if table.loc[area, "months_now"] != 12:
        reason = "part year"
    elif "rate_per_1000" not in table or pd.isna(table.loc[area, "rate_per_1000"]):
        reason = "no population"
    usable = others.dropna(subset=["population"]) if "population" in others else others.iloc[0:0]
    usable = usable[usable["months_now"] == 12]
    average = None
    if reason is None and len(usable):
        average = float(usable["count_year"].sum() / usable["population"].sum() * 1000)
    elif reason is None:
        reason = "no peers"
    table = table.copy()
    table["verdict"] = [_verdict(row, average) for _, row in table.iterrows()]
    return Benchmark(crime_type, area, table, average, reason)


def _verdict(row: pd.Series, average: float | None) -> str:
    if average is None or "rate_per_1000" not in row or pd.isna(row["rate_per_1000"]):
        return "not compared"
    return stats.compare_to_benchmark(
        row["rate_per_1000"], row["rate_lower"], row["rate_upper"], average, "none"
    )


def rate_trend(
    police: pd.DataFrame,
    area: str,
    crime_type: str | None,
    population: pd.DataFrame | None,
    years: Sequence[str],
    peers: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per year: the area's count, its rate per 1,000 with the 95% interval, the peers'
    average and the verdict (Fingertips' rule), for each year in ``years``.

    A part year, or a year without a population, has its count but no rate ("reason" says why).
    """
    rows = {}
    for year in years:
        b = benchmark(police, area, year, crime_type, population, peers)
        row = b.table.loc[area]
        rows[year] = {
            "count": row["count_year"],
            "months": row["months_now"],
            "rate": row.get("rate_per_1000"),
            "lower": row.get("rate_lower"),
            "upper": row.get("rate_upper"),
            "average": b.average,
            "verdict": b.verdict,
            "n_others": len(b.others),
            "reason": b.reason,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    return out
