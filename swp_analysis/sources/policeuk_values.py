"""data.police.uk street-level files: the values each column may hold, and the checks of them.

:func:`check_values` runs on a parsed file (:func:`swp_analysis.sources.policeuk.parse_street_bytes`)
and returns every problem, each naming the file, the line and the column:

* no blank line among the rows;
* every ``Month`` equals the month in the file name (or, without one, is a ``YYYY-MM``);
* every Crime ID is 64 hex digits or blank (a spreadsheet round trip turns them into numbers like
  ``1.23457E+63``);
* ``Crime type`` is a police.uk category (:data:`CRIME_TYPES`, or one of the
  :data:`HISTORIC_CRIME_TYPES` early twelve-column files can still carry);
* ``Reported by`` and ``Falls within`` are not blank (when they were read);
* ``LSOA code`` and ``LSOA name`` are well-formed, and blank together.

The checks run in Arrow on each column's distinct values (the chunks' dictionaries), so they
cost little however many rows there are; only a failing check looks for the rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from swp_analysis.errors import InputError, Problem, ValidationFailed

ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour"

CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
"""The fourteen categories of the current street-level files."""

HISTORIC_CRIME_TYPES: tuple[str, ...] = ("Violent crime", "Public disorder and weapons")
"""Categories police.uk used until 2013, which early twelve-column files can still carry."""

CRIME_ID_PATTERN = "^[0-9a-fA-F]{64}$"
"""A Crime ID: 64 hexadecimal digits (blank for anti-social behaviour)."""

MONTH = re.compile(r"^\d{4}-\d{2}$")
"""A police.uk month, ``YYYY-MM`` (also the name of a month folder)."""

MAX_PROBLEMS_PER_FILE = 10
"""Problems of one kind listed for one file; the rest are counted in one more line."""

_KNOWN_CRIME_TYPES = frozenset(CRIME_TYPES + HISTORIC_CRIME_TYPES)
_KNOWN_TYPES_ARROW = pa.array(sorted(_KNOWN_CRIME_TYPES), pa.string())
_LSOA_CODE = re.compile(r"^[EWSN]\d{8}$")
_LSOA_NAME = re.compile(r"^.*\S \d{3}[A-Z]$")
_HEX_DIGITS = b"0123456789abcdefABCDEF"


def raise_problems(problems: list[Problem]) -> None:
    """Raise one problem as :class:`InputError`, several as :class:`ValidationFailed`; none: return."""
    if len(problems) == 1:
        p = problems[0]
        raise InputError(p.file, p.message, row=p.row, column=p.column, expected=p.expected, found=p.found)
    if problems:
        raise ValidationFailed(problems)


def check_values(table: pa.Table, label: str, month: str | None) -> list[Problem]:
    """Every problem in the values of a parsed street file (``month``: the one its name gives)."""
    blank = _blank_lines(table, label)
    if blank:
        return blank
    problems = _check_months(table, label, month)
    if "Crime ID" in table.column_names:
        problems += _check_crime_ids(table.column("Crime ID"), label)
    problems += _check_crime_types(table, label)
    for column in [c for c in ("Reported by", "Falls within") if c in table.column_names]:
        blanks = [None] if table.column(column).null_count else []
        problems += _bad_rows(table, label, column, blanks, "is blank.", "the force's name")
    problems += _check_lsoa_formats(table, label)
    problems += _check_lsoa_pairs(table, label)
    return problems


def _blank_lines(table: pa.Table, label: str) -> list[Problem]:
    """pyarrow reads an empty line as a row of nulls: name it as what it is."""
    if not table.column("Month").null_count:
        return []
    empty = np.ones(table.num_rows, dtype=bool)
    for column in table.column_names:
        empty &= table.column(column).is_null().to_numpy(zero_copy_only=False)
    return [
        Problem(
            label,
            "has a blank line among its rows.",
            row=int(r) + 2,
            expected="one record per line",
            found="an empty line",
        )
        for r in np.flatnonzero(empty)[:MAX_PROBLEMS_PER_FILE]
    ]


def _bad_rows(
    table: pa.Table, label: str, column: str, bad: list[str | None], message: str, expected: str
) -> list[Problem]:
    """One problem per row of ``column`` holding one of the ``bad`` values (None: a blank)."""
    if not bad:
        return []
    col = table.column(column)
    values = pc.cast(col, pa.string()) if pa.types.is_dictionary(col.type) else col
    real = [b for b in bad if b is not None]
    mask = pc.is_in(values, value_set=pa.array(real, pa.string())) if real else None
    if None in bad:
        nulls = pc.is_null(values)
        mask = nulls if mask is None else pc.or_(pc.fill_null(mask, False), nulls)
    rows = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    problems = []
    for row in rows[:MAX_PROBLEMS_PER_FILE]:
        found = values[int(row)].as_py()
        problems.append(
            Problem(
                label,
                message,
                row=int(row) + 2,
                column=column,
                expected=expected,
                found="a blank cell" if found is None else repr(found),
            )
        )
    if len(rows) > MAX_PROBLEMS_PER_FILE:
        problems.append(
            Problem(label, f"{len(rows) - MAX_PROBLEMS_PER_FILE} more rows like these in column '{column}'.")
        )
    return problems


def _blanks_last(values) -> list[str | None]:
    """Sorted, with a blank (None) at the end."""
    return sorted(values, key=lambda v: (v is None, v or ""))


def _check_months(table: pa.Table, label: str, month: str | None) -> list[Problem]:
    if month is not None:
        if _all_ok(table, "Month", lambda d: pc.equal(d, month)):
            return []
        bad = _blanks_last(m for m in _distinct(table, "Month") if m != month)
        return _bad_rows(
            table, label, "Month", bad, "holds a month that does not match the file name.", f"'{month}'"
        )
    bad = _blanks_last(m for m in _distinct(table, "Month") if m is None or not MONTH.match(m))
    return _bad_rows(table, label, "Month", bad, "holds a value that is not a month.", "YYYY-MM")


def _check_crime_types(table: pa.Table, label: str) -> list[Problem]:
    if _all_ok(table, "Crime type", lambda d: pc.is_in(d, value_set=_KNOWN_TYPES_ARROW)):
        return []
    bad = _blanks_last(t for t in _distinct(table, "Crime type") if t not in _KNOWN_CRIME_TYPES)
    return _bad_rows(
        table,
        label,
        "Crime type",
        bad,
        "holds an unknown crime type.",
        "a police.uk category such as 'Burglary'",
    )


def _check_lsoa_formats(table: pa.Table, label: str) -> list[Problem]:
    problems = []
    for column, pattern, expected in (
        ("LSOA code", _LSOA_CODE, "a nine-character ONS code such as E01010520"),
        ("LSOA name", _LSOA_NAME, "a name like 'Wolverhampton 020A'"),
    ):
        matches = lambda d, pattern=pattern: pc.match_substring_regex(d, pattern.pattern)  # noqa: E731
        if not _all_ok(table, column, matches, nulls_allowed=True):
            bad = [v for v in _distinct(table, column) if v is not None and not pattern.match(v)]
            problems += _bad_rows(table, label, column, sorted(bad), f"holds a malformed {column}.", expected)
    return problems


def _check_lsoa_pairs(table: pa.Table, label: str) -> list[Problem]:
    """An LSOA code and an LSOA name are blank together or filled together."""
    if table.column("LSOA code").null_count == table.column("LSOA name").null_count == 0:
        return []
    code_null = pc.is_null(table.column("LSOA code"))
    name_null = pc.is_null(table.column("LSOA name"))
    mismatch = np.flatnonzero(pc.not_equal(code_null, name_null).to_numpy(zero_copy_only=False))
    return [
        Problem(
            label,
            "has an LSOA code or an LSOA name but not both.",
            row=int(row) + 2,
            column="LSOA name" if name_null[int(row)].as_py() else "LSOA code",
            expected="both blank or both filled",
            found="a blank cell",
        )
        for row in mismatch[:MAX_PROBLEMS_PER_FILE]
    ]


def _distinct(table: pa.Table, column: str) -> list[str | None]:
    """The distinct values of a column (None for blanks), read from the chunks' dictionaries.

    pyarrow's CSV reader builds each chunk's dictionary from the values that chunk holds, so
    the dictionaries are the distinct values and no pass over the rows is needed.
    """
    col = table.column(column)
    if pa.types.is_dictionary(col.type):
        values: set = set()
        for chunk in col.chunks:
            values.update(chunk.dictionary.to_pylist())
        if col.null_count:
            values.add(None)
        return list(values)
    return pc.unique(col).to_pylist()


def _all_ok(table: pa.Table, column: str, test: Callable, nulls_allowed: bool = False) -> bool:
    """True when ``test`` holds for every distinct value of a dictionary column (and there
    are no blanks, unless allowed). Runs in Arrow, on the chunks' dictionaries only."""
    col = table.column(column)
    if not pa.types.is_dictionary(col.type):
        return False  # not the reader's own output: take the detailed path
    if col.null_count and not nulls_allowed:
        return False
    values = pa.concat_arrays([chunk.dictionary for chunk in col.chunks])
    return not len(values) or bool(pc.all(test(values)).as_py())


def _check_crime_ids(col: pa.ChunkedArray, label: str) -> list[Problem]:
    """Every non-blank Crime ID is 64 hex digits (an Excel round trip turns them into numbers
    such as ``1.23457E+63``). Fast path: lengths from the offsets, digits by ``bytes.translate``."""
    for chunk in col.chunks:
        valid = len(chunk) - chunk.null_count
        if not valid:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        first, last = int(offsets[0]), int(offsets[-1])
        lengths_ok = last - first == 64 * valid and (
            not chunk.null_count
            or not (np.diff(offsets)[chunk.is_valid().to_numpy(zero_copy_only=False)] != 64).any()
        )
        if lengths_ok and not chunk.buffers()[2][first:last].to_pybytes().translate(None, _HEX_DIGITS):
            continue
        return _bad_crime_ids(col, label)
    return []


def _bad_crime_ids(col: pa.ChunkedArray, label: str) -> list[Problem]:
    good = pc.fill_null(pc.match_substring_regex(col, CRIME_ID_PATTERN), True)
    rows = np.flatnonzero(~good.to_numpy(zero_copy_only=False))
    problems = [
        Problem(
            label,
            "holds a Crime ID that is not 64 hexadecimal digits (was the file opened and "
            "saved in a spreadsheet?).",
            row=int(r) + 2,
            column="Crime ID",
            expected="64 hexadecimal digits, or a blank cell for anti-social behaviour",
            found=repr(col[int(r)].as_py()),
        )
        for r in rows[:MAX_PROBLEMS_PER_FILE]
    ]
    if len(rows) > MAX_PROBLEMS_PER_FILE:
        problems.append(
            Problem(label, f"{len(rows) - MAX_PROBLEMS_PER_FILE} more rows like these in column 'Crime ID'.")
        )
    return problems
