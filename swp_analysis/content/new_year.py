"""Next year's content folder, scaffolded from this year's."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from swp_analysis.errors import InputError
from swp_analysis.paths import DataPaths
from swp_analysis.periods import is_fiscal_year, start_of
from swp_analysis.ratings import Rating
from swp_analysis.sources.register import load_register

from .model import REPORT_FILE, ReportFile

_RATING_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)rating:\s*(?P<value>[^#\n]*?)\s*(#.*)?$", re.M)
_RATING_NOTE_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)rating_(?:note|basis):.*$")
_YEAR_LINE = re.compile(r"^year:\s*\S+.*$", re.M)
NOT_COPIED = ("claims.csv",)  # a published report's claims belong to that year only


def reset_ratings(yaml_text: str, year: str) -> str:
    """``report.yaml`` text for next year: every rating "Not yet rated", notes on ratings and
    whether they were provisional removed, ``year:`` set. Comments and layout are kept (the
    text is edited line by line)."""
    text = _RATING_LINE.sub(lambda m: f"{m.group('indent')}rating: {Rating.NOT_YET_RATED.label}", yaml_text)
    text = _YEAR_LINE.sub(f"year: {year}", text, count=1)
    out: list[str] = []
    skipping_indent: int | None = None
    for line in text.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip())
        if skipping_indent is not None:
            if line.strip() and indent <= skipping_indent:
                skipping_indent = None
            else:
                continue
        m = _RATING_NOTE_LINE.match(line)
        if m:
            skipping_indent = len(m.group("indent"))
            continue
        out.append(line)
    return "".join(out)


def new_year(paths: DataPaths, year_from: str, year_to: str) -> list[str]:
    """Scaffold ``report/<year_to>/`` from ``report/<year_from>/``.

    Every file is copied except a published report's ``claims.csv``; in ``report.yaml``
    every rating becomes "Not yet rated" and ``year`` is set to ``year_to``. A file that
    already exists in the new folder is never overwritten. Returns the register rows the
    lead must supply, as ``"indicator, area, period"`` strings (see
    :meth:`Register.rows_to_supply`).
    """
    for label in (year_from, year_to):
        if not is_fiscal_year(label):
            raise InputError(
                "year", "The year is not a fiscal year.", expected="like 2019-20", found=repr(label)
            )
    if start_of(year_to) <= start_of(year_from):
        raise InputError(
            "year",
            "The new year must come after the year it is copied from.",
            expected=f"a year after {year_from}",
            found=year_to,
        )
    source = paths.report_dir(year_from)
    target = paths.report_dir(year_to)
    if not (source / REPORT_FILE).is_file():
        raise InputError(
            source / REPORT_FILE,
            f"There is no report content for {year_from} to copy.",
            expected=f"{REPORT_FILE} in {source}",
            found="no such file",
        )

    writes: list[tuple[Path, bytes]] = []
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = file.relative_to(source)
        if rel.as_posix() in NOT_COPIED:
            continue
        dest = target / rel
        if dest.exists():
            continue
        if rel.as_posix() == REPORT_FILE:
            text = reset_ratings(file.read_text(encoding="utf-8-sig"), year_to)
            try:
                ReportFile.model_validate(yaml.safe_load(text))
            except (ValidationError, yaml.YAMLError) as exc:
                raise InputError(file, f"report.yaml could not be reset for the new year: {exc}") from exc
            writes.append((dest, text.encode("utf-8")))
        else:
            writes.append((dest, file.read_bytes()))
    for dest, data in writes:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "xb") as handle:  # "x": never overwrite, even in a race
            handle.write(data)

    register = load_register(paths)
    rows: list[str] = []
    for area in register.areas():
        rows += [", ".join(r) for r in register.rows_to_supply(year_from, year_to, area)]
    return rows
