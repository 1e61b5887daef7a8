"""Duplicate Crime IDs: which records repeat an id seen before, exactly and fast.

A Crime ID seen before (anywhere in the inputs, in row order) marks a duplicate; the first
occurrence is kept. Blank ids are never duplicates: anti-social behaviour has none by design.
Ids are hashed to find candidates fast (:func:`hash_ids`), then the rare equal hashes are
compared as strings, so a hash collision can never drop a record. :func:`duplicates_of` works
on everything at once; :class:`SeenIds` one block at a time, as the ingest streams files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa


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
    """True for each non-blank id seen earlier in ``ids`` (the first occurrence is not flagged).

    >>> duplicated_ids(pa.array(["a", None, "a", None, "b"])).tolist()
    [False, False, True, False, False]
    """
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
