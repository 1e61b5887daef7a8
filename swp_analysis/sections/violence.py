"""Violence prevention's police figures: violence and sexual offences, possession of weapons and
robbery, as rates per 1,000 residents with their intervals, for the area and its peers."""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting, police
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs

from .crime import year_on_year

TYPES = ("Violence and sexual offences", "Possession of weapons", "Robbery")


def trends(inputs: ReportInputs) -> dict[str, pd.DataFrame]:
    years = police.years_held(inputs.police, inputs.area)
    return {
        t: police.rate_trend(inputs.police, inputs.area, t, inputs.population, years, inputs.settings.peers)
        for t in TYPES
    }


def summary(inputs: ReportInputs) -> Html:
    """One sentence per crime type: this year's rate against the peers' average, in Fingertips' words."""
    if year_on_year(inputs).now.empty:
        return display.nothing()
    parts = []
    for name, t in trends(inputs).items():
        r = t.loc[inputs.year]
        if pd.isna(r["rate"]):
            why = (
                "the police data cover only part of the year"
                if r["reason"] == "part year"
                else "the population is not known"
            )
            parts.append(f"{name}: {formatting.fmt_count(r['count'])} recorded; no rate, as {why}.")
            continue
        parts.append(
            f"{name}: {r['rate']:.2f} per 1,000 residents "
            f"(95% interval {r['lower']:.2f} to {r['upper']:.2f}), "
            f"{formatting.versus_peers(r['verdict'], int(r['n_others']))} ({r['average']:.2f})."
        )
    return Html("".join(f"<p>{display.escape(p)}</p>" for p in parts))


def chart(inputs: ReportInputs):
    from swp_analysis import charts

    if year_on_year(inputs).now.empty:
        return display.nothing()
    return charts.rate_trends(trends(inputs), inputs.area, f"{inputs.area} and its peers")


def table(inputs: ReportInputs) -> Html:
    if year_on_year(inputs).now.empty:
        return display.nothing()
    rows = []
    for name, t in trends(inputs).items():
        for year, r in t.iterrows():
            rate = (
                "not available"
                if pd.isna(r["rate"])
                else f"{r['rate']:.2f} ({r['lower']:.2f} to {r['upper']:.2f})"
            )
            average = "-" if r["average"] is None or pd.isna(r["average"]) else f"{r['average']:.2f}"
            verdict = r["verdict"] if r["verdict"] in ("higher", "similar", "lower") else "not compared"
            rows.append({
                "Crime type": name, "Year": year, "Crimes": formatting.fmt_count(r["count"]),
                "Rate per 1,000": rate, "Peers' average": average, "Compared with the peers": verdict,
            })  # fmt: skip
    df = pd.DataFrame(rows).set_index("Crime type")
    return display.table(
        df,
        f"Violence, weapons and robbery: rates per 1,000 residents, {inputs.area} and its peers",
        numeric=["Crimes", "Rate per 1,000", "Peers' average"],
        note="Rates use ONS mid-year population estimates with 95% intervals; the peers' average is "
        "their crimes over their residents. Higher or lower only where the interval lies wholly "
        "above or below that average.",
    )
