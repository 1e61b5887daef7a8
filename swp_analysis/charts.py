"""The report's charts: one seaborn theme, a colour-blind-safe palette, and alt text for each.

Every chart function returns a :class:`Chart`: the matplotlib figure, a title that states the
finding, and alt text written from the same numbers. In a notebook a ``Chart`` displays as an
HTML ``<figure>`` whose ``<img>`` carries that alt text, so the board's HTML needs no template
trickery to be accessible. Images are embedded as PNG at 2x or SVG, whichever is smaller.

Figures are built with :class:`matplotlib.figure.Figure` directly (not ``pyplot``), so nothing is
drawn twice in a notebook and no GUI backend is needed.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # headless: the charts are written into the report, never to a window

import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import formatting, stats  # noqa: E402

# Okabe & Ito (2008) colour-blind-safe palette; the first two carry "before" and "now".
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HIGHLIGHT = "#D55E00"
MUTED = "#7f7f7f"  # 4.5:1 against white is not needed for marks, only for text
TEXT = "#1b1b1b"
WIDTH_IN, HEIGHT_IN, DPI = 7.0, 3.6, 96


def apply_theme() -> None:
    """The project's one seaborn theme: white grid, readable sizes, the Okabe-Ito palette."""
    sns.set_theme(
        style="whitegrid",
        palette=PALETTE,
        rc={
            "font.family": "DejaVu Sans",
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.labelsize": 11,
            "axes.edgecolor": "#555555",
            "text.color": TEXT,
            "axes.labelcolor": TEXT,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "svg.fonttype": "none",
            "svg.hashsalt": "swp-analysis",  # deterministic SVG ids
            "figure.dpi": DPI,
        },
    )


apply_theme()


@dataclass
class Chart:
    """A drawn chart with the words that describe it."""

    figure: Figure
    title: str
    alt: str
    caption: str = ""
    _encoded: tuple[str, str] | None = field(default=None, repr=False)

    def encoded(self) -> tuple[str, str]:
        """(mime type, base64 data) of the smaller of PNG at 2x and SVG."""
        if self._encoded is None:
            png, svg = io.BytesIO(), io.BytesIO()
            meta = {"Software": None}
            self.figure.savefig(png, format="png", dpi=2 * DPI, bbox_inches="tight", metadata=meta)
            self.figure.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
            best = min(
                [("image/png", png.getvalue()), ("image/svg+xml", svg.getvalue())],
                key=lambda item: len(item[1]),
            )
            self._encoded = (best[0], base64.b64encode(best[1]).decode("ascii"))
        return self._encoded

    def _repr_html_(self) -> str:
        mime, data = self.encoded()
        width = int(self.figure.get_figwidth() * DPI)
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (
            f'<figure class="swp-chart"><img src="data:{mime};base64,{data}" '
            f'alt="{html.escape(self.alt, quote=True)}" width="{width}" '
            f'style="max-width:100%;height:auto">{caption}</figure>'
        )


def _figure() -> tuple[Figure, object]:
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    return fig, fig.add_subplot()


def _thousands(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _percent(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{v:.0%}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def change_title(measure: str, before: float | None, now: float | None) -> str:
    """A title that states the finding: "Domestic abuse reports rose 7.8%"."""
    if before is None or now is None or pd.isna(before) or pd.isna(now):
        return f"{measure}: not supplied for both years"
    pct = stats.pct_change(before, now)
    if pct is None or before < 10:
        return f"{measure}: {formatting.fmt_count(before)} to {formatting.fmt_count(now)}"
    if round(pct, 1) == 0:
        return f"{measure} unchanged"
    verb = "rose" if pct > 0 else "fell"
    return f"{measure} {verb} {abs(pct):.1f}%"


def year_on_year(measure: str, unit: str, values: dict[str, float | None]) -> Chart:
    """Bars for a count in each fiscal year (e.g. domestic abuse reports 2017-18 and 2018-19).

    ``values`` maps fiscal year to count; missing values are drawn as absent bars and said so.
    """
    years = list(values)
    counts = [values[y] for y in years]
    fig, ax = _figure()
    present = [(y, c) for y, c in zip(years, counts, strict=True) if c is not None and not pd.isna(c)]
    ax.bar([y for y, _ in present], [c for _, c in present], color=PALETTE[: len(present)], width=0.6)
    for y, c in present:
        ax.annotate(
            formatting.fmt_count(c),
            (y, c),
            ha="center",
            va="bottom",
            xytext=(0, 3),
            textcoords="offset points",
        )
    ax.set_xlabel("Financial year (April to March)")
    ax.set_ylabel(unit)
    _thousands(ax)
    ax.margins(y=0.15)
    title = change_title(measure, counts[0] if counts else None, counts[-1] if counts else None)
    ax.set_title(title)
    parts = [
        f"{formatting.fmt_count(c)} in {y}" if c is not None and not pd.isna(c) else f"not supplied for {y}"
        for y, c in zip(years, counts, strict=True)
    ]
    alt = f"Bar chart of {measure.lower()} ({unit.lower()}) by financial year: {', '.join(parts)}."
    return Chart(fig, title, alt)


def proportion_against_target(
    measure: str,
    rows: Sequence[tuple[str, float, float | None, float | None]],
    target: float | None,
    target_label: str = "target",
) -> Chart:
    """Proportions with their 95% confidence intervals, one per year, against a target line.

    ``rows`` are (fiscal year, proportion, lower, upper), proportions 0..1; lower and upper are
    None where the denominator was not supplied (the point is then drawn without an interval
    and the alt text says so).
    """
    fig, ax = _figure()
    years = [r[0] for r in rows]
    for x, (_year, p, lo, hi) in enumerate(rows):
        if lo is not None and hi is not None:
            ax.errorbar(
                [x], [p], yerr=[[p - lo], [hi - p]], fmt="o", color=PALETTE[0], capsize=6, markersize=8
            )
        else:
            ax.plot([x], [p], marker="D", color=PALETTE[0], markersize=8, linestyle="none")
        ax.annotate(formatting.fmt_prop(p), (x, p), xytext=(10, 0), textcoords="offset points", va="center")
    ax.set_xticks(range(len(years)), years)
    if target is not None:
        ax.axhline(target, color=HIGHLIGHT, linestyle="--", label=f"{target_label} ({target:.0%})")
        ax.legend(loc="lower right", fontsize=9)
    ax.set_ylabel("Per cent")
    ax.set_xlabel("Financial year (April to March)")
    _percent(ax)
    bounds = [v for r in rows for v in (r[1], r[2], r[3]) if v is not None]
    bounds += [target] if target is not None else []
    ax.set_ylim(max(0.0, min(bounds) - 0.05), min(1.0, max(bounds) + 0.05))
    ax.set_xlim(-0.5, len(years) - 0.5)
    latest = rows[-1]
    title = f"{measure}: {formatting.fmt_prop(latest[1])} in {latest[0]}"
    if target is not None:
        title += f" (target {target:.0%})"
    ax.set_title(title)
    parts = []
    for y, p, lo_, hi_ in rows:
        if lo_ is not None and hi_ is not None:
            parts.append(
                f"{formatting.fmt_prop(p)} in {y} (95% interval {formatting.fmt_prop(lo_)} to "
                f"{formatting.fmt_prop(hi_)})"
            )
        else:
            parts.append(
                f"{formatting.fmt_prop(p)} in {y} (no interval: the number of tests was not supplied)"
            )
    alt = f"Dot chart of {measure.lower()}: {'; '.join(parts)}."
    if target is not None:
        alt += f" A dashed line marks the {target_label} of {target:.0%}."
    return Chart(fig, title, alt)


def contributors(shares: pd.DataFrame, area: str, fiscal_year: str, top: int = 13) -> Chart:
    """Horizontal bars of each crime type's share of total recorded crime, largest first.

    ``shares`` has index crime type and columns ``count``, ``share`` (0..1), ``rank``.
    """
    data = shares.sort_values("rank").head(top)
    fig = Figure(figsize=(WIDTH_IN, 0.32 * len(data) + 1.2), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(list(data.index)[::-1], list(data["share"])[::-1], color=PALETTE[0])
    for y, s in enumerate(list(data["share"])[::-1]):
        ax.annotate(f"{s:.1%}", (s, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_xlabel(f"Share of total recorded crime, {fiscal_year} (per cent)")
    _percent(ax, "x")
    ax.margins(x=0.12)
    first = data.index[0]
    title = f"{first} was the largest share of recorded crime in {area}"
    ax.set_title(title)
    parts = [
        f"{idx} {row['share']:.1%} ({formatting.ordinal(int(row['rank']))})" for idx, row in data.iterrows()
    ]
    alt = (
        f"Horizontal bar chart of the share of total recorded crime in {area}, {fiscal_year}, "
        f"by crime type, largest first: {'; '.join(parts)}."
    )
    return Chart(fig, title, alt)


def monthly_trend(monthly: pd.DataFrame, area: str) -> Chart:
    """Recorded crime per month, one line per fiscal year, months April to March.

    ``monthly`` has columns ``month`` (date or "YYYY-MM"), ``fiscal_year`` and ``count``.
    """
    data = monthly.copy()
    data["month"] = pd.to_datetime(data["month"].astype(str))
    data["label"] = data["month"].dt.strftime("%b")
    order = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    fig, ax = _figure()
    years = list(dict.fromkeys(data["fiscal_year"]))
    for i, fy in enumerate(years):
        part = data[data["fiscal_year"] == fy].set_index("label").reindex(order)
        ax.plot(order, part["count"], marker="o", color=PALETTE[i % len(PALETTE)], label=fy)
    ax.set_ylabel("Recorded crimes per month")
    ax.set_xlabel("Month")
    _thousands(ax)
    ax.legend(title="Financial year", fontsize=9)
    totals = data.groupby("fiscal_year", sort=False)["count"].sum()
    title = (
        f"Recorded crime in {area} by month: {formatting.fmt_count(totals.iloc[-1])} in {totals.index[-1]}"
    )
    ax.set_title(title)
    parts = []
    for fy in years:
        part = data[data["fiscal_year"] == fy]
        hi = part.loc[part["count"].idxmax()]
        lo = part.loc[part["count"].idxmin()]
        parts.append(
            f"{fy}: total {formatting.fmt_count(part['count'].sum())}, highest "
            f"{hi['month']:%B %Y} ({formatting.fmt_count(hi['count'])}), lowest "
            f"{lo['month']:%B %Y} ({formatting.fmt_count(lo['count'])})"
        )
    alt = f"Line chart of recorded crime per month in {area}. {'. '.join(parts)}."
    return Chart(fig, title, alt)


def peer_dots(
    table: pd.DataFrame,
    value: str,
    area: str,
    label: str,
    unit: str,
    fmt: str = "{:,.1f}",
    finding: str | None = None,
) -> Chart:
    """A dot plot of every peer authority on one measure, the chosen area highlighted.

    ``table`` has one row per authority (index = authority name) and a column ``value``.
    """
    data = table[[value]].dropna().sort_values(value)
    fig = Figure(figsize=(WIDTH_IN, 0.34 * len(data) + 1.3), layout="constrained")
    ax = fig.add_subplot()
    colours = [HIGHLIGHT if a == area else PALETTE[0] for a in data.index]
    ax.scatter(data[value], list(data.index), c=colours, s=70, zorder=3)
    for y, (a, v) in enumerate(data[value].items()):
        ax.annotate(
            fmt.format(v),
            (v, y),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            fontweight="bold" if a == area else "normal",
        )
    ax.set_xlabel(unit)
    ax.margins(x=0.15)
    title = finding or f"{label}: {area} compared with the other authorities"
    ax.set_title(title)
    parts = [f"{a} {fmt.format(v)}" for a, v in data[value].items()]
    alt = (
        f"Dot plot of {label.lower()} ({unit.lower()}) for {len(data)} authorities, lowest "
        f"first, {area} highlighted: {'; '.join(parts)}." + (f" {finding}." if finding else "")
    )
    return Chart(fig, title, alt)


def spend_by_priority(spend: pd.Series, fiscal_year: str) -> Chart:
    """Horizontal bars of spending by strategic priority (pounds)."""
    data = spend.sort_values()
    fig = Figure(figsize=(WIDTH_IN, 0.45 * len(data) + 1.2), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(list(data.index), list(data.values), color=PALETTE[2])
    for y, v in enumerate(data.values):
        ax.annotate(
            formatting.fmt_gbp(v), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9
        )
    ax.set_xlabel(f"Expenditure, {fiscal_year} (pounds)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"£{v:,.0f}"))
    ax.margins(x=0.2)
    top = data.index[-1]
    title = f"{top} had the largest share of spending in {fiscal_year}"
    ax.set_title(title)
    parts = [f"{p} {formatting.fmt_gbp(v)}" for p, v in data.sort_values(ascending=False).items()]
    alt = (
        f"Horizontal bar chart of expenditure by strategic priority in {fiscal_year}, "
        f"total {formatting.fmt_gbp(data.sum())}: {'; '.join(parts)}."
    )
    return Chart(fig, title, alt)
