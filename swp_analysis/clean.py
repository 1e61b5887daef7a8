"""Cleaning police.uk street-level records: types, fiscal years, areas, labels, duplicates.

Input: the frame :func:`swp_analysis.sources.policeuk.read_street` returns (the twelve published
columns, plus ``force`` and ``source_file``). Output (:func:`clean_street`): one row per kept
record in the processed-data contract, and a reconciliation per source file in which

    rows read = rows kept + rows set aside (duplicate crime id)

and the kept rows that carry a label are counted too (anti-social behaviour, no location,
outside the force area, crime without an id, LSOA not in the lookup).

Rules, each chosen so that nothing can go missing without being counted:

* **Duplicates.** A Crime ID seen before (anywhere in the inputs, in row order; the ingest
  takes files in force, then month, order) is set aside and counted against the file it was
  found in. Blank Crime IDs are never duplicates: anti-social behaviour has none by design.
  The comparison is exact: ids are hashed to find candidates fast, then compared as strings.
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
* **Which authorities belong to a force**: the packaged table
  (:func:`swp_analysis.sources.forces.packaged_forces`, read from ``reference/forces.csv``) lists
  them for the forces this project knows (keyed by the force name in the file name);
  ``force_authorities=`` adds or overrides entries. For any other force the rule is inferred
  from the data: an authority is the force's when it holds at least :data:`FALLBACK_MIN_SHARE`
  (1%) of the force's located records read (all its files). Cross-border records are a handful per
  month (1 in 2,800 in Cumbria's), so they fall far below it; an authority that small inside a
  force (the Isles of Scilly in Devon and Cornwall) would be misread, and the fix is an entry in
  the table. The rule used for each force is returned (``CleanResult.forces``) and recorded in
  the manifest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from swp_analysis import periods
from swp_analysis.errors import InputError
from swp_analysis.sources.forces import packaged_forces
from swp_analysis.sources.policeuk import ANTI_SOCIAL_BEHAVIOUR

FALLBACK_MIN_SHARE = 0.01
"""For a force not in the table: the share of its located records that makes an authority its."""

LOCATION_STATUSES: tuple[str, ...] = ("ok", "no_location", "outside_force_area")

PROCESSED_COLUMNS: tuple[str, ...] = (
    "crime_id",
    "month",
    "fiscal_year",
    "force",
    "area",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "last_outcome",
    "longitude",
    "latitude",
    "is_asb",
    "location_status",
    "ward_code",
    "ward",
)
"""The processed table: the contract's twelve columns, the label, the ward (from the lookup)."""

SET_ASIDE_REASONS: tuple[str, ...] = ("duplicate_crime_id",)
LABELS: tuple[str, ...] = (
    "anti_social_behaviour",
    "no_location",
    "outside_force_area",
    "no_crime_id",
    "lsoa_not_in_lookup",
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

    :func:`swp_analysis.periods.fiscal_year` applied once per distinct month (a national year
    has twelve), then spread to the rows by code.
    """
    s = pd.Series(month).astype("category")
    labels = [periods.fiscal_year(pd.Timestamp(m)) for m in s.cat.categories]
    return pd.Series(_recode(s.cat.codes.to_numpy(), labels), index=s.index, name="fiscal_year")


def _remap(codes: np.ndarray, values: list) -> tuple[np.ndarray, list]:
    """Codes and sorted categories of ``values[codes]`` (missing for code -1 or value None).

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


@dataclass
class IdHashes:
    """64-bit hashes of the non-blank ids of one column, and where those ids are."""

    n: int
    """Rows in the column, blank ones included."""
    rows: np.ndarray
    """Row of each non-blank id."""
    hashes: np.ndarray
    ids: pa.ChunkedArray


def hash_ids(ids: pd.Series | pa.Array | pa.ChunkedArray) -> IdHashes:
    """Hash each non-blank id (blank ids are never duplicates: ASB has none by design).

    Crime IDs are 64 hex characters, so the fast path reads each as eight 64-bit words straight
    from the Arrow buffers and mixes them with numpy; ids of other lengths are hashed by
    :func:`pandas.util.hash_array`. Equal ids always get equal hashes; different ids almost
    never do, and :func:`duplicates_of` compares the rare equal hashes byte for byte.
    """
    chunked = _as_chunked_strings(ids)
    rows, hashes = [], []
    start = 0
    for chunk in chunked.chunks:
        valid = chunk.is_valid().to_numpy(zero_copy_only=False) if chunk.null_count else None
        rows.append(start + (np.flatnonzero(valid) if valid is not None else np.arange(len(chunk))))
        words = _fixed_width_words(chunk)
        if words is not None:
            hashes.append(_hash_words(words))
        else:
            values = chunk.drop_null().to_numpy(zero_copy_only=False).astype(object)
            hashes.append(pd.util.hash_array(values, categorize=False))
        start += len(chunk)
    empty = np.zeros(0, dtype=np.int64)
    return IdHashes(
        n=len(chunked),
        rows=np.concatenate(rows) if rows else empty,
        hashes=np.concatenate(hashes) if hashes else empty.astype(np.uint64),
        ids=chunked,
    )


def duplicates_of(parts: list[IdHashes]) -> list[np.ndarray]:
    """For each part, True on each id already seen earlier (in that part or an earlier one).

    The hashes of all parts are sorted together; only ids whose hash repeats are compared as
    strings, in row order, so the first occurrence is kept and a hash collision can never
    drop a record. About a quarter of a second for six million ids.
    """
    return _duplicates_sorted(parts)[0]


def _duplicates_sorted(parts: list[IdHashes]) -> tuple[list[np.ndarray], np.ndarray]:
    """:func:`duplicates_of`, and the parts' hashes together, sorted (one sort serves both)."""
    masks = [np.zeros(p.n, dtype=bool) for p in parts]
    if not parts:
        return masks, np.zeros(0, dtype=np.uint64)
    h = np.concatenate([p.hashes for p in parts]) if len(parts) > 1 else parts[0].hashes
    if len(h) < 2:
        return masks, np.array(h, dtype=np.uint64)
    order = np.argsort(h)
    ordered = h[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return masks, ordered
    bounds = np.cumsum([0] + [len(p.hashes) for p in parts])
    repeated = np.zeros(len(h), dtype=bool)
    repeated[1:] |= same
    repeated[:-1] |= same
    candidates = np.sort(order[repeated])  # positions among all non-blank ids, in input order
    part_of = np.searchsorted(bounds, candidates, side="right") - 1
    values: list = []
    for k in np.unique(part_of):
        local = candidates[part_of == k] - bounds[k]
        values += parts[k].ids.take(pa.array(parts[k].rows[local])).to_pylist()
    again = pd.Series(values, dtype=object).duplicated(keep="first").to_numpy()
    for k, position in zip(part_of[again], candidates[again], strict=True):
        masks[k][parts[k].rows[position - bounds[k]]] = True
    return masks, ordered


class SeenIds:
    """Duplicate detection one block at a time, remembering every id of the earlier blocks.

    :meth:`add` gives, for a block of parts (files), the same masks :func:`duplicates_of` would
    give for all blocks at once: an id is a duplicate when it appeared earlier in the block or
    in any earlier block. Earlier hashes are kept as a few sorted runs (merged like a binary
    counter) behind a 16 MB table of hash prefixes that rules most new ids out at once; an id
    whose hash was seen before is compared, as a string, with the earlier ids of that hash, so
    the answer stays exact.
    """

    _PREFIX_BITS = 24

    def __init__(self) -> None:
        self._prefix = np.zeros(1 << self._PREFIX_BITS, dtype=bool)
        self._runs: list[np.ndarray] = []
        self._parts: list[IdHashes] = []

    def add(self, parts: list[IdHashes]) -> list[np.ndarray]:
        masks, ordered = _duplicates_sorted(parts)  # the block's hashes, sorted once
        if not parts:
            return masks
        if not len(ordered):
            self._parts += parts
            return masks
        prefix = ordered >> np.uint64(64 - self._PREFIX_BITS)
        if self._runs:
            maybe = self._prefix[prefix]
            if maybe.any():
                queries = ordered[maybe]  # sorted queries walk each run in one direction
                seen = np.zeros(len(queries), dtype=bool)
                for run in self._runs:
                    at = np.searchsorted(run, queries)
                    np.minimum(at, len(run) - 1, out=at)
                    seen |= run[at] == queries
                if seen.any():
                    h = np.concatenate([p.hashes for p in parts])
                    self._mark_seen_before(parts, h, np.unique(queries[seen]), masks)
        self._prefix[prefix] = True
        self._runs.append(ordered)
        while len(self._runs) > 1 and len(self._runs[-2]) <= len(self._runs[-1]):
            newer, older = self._runs.pop(), self._runs.pop()
            merged = np.concatenate([older, newer])
            merged.sort(kind="stable")  # two sorted runs: timsort merges them in linear time
            self._runs.append(merged)
        self._parts += parts
        return masks

    def _mark_seen_before(
        self, parts: list[IdHashes], h: np.ndarray, hit_hashes: np.ndarray, masks: list[np.ndarray]
    ) -> None:
        def having(hashes: np.ndarray) -> np.ndarray:
            where = np.minimum(np.searchsorted(hit_hashes, hashes), len(hit_hashes) - 1)
            return hit_hashes[where] == hashes

        earlier: set = set()
        for p in self._parts:
            same = having(p.hashes)
            if same.any():
                earlier.update(p.ids.take(pa.array(p.rows[same])).to_pylist())
        hit = having(h)
        bounds = np.cumsum([0] + [len(p.hashes) for p in parts])
        for k, part in enumerate(parts):
            local = np.flatnonzero(hit[bounds[k] : bounds[k + 1]])
            if len(local):
                values = part.ids.take(pa.array(part.rows[local])).to_pylist()
                again = np.array([v in earlier for v in values], dtype=bool)
                masks[k][part.rows[local[again]]] = True


def duplicated_ids(ids: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True for each non-blank id seen earlier in ``ids`` (the first occurrence is not flagged)."""
    return duplicates_of([hash_ids(ids)])[0]


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
    if not pa.types.is_string(ids.type):
        ids = ids.cast(pa.string())
    return ids


# --------------------------------------------------------------------------------------------
# areas and force authorities


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
            area = _LSOA_SUFFIX.sub("", name)
            self._name_area[name] = area = None if area == name or not area.strip() else area
            return area

    def resolve(
        self, code_codes: np.ndarray, code_cats: list, name_codes: np.ndarray, name_cats: list
    ) -> dict:
        """Row codes and categories of area, ward code and ward, and the rows not in the lookup.

        Raises :class:`_BadName` (carrying the name's index) for an LSOA name without a code.
        """
        name_areas = []
        for i, name in enumerate(name_cats):
            area = self.name_area(name)
            if area is None:
                raise _BadName(i)
            name_areas.append(area)
        area_codes, area_cats = _remap(name_codes, name_areas)
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
        lad_codes, lad_cats = _remap(code_codes, [r[0] if r else None for r in rows])
        out["ward_code"] = _remap(code_codes, [r[1] if r else None for r in rows])
        out["ward"] = _remap(code_codes, [r[2] if r else None for r in rows])
        out["not_in_lookup"] = (lad_codes < 0) & (code_codes >= 0)
        # one set of categories for both sources of the area; the lookup's wins where it has one
        union = sorted(set(lad_cats) | set(area_cats))
        at = {a: i for i, a in enumerate(union)}
        from_lad = np.array([at[a] for a in lad_cats] + [-1], dtype=np.int32)[lad_codes]
        from_name = np.array([at[a] for a in area_cats] + [-1], dtype=np.int32)[area_codes]
        out["area"] = (np.where(lad_codes >= 0, from_lad, from_name).astype(np.int32), union)
        return out


class _BadName(Exception):
    def __init__(self, index: int) -> None:
        self.index = index


def area_counts(table: pa.Table, areas: Areas) -> Counter:
    """Located records per (force, area) in a table of raw records: the fallback rule's input."""
    forces = _distinct_strings(table.column("force"))
    if len(forces) == 1 and areas.by_code is None:
        return areas_of_names(forces[0], name_counts(table), areas)
    force_codes, force_cats = _codes_of(_as_dictionary(table.column("force")))
    code_codes, code_cats = _codes_of(_as_dictionary(table.column("LSOA code")))
    name_codes, name_cats = _codes_of(_as_dictionary(table.column("LSOA name")))
    try:
        resolved = areas.resolve(code_codes, code_cats, name_codes, name_cats)
    except _BadName:
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
    names = _as_dictionary(table.column("LSOA name"))
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
    ``force_authorities``: force -> authority names, over the packaged table.

    The same three steps as the ingest, which runs them file by file: find the duplicates
    (:func:`duplicates_of`), decide each force's authorities (:func:`decide_forces`), then
    clean (:func:`clean_block`).
    """
    table = raw if isinstance(raw, pa.Table) else pa.Table.from_pandas(raw, preserve_index=False)
    _check_columns(table)
    areas = Areas(lookup)
    duplicate = duplicated_ids(table.column("Crime ID"))
    forces = decide_forces(
        _distinct_strings(table.column("force")), area_counts(table, areas), force_authorities
    )
    out, recon = clean_block(table, duplicate, forces, areas)
    return CleanResult(out, recon, forces)


def clean_block(
    table: pa.Table, duplicate: np.ndarray, forces: Mapping[str, Mapping], areas: Areas
) -> tuple[pa.Table, pd.DataFrame]:
    """Clean one block of raw records, given which are duplicates and each force's authorities.

    Returns the kept rows (columns :data:`PROCESSED_COLUMNS`; every string column a dictionary
    with int32 indices, so blocks share one schema) and the block's reconciliation by file.
    """
    _check_columns(table)
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
    month_dates = (
        pd.to_datetime(pd.Index(month_cats, dtype="str"), format="%Y-%m").to_numpy().astype("datetime64[D]")
    )
    fiscal_labels = [periods.fiscal_year(pd.Timestamp(m)) for m in month_dates]

    code_arr = _as_dictionary(table.column("LSOA code"))
    name_arr = _as_dictionary(table.column("LSOA name"))
    code_codes, code_cats = _codes_of(code_arr)
    name_codes, name_cats = _codes_of(name_arr)
    try:
        resolved = areas.resolve(code_codes, code_cats, name_codes, name_cats)
    except _BadName as bad:
        raise located_error(
            name_codes,
            bad.index,
            "holds an LSOA name without its code.",
            "LSOA name",
            repr(name_cats[bad.index]),
        ) from None
    area_codes, area_cats = resolved["area"]
    not_in_lookup = resolved["not_in_lookup"]

    type_arr = _as_dictionary(table.column("Crime type"))
    type_codes, type_cats = _codes_of(type_arr)
    asb_code = type_cats.index(ANTI_SOCIAL_BEHAVIOUR) if ANTI_SOCIAL_BEHAVIOUR in type_cats else -2
    is_asb = type_codes == asb_code

    force_arr = _as_dictionary(table.column("force"))
    force_codes, force_cats = _codes_of(force_arr)
    located = area_codes >= 0
    width = len(area_cats) + 1  # the last column stands for "no area"
    safe_area = np.where(located, area_codes, len(area_cats))
    # status of each (force, area) pair: 0 ok, 2 outside the force's area; "no area" is 1
    status_of_pair = np.ones((len(force_cats), width), dtype=np.int8)
    for i, force in enumerate(force_cats):
        own = set(forces[force]["authorities"]) if force in forces else set()
        status_of_pair[i, : len(area_cats)] = [0 if a in own else 2 for a in area_cats]
    status_codes = status_of_pair.reshape(-1)[force_codes.astype(np.int64) * width + safe_area]

    # Duplicates are dropped from the row codes before any dictionary array is built, so each
    # dictionary column is one array (one chunk for the parquet writer); the plain columns
    # lose them as zero-copy slices around the few dropped rows.
    dropped = np.flatnonzero(duplicate) if duplicate.any() else None

    def kept(values: np.ndarray) -> np.ndarray:
        return values if dropped is None else values[keep]

    def kept_plain(col: pa.ChunkedArray) -> pa.ChunkedArray:
        return col if dropped is None else _without_rows(pa.table({"c": col}), dropped).column(0)

    month_kept = kept(month_codes)
    out = pa.table(
        {
            "crime_id": kept_plain(crime_id),
            "month": pa.array(month_dates[month_kept], pa.date32()),
            "fiscal_year": _dictionary(*_remap(month_kept, fiscal_labels)),
            "force": _dictionary(*_remap(kept(force_codes), force_cats)),
            "area": _dictionary(kept(area_codes), area_cats),
            "lsoa_code": _dictionary(kept(code_codes), code_cats),
            "lsoa_name": _dictionary(kept(name_codes), name_cats),
            "crime_type": _dictionary(kept(type_codes), type_cats),
            "last_outcome": _dictionary(
                *_kept_codes(_codes_of(_as_dictionary(table.column("Last outcome category"))), kept)
            ),
            "longitude": kept_plain(table.column("Longitude").cast(pa.float64())),
            "latitude": kept_plain(table.column("Latitude").cast(pa.float64())),
            "is_asb": pa.array(kept(is_asb)),
            "location_status": _dictionary(kept(status_codes), list(LOCATION_STATUSES)),
            "ward_code": _dictionary(*_kept_codes(resolved["ward_code"], kept)),
            "ward": _dictionary(*_kept_codes(resolved["ward"], kept)),
        }
    )

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
    return out, recon


def _kept_codes(codes_cats: tuple[np.ndarray, list], kept) -> tuple[np.ndarray, list]:
    codes, cats = codes_cats
    return kept(codes), cats


def _check_columns(table: pa.Table) -> None:
    missing = [c for c in _NEEDED if c not in table.column_names]
    if missing:
        raise ValueError(f"clean_street needs the columns {', '.join(missing)} (read_street adds 'force')")


def _distinct_strings(col: pa.ChunkedArray) -> list[str]:
    return [v for v in _as_dictionary(col).dictionary.to_pylist() if v is not None]


def processed_frame(table: pa.Table) -> pd.DataFrame:
    """The processed Arrow table as pandas: ``month`` datetime64, strings as categoricals with
    sorted categories (``location_status`` in its fixed order), ``crime_id`` a string column."""
    df = table.to_pandas(date_as_object=False)
    df["month"] = df["month"].astype("datetime64[s]")
    for column in df.columns:
        if isinstance(df[column].dtype, pd.CategoricalDtype):
            cats = (
                list(LOCATION_STATUSES) if column == "location_status" else sorted(df[column].cat.categories)
            )
            if list(df[column].cat.categories) != cats:
                df[column] = df[column].cat.set_categories(cats)
    return df


INPUT_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Longitude",
    "Latitude",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
)
"""The published columns the processed table is made from; the others are checked, not kept."""
_NEEDED = (*INPUT_COLUMNS, "force")


def _valid(col: pa.ChunkedArray) -> np.ndarray:
    return (
        np.concatenate([c.is_valid().to_numpy(zero_copy_only=False) for c in col.chunks])
        if col.num_chunks
        else np.zeros(0, bool)
    )


def _as_dictionary(col: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray:
    """One dictionary array for a column, dictionary-encoded or not (chunk dictionaries unified)."""
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
    pieces = [table.slice(int(a), int(b - a)) for a, b in zip(starts, ends, strict=True) if b > a]
    return pa.concat_tables(pieces) if pieces else table.slice(0, 0)


def _codes_of(arr: pa.DictionaryArray) -> tuple[np.ndarray, list]:
    """Row codes (-1 for null) and the dictionary's values."""
    indices = arr.indices
    codes = (pc.fill_null(indices, -1) if indices.null_count else indices).to_numpy(zero_copy_only=False)
    return codes.astype(np.int32, copy=False), arr.dictionary.to_pylist()


def _dictionary(codes: np.ndarray, cats: list) -> pa.DictionaryArray:
    """A dictionary array with int32 indices (one schema whatever the number of categories)."""
    mask = codes < 0
    indices = pa.array(codes.astype(np.int32, copy=False), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(indices, pa.array(cats, pa.string()))
