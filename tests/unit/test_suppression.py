"""Tests for swp_analysis.suppression.

Expected values come from published worked examples (cited beside each), from the reference
report (`../shared/reference/swp-annual-report-2017-19.txt`, quoted by line), or are computed
here independently of the function under test (a different algebraic form, a different scipy
routine, or a root-finder). None is pasted from the function's own output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from swp_analysis import suppression
from swp_analysis.suppression import suppress

# ------------------------------------------------------------------------------------------
# disclosure control
# ------------------------------------------------------------------------------------------


def recoverable_cells(shape: tuple[int, int], starred: set[tuple[int, int]]) -> set:
    """Starred cells whose value the published totals pin down exactly.

    Independent of the module's graph method: write every row total (for rows of 2+ cells)
    and column total (for columns of 2+ cells) as a linear equation in the starred cells'
    unknown values. A cell is determined exactly when its unit vector lies in the row space
    of that system, i.e. appending it does not raise the matrix rank.
    """
    n_rows, n_cols = shape
    unknowns = sorted(starred)
    if not unknowns:
        return set()
    equations = []
    if n_cols >= 2:
        equations += [[1.0 if cell[0] == i else 0.0 for cell in unknowns] for i in range(n_rows)]
    if n_rows >= 2:
        equations += [[1.0 if cell[1] == j else 0.0 for cell in unknowns] for j in range(n_cols)]
    system = np.array(equations, dtype=float).reshape(-1, len(unknowns))
    base_rank = np.linalg.matrix_rank(system) if system.size else 0
    found = set()
    for k, cell in enumerate(unknowns):
        unit = np.zeros((1, len(unknowns)))
        unit[0, k] = 1.0
        if np.linalg.matrix_rank(np.vstack([system, unit])) == base_rank:
            found.add(cell)
    return found


def starred_cells(result: pd.DataFrame | pd.Series) -> set[tuple[int, int]]:
    frame = result.to_frame() if isinstance(result, pd.Series) else result
    values = frame.to_numpy(dtype=object)
    return {
        (i, j)
        for i in range(values.shape[0])
        for j in range(values.shape[1])
        if isinstance(values[i, j], str) and values[i, j] == "*"
    }


def test_checker_finds_recoverable_cells():
    # So that a passing property test means something: the checker must catch both a lone
    # "*" in a row and a bridge between two otherwise safe blocks of "*".
    assert recoverable_cells((2, 3), {(0, 0)}) == {(0, 0)}
    assert recoverable_cells((3, 1), {(0, 0)}) == {(0, 0)}  # a Series: total minus the rest
    assert recoverable_cells((2, 2), {(0, 0), (0, 1), (1, 0), (1, 1)}) == set()
    blocks = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 3), (2, 4), (3, 3), (3, 4)}
    assert recoverable_cells((4, 5), blocks) == set()
    assert recoverable_cells((4, 5), blocks | {(1, 3)}) == {(1, 3)}


def test_suppress_two_way_table():
    table = pd.DataFrame(
        [[2, 10, 20], [15, 30, 3], [40, 50, 60]], index=["x", "y", "z"], columns=["A", "B", "C"]
    )
    before = table.copy()
    result = suppress(table)
    pd.testing.assert_frame_equal(table, before)  # input untouched
    assert result.dtypes.tolist() == [object, object, object]
    assert result.index.tolist() == ["x", "y", "z"]
    # Primary: 2 and 3. Row x's lone "*" needs a partner; C (20) also fixes column C's lone
    # "*", and A (15) in row y then fixes both row y and column A: four "*" in a rectangle.
    expected = [["*", 10, "*"], ["*", 30, "*"], [40, 50, 60]]
    assert result.to_numpy().tolist() == expected
    assert recoverable_cells(table.shape, starred_cells(result)) == set()


def test_suppress_breaks_a_bridge_the_simple_rule_misses():
    # Two 2x2 blocks of small counts joined through one small count at (1, 3): every row
    # and column holds two or more "*", yet (1, 3) = row 1's total minus the rest of its
    # block, worked out from the block's row and column totals.
    table = pd.DataFrame([[1, 2, 50, 60, 70], [3, 4, 90, 2, 90], [50, 60, 70, 1, 2], [80, 90, 100, 3, 4]])
    primary = {(i, j) for i in range(4) for j in range(5) if 1 <= table.iat[i, j] <= 4}
    assert recoverable_cells(table.shape, primary) == {(1, 3)}
    result = suppress(table)
    assert recoverable_cells(table.shape, starred_cells(result)) == set()
    # One extra cell closes the loop: the smallest that joins the two blocks, (2, 0) = 50.
    assert starred_cells(result) == primary | {(2, 0)}


def test_suppress_series():
    counts = pd.Series({"Bilston": 3, "Wednesfield": 10, "Tettenhall": 20, "Heath Town": 0}, name="robbery")
    result = suppress(counts)
    assert isinstance(result, pd.Series) and result.name == "robbery"
    assert result.dtype == object
    # 3 is primary; the total is published, so the next smallest non-zero (10) goes too;
    # zero stays 0.
    assert result.to_dict() == {
        "Bilston": "*",
        "Wednesfield": "*",
        "Tettenhall": 20,
        "Heath Town": 0,
    }


def test_suppress_leaves_safe_tables_alone():
    table = pd.DataFrame({"a": [0, 5, 12], "b": [7, 0, 30]})
    result = suppress(table)
    assert result.to_numpy().tolist() == [[0, 7], [5, 0], [12, 30]]


def test_suppress_threshold_parameter():
    counts = pd.Series([7, 8, 100])
    assert suppress(counts).tolist() == [7, 8, 100]
    assert suppress(counts, threshold=10).tolist() == ["*", "*", 100]


def test_suppress_single_row_and_single_column_tables():
    row = pd.DataFrame([[2, 9, 40]])
    assert row.iloc[0].tolist() == [2, 9, 40]
    assert suppress(row).iloc[0].tolist() == ["*", "*", 40]
    column = pd.DataFrame({"n": [2, 9, 40]})
    assert suppress(column)["n"].tolist() == ["*", "*", 40]
    assert suppress(pd.Series([3])).tolist() == ["*"]  # a single cell has no separate total


def test_suppress_uses_zero_only_as_last_resort():
    # Row 0's only other cells are 0: suppressing a 0 is the only way to hide the 2.
    table = pd.DataFrame([[2, 0], [10, 20]])
    result = suppress(table)
    assert recoverable_cells(table.shape, starred_cells(result)) == set()
    assert result.iat[0, 0] == "*"


@pytest.mark.parametrize(
    "bad",
    [
        pd.DataFrame({"a": [1.0, float("nan")]}),
        pd.DataFrame({"a": [1, -2]}),
        pd.DataFrame({"a": [1.5, 2]}),
        pd.DataFrame({"a": ["x", 2]}),
        pd.Series([1, None], dtype="Int64"),
    ],
)
def test_suppress_refuses_non_counts(bad):
    with pytest.raises(ValueError):
        suppress(bad)


def test_suppress_refuses_bad_threshold():
    with pytest.raises(ValueError):
        suppress(pd.Series([1, 2]), threshold=0)


small_tables = st.integers(1, 6).flatmap(
    lambda r: st.integers(1, 6).flatmap(
        lambda c: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=c, max_size=c),
            min_size=r,
            max_size=r,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(small_tables, st.integers(1, 8))
def test_suppress_never_leaves_a_recoverable_cell(rows, threshold):
    table = pd.DataFrame(rows)
    original = table.copy()
    result = suppress(table, threshold=threshold)
    pd.testing.assert_frame_equal(table, original)
    stars = starred_cells(result)
    assert recoverable_cells(table.shape, stars) == set()
    n_rows, n_cols = table.shape
    for i in range(n_rows):
        for j in range(n_cols):
            value, shown = int(table.iat[i, j]), result.iat[i, j]
            if 1 <= value < threshold:
                assert shown == "*"  # every small count is hidden
            if shown != "*":
                assert shown == value and isinstance(shown, int)  # never altered
            if shown == 0:
                assert value == 0  # a suppressed cell is never shown as 0
    # The brief's simple rule holds too: no row or column of 2+ cells has exactly one "*".
    if n_cols >= 2:
        assert all(sum((i, j) in stars for j in range(n_cols)) != 1 for i in range(n_rows))
    if n_rows >= 2:
        assert all(sum((i, j) in stars for i in range(n_rows)) != 1 for j in range(n_cols))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=15))
def test_suppress_series_never_leaves_a_recoverable_cell(values):
    series = pd.Series(values)
    result = suppress(series)
    stars = starred_cells(result)
    assert recoverable_cells((len(values), 1), stars) == set()
    assert all((result[i] == "*") or (result[i] == v) for i, v in enumerate(values))
    assert all(result[i] == "*" for i, v in enumerate(values) if 1 <= v <= 4)


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 6), st.integers(2, 6), st.data())
def test_suppress_many_small_counts(n_rows, n_cols, data):
    # Tables dominated by small counts, where secondary suppression has to work hardest.
    rows = data.draw(
        st.lists(
            st.lists(st.integers(0, 7), min_size=n_cols, max_size=n_cols),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
    table = pd.DataFrame(rows)
    assume(((table >= 1) & (table <= 4)).to_numpy().sum() >= 2)
    result = suppress(table)
    assert recoverable_cells(table.shape, starred_cells(result)) == set()


# ------------------------------------------------------------------------------------------
# a published breakdown: counts with shares and ranks, beside a published total
# ------------------------------------------------------------------------------------------


def _feasible_values(shown: pd.DataFrame, total: int) -> list[set[int]]:
    """Every value each "*" count can take, given what is shown: the other counts, the total,
    and (the reader's best guess) that a "*" is at least 1. Worked by brute force."""
    import itertools

    starred = [i for i, c in enumerate(shown["count"]) if c == "*"]
    residual = total - sum(c for c in shown["count"] if c != "*")
    options: list[set[int]] = [set() for _ in starred]
    for combo in itertools.product(range(1, residual + 1), repeat=len(starred)):
        if sum(combo) == residual:
            for k, v in enumerate(combo):
                options[k].add(v)
    return options


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=6))
def test_no_suppressed_count_can_be_worked_back_from_a_published_breakdown(values):
    counts = pd.Series(values, index=[f"type {i}" for i in range(len(values))])
    # A breakdown made only of small counts has a small total, which would itself be withheld.
    assume((counts > 0).sum() >= 2 and counts.max() >= suppression.THRESHOLD)
    shown = suppression.publishable_breakdown(counts[counts > 0])
    for _, row in shown.iterrows():
        if row["count"] == "*":
            # a withheld count's share and rank would give it back: withheld too
            assert row["share"] == "*" and row["rank"] == "*"
        else:
            assert not 1 <= row["count"] <= 4
    for possible in _feasible_values(shown, int(counts.sum())):
        assert len(possible) >= 2, f"a '*' is recoverable from {shown.to_dict()}"


def test_two_ones_beside_a_total_are_not_left_alone():
    # 100 + 1 + 1 = 102: with only the two 1s hidden, a reader who knows a "*" is at least 1
    # would know both are 1; so the 100 is hidden too.
    shown = suppression.publishable_breakdown(pd.Series({"a": 100, "b": 1, "c": 1}))
    assert shown["count"].tolist() == ["*", "*", "*"]
