"""Police recorded crime: the year's total and its change, contributors, and the peer comparison.

Counts shown below the whole area pass through disclosure control
(:mod:`swp_analysis.suppression`). The crime types compared with the force's other authorities
come from the content's ``comparison.crime_types``.
"""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting, police, suppression
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs
from swp_analysis.stats import WITHIN_NORMAL

SOURCE = "Source: data.police.uk street-level crime."


def crime_types(inputs: ReportInputs) -> pd.DataFrame:
    """Each crime type's count, share of total recorded crime and rank, this year."""
    return police.crime_type_shares(inputs.police, inputs.area, inputs.year)


def crime_summary(inputs: ReportInputs) -> Html:
    """Total recorded crime and its change, with the Poisson Z verdict, in plain words."""
    t = police.trc_change(inputs.police, inputs.area, inputs.year)
    types = crime_types(inputs)
    top = types.index[0]
    signal = t.verdict != WITHIN_NORMAL
    parts = [
        f"{inputs.area} recorded {formatting.fmt_count(t.now)} crimes in {inputs.year} (police.uk "
        f"street-level data, excluding anti-social behaviour): {formatting.change_text(t)} "
        f"on {inputs.previous_year}.",
        f"Wheeler's Poisson Z for this change is {t.z:.1f}, so the change is "
        + (
            "more than normal year-to-year variation (|Z| > 3)."
            if signal
            else "within normal year-to-year variation (|Z| of 3 or less)."
        ),
        f"The largest contributor was {top.lower()} "
        f"({formatting.fmt_prop(types.loc[top, 'share'])} of the total).",
    ]
    if "Vehicle crime" in types.index:
        v = types.loc["Vehicle crime"]
        parts.append(
            f"Vehicle crime was {formatting.fmt_prop(v['share'])} of total recorded crime, the "
            f"{formatting.ordinal(int(v['rank']))} highest contributor. police.uk publishes "
            "vehicle crime as one category, so theft from a motor vehicle on its own cannot be "
            "shown from this source."
        )
    asb = police.asb_count(inputs.police, inputs.area, inputs.year)
    parts.append(
        "Anti-social behaviour is counted separately: "
        f"{formatting.fmt_count(asb)} incidents in {inputs.year}."
    )
    return Html("".join(f"<p>{display.escape(p)}</p>" for p in parts))


def contributors_table(inputs: ReportInputs) -> Html:
    """Crime types with count, share and rank (counts pass through disclosure control)."""
    t = crime_types(inputs)
    counts = suppression.suppress(t[["count"]])
    df = pd.DataFrame(
        {
            "Recorded crimes": [formatting.fmt_count(c) for c in counts["count"]],
            "Share of total": [formatting.fmt_prop(x) for x in t["share"]],
            "Rank": [formatting.ordinal(int(x)) for x in t["rank"]],
        },
        index=pd.Index(t.index, name="Crime type"),
    )
    return display.table(
        df,
        f"Recorded crime by type, {inputs.area}, {inputs.year}",
        numeric=list(df.columns),
        note=f"{SOURCE} Counts of 1 to 4 would be shown as * (none are).",
    )


def chart_contributors(inputs: ReportInputs):
    from swp_analysis import charts

    return charts.contributors(crime_types(inputs), inputs.area, inputs.year)


def chart_monthly(inputs: ReportInputs):
    from swp_analysis import charts

    monthly = police.monthly_counts(inputs.police, inputs.area, inputs.years)
    return charts.monthly_trend(monthly, inputs.area)


def peers(inputs: ReportInputs, crime_type: str | None) -> pd.DataFrame:
    """Every authority of the force on one crime type: change and rate per 1,000."""
    return police.peer_table(inputs.police, inputs.year, crime_type, inputs.population, area=inputs.area)


def peer_summary(inputs: ReportInputs, crime_type: str) -> Html:
    f = peers(inputs, crime_type)
    change = formatting.peer_rank_label(f, inputs.area, "pct_change", "down_is_good")
    rate = formatting.peer_rank_label(f, inputs.area, "rate_per_1000", "down_is_good")
    row = f.loc[inputs.area]
    return display.paragraph(
        f"{crime_type} in {inputs.area} changed by {formatting.fmt_pct(row['pct_change'])} "
        f"between {inputs.previous_year} and {inputs.year}: {change} authorities of the "
        f"force for reducing it. Its rate was {row['rate_per_1000']:.1f} per 1,000 "
        f"residents: {rate} (lowest rate = best)."
    )


def chart_peers(inputs: ReportInputs, crime_type: str, metric: str):
    """A dot plot of the force's authorities; the title states the area's rank."""
    from swp_analysis import charts

    f = peers(inputs, crime_type)
    rank = formatting.peer_rank_label(f, inputs.area, metric, "down_is_good")
    if metric == "pct_change":
        return charts.peer_dots(
            f,
            "pct_change",
            inputs.area,
            f"{crime_type}: change {inputs.previous_year} to {inputs.year}",
            "Change on the previous year (per cent)",
            fmt="{:+.1f}%",
            finding=f"{inputs.area}: {rank} for reducing {crime_type.lower()}",
        )
    return charts.peer_dots(
        f,
        "rate_per_1000",
        inputs.area,
        f"{crime_type}: rate per 1,000 residents, {inputs.year}",
        "Recorded crimes per 1,000 residents",
        finding=f"{inputs.area}: {rank} for its {crime_type.lower()} rate per 1,000 residents",
    )


def peer_table_html(inputs: ReportInputs, crime_type: str) -> Html:
    f = peers(inputs, crime_type)
    rates = zip(f["rate_per_1000"], f["rate_lower"], f["rate_upper"], strict=True)
    df = pd.DataFrame(
        {
            inputs.previous_year: [formatting.fmt_count(x) for x in f["count_before"]],
            inputs.year: [formatting.fmt_count(x) for x in f["count_now"]],
            "Change": [formatting.fmt_pct(x) for x in f["pct_change"]],
            "Poisson Z": [f"{x:.1f}" for x in f["z"]],
            "Rate per 1,000": [f"{x:.1f} ({lo:.1f} to {hi:.1f})" for x, lo, hi in rates],
        },
        index=pd.Index(f.index, name="Authority"),
    )
    return display.table(
        df,
        f"{crime_type} in the force's authorities",
        numeric=list(df.columns),
        note="Rates use ONS mid-year population estimates; the interval is 95% (Byar's method).",
    )


def peer_comparison(inputs: ReportInputs) -> Html:
    """For each crime type the content compares: a heading, the summary, two charts and a table."""
    parts: list[object] = []
    for crime_type in inputs.settings.crime_types:
        parts.append(display.heading(f"{crime_type} compared with the other authorities of the force", 4))
        parts.append(peer_summary(inputs, crime_type))
        parts.append(chart_peers(inputs, crime_type, "pct_change"))
        parts.append(chart_peers(inputs, crime_type, "rate_per_1000"))
        parts.append(peer_table_html(inputs, crime_type))
    return display.join(parts)
