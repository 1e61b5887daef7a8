"""Dictionary-encoded columns as integer row codes: the small vectorised helpers of the cleaning.

A column of a police.uk file repeats a few thousand distinct strings over millions of rows, so
the cleaning works on each column once as a dictionary array: its indices are the row codes
(-1 for a blank) and its dictionary the categories. A rule is then applied to the categories
only and spread to the rows by code (:func:`remap`), and the result is built back into a
dictionary array (:func:`dictionary`) or a pandas categorical (:func:`recode`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def remap(codes: np.ndarray, values: list) -> tuple[np.ndarray, list]:
    """Codes and sorted categories of ``values[codes]`` (missing for code -1 or value None).

    Sorting the categories makes the result independent of the order the rows arrived in.

    >>> codes, cats = remap(np.array([0, 1, -1, 2]), ["b", "a", None])
    >>> codes.tolist(), cats
    ([1, 0, -1, -1], ['a', 'b'])
    """
    cats = sorted({v for v in values if v is not None})
    pos = {v: i for i, v in enumerate(cats)}
    table = np.array([pos[v] if v is not None else -1 for v in values] + [-1], dtype=np.int32)
    return table[codes], cats


def recode(codes: np.ndarray, values: list) -> pd.Categorical:
    """A categorical whose row ``i`` is ``values[codes[i]]``, with sorted categories.

    >>> list(recode(np.array([1, 0, 1]), ["Walsall", "Dudley"]))
    ['Dudley', 'Walsall', 'Dudley']
    """
    codes, cats = remap(codes, values)
    return pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype="str"))


def as_dictionary(col: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray:
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


def codes_of(arr: pa.DictionaryArray) -> tuple[np.ndarray, list]:
    """Row codes (-1 for null) and the dictionary's values.

    >>> codes, cats = codes_of(as_dictionary(pa.array(["x", None, "y", "x"])))
    >>> codes.tolist(), cats
    ([0, -1, 1, 0], ['x', 'y'])
    """
    indices = arr.indices
    codes = (pc.fill_null(indices, -1) if indices.null_count else indices).to_numpy(zero_copy_only=False)
    return codes.astype(np.int32, copy=False), arr.dictionary.to_pylist()


def column_codes(table: pa.Table, column: str) -> tuple[np.ndarray, list]:
    """:func:`codes_of` a table's column."""
    return codes_of(as_dictionary(table.column(column)))


def dictionary(codes: np.ndarray, cats: list) -> pa.DictionaryArray:
    """A dictionary array with int32 indices (one schema whatever the number of categories)."""
    mask = codes < 0
    indices = pa.array(codes.astype(np.int32, copy=False), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(indices, pa.array(cats, pa.string()))


def distinct_strings(col: pa.ChunkedArray) -> list[str]:
    """The distinct non-blank values of a column."""
    return [v for v in as_dictionary(col).dictionary.to_pylist() if v is not None]


def valid(col: pa.ChunkedArray) -> np.ndarray:
    """True for each row that is not blank."""
    return (
        np.concatenate([c.is_valid().to_numpy(zero_copy_only=False) for c in col.chunks])
        if col.num_chunks
        else np.zeros(0, bool)
    )


def without_rows(table: pa.Table, drop: np.ndarray) -> pa.Table:
    """``table`` without the rows at the sorted positions ``drop``, as zero-copy slices.

    Duplicates are few, so the kept rows are long runs: slicing around the dropped rows
    avoids copying every column (six million rows of Crime IDs) just to lose a handful.

    >>> without_rows(pa.table({"x": [0, 1, 2, 3]}), np.array([1, 2])).column("x").to_pylist()
    [0, 3]
    """
    starts = np.r_[0, drop + 1]
    ends = np.r_[drop, table.num_rows]
    pieces = [table.slice(int(a), int(b - a)) for a, b in zip(starts, ends, strict=True) if b > a]
    return pa.concat_tables(pieces) if pieces else table.slice(0, 0)
