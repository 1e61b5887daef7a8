"""Charts of police recorded crime: contributors, months of the year, rates against peers."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from swp_analysis import formatting

from .base import HIGHLIGHT, PALETTE, TEXT, Chart, label_bars, percent, thousands

POLICE_SOURCE = "data.police.uk street-level crime (excluding anti-social behaviour)"
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def contributors(shares: pd.DataFrame, area: str, fiscal_year: str, note: str = "", top: int = 13) -> Chart:
    """Horizontal bars of each crime type's share of total recorded crime, largest first.

    ``shares`` has index crime type and columns ``count``, ``share`` (0..1), ``rank``; pass
    only the types whose counts may be published (disclosure control is the caller's).
    """
    data = shares.sort_values("rank").head(top)
    names, values = list(data.index)[::-1], list(data["share"])[::-1]

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        ax.barh(names, values, color=PALETTE[0])
        label_bars(ax, values, [formatting.fmt_prop(v) for v in values])
        ax.set_xlabel("Share of total recorded crime")
        percent(ax, "x")
        ax.set_xlim(left=0)
        ax.margins(x=0.2 if narrow else 0.12)

    parts = [f"{idx} {formatting.fmt_prop(row['share'])}" for idx, row in data.iterrows()]
    return Chart(
        draw,
        f"{data.index[0]} was the largest share of recorded crime in {area}",
        f"Share of total recorded crime by crime type, {area}, {fiscal_year}",
        f"Horizontal bar chart of the share of total recorded crime in {area}, {fiscal_year}, by "
        f"crime type, largest first: {'; '.join(parts)}.",
        POLICE_SOURCE,
        note,
        height=0.32 * len(data) + 1.0,
        narrow_height=0.36 * len(data) + 1.2,
    )


def monthly_trend(monthly: pd.DataFrame, area: str, note: str = "") -> Chart:
    """Recorded crime per month, one line per financial year (April to March), from zero.

    ``monthly`` has columns ``month`` (date or "YYYY-MM"), ``fiscal_year`` and ``count``; a
    missing count (no police file that month) is a gap in the line, never 0.
    """
    data = monthly.copy()
    data["month"] = pd.to_datetime(data["month"].astype(str))
    data["label"] = data["month"].dt.strftime("%b")
    years = list(dict.fromkeys(data["fiscal_year"]))

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        for i, fy in enumerate(years):
            part = data[data["fiscal_year"] == fy].set_index("label").reindex(MONTHS)
            counts = part["count"].astype("float")
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(MONTHS, counts, marker="o", color=colour)
            last = counts.last_valid_index()
            if last is not None:  # the year written at the end of its line, not in a legend
                ax.annotate(fy, (MONTHS.index(last), counts[last]), xytext=(5, 0), textcoords="offset points",
                            va="center", color=TEXT, fontweight="bold")  # fmt: skip
        ax.set_ylabel("Recorded crimes per month")
        ax.set_ylim(bottom=0)
        thousands(ax)
        ax.set_xlim(-0.5, 11.5 + (2.5 if narrow else 1.5))
        if narrow:
            ax.set_xticks(range(12), [m[0] for m in MONTHS])

    totals = data.groupby("fiscal_year", sort=False)["count"].sum(min_count=1)
    parts = []
    for fy in years:
        part = data[(data["fiscal_year"] == fy) & data["count"].notna()]
        if part.empty:
            parts.append(f"{fy}: no police data")
            continue
        hi, lo = part.loc[part["count"].idxmax()], part.loc[part["count"].idxmin()]
        parts.append(
            f"{fy}: {formatting.fmt_count(part['count'].sum())} in {len(part)} months, highest "
            f"{hi['month']:%B %Y} ({formatting.fmt_count(hi['count'])}), lowest "
            f"{lo['month']:%B %Y} ({formatting.fmt_count(lo['count'])})"
        )
    latest = years[-1]
    return Chart(
        draw,
        f"Recorded crime in {area} month by month, {' and '.join(years)}",
        f"Recorded crimes per month, {area}, April to March",
        f"Line chart of recorded crime per month in {area}, one line per financial year. {'. '.join(parts)}.",
        POLICE_SOURCE,
        note or ("" if pd.notna(totals.get(latest)) else f"No police data for {latest}."),
    )


def peer_rates(
    table: pd.DataFrame, area: str, average: float, crime_type: str, year: str, finding: str, group: str
) -> Chart:
    """Each authority's rate per 1,000 residents with its 95% interval, against the peers' average.

    ``table`` has one row per authority (index) with ``rate_per_1000``, ``rate_lower`` and
    ``rate_upper``; ``area`` is highlighted; a dashed line marks ``average``, labelled on the
    chart. The axis starts at zero.
    """
    data = table.dropna(subset=["rate_per_1000"]).sort_values("rate_per_1000")
    names = list(data.index)

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        for y, (name, row) in enumerate(data.iterrows()):
            colour = HIGHLIGHT if name == area else PALETTE[0]
            err = [[row["rate_per_1000"] - row["rate_lower"]], [row["rate_upper"] - row["rate_per_1000"]]]
            ax.errorbar([row["rate_per_1000"]], [y], xerr=err, fmt="o", color=colour, capsize=4, markersize=7)
        ax.set_yticks(range(len(names)), [f"{n} (this report)" if n == area else n for n in names])
        for label in ax.get_yticklabels():
            if label.get_text().startswith(area):
                label.set_fontweight("bold")
        ax.axvline(average, color=TEXT, linestyle="--", linewidth=1)
        ax.annotate(f"Average of the others: {average:.1f}", (average, len(names) - 0.5), xytext=(4, 0),
                    textcoords="offset points", va="bottom", fontsize=10)  # fmt: skip
        ax.set_xlim(left=0, right=max(data["rate_upper"].max(), average) * 1.15)
        ax.set_ylim(-0.6, len(names) - 0.2)
        ax.set_xlabel("Recorded crimes per 1,000 residents")

    parts = [
        f"{n} {r['rate_per_1000']:.1f} (95% interval {r['rate_lower']:.1f} to {r['rate_upper']:.1f})"
        for n, r in data.iterrows()
    ]
    what = crime_type.lower() if crime_type else "recorded crime"
    return Chart(
        draw,
        finding,
        f"{crime_type or 'Recorded crime'} per 1,000 residents (95% confidence intervals), {group}, {year}",
        f"Dot chart of the {what} rate per 1,000 residents in {len(data)} authorities, lowest first, "
        f"{area} highlighted: {'; '.join(parts)}. The dashed line is the average of the authorities "
        f"other than {area}, {average:.1f} per 1,000. {finding}.",
        POLICE_SOURCE + "; ONS mid-year population estimates",
        "An interval that crosses the dashed line means the rate is similar to the average.",
        height=0.36 * len(data) + 1.2,
        narrow_height=0.42 * len(data) + 1.4,
    )
