"""The notebooks' facade: :func:`load` gives a :class:`Report`, whose every method delegates.

A notebook's second cell is ``r = report.load(year, area, data_dir)``; every figure, table and
piece of narrative it shows comes from one method here, which hands the report's inputs
(:class:`swp_analysis.inputs.ReportInputs`) to the section that builds it
(:mod:`swp_analysis.sections`). A reader follows any number to its source in two steps.

``year`` and ``area`` default to the latest year with content and the area it names
(:func:`swp_analysis.content.resolve`), so a notebook's parameters can stay ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from swp_analysis import content, periods
from swp_analysis.display import Html
from swp_analysis.inputs import LazyMapping, ReportInputs
from swp_analysis.paths import DataPaths
from swp_analysis.sections import (
    appendices,
    asb,
    crime,
    front,
    objectives,
    outcomes,
    quality,
    register,
    summary,
    trends,
    violence,
    wards,
)

__all__ = ["LazyMapping", "Report", "load"]


class Report:
    """One report (a year and an area): the methods the notebooks call."""

    def __init__(self, inputs: ReportInputs) -> None:
        self.inputs = inputs

    # -- what the report is for ------------------------------------------------------------
    year = property(lambda self: self.inputs.year)
    area = property(lambda self: self.inputs.area)
    paths = property(lambda self: self.inputs.paths)
    previous_year = property(lambda self: self.inputs.previous_year)
    content = property(lambda self: self.inputs.content)
    police = property(lambda self: self.inputs.police)
    register = property(lambda self: self.inputs.register)
    claims = property(lambda self: self.inputs.claims)
    police_figures = property(lambda self: self.inputs.police_placeholders)

    def indicator(self, indicator_id: str) -> dict[str, Any]:
        """The formatted figures of one register indicator (see :mod:`swp_analysis.indicators`)."""
        return self.inputs.context[indicator_id]

    # -- front and back matter (notebook 90) ---------------------------------------------------
    def headline(self) -> Html:
        return front.headline(self.inputs)

    def main_points(self) -> Html:
        return summary.main_points(self.inputs)

    def about_the_data(self) -> Html:
        return summary.about_the_data(self.inputs)

    def glossary(self) -> Html:
        return front.glossary(self.inputs)

    def rating_key(self) -> Html:
        return objectives.rating_key(self.inputs)

    def narrative_section(self, name: str) -> Html:
        return front.narrative_section(self.inputs, name)

    def signatories(self) -> Html:
        return front.signatories(self.inputs)

    def strategy_heading(self) -> Html:
        return front.strategy_heading(self.inputs)

    def strategy_overview(self) -> Html:
        return front.strategy_overview(self.inputs)

    def next_year_table(self) -> Html:
        return front.next_year_table(self.inputs)

    def membership(self) -> Html:
        return front.membership(self.inputs)

    # -- objectives and ratings -------------------------------------------------------------
    def priority_chapter(self, position: int) -> Html:
        return objectives.priority_chapter(self.inputs, position)

    def further_priorities(self, first: int) -> Html:
        return objectives.further_priorities(self.inputs, first)

    def objective(self, objective_id: str) -> Html:
        return objectives.objective(self.inputs, objective_id)

    def objectives_table(self) -> pd.DataFrame:
        return objectives.objectives_table(self.inputs)

    def objectives_table_html(self) -> Html:
        return objectives.objectives_table_html(self.inputs)

    # -- partners' figures (notebooks 10-40) ---------------------------------------------------
    def key_figures(self, ids: Sequence[str]) -> Html:
        return register.key_figures(self.inputs, ids)

    def change_table(self, ids: Sequence[str], caption: str) -> Html:
        return register.change_table(self.inputs, ids, caption)

    def chart_proportion(self, indicator_id: str, measure: str):
        return register.chart_proportion(self.inputs, indicator_id, measure)

    def chart_year_on_year(self, indicator_id: str, measure: str, unit: str):
        return register.chart_year_on_year(self.inputs, indicator_id, measure, unit)

    # -- police recorded crime (notebook 10) ---------------------------------------------------
    def crime_summary(self) -> Html:
        return crime.crime_summary(self.inputs)

    def chart_type_trends(self):
        return trends.chart_type_trends(self.inputs)

    def trend_table(self) -> Html:
        return trends.trend_table(self.inputs)

    def drivers_summary(self) -> Html:
        return trends.drivers_summary(self.inputs)

    def chart_drivers(self):
        return trends.chart_drivers(self.inputs)

    def drivers_table(self) -> Html:
        return trends.drivers_table(self.inputs)

    def asb_summary(self) -> Html:
        return asb.summary(self.inputs)

    def chart_asb(self):
        return asb.chart(self.inputs)

    def outcomes_summary(self) -> Html:
        return outcomes.summary(self.inputs)

    def outcomes_table(self) -> Html:
        return outcomes.table(self.inputs)

    def outcomes_by_type(self) -> Html:
        return outcomes.by_type(self.inputs)

    def wards_summary(self) -> Html:
        return wards.summary(self.inputs)

    def chart_wards(self):
        return wards.chart(self.inputs)

    def top_wards_table(self) -> Html:
        return wards.top_table(self.inputs)

    def ward_table(self) -> Html:
        return wards.full_table(self.inputs)

    def violence_summary(self) -> Html:
        return violence.summary(self.inputs)

    def chart_violence(self):
        return violence.chart(self.inputs)

    def violence_table(self) -> Html:
        return violence.table(self.inputs)

    def peer_comparison(self) -> Html:
        return crime.peer_comparison(self.inputs)

    def peer_tables(self) -> Html:
        return crime.peer_tables(self.inputs)

    def peers(self, crime_type: str | None = None) -> pd.DataFrame:
        return crime.peers(self.inputs, crime_type)

    # -- appendices and the claims check (notebook 90) -----------------------------------------
    def chart_expenditure(self):
        return appendices.chart_expenditure(self.inputs)

    def expenditure_table(self) -> Html:
        return appendices.expenditure_table(self.inputs)

    def claims_summary(self) -> Html:
        return appendices.claims_summary(self.inputs)

    def claims_table_html(self) -> Html:
        return appendices.claims_table_html(self.inputs)

    # -- data quality and methods (notebook 00) ------------------------------------------------
    def quality_summary(self) -> Html:
        return quality.summary(self.inputs)

    def sources_table(self) -> Html:
        return quality.sources_table(self.inputs)

    def reconciliation_table(self) -> Html:
        return quality.reconciliation_table(self.inputs)

    def not_supplied(self) -> Html:
        return quality.not_supplied(self.inputs)

    def caveats(self) -> Html:
        return quality.caveats(self.inputs)

    def methods(self) -> Html:
        return quality.methods()


def load(year: str | None = None, area: str | None = None, data_dir: str | Path | None = None) -> Report:
    """The report for ``year`` and ``area`` from the data folder (``None``: the repository's ``data/``).

    Without ``year`` or ``area``, the latest year with content and the area it names.
    """
    paths = DataPaths.from_arg(data_dir)
    year, area = content.resolve(paths, year, area)
    periods.start_of(year)  # a ValueError for a malformed label ("2018-2019")
    return Report(ReportInputs(year, area, paths))
