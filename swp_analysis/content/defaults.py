"""Which year and area a command works on when none is given: they follow the content.

Without ``--year`` a command uses the latest financial year with a ``report.yaml`` under
``data/raw/report/``; without ``--area``, the area that year's ``report.yaml`` names
(``partnership.area``). So after ``swp new-year 2019-20`` a plain ``swp validate`` checks 2019-20,
and another partnership's data folder builds that partnership's report. Nothing here names a
year or an area.
"""

from __future__ import annotations

import yaml

from swp_analysis.errors import InputError
from swp_analysis.paths import DataPaths
from swp_analysis.periods import is_fiscal_year, start_of

from .load import load_content
from .model import REPORT_FILE

__all__ = ["content_area", "content_years", "resolve"]


def content_years(paths: DataPaths) -> list[str]:
    """The financial years with a ``report.yaml`` under ``report/``, oldest first."""
    root = paths.raw / "report"
    if not root.is_dir():
        return []
    years = [p.name for p in root.iterdir() if is_fiscal_year(p.name) and (p / REPORT_FILE).is_file()]
    return sorted(years, key=start_of)


def content_area(paths: DataPaths, year: str) -> str | None:
    """The area named by ``report/<year>/report.yaml`` (``partnership.area``), or None.

    Only that field is read here; the whole file is validated when the content is loaded.
    """
    path = paths.report_dir(year) / REPORT_FILE
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    partnership = data.get("partnership") if isinstance(data, dict) else None
    area = partnership.get("area") if isinstance(partnership, dict) else None
    return area.strip() if isinstance(area, str) and area.strip() else None


def resolve(paths: DataPaths, year: str | None = None, area: str | None = None) -> tuple[str, str]:
    """The year and area to work on: those given, else the latest content's.

    InputError, saying which flag to pass, when there is no content to take them from.
    """
    if year is None:
        years = content_years(paths)
        if not years:
            raise InputError(
                paths.raw / "report",
                "There is no report content to take the year from.",
                expected="report/<year>/report.yaml (swp init sets one up), or pass --year",
                found="no report folder with a report.yaml",
            )
        year = years[-1]
    if area is None:
        area = content_area(paths, year)
        if area is None and (paths.report_dir(year) / REPORT_FILE).is_file():
            load_content(paths, year)  # a report.yaml that cannot be read: say exactly why
        if area is None:
            raise InputError(
                paths.report_dir(year) / REPORT_FILE,
                f"There is no area to build for {year}.",
                expected="partnership: area: in report.yaml, or pass --area",
                found="no report.yaml naming an area",
            )
    return year, area
