"""Disclosure control: primary and secondary suppression of small counts (ONS practice).

Counts of 1 to 4 in any breakdown below the whole area could identify a victim, so they are
shown as ``"*"``; further cells are then suppressed so that no ``"*"`` can be worked back out
from the totals a table publishes. ``docs/methods.md`` sets out the rule.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

from swp_analysis.stats import is_missing

if TYPE_CHECKING:  # pragma: no cover - annotations only
    import pandas as pd

__all__ = ["SUPPRESSED", "THRESHOLD", "publishable_breakdown", "suppress"]

SUPPRESSED = "*"
#: Counts below this (and above zero) are suppressed.
THRESHOLD = 5


def suppress(table: pd.DataFrame | pd.Series, threshold: int = THRESHOLD) -> pd.DataFrame | pd.Series:
    """Disclosure control for a breakdown below the whole area (ONS practice; methods.md).

    Primary suppression: counts from 1 to ``threshold - 1`` are shown as "*". Zero stays 0.

    Secondary suppression, so no "*" can be worked out exactly from the row and column
    totals (which are assumed published, e.g. the area total by crime type):

    1. While some row or column (of two or more cells) holds exactly one "*", also
       suppress the smallest non-zero unsuppressed cell in it; but first prefer a cell
       whose crossing line also holds a lone "*" (one extra "*" then protects two lines),
       then the first in reading order among equal values; a zero only if no non-zero
       cell is left. Do the same where a line's "*" cells add up to no more than their number
       (two 1s: a reader who takes every "*" to be at least 1 would know each is 1).
    2. Then, in a two-way table, a "*" can still be recovered when it is a *bridge* in the
       graph whose nodes are rows and columns and whose edges are the "*" cells (e.g. two
       blocks of "*" joined through one cell). For each bridge, suppress the smallest cell
       joining the two sides, which puts the bridge on a cycle. Back to step 1 until
       neither step changes anything.

    A cell is recoverable from the totals exactly when it lies on no cycle of that graph
    (the cycles are the only ways to shift values among "*" cells and keep every total),
    so at the end no "*" can be recovered by differencing within this table.

    Returns a copy of object dtype (counts as ints, "*" for suppressed); never mutates
    ``table`` and never shows a suppressed cell as 0. Pass the cells only, not a totals row
    or column. Every cell must be a whole, non-negative count; ValueError names the first
    that is not.
    """
    import numpy as np
    import pandas as pd

    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Integral):
        raise ValueError(f"threshold must be a whole number; found {threshold!r}")
    if threshold < 1:
        raise ValueError(f"threshold must be 1 or more; found {threshold}")

    if isinstance(table, pd.Series):
        frame = table.to_frame()
    elif isinstance(table, pd.DataFrame):
        frame = table
    else:
        raise TypeError(f"expected a pandas DataFrame or Series; found {type(table).__name__}")

    values = np.zeros(frame.shape, dtype=np.int64)
    raw = frame.to_numpy(dtype=object)
    for i in range(raw.shape[0]):
        for j in range(raw.shape[1]):
            values[i, j] = _whole_count(raw[i, j], frame.index[i], frame.columns[j])

    mask = _suppression_mask(values, int(threshold))
    out = raw.copy()
    for i in range(raw.shape[0]):
        for j in range(raw.shape[1]):
            out[i, j] = SUPPRESSED if mask[i, j] else int(values[i, j])

    result = pd.DataFrame(out, index=frame.index.copy(), columns=frame.columns.copy(), dtype=object)
    if isinstance(table, pd.Series):
        return result.iloc[:, 0].rename(table.name)
    return result


def publishable_breakdown(counts: pd.Series, threshold: int = THRESHOLD) -> pd.DataFrame:
    """A breakdown of a published total (crime types of an area's total, say) as it may be shown:
    columns ``count``, ``share`` (0..1) and ``rank`` (1 = largest), with the count, share and rank
    of every suppressed row shown as "*" (a share or rank would give the count back).

    Rows are ordered largest first, as :func:`swp_analysis.stats.rank_contributors` orders them.
    The total itself is published (it is the sum of ``counts``), so suppression treats the
    column as a line with a total (secondary suppression).

    >>> import pandas as pd
    >>> publishable_breakdown(pd.Series({"a": 40, "b": 9, "c": 2}))["count"].tolist()
    [40, '*', '*']
    """
    from swp_analysis.stats import rank_contributors

    table = rank_contributors(counts)
    hidden = suppress(table["count"], threshold) == SUPPRESSED
    out = table.astype(object)
    out.loc[hidden, ["count", "share", "rank"]] = SUPPRESSED
    return out


def _whole_count(x: Any, row: Any, column: Any) -> int:
    where = f"row {row!r}, column {column!r}"
    if is_missing(x):
        raise ValueError(f"suppress needs every cell; {where} is missing. Fill true zeros with 0 first")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ValueError(f"suppress needs counts; {where} holds {x!r}")
    value = float(x)
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise ValueError(f"suppress needs whole counts of 0 or more; {where} holds {x!r}")
    return int(value)


def _suppression_mask(values: Any, threshold: int) -> Any:
    """Boolean array of cells to suppress (see :func:`suppress` for the rule)."""
    import numpy as np

    n_rows, n_cols = values.shape
    mask = (values >= 1) & (values < threshold)
    # A line of one cell has no separate total to difference against.
    lines: list[tuple[str, int]] = []
    if n_cols >= 2:
        lines += [("row", i) for i in range(n_rows)]
    if n_rows >= 2:
        lines += [("col", j) for j in range(n_cols)]

    def cells(line: tuple[str, int]) -> list[tuple[int, int]]:
        kind, k = line
        return [(k, j) for j in range(n_cols)] if kind == "row" else [(i, k) for i in range(n_rows)]

    def crossing_has_lone_star(cell: tuple[int, int], kind: str) -> bool:
        i, j = cell
        crossing = mask[:, j] if kind == "row" else mask[i, :]
        return len(crossing) >= 2 and int(crossing.sum()) == 1

    def pick(candidates: list[tuple[int, int]], kind: str | None) -> tuple[int, int]:
        def key(cell: tuple[int, int]) -> tuple[bool, bool, int, tuple[int, int]]:
            value = int(values[cell])
            fixes_two = bool(kind) and crossing_has_lone_star(cell, kind)
            return (value == 0, not fixes_two, value, cell)

        return min(candidates, key=key)

    while True:
        changed = False
        for line in lines:  # step 1: a lone "*" in a line, or stars whose sum only ones can make
            line_cells = cells(line)
            starred = [c for c in line_cells if mask[c]]
            free = [c for c in line_cells if not mask[c]]
            thin = len(starred) >= 2 and sum(int(values[c]) for c in starred) <= len(starred)
            if free and (len(starred) == 1 or thin):
                mask[pick(free, line[0])] = True
                changed = True
                break
        if changed:
            continue
        if n_rows >= 2 and n_cols >= 2:  # step 2: bridges in the row-column graph
            bridges = _bridges(mask)
            if bridges:
                i, j = bridges[0]
                side_of_row = _component_without(mask, (i, j))
                candidates = [
                    (r, c)
                    for r in range(n_rows)
                    for c in range(n_cols)
                    if not mask[r, c]
                    and side_of_row.get(("r", r)) is not None
                    and side_of_row.get(("c", c)) is not None
                    and side_of_row[("r", r)] != side_of_row[("c", c)]
                ]
                if not candidates:  # cannot happen after step 1; suppress all to be safe
                    candidates = [tuple(x) for x in np.argwhere(~mask)]
                mask[pick(candidates, None)] = True
                continue
        return mask


def _bridges(mask: Any) -> list[tuple[int, int]]:
    """The "*" cells that are bridges of the bipartite row-column graph (Tarjan 1974),
    in reading order. Iterative, so large tables cannot hit the recursion limit."""
    n_rows, n_cols = mask.shape
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], tuple[int, int]]]] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            if mask[i, j]:
                adjacency.setdefault(("r", i), []).append((("c", j), (i, j)))
                adjacency.setdefault(("c", j), []).append((("r", i), (i, j)))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    found: list[tuple[int, int]] = []
    counter = 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for nxt, edge in neighbours:
                if edge == via:
                    continue
                if nxt not in order:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, iter(adjacency[nxt])))
                    advanced = True
                    break
                low[node] = min(low[node], order[nxt])
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    found.append(via)
    return sorted(found)


def _component_without(mask: Any, bridge: tuple[int, int]) -> dict[tuple[str, int], int]:
    """Side (0 or 1) of each node in the bridge's component once the bridge is removed."""
    n_rows, n_cols = mask.shape
    i0, j0 = bridge
    side: dict[tuple[str, int], int] = {}
    for start, label in ((("r", i0), 0), (("c", j0), 1)):
        side[start] = label
        todo = [start]
        while todo:
            kind, k = todo.pop()
            if kind == "r":
                nbrs = [("c", j) for j in range(n_cols) if mask[k, j] and (k, j) != bridge]
            else:
                nbrs = [("r", i) for i in range(n_rows) if mask[i, k] and (i, k) != bridge]
            for nb in nbrs:
                if nb not in side:
                    side[nb] = label
                    todo.append(nb)
    return side
