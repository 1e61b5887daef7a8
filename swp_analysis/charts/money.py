"""Charts of the partnership's spending (Appendix A)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from swp_analysis import formatting

from .base import PALETTE, Chart, label_bars


def spend_by_priority(spend: pd.Series, fiscal_year: str, area: str, source: str, note: str = "") -> Chart:
    """Horizontal bars of spending by strategic priority (pounds), from zero."""
    data = spend.sort_values()

    def draw(fig: Figure, narrow: bool) -> None:
        ax = fig.add_subplot()
        ax.barh(list(data.index), list(data.values), color=PALETTE[2])
        label_bars(ax, list(data.values), [formatting.fmt_gbp(v) for v in data.values])
        ax.set_xlabel("Expenditure (pounds)")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"£{v:,.0f}"))
        ax.set_xlim(left=0)
        ax.margins(x=0.35 if narrow else 0.2)
        if narrow:
            ax.tick_params(axis="x", labelrotation=30)

    parts = [f"{p} {formatting.fmt_gbp(v)}" for p, v in data.sort_values(ascending=False).items()]
    return Chart(
        draw,
        f"{data.index[-1]} had the largest share of spending in {fiscal_year}",
        f"Expenditure by strategic priority, {area}, {fiscal_year}",
        f"Horizontal bar chart of expenditure by strategic priority in {fiscal_year}, total "
        f"{formatting.fmt_gbp(data.sum())}: {'; '.join(parts)}.",
        source,
        note,
        height=0.45 * len(data) + 1.0,
        narrow_height=0.6 * len(data) + 1.4,
    )
