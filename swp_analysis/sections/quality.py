"""The report's "Data quality and methods" chapter (notebook 00): sources, reconciliation, gaps.

Nothing here draws, so the notebook that uses it never imports seaborn or matplotlib.
"""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting, ingest, periods, police, provenance
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs


def reconciliation(inputs: ReportInputs) -> pd.DataFrame:
    """Rows read, kept and set aside for every police file (the ingest is brought up to date)."""
    ingest.ingest_police(inputs.paths)  # cached by the files' sha256: cheap when current
    return ingest.police_reconciliation(inputs.paths)


def summary(inputs: ReportInputs) -> Html:
    rec = reconciliation(inputs)
    read = int(rec["rows_read"].sum()) if "rows_read" in rec else 0
    kept = int(rec["rows_kept"].sum()) if "rows_kept" in rec else 0
    text = (
        f"{formatting.fmt_count(read)} police records were read from {len(rec)} street-level files; "
        f"{formatting.fmt_count(kept)} were kept and every other row is counted below under the "
        "reason it was set aside."
    )
    parts = [display.paragraph(text).markup]
    if inputs.synthetic_police:
        parts.append(
            display.paragraph(
                "Caution: the police files in this data folder are the synthetic sample made by "
                "swp sample-data, in the exact data.police.uk format. Police-derived figures "
                f"therefore illustrate the method and are not real crime figures for {inputs.area}.",
                "swp-flag",
            ).markup
        )
    return Html("".join(parts))


def sources_table(inputs: ReportInputs) -> Html:
    """Every input with its sha256 and row count (the same list as manifest.json)."""
    ingest.ingest_police(inputs.paths)  # the police manifest is current
    police_files = ingest.read_manifest(inputs.paths).get("police", {})
    files = {
        **provenance.inventory(inputs.paths, inputs.year),
        **provenance.police_inventory(police_files),
    }
    df = pd.DataFrame(
        [
            {
                "File": name,
                "Rows": entry["rows"],
                "sha256": display.Html(f'<code class="swp-hash">{entry["sha256"]}</code>'),
            }
            for name, entry in files.items()
        ]
    ).set_index("File")
    return display.table(
        df,
        "Input files (data/raw) with their sha256",
        formats={"Rows": "{:,}"},
        note="Rows: records of a CSV (header excluded), lines of other files. The same list is in "
        "the build's manifest.json.",
    )


def reconciliation_by_year(inputs: ReportInputs) -> pd.DataFrame:
    """The per-file reconciliation summed by financial year (per-file figures: manifest.json)."""
    rec = reconciliation(inputs)
    if rec.empty:
        return rec
    numeric = [c for c in rec.columns if pd.api.types.is_numeric_dtype(rec[c])]
    years = periods.fiscal_years(rec["month"].astype(str))
    table = rec[numeric].groupby(years.values, sort=True).sum()
    table.insert(0, "files", rec.groupby(years.values, sort=True).size())
    table.index.name = "Financial year"
    return table


def reconciliation_table(inputs: ReportInputs) -> Html:
    table = reconciliation_by_year(inputs)
    if table.empty:
        return display.paragraph("No police files were read.", "swp-missing")
    table = table.rename(columns={c: c.replace("_", " ").capitalize() for c in table.columns})
    return display.table(
        table,
        "Police records read, kept and set aside, by financial year",
        formats={c: "{:,.0f}" for c in table.columns},
        note="Rows read = rows kept + rows set aside, in every file (the figures for each file, "
        "with its sha256, are in manifest.json). Anti-social behaviour, records with no location "
        "and records outside the force's authorities are kept but labelled, and are not counted "
        "as recorded crime for an area.",
    )


def not_supplied(inputs: ReportInputs) -> Html:
    """The register figures the report needs for this area and does not have."""
    if inputs.content is None and inputs.area not in inputs.register.areas():
        return display.paragraph(f"The local register holds no figures for {inputs.area}.")
    local = set(police.areas_present(inputs.police))
    data = inputs.register.data
    missing = []
    for indicator_id, definition in inputs.register.definitions.items():
        period = inputs.context[indicator_id]["period"]
        areas = set(data.loc[data["indicator"] == indicator_id, "area"])
        if areas and not areas & local:
            continue  # a comparator (e.g. National), not a figure for any local area
        if inputs.register.row(indicator_id, inputs.area, period) is None:
            missing.append(f"{definition.title} ({indicator_id}, {period})")
    if not missing:
        return display.paragraph(f"Every register indicator has a figure for {inputs.area} for its period.")
    intro = display.paragraph(
        f"These register figures were not supplied for {inputs.area} and are shown as "
        "\u201cnot supplied\u201d wherever the report uses them (never as zero):"
    )
    return Html(intro.markup + display.bullets(missing).markup)


def coverage_caveats(inputs: ReportInputs) -> list[str]:
    """A caveat for each compared year the police data do not wholly cover for the area."""
    known = police.covered_months(inputs.police, inputs.area)
    out = []
    for year in inputs.years:
        cov = police.coverage(inputs.police, inputs.area, year, known=known)
        if not cov.complete:
            out.append(
                f"{year}: the police data for {inputs.area} cover {cov.note}. That year's totals are "
                "not a full year's, and changes compare only the months both years cover."
            )
    return out


def caveats(inputs: ReportInputs) -> Html:
    items = [
        "Recorded crime counts come from police.uk street-level data, which is updated monthly "
        "and may differ slightly from police force figures published elsewhere.",
        "Anti-social behaviour is reported separately and is not recorded crime.",
        "Figures in the register are as supplied by partners and are marked as stated by source; "
        "where a partner gave an approximate figure (\u201cover\u201d, \u201cnearly\u201d), the "
        "note says so.",
        "Percentage changes on bases under 10 are not shown; small changes are judged against "
        "normal variation with Wheeler's Poisson Z.",
        "Counts of 1 to 4 in any breakdown below the whole area are suppressed (*).",
    ]
    return display.bullets(coverage_caveats(inputs) + items)


def methods() -> Html:
    items = [
        "Financial years run April to March and are labelled like 2018-19.",
        "Change between years: absolute, percent, and Wheeler's Poisson Z = "
        "2(\u221anow \u2212 \u221abefore); |Z| > 3 is a signal.",
        "Proportions carry a Wilson score 95% confidence interval (as PHE/OHID Fingertips).",
        "Rates per 1,000 residents use ONS mid-year population estimates with Byar's method "
        "(exact Poisson below 10).",
        "An area's rate is compared with the average of its peers (their crimes over their "
        "residents): higher, similar or lower depending on whether its 95% interval lies above, "
        "across or below that average, as PHE/OHID Fingertips does. Ranks are not used.",
        "A part year is never shown as a full year: its totals say how many months they cover, "
        "changes compare the same months of both years, and rates are not compared.",
        "Delivery ratings are the lead's; beside each the linked indicators' suggestion is shown, "
        "and a rating more positive than its evidence is flagged.",
        "Full details and references: docs/methods.md in the project repository.",
    ]
    return display.bullets(items)
