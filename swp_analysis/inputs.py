"""The inputs of one report (a year and an area), each read on first use.

:class:`ReportInputs` is what every section of the report reads from: the processed police
table, the local register, the population and expenditure tables, the year's content and the
context narrative placeholders are filled from. Nothing is read until a section asks for it, so
a chapter that shows no police figure never reads the police table.

Content is the partnership's own: :attr:`ReportInputs.content` is the year's content only when
it is for this report's area (a report for another authority has none), while
:attr:`ReportInputs.settings` (the crime types compared with peers) applies to any area built
from the data folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from swp_analysis import periods
from swp_analysis.content import REPORT_FILE, ReportContent, build_context, load_content
from swp_analysis.content.model import Comparison
from swp_analysis.errors import InputError
from swp_analysis.paths import DataPaths
from swp_analysis.sources.register import Register, load_register

__all__ = ["LazyMapping", "ReportInputs"]


@dataclass
class ReportInputs:
    """The inputs of one report, read lazily. Pass already-read tables with :meth:`with_tables`."""

    year: str
    area: str
    paths: DataPaths

    @classmethod
    def with_tables(cls, year: str, area: str, paths: DataPaths, **tables: Any) -> ReportInputs:
        """Inputs whose ``police``, ``register`` or ``population`` were read already (validate
        reads them once and hands them on)."""
        inputs = cls(year, area, paths)
        for name, value in tables.items():
            if name not in ("police", "register", "population"):
                raise TypeError(f"unknown table {name!r}")
            setattr(inputs, name, value)
        return inputs

    # -- years -------------------------------------------------------------------------------
    @property
    def previous_year(self) -> str:
        return periods.previous(self.year)

    @property
    def years(self) -> list[str]:
        return [self.previous_year, self.year]

    # -- tables ------------------------------------------------------------------------------
    @cached_property
    def police(self) -> pd.DataFrame:
        """The processed police table (ingested from ``data/raw/police`` if not cached)."""
        from swp_analysis import ingest

        if not self.paths.police.is_dir():
            raise InputError(
                self.paths.police,
                "There is no police data folder.",
                expected="data.police.uk street files (run `swp sample-data` for the bundled "
                "synthetic sample, or `swp fetch-police`)",
                found="no such folder",
            )
        return ingest.load_police(self.paths)

    @cached_property
    def register(self) -> Register:
        return load_register(self.paths)

    @cached_property
    def population(self) -> pd.DataFrame:
        from swp_analysis.sources.tables import read_population

        return read_population(self.paths.population)

    @cached_property
    def expenditure(self) -> pd.DataFrame:
        from swp_analysis.sources.tables import read_expenditure

        return read_expenditure(self.paths.expenditure)

    # -- content -----------------------------------------------------------------------------
    @cached_property
    def year_content(self) -> ReportContent | None:
        """The year's content, whichever area it is for (None when the year has none)."""
        if not (self.paths.report_dir(self.year) / REPORT_FILE).is_file():
            return None
        return load_content(self.paths, self.year)

    @property
    def content(self) -> ReportContent | None:
        """The year's content when it is this area's (the partnership's own); else None."""
        content = self.year_content
        return content if content is not None and content.area == self.area else None

    @property
    def settings(self) -> Comparison:
        """The data folder's comparison settings for the year (empty without content)."""
        return self.year_content.report.comparison if self.year_content is not None else Comparison()

    @property
    def synthetic_police(self) -> bool:
        """True when the police files are the synthetic sample made by ``swp sample-data``."""
        return (self.paths.raw / ".sample-data.json").is_file()

    @cached_property
    def claims(self) -> pd.DataFrame | None:
        """The check of a published report's figures (None without content or claims.csv)."""
        from swp_analysis import claims
        from swp_analysis.police.placeholders import claim_figures

        if self.content is None:  # the published figures are the partnership's own
            return None
        if not (self.paths.report_dir(self.year) / claims.CLAIMS_FILE).is_file():
            return None

        def figures(measure: str, subject: str, area: str, period: str) -> float | None:
            # the police table is read only when a police claim is checked (never for the rest)
            return claim_figures(self.police, self.population)(measure, subject, area, period)

        return claims.check_claims(self.paths, self.year, self.area, figures, register=self.register)

    # -- placeholders --------------------------------------------------------------------------
    @cached_property
    def police_placeholders(self) -> dict[str, Any]:
        """Police figures narrative can name: ``{{ police.trc.change }}`` etc."""
        from swp_analysis.police.placeholders import placeholders

        settings = self.settings
        return placeholders(
            self.police, self.area, self.year, self.population, settings.crime_types, settings.peers
        )

    @cached_property
    def context(self) -> dict[str, Any]:
        """Everything a narrative placeholder can name (register indicators and police).

        Police figures are computed only if a narrative names one, so a chapter without police
        placeholders never reads the police table.
        """
        police = LazyMapping(lambda: self.police_placeholders)
        return build_context(self.register, self.year, self.area, extra={"police": police})


class LazyMapping(Mapping):
    """A read-only mapping whose contents are computed on first access."""

    def __init__(self, compute: Callable[[], Mapping]) -> None:
        self._compute = compute
        self._data: Mapping | None = None

    def _get(self) -> Mapping:
        if self._data is None:
            self._data = self._compute()
        return self._data

    def __getitem__(self, key):
        return self._get()[key]

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())
