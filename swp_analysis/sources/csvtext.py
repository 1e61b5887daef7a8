"""Hand-kept CSV files read as text, and their pandera failures turned into problems.

The register (``sources/register.py``), the small tables (``sources/tables.py``) and the claims
(``sources/claims.py``) are read the same way: the file is read as text with the line of every
record remembered (:func:`read_csv_text`), checked with a pandera schema in lazy mode so that
every failing cell is collected (:func:`validate_lazily`), and each failure is turned into a
:class:`~swp_analysis.errors.Problem` naming the file, the line (as an editor shows it, the
header being line 1), the column, what was expected and what was found
(:func:`schema_problems`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from swp_analysis.errors import InputError, Problem, ValidationFailed

# A plain decimal number as a person types it into a CSV: no thousands separators, %, £ or
# exponent, so that "6,858" or "74%" is reported instead of being guessed at.
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


def is_number(text: object) -> bool:
    """True when ``text`` is a plain decimal number (``6858``, ``0.743``, ``-3``).

    >>> is_number("6858"), is_number("0.743"), is_number("6,858"), is_number("74%")
    (True, True, False, False)
    """
    return isinstance(text, str) and bool(_NUMBER.match(text.strip()))


def as_number(series: pd.Series) -> pd.Series:
    """Numbers from text, NaN for blanks and for anything that is not a plain number."""
    text = series.astype("object")
    ok = text.map(is_number)
    out = pd.Series(float("nan"), index=series.index, dtype="float64")
    out[ok] = text[ok].astype(float)
    return out


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def _column_at(raw: bytes, offset: int) -> str | None:
    """The header name of the field holding byte ``offset`` (None when it cannot be told)."""
    header_end = raw.find(b"\n")
    line_start = raw.rfind(b"\n", 0, offset) + 1
    if header_end < 0 or line_start == 0:
        return None
    header = next(csv.reader([raw[:header_end].decode("utf-8-sig", errors="replace")]), [])
    before = raw[line_start:offset].decode("utf-8", errors="replace")
    index = len(next(csv.reader([before]), [""])) - 1 if before else 0
    return header[index].strip() if 0 <= index < len(header) else None


def read_csv_text(
    path: str | Path,
    columns: Sequence[str],
    *,
    required: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a CSV as text, remembering the line each record starts on.

    Returns a frame with one string column per name in ``columns`` (blank cells as missing,
    surrounding spaces removed) plus an integer ``line`` column, and the problems found in the
    file's shape: a header that lacks a required column, names an unknown or repeated column,
    or a record with too many or too few fields (such records are left out of the frame).
    A UTF-8 byte-order mark and CRLF line endings are accepted.

    Raises :class:`InputError` when the file is missing, empty or not UTF-8, and
    :class:`ValidationFailed` when a required column is missing (nothing else can be checked).
    """
    path = Path(path)
    required = list(columns if required is None else required)
    text = _text(path, columns)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    problems = _header_problems(path, header, columns)
    missing = [c for c in required if c not in header]
    for name in missing:
        problems.append(
            Problem(
                path,
                "A required column is missing from the header.",
                1,
                name,
                expected=f"a column named '{name}'",
                found=",".join(header),
            )
        )
    if missing:
        raise ValidationFailed(problems)
    records, lines = _records(path, reader, header, columns, problems)
    frame = pd.DataFrame(records, columns=list(columns), dtype="object")
    frame["line"] = pd.Series(lines, dtype="int64")
    return frame, problems


def _text(path: Path, columns: Sequence[str]) -> str:
    """The file as text (a byte-order mark dropped); refused when missing, not UTF-8 or empty."""
    if not path.is_file():
        raise InputError(path, "The file does not exist.", expected="a CSV file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        raise InputError(
            path,
            "The file is not UTF-8 text.",
            row=_line_of_offset(raw, offset),
            column=_column_at(raw, offset),
            expected="UTF-8 (save it from Excel as 'CSV UTF-8')",
            found=f"byte 0x{raw[offset]:02x}",
        ) from exc
    if not text.strip():
        raise InputError(path, "The file is empty.", row=1, expected=f"a header line: {','.join(columns)}")
    return text


def _header_problems(path: Path, header: list[str], columns: Sequence[str]) -> list[Problem]:
    """A column named twice, or a column the file does not have."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(
                Problem(
                    path,
                    "A column name is repeated in the header.",
                    1,
                    name,
                    expected="each column once",
                    found=f"'{name}' twice",
                )
            )
        seen.add(name)
        if name not in columns:
            problems.append(
                Problem(
                    path,
                    "The header names a column this file does not have.",
                    1,
                    name,
                    expected=f"only these columns: {', '.join(columns)}",
                    found=f"'{name}'",
                )
            )
    return problems


def _records(
    path: Path, reader, header: list[str], columns: Sequence[str], problems: list[Problem]
) -> tuple[list[list[str | None]], list[int]]:
    """The records after the header, each with the line it starts on (blank lines skipped).

    A record with the wrong number of fields is left out and added to ``problems``.
    """
    records: list[list[str | None]] = []
    lines: list[int] = []
    last_line = reader.line_num
    for fields in reader:
        start = last_line + 1
        last_line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue  # blank lines are harmless
        if len(fields) != len(header):
            problems.append(
                Problem(
                    path,
                    "This line has the wrong number of fields.",
                    start,
                    None,
                    expected=f"{len(header)} fields, as in the header (text holding a "
                    "comma must be in double quotes)",
                    found=f"{len(fields)} fields",
                )
            )
            continue
        record = dict(zip(header, fields, strict=True))
        records.append([_blank_to_none(record.get(c)) for c in columns])
        lines.append(start)
    return records, lines


def _blank_to_none(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


@dataclass(frozen=True)
class Rule:
    """How to describe one pandera check's failures to a person.

    ``column`` is the column a dataframe-wide check is reported against (column checks report
    their own column); ``found`` formats the offending record when the raw cell is not enough.
    """

    message: str
    expected: str
    column: str | None = None
    found: Callable[[pd.Series], str] | None = None


def schema_problems(
    error: pandera.errors.SchemaErrors,
    frame: pd.DataFrame,
    path: str | Path,
    rules: dict[str, Rule],
) -> list[Problem]:
    """Turn pandera's lazily collected failure cases into one :class:`Problem` per bad cell.

    ``frame`` is the frame that was validated (it carries the ``line`` column); ``rules`` maps
    each check's name to its description. A dataframe-wide check fails on every column of a
    row; it is reported once, against the rule's column.
    """
    problems: list[Problem] = []
    seen: set[tuple] = set()
    cases = error.failure_cases
    for case in cases.to_dict("records"):
        check = str(case["check"])
        rule = rules.get(check) or rules.get(check.split("(")[0])
        index = case["index"]
        column = case["column"]
        if rule is not None and rule.column is not None:
            column = rule.column
        line = None
        record = None
        if index is not None and not (isinstance(index, float) and pd.isna(index)):
            record = frame.loc[index]
            line = int(record["line"])
        key = (line, column, check)
        if key in seen:
            continue
        seen.add(key)
        if record is not None and rule is not None and rule.found is not None:
            found = rule.found(record)
        elif record is not None and column in record.index:
            found = _show(record[column])
        else:
            found = _show(case["failure_case"])
        if rule is None:
            problems.append(Problem(path, f"Check '{check}' failed.", line, column, found=found))
        else:
            problems.append(Problem(path, rule.message, line, column, rule.expected, found))
    problems.sort(key=lambda p: (p.row or 0, str(p.column)))
    return problems


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "a blank cell"
    return f"'{value}'"


def validate_lazily(
    schema: pa.DataFrameSchema,
    frame: pd.DataFrame,
    path: str | Path,
    rules: dict[str, Rule],
) -> list[Problem]:
    """Run ``schema`` on ``frame`` collecting every failure; return them as problems."""
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return schema_problems(exc, frame, path, rules)
    return []


def text_check(test: Callable[[str], bool], name: str) -> pa.Check:
    """An element-wise pandera check on a text column that lets blanks pass."""
    return pa.Check(lambda s: s.map(lambda v: v is None or pd.isna(v) or test(v)), name=name)


NOT_BLANK_RULES = {"not_nullable": Rule("A required cell is blank.", "a value in this column")}
