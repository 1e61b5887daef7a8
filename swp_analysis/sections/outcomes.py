"""Outcomes: each ``Last outcome category`` of the year's crimes, as police.uk publishes it."""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting, police, suppression
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs

from .crime import SOURCE, crime_types, year_on_year

MAIN_TYPES = 5
CAVEAT = (
    "Outcomes are updated after publication (a crime under investigation when a month's file "
    "was published may be charged later), so the latest months of the year look less resolved "
    "than older ones."
)


def summary(inputs: ReportInputs) -> Html:
    if year_on_year(inputs).now.empty:
        return display.nothing()
    table = police.outcomes(inputs.police, inputs.area, inputs.year)
    shown = table[table["count"] != suppression.SUPPRESSED].head(4)
    top = [
        f"{name.lower()} ({formatting.fmt_count(r['count'])}, {formatting.fmt_prop(r['share'], dp=0)})"
        for name, r in shown.iterrows()
    ]
    listed = ", ".join(top[:-1]) + " and " + top[-1] if len(top) > 1 else "".join(top)
    return display.paragraph(
        f"The most common outcomes recorded for {inputs.area}'s {inputs.year} crimes were {listed}. "
        f"{CAVEAT} Every outcome category, and the outcomes of the main crime types, are in the "
        "technical annex."
    )


def table(inputs: ReportInputs) -> Html:
    if year_on_year(inputs).now.empty:
        return display.nothing()
    t = police.outcomes(inputs.police, inputs.area, inputs.year)
    star = suppression.SUPPRESSED
    df = pd.DataFrame(
        {
            "Crimes": [c if c == star else formatting.fmt_count(c) for c in t["count"]],
            "Share": [s if s == star else formatting.fmt_prop(s) for s in t["share"]],
        },
        index=pd.Index(t.index, name="Last outcome category"),
    )
    hidden = int((t["count"] == star).sum())
    return display.table(
        df,
        f"Outcomes of recorded crimes, {inputs.area}, {inputs.year}",
        numeric=["Crimes", "Share"],
        note=f"{SOURCE} Categories as published. {formatting.suppression_note(hidden)}",
    )


def by_type(inputs: ReportInputs) -> Html:
    """Outcomes of the main crime types (the five largest), counts with disclosure control."""
    if year_on_year(inputs).now.empty:
        return display.nothing()
    types = list(crime_types(inputs).index[:MAIN_TYPES])
    t = police.outcomes_by_type(inputs.police, inputs.area, inputs.year, types)
    df = t.apply(lambda col: [formatting.fmt_count(v) for v in col])
    df.index.name = "Last outcome category"
    hidden = int((t == suppression.SUPPRESSED).sum().sum())
    return display.table(
        df,
        f"Outcomes of the five largest crime types, {inputs.area}, {inputs.year}",
        numeric=list(df.columns),
        note=f"{SOURCE} {formatting.suppression_note(hidden)}",
    )
