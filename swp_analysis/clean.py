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
import pyarrow as pa
import pyarrow.compute as pc

from swp_analysis import metrics
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
)
"""The processed table: the contract's twelve columns, then the label and the ward (from the lookup)."""

SET_ASIDE_REASONS: tuple[str, ...] = ("duplicate_crime_id",)
LABELS: tuple[str, ...] = (
    "anti_social_behaviour", "no_location", "outside_force_area", "no_crime_id", "lsoa_not_in_lookup",
)

_LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")


@dataclass
class CleanResult:
    table: pa.Table
    """Kept rows as Arrow, columns :data:`PROCESSED_COLUMNS` (what the ingest writes)."""
    reconciliation: pd.DataFrame
    """One row per source file: rows_read, rows_kept, the set-aside reasons and the labels."""
    forces: dict[str, dict] = field(default_factory=dict)
    """Per force: ``authorities`` and the ``rule`` that gave them (table, given or inferred)."""

    @property
    def data(self) -> pd.DataFrame:
        """Kept rows as pandas, typed as :func:`swp_analysis.ingest.load_police` returns them."""
        return processed_frame(self.table)


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

    :func:`swp_analysis.metrics.fiscal_year` applied once per distinct month (a national year
    has twelve), then spread to the rows by code.
    """
    s = pd.Series(month).astype("category")
    labels = [_fiscal_label(pd.Timestamp(m)) for m in s.cat.categories]
    return pd.Series(_recode(s.cat.codes.to_numpy(), labels), index=s.index, name="fiscal_year")


def _fiscal_label(ts: pd.Timestamp) -> str:
    return metrics.fiscal_year(ts)


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


def duplicated_ids(ids: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True for each non-blank id seen earlier in ``ids`` (the first occurrence is not flagged).

    Crime IDs are 64 hex characters, so the fast path reads each as eight 64-bit words straight
    from the Arrow buffers and hashes them with numpy; the ids whose hash repeats (found by
    sorting the hashes) are then compared byte for byte, so a hash collision can never drop a
    record. Ids of other lengths go through Arrow's dictionary encoding. For six million ids
    this takes about a quarter of a second, against three for ``Series.duplicated``.
    """
    chunked = _as_chunked_strings(ids)
    n = len(chunked)
    rows, hashes, words = [], [], []
    start = 0
    for chunk in chunked.chunks:
        fixed = _fixed_width_words(chunk)
        if fixed is None:
            return _duplicated_by_dictionary(chunked)
        valid = chunk.is_valid().to_numpy(zero_copy_only=False) if chunk.null_count else None
        rows.append(start + (np.flatnonzero(valid) if valid is not None else np.arange(len(chunk))))
        hashes.append(_hash_words(fixed))
        words.append(fixed)
        start += len(chunk)
    duplicate = np.zeros(n, dtype=bool)
    if not hashes:
        return duplicate
    h = np.concatenate(hashes)
    order = np.argsort(h)
    ordered = h[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return duplicate
    repeated = np.zeros(len(h), dtype=bool)
    repeated[1:] |= same
    repeated[:-1] |= same
    candidates = np.sort(order[repeated])  # positions among the non-null ids, in row order
    bounds = np.cumsum([0] + [len(w) for w in words])
    chunk_of = np.searchsorted(bounds, candidates, side="right") - 1
    exact = [words[c][i - bounds[c]].tobytes() for c, i in zip(chunk_of, candidates)]
    again = pd.Series(exact, dtype=object).duplicated(keep="first").to_numpy()
    all_rows = np.concatenate(rows)
    duplicate[all_rows[candidates[again]]] = True
    return duplicate


def _fixed_width_words(chunk: pa.Array, width: int = 64) -> np.ndarray | None:
    """The non-null values as rows of ``width // 8`` uint64 words, when all are ``width`` bytes."""
    valid = len(chunk) - chunk.null_count
    if valid == 0:
        return np.zeros((0, width // 8), dtype=np.uint64)
    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
    first, last = int(offsets[0]), int(offsets[-1])
    if last - first != valid * width:
        return None
    lengths = np.diff(offsets)
    if chunk.null_count:
        lengths = lengths[chunk.is_valid().to_numpy(zero_copy_only=False)]
    if (lengths != width).any():
        return None
    data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[first:last]
    return np.ascontiguousarray(data).view(np.uint64).reshape(valid, width // 8)


def _hash_words(words: np.ndarray) -> np.ndarray:
    """FNV-style mix of each row's words into one uint64 (equal rows give equal hashes)."""
    h = np.full(len(words), 0xCBF29CE484222325, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(words.shape[1]):
            h ^= words[:, k]
            h *= np.uint64(0x100000001B3)
            h ^= h >> np.uint64(29)
    return h


def _as_chunked_strings(ids) -> pa.ChunkedArray:
    if isinstance(ids, pd.Series):
        ids = pa.array(ids.array)
    if isinstance(ids, pa.Array):
        ids = pa.chunked_array([ids])
    if pa.types.is_large_string(ids.type):
        ids = ids.cast(pa.string())
    if not pa.types.is_string(ids.type):
        ids = ids.cast(pa.string())
    return ids


def _duplicated_by_dictionary(chunked: pa.ChunkedArray) -> np.ndarray:
    codes = pc.dictionary_encode(chunked.combine_chunks()).indices.to_numpy(zero_copy_only=False)
    codes = np.where(np.isnan(codes), -1, codes).astype(np.int64) if codes.dtype.kind == "f" else codes
    seen = np.zeros(len(codes), dtype=bool)
    valid = codes >= 0
    _, first = np.unique(codes[valid], return_index=True)
    positions = np.flatnonzero(valid)
    seen[positions] = True
    seen[positions[first]] = False
    return seen


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
    raw: pa.Table | pd.DataFrame,
    *,
    lookup: pd.DataFrame | None = None,
    force_authorities: Mapping[str, Iterable[str]] | None = None,
) -> CleanResult:
    """Type, label and de-duplicate street-level records (see the module's rules).

    ``raw``: what :func:`~swp_analysis.sources.policeuk.street_table` (Arrow) or
    :func:`~swp_analysis.sources.policeuk.read_street` (pandas) return. ``lookup``: the ONS
    LSOA -> ward -> authority table (:func:`swp_analysis.sources.geography.read_lsoa_lookup`);
    ``force_authorities``: force -> authority names, over :data:`FORCE_AUTHORITIES`.

    The work is done on integer codes over each column's distinct values, so it costs a few
    numpy passes however many rows there are.
    """
    table = raw if isinstance(raw, pa.Table) else pa.Table.from_pandas(raw, preserve_index=False)
    missing = [c for c in _NEEDED if c not in table.column_names]
    if missing:
        raise ValueError(f"clean_street needs the columns {', '.join(missing)} (read_street adds 'force')")
    n = table.num_rows
    if "source_file" in table.column_names:
        source = _as_dictionary(table.column("source_file"))
    else:
        source = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array(["input"]))
    src_codes, src_cats = _codes_of(source)

    crime_id = table.column("Crime ID")
    if not pa.types.is_string(crime_id.type):
        crime_id = crime_id.cast(pa.string())
    has_id = _valid(crime_id)
    duplicate = duplicated_ids(crime_id)
    keep = ~duplicate

    def located_error(codes: np.ndarray, bad: int, message: str, column: str, found: str) -> InputError:
        row = int(np.flatnonzero(codes == bad)[0])
        first = int(np.flatnonzero(src_codes == src_codes[row])[0])
        return InputError(src_cats[src_codes[row]], message, row=row - first + 2, column=column, found=found)

    # Each string column once as a single dictionary array: its indices are the row codes.
    month_arr = _as_dictionary(table.column("Month"))
    month_codes, month_cats = _codes_of(month_arr)
    if (month_codes < 0).any():
        raise located_error(month_codes, -1, "has a blank Month.", "Month", "a blank cell")
    month_dates = pd.to_datetime(pd.Index(month_cats, dtype="str"), format="%Y-%m").to_numpy().astype("datetime64[D]")
    fiscal_labels = [_fiscal_label(pd.Timestamp(m)) for m in month_dates]

    code_arr = _as_dictionary(table.column("LSOA code"))
    name_arr = _as_dictionary(table.column("LSOA name"))
    code_codes, code_cats = _codes_of(code_arr)
    name_codes, name_cats = _codes_of(name_arr)
    name_areas = []
    for i, name in enumerate(name_cats):
        area = _LSOA_SUFFIX.sub("", name)
        if area == name:
            raise located_error(name_codes, i, "holds an LSOA name without its code.", "LSOA name", repr(name))
        name_areas.append(area)
    area_codes, area_cats = _remap(name_codes, name_areas)
    not_in_lookup = np.zeros(n, dtype=bool)
    empty = np.full(n, -1, dtype=np.int32)
    ward_code, ward = (empty, []), (empty, [])
    if lookup is not None:
        by_code = lookup.drop_duplicates("lsoa_code").set_index("lsoa_code")
        rows = [by_code.loc[c] if c is not None and c in by_code.index else None for c in code_cats]
        lad_codes, lad_cats = _remap(code_codes, [r["lad_name"] if r is not None else None for r in rows])
        ward_code = _remap(code_codes, [r["ward_code"] if r is not None else None for r in rows])
        ward = _remap(code_codes, [r["ward_name"] if r is not None else None for r in rows])
        not_in_lookup = (lad_codes < 0) & (code_codes >= 0)
        # one set of categories for both sources of the area; the lookup's wins where it has one
        union = sorted(set(lad_cats) | set(area_cats))
        from_lad = np.array([union.index(a) for a in lad_cats] + [-1], dtype=np.int32)[lad_codes]
        from_name = np.array([union.index(a) for a in area_cats] + [-1], dtype=np.int32)[area_codes]
        area_codes = np.where(lad_codes >= 0, from_lad, from_name)
        area_cats = union

    type_arr = _as_dictionary(table.column("Crime type"))
    type_codes, type_cats = _codes_of(type_arr)
    asb_code = type_cats.index(ANTI_SOCIAL_BEHAVIOUR) if ANTI_SOCIAL_BEHAVIOUR in type_cats else -2
    is_asb = type_codes == asb_code

    force_arr = _as_dictionary(table.column("force"))
    force_codes, force_cats = _codes_of(force_arr)
    located = area_codes >= 0
    width = len(area_cats) + 1  # the last column stands for "no area"
    safe_area = np.where(located, area_codes, len(area_cats))
    pair_index = force_codes.astype(np.int64) * width + safe_area
    pair = np.bincount(pair_index[keep], minlength=len(force_cats) * width).reshape(len(force_cats), width)
    forces: dict[str, dict] = {}
    # status of each (force, area) pair: 0 ok, 2 outside the force area; the "no area" column 1
    status_of_pair = np.ones((len(force_cats), width), dtype=np.int8)
    for i, force in enumerate(force_cats):
        counts = {area_cats[j]: int(pair[i, j]) for j in range(len(area_cats)) if pair[i, j]}
        authorities, rule = authorities_for(force, counts, force_authorities)
        forces[force] = {"authorities": authorities, "rule": rule}
        own = set(authorities)
        status_of_pair[i, : len(area_cats)] = [0 if a in own else 2 for a in area_cats]
    status_codes = status_of_pair.reshape(-1)[pair_index]

    out = pa.table(
        {
            "crime_id": crime_id,
            "month": pa.array(month_dates[month_codes], pa.date32()),
            "fiscal_year": _dictionary(*_remap(month_codes, fiscal_labels)),
            "force": force_arr,
            "area": _dictionary(area_codes, area_cats),
            "lsoa_code": code_arr,
            "lsoa_name": name_arr,
            "crime_type": type_arr,
            "last_outcome": _as_dictionary(table.column("Last outcome category")),
            "longitude": table.column("Longitude").cast(pa.float64()),
            "latitude": table.column("Latitude").cast(pa.float64()),
            "is_asb": pa.array(is_asb),
            "location_status": _dictionary(status_codes, list(LOCATION_STATUSES)),
            "ward_code": _dictionary(*ward_code),
            "ward": _dictionary(*ward),
        }
    )
    if duplicate.any():
        out = _without_rows(out, np.flatnonzero(duplicate))

    nfiles = len(src_cats)

    # the ingest stacks files one after another, so each file is a block of rows
    starts = np.flatnonzero(np.r_[True, src_codes[1:] != src_codes[:-1]]) if n else np.zeros(0, int)
    blocks = len(starts) == nfiles and bool((src_codes[starts] == np.arange(nfiles)).all())

    def per_file(mask: np.ndarray | None = None) -> np.ndarray:
        if mask is None:
            return np.bincount(src_codes, minlength=nfiles)
        if blocks:
            return np.add.reduceat(mask.astype(np.int64), starts) if n else np.zeros(nfiles, int)
        return np.bincount(src_codes[mask], minlength=nfiles)

    recon = pd.DataFrame(
        {
            "rows_read": per_file(),
            "rows_kept": per_file(keep),
            "duplicate_crime_id": per_file(duplicate),
            "anti_social_behaviour": per_file(keep & is_asb),
            "no_location": per_file(keep & (status_codes == 1)),
            "outside_force_area": per_file(keep & (status_codes == 2)),
            "no_crime_id": per_file(~is_asb & ~has_id),
            "lsoa_not_in_lookup": per_file(keep & not_in_lookup),
        },
        index=pd.Index(src_cats, name="source_file"),
    )
    set_aside = recon[list(SET_ASIDE_REASONS)].sum(axis=1)
    if not (recon["rows_read"] == recon["rows_kept"] + set_aside).all():  # pragma: no cover
        raise AssertionError("reconciliation does not balance")
    return CleanResult(out, recon, forces)


def processed_frame(table: pa.Table) -> pd.DataFrame:
    """The processed Arrow table as pandas: ``month`` datetime64, strings as categoricals with
    sorted categories (``location_status`` in its fixed order), ``crime_id`` a string column."""
    df = table.to_pandas(date_as_object=False)
    df["month"] = df["month"].astype("datetime64[s]")
    for column in df.columns:
        if isinstance(df[column].dtype, pd.CategoricalDtype):
            cats = list(LOCATION_STATUSES) if column == "location_status" else sorted(df[column].cat.categories)
            if list(df[column].cat.categories) != cats:
                df[column] = df[column].cat.set_categories(cats)
    return df


_NEEDED = ("Crime ID", "Month", "Longitude", "Latitude", "LSOA code", "LSOA name", "Crime type",
           "Last outcome category", "force")


def _valid(col: pa.ChunkedArray) -> np.ndarray:
    return np.concatenate([c.is_valid().to_numpy(zero_copy_only=False) for c in col.chunks]) if col.num_chunks else np.zeros(0, bool)


def _as_dictionary(col: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray:
    """One dictionary array for a column, dictionary-encoded or not (chunks' dictionaries unified)."""
    if isinstance(col, pa.ChunkedArray):
        if not pa.types.is_dictionary(col.type):
            col = pc.dictionary_encode(col)
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    elif not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    if not pa.types.is_string(col.type.value_type):
        col = col.cast(pa.dictionary(col.type.index_type, pa.string()))
    return col


def _without_rows(table: pa.Table, drop: np.ndarray) -> pa.Table:
    """``table`` without the rows at the sorted positions ``drop``, as zero-copy slices.

    Duplicates are few, so the kept rows are long runs: slicing around the dropped rows
    avoids copying every column (six million rows of Crime IDs) just to lose a handful.
    """
    starts = np.r_[0, drop + 1]
    ends = np.r_[drop, table.num_rows]
    pieces = [table.slice(int(a), int(b - a)) for a, b in zip(starts, ends) if b > a]
    return pa.concat_tables(pieces) if pieces else table.slice(0, 0)


def _codes_of(arr: pa.DictionaryArray) -> tuple[np.ndarray, list]:
    """Row codes (-1 for null) and the dictionary's values."""
    indices = arr.indices
    codes = (pc.fill_null(indices, -1) if indices.null_count else indices).to_numpy(zero_copy_only=False)
    return codes.astype(np.int32, copy=False), arr.dictionary.to_pylist()


def _dictionary(codes: np.ndarray, cats: list) -> pa.DictionaryArray:
    index_type = np.int8 if len(cats) < 128 else np.int16 if len(cats) < 32768 else np.int32
    mask = codes < 0
    indices = pa.array(codes.astype(index_type), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(indices, pa.array(cats, pa.string()))
