"""Months and forces as ``swp fetch-police`` takes them, and the archives that hold them."""

from __future__ import annotations

import re

from swp_analysis import periods
from swp_analysis.errors import SwpError

DEFAULT_ARCHIVE_URL = "https://data.police.uk/data/archive"
"""The folder of data.police.uk's monthly archives: ``<DEFAULT_ARCHIVE_URL>/YYYY-MM.zip``."""

ARCHIVE_MONTHS = 36
"""How many months an archive holds (the month it is named for and the 35 before it)."""

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_FORCE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def month_range(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` inclusive (``YYYY-MM``), in order.

    >>> month_range("2019-11", "2020-01")
    ['2019-11', '2019-12', '2020-01']
    """
    y0, m0 = _parse_month(start, "--from")
    y1, m1 = _parse_month(end, "--to")
    if (y0, m0) > (y1, m1):
        raise SwpError(f"The first month ({start}) is after the last month ({end}): swap them.")
    months = []
    y, m = y0, m0
    while (y, m) <= (y1, m1):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def month_name(month: str) -> str:
    """``2019-04`` -> ``April 2019`` (:func:`swp_analysis.periods.month_label`, checked first)."""
    _parse_month(month, "month")
    return periods.month_label(month)


def archive_url(month: str, base_url: str = DEFAULT_ARCHIVE_URL) -> str:
    """The URL of the archive named for ``month``.

    >>> archive_url("2020-03")
    'https://data.police.uk/data/archive/2020-03.zip'
    """
    return f"{base_url.rstrip('/')}/{month}.zip"


def archive_window(month: str) -> list[str]:
    """The months the archive named for ``month`` should hold (that month and the 35 before)."""
    y, m = _parse_month(month, "month")
    index = y * 12 + m - 1 - (ARCHIVE_MONTHS - 1)
    first = f"{index // 12:04d}-{index % 12 + 1:02d}"
    return month_range(first, month)


def normalise_force(force: str) -> str:
    """The force id from what a person typed (``West Midlands`` -> ``west-midlands``)."""
    slug = re.sub(r"\s+", "-", force.strip().lower())
    if not _FORCE.match(slug):
        raise SwpError(
            f"'{force}' is not a data.police.uk force id. Force ids are lower case words joined "
            "by hyphens, as in the file names: west-midlands, greater-manchester, cumbria."
        )
    return slug


def _parse_month(text: str, what: str) -> tuple[int, int]:
    match = _MONTH.match(str(text).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise SwpError(f"{what} '{text}' is not a month: write it as YYYY-MM, e.g. 2019-04.")
    return int(match[1]), int(match[2])
