"""Formatting: numbers, percentages, money, ranks and changes as the board reads them.

The only place numbers become words. Halves round up on the decimal shown (GSS guidance and
Excel, not Python's round-half-even), thousands take commas, whole pounds show no pence
(GOV.UK style), and a missing figure reads "not supplied", never 0.

>>> fmt_count(6858), fmt_pct(7.8133), fmt_prop(0.743), fmt_gbp(110000), ordinal(22)
('6,858', '7.8%', '74.3%', '£110,000', '22nd')
"""

from __future__ import annotations

import operator
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from swp_analysis.stats import (
    SMALL_BASE,
    WITHIN_NORMAL,
    ChangeSummary,
    Rate,
    is_missing,
    rank_among_peers,
    require_number,
)
from swp_analysis.suppression import SUPPRESSED

if TYPE_CHECKING:  # pragma: no cover - annotations only
    import pandas as pd

__all__ = [
    "NOT_SUPPLIED",
    "change_text",
    "change_with_verdict",
    "fmt_count",
    "fmt_gbp",
    "fmt_number",
    "fmt_pct",
    "fmt_prop",
    "ordinal",
    "peer_rank_label",
    "rank_label",
    "rate_text",
]

NOT_SUPPLIED = "not supplied"


def _round_half_up(x: float, dp: int) -> Decimal:
    """Round as a person (and Excel) would: 7.85 -> 7.9, 2.5 -> 3, on the decimal shown.

    Python's own rounding is round-half-even on the binary value, which turns 7.85 into 7.8.
    """
    quantum = Decimal(1).scaleb(-dp)
    result = Decimal(repr(float(x))).quantize(quantum, rounding=ROUND_HALF_UP)
    return result + 0  # normalise -0 to 0


def _format_decimal(d: Decimal, dp: int) -> str:
    text = f"{d:,.{dp}f}"
    return text[1:] if text.startswith("-") and d == 0 else text


def fmt_number(x: Any, dp: int = 1, whole: bool = True) -> str:
    """A number for prose: thousands separators, ``dp`` decimals, halves rounded up.

    Whole numbers show no decimals when ``whole`` is True (70 -> "70", 74.3 -> "74.3",
    1234.56 -> "1,234.6"). None/NaN -> "not supplied".
    """
    if is_missing(x):
        return NOT_SUPPLIED
    value = require_number(x, "value")
    if whole and value == int(value):
        return f"{int(value):,}"
    return _format_decimal(_round_half_up(value, dp), dp)


def fmt_count(n: Any) -> str:
    """A count with thousands separators: 6858 -> "6,858".

    None/NaN -> "not supplied"; a suppressed cell ("*") passes through unchanged.
    A non-whole count is shown to 2 decimal places rather than silently rounded.
    """
    if isinstance(n, str) and n == SUPPRESSED:
        return SUPPRESSED
    if is_missing(n):
        return NOT_SUPPLIED
    value = require_number(n, "count")
    if value == int(value):
        return f"{int(value):,}"
    return _format_decimal(_round_half_up(value, 2), 2)


def fmt_pct(p: Any, dp: int = 1) -> str:
    """A PERCENT number as text: 7.8133 -> "7.8%". None/NaN -> "not supplied".

    Halves round up on the decimal value (7.85 -> "7.9%"), as in GSS guidance and Excel.
    """
    if is_missing(p):
        return NOT_SUPPLIED
    return _format_decimal(_round_half_up(require_number(p, "percent"), dp), dp) + "%"


def fmt_prop(p: Any, dp: int = 1) -> str:
    """A PROPORTION 0..1 as a percentage: 0.743 -> "74.3%". None/NaN -> "not supplied"."""
    if is_missing(p):
        return NOT_SUPPLIED
    value = Decimal(repr(require_number(p, "proportion"))) * 100
    rounded = value.quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP) + 0
    return _format_decimal(rounded, dp) + "%"


def fmt_gbp(x: Any) -> str:
    """Pounds sterling: 110000 -> "£110,000"; 1234.5 -> "£1,234.50"; -50 -> "-£50".

    Whole pounds show no pence (GOV.UK style). None/NaN -> "not supplied".
    """
    if is_missing(x):
        return NOT_SUPPLIED
    value = require_number(x, "amount")
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount == int(amount):
        return f"{sign}£{int(amount):,}"
    rounded = _round_half_up(amount, 2)
    return f"{sign if rounded else ''}£{rounded:,.2f}"


def ordinal(n: int) -> str:
    """English ordinal: 1 -> "1st", 2 -> "2nd", 3 -> "3rd", 11 -> "11th", 22 -> "22nd"."""
    if isinstance(n, bool):
        raise ValueError(f"ordinal needs a whole number; found {n!r}")
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"ordinal needs a number of 0 or more; found {n}")
    if 11 <= n % 100 <= 13:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_label(rank: Any, of: int, tied: bool = False, word: str = "best") -> str:
    """A rank in words: "best of 7", "joint 2nd best of 7", "not ranked (no value)".

    Rank 1 reads "best of 7" (or "highest of 7" with ``word="highest"``), not "1st best".
    """
    if is_missing(rank):
        return "not ranked (no value)"
    r = int(rank)
    place = word if r == 1 else f"{ordinal(r)} {word}"
    return f"{'joint ' if tied else ''}{place} of {of}"


def peer_rank_label(table: pd.DataFrame | pd.Series, area: str, metric: str | None, polarity: str) -> str:
    """The rank of one area among its peers in words, e.g. "2nd best of 7".

    Ranks come from :func:`swp_analysis.stats.rank_among_peers`; with polarity "none" rank 1
    is the highest and the label says "highest". KeyError, listing the areas present, when
    ``area`` is not in the table.
    """
    ranked = rank_among_peers(table, metric, polarity)
    if area not in ranked.index:
        raise KeyError(f"area {area!r} not found; areas are {', '.join(map(str, ranked.index))}")
    row = ranked.loc[area]
    return rank_label(
        row["rank"], int(row["of"]), bool(row["tied"]), "highest" if polarity == "none" else "best"
    )


def change_text(change: ChangeSummary) -> str:
    """A change in plain English: ``"an increase of 7.8% (6,361 to 6,858)"``.

    On a base under 10 the percentage is withheld:
    ``"an increase from 4 to 7 (percentage not shown: base under 10)"``.
    """
    span = f"{fmt_count(change.before)} to {fmt_count(change.now)}"
    if change.change == 0:
        return f"no change ({span})"
    direction = "an increase" if change.change > 0 else "a decrease"
    if change.pct is None or change.caution is not None:
        return f"{direction} from {span} (percentage not shown: base under {SMALL_BASE})"
    if abs(change.pct) < 0.05:
        return f"{direction} of less than 0.1% ({span})"
    return f"{direction} of {fmt_pct(abs(change.pct))} ({span})"


def change_with_verdict(change: ChangeSummary) -> str:
    """:func:`change_text` followed by whether the change is a signal or normal variation."""
    tail = WITHIN_NORMAL if change.verdict == WITHIN_NORMAL else "larger than normal variation"
    return f"{change_text(change)}, {tail}"


def rate_text(rate: Rate) -> str:
    """``"12.3 per 1,000 (95% confidence interval 11.2 to 13.5)"``."""
    return (
        f"{fmt_number(rate.value)} per {fmt_count(rate.per)} "
        f"({fmt_number(rate.level * 100, dp=1)}% confidence interval "
        f"{fmt_number(rate.lower)} to {fmt_number(rate.upper)})"
    )
