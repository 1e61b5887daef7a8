"""The report's notebooks, and where each one's cells go in the combined document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from swp_analysis.paths import find_project_root


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of the report and where its cells go in the combined document."""

    name: str
    title: str
    depends_on: tuple[str, ...] = ()


NOTEBOOKS: tuple[NotebookSpec, ...] = (
    NotebookSpec("00_data_quality", "Data quality and methods"),
    NotebookSpec("10_reducing_reoffending", "Strategic Priority: Reducing Reoffending"),
    NotebookSpec("20_reducing_victimisation", "Strategic Priority: Reducing Victimisation"),
    NotebookSpec("30_violence_prevention", "Strategic Priority: Violence Prevention"),
    NotebookSpec("40_statutory_functions", "Statutory Functions"),
    NotebookSpec("90_annual_summary", "Annual summary"),
)
SUMMARY = "90_annual_summary"
# Cells of the summary tagged with these are replaced by the listed notebooks' cells.
SPLICE_TAGS = {
    "insert-priorities": [
        "10_reducing_reoffending",
        "20_reducing_victimisation",
        "30_violence_prevention",
        "40_statutory_functions",
    ],
}
# The technical annex: these notebooks whole, then every cell tagged ANNEX_TAG elsewhere.
ANNEX_NOTEBOOKS = ("00_data_quality",)
ANNEX_TAG = "annex"
# The two files of a report: the board's, and the audit trail beside it.
BOARD_HTML, ANNEX_HTML = "annual-summary.html", "technical-annex.html"
OUTPUTS = (BOARD_HTML, ANNEX_HTML)


def notebooks_dir() -> Path:
    return find_project_root(Path(__file__)) / "notebooks"
