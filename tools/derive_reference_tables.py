"""Derive the reference tables shipped in ``swp_analysis/reference/ons/`` from public ONS files.

Run from the repository root with the project's interpreter::

    .venv/bin/python tools/derive_reference_tables.py            # write the two tables
    .venv/bin/python tools/derive_reference_tables.py --check    # derive and compare, write nothing

Inputs (read, never copied): the real public files in ``../shared/data/real/`` (see its
PROVENANCE.md), or the folder given with ``--real-data``:

* ``ons-geography-lookups/Lower_Layer_Super_Output_Area_2011_to_Ward_2018_Lookup_in_England_and_Wales_v3.csv``
  (every 2011 LSOA of England and Wales with its December 2018 local authority district), read
  with the project's own reader :func:`swp_analysis.sources.geography.read_lsoa_lookup`;
* ``ons-pfa-crime-and-population/regionalpopulation.csv`` (ONS mid-year estimates, mid-2011 to
  mid-2023, 2023 geography; its ``PFA`` column is filled on unitary authorities, London boroughs
  and counties, and a district belongs to the county or metropolitan county above it);

and two small hand-made tables beside this script, each documented in the reference README:
``forces.csv`` (the 43 territorial forces: police.uk force id, name, and the PFA name the ONS
table uses) and ``authority_changes.csv`` (districts created, merged or renamed since the 2011
LSOA names were fixed, with the year and the successor).

Outputs: ``authorities.csv`` (authority, lad_code, lad_name, force_id, force_name, status, ended,
successor) and ``population.csv`` (area, year, population, source), both sorted, UTF-8, LF.
The derivation stops, saying why, when the inputs disagree with each other or with the
project's packaged force table (:func:`swp_analysis.sources.forces.packaged_forces`).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
OUT = ROOT / "swp_analysis" / "reference" / "ons"
LOOKUP = (
    "ons-geography-lookups/Lower_Layer_Super_Output_Area_2011_to_Ward_2018_Lookup_in_England_and_Wales_v3.csv"
)
POPULATION = "ons-pfa-crime-and-population/regionalpopulation.csv"
POPULATION_SOURCE = "ONS mid-year estimates, revised series (OGL v3.0)"
LOCAL_AUTHORITY_ROWS = (
    "Unitary Authority",
    "Metropolitan District",
    "London Borough",
    "Non-metropolitan District",
)
COUNTY_ROWS = ("County", "Metropolitan County")
PFA_SPELLINGS = {"Chesire": "Cheshire"}  # a typo in the compilation (its Warrington row)
_LSOA_SUFFIX = re.compile(r" \d{3}[A-Z]$")
sys.path.insert(0, str(ROOT))


def read_table(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def read_regional(path: Path, forces: dict[str, dict[str, str]]) -> dict[str, dict]:
    """Local authority rows of the ONS table by name: geography, force id and estimates by year."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    years = {i: int(h.removeprefix("Mid-")) for i, h in enumerate(header) if h.startswith("Mid-")}
    out: dict[str, dict] = {}
    county_pfa = None
    for row in rows[1:]:
        name, pfa, geography = row[0].strip(), PFA_SPELLINGS.get(row[1].strip(), row[1].strip()), row[2]
        if geography in COUNTY_ROWS:
            county_pfa = pfa
            continue
        if geography not in LOCAL_AUTHORITY_ROWS:
            county_pfa = None
            continue
        if geography in ("Unitary Authority", "London Borough"):
            county_pfa = None  # a county's districts follow it directly; a unitary ends the run
        pfa = pfa or county_pfa
        if pfa not in forces:
            raise SystemExit(f"{path}: no force for {name!r} (PFA {pfa!r}); add it to tools/forces.csv")
        estimates = {y: int(float(row[i])) for i, y in years.items() if row[i].strip()}
        out[name] = {"geography": geography, "force_id": forces[pfa]["force_id"], "estimates": estimates}
    return out


def lad_prefixes(lookup) -> dict[str, tuple[str, str]]:
    """Each 2018 district's code -> (name, the prefix most of its 2011 LSOA names carry)."""
    out = {}
    for (code, name), names in lookup.groupby(["lad_code", "lad_name"])["lsoa_name"]:
        prefixes = Counter(_LSOA_SUFFIX.sub("", n) for n in names)
        out[code] = (name, prefixes.most_common(1)[0][0])
    return out


def _row(authority, code, lad_name, force, status="current", ended="", successor="") -> dict[str, str]:
    return {
        "authority": authority,
        "lad_code": code,
        "lad_name": lad_name,
        "force_id": force["force_id"],
        "force_name": force["force_name"],
        "status": status,
        "ended": ended,
        "successor": successor,
    }


def _force_of(name: str, changes: dict[str, dict], regional: dict[str, dict]) -> str:
    """A current authority's force, or a former one's through its successors."""
    seen = []
    while name not in regional:
        if name not in changes or not changes[name]["successor"] or name in seen:
            raise SystemExit(f"no force for {name!r}: not in the 2023 table and no successor leads to it")
        seen.append(name)
        name = changes[name]["successor"]
    return regional[name]["force_id"]


def derive_authorities(lookup, regional: dict, forces_by_id: dict, changes: dict) -> list[dict[str, str]]:
    """One row per authority name police.uk LSOA names carry, current and former."""
    rows = []
    for code, (lad_name, prefix) in lad_prefixes(lookup).items():
        change = changes.get(prefix) or changes.get(lad_name)
        if lad_name not in regional and not (change and change["ended"]):
            raise SystemExit(f"{lad_name} ({code}) is not in the 2023 table and not in authority_changes.csv")
        if change and change["lad_code"] != code:
            raise SystemExit(
                f"authority_changes.csv gives {change['lad_code']} for {prefix}; ONS says {code}"
            )
        force = forces_by_id[_force_of(prefix if prefix in changes else lad_name, changes, regional)]
        if change and change["ended"]:
            rows.append(_row(prefix, code, lad_name, force, "former", change["ended"], change["successor"]))
        else:
            rows.append(_row(prefix, code, lad_name, force))
    have = {r["authority"] for r in rows}
    for name, change in changes.items():
        if name in have:
            continue
        force = forces_by_id[_force_of(name, changes, regional)]
        status = "former" if change["ended"] else "current"
        rows.append(_row(name, change["lad_code"], name, force, status, change["ended"], change["successor"]))
        have.add(name)
    for change in changes.values():  # a renamed district's new name (same code, same area)
        new = change["successor"]
        if change["change"] == "renamed" and new not in have:
            rows.append(_row(new, change["lad_code"], new, forces_by_id[regional[new]["force_id"]]))
            have.add(new)
    missing = sorted(set(regional) - {r["lad_name"] for r in rows})
    if missing:
        raise SystemExit(f"in the 2023 table but in no row: {', '.join(missing)}")
    return sorted(rows, key=lambda r: (r["force_id"], r["status"] != "current", r["authority"]))


def derive_population(authorities: list[dict[str, str]], regional: dict) -> list[dict[str, str]]:
    """Every mid-year estimate of every authority whose district (same code, same area) the
    2023-geography table has: current authorities and renamed ones, not merged former ones."""
    rows = []
    for a in authorities:
        if a["lad_name"] not in regional:
            continue
        for year, population in sorted(regional[a["lad_name"]]["estimates"].items()):
            rows.append(
                {
                    "area": a["authority"],
                    "year": str(year),
                    "population": str(population),
                    "source": POPULATION_SOURCE,
                }
            )
    return sorted(rows, key=lambda r: (r["area"], r["year"]))


def cross_check(authorities: list[dict[str, str]]) -> None:
    """The derived forces agree with the project's packaged table, force by force."""
    from swp_analysis.sources.forces import packaged_forces

    for force, names in ((k, f.authorities) for k, f in packaged_forces().items()):
        derived = {a["authority"] for a in authorities if a["force_id"] == force}
        if derived != set(names):
            raise SystemExit(f"{force}: derived {sorted(derived)}, packaged forces.csv {sorted(names)}")


def as_csv(rows: list[dict[str, str]], columns) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def derive(real: Path) -> dict[str, str]:
    """The two tables' text, from the real data folder."""
    from swp_analysis.init import AUTHORITY_COLUMNS
    from swp_analysis.sources.geography import read_lsoa_lookup

    forces = {r["ons_pfa_name"]: r for r in read_table(HERE / "forces.csv")}
    forces_by_id = {r["force_id"]: r for r in forces.values()}
    changes = {r["lad_name"]: r for r in read_table(HERE / "authority_changes.csv")}
    regional = read_regional(real / POPULATION, forces)
    authorities = derive_authorities(read_lsoa_lookup(real / LOOKUP), regional, forces_by_id, changes)
    unused = set(forces_by_id) - {a["force_id"] for a in authorities}
    if unused:
        raise SystemExit(f"forces with no authority: {', '.join(sorted(unused))}")
    cross_check(authorities)
    population = derive_population(authorities, regional)
    return {
        "authorities.csv": as_csv(authorities, AUTHORITY_COLUMNS),
        "population.csv": as_csv(population, ("area", "year", "population", "source")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=ROOT.parent / "shared" / "data" / "real")
    parser.add_argument("--check", action="store_true", help="compare with the shipped tables; write nothing")
    args = parser.parse_args(argv)
    tables = derive(args.real_data)
    differ = []
    for name, text in tables.items():
        path = OUT / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                differ.append(name)
            continue
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)}: {text.count(chr(10)) - 1} rows, {len(text.encode()):,} bytes")
    if differ:
        print(f"differ from a fresh derivation: {', '.join(differ)}", file=sys.stderr)
        return 1
    if args.check:
        print("the shipped tables are what the derivation gives")
    return 0


if __name__ == "__main__":
    sys.exit(main())
