"""Charts of police recorded crime: contributors, months of the year, rates against peers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from swp_analysis import formatting

from .base import HIGHLIGHT, PALETTE, TEXT, Chart, thousands

POLICE_SOURCE = "data.police.uk street-level crime (excluding anti-social behaviour)"
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


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
        height=0.3 * len(data) + 1.0,
        narrow_height=0.42 * len(data) + 1.4,
    )


def type_trends(table: pd.DataFrame, area: str, note: str = "") -> Chart:
    """Small multiples: each crime type's count in every year, as bars from zero.

    ``table`` has one row per crime type (the total first, as :func:`swp_analysis.police.yearly`
    gives it) and one column per financial year; a withheld count is NaN and is not drawn.
    """
    years = list(table.columns)
    names = list(table.index)

    def draw(fig: Figure, narrow: bool) -> None:
        cols = 2 if narrow else 4
        axes = fig.subplots(-(-len(names) // cols), cols, squeeze=False)
        ticks = [years[0][2:]] + [""] * (len(years) - 2) + [years[-1][2:]] if len(years) > 1 else years
        for k, ax in enumerate(axes.flat):
            if k >= len(names):
                ax.set_visible(False)
                continue
            values = table.iloc[k].astype(float)
            ax.bar(range(len(years)), values.fillna(0), color=[PALETTE[0]] * (len(years) - 1) + [HIGHLIGHT])
            ax.set_title(names[k], fontsize=10.5, loc="left")
            ax.set_xticks(range(len(years)), ticks, fontsize=10)
            ax.set_ylim(bottom=0)
            ax.tick_params(axis="y", labelsize=10)
            thousands(ax)

    latest, before = (years[-1], years[-2]) if len(years) > 1 else (years[-1], None)
    types = table.drop(index=table.index[0])
    title = f"Recorded crime in {area} by crime type, {years[0]} to {years[-1]}"
    if before is not None:
        rose = int((types[latest] > types[before]).sum())
        title = f"{rose} of {len(types)} crime types rose in {area} from {before} to {latest}"
    parts = [
        f"{n}: "
        + ", ".join(
            f"{formatting.fmt_count(v)} in {y}" if pd.notna(v) else f"withheld in {y}"
            for y, v in table.loc[n].items()
        )  # fmt: skip
        for n in names
    ]
    return Chart(
        draw,
        title,
        f"Recorded crimes in each financial year by police.uk crime type, {area}; the latest year darker",
        f"Small bar charts, one per crime type, of recorded crime in {area} in each financial year. "
        f"{'. '.join(parts)}.",
        POLICE_SOURCE,
        note or "Each panel has its own scale, starting at zero.",
        height=1.05 * -(-len(names) // 4) + 0.3,
        narrow_height=1.75 * -(-len(names) // 2) + 0.3,
    )


def drivers(table: pd.DataFrame, area: str, before: str, now: str, note: str = "") -> Chart:
    """Diverging bars: each crime type's change in crimes between two years (its contribution
    to the net change), largest first; ``table`` from :func:`swp_analysis.police.drivers`
    (withheld rows already removed)."""
    data = table.iloc[::-1]
    names, values = list(data.index), [int(v) for v in data["change"]]

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        colours = [HIGHLIGHT if v > 0 else PALETTE[0] for v in values]
        ax.barh(names, values, color=colours)
        ax.axvline(0, color=TEXT, linewidth=1)
        for y, v in enumerate(values):
            ax.annotate(f"{v:+,}", (v, y), xytext=(3 if v >= 0 else -3, 0), textcoords="offset points",
                        va="center", ha="left" if v >= 0 else "right", fontsize=10)  # fmt: skip
        ax.set_xlabel("Change in recorded crimes")
        thousands(ax, "x")
        ax.margins(x=0.3 if narrow else 0.18)

    net = int(table["change"].sum())
    parts = [f"{n} {int(v):+,}" for n, v in zip(table.index, table["change"], strict=True)]
    rises = [n for n, v in zip(table.index, table["change"], strict=True) if v > 0][:2]
    title = f"{' and '.join(rises)} drove the rise in recorded crime" if net > 0 and rises else (
        f"Change in recorded crime in {area} by crime type"
    )  # fmt: skip
    return Chart(
        draw,
        title,
        f"Change in recorded crimes by crime type, {area}, {before} to {now}",
        f"Horizontal bar chart of the change in recorded crime in {area} from {before} to {now} by "
        f"crime type, largest change first: {'; '.join(parts)}. Net change {net:+,}.",
        POLICE_SOURCE,
        note,
        height=0.22 * len(names) + 0.8,
        narrow_height=0.34 * len(names) + 1.2,
    )


def crime_and_asb(crime: pd.DataFrame, asb: pd.DataFrame, area: str, note: str = "") -> Chart:
    """Recorded crime and anti-social behaviour per month, two lines labelled at their ends,
    never added together; both from zero. Each frame has ``month`` and ``count``."""

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        for frame, label, colour in (
            (crime, "Recorded crime", PALETTE[0]),
            (asb, "Anti-social behaviour", PALETTE[1]),
        ):
            counts = frame["count"].astype("float")
            ax.plot(frame["month"], counts, color=colour, marker="o", markersize=3)
            last = counts.last_valid_index()
            if last is not None:
                ax.annotate(label, (frame["month"][last], counts[last]), xytext=(4, 6),
                            textcoords="offset points", ha="right", va="bottom", fontsize=10,
                            color=TEXT, fontweight="bold")  # fmt: skip
        ax.set_ylim(bottom=0)
        ax.set_ylabel("Per month")
        thousands(ax)
        if narrow:
            ax.tick_params(axis="x", labelrotation=45)

    def total(frame: pd.DataFrame) -> str:
        return formatting.fmt_count(frame["count"].sum())

    first, last = crime["month"].min(), crime["month"].max()
    return Chart(
        draw,
        f"Anti-social behaviour beside recorded crime in {area}",
        f"Recorded crimes and anti-social behaviour incidents per month, {area}, "
        f"{first:%B %Y} to {last:%B %Y}",
        f"Line chart, two lines per month from {first:%B %Y} to {last:%B %Y} in {area}: recorded crime "
        f"(total {total(crime)}) and anti-social behaviour incidents (total {total(asb)}), shown "
        "separately and never added together.",
        "data.police.uk street-level crime and anti-social behaviour",
        note or "Anti-social behaviour incidents are not crimes and are not in recorded crime.",
    )


def rate_trends(trends: dict[str, pd.DataFrame], area: str, group: str) -> Chart:
    """Small multiples, one per crime type: the area's rate per 1,000 residents in each year
    with its 95% interval, and the peers' average as a line; from zero.

    Each frame is :func:`swp_analysis.police.rate_trend` (index years; rate, lower, upper,
    average); years without a rate are left out of the panel and said so in the alt text.
    """
    names = list(trends)

    def draw(fig: Figure, narrow: bool) -> None:
        axes = fig.subplots(len(names) if narrow else 1, 1 if narrow else len(names), squeeze=False).flat
        for ax, name in zip(axes, names, strict=False):
            t = trends[name].dropna(subset=["rate"])
            x = list(range(len(t)))
            err = [t["rate"] - t["lower"], t["upper"] - t["rate"]]
            ax.errorbar(x, t["rate"], yerr=err, fmt="o", color=HIGHLIGHT, capsize=4, label=area)
            ax.plot(x, t["average"], color=TEXT, linestyle="--", linewidth=1)
            if len(t):
                end = (x[-1], t["average"].iloc[-1])
                ax.annotate("peers", end, xytext=(4, -2), textcoords="offset points", fontsize=10, va="top")
            ax.set_xticks(x, [y[2:] for y in t.index], fontsize=10)
            ax.set_title(name, fontsize=10.5, loc="left")
            ax.set_ylim(bottom=0, top=max(float(t["upper"].max()), float(t["average"].max()), 0.1) * 1.25)
            ax.set_xlim(-0.5, len(t) - 0.2)
        fig.supylabel("Per 1,000 residents", fontsize=10.5)

    parts = []
    for name in names:
        t = trends[name]
        bits = [
            f"{y}: {r['rate']:.2f} (95% interval {r['lower']:.2f} to {r['upper']:.2f}), "
            f"peers {r['average']:.2f}"
            if pd.notna(r["rate"]) else f"{y}: no rate ({r['reason']})"
            for y, r in t.iterrows()
        ]  # fmt: skip
        parts.append(f"{name}: " + "; ".join(bits))
    return Chart(
        draw,
        f"Violence, weapons and robbery in {area} against its peers",
        f"Recorded crimes per 1,000 residents (95% confidence intervals) and the peers' average, {group}",
        f"Dot charts, one per crime type, of {area}'s rate per 1,000 residents in each financial year "
        f"with its 95% interval, and a dashed line for the average of its peers. {'. '.join(parts)}.",
        POLICE_SOURCE + "; ONS mid-year population estimates",
        "Where a dot's interval crosses the dashed line, the rate is similar to the peers' average.",
        height=2.8,
        narrow_height=2.3 * len(names) + 0.4,
    )


def density(
    points: pd.DataFrame, area: str, year: str, labels: dict[str, tuple[float, float]], note: str = ""
) -> Chart:
    """Where crime happens: the year's map points binned into hexagons, darker for more crimes.

    Hexagons holding 1 to 4 crimes are not drawn (disclosure control); there are no map tiles
    (the report is offline) and no axes, and the image is a PNG, so no point's coordinates are in
    the report. ``labels`` places a few ward names at the middle of their crimes.
    """
    n = len(points)

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        hb = ax.hexbin(points["longitude"], points["latitude"], gridsize=28 if narrow else 40, mincnt=5,
                       cmap="viridis_r", linewidths=0.2)  # fmt: skip
        for name, (x, y) in labels.items():
            box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8}
            ax.annotate(name, (x, y), fontsize=10, ha="center", color=TEXT, fontweight="bold", bbox=box)
        ax.set_aspect(1 / np.cos(np.radians(points["latitude"].mean())) if n else 1)
        ax.set_axis_off()
        bar = fig.colorbar(hb, ax=ax, shrink=0.7, orientation="horizontal" if narrow else "vertical")
        bar.set_label("Recorded crimes in the hexagon", fontsize=10)

    named = ", ".join(labels)
    return Chart(
        draw,
        f"Where recorded crime happened in {area}, {year}",
        f"Recorded crimes by location, binned into hexagons, {area}, {year}",
        f"Map-like picture of {area} without a base map: {formatting.fmt_count(n)} recorded crimes binned "
        f"into hexagons by where police.uk places them, darker where there are more. The wards with "
        f"most crime are labelled: {named}. Hexagons with fewer than 5 crimes are not drawn.",
        "data.police.uk street-level crime (map points as published: snapped to nearby points)",
        note or "Hexagons with 1 to 4 crimes are not drawn, so that no one can be identified.",
        height=3.4,
        narrow_height=4.0,
        raster=True,
    )
