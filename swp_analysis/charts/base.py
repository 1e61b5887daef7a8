"""The charts' one theme, palette and container: a :class:`Chart` that knows its own words.

Following the GOV.UK and ONS chart guidance, every chart has a title that states the finding, a
subtitle with the measure, area and period, a source line (and any caveat) under it, and alt
text written from the same numbers. Those words are HTML around the image, not pixels in it, so
they reflow and stay readable on a phone. Each chart is drawn twice: a wide layout, and a
narrow one that a small screen gets instead (``<picture>``), so chart text is never shrunk
below 10 CSS pixels. Images are embedded as PNG at 2x or SVG, whichever is smaller.

Figures are built with :class:`matplotlib.figure.Figure` directly (not ``pyplot``), so nothing is
drawn twice in a notebook and no GUI backend is needed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # headless: the charts are written into the report, never to a window

import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# Okabe & Ito (2008) colour-blind-safe palette; the first two carry "before" and "now".
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HIGHLIGHT = "#D55E00"
MUTED = "#7f7f7f"  # marks only; text is always TEXT
TEXT = "#1b1b1b"
DPI = 96
WIDE_IN, NARROW_IN = 7.0, 3.9  # 672 and 374 CSS pixels
HEIGHT_IN = 2.9
NARROW_MEDIA = "(max-width: 40em)"

Draw = Callable[[Figure, bool], None]


def apply_theme() -> None:
    """The project's one seaborn theme: white grid, readable sizes, the Okabe-Ito palette."""
    sns.set_theme(
        style="whitegrid",
        palette=PALETTE,
        rc={
            "font.family": "DejaVu Sans",
            "font.size": 11,
            "axes.labelsize": 11,
            "xtick.labelsize": 10.5,
            "ytick.labelsize": 10.5,
            "axes.edgecolor": "#555555",
            "text.color": TEXT,
            "axes.labelcolor": TEXT,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "svg.fonttype": "none",
            "svg.hashsalt": "swp-analysis",  # deterministic SVG ids
            "figure.dpi": DPI,
        },
    )


apply_theme()


@dataclass
class Chart:
    """A chart and the words that go with it.

    ``draw(figure, narrow)`` draws on an empty figure (``narrow`` for the phone layout);
    ``title`` states the finding; ``subtitle`` gives the measure, area and period; ``source``
    and ``note`` (a caveat) go under the chart; ``alt`` describes it for a screen reader.
    ``height`` is the wide layout's height in inches; the narrow one is ``narrow_height``.
    """

    draw: Draw
    title: str
    subtitle: str
    alt: str
    source: str
    note: str = ""
    height: float = HEIGHT_IN
    narrow_height: float | None = None
    raster: bool = False  # PNG only: for a map-like picture no drawn position is written as text
    _encoded: dict = field(default_factory=dict, repr=False)

    def figure(self, narrow: bool = False) -> Figure:
        """The drawn figure (wide, or the narrow layout)."""
        width = NARROW_IN if narrow else WIDE_IN
        height = (self.narrow_height or self.height * 1.1) if narrow else self.height
        fig = Figure(figsize=(width, height), layout="constrained")
        self.draw(fig, narrow)
        return fig

    def encoded(self, narrow: bool = False) -> tuple[str, str]:
        """(mime type, base64 data) of the smaller of PNG at 2x and SVG."""
        if narrow not in self._encoded:
            fig = self.figure(narrow)
            png, svg = io.BytesIO(), io.BytesIO()
            fig.savefig(png, format="png", dpi=2 * DPI, bbox_inches="tight", metadata={"Software": None})
            fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
            best = min(
                [("image/png", png.getvalue()), ("image/svg+xml", svg.getvalue())], key=lambda i: len(i[1])
            )
            self._encoded[narrow] = (best[0], base64.b64encode(best[1]).decode("ascii"))
        return self._encoded[narrow]

    def _repr_html_(self) -> str:
        ident = "chart-" + hashlib.sha1((self.title + self.subtitle + self.alt).encode()).hexdigest()[:10]
        wide_mime, wide = self.encoded(False)
        narrow_mime, narrow = self.encoded(True)
        source = f"Source: {self.source}." if self.source else ""
        caption = " ".join(x for x in (source, self.note) if x)
        return (
            f'<figure class="swp-chart" aria-labelledby="{ident}">'
            f'<p class="swp-chart-title" id="{ident}">{html.escape(self.title)}</p>'
            f'<p class="swp-chart-subtitle">{html.escape(self.subtitle)}</p>'
            f'<picture><source media="{NARROW_MEDIA}" type="{narrow_mime}" '
            f'srcset="data:{narrow_mime};base64,{narrow}">'
            f'<img src="data:{wide_mime};base64,{wide}" alt="{html.escape(self.alt, quote=True)}" '
            f'width="{int(WIDE_IN * DPI)}"></picture>'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )


def thousands(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def percent(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{v:.0%}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def label_bars(ax, values, texts, horizontal: bool = True, size: float = 10) -> None:
    """Write each bar's value at its end (direct labels, no legend to look up)."""
    for i, (v, t) in enumerate(zip(values, texts, strict=True)):
        if horizontal:
            ax.annotate(t, (v, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=size)
        else:
            ax.annotate(t, (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=size)
