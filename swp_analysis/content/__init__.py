"""The year's report content: ``report/<year>/report.yaml``, its Markdown narrative, placeholders.

A lead edits one folder a year, ``data/raw/report/<year>/``: ``report.yaml``
(:mod:`.model`, validated with pydantic) and Markdown files beside it whose numbers are
placeholders (``{{ dv_reports.change }}``) filled from computed figures (:mod:`.context`), so
prose cannot disagree with data. :mod:`.narrative` renders them safely, :mod:`.load` reads and
checks a year's folder, :mod:`.new_year` scaffolds next year's, and :mod:`.defaults` says which
year and area a command works on when none is given.
"""

from .context import RESERVED, build_context
from .defaults import content_area, content_years, resolve
from .load import load_content
from .model import REPORT_FILE, Objective, Priority, ReportContent, ReportFile
from .narrative import (
    check_placeholders,
    lint_narrative,
    markdown_inline_to_html,
    markdown_to_html,
    render_narrative,
)
from .new_year import new_year, reset_ratings

__all__ = [
    "REPORT_FILE",
    "RESERVED",
    "Objective",
    "Priority",
    "ReportContent",
    "ReportFile",
    "build_context",
    "check_placeholders",
    "content_area",
    "content_years",
    "lint_narrative",
    "load_content",
    "markdown_inline_to_html",
    "markdown_to_html",
    "new_year",
    "render_narrative",
    "reset_ratings",
    "resolve",
]
