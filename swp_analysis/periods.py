"""Financial years: the only place where they are parsed, labelled and shifted.

A financial (fiscal) year runs from April to March and is labelled ``"2018-19"`` (April 2018
to March 2019), as HM Treasury, local government and the Home Office's police recorded crime
tables label it. Prose sometimes writes it long, ``"2018-2019"`` (:func:`long_label`).

Every other module asks this one: a label is checked once (:func:`start_of`), and shifting,
the twelve police.uk months of a year and the mid-year population estimate used for a year
all come from here. The module imports only the standard library (pandas on demand), so the
``sources`` readers can use it to validate labels.

>>> previous("2018-19"), following("2018-19"), shift("2018-19", -2)
('2017-18', '2019-20', '2016-17')
>>> months("2018-19")[0], months("2018-19")[-1]
('2018-04', '2019-03')
"""

from __future__ import annotations

import math
import numbers
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - annotations only
    import pandas as pd

__all__ = [
    "fiscal_year",
    "fiscal_years",
    "is_fiscal_year",
    "label",
    "long_label",
    "mid_year",
    "month_label",
    "months",
    "following",
    "previous",
    "shift",
    "start_of",
]

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")
_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ].*)?)?$")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def label(start_year: int) -> str:
    """The label of the financial year starting in April of ``start_year``: 2018 -> "2018-19"."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def is_fiscal_year(text: object) -> bool:
    """True for a label such as ``"2018-19"``.

    The second part must be the year after the first (``"2018-20"`` is refused), and the long
    form ``"2018-2019"``, ``"2018/19"`` or a month are refused.

    >>> is_fiscal_year("2018-19"), is_fiscal_year("2018-2019"), is_fiscal_year("2018-20")
    (True, False, False)
    """
    if not isinstance(text, str):
        return False
    match = _LABEL.match(text)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def start_of(fy: str) -> int:
    """The calendar year a financial year starts in: ``"2018-19"`` -> 2018.

    ValueError, saying what a label looks like, for anything else (``"2018-2019"``).
    """
    match = _LABEL.match(fy.strip()) if isinstance(fy, str) else None
    if match is None:
        raise ValueError(f"not a financial year: {fy!r}; expected a label like '2018-19'")
    start = int(match.group(1))
    if int(match.group(2)) != (start + 1) % 100:
        raise ValueError(
            f"not a financial year: {fy!r}; the second part must be the following year ({label(start)!r})"
        )
    return start


def shift(fy: str, years: int) -> str:
    """The financial year ``years`` after ``fy`` (before, when negative)."""
    return label(start_of(fy) + years)


def previous(fy: str) -> str:
    """The financial year before ``fy``: ``"2018-19"`` -> ``"2017-18"``."""
    return shift(fy, -1)


def following(fy: str) -> str:
    """The financial year after ``fy``: ``"2018-19"`` -> ``"2019-20"``."""
    return shift(fy, 1)


def long_label(fy: str) -> str:
    """``"2018-19"`` -> ``"2018-2019"``, as reports often write years in prose."""
    start = start_of(fy)
    return f"{start}-{start + 1}"


def months(fy: str) -> list[str]:
    """The twelve police.uk months (``YYYY-MM``) of ``fy``, April to March."""
    start = start_of(fy)
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in (1, 2, 3)]


def month_label(month: str) -> str:
    """A police.uk month in words: ``"2019-07"`` -> ``"July 2019"``."""
    year, number = _year_month(month)
    return f"{MONTH_NAMES[number - 1]} {year}"


def mid_year(fy: str) -> int:
    """The ONS mid-year population estimate used for a financial year: the one dated inside it.

    ``"2018-19"`` (1 April 2018 to 31 March 2019) uses the mid-2018 estimate (30 June 2018), the
    convention of ONS and the Home Office for police recorded crime rates per 1,000 residents.
    """
    return start_of(fy)


def fiscal_year(date_or_month: Any) -> str:
    """The financial year containing a date or month.

    Accepts ``"YYYY-MM"`` (the police.uk month), ``"YYYY-MM-DD"`` (optionally with a time),
    :class:`datetime.date`, :class:`datetime.datetime`, ``pd.Timestamp``, ``pd.Period`` and
    ``numpy.datetime64``. April to December belong to the year starting that calendar year;
    January to March to the year that started the calendar year before.

    >>> fiscal_year("2018-04"), fiscal_year("2019-03-31")
    ('2018-19', '2018-19')
    """
    year, month = _year_month(date_or_month)
    return label(year if month >= 4 else year - 1)


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral):
        return math.isnan(float(x))
    return type(x).__name__ in ("NAType", "NaTType")


def _year_month(value: Any) -> tuple[int, int]:
    if _is_missing(value):
        raise ValueError(f"no date given ({value!r}); a month like '2018-04' is needed")
    if isinstance(value, str):
        match = _MONTH_TEXT.match(value.strip())
        if match is None:
            raise ValueError(f"not a month or date: {value!r}; expected 'YYYY-MM' or 'YYYY-MM-DD'")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"not a month or date: {value!r}; month {month} is not 1-12")
        if match.group(3) is not None:
            date(year, month, int(match.group(3)))  # ValueError for 2018-02-30
        return year, month
    if isinstance(value, (date, datetime)) or (hasattr(value, "year") and hasattr(value, "month")):
        return int(value.year), int(value.month)
    if type(value).__name__ == "datetime64":
        import pandas as pd

        stamp = pd.Timestamp(value)
        if stamp is pd.NaT:
            raise ValueError("no date given (NaT); a month like '2018-04' is needed")
        return stamp.year, stamp.month
    raise ValueError(f"not a month or date: {value!r}; expected 'YYYY-MM' or a date")


def fiscal_years(values: pd.Series) -> pd.Series:
    """Vectorised :func:`fiscal_year` for a column of months or dates (same index).

    Strings are parsed as ISO 8601 (``"2018-04"``, ``"2018-04-15"``); datetime columns are used
    as they are. A value that cannot be read raises ValueError listing a few, never NaN.
    """
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values
    else:
        stamps = pd.to_datetime(values.astype("string").str.strip(), format="ISO8601", errors="coerce")
    bad = stamps.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].head(5).tolist())
        raise ValueError(f"{int(bad.sum())} value(s) are not months or dates: {examples}")
    start = stamps.dt.year - (stamps.dt.month < 4).astype(int)
    end = ((start + 1) % 100).astype(str).str.zfill(2)
    return (start.astype(str) + "-" + end).rename(values.name)
