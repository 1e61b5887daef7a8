"""data.police.uk street-level crime: find, read and validate. Nothing else happens here.

Layouts read
------------
* A folder tree as the site's "custom download" unpacks: ``YYYY-MM/YYYY-MM-<force>-street.csv``
  (one force or many; a flat folder works too).
* The monthly archive zip (``2018-04.zip`` holding ``2018-04/2018-04-<force>-street.csv`` for
  every force), read in place: members are read into memory, nothing is extracted to disk.
* ``.csv.gz`` copies of the same files.
* The data.police.uk API's ``crimes-street`` JSON (:func:`read_api_json`).

The ``-outcomes.csv`` and ``-stop-and-search.csv`` files police.uk publishes beside the street
files are recognised and skipped (reported in :attr:`StreetFiles.ignored`); any other ``.csv``
under the police folder is refused, because a street file with a mangled name would otherwise
vanish from the counts without a word.

What is checked (each problem names the file, the line and the column)
---------------------------------------------------------------------
* The header, exactly: the twelve columns of :data:`STREET_COLUMNS`, in that order. The pre-2013
  eight-column layout (Easting/Northing, no Crime ID, no LSOA) and every other layout are refused
  with the expected and the found columns, and the first column name that differs.
* A UTF-8 byte-order mark is **tolerated and stripped**. police.uk does not write one, but Excel
  adds one when a file is re-saved as "CSV UTF-8"; the header is otherwise still exact, so the
  content is unchanged and refusing it would only make an analyst hand-edit the file.
* Every row has twelve fields; the file is UTF-8; every Crime ID is 64 hex digits or blank (a
  spreadsheet round trip turns them into numbers like ``1.23457E+63``); longitude and latitude
  are numbers; every ``Month`` equals the month in the file name (and the ``YYYY-MM`` folder,
  when there is one); ``Crime type`` is a police.uk category; ``LSOA code`` and ``LSOA name``
  are blank together and well-formed otherwise; ``Reported by``/``Falls within`` are not blank
  (when read: the ingest converts only the columns it keeps, but checks every row's fields and
  the whole file's UTF-8).
* Empty files (no header, or a header and no rows), zips holding no street CSV, and two files
  for the same force and month are refused.

Parsing is done by ``pyarrow.csv`` with explicit column types (dictionary-encoded strings for the
repeated columns); the checks run in Arrow on each column's distinct values (the chunks'
dictionaries), so they cost little however many rows there are. Only when pyarrow rejects a
file is the file re-read line by line with the :mod:`csv` module, to say exactly where and why.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from swp_analysis.errors import InputError, Problem, ValidationFailed

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

API_CATEGORY_LABELS: dict[str, str] = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-crime": "Other crime",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    # the API kept the old slug when the category became "Violence and sexual offences"
    "violent-crime": "Violence and sexual offences",
    "public-disorder-weapons": "Public disorder and weapons",
}
"""API category slug (``/api/crime-categories``) -> the label the CSV files use."""

_KNOWN_CRIME_TYPES = frozenset(CRIME_TYPES + HISTORIC_CRIME_TYPES)
_STREET_NAME = re.compile(
    r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9]+(?:-[a-z0-9]+)*?)-street\.csv(?P<gz>\.gz)?$"
)
_SIBLING_NAME = re.compile(r"^\d{4}-\d{2}-[a-z0-9-]+-(?:outcomes|stop-and-search)\.csv(?:\.gz)?$")
_MONTH_FOLDER = re.compile(r"^\d{4}-\d{2}$")
_LSOA_CODE = re.compile(r"^[EWSN]\d{8}$")
_LSOA_NAME = re.compile(r"^.*\S \d{3}[A-Z]$")
_BOM = b"\xef\xbb\xbf"
_MAX_PROBLEMS_PER_FILE = 10
_INPUT_ENDINGS = (".csv", ".csv.gz", ".zip", ".json")
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
# finding the files


@dataclass(frozen=True)
class StreetFile:
    """One street-level CSV: a file on disk, or a member of a zip archive on disk."""

    path: Path
    month: str
    force: str
    member: str | None = None

    @property
    def label(self) -> str:
        """How errors and the manifest name the file."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def name(self) -> str:
        return Path(self.member).name if self.member else self.path.name

    def read_bytes(self) -> bytes:
        """The file's bytes, decompressed (``.gz``) or taken from the zip in memory."""
        try:
            if self.member is not None:
                with zipfile.ZipFile(self.path) as archive:
                    data = archive.read(self.member)
            else:
                data = self.path.read_bytes()
            if self.name.endswith(".gz"):
                data = gzip.decompress(data)
        except (OSError, EOFError, zipfile.BadZipFile) as exc:
            raise InputError(self.label, f"could not be read ({exc}).") from exc
        return data


@dataclass
class StreetFiles:
    """The street files found under a folder, in a fixed order (month, force, name)."""

    files: list[StreetFile]
    ignored: list[str] = field(default_factory=list)
    containers: list[Path] = field(default_factory=list)

    def __iter__(self) -> Iterator[StreetFile]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


def input_files(root: str | Path) -> list[Path]:
    """Every file under ``root`` that the police reader looks at (no file is opened).

    This is the set the ingest cache compares (by size and modification time) to decide whether
    anything changed; hidden files and documentation (``.md``, ``.txt``) are not inputs.
    """
    return [path for path, _ in input_stats(root)]


def input_stats(root: str | Path) -> list[tuple[Path, os.stat_result]]:
    """:func:`input_files` with each file's ``stat``, from one walk of the folder, sorted."""
    root = Path(root)
    if root.is_file():
        return [(root, root.stat())]
    if not root.is_dir():
        raise InputError(root, "police data folder not found.", expected="a folder of police.uk files")
    found: list[tuple[Path, os.stat_result]] = []
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    stack.append(Path(entry.path))
                elif entry.is_file() and entry.name.lower().endswith(_INPUT_ENDINGS):
                    found.append((Path(entry.path), entry.stat()))
    return sorted(found, key=lambda item: item[0])


def find_street_files(root: str | Path) -> StreetFiles:
    """The street-level CSVs under ``root`` (a folder, a ``.csv``/``.csv.gz`` or a ``.zip``).

    Raises :class:`InputError`/:class:`ValidationFailed` for names that are not police.uk's,
    a month folder that disagrees with the file name, zips holding no street CSV, and two files
    for the same force and month.
    """
    problems: list[Problem] = []
    files: list[StreetFile] = []
    ignored: list[str] = []
    containers: list[Path] = []
    for path in input_files(root):
        lower = path.name.lower()
        if lower.endswith(".zip"):
            containers.append(path)
            files += _zip_members(path, problems, ignored)
        elif lower.endswith(".json"):
            ignored.append(f"{path} (API JSON: read with read_api_json, not part of the CSV ingest)")
        else:
            parent = path.parent.name if path.parent != Path(root) else None
            street = _classify(str(path), path.name, parent, problems, ignored)
            if street is not None:
                files.append(StreetFile(path, *street))
    if not files and not problems:
        problems.append(
            Problem(
                root,
                "holds no police.uk street-level file.",
                expected="files named YYYY-MM-<force>-street.csv (.csv.gz, or inside a .zip)",
                found="none",
            )
        )
    files.sort(key=lambda f: (f.month, f.force, f.label))
    seen: dict[tuple[str, str], StreetFile] = {}
    for f in files:
        key = (f.month, f.force)
        if key in seen:
            problems.append(
                Problem(
                    f.label,
                    f"is a second file for force '{f.force}' and month {f.month}; "
                    f"{seen[key].label} is the first. Keep one of them.",
                )
            )
        else:
            seen[key] = f
    _raise(problems)
    return StreetFiles(files, ignored, containers)


def _classify(
    label: str, name: str, parent: str | None, problems: list[Problem], ignored: list[str]
) -> tuple[str, str] | None:
    match = _STREET_NAME.match(name)
    if match is None:
        if _SIBLING_NAME.match(name):
            ignored.append(f"{label} (police.uk outcomes / stop-and-search file: not street crime)")
        else:
            problems.append(
                Problem(
                    label,
                    "is not named like a police.uk street-level file.",
                    expected="YYYY-MM-<force>-street.csv (or .csv.gz)",
                    found=name,
                )
            )
        return None
    month, force = match["month"], match["force"]
    if not 1 <= int(month[5:]) <= 12:
        problems.append(Problem(label, "has an impossible month in its name.", found=month))
        return None
    if parent is not None and _MONTH_FOLDER.match(parent) and parent != month:
        problems.append(
            Problem(
                label,
                "sits in a month folder that disagrees with its name.",
                expected=f"folder {month}",
                found=f"folder {parent}",
            )
        )
        return None
    return month, force


def _zip_members(path: Path, problems: list[Problem], ignored: list[str]) -> list[StreetFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile) as exc:
        problems.append(Problem(path, f"is not a readable zip archive ({exc})."))
        return []
    members = []
    for name in sorted(names):
        base = name.rsplit("/", 1)[-1]
        if not base.lower().endswith((".csv", ".csv.gz")) or base.startswith("."):
            continue
        parent = name.rsplit("/", 2)[-2] if "/" in name else None
        street = _classify(f"{path}!{name}", base, parent, problems, ignored)
        if street is not None:
            members.append(StreetFile(path, *street, member=name))
    if not members:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "") if names else "nothing"
        problems.append(
            Problem(
                path,
                "is a zip archive holding no police.uk street-level CSV.",
                expected="members named YYYY-MM/YYYY-MM-<force>-street.csv",
                found=shown,
            )
        )
    return members


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
            _raise(problems)
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
        _raise(problems)
        raise  # pragma: no cover - _raise always raises with problems
    if table.num_rows == 0:
        raise InputError(label, "has a header but no rows.", expected="at least one row", found="none")
    _raise(_check_values(table, label, month))
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
    """The first header name that is not the expected one at its place (or the first missing)."""
    for have, want in zip(found, STREET_COLUMNS, strict=False):
        if have != want:
            return have
    if len(found) < len(STREET_COLUMNS):
        return STREET_COLUMNS[len(found)]
    return found[len(STREET_COLUMNS)] if len(found) > len(STREET_COLUMNS) else None


def _check_values(table: pa.Table, label: str, month: str | None) -> list[Problem]:
    problems: list[Problem] = []
    if table.column("Month").null_count:
        # pyarrow reads an empty line as a row of nulls: name it as what it is
        empty = np.ones(table.num_rows, dtype=bool)
        for column in table.column_names:
            empty &= table.column(column).is_null().to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(empty)
        if len(rows):
            return [
                Problem(
                    label,
                    "has a blank line among its rows.",
                    row=int(r) + 2,
                    expected="one record per line",
                    found="an empty line",
                )
                for r in rows[:_MAX_PROBLEMS_PER_FILE]
            ]

    def bad_rows(column: str, bad: list[str | None], message: str, expected: str) -> None:
        if not bad:
            return
        col = table.column(column)
        values = pc.cast(col, pa.string()) if pa.types.is_dictionary(col.type) else col
        real = [b for b in bad if b is not None]
        mask = pc.is_in(values, value_set=pa.array(real, pa.string())) if real else None
        if None in bad:
            nulls = pc.is_null(values)
            mask = nulls if mask is None else pc.or_(pc.fill_null(mask, False), nulls)
        rows = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
        for row in rows[:_MAX_PROBLEMS_PER_FILE]:
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
        if len(rows) > _MAX_PROBLEMS_PER_FILE:
            problems.append(
                Problem(
                    label,
                    f"{len(rows) - _MAX_PROBLEMS_PER_FILE} more rows like these in column '{column}'.",
                )
            )

    # Fast path: each test runs in Arrow over the chunks' dictionaries (the distinct values);
    # the row-by-row search for where a problem is happens only when a test fails.
    if month is not None:
        if not _all_ok(table, "Month", lambda d: pc.equal(d, month)):
            months = _distinct(table, "Month")
            bad_rows(
                "Month",
                sorted((m for m in months if m != month), key=lambda v: (v is None, v or "")),
                "holds a month that does not match the file name.",
                f"'{month}'",
            )
    else:
        months = _distinct(table, "Month")
        bad_rows(
            "Month",
            sorted(
                (m for m in months if m is None or not _MONTH_FOLDER.match(m)),
                key=lambda v: (v is None, v or ""),
            ),
            "holds a value that is not a month.",
            "YYYY-MM",
        )
    if "Crime ID" in table.column_names:
        problems += _check_crime_ids(table.column("Crime ID"), label)
    if not _all_ok(table, "Crime type", lambda d: pc.is_in(d, value_set=_KNOWN_TYPES_ARROW)):
        bad_rows(
            "Crime type",
            sorted(
                (t for t in _distinct(table, "Crime type") if t not in _KNOWN_CRIME_TYPES),
                key=lambda v: (v is None, v or ""),
            ),
            "holds an unknown crime type.",
            "a police.uk category such as 'Burglary'",
        )
    for column in [c for c in ("Reported by", "Falls within") if c in table.column_names]:
        bad_rows(
            column,
            [None] if table.column(column).null_count else [],
            "is blank.",
            "the force's name",
        )
    for column, pattern, expected in (
        ("LSOA code", _LSOA_CODE, "a nine-character ONS code such as E01010520"),
        ("LSOA name", _LSOA_NAME, "a name like 'Wolverhampton 020A'"),
    ):
        matches = lambda d, pattern=pattern: pc.match_substring_regex(d, pattern.pattern)  # noqa: E731
        if not _all_ok(table, column, matches, nulls_allowed=True):
            bad = [v for v in _distinct(table, column) if v is not None and not pattern.match(v)]
            bad_rows(column, sorted(bad), f"holds a malformed {column}.", expected)
    code_nulls, name_nulls = (
        table.column("LSOA code").null_count,
        table.column("LSOA name").null_count,
    )
    if code_nulls == name_nulls == 0:
        return problems
    code_null = pc.is_null(table.column("LSOA code"))
    name_null = pc.is_null(table.column("LSOA name"))
    mismatch = np.flatnonzero(pc.not_equal(code_null, name_null).to_numpy(zero_copy_only=False))
    for row in mismatch[:_MAX_PROBLEMS_PER_FILE]:
        blank = "LSOA name" if name_null[int(row)].as_py() else "LSOA code"
        problems.append(
            Problem(
                label,
                "has an LSOA code or an LSOA name but not both.",
                row=int(row) + 2,
                column=blank,
                expected="both blank or both filled",
                found="a blank cell",
            )
        )
    return problems


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


_KNOWN_TYPES_ARROW = pa.array(sorted(_KNOWN_CRIME_TYPES), pa.string())
_HEX_DIGITS = b"0123456789abcdefABCDEF"
CRIME_ID_PATTERN = "^[0-9a-fA-F]{64}$"
"""A Crime ID: 64 hexadecimal digits (blank for anti-social behaviour)."""


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
        for r in rows[:_MAX_PROBLEMS_PER_FILE]
    ]
    if len(rows) > _MAX_PROBLEMS_PER_FILE:
        problems.append(
            Problem(label, f"{len(rows) - _MAX_PROBLEMS_PER_FILE} more rows like these in column 'Crime ID'.")
        )
    return problems


def _all_ok(table: pa.Table, column: str, test, nulls_allowed: bool = False) -> bool:
    """True when ``test`` holds for every distinct value of a dictionary column (and there
    are no blanks, unless allowed). Runs in Arrow, on the chunks' dictionaries only."""
    col = table.column(column)
    if not pa.types.is_dictionary(col.type):
        return False  # not the reader's own output: take the detailed path
    if col.null_count and not nulls_allowed:
        return False
    values = pa.concat_arrays([chunk.dictionary for chunk in col.chunks])
    return not len(values) or bool(pc.all(test(values)).as_py())


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
        if len(problems) >= _MAX_PROBLEMS_PER_FILE:
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


def _raise(problems: list[Problem]) -> None:
    if len(problems) == 1:
        p = problems[0]
        raise InputError(p.file, p.message, row=p.row, column=p.column, expected=p.expected, found=p.found)
    if problems:
        raise ValidationFailed(problems)


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
    _raise(problems)
    return pa.concat_tables(tables).unify_dictionaries()


def with_source(table: pa.Table, sf: StreetFile) -> pa.Table:
    """Add ``force`` and ``source_file`` (dictionary-encoded, one value each) to a file's table."""
    n = table.num_rows
    zeros = pa.array(np.zeros(n, dtype=np.int32))
    force = pa.DictionaryArray.from_arrays(zeros, pa.array([sf.force]))
    source = pa.DictionaryArray.from_arrays(zeros, pa.array([sf.label]))
    return table.append_column("force", force).append_column("source_file", source)


# --------------------------------------------------------------------------------------------
# the API's crimes-street JSON

API_COLUMNS = (
    "api_id",
    "crime_id",
    "month",
    "category",
    "crime_type",
    "location_type",
    "location_subtype",
    "longitude",
    "latitude",
    "location",
    "street_id",
    "last_outcome",
    "context",
    "source_file",
)


@dataclass
class ApiRead:
    """Records of ``crimes-street`` JSON files, de-duplicated on the API ``id``."""

    data: pd.DataFrame
    records_read: int
    duplicates_dropped: int


def read_api_json(paths: str | Path | Iterable[str | Path]) -> ApiRead:
    """Read data.police.uk API ``crimes-street`` responses (each file a JSON array of crimes).

    A crime can come back from several queries (overlapping ward polygons), so records are
    de-duplicated on the API's ``id``; the first file (in sorted path order) keeps it. The
    category slug is mapped to the CSV label (:data:`API_CATEGORY_LABELS`); ``crime_id`` is the
    ``persistent_id`` (the CSV's Crime ID; blank for anti-social behaviour, so null here).
    """
    if isinstance(paths, (str, Path)):
        root = Path(paths)
        files = sorted(root.glob("*.json")) if root.is_dir() else [root]
    else:
        files = sorted(Path(p) for p in paths)
    if not files:
        raise InputError(str(paths), "holds no API JSON file.", expected="*.json", found="none")
    rows: list[tuple] = []
    problems: list[Problem] = []
    for path in files:
        try:
            records = json.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(
                    path,
                    "is not UTF-8 text.",
                    expected="UTF-8",
                    found=repr(exc.object[exc.start : exc.end]),
                )
            )
            continue
        except json.JSONDecodeError as exc:
            problems.append(Problem(path, f"is not valid JSON ({exc.msg}).", row=exc.lineno))
            continue
        if not isinstance(records, list):
            problems.append(
                Problem(
                    path,
                    "is not a crimes-street response.",
                    expected="a JSON array of crimes",
                    found=type(records).__name__,
                )
            )
            continue
        for i, rec in enumerate(records, start=1):
            try:
                rows.append(_api_row(rec, path))
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(
                    Problem(
                        path,
                        f"record {i} is not a crimes-street record ({exc}).",
                        column=str(exc.args[0]) if isinstance(exc, KeyError) else None,
                    )
                )
            if len(problems) >= _MAX_PROBLEMS_PER_FILE * 5:
                break
    _raise(problems)
    df = pd.DataFrame.from_records(rows, columns=list(API_COLUMNS))
    read = len(df)
    df = df.drop_duplicates("api_id", keep="first", ignore_index=True)
    for column in (
        "month",
        "category",
        "crime_type",
        "location_type",
        "location_subtype",
        "last_outcome",
        "source_file",
    ):
        df[column] = df[column].astype("category")
    df["api_id"] = df["api_id"].astype("int64")
    return ApiRead(df, read, read - len(df))


def _api_row(rec: dict, path: Path) -> tuple:
    slug = rec["category"]
    if slug not in API_CATEGORY_LABELS:
        raise ValueError(f"unknown category slug {slug!r}; expected one of {', '.join(API_CATEGORY_LABELS)}")
    month = rec["month"]
    if not isinstance(month, str) or not _MONTH_FOLDER.match(month):
        raise ValueError(f"month {month!r} is not YYYY-MM")
    loc = rec.get("location") or {}
    street = loc.get("street") or {}
    outcome = rec.get("outcome_status")
    return (
        int(rec["id"]),
        rec.get("persistent_id") or None,
        month,
        slug,
        API_CATEGORY_LABELS[slug],
        rec.get("location_type") or None,
        rec.get("location_subtype") or None,
        float(loc["longitude"]) if loc.get("longitude") not in (None, "") else np.nan,
        float(loc["latitude"]) if loc.get("latitude") not in (None, "") else np.nan,
        street.get("name"),
        street.get("id"),
        outcome.get("category") if isinstance(outcome, dict) else None,
        rec.get("context") or None,
        path.name,
    )
