"""data.police.uk street-level files: where they are and what their names say. Nothing is parsed here.

Layouts found
-------------
* A folder tree as the site's "custom download" unpacks: ``YYYY-MM/YYYY-MM-<force>-street.csv``
  (one force or many; a flat folder works too).
* The monthly archive zip (``2018-04.zip`` holding ``2018-04/2018-04-<force>-street.csv`` for
  every force), read in place: members are read into memory, nothing is extracted to disk.
* ``.csv.gz`` copies of the same files.

The ``-outcomes.csv`` and ``-stop-and-search.csv`` files police.uk publishes beside the street
files are recognised and skipped (reported in :attr:`StreetFiles.ignored`), as are API JSON
files (read by :mod:`swp_analysis.sources.policeuk_api`); any other ``.csv`` under the police
folder is refused, because a street file with a mangled name would otherwise vanish from the
counts without a word. So are a month folder that disagrees with a file's name, zips holding no
street CSV, and two files for the same force and month.
"""

from __future__ import annotations

import gzip
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from swp_analysis.errors import InputError, Problem
from swp_analysis.sources.policeuk_values import MONTH, raise_problems

_STREET_NAME = re.compile(
    r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9]+(?:-[a-z0-9]+)*?)-street\.csv(?P<gz>\.gz)?$"
)
_SIBLING_NAME = re.compile(r"^\d{4}-\d{2}-[a-z0-9-]+-(?:outcomes|stop-and-search)\.csv(?:\.gz)?$")
_INPUT_ENDINGS = (".csv", ".csv.gz", ".zip", ".json")


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
    raise_problems(problems)
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
    if parent is not None and MONTH.match(parent) and parent != month:
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
