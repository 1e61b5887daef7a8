"""Anti-social behaviour: its yearly trend and monthly series, beside recorded crime and never
added to it (police.uk publishes incidents of anti-social behaviour, which are not crimes)."""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting, police
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs

from .crime import year_on_year


def yearly(inputs: ReportInputs) -> pd.Series:
    """Anti-social behaviour incidents in each year the data hold (over each year's covered months)."""
    series = police.monthly_series(inputs.police, inputs.area, asb=True)
    return series.groupby("fiscal_year", sort=False)["count"].sum(min_count=1)


def summary(inputs: ReportInputs) -> Html:
    if year_on_year(inputs).now.empty:
        return display.nothing()
    counts = yearly(inputs)
    months = police.yearly(inputs.police, inputs.area).attrs["months"]
    parts = []
    for year, n in counts.items():
        note = "" if months.get(year, 0) == 12 else f" ({months.get(year, 0)} of 12 months)"
        parts.append(f"{formatting.fmt_count(n)} in {year}{note}")
    return display.paragraph(
        f"Anti-social behaviour incidents in {inputs.area}: {', '.join(parts)}. They are counted "
        "separately from recorded crime and never added to it."
    )


def chart(inputs: ReportInputs):
    from swp_analysis import charts

    if year_on_year(inputs).now.empty:
        return display.nothing()
    crime = police.monthly_series(inputs.police, inputs.area)
    asb = police.monthly_series(inputs.police, inputs.area, asb=True)
    missing = crime.loc[crime["count"].isna(), "month"].dt.strftime("%Y-%m").tolist()
    note = f"No police data for {formatting.month_list(missing)}." if missing else ""
    return charts.crime_and_asb(crime, asb, inputs.area, note)
