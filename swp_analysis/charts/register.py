"""Charts of partners' figures from the local register: a count by year, a proportion against
its target or baseline."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from swp_analysis import formatting, stats

from .base import HIGHLIGHT, PALETTE, TEXT, Chart, label_bars, percent, thousands

FINANCIAL_YEAR = "Financial year (April to March)"


def change_title(measure: str, before: float | None, now: float | None) -> str:
    """A title that states the finding: "Domestic abuse reports rose 7.8%".

    >>> change_title("Domestic abuse reports", 6361, 6858)
    'Domestic abuse reports rose 7.8%'
    """
    if before is None or now is None or pd.isna(before) or pd.isna(now):
        return f"{measure}: not supplied for both years"
    pct = stats.pct_change(before, now)
    if pct is None or before < stats.SMALL_BASE:
        return f"{measure}: {formatting.fmt_count(before)} to {formatting.fmt_count(now)}"
    if round(pct, 1) == 0:
        return f"{measure} unchanged"
    verb = "rose" if pct > 0 else "fell"
    return f"{measure} {verb} {formatting.fmt_pct(abs(pct))}"


def year_on_year(measure: str, unit: str, values: dict[str, float | None], area: str, source: str) -> Chart:
    """Bars for a count in each financial year, from zero; a missing year is an absent bar, said so."""
    years = list(values)
    present = [(y, c) for y, c in values.items() if c is not None and not pd.isna(c)]

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        ax.bar([y for y, _ in present], [c for _, c in present], color=PALETTE[: len(present)], width=0.6)
        label_bars(
            ax, [c for _, c in present], [formatting.fmt_count(c) for _, c in present], horizontal=False
        )
        ax.set_xlabel(FINANCIAL_YEAR)
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        thousands(ax)
        ax.margins(y=0.15)

    counts = [values[y] for y in years]
    parts = [
        f"{formatting.fmt_count(c)} in {y}" if c is not None and not pd.isna(c) else f"not supplied for {y}"
        for y, c in zip(years, counts, strict=True)
    ]
    return Chart(
        draw,
        change_title(measure, counts[0] if counts else None, counts[-1] if counts else None),
        f"{measure} ({unit.lower()}), {area}, {' and '.join(years)}",
        f"Bar chart of {measure.lower()} ({unit.lower()}) by financial year: {', '.join(parts)}.",
        source,
        height=2.3,
        narrow_height=2.6,
    )


def proportion_against_target(
    measure: str,
    rows: Sequence[tuple[str, float, float | None, float | None]],
    target: float | None,
    target_word: str,
    area: str,
    source: str,
) -> Chart:
    """Proportions with their 95% confidence intervals, one per year, against a target line.

    ``rows`` are (financial year, proportion, lower, upper), proportions 0..1; lower and upper
    are None where the denominator was not supplied (the point is drawn without an interval and
    the alt text says so). ``target_word`` ("target", "baseline" or "benchmark") is the one word
    used for the line everywhere: its label, the title and the alt text.
    """
    years = [r[0] for r in rows]

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        for x, (_year, p, lo, hi) in enumerate(rows):
            if lo is not None and hi is not None:
                ax.errorbar(
                    [x], [p], yerr=[[p - lo], [hi - p]], fmt="o", color=PALETTE[0], capsize=6, markersize=8
                )
            else:
                ax.plot([x], [p], marker="D", color=PALETTE[0], markersize=8, linestyle="none")
            ax.annotate(
                formatting.fmt_prop(p), (x, p), xytext=(10, 0), textcoords="offset points", va="center"
            )
        ax.set_xticks(range(len(years)), years)
        if target is not None:
            ax.axhline(target, color=HIGHLIGHT, linestyle="--")
            ax.annotate(
                f"{target_word} {target:.0%}", (len(years) - 0.5, target), xytext=(-4, 4),
                textcoords="offset points", ha="right", va="bottom", color=TEXT,
            )  # fmt: skip
        ax.set_ylabel("Per cent")
        ax.set_xlabel(FINANCIAL_YEAR)
        percent(ax)
        bounds = [v for r in rows for v in (r[1], r[2], r[3]) if v is not None] + ([target] if target else [])
        ax.set_ylim(max(0.0, min(bounds) - 0.05), min(1.0, max(bounds) + 0.05))
        ax.set_xlim(-0.5, len(years) - 0.5)

    latest = rows[-1]
    title = f"{measure}: {formatting.fmt_prop(latest[1])} in {latest[0]}"
    if target is not None:
        side = "above" if latest[1] > target else ("below" if latest[1] < target else "level with")
        title += f", {side} the {target_word} of {target:.0%}"
    parts = []
    for y, p, lo, hi in rows:
        if lo is not None and hi is not None:
            interval = f"95% interval {formatting.fmt_prop(lo)} to {formatting.fmt_prop(hi)}"
        else:
            interval = "no interval: the number tested was not supplied"
        parts.append(f"{formatting.fmt_prop(p)} in {y} ({interval})")
    alt = f"Dot chart of {measure.lower()} by financial year: {'; '.join(parts)}."
    if target is not None:
        alt += f" A dashed line marks the {target_word} of {target:.0%}."
    return Chart(
        draw,
        title,
        f"{measure} (per cent, with 95% confidence intervals), {area}, {' and '.join(years)}",
        alt,
        source,
        note="The vertical axis does not start at zero." if min(r[1] for r in rows) > 0.05 else "",
        height=2.5,
        narrow_height=2.8,
    )
