"""data.police.uk street-level crime files: parse and validate. Nothing else happens here.

The reader is in four parts, one concern each:

* :mod:`~swp_analysis.sources.policeuk_files`: finding the files (folder trees, monthly archive
  zips, ``.csv.gz``) and what their names say (month, force);
* this module: parsing one file, with its header checked, and reading many into one table;
* :mod:`~swp_analysis.sources.policeuk_values`: the values each column may hold, and the checks;
* :mod:`~swp_analysis.sources.policeuk_api`: the data.police.uk API's ``crimes-street`` JSON.

Their public names are importable from here too.

What is checked here (each problem names the file, the line and the column)
---------------------------------------------------------------------------
* The header, exactly: the twelve columns of :data:`STREET_COLUMNS`, in that order. The pre-2013
  eight-column layout (Easting/Northing, no Crime ID, no LSOA) and every other layout are refused
  with the expected and the found columns, and the first column name that differs.
* A UTF-8 byte-order mark is **tolerated and stripped**. police.uk does not write one, but Excel
  adds one when a file is re-saved as "CSV UTF-8"; the header is otherwise still exact, so the
  content is unchanged and refusing it would only make an analyst hand-edit the file.
* Every row has twelve fields; the file is UTF-8; longitude and latitude are numbers (the ingest
  converts only the columns it keeps, but checks every row's fields and the whole file's UTF-8).
* Empty files (no header, or a header and no rows) are refused; then every value is checked
  (:func:`~swp_analysis.sources.policeuk_values.check_values`).

Parsing is done by ``pyarrow.csv`` with explicit column types (dictionary-encoded strings for the
repeated columns). Only when pyarrow rejects a file is the file re-read line by line with the
:mod:`csv` module, to say exactly where and why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from swp_analysis.errors import InputError, Problem, ValidationFailed
from swp_analysis.sources.policeuk_api import API_CATEGORY_LABELS as API_CATEGORY_LABELS
from swp_analysis.sources.policeuk_api import API_COLUMNS as API_COLUMNS
from swp_analysis.sources.policeuk_api import ApiRead as ApiRead
from swp_analysis.sources.policeuk_api import read_api_json as read_api_json
from swp_analysis.sources.policeuk_files import StreetFile as StreetFile
from swp_analysis.sources.policeuk_files import StreetFiles as StreetFiles
from swp_analysis.sources.policeuk_files import find_street_files as find_street_files
from swp_analysis.sources.policeuk_files import input_files as input_files
from swp_analysis.sources.policeuk_files import input_stats as input_stats
from swp_analysis.sources.policeuk_values import ANTI_SOCIAL_BEHAVIOUR as ANTI_SOCIAL_BEHAVIOUR
from swp_analysis.sources.policeuk_values import CRIME_ID_PATTERN as CRIME_ID_PATTERN
from swp_analysis.sources.policeuk_values import CRIME_TYPES as CRIME_TYPES
from swp_analysis.sources.policeuk_values import HISTORIC_CRIME_TYPES as HISTORIC_CRIME_TYPES
from swp_analysis.sources.policeuk_values import MAX_PROBLEMS_PER_FILE, check_values, raise_problems

STREET_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
"""The street-level header data.police.uk has published since 2013, exactly."""

LEGACY_2011_COLUMNS: tuple[str, ...] = (
    "Month",
    "Reported by",
    "Falls within",
    "Easting",
    "Northing",
    "Location",
    "Crime type",
    "Context",
)
"""The first street-level layout (December 2010 to early 2013); refused with its own message."""

_BOM = b"\xef\xbb\xbf"
_VALIDATED = ("Month", "Crime type", "LSOA code", "LSOA name")

_DICT = pa.dictionary(pa.int32(), pa.string())
STREET_ARROW_TYPES: dict[str, pa.DataType] = {
    "Crime ID": pa.string(),
    "Month": _DICT,
    "Reported by": _DICT,
    "Falls within": _DICT,
    "Longitude": pa.float64(),
    "Latitude": pa.float64(),
    "Location": _DICT,
    "LSOA code": _DICT,
    "LSOA name": _DICT,
    "Crime type": _DICT,
    "Last outcome category": _DICT,
    "Context": _DICT,
}
"""How each column is parsed: blank cells become null; repeated strings are dictionary-encoded."""


# --------------------------------------------------------------------------------------------
# reading one file


def read_street_file(source: StreetFile | str | Path) -> pa.Table:
    """One street-level file parsed and validated: the twelve published columns, typed.

    Blank cells are null. ``Longitude``/``Latitude`` are float64, ``Crime ID`` a string and every
    other column a dictionary-encoded string. Row ``i`` of the table is line ``i + 2`` of the file.
    """
    sf = source if isinstance(source, StreetFile) else _single(Path(source))
    return parse_street_bytes(sf.read_bytes(), sf.label, sf.month)


def _single(path: Path) -> StreetFile:
    found = find_street_files(path)
    if len(found) != 1:
        raise InputError(path, "holds more than one street file: read it with read_street().")
    return found.files[0]


def parse_street_bytes(
    data: bytes,
    label: str,
    month: str | None = None,
    columns: Iterable[str] | None = None,
    *,
    threads: bool = True,
) -> pa.Table:
    """Parse and validate the bytes of one street CSV (``month``: the month its name gives).

    ``columns``: convert only these (the ingest skips the ones it does not keep); every row's
    field count and the whole file's UTF-8 are checked regardless. ``threads``: let pyarrow
    parse the file on several threads (the ingest parses several files at once instead).
    """
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if len(data) < 4096 and not data.strip():
        found = "0 bytes" if not data else "only blank space"
        raise InputError(label, "is empty.", expected="a header line and rows", found=found)
    _check_header(data, label)
    if data.endswith((b"\n\n", b"\n\r\n")):  # blank lines at the very end are harmless
        data = data.rstrip(b"\r\n") + b"\n"
    chosen = set(STREET_COLUMNS if columns is None else columns) | set(_VALIDATED)
    wanted = [c for c in STREET_COLUMNS if c in chosen]
    ascii_only = data.isascii()  # ASCII is UTF-8: pyarrow need not check it again
    if len(wanted) < len(STREET_COLUMNS) and not ascii_only:
        # pyarrow checks UTF-8 only in the columns it converts: check the rest here
        problems = _diagnose_utf8(data, label)
        if problems:
            raise_problems(problems)
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                column_names=list(STREET_COLUMNS),
                skip_rows=1,
                use_threads=threads,
                # on one thread, one block for the whole file: one chunk, one dictionary per
                # column (cheaper to parse, to check and to combine later)
                **({} if threads else {"block_size": min(max(len(data) + 1, 1 << 20), 1 << 28)}),
            ),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: STREET_ARROW_TYPES[c] for c in wanted},
                include_columns=wanted,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
                check_utf8=not ascii_only,
            ),
        )
    except pa.ArrowInvalid as exc:
        problems = _diagnose(data, label)
        if not problems:
            problems = [Problem(label, f"could not be parsed as CSV ({exc}).")]
        raise_problems(problems)
        raise  # pragma: no cover - _raise always raises with problems
    if table.num_rows == 0:
        raise InputError(label, "has a header but no rows.", expected="at least one row", found="none")
    raise_problems(check_values(table, label, month))
    return table


def _check_header(data: bytes, label: str) -> None:
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).rstrip(b"\r")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            label,
            "header is not UTF-8 text.",
            row=1,
            expected="UTF-8",
            found=repr(first[exc.start : exc.end]),
        ) from exc
    found = tuple(next(csv.reader([text]), []))
    if found == STREET_COLUMNS:
        return
    expected = ", ".join(STREET_COLUMNS)
    if found == LEGACY_2011_COLUMNS:
        message = (
            "is in the pre-2013 eight-column police.uk layout (Easting/Northing, no Crime ID, "
            "no LSOA, no outcome), which this project does not read: its areas cannot be "
            "assigned from an LSOA. Use a street-level file in the current twelve-column layout."
        )
    elif set(found) == set(STREET_COLUMNS):
        message = "has the street-level columns in a different order, which is not a published layout."
    else:
        message = "does not have the police.uk street-level header."
    raise InputError(
        label,
        message,
        row=1,
        column=None if found == LEGACY_2011_COLUMNS else _first_difference(found),
        expected=f"the {len(STREET_COLUMNS)} columns {expected}",
        found=f"{len(found)} columns {', '.join(found)}",
    )


def _first_difference(found: tuple[str, ...]) -> str | None:
    """The first header name that is not the expected one at its place (or the first missing).

    >>> _first_difference(("Crime ID", "Month", "Reported By"))
    'Reported By'
    >>> _first_difference(STREET_COLUMNS[:3])
    'Falls within'
    """
    for have, want in zip(found, STREET_COLUMNS, strict=False):
        if have != want:
            return have
    if len(found) < len(STREET_COLUMNS):
        return STREET_COLUMNS[len(found)]
    return found[len(STREET_COLUMNS)] if len(found) > len(STREET_COLUMNS) else None


def _diagnose(data: bytes, label: str) -> list[Problem]:
    """Say where pyarrow's refusal comes from, re-reading the file line by line."""
    problems = _diagnose_utf8(data, label)
    if problems:
        return problems
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    for fields in reader:
        line = reader.line_num
        if len(fields) != len(STREET_COLUMNS):
            problems.append(
                Problem(
                    label,
                    "has a row with the wrong number of fields.",
                    row=line,
                    expected=f"{len(STREET_COLUMNS)} fields",
                    found=f"{len(fields)} ({','.join(fields)[:80]!r})",
                )
            )
        else:
            for column in ("Longitude", "Latitude"):
                value = fields[STREET_COLUMNS.index(column)]
                if value.strip():
                    try:
                        float(value)
                    except ValueError:
                        problems.append(
                            Problem(
                                label,
                                "holds a value that is not a number.",
                                row=line,
                                column=column,
                                expected="a decimal number or a blank cell",
                                found=repr(value),
                            )
                        )
        if len(problems) >= MAX_PROBLEMS_PER_FILE:
            problems.append(Problem(label, "stopped after the problems above; there may be more."))
            break
    return problems


def _diagnose_utf8(data: bytes, label: str) -> list[Problem]:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        before = data[line_start : exc.start].decode("utf-8", errors="replace")
        fields_before = next(csv.reader([before]), [""]) if before else [""]
        column = STREET_COLUMNS[min(len(fields_before), len(STREET_COLUMNS)) - 1]
        return [
            Problem(
                label,
                "is not UTF-8 text.",
                row=line,
                column=column,
                expected="UTF-8",
                found=f"the byte(s) {data[exc.start : exc.end]!r}",
            )
        ]
    return []


# --------------------------------------------------------------------------------------------
# reading many files


def read_street(source: str | Path | Iterable[StreetFile]) -> pd.DataFrame:
    """Every street file under ``source`` as one frame: the twelve columns plus ``force`` (the
    force's name in the file name, e.g. ``west-midlands``) and ``source_file`` (the file's label).

    Problems in all files are gathered and raised together.
    """
    files = find_street_files(source) if isinstance(source, (str, Path)) else list(source)
    return street_table(files).to_pandas()


def street_table(files: Iterable[StreetFile]) -> pa.Table:
    """Arrow form of :func:`read_street` (the fast path the ingest uses)."""
    tables, problems = [], []
    for sf in files:
        try:
            tables.append(with_source(read_street_file(sf), sf))
        except InputError as exc:
            problems.append(exc.problem)
        except ValidationFailed as exc:
            problems += exc.problems
    raise_problems(problems)
    return pa.concat_tables(tables).unify_dictionaries()


def with_source(table: pa.Table, sf: StreetFile) -> pa.Table:
    """Add ``force`` and ``source_file`` (dictionary-encoded, one value each) to a file's table."""
    n = table.num_rows
    zeros = pa.array(np.zeros(n, dtype=np.int32))
    force = pa.DictionaryArray.from_arrays(zeros, pa.array([sf.force]))
    source = pa.DictionaryArray.from_arrays(zeros, pa.array([sf.label]))
    return table.append_column("force", force).append_column("source_file", source)
