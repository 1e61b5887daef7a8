"""Where crime happens: the wards with most crime (all, violence, burglary) and a density
picture; the full ward table is in the technical annex."""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting, police, suppression
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs

from .crime import SOURCE, year_on_year

FOCUS = ("Violence and sexual offences", "Burglary")
LABELLED = 3  # wards named on the density picture


def _ready(inputs: ReportInputs) -> bool:
    return not year_on_year(inputs).now.empty and police.has_wards(inputs.police, inputs.area)


def _no_wards(inputs: ReportInputs) -> Html:
    if year_on_year(inputs).now.empty:
        return display.nothing()
    return display.paragraph(
        f"Wards cannot be shown for {inputs.area}: the data folder has no ONS LSOA-to-ward lookup "
        "(raw/lsoa-ward-lookup.csv).",
        "swp-missing",
    )


def summary(inputs: ReportInputs) -> Html:
    if not _ready(inputs):
        return _no_wards(inputs)
    table = police.ward_table(inputs.police, inputs.area, inputs.year)
    shown = table[table["year"] != suppression.SUPPRESSED].head(3)
    named = [f"{w} ({formatting.fmt_prop(r['share'], dp=0)})" for w, r in shown.iterrows()]
    return display.paragraph(
        f"Recorded crime in {inputs.area} is concentrated in a few of its {len(table)} wards: "
        f"{', '.join(named)} of the total in {inputs.year}."
    )


def top_table(inputs: ReportInputs) -> Html:
    """The five wards with most violence, and with most burglary, this year."""
    if not _ready(inputs):
        return display.nothing()
    columns = {}
    for crime_type in FOCUS:
        top = police.top_wards(inputs.police, inputs.area, inputs.year, crime_type)
        columns[crime_type] = [f"{w} ({formatting.fmt_count(n)})" for w, n in top.items()]
    rows = max(len(v) for v in columns.values())
    df = pd.DataFrame({k: v + ["-"] * (rows - len(v)) for k, v in columns.items()})
    df.index = pd.Index(range(1, rows + 1), name="Place")
    return display.table(
        df,
        f"Wards with most violence and most burglary, {inputs.area}, {inputs.year}",
        note=f"{SOURCE} Recorded crimes in brackets; * marks a count withheld (1 to 4, or one that "
        "would reveal such a count).",
    )


def chart(inputs: ReportInputs):
    from swp_analysis import charts

    if not _ready(inputs):
        return display.nothing()
    pts = police.points(inputs.police, inputs.area, inputs.year)
    counts = pts["ward"].value_counts()
    labels: dict[str, tuple[float, float]] = {}
    for ward in counts.index[: LABELLED * 3]:
        mine = pts[pts["ward"] == ward]
        at = (float(mine["longitude"].median()), float(mine["latitude"].median()))
        apart = all(abs(at[0] - x) > 0.03 or abs(at[1] - y) > 0.012 for x, y in labels.values())
        if apart:  # never two names on top of each other
            labels[str(ward)] = at
        if len(labels) == LABELLED:
            break
    return charts.density(pts, inputs.area, inputs.year, labels)


def full_table(inputs: ReportInputs) -> Html:
    """Every ward: this year, last year (like for like), the change and the share (annex)."""
    if not _ready(inputs):
        return display.nothing()
    t = police.ward_table(inputs.police, inputs.area, inputs.year)
    star = suppression.SUPPRESSED

    def fmt(v, how):
        return v if v == star else how(v)

    df = pd.DataFrame(index=pd.Index(t.index, name="Ward"))
    if "before" in t:
        df[inputs.previous_year] = [fmt(v, formatting.fmt_count) for v in t["before"]]
        df[inputs.year] = [fmt(v, formatting.fmt_count) for v in t["now"]]
        df["Change"] = [fmt(v, lambda x: f"{int(x):+,}") for v in t["change"]]
    df[f"Share of {inputs.area}, {inputs.year}"] = [fmt(v, formatting.fmt_prop) for v in t["share"]]
    hidden = int((t["year"] == star).sum())
    return display.table(
        df,
        f"Recorded crime by ward, {inputs.area}",
        numeric=list(df.columns),
        note=f"{SOURCE} Counts compare the months both years cover. Wards from the ONS LSOA-to-ward "
        f"lookup. {formatting.suppression_note(hidden)}",
    )
