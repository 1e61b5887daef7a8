"""Accessible HTML pieces: tables with captions and scoped headers, escaped values, badges."""

from __future__ import annotations

import pandas as pd

from swp_analysis import display
from swp_analysis.ratings import Rating


def test_table_has_caption_scoped_headers_and_escaped_cells():
    df = pd.DataFrame(
        {"Count": [5, None], "Note": ["<b>x</b>", "ok"]}, index=pd.Index(["a", "b"], name="Type")
    )
    html = display.table(df, "Counts & notes", note="A note").markup
    assert "<caption>Counts &amp; notes</caption>" in html
    assert '<th scope="col">Type</th>' in html and '<th scope="row">a</th>' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "not supplied" in html  # a missing cell is never blank or 0
    assert 'role="region"' in html and 'tabindex="0"' in html


def test_rating_badge_carries_words_and_symbol():
    html = display.rating(Rating.NOT_ON_TRACK).markup
    assert "Not on track for delivery" in html and "\u2715" in html and 'aria-hidden="true"' in html
    assert "no evidence linked" in display.rating(None).markup


def test_join_takes_html_and_charts_and_nothing_is_empty():
    class Fake:
        def _repr_html_(self):
            return "<figure></figure>"

    assert display.join([display.paragraph("a"), Fake()]).markup == "<p>a</p><figure></figure>"
    assert display.nothing().markup == ""


def test_key_figures_escape_and_keep_notes():
    html = display.key_figures([("Cases <x>", "543", "Stated by source as \u201cover\u201d")]).markup
    assert "Cases &lt;x&gt;" in html and "543" in html and "over" in html
