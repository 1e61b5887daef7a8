"""Partners' figures from the local register: headline figures, change tables and their charts.

The register is the partnership's: a report for another authority shows its figures only where
the register holds rows for that authority, and otherwise nothing (never boxes of "not
supplied" under the partnership's indicator titles).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from swp_analysis import display, formatting, stats
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs


def _shown(inputs: ReportInputs) -> bool:
    """Register figures are shown for the partnership's own area, or an area the register covers."""
    return inputs.content is not None or inputs.area in inputs.register.areas()


QUALIFIERS = ("over", "more than", "nearly", "almost", "around", "about", "approximately", "up to",
              "at least", "fewer than", "less than", "under")  # fmt: skip


def shown_value(c: dict) -> str:
    """A figure as the partner gave it: "over 100" when the register's note is a qualifier."""
    note = (c["note"] or "").strip().lower()
    return f"{note} {c['value']}" if note in QUALIFIERS and c["raw"]["value"] is not None else c["value"]


def figure_verdict(c: dict) -> str:
    """A register figure's direction and, for a count, whether that is more than normal
    year-to-year variation (Wheeler's Poisson Z); a count that more than doubled says that a
    change of recording or reporting may be behind it."""
    raw = c["raw"]
    if raw["value"] is None:
        before = f"; {c['previous']} in {c['previous_period']}" if raw["previous"] is not None else ""
        return f"Not supplied for {c['period']}{before}"
    if raw["previous"] is None:
        return f"No figure for {c['previous_period']} to compare with"
    text = c["change"][0].upper() + c["change"][1:] + f" on {c['previous_period']}"
    if c["unit"] == "count":
        within = c["verdict"] == "within normal variation"
        text += ": " + ("within" if within else "more than") + " normal year-to-year variation"
        if raw["previous"] > 0 and raw["value"] > 2 * raw["previous"]:
            text += (
                ". More than doubled: a change this large can reflect how incidents are recorded or reported"
            )
    return text


def published_notes(inputs: ReportInputs, indicator_id: str) -> list[str]:
    """Where the published report stated this figure differently: "published as 4.7%; the
    figures give 7.8%" (from the claims check)."""
    table = inputs.claims
    if table is None:
        return []
    rows = table[(table["indicator"] == indicator_id) & (table["status"] == "disagrees")]
    notes = []
    for _, r in rows.iterrows():
        unit = "%" if r["unit"] == "%" else ""
        recomputed = formatting.fmt_number(r["recomputed"], dp=1)
        notes.append(f"Published as {r['stated']:g}{unit}; the figures give {recomputed}{unit}")
    return notes


def key_figures(inputs: ReportInputs, ids: Sequence[str]) -> Html:
    """Headline figures of register indicators: value (with the partner's qualifier), and beneath
    it the change and its verdict, the target, and any difference from the published report."""
    if not _shown(inputs):
        return display.nothing()
    items = []
    for i in ids:
        c = inputs.context[i]
        notes = [figure_verdict(c)]
        if c["raw"]["target"] is not None and c["raw"]["value"] is not None:
            notes.append(c["target"])
        if c["note"] and c["note"].strip().lower() not in QUALIFIERS:
            notes.append(f"Stated by source as \u201c{c['note']}\u201d")
        notes += published_notes(inputs, i)
        items.append((f"{c['title']} ({c['period']})", shown_value(c), ". ".join(notes) or None))
    return display.key_figures(items)


def change_table(inputs: ReportInputs, ids: Sequence[str], caption: str) -> Html:
    """Counts this year and last with the percentage change and, in plain words, whether it is
    more than normal year-to-year variation (Wheeler's Poisson Z, in the methods)."""
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
                "More than normal variation?": _plain(c["verdict"]),
            }
        )
    df = pd.DataFrame(rows).set_index("Indicator")
    return display.table(
        df,
        caption,
        numeric=[c for c in df.columns if c != "More than normal variation?"],
        note="A change is more than normal year-to-year variation when chance alone would rarely "
        "give it (Wheeler's Poisson Z above 3; see the methods in the technical annex).",
    )


def _plain(verdict: str) -> str:
    if verdict in ("increase", "decrease"):
        return f"yes: a real {verdict}"
    return "no" if verdict == "within normal variation" else str(verdict)


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
