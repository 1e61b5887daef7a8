"""Appendix A (expenditure) and the check of the figures a published report stated.

Both are the partnership's own: a report for another authority shows neither.
"""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs


def has_expenditure(inputs: ReportInputs) -> bool:
    """Expenditure is the partnership's own: shown only for the area its content is for."""
    return inputs.content is not None and inputs.paths.expenditure.is_file()


def _year_spend(inputs: ReportInputs) -> pd.DataFrame:
    e = inputs.expenditure
    return e[e["fiscal_year"] == inputs.year]


def spend_by_priority(inputs: ReportInputs) -> pd.Series:
    e = _year_spend(inputs)
    return e.groupby("priority")["amount_gbp"].sum().sort_values(ascending=False)


def chart_expenditure(inputs: ReportInputs):
    from swp_analysis import charts

    if inputs.content is None:
        return display.nothing()
    if not has_expenditure(inputs) or spend_by_priority(inputs).empty:
        return display.paragraph(
            f"No chart: expenditure was not supplied for {inputs.area} for {inputs.year}.", "swp-missing"
        )
    return charts.spend_by_priority(
        spend_by_priority(inputs), inputs.year, inputs.area, "expenditure.csv", expenditure_note(inputs)
    )


def expenditure_note(inputs: ReportInputs) -> str:
    if inputs.synthetic_police:
        return (
            "These amounts are synthetic (made by swp sample-data): the published report's "
            "Appendix A is an image whose figures are not in its text."
        )
    return "Source: expenditure.csv."


def expenditure_table(inputs: ReportInputs) -> Html:
    if not has_expenditure(inputs):
        return display.nothing()
    e = _year_spend(inputs)
    df = pd.DataFrame(
        {
            "Priority": e["priority"],
            "Item": e["item"],
            "Provider": e["provider"],
            "Funder": e["funder"],
            "Amount": [formatting.fmt_gbp(x) for x in e["amount_gbp"]],
        }
    ).set_index("Item")
    total = formatting.fmt_gbp(e["amount_gbp"].sum())
    return display.table(
        df,
        f"Expenditure by item, {inputs.year} (total {total})",
        numeric=["Amount"],
        note=expenditure_note(inputs),
    )


def claims_summary(inputs: ReportInputs) -> Html:
    if inputs.content is None:
        return display.nothing()
    table = inputs.claims
    if table is None:
        return display.paragraph(f"No published figures were listed to check for {inputs.year}.")
    counts = table["status"].value_counts()
    return display.paragraph(
        f"The published report's figures were recomputed from the data: "
        f"{counts.get('agrees', 0)} agree, {counts.get('disagrees', 0)} disagree and "
        f"{counts.get('not checked', 0)} could not be checked."
    )


def _show(x: float, unit: str) -> str:
    if x is None or pd.isna(x):
        return "-"
    if unit == "%":
        return f"{x:,.1f}%"
    if unit == "\u00a3":
        return formatting.fmt_gbp(x)
    if unit == "ratio":
        return f"{x:,.2f}"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def claims_table_html(inputs: ReportInputs) -> Html:
    table = inputs.claims
    if table is None:
        return display.nothing()
    status = {"agrees": "\u2713 agrees", "disagrees": "\u2715 disagrees", "not checked": "\u2013 not checked"}
    df = pd.DataFrame(
        {
            "Claim": table["claim"],
            "Where stated": table["where"],
            "Stated": [_show(x, u) for x, u in zip(table["stated"], table["unit"], strict=True)],
            "Recomputed": [_show(x, u) for x, u in zip(table["recomputed"], table["unit"], strict=True)],
            "Result": [status.get(s, s) for s in table["status"]],
            "How": table["note"],
        }
    ).set_index("Claim")
    return display.table(
        df,
        "Figures checked: each figure the published report stated, recomputed",
        numeric=["Stated", "Recomputed"],
    )
