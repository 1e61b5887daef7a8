"""Cleaning police.uk street-level records: types, fiscal years, areas, labels, duplicates.

Input: the frame :func:`swp_analysis.sources.policeuk.read_street` returns (the twelve published
columns, plus ``force`` and ``source_file``). Output (:func:`clean_street`): one row per kept
record in the processed-data contract, and a reconciliation per source file in which

    rows read = rows kept + rows set aside (duplicate crime id)

and the kept rows that carry a label are counted too (anti-social behaviour, no location,
outside the force area, crime without an id, LSOA not in the lookup).

Rules, each chosen so that nothing can go missing without being counted:

* **Duplicates.** A Crime ID seen before (anywhere in the inputs, files taken in month, force,
  name order) is set aside and counted against the file it was found in. Blank Crime IDs are
  never duplicates: anti-social behaviour has none by design.
* **Anti-social behaviour** is kept, with ``is_asb`` true. It is not recorded crime; the
  functions in :mod:`swp_analysis.crime` leave it out of crime counts.
* **Area** (local authority) comes from the LSOA code through the ONS lookup when one is given,
  else (and for codes the lookup lacks) from the LSOA name by removing its trailing code:
  ``"Wolverhampton 020A"`` -> ``"Wolverhampton"``, ``"Bristol, City of 001A"`` ->
  ``"Bristol, City of"``. The ward comes from the lookup only.
* **location_status** labels every kept row: ``ok``; ``no_location`` (police.uk's "No Location"
  rows: no LSOA, so no area); ``outside_force_area`` (an LSOA in an authority that is not one
  of the force's, e.g. a Lancaster LSOA in a Cumbria file). Such rows are kept and counted, and
  the crime figures use only ``ok`` rows, so each force's records count once, in its own areas.
* **Which authorities belong to a force**: :data:`FORCE_AUTHORITIES` lists them for the forces
  this project knows (keyed by the force name in the file name, e.g. ``west-midlands``);
  ``force_authorities=`` adds or overrides entries. For any other force the rule is inferred
  from the data: an authority is the force's when it holds at least :data:`FALLBACK_MIN_SHARE`
  (1%) of the force's located records in the inputs. Cross-border records are a handful per
  month (1 in 2,800 in Cumbria's), so they fall far below it; an authority that small inside a
  force (the Isles of Scilly in Devon and Cornwall) would be misread, and the fix is an entry in
  the table. The rule used for each force is returned (``CleanResult.forces``) and recorded in
  the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from swp_analysis.errors import InputError
from swp_analysis.sources.policeuk import ANTI_SOCIAL_BEHAVIOUR

FORCE_AUTHORITIES: dict[str, tuple[str, ...]] = {
    "west-midlands": (
        "Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton",
    ),
    # the six districts of Cumbria until April 2023 (the 2011 LSOA names use them)
    "cumbria": (
        "Allerdale", "Barrow-in-Furness", "Carlisle", "Copeland", "Eden", "South Lakeland",
    ),
}
"""Local authorities policed by each force, keyed by the force's name in police.uk file names."""

FORCE_NAMES: dict[str, str] = {
    "west-midlands": "West Midlands Police",
    "cumbria": "Cumbria Constabulary",
}

FALLBACK_MIN_SHARE = 0.01
"""For a force not in the table: the share of its located records that makes an authority its own."""

LOCATION_STATUSES: tuple[str, ...] = ("ok", "no_location", "outside_force_area")

PROCESSED_COLUMNS: tuple[str, ...] = (
    "crime_id", "month", "fiscal_year", "force", "area", "lsoa_code", "lsoa_name", "crime_type",
    "last_outcome", "longitude", "latitude", "is_asb", "location_status", "ward_code", "ward",
    "location",
)
"""The processed table: the contract's twelve columns, then the label and the ward."""

SET_ASIDE_REASONS: tuple[str, ...] = ("duplicate_crime_id",)
LABELS: tuple[str, ...] = (
    "anti_social_behaviour", "no_location", "outside_force_area", "no_crime_id", "lsoa_not_in_lookup",
)

_LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")


@dataclass
class CleanResult:
    data: pd.DataFrame
    """Kept rows, columns :data:`PROCESSED_COLUMNS`."""
    reconciliation: pd.DataFrame
    """One row per source file: rows_read, rows_kept, the set-aside reasons and the labels."""
    forces: dict[str, dict] = field(default_factory=dict)
    """Per force: ``authorities`` and the ``rule`` that gave them (table, given or inferred)."""


# --------------------------------------------------------------------------------------------
# small vectorised helpers


def area_from_lsoa_name(names: pd.Series | Iterable[str | None]) -> pd.Series:
    """The local authority in an LSOA name: the name without its trailing ``' NNNX'`` code.

    Blank names give a missing area. A name without the code is refused (:class:`ValueError`),
    since guessing would put records in an area that does not exist.
    """
    s = pd.Series(names, dtype="category") if not isinstance(names, pd.Series) else names.astype("category")
    cats = s.cat.categories.astype(str)
    areas = []
    for name in cats:
        area = _LSOA_SUFFIX.sub("", name)
        if area == name or not area.strip():
            raise ValueError(f"LSOA name {name!r} does not end in a code like ' 020A'")
        areas.append(area)
    return pd.Series(_recode(s.cat.codes.to_numpy(), areas), index=s.index, name="area")


def fiscal_year_of(month: pd.Series) -> pd.Series:
    """April-to-March fiscal year label of each date: 2018-04-01 .. 2019-03-01 -> ``"2018-19"``.

    Vectorised over the distinct months (a national year has twelve). Agrees with
    :func:`swp_analysis.metrics.fiscal_year` (checked in the tests).
    """
    s = pd.Series(month).astype("category")
    labels = [_fiscal_label(pd.Timestamp(m)) for m in s.cat.categories]
    return pd.Series(_recode(s.cat.codes.to_numpy(), labels), index=s.index, name="fiscal_year")


def _fiscal_label(ts: pd.Timestamp) -> str:
    start = ts.year if ts.month >= 4 else ts.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _remap(codes: np.ndarray, values: list) -> tuple[np.ndarray, list]:
    """Codes and sorted categories of ``values[codes]`` (missing where a code is -1 or a value None).

    Sorting the categories makes the result independent of the order the rows arrived in.
    """
    cats = sorted({v for v in values if v is not None})
    pos = {v: i for i, v in enumerate(cats)}
    table = np.array([pos[v] if v is not None else -1 for v in values] + [-1], dtype=np.int32)
    return table[codes], cats


def _categorical(codes: np.ndarray, cats: list, categories: list | None = None) -> pd.Categorical:
    cats = list(categories) if categories is not None else cats
    return pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype="str"))


def _recode(codes: np.ndarray, values: list) -> pd.Categorical:
    """A categorical whose row ``i`` is ``values[codes[i]]``, with sorted categories."""
    return _categorical(*_remap(codes, values))


def _codes(series: pd.Series) -> tuple[np.ndarray, list]:
    s = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
    cats = [None if pd.isna(c) else c for c in s.cat.categories]
    return s.cat.codes.to_numpy().astype(np.int64), cats


# --------------------------------------------------------------------------------------------
# force authorities


def authorities_for(
    force: str, areas_counts: Mapping[str, int] | None = None,
    force_authorities: Mapping[str, Iterable[str]] | None = None,
) -> tuple[list[str], str]:
    """The force's local authorities and the rule that gave them (``given``/``table``/``inferred``).

    ``areas_counts``: located records per area in the force's files, used only by the fallback.
    """
    if force_authorities and force in force_authorities:
        return sorted(force_authorities[force]), "given"
    if force in FORCE_AUTHORITIES:
        return sorted(FORCE_AUTHORITIES[force]), "table"
    counts = dict(areas_counts or {})
    total = sum(counts.values())
    chosen = [a for a, n in counts.items() if total and n / total >= FALLBACK_MIN_SHARE]
    return sorted(chosen), f"inferred: authorities holding at least {FALLBACK_MIN_SHARE:.0%} of the force's located records"


# --------------------------------------------------------------------------------------------
# the cleaning step


def clean_street(
    raw: pd.DataFrame,
    *,
    lookup: pd.DataFrame | None = None,
    force_authorities: Mapping[str, Iterable[str]] | None = None,
) -> CleanResult:
    """Type, label and de-duplicate street-level records (see the module's rules).

    ``lookup``: the ONS LSOA -> ward -> authority table
    (:func:`swp_analysis.sources.geography.read_lsoa_lookup`); ``force_authorities``: force ->
    authority names, taking precedence over :data:`FORCE_AUTHORITIES`.
    """
    n = len(raw)
    if "force" not in raw:
        raise ValueError("clean_street needs the 'force' column that read_street adds")
    source = raw["source_file"] if "source_file" in raw else pd.Series(["input"] * n, dtype="category")
    src_codes, src_cats = _codes(source)

    crime_id = raw["Crime ID"]
    has_id = crime_id.notna().to_numpy()
    duplicate = np.zeros(n, dtype=bool)
    if has_id.any():
        duplicate[has_id] = crime_id[has_id].duplicated(keep="first").to_numpy()
    keep = ~duplicate
    kept = raw if not duplicate.any() else raw.loc[keep]
    src_kept = src_codes[keep]

    month_codes, month_cats = _codes(kept["Month"])
    month_dates = pd.to_datetime(pd.Index(month_cats), format="%Y-%m").to_numpy().astype("datetime64[s]")
    if (month_codes < 0).any():
        raise InputError(_first_source(source, kept["Month"].isna()), "has a blank Month.", column="Month")
    month = month_dates[month_codes]
    fiscal = _recode(month_codes, [_fiscal_label(pd.Timestamp(m)) for m in month_dates])

    code_codes, code_cats = _codes(kept["LSOA code"])
    name_codes, name_cats = _codes(kept["LSOA name"])
    name_areas = []
    for name in name_cats:
        area = _LSOA_SUFFIX.sub("", name)
        if area == name:
            raise InputError(_first_source(source, raw["LSOA name"] == name),
                             "holds an LSOA name without its code.", column="LSOA name",
                             expected="a name like 'Wolverhampton 020A'", found=repr(name))
        name_areas.append(area)
    area_codes, area_cats = _remap(name_codes, name_areas)
    not_in_lookup = np.zeros(len(kept), dtype=bool)
    empty = np.full(len(kept), -1, dtype=np.int32)
    ward_code, ward = (empty, []), (empty, [])
    if lookup is not None:
        table = lookup.drop_duplicates("lsoa_code").set_index("lsoa_code")
        known = [c is not None and c in table.index for c in code_cats]
        lad_codes, lad_cats = _remap(code_codes, [table.at[c, "lad_name"] if k else None for c, k in zip(code_cats, known)])
        ward_code = _remap(code_codes, [table.at[c, "ward_code"] if k else None for c, k in zip(code_cats, known)])
        ward = _remap(code_codes, [table.at[c, "ward_name"] if k else None for c, k in zip(code_cats, known)])
        not_in_lookup = (lad_codes < 0) & (code_codes >= 0)
        # one set of categories for both sources of the area, then take the lookup's where it has one
        union = sorted(set(lad_cats) | set(area_cats))
        from_lad = np.array([union.index(a) for a in lad_cats] + [-1], dtype=np.int32)[lad_codes]
        from_name = np.array([union.index(a) for a in area_cats] + [-1], dtype=np.int32)[area_codes]
        area_codes = np.where(lad_codes >= 0, from_lad, from_name)
        area_cats = union

    crime_type = kept["Crime type"]
    type_codes, type_cats = _remap(*_codes(crime_type))
    is_asb = type_codes == (type_cats.index(ANTI_SOCIAL_BEHAVIOUR) if ANTI_SOCIAL_BEHAVIOUR in type_cats else -2)

    force_codes, force_cats = _codes(kept["force"])
    located = area_codes >= 0
    width = len(area_cats) + 1  # the last column stands for "no area"
    safe_area = np.where(located, area_codes, len(area_cats))
    pair_counts = np.bincount(force_codes * width + safe_area, minlength=len(force_cats) * width)
    pair_counts = pair_counts.reshape(len(force_cats), width)
    belongs = np.zeros((len(force_cats), width), dtype=bool)
    forces: dict[str, dict] = {}
    for i, force in enumerate(force_cats):
        counts = {area_cats[j]: int(pair_counts[i, j]) for j in range(len(area_cats)) if pair_counts[i, j]}
        authorities, rule = authorities_for(force, counts, force_authorities)
        forces[force] = {"authorities": authorities, "rule": rule}
        own = set(authorities)
        belongs[i, : len(area_cats)] = [a in own for a in area_cats]
    in_force = belongs[force_codes, safe_area]
    status_codes = np.where(~located, 1, np.where(in_force, 0, 2)).astype(np.int8)

    out = pd.DataFrame(
        {
            "crime_id": (crime_id[keep] if duplicate.any() else crime_id).reset_index(drop=True),
            "month": month,
            "fiscal_year": fiscal,
            "force": _recode(force_codes, force_cats),
            "area": _categorical(area_codes, area_cats),
            "lsoa_code": _recode(code_codes, code_cats),
            "lsoa_name": _recode(name_codes, name_cats),
            "crime_type": _categorical(type_codes, type_cats),
            "last_outcome": _recode(*_codes(kept["Last outcome category"])),
            "longitude": kept["Longitude"].to_numpy(dtype=np.float64),
            "latitude": kept["Latitude"].to_numpy(dtype=np.float64),
            "is_asb": is_asb,
            "location_status": _categorical(status_codes, list(LOCATION_STATUSES)),
            "ward_code": _categorical(*ward_code),
            "ward": _categorical(*ward),
            "location": _recode(*_codes(kept["Location"])),
        }
    )

    nfiles = len(src_cats)

    def per_file(codes: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(codes if mask is None else codes[mask], minlength=nfiles)

    recon = pd.DataFrame(
        {
            "rows_read": per_file(src_codes),
            "rows_kept": per_file(src_kept),
            "duplicate_crime_id": per_file(src_codes, duplicate),
            "anti_social_behaviour": per_file(src_kept, is_asb),
            "no_location": per_file(src_kept, status_codes == 1),
            "outside_force_area": per_file(src_kept, status_codes == 2),
            "no_crime_id": per_file(src_kept, ~is_asb & ~has_id[keep]),
            "lsoa_not_in_lookup": per_file(src_kept, not_in_lookup),
        },
        index=pd.Index(src_cats, name="source_file"),
    )
    set_aside = recon[list(SET_ASIDE_REASONS)].sum(axis=1)
    if not (recon["rows_read"] == recon["rows_kept"] + set_aside).all():  # pragma: no cover - invariant
        raise AssertionError("reconciliation does not balance")
    return CleanResult(out, recon, forces)


def _first_source(source: pd.Series, mask: pd.Series) -> str:
    hits = np.flatnonzero(np.asarray(mask))
    return str(source.iloc[hits[0]]) if len(hits) else "police data"
