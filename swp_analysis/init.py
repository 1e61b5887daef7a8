"""``swp init``: a new partnership's data folder, for any local authority of England and Wales.

``swp init --data-dir DIR --area Carlisle --police-force cumbria`` writes::

    DIR/raw/README.md                   what goes where
    DIR/raw/population.csv              ONS mid-year estimates of the force's authorities
    DIR/raw/indicators.yaml, .csv       an empty local register
    DIR/raw/police/                     empty: police.uk street files go here
    DIR/raw/report/<year>/              report.yaml and its four narrative files

Which authorities exist, and which force polices each, come from the reference table shipped
with the package (``reference/ons/authorities.csv``, see the README beside it); the population
from ``reference/ons/population.csv``; the files from the templates in
``templates/new-partnership/``. Nothing here names an authority or a force.

An area is named as police.uk's LSOA names carry it ("Carlisle 011A" -> ``Carlisle``); the ONS
name is accepted too ("Bristol, City of" -> ``Bristol``), and case is forgiven. Nothing that
exists is ever overwritten: every file is checked before the first is written.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from swp_analysis import periods
from swp_analysis.errors import InputError
from swp_analysis.paths import DataPaths
from swp_analysis.sources.tables import POPULATION_COLUMNS, read_population

PACKAGE = Path(__file__).resolve().parent
REFERENCE = PACKAGE / "reference" / "ons"
AUTHORITIES_FILE = REFERENCE / "authorities.csv"
POPULATION_FILE = REFERENCE / "population.csv"
TEMPLATE = PACKAGE / "templates" / "new-partnership"
AUTHORITY_COLUMNS = (
    "authority",
    "lad_code",
    "lad_name",
    "force_id",
    "force_name",
    "status",
    "ended",
    "successor",
)
REPORT_TEMPLATE = "report"  # the template folder that becomes raw/report/<year>/

__all__ = ["Authority", "InitResult", "init", "latest_ended_year", "read_authorities"]


@dataclass(frozen=True)
class Authority:
    """One row of ``authorities.csv``: an authority as police.uk names it, and its force."""

    authority: str
    lad_code: str
    lad_name: str
    force_id: str
    force_name: str
    status: str
    ended: str
    successor: str

    @property
    def is_former(self) -> bool:
        return self.status == "former"


@dataclass
class InitResult:
    """What :func:`init` wrote, and what the lead should know and do next."""

    paths: DataPaths
    authority: Authority
    year: str
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


def latest_ended_year(today: date | None = None) -> str:
    """The latest financial year that has fully ended by ``today`` (default: today).

    >>> latest_ended_year(date(2019, 3, 31)), latest_ended_year(date(2019, 4, 1))
    ('2017-18', '2018-19')
    """
    return periods.previous(periods.fiscal_year(today or date.today()))


def read_authorities(path: str | Path = AUTHORITIES_FILE) -> list[Authority]:
    """The shipped table of authorities (or another file in its layout), in file order."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != AUTHORITY_COLUMNS:
            raise InputError(
                path,
                "The authorities table does not have the expected columns.",
                expected=",".join(AUTHORITY_COLUMNS),
                found=",".join(reader.fieldnames or ()),
            )
        return [Authority(**row) for row in reader]


def _suggest(given: str, names: Sequence[str], n: int = 4) -> list[str]:
    """Close matches of ``given`` among ``names``, compared without case."""
    lower = {name.lower(): name for name in names}
    return [lower[m] for m in difflib.get_close_matches(given.lower(), list(lower), n=n, cutoff=0.6)]


def find_force(authorities: Sequence[Authority], force: str) -> list[Authority]:
    """The authorities policed by ``force`` (a police.uk force id); InputError naming close ids."""
    ids = sorted({a.force_id for a in authorities})
    mine = [a for a in authorities if a.force_id == force.strip().lower()]
    if mine:
        return mine
    close = _suggest(force, ids) or ids[:5]
    raise InputError(
        "--police-force",
        f"'{force}' is not the police.uk id of a territorial force of England and Wales.",
        expected="a force id as in police.uk file names, such as " + ", ".join(close),
        found=repr(force),
    )


def find_authority(authorities: Sequence[Authority], area: str) -> Authority:
    """The authority named ``area`` (as police.uk or ONS names it, any case); InputError naming
    close matches when there is none."""
    wanted = area.strip().lower()
    for attribute in ("authority", "lad_name"):
        hits = [a for a in authorities if getattr(a, attribute).lower() == wanted]
        if hits:
            return hits[0]
    names = sorted({a.authority for a in authorities})
    close = _suggest(area, names)
    raise InputError(
        "--area",
        f"'{area}' is not a local authority of England and Wales in the shipped table.",
        expected="an authority as police.uk's LSOA names carry it"
        + (", such as " + ", ".join(close) if close else " (see swp_analysis/reference/ons/authorities.csv)"),
        found=repr(area),
    )


def _check_in_force(authority: Authority, force: list[Authority]) -> None:
    if authority in force:
        return
    names = ", ".join(sorted(a.authority for a in force))
    raise InputError(
        "--area",
        f"{authority.authority} is not policed by {force[0].force_name} ({force[0].force_id}).",
        expected=f"an authority of {force[0].force_id}: {names}",
        found=f"{authority.authority}, policed by {authority.force_name} ({authority.force_id})",
    )


def _year(year: str | None) -> str:
    if year is None:
        return latest_ended_year()
    if not periods.is_fiscal_year(year.strip()):
        raise InputError(
            "--year",
            "The year is not a financial year.",
            expected="a label such as 2018-19",
            found=repr(year),
        )
    return year.strip()


def _values(authority: Authority, year: str) -> dict[str, str]:
    """What the templates' ``${name}`` placeholders stand for."""
    previous = periods.previous(year)
    partnership = f"{authority.authority} Community Safety Partnership"
    return {
        "area": authority.authority,
        "partnership": partnership,
        "short_name": f"{authority.authority} CSP",
        "year": year,
        "year_long": periods.long_label(year),
        "previous_year": previous,
        "first_month": periods.months(previous)[0],
        "last_month": periods.months(year)[-1],
        "force_id": authority.force_id,
        "force_name": authority.force_name,
    }


def _render(template: Path, values: dict[str, str]) -> bytes:
    """A template file with its ``${name}`` placeholders filled; in YAML, as double-quoted text."""
    text = template.read_text(encoding="utf-8")
    if template.suffix == ".yaml":
        values = {k: json.dumps(v, ensure_ascii=False)[1:-1] for k, v in values.items()}
    return string.Template(text).substitute(values).encode("utf-8")


def _population(force: list[Authority]) -> pd.DataFrame:
    """The shipped estimates of the force's authorities, by authority and year."""
    table = read_population(POPULATION_FILE)
    names = {a.authority for a in force}
    return table[table["area"].isin(names)].sort_values(["area", "year"])[list(POPULATION_COLUMNS)]


def _as_csv(rows: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(POPULATION_COLUMNS)
    writer.writerows(rows.itertuples(index=False))
    return buffer.getvalue().encode("utf-8")


def _plan(paths: DataPaths, values: dict[str, str], year: str) -> list[tuple[Path, bytes]]:
    """Every template file rendered, with where it goes."""
    planned = []
    for template in sorted(p for p in TEMPLATE.rglob("*") if p.is_file()):
        rel = template.relative_to(TEMPLATE)
        if rel.parts[0] == REPORT_TEMPLATE:
            dest = paths.report_dir(year).joinpath(*rel.parts[1:])
        else:
            dest = paths.raw / rel
        planned.append((dest, _render(template, values)))
    return planned


def _refuse_existing(planned: list[tuple[Path, bytes]]) -> None:
    for dest, _ in planned:
        if dest.exists():
            raise InputError(
                dest,
                "swp init never overwrites, and this file exists already.",
                expected="a new data folder (or move this file away first)",
                found="an existing file",
            )


def init(data_dir: str | Path, area: str, force: str, year: str | None = None) -> InitResult:
    """Set up a new partnership's data folder in ``data_dir``; see the module's docstring.

    Raises :class:`InputError` (nothing written) for an unknown area or force, an area the
    force does not police, a year that is not a financial year, or any file that exists.
    """
    authorities = read_authorities()
    force_authorities = find_force(authorities, force)
    authority = find_authority(authorities, area)
    _check_in_force(authority, force_authorities)
    year = _year(year)
    paths = DataPaths(Path(data_dir).resolve())
    values = _values(authority, year)
    population = _population(force_authorities)
    planned = [*_plan(paths, values, year), (paths.population, _as_csv(population))]
    _refuse_existing(planned)
    result = InitResult(paths, authority, year)
    for dest, data in planned:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "xb") as handle:  # "x": never overwrite, even in a race
            handle.write(data)
        result.written.append(dest)
    paths.police.mkdir(parents=True, exist_ok=True)
    result.notes = _notes(authority, area, year, force_authorities, population)
    result.next_steps = _next_steps(paths, values)
    return result


def _notes(
    authority: Authority, given: str, year: str, force: list[Authority], population: pd.DataFrame
) -> list[str]:
    """What the lead should know about the area and its population figures."""
    notes = []
    if given.strip() != authority.authority:
        notes.append(
            f"'{given}' is {authority.authority} in police.uk's LSOA names "
            f"(ONS: {authority.lad_name}, {authority.lad_code}); the data folder uses {authority.authority}."
        )
    if authority.is_former:
        notes.append(
            f"{authority.authority} is a former district (it ended in {authority.ended}; its area is now "
            f"part of {authority.successor}). police.uk files from before then name it; later files name "
            f"{authority.successor}."
        )
    needed = [periods.mid_year(fy) for fy in (periods.previous(year), year)]
    have = set(population.loc[population["area"] == authority.authority, "year"])
    if not have:
        notes.append(
            f"The shipped ONS table (2023 boundaries) has no estimate for {authority.authority}: add its "
            f"mid-{needed[0]} and mid-{needed[1]} estimates to raw/population.csv before building."
        )
    elif set(needed) - have:
        missing = " and ".join(f"mid-{y}" for y in needed if y not in have)
        notes.append(
            f"The shipped ONS table runs to mid-{max(have)}: add {authority.authority}'s {missing} "
            f"estimates to raw/population.csv before building {year}."
        )
    # peers of the same kind: older police files name the former districts, newer the current ones
    peers = {a.authority for a in force if a.status == authority.status} - {authority.authority}
    without = sorted(peers - set(population["area"]))
    if without:
        notes.append(
            f"The shipped table has no estimate for {', '.join(without)} either: if the police files "
            "name them, their rates per 1,000 among the force's authorities stay blank until rows are added."
        )
    return notes


def _next_steps(paths: DataPaths, values: dict[str, str]) -> list[str]:
    folder = paths.data_dir
    return [
        f"swp fetch-police --police-force {values['force_id']} --from {values['first_month']} "
        f"--to {values['last_month']} --data-dir {folder}",
        f"(or copy police.uk street files into {paths.police}/YYYY-MM/), then",
        f"swp validate --data-dir {folder}",
        f"swp build --data-dir {folder}",
    ]
