"""The packaged table of police forces and their local authorities: read and validate.

``swp_analysis/reference/forces.csv`` (its provenance is in ``reference/README.md``) has one
row per authority, with the columns :data:`FORCE_COLUMNS`. The table is data, not code, so no
force or partnership is named in the library's Python; :mod:`swp_analysis.areas` asks
:func:`packaged_forces`, which reads the file once per process.

Checked: UTF-8, the exact header, no blank cell, a force id as police.uk writes it
(``west-midlands``), one name per force, each authority once per force. Every problem names
the line.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from swp_analysis.errors import InputError, Problem, ValidationFailed

FORCE_COLUMNS = ("force_id", "force_name", "authority")
_FORCE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Force:
    """One force: its police.uk id, its name and its authorities (in the table's order)."""

    force_id: str
    name: str
    authorities: tuple[str, ...]


def packaged_forces_file() -> Path:
    """Where the packaged ``forces.csv`` is (package data, like the report templates)."""
    return Path(__file__).resolve().parent.parent / "reference" / "forces.csv"


@functools.cache
def packaged_forces() -> Mapping[str, Force]:
    """The packaged table, read once: force id -> :class:`Force` (read-only).

    >>> packaged_forces()["west-midlands"].name
    'West Midlands Police'
    >>> "greater-manchester" in packaged_forces()
    False
    """
    return MappingProxyType(read_forces(packaged_forces_file()))


def read_forces(path: str | Path) -> dict[str, Force]:
    """Read and validate a forces table; force id -> :class:`Force`, in the file's order."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is dropped
    except OSError as exc:
        raise InputError(path, f"could not be read ({exc}).") from exc
    except UnicodeDecodeError as exc:
        raise InputError(path, "is not UTF-8 text.", expected="UTF-8") from exc
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != FORCE_COLUMNS:
        raise InputError(
            path,
            "does not have the forces table's header.",
            row=1,
            expected=", ".join(FORCE_COLUMNS),
            found=", ".join(rows[0]) if rows else "an empty file",
        )
    problems: list[Problem] = []
    names: dict[str, str] = {}
    authorities: dict[str, list[str]] = {}
    for line, fields in enumerate(rows[1:], start=2):
        problem = _row_problem(path, line, fields, names, authorities)
        if problem is not None:
            problems.append(problem)
            continue
        force_id, name, authority = (f.strip() for f in fields)
        names.setdefault(force_id, name)
        authorities.setdefault(force_id, []).append(authority)
    if problems:
        raise ValidationFailed(problems)
    return {f: Force(f, names[f], tuple(a)) for f, a in authorities.items()}


def _row_problem(
    path: Path, line: int, fields: list[str], names: dict[str, str], authorities: dict[str, list[str]]
) -> Problem | None:
    """What is wrong with one row, given the rows before it (None when nothing is)."""
    if len(fields) != len(FORCE_COLUMNS):
        return Problem(
            path, "has a row with the wrong number of fields.", line, None, "3 fields", str(len(fields))
        )
    force_id, name, authority = (f.strip() for f in fields)
    for column, value in zip(FORCE_COLUMNS, (force_id, name, authority), strict=True):
        if not value:
            return Problem(path, "has a blank cell.", line, column, "a value", "a blank cell")
    if not _FORCE_ID.match(force_id):
        return Problem(
            path,
            "holds a force id police.uk does not write.",
            line,
            "force_id",
            "e.g. west-midlands",
            repr(force_id),
        )
    if names.get(force_id, name) != name:
        return Problem(
            path, "names a force twice, differently.", line, "force_name", repr(names[force_id]), repr(name)
        )
    if authority in authorities.get(force_id, []):
        return Problem(
            path, "lists an authority twice for one force.", line, "authority", "each once", repr(authority)
        )
    return None
