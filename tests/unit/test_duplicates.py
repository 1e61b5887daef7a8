"""Duplicate Crime IDs (swp_analysis.duplicates), checked against a plain loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from swp_analysis import duplicates

# --------------------------------------------------------------------------------------------
# duplicates


def _naive_duplicates(ids: list[str | None]) -> list[bool]:
    seen: set[str] = set()
    out = []
    for i in ids:
        out.append(i is not None and i in seen)
        if i is not None:
            seen.add(i)
    return out


hex64 = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["a" * 64, "b" * 64, "c" * 64]), hex64), max_size=60),
    st.integers(min_value=1, max_value=5),
)
def test_duplicated_ids_matches_a_plain_loop(ids, chunks):
    size = max(1, len(ids) // chunks)
    parts = [pa.array(ids[i : i + size], pa.string()) for i in range(0, len(ids), size)] or [
        pa.array([], pa.string())
    ]
    got = duplicates.duplicated_ids(pa.chunked_array(parts, type=pa.string()))
    assert got.tolist() == _naive_duplicates(ids)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=5)), max_size=40))
def test_duplicated_ids_of_any_length(ids):
    got = duplicates.duplicated_ids(pd.Series(ids, dtype="str"))
    assert got.tolist() == _naive_duplicates(ids)


def test_duplicated_ids_hash_collisions_never_drop_a_record(monkeypatch):
    # every id hashes alike: the byte-for-byte comparison must still tell them apart
    monkeypatch.setattr(duplicates, "_hash_words", lambda words: np.zeros(len(words), dtype=np.uint64))
    ids = ["a" * 64, "b" * 64, "a" * 64, None, "c" * 64]
    assert duplicates.duplicated_ids(pa.array(ids)).tolist() == [False, False, True, False, False]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["a" * 64, "b" * 64, "c" * 64, "d" * 64])), max_size=50),
    st.lists(st.integers(min_value=0, max_value=50), max_size=6),
    st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=10),
)
def test_seen_ids_block_by_block_equals_all_at_once(ids, cuts, steps):
    edges = sorted({0, len(ids), *[c for c in cuts if c <= len(ids)]})
    parts = [
        duplicates.hash_ids(pa.array(ids[a:b], pa.string())) for a, b in zip(edges, edges[1:], strict=False)
    ]
    seen, got, k = duplicates.SeenIds(), [], 0
    while k < len(parts):
        step = steps[k % len(steps)]
        got += seen.add(parts[k : k + step])
        k += step
    flat = np.concatenate(got) if got else np.zeros(0, bool)
    assert flat.tolist() == _naive_duplicates(ids)
