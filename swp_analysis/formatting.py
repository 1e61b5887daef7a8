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

from swp_analysis.periods import month_label
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
    "Missing",
    "change_text",
    "change_with_verdict",
    "coverage_note",
    "fmt_count",
    "fmt_gbp",
    "fmt_number",
    "fmt_pct",
    "fmt_prop",
    "missing_sentence",
    "month_list",
    "suppression_note",
    "versus_peers",
    "ordinal",
    "peer_rank_label",
    "rank_label",
    "rate_text",
]

NOT_SUPPLIED = "not supplied"

# Missing figures travel through narrative as a marker between these private-use characters,
# so that the sentence holding one can be replaced as a whole (content.narrative).
MISSING_OPEN, MISSING_SEP, MISSING_CLOSE = "\ue000", "\ue002", "\ue001"
REASONS = {
    "not supplied": NOT_SUPPLIED,
    "suppressed": "*",
    "no police data": "not available",
    "not comparable": "not comparable",
    "part year": "not shown for a part year",
    "no population": "not available",
}


class Missing(str):
    """A figure that is not there, and why: ``"not supplied"``, ``"suppressed"`` (a count of 1 to
    4, or one that would reveal such a count), ``"no police data"`` (no month of the year),
    ``"not comparable"`` (two years with no month in common), ``"part year"`` (a rate or rank
    that a part year would mislead) or ``"no population"``.

    It reads as text in a table ("not supplied", "*", "not available"). In narrative it carries
    what is missing and for which period, so the sentence holding it can be replaced by one
    that says so (:func:`missing_sentence`), rather than printing "from not supplied to ...".

    >>> m = Missing("domestic abuse reports", "2019-20")
    >>> str(m), m.supplied
    ('not supplied', False)
    """

    what: str
    period: str
    reason: str
    supplied = False

    def __new__(cls, what: str, period: str, reason: str = "not supplied") -> Missing:
        if reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)}; found {reason!r}")
        obj = super().__new__(cls, REASONS[reason])
        obj.what, obj.period, obj.reason = what, period, reason
        return obj

    def __html__(self) -> str:
        """The marker narrative rendering sees (Jinja asks for ``__html__`` when autoescaping)."""
        from markupsafe import escape

        parts = (str(escape(self.what)), str(escape(self.period)), self.reason)
        return MISSING_OPEN + MISSING_SEP.join(parts) + MISSING_CLOSE


def missing_sentence(items: list[tuple[str, str, str]]) -> str:
    """The sentence that replaces one whose figures are missing: (what, period, reason) each.

    >>> missing_sentence([("hate crimes recorded", "2019-20", "not supplied")])
    'The figure for hate crimes recorded was not supplied for 2019-20.'
    """
    out = []
    for reason in REASONS:
        same = [(w, p) for w, p, r in items if r == reason]
        if not same:
            continue
        whats = list(dict.fromkeys(w for w, _ in same))
        periods = list(dict.fromkeys(p for _, p in same))
        noun = "figure" if len(whats) == 1 else "figures"
        names = whats[0] if len(whats) == 1 else ", ".join(whats[:-1]) + " and " + whats[-1]
        when = " and ".join(periods)
        if reason == "not supplied":
            verb = "was" if len(whats) == 1 else "were"
            out.append(f"The {noun} for {names} {verb} not supplied for {when}.")
        elif reason == "suppressed":
            out.append(
                f"The {noun} for {names} in {when} {'is' if len(whats) == 1 else 'are'} not shown: "
                "too small to publish without risk of identifying someone."
            )
        elif reason == "no police data":
            out.append(f"Police figures for {when} are not available: the data cover no month of it.")
        elif reason == "not comparable":
            out.append(
                f"The {names} cannot be given: the police data cover no calendar month in both {when}."
            )
        elif reason == "part year":
            out.append(f"The {names} for {when} is not shown: the police data cover only part of that year.")
        else:
            out.append(f"The {names} for {when} is not available: the population is not known.")
    return " ".join(out)


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


def month_list(months: list[str] | tuple[str, ...]) -> str:
    """Police.uk months in words, runs of consecutive months joined.

    >>> month_list(["2019-07"]), month_list(["2019-07", "2019-08", "2019-09", "2020-01"])
    ('July 2019', 'July to September 2019 and January 2020')
    """
    runs: list[list[str]] = []
    for m in sorted(months):
        y, mo = int(m[:4]), int(m[5:])
        if runs:
            py, pm = int(runs[-1][-1][:4]), int(runs[-1][-1][5:])
            if (y * 12 + mo) - (py * 12 + pm) == 1:
                runs[-1].append(m)
                continue
        runs.append([m])
    words = []
    for run in runs:
        first, last = month_label(run[0]), month_label(run[-1])
        if len(run) == 1:
            words.append(first)
        elif run[0][:4] == run[-1][:4]:
            words.append(f"{first.split()[0]} to {last}")
        else:
            words.append(f"{first} to {last}")
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def coverage_note(year: str, covered: tuple[str, ...], missing: tuple[str, ...]) -> str:
    """How much of a year the police data cover, for the sentence a figure appears in.

    A complete year needs no note (""); otherwise "11 of 12 months; the missing month is July
    2019", "2 of 12 months: November 2016 to December 2016 only", "no month of 2019-20".

    >>> coverage_note("2019-20", ("2019-04",) * 11, ("2019-07",))
    '11 of 12 months; the missing month is July 2019'
    """
    n = len(covered)
    if not missing:
        return ""
    if n == 0:
        return f"no month of {year}"
    if len(missing) <= 3:
        noun = "month is" if len(missing) == 1 else "months are"
        return f"{n} of 12 months; the missing {noun} {month_list(missing)}"
    return f"{n} of 12 months: {month_list(covered)} only"


def versus_peers(verdict: str, n_others: int) -> str:
    """A benchmark verdict in Fingertips' words, against the average of the other authorities.

    >>> versus_peers("similar", 6)
    'similar to the average of the other 6 authorities'
    """
    group = f"the average of the other {n_others} authorit{'y' if n_others == 1 else 'ies'}"
    words = {"higher": "higher than", "similar": "similar to", "lower": "lower than"}
    if verdict not in words:
        return f"not compared with {group}"
    return f"{words[verdict]} {group}"


def suppression_note(hidden: int) -> str:
    """The note under a table of counts, saying what disclosure control does there (never how
    many of the hidden counts are small, which would help work them out).

    >>> suppression_note(0)
    'No count here is between 1 and 4, so none is hidden.'
    """
    if hidden == 0:
        return "No count here is between 1 and 4, so none is hidden."
    return (
        "Counts of 1 to 4 are shown as *, with their shares and ranks, and so is any other count "
        "that would let the total reveal them."
    )
