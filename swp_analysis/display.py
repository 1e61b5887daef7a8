"""Accessible HTML pieces that notebooks display: tables with captions, rating badges, key figures.

Every value is escaped on the way in (``markupsafe.escape``), so text from a partner's file can
never become markup in the board's report. Each function returns an :class:`Html` object that
JupyterLab and nbconvert both render through ``_repr_html_``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from markupsafe import Markup
from markupsafe import escape as _escape

from .formatting import Missing
from .ratings import Rating


def escape(value: object) -> Markup:
    """HTML-escape a value; a missing figure is escaped as the words it reads as ("not
    supplied"), never as the marker narrative rendering uses."""
    return _escape(str(value) if isinstance(value, Missing) else value)


class Html:
    """A fragment of trusted HTML (built only by this module from escaped values)."""

    def __init__(self, markup: str) -> None:
        self.markup = str(markup)

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def _cell(value: object) -> Markup:
    if isinstance(value, Html):
        return Markup(value.markup)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return Markup('<span class="swp-missing">not supplied</span>')
    return escape(str(value))


def table(
    df: pd.DataFrame,
    caption: str,
    *,
    index: bool = True,
    formats: Mapping[str, str] | None = None,
    numeric: Sequence[str] | None = None,
    note: str | None = None,
    stack: bool = False,
) -> Html:
    """An HTML table with a caption, ``th`` header cells with ``scope``, and right-aligned numbers.

    ``formats`` maps a column to a format string (``"{:,.0f}"``) applied to non-missing values.
    Columns are treated as numeric (right-aligned) when their dtype is numeric or listed in
    ``numeric``. Cells may hold :class:`Html` (e.g. a rating badge), which is inserted as is.
    With ``stack``, on a narrow screen each row becomes a block with every cell labelled by its
    column (so no column is off-screen); ARIA roles keep it a table for screen readers.
    """
    formats = dict(formats or {})
    numeric_cols = (
        set(numeric or [])
        | {c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and c not in formats}
        | set(formats)
    )
    # Stacked on a phone, rows and cells become blocks: explicit roles keep the table semantics.
    role_row = ' role="row"' if stack else ""
    role_rh = ' role="rowheader"' if stack else ""
    role_ch = ' role="columnheader"' if stack else ""
    head = []
    if index:
        head.append(f'<th scope="col"{role_ch}>{escape(df.index.name or "")}</th>')
    for c in df.columns:
        cls = ' class="num"' if c in numeric_cols else ""
        head.append(f'<th scope="col"{cls}{role_ch}>{escape(str(c))}</th>')
    rows = []
    for idx, row in df.iterrows():
        cells = [f'<th scope="row"{role_rh}>{_cell(idx)}</th>'] if index else []
        for c in df.columns:
            v = row[c]
            if (
                c in formats
                and not isinstance(v, Html)
                and v is not None
                and not (not isinstance(v, str) and pd.isna(v))
                and not isinstance(v, str)
            ):
                v = formats[c].format(v)
            cls = ' class="num"' if c in numeric_cols else ""
            label = f' data-label="{escape(str(c))}" role="cell"' if stack else ""
            cells.append(f"<td{cls}{label}>{_cell(v)}</td>")
        rows.append(f"<tr{role_row}>" + "".join(cells) + "</tr>")
    foot = f'<p class="swp-table-note">{escape(note)}</p>' if note else ""
    table_attrs = ' class="swp-table swp-stack" role="table"' if stack else ' class="swp-table"'
    return Html(
        '<div class="swp-table-wrap" tabindex="0" role="region" '
        f'aria-label="{escape(caption)}"><table{table_attrs}>'
        f"<caption>{escape(caption)}</caption>"
        f"<thead><tr{role_row}>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{foot}</div>"
    )


def rating(r: Rating | None, provisional: bool = False) -> Html:
    """A delivery rating carried by text and symbol as well as colour. A provisional rating
    (not stated by the partnership) says so in words and is drawn as an outline, not filled."""
    if r is None:
        return Html('<span class="swp-missing">no evidence linked</span>')
    if provisional:
        return Html(
            f'<span class="rag rag-provisional rag-{escape(r.rag)}" style="border-color:{escape(r.colour)}">'
            f'<span class="rag-symbol" aria-hidden="true">{escape(r.symbol)}</span> Provisional: '
            f"{escape(r.label)}</span>"
        )
    return Html(
        f'<span class="rag rag-{escape(r.rag)}" style="background:{escape(r.colour)};'
        f'color:{escape(r.text_colour)}"><span class="rag-symbol" aria-hidden="true">'
        f"{escape(r.symbol)}</span> {escape(r.label)}</span>"
    )


def rating_key(provisional_reasons: Mapping[str, int] | None = None) -> Html:
    """The report's key: every rating with its symbol and label, and (when some ratings are
    provisional) what a provisional rating is and why each group of them is, once."""
    items = "".join(f"<li>{rating(r).markup}</li>" for r in Rating if r is not Rating.NOT_YET_RATED)
    parts = [
        "<p>Throughout the strategy, progress against delivery is rated as below. Each rating is "
        "shown by its words and a symbol as well as by colour.</p>",
        f'<ul class="swp-key">{items}</ul>',
    ]
    if provisional_reasons:
        example = rating(Rating.ON_TARGET, provisional=True).markup
        reasons = "".join(
            f"<li>{n} rating{'s' if n != 1 else ''}: {escape(reason)}</li>"
            for reason, n in provisional_reasons.items()
        )
        parts.append(
            f"<p>A rating shown as {example} is <strong>provisional</strong>: the partnership has not "
            "stated it, and it is assumed from the published text. Stated ratings are filled in colour; "
            f"provisional ones are outlined. Why:</p><ul>{reasons}</ul>"
        )
    return Html("".join(parts))


def key_figures(items: Iterable[tuple[str, str, str | None]]) -> Html:
    """Headline figures as a description list: (label, value, note)."""
    parts = []
    for label, value, note in items:
        extra = f'<span class="swp-figure-note">{escape(note)}</span>' if note else ""
        parts.append(
            f'<div class="swp-figure"><dt>{escape(label)}</dt>'
            f'<dd><span class="swp-figure-value">{escape(value)}</span>{extra}</dd></div>'
        )
    return Html(f'<dl class="swp-figures">{"".join(parts)}</dl>')


def heading(text: str, level: int = 2, anchor: str | None = None) -> Html:
    """A heading computed from content (e.g. the strategy's title); ``anchor`` sets its id."""
    ident = f' id="{escape(anchor)}"' if anchor else ""
    return Html(f"<h{level}{ident}>{escape(text)}</h{level}>")


def paragraph(text: str, cls: str | None = None) -> Html:
    """One escaped paragraph of computed prose."""
    c = f' class="{escape(cls)}"' if cls else ""
    return Html(f"<p{c}>{escape(text)}</p>")


def bullets(items: Iterable[str], columns: bool = False) -> Html:
    """An escaped bulleted list (in two columns on a wide page with ``columns``)."""
    cls = ' class="swp-columns"' if columns else ""
    return Html(f"<ul{cls}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")


def definitions(pairs: Iterable[tuple[str, str]]) -> Html:
    """Terms and their meanings as a description list (a glossary), escaped."""
    items = "".join(f"<div><dt>{escape(t)}</dt> <dd>{escape(m)}</dd></div>" for t, m in pairs)
    return Html(f'<dl class="swp-glossary">{items}</dl>')


def nothing() -> Html:
    """An empty fragment: a cell that has nothing to show for this area (the build drops it)."""
    return Html("")


def join(parts: Iterable[object]) -> Html:
    """Fragments in order: :class:`Html`, or anything with ``_repr_html_`` (a chart)."""
    out = []
    for part in parts:
        out.append(part.markup if isinstance(part, Html) else part._repr_html_())
    return Html("".join(out))


def trusted(markup: str) -> Html:
    """Wrap HTML that the library itself produced from escaped input (e.g. rendered narrative)."""
    return Html(markup)


def callout(title: str, body_html: Html | str, kind: str = "focus") -> Html:
    """A boxed "Focus on" story or explanation; ``body_html`` must already be safe HTML."""
    body = body_html.markup if isinstance(body_html, Html) else escape(body_html)
    return Html(
        f'<aside class="swp-callout swp-{escape(kind)}" aria-label="{escape(title)}">'
        f'<p class="swp-callout-title"><strong>{escape(title)}</strong></p>{body}</aside>'
    )
