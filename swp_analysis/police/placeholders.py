"""The police figures narrative can name (``{{ police.trc.change }}``), and those a claims check asks for.

:func:`placeholders` gives, for one area and year: ``trc`` (total recorded crime: ``value``,
``previous``, ``change``, ``change_pct``, ``z``, ``verdict``), ``asb`` (anti-social behaviour
incidents), ``types.<crime_type>`` (``name``, ``count``, ``share``, ``share_1dp``, ``rank``) for
every police.uk crime type, and for each crime type the content compares with its peers,
``<crime_type>.count``, ``.change`` (like for like), ``.rate`` (per 1,000 residents),
``.verdict`` ("similar to the average of the other 6 authorities") and ``.n_peers`` (e.g.
``{{ police.burglary.verdict }}``). Crime types are named by :func:`slug`.

Figures are never presented as more than they are: a part year's total says how many months it
covers, a change compares the same months of both years, and a figure that cannot be given
(no police data, a count too small to publish, a rank on a part year) is a
:class:`swp_analysis.formatting.Missing`, so its sentence falls back to one that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from swp_analysis import formatting, periods, stats, suppression
from swp_analysis.formatting import Missing
from swp_analysis.sources.policeuk import ANTI_SOCIAL_BEHAVIOUR, CRIME_TYPES

from .benchmark import benchmark
from .counts import YearOnYear, asb_count, crime_type_shares, year_on_year
from .peers import peer_table

__all__ = ["claim_figures", "placeholders", "slug"]

RECORDED_CRIME_TYPES = tuple(c for c in CRIME_TYPES if c != ANTI_SOCIAL_BEHAVIOUR)


def slug(name: str) -> str:
    """A crime type as a placeholder name: ``"Vehicle crime"`` -> ``"vehicle_crime"``.

    >>> slug("Criminal damage and arson")
    'criminal_damage_and_arson'
    """
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


def _with_note(text: str, yoy: YearOnYear) -> str:
    return f"{text} ({yoy.now.note})" if yoy.now.note else text


def _trc(yoy: YearOnYear, area: str, year: str, previous: str) -> dict[str, Any]:
    what = f"recorded crime in {area}"
    c = yoy.change
    if c is None:
        gap = Missing(f"change in {what}", f"{previous} and {year}", "not comparable")
        change = dict.fromkeys(("previous", "change", "change_pct", "z", "verdict"), gap)
    else:
        same = "" if yoy.like_for_like else f", the same {len(yoy.compared[1])} months of each year"
        change = {
            "previous": formatting.fmt_count(c.before),
            "change": formatting.change_text(c)[:-1] + same + ")",
            "change_pct": formatting.fmt_pct(c.pct) if c.pct is not None else Missing(what, previous),
            "z": f"{c.z:.1f}",
            "verdict": c.verdict,
        }
    return {"value": _with_note(formatting.fmt_count(yoy.total), yoy), **change}


def _types(police: pd.DataFrame, area: str, year: str) -> dict[str, Any]:
    """Every crime type's count, share and rank; counts of 1 to 4 (and any that would reveal
    one from the total) are withheld, with their shares and ranks."""
    shares = crime_type_shares(police, area, year)
    hidden = suppression.suppress(shares["count"]) == suppression.SUPPRESSED
    out = {}
    for name in RECORDED_CRIME_TYPES:
        if name not in shares.index:
            out[slug(name)] = {"name": name, "count": "0", "share": "0%", "share_1dp": "0.0%", "rank": "-"}
            continue
        row = shares.loc[name]
        if hidden[name]:
            gap = Missing(name.lower() + f" in {area}", year, "suppressed")
            out[slug(name)] = {"name": name} | dict.fromkeys(("count", "share", "share_1dp", "rank"), gap)
            continue
        out[slug(name)] = {
            "name": name,
            "count": formatting.fmt_count(row["count"]),
            "share": formatting.fmt_prop(row["share"], dp=0),
            "share_1dp": formatting.fmt_prop(row["share"]),
            "rank": formatting.ordinal(int(row["rank"])),
        }
    return out


def _compared(
    police: pd.DataFrame,
    area: str,
    year: str,
    population: pd.DataFrame | None,
    crime_type: str,
    peers: Sequence[str],
) -> dict[str, Any]:
    """A compared crime type: its like-for-like change, its rate and the verdict against the
    average of the peers (no rank: where intervals overlap, no authority is better or worse)."""
    b = benchmark(police, area, year, crime_type, population, peers)
    row = b.table.loc[area]
    what = f"{crime_type.lower()} in {area}"
    if 1 <= row["count_year"] < suppression.THRESHOLD:
        gap = Missing(what, year, "suppressed")
        return dict.fromkeys(("count", "change", "rate", "verdict", "n_peers"), gap)
    out: dict[str, Any] = {"count": formatting.fmt_count(row["count_year"]), "n_peers": len(b.others)}
    if pd.isna(row["count_now"]):
        out["change"] = Missing(f"change in {what}", f"{periods.previous(year)} and {year}", "not comparable")
    else:
        change = stats.change_summary(row["count_before"], row["count_now"])
        out["change"] = formatting.change_text(change)
    if b.reason is None:
        out["rate"] = f"{row['rate_per_1000']:.1f} per 1,000 residents"
        out["verdict"] = formatting.versus_peers(b.verdict, len(b.others))
    else:
        reason = "part year" if b.reason == "part year" else "no population"
        out["rate"] = out["verdict"] = Missing(f"rate of {what}", year, reason)
    return out


def placeholders(
    police: pd.DataFrame,
    area: str,
    year: str,
    population: pd.DataFrame | None,
    compared: Sequence[str] = (),
    peers: Sequence[str] = (),
) -> dict[str, Any]:
    """Every police placeholder for ``area`` in ``year`` (see the module's docstring)."""
    yoy = year_on_year(police, area, year)
    previous = yoy.before.year
    if yoy.now.empty:
        return _no_data(area, year, compared)
    out: dict[str, Any] = {
        "trc": _trc(yoy, area, year, previous),
        "asb": _with_note(formatting.fmt_count(asb_count(police, area, year)), yoy),
        "types": _types(police, area, year),
    }
    for crime_type in compared:
        out[slug(crime_type)] = _compared(police, area, year, population, crime_type, peers)
    return out


def _no_data(area: str, year: str, compared: Sequence[str]) -> dict[str, Any]:
    """The placeholders of a year the police data do not cover at all: each is missing."""
    gap = Missing(f"recorded crime in {area}", year, "no police data")
    figures = ("count", "share", "share_1dp", "rank")
    return {
        "trc": dict.fromkeys(("value", "previous", "change", "change_pct", "z", "verdict"), gap),
        "asb": gap,
        "types": {slug(n): {"name": n} | dict.fromkeys(figures, gap) for n in RECORDED_CRIME_TYPES},
        **{slug(c): dict.fromkeys(("count", "change", "rate", "verdict", "n_peers"), gap) for c in compared},
    }


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
