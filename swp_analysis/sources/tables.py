"""Readers for the small hand-kept tables: ``population.csv`` and ``expenditure.csv``.

Both are read the same way as the indicator register (``sources/register.py``): the file is read
as text with the line of every record remembered, checked with a pandera schema in lazy mode so
that every failing cell is collected, and each failure is turned into a
:class:`~swp_analysis.errors.Problem` naming the file, the line (as an editor shows it, the
header being line 1), the column, what was expected and what was found. All problems are raised
together as one :class:`~swp_analysis.errors.ValidationFailed`.

The two generic helpers, :func:`read_csv_text` and :func:`schema_problems`, are shared with the
register reader.
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
from swp_analysis.periods import is_fiscal_year, mid_year

POPULATION_COLUMNS = ("area", "year", "population", "source")
EXPENDITURE_COLUMNS = ("fiscal_year", "priority", "item", "provider", "funder", "amount_gbp")

# A plain decimal number as a person types it into a CSV: no thousands separators, %, £ or
# exponent, so that "6,858" or "74%" is reported instead of being guessed at.
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


# --------------------------------------------------------------------------------------------
# Generic helpers, shared with sources/register.py
# --------------------------------------------------------------------------------------------


def is_number(text: object) -> bool:
    """True when ``text`` is a plain decimal number (``6858``, ``0.743``, ``-3``)."""
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

    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
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

    frame = pd.DataFrame(records, columns=list(columns), dtype="object")
    frame["line"] = pd.Series(lines, dtype="int64")
    return frame, problems


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


# --------------------------------------------------------------------------------------------
# population.csv
# --------------------------------------------------------------------------------------------

_POPULATION_RULES = {
    **NOT_BLANK_RULES,
    "year_is_mid_year": Rule(
        "The year is not a mid-year.", "a four-digit calendar year such as 2018 (mid-2018)"
    ),
    "population_is_number": Rule(
        "The population is not a whole number.", "a whole number such as 262474 (no commas)"
    ),
    "population_positive": Rule("The population must be more than zero.", "a number above 0"),
    "multiple_fields_uniqueness": Rule(
        "The same area and year appear twice.",
        "one row per area and year",
        column="area",
        found=lambda r: f"{r['area']} {r['year']} again",
    ),
}


def _whole(v: str) -> bool:
    return is_number(v) and float(v) == int(float(v))


_POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        "area": pa.Column(object, nullable=False),
        "year": pa.Column(
            object,
            text_check(lambda v: bool(re.fullmatch(r"\d{4}", v)), "year_is_mid_year"),
            nullable=False,
        ),
        "population": pa.Column(
            object,
            [
                text_check(_whole, "population_is_number"),
                text_check(lambda v: not is_number(v) or float(v) > 0, "population_positive"),
            ],
            nullable=False,
        ),
        "source": pa.Column(object, nullable=False),
    },
    unique=["area", "year"],
    report_duplicates="exclude_first",
)


def read_population(path: str | Path) -> pd.DataFrame:
    """``population.csv``: one row per area and mid-year, with the source of the figure.

    Columns: ``area`` (local authority name as in the police data), ``year`` (the calendar
    year of the mid-year estimate, 30 June), ``population`` (a whole number above zero) and
    ``source``. Returns ``area`` (str), ``year`` (int), ``population`` (int), ``source`` and
    ``line``. Every problem in the file is raised together as :class:`ValidationFailed`.
    """
    frame, problems = read_csv_text(path, POPULATION_COLUMNS)
    problems += validate_lazily(_POPULATION_SCHEMA, frame, path, _POPULATION_RULES)
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
    out = pd.DataFrame(
        {
            "area": frame["area"].astype(str),
            "year": frame["year"].astype(int),
            "population": frame["population"].astype(float).astype("int64"),
            "source": frame["source"].astype(str),
            "line": frame["line"],
        }
    )
    out.attrs["path"] = str(path)  # so population_for can name the file
    return out


def population_for(population: pd.DataFrame, area: str, fiscal_year: str) -> int:
    """The population of ``area`` for ``fiscal_year``: its mid-year estimate
    (:func:`swp_analysis.periods.mid_year`).

    Raises :class:`InputError` naming what is missing when the table has no such row.
    """
    year = mid_year(fiscal_year)
    rows = population[(population["area"] == area) & (population["year"] == year)]
    if rows.empty:
        areas = sorted(population["area"].unique())
        years = sorted(population.loc[population["area"] == area, "year"].unique())
        found = f"mid-years {', '.join(map(str, years))} for {area}" if years else f"areas {', '.join(areas)}"
        raise InputError(
            population.attrs.get("path", "population.csv"),
            f"No population for {area} in mid-{year}, needed for {fiscal_year}.",
            column="year",
            expected=f"a row for {area}, {year}",
            found=found,
        )
    return int(rows["population"].iloc[0])


# --------------------------------------------------------------------------------------------
# expenditure.csv
# --------------------------------------------------------------------------------------------

_EXPENDITURE_RULES = {
    **NOT_BLANK_RULES,
    "fiscal_year": Rule("The fiscal year is not written as a fiscal year.", "a fiscal year such as 2018-19"),
    "amount_is_number": Rule(
        "The amount is not a plain number.", "a number of pounds such as 25000 (no £ or commas)"
    ),
    "amount_not_negative": Rule("The amount is negative.", "zero or more pounds"),
    "priority_known": Rule("The priority is not one of the report's priorities.", ""),
}


def read_expenditure(path: str | Path, priorities: Sequence[str] | None = None) -> pd.DataFrame:
    """``expenditure.csv`` (Appendix A): one row per funded item.

    Columns: ``fiscal_year`` ("2018-19"), ``priority``, ``item``, ``provider``, ``funder``
    (blank allowed for provider and funder) and ``amount_gbp`` (pounds, zero or more, no "£"
    or commas). When ``priorities`` is given, each row's priority must be one of them.
    Returns the same columns with ``amount_gbp`` as float, plus ``line``.
    """
    rules = dict(_EXPENDITURE_RULES)
    priority_checks = []
    if priorities is not None:
        allowed = list(priorities)
        rules["priority_known"] = Rule(
            "The priority is not one of the report's priorities.", "one of: " + ", ".join(allowed)
        )
        priority_checks.append(text_check(lambda v: v in allowed, "priority_known"))
    schema = pa.DataFrameSchema(
        {
            "fiscal_year": pa.Column(object, text_check(is_fiscal_year, "fiscal_year"), nullable=False),
            "priority": pa.Column(object, priority_checks, nullable=False),
            "item": pa.Column(object, nullable=False),
            "provider": pa.Column(object, nullable=True),
            "funder": pa.Column(object, nullable=True),
            "amount_gbp": pa.Column(
                object,
                [
                    text_check(is_number, "amount_is_number"),
                    text_check(lambda v: not is_number(v) or float(v) >= 0, "amount_not_negative"),
                ],
                nullable=False,
            ),
        }
    )
    frame, problems = read_csv_text(
        path, EXPENDITURE_COLUMNS, required=["fiscal_year", "priority", "item", "amount_gbp"]
    )
    problems += validate_lazily(schema, frame, path, rules)
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
    out = frame.copy()
    out["amount_gbp"] = as_number(out["amount_gbp"])
    return out
