"""Partners' figures from the local register: headline figures, change tables and their charts.

The register is the partnership's: a report for another authority shows its figures only where
the register holds rows for that authority, and otherwise nothing (never boxes of "not
supplied" under the partnership's indicator titles).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from swp_analysis import display, stats
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs


def _shown(inputs: ReportInputs) -> bool:
    """Register figures are shown for the partnership's own area, or an area the register covers."""
    return inputs.content is not None or inputs.area in inputs.register.areas()


def key_figures(inputs: ReportInputs, ids: Sequence[str]) -> Html:
    """Headline figures of register indicators: value, with change or target beneath."""
    if not _shown(inputs):
        return display.nothing()
    items = []
    for i in ids:
        c = inputs.context[i]
        items.append((f"{c['title']} ({c['period']})", c["value"], _figure_note(c) or None))
    return display.key_figures(items)


def _figure_note(c: dict) -> str:
    """What goes under a headline figure: its change on the year before (or which year is
    missing), how it stands against its target, and the partner's own words."""
    raw, note = c["raw"], []
    if raw["value"] is None and raw["previous"] is not None:
        note.append(f"Not supplied for {c['period']}; {c['previous']} in {c['previous_period']}")
    elif raw["value"] is not None and raw["previous"] is None:
        note.append(f"No figure for {c['previous_period']} to compare with")
    elif raw["value"] is not None:
        note.append(c["change"][0].upper() + c["change"][1:] + f" on {c['previous_period']}")
    if raw["target"] is not None and raw["value"] is not None:
        note.append(c["target"])
    if c["note"]:
        note.append(f"Stated by source as \u201c{c['note']}\u201d")
    return ". ".join(note)


def change_table(inputs: ReportInputs, ids: Sequence[str], caption: str) -> Html:
    """Counts this year and last with percent change and Wheeler's Poisson Z verdict."""
    if not _shown(inputs):
        return display.nothing()
    rows = []
    for i in ids:
        c = inputs.context[i]
        rows.append(
            {
                "Indicator": c["title"],
                c["previous_period"]: c["previous"],
                c["period"]: c["value"],
                "Change": c["change_pct"],
                "Poisson Z": c["z"],
                "Verdict": c["verdict"],
            }
        )
    df = pd.DataFrame(rows).set_index("Indicator")
    return display.table(
        df,
        caption,
        numeric=[c for c in df.columns if c != "Verdict"],
        note="Poisson Z = 2(sqrt(now) - sqrt(before)); a change with |Z| above 3 is more than "
        "normal year-to-year variation.",
    )


def _not_supplied_chart(inputs: ReportInputs, measure: str) -> Html:
    if not _shown(inputs):
        return display.nothing()
    return display.paragraph(
        f"No chart: {measure.lower()} was not supplied for {inputs.area} for "
        f"{inputs.previous_year} or {inputs.year}.",
        "swp-missing",
    )


def chart_proportion(inputs: ReportInputs, indicator_id: str, measure: str):
    """A proportion in each year with its Wilson interval, against its target or baseline."""
    from swp_analysis import charts

    rows = []
    for y in inputs.years:
        row = inputs.register.row(indicator_id, inputs.area, y)
        if row is None:
            continue
        lo = hi = None
        if row.numerator is not None and row.denominator:
            lo, hi = stats.proportion_ci(row.numerator, row.denominator)
        rows.append((y, row.value, lo, hi))
    if not rows or not _shown(inputs):
        return _not_supplied_chart(inputs, measure)
    definition = inputs.register.definitions[indicator_id]
    target = definition.target.value if definition.target else None
    word = definition.target.kind if definition.target else "target"
    return charts.proportion_against_target(measure, rows, target, word, inputs.area, _source(definition))


def chart_year_on_year(inputs: ReportInputs, indicator_id: str, measure: str, unit: str):
    """A count in each of the two years, as bars."""
    from swp_analysis import charts

    values = {y: inputs.register.value(indicator_id, inputs.area, y) for y in inputs.years}
    if all(v is None for v in values.values()) or not _shown(inputs):
        return _not_supplied_chart(inputs, measure)
    definition = inputs.register.definitions[indicator_id]
    return charts.year_on_year(measure, unit, values, inputs.area, _source(definition))


def _source(definition) -> str:
    return f"{definition.source_organisation}, as supplied to the partnership's register"
