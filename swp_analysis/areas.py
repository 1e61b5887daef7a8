"""Which local authority (and ward) each record is in, and which authorities are each force's.

* **Area** (local authority) comes from the LSOA code through the ONS lookup when one is given,
  else (and for codes the lookup lacks) from the LSOA name by removing its trailing code:
  ``"Wolverhampton 020A"`` -> ``"Wolverhampton"``, ``"Bristol, City of 001A"`` ->
  ``"Bristol, City of"``. The ward comes from the lookup only (:class:`Areas`).
* **Which authorities belong to a force** (:func:`authorities_for`): those given by the caller;
  else those of the packaged table (:func:`swp_analysis.sources.forces.packaged_forces`, keyed by
  the force's name in the file names); else, for any other force, they are inferred from the
  data: an authority is the force's when it holds at least :data:`FALLBACK_MIN_SHARE` (1%) of the
  force's located records read (all its files). Cross-border records are a handful per month (1
  in 2,800 in Cumbria's), so they fall far below it; an authority that small inside a force (the
  Isles of Scilly in Devon and Cornwall) would be misread, and the fix is a row in the table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from swp_analysis.encoded import as_dictionary, column_codes, distinct_strings, recode, remap
from swp_analysis.sources.forces import packaged_forces

FALLBACK_MIN_SHARE = 0.01
"""For a force not in the table: the share of its located records that makes an authority its."""

LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")
"""The code that ends an LSOA name (``" 020A"``)."""


def area_from_lsoa_name(names: pd.Series | Iterable[str | None]) -> pd.Series:
    """The local authority in an LSOA name: the name without its trailing ``' NNNX'`` code.

    Blank names give a missing area. A name without the code is refused (:class:`ValueError`),
    since guessing would put records in an area that does not exist.

    >>> area_from_lsoa_name(["Bristol, City of 001A", None]).tolist()
    ['Bristol, City of', nan]
    """
    s = pd.Series(names, dtype="category") if not isinstance(names, pd.Series) else names.astype("category")
    areas = Areas()
    found = []
    for name in s.cat.categories.astype(str):
        area = areas.name_area(name)
        if area is None:
            raise ValueError(f"LSOA name {name!r} does not end in a code like ' 020A'")
        found.append(area)
    return pd.Series(recode(s.cat.codes.to_numpy(), found), index=s.index, name="area")


class Areas:
    """Resolves LSOAs to an authority (and a ward, with the lookup), remembering each answer.

    One instance serves a whole ingest, so each distinct LSOA name is parsed once however many
    files name it. Thread-safe for the way the ingest uses it (dict reads and writes only).
    """

    def __init__(self, lookup: pd.DataFrame | None = None) -> None:
        self.by_code: dict[str, tuple[str, str, str]] | None = None
        if lookup is not None:
            first = lookup.drop_duplicates("lsoa_code")
            values = zip(first["lad_name"], first["ward_code"], first["ward_name"], strict=True)
            self.by_code = dict(zip(first["lsoa_code"], values, strict=True))
        self._name_area: dict[str, str | None] = {}

    def name_area(self, name: str) -> str | None:
        """``"Wolverhampton 020A"`` -> ``"Wolverhampton"``; None when the name has no code."""
        try:
            return self._name_area[name]
        except KeyError:
            area = LSOA_SUFFIX.sub("", name)
            self._name_area[name] = area = None if area == name or not area.strip() else area
            return area

    def resolve(
        self, code_codes: np.ndarray, code_cats: list, name_codes: np.ndarray, name_cats: list
    ) -> dict:
        """Row codes and categories of area, ward code and ward, and the rows not in the lookup.

        Raises :class:`BadLsoaName` (carrying the name's index) for an LSOA name without a code.
        """
        name_areas = []
        for i, name in enumerate(name_cats):
            area = self.name_area(name)
            if area is None:
                raise BadLsoaName(i)
            name_areas.append(area)
        area_codes, area_cats = remap(name_codes, name_areas)
        n = len(area_codes)
        empty = np.full(n, -1, dtype=np.int32)
        out = {
            "area": (area_codes, area_cats),
            "ward_code": (empty, []),
            "ward": (empty, []),
            "not_in_lookup": np.zeros(n, dtype=bool),
        }
        if self.by_code is None:
            return out
        rows = [self.by_code.get(c) if c is not None else None for c in code_cats]
        lad_codes, lad_cats = remap(code_codes, [r[0] if r else None for r in rows])
        out["ward_code"] = remap(code_codes, [r[1] if r else None for r in rows])
        out["ward"] = remap(code_codes, [r[2] if r else None for r in rows])
        out["not_in_lookup"] = (lad_codes < 0) & (code_codes >= 0)
        # one set of categories for both sources of the area; the lookup's wins where it has one
        union = sorted(set(lad_cats) | set(area_cats))
        at = {a: i for i, a in enumerate(union)}
        from_lad = np.array([at[a] for a in lad_cats] + [-1], dtype=np.int32)[lad_codes]
        from_name = np.array([at[a] for a in area_cats] + [-1], dtype=np.int32)[area_codes]
        out["area"] = (np.where(lad_codes >= 0, from_lad, from_name).astype(np.int32), union)
        return out


class BadLsoaName(Exception):
    """An LSOA name without its trailing code; ``index`` is its place among the names."""

    def __init__(self, index: int) -> None:
        self.index = index


def area_counts(table: pa.Table, areas: Areas) -> Counter:
    """Located records per (force, area) in a table of raw records: the fallback rule's input."""
    forces = distinct_strings(table.column("force"))
    if len(forces) == 1 and areas.by_code is None:
        return areas_of_names(forces[0], name_counts(table), areas)
    force_codes, force_cats = column_codes(table, "force")
    code_codes, code_cats = column_codes(table, "LSOA code")
    name_codes, name_cats = column_codes(table, "LSOA name")
    try:
        resolved = areas.resolve(code_codes, code_cats, name_codes, name_cats)
    except BadLsoaName:
        return Counter()  # clean_block names the row; nothing to count here
    area_codes, area_cats = resolved["area"]
    located = area_codes >= 0
    width = max(len(area_cats), 1)
    pair = np.bincount(
        force_codes[located].astype(np.int64) * width + area_codes[located],
        minlength=len(force_cats) * width,
    )
    counts = Counter()
    for k in np.flatnonzero(pair):
        counts[(force_cats[k // width], area_cats[k % width])] += int(pair[k])
    return counts


def name_counts(table: pa.Table) -> pa.Table:
    """Records per distinct LSOA name (columns ``name``, ``n``; blank names left out)."""
    names = as_dictionary(table.column("LSOA name"))
    indices = names.indices
    per_name = np.bincount(
        (indices.drop_null() if indices.null_count else indices).to_numpy(),
        minlength=len(names.dictionary),
    )
    return pa.table({"name": names.dictionary, "n": per_name}).filter(
        pa.array((per_name > 0) & names.dictionary.is_valid().to_numpy(zero_copy_only=False))
    )


def areas_of_names(force: str, counts: pa.Table | list[pa.Table], areas: Areas) -> Counter:
    """Located records per (force, area) from :func:`name_counts` tables (of one force's files):
    the counts are summed by name first, so each name's area is looked up once. Names without
    a code are left for clean_block to report."""
    if isinstance(counts, list):
        if not counts:
            return Counter()
        counts = (
            pa.concat_tables(counts).group_by("name").aggregate([("n", "sum")]).rename_columns(["name", "n"])
        )
    out = Counter()
    for name, n in zip(counts["name"].to_pylist(), counts["n"].to_pylist(), strict=True):
        area = areas.name_area(name)
        if area is not None:
            out[(force, area)] += n
    return out


def authorities_for(
    force: str,
    areas_counts: Mapping[str, int] | None = None,
    force_authorities: Mapping[str, Iterable[str]] | None = None,
) -> tuple[list[str], str]:
    """The force's local authorities and the rule that gave them (``given``/``table``/``inferred``).

    ``areas_counts``: located records per area in the force's files, used only by the fallback.
    """
    if force_authorities and force in force_authorities:
        return sorted(force_authorities[force]), "given"
    known = packaged_forces().get(force)
    if known is not None:
        return sorted(known.authorities), "table"
    counts = dict(areas_counts or {})
    total = sum(counts.values())
    chosen = [a for a, n in counts.items() if total and n / total >= FALLBACK_MIN_SHARE]
    return (
        sorted(chosen),
        f"inferred: authorities holding at least {FALLBACK_MIN_SHARE:.0%} of the force's located records",
    )


def decide_forces(
    forces: Iterable[str],
    counts: Counter,
    force_authorities: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, dict]:
    """Each force's authorities and rule (see :func:`authorities_for`), from all its records."""
    out = {}
    for force in sorted(set(forces)):
        mine = {area: n for (f, area), n in counts.items() if f == force}
        authorities, rule = authorities_for(force, mine, force_authorities)
        out[force] = {"authorities": authorities, "rule": rule}
    return out
