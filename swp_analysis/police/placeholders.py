"""The police figures narrative can name (``{{ police.trc.change }}``), and those a claims check asks for.

:func:`placeholders` gives, for one area and year: ``trc`` (total recorded crime: ``value``,
``previous``, ``change``, ``change_pct``, ``z``, ``verdict``), ``asb`` (anti-social behaviour
incidents), ``types.<crime_type>`` (``name``, ``count``, ``share``, ``share_1dp``, ``rank``),
and for each crime type the content compares with the force's authorities,
``<crime_type>.change_rank``, ``.rate_rank`` and ``.n_areas`` (e.g.
``{{ police.burglary.change_rank }}``). Crime types are named by :func:`slug`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from swp_analysis import formatting, stats

from .counts import asb_count, crime_type_shares, trc_change
from .peers import peer_table

__all__ = ["claim_figures", "placeholders", "slug"]


def slug(name: str) -> str:
    """A crime type as a placeholder name: ``"Vehicle crime"`` -> ``"vehicle_crime"``.

    >>> slug("Criminal damage and arson")
    'criminal_damage_and_arson'
    """
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


def placeholders(
    police: pd.DataFrame,
    area: str,
    year: str,
    population: pd.DataFrame | None,
    compared: Sequence[str] = (),
) -> dict[str, Any]:
    """Every police placeholder for ``area`` in ``year`` (see the module's docstring)."""
    trc = trc_change(police, area, year)
    types = {}
    for name, row in crime_type_shares(police, area, year).iterrows():
        types[slug(name)] = {
            "name": name,
            "count": formatting.fmt_count(row["count"]),
            "share": formatting.fmt_prop(row["share"], dp=0),
            "share_1dp": formatting.fmt_prop(row["share"]),
            "rank": formatting.ordinal(int(row["rank"])),
        }
    out: dict[str, Any] = {
        "trc": {
            "value": formatting.fmt_count(trc.now),
            "previous": formatting.fmt_count(trc.before),
            "change": formatting.change_text(trc),
            "change_pct": formatting.fmt_pct(trc.pct) if trc.pct is not None else formatting.NOT_SUPPLIED,
            "z": f"{trc.z:.1f}",
            "verdict": trc.verdict,
        },
        "asb": formatting.fmt_count(asb_count(police, area, year)),
        "types": types,
    }
    for crime_type in compared:
        peers = peer_table(police, year, crime_type, population, area=area)
        out[slug(crime_type)] = {
            "change_rank": formatting.peer_rank_label(peers, area, "pct_change", "down_is_good"),
            "rate_rank": formatting.peer_rank_label(peers, area, "rate_per_1000", "down_is_good"),
            "n_areas": len(peers),
        }
    return out


def claim_figures(
    police: pd.DataFrame, population: pd.DataFrame | None
) -> Callable[[str, str, str, str], float | None]:
    """``(measure, crime type, area, year) -> number`` for the claims check's police measures.

    ``share`` (percent of total recorded crime), ``rank`` (among crime types, 1 = largest),
    ``peer_rank`` (among the force's authorities for reducing the crime type, 1 = best); None
    when the data cannot give it (a crime type police.uk does not publish).
    """

    def figure(measure: str, subject: str, area: str, period: str) -> float | None:
        if measure in ("share", "rank"):
            shares = crime_type_shares(police, area, period)
            if subject not in shares.index:
                return None
            row = shares.loc[subject]
            return float(row["share"] * 100) if measure == "share" else float(row["rank"])
        if measure == "peer_rank":
            peers = peer_table(police, period, subject, population, area=area)
            ranked = stats.rank_among_peers(peers, "pct_change", "down_is_good")
            return float(ranked.loc[area, "rank"]) if area in ranked.index else None
        return None

    return figure
