"""Charts: the finding as the title, measure/area/period as subtitle, a source line, alt text
from the same numbers, counts from zero, and a narrow layout for phones."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from swp_analysis import charts


def _html(chart) -> str:
    return chart._repr_html_()


def test_year_on_year_says_the_change_and_every_value():
    chart = charts.year_on_year(
        "Domestic abuse reports", "Reports", {"2017-18": 6361, "2018-19": 6858}, "Wolverhampton", "WMP"
    )
    assert chart.title == "Domestic abuse reports rose 7.8%"  # (6858 - 6361) / 6361 = 7.81%
    assert chart.subtitle == "Domestic abuse reports (reports), Wolverhampton, 2017-18 and 2018-19"
    assert "6,361 in 2017-18" in chart.alt and "6,858 in 2018-19" in chart.alt
    ax = chart.figure().axes[0]
    assert ax.get_ylim()[0] == 0  # counts start at zero
    assert ax.get_title() == "" and ax.get_legend() is None  # words are HTML, labels direct


def test_a_missing_year_is_absent_and_said_so():
    chart = charts.year_on_year("Referrals", "People", {"2017-18": None, "2018-19": 57}, "A", "YOT")
    assert "not supplied for 2017-18" in chart.alt and "57 in 2018-19" in chart.alt
    assert len(chart.figure().axes[0].patches) == 1


def test_html_has_title_subtitle_source_and_a_narrow_picture():
    chart = charts.year_on_year("Cases", "Cases", {"2017-18": 460, "2018-19": 543}, "Wolverhampton", "MARAC")
    page = _html(chart)
    assert page.count("<figure") == 1 and page.count('alt="') == 1
    assert re.search(
        r'<figure class="swp-chart" aria-labelledby="(chart-\w+)"><p class="swp-chart-title" id="\1">', page
    )
    assert "<figcaption>Source: MARAC.</figcaption>" in page
    assert '<source media="(max-width: 40em)"' in page
    wide, narrow = chart.figure(False), chart.figure(True)
    assert narrow.get_figwidth() < wide.get_figwidth()


def test_proportion_chart_uses_one_word_for_its_target():
    rows = [("2017-18", 0.756, None, None), ("2018-19", 727 / 978, 0.714, 0.770)]
    chart = charts.proportion_against_target("Drug tests positive", rows, 0.70, "baseline", "W", "DIP")
    assert "baseline" in chart.title and "target" not in chart.title
    assert "dashed line marks the baseline of 70%" in chart.alt
    assert "no interval" in chart.alt  # 2017-18 has no denominator


def test_crime_and_asb_leaves_a_gap_for_a_month_without_data():
    months = pd.date_range("2018-04-01", periods=12, freq="MS")
    counts = pd.array([100] * 3 + [pd.NA] + [100] * 8, dtype="Int64")
    crime = pd.DataFrame({"month": months, "fiscal_year": "2018-19", "count": counts})
    asb = crime.assign(count=pd.array([10] * 3 + [pd.NA] + [10] * 8, dtype="Int64"))
    chart = charts.crime_and_asb(crime, asb, "A", "No police data for July 2018.")
    lines = chart.figure().axes[0].lines
    assert len(lines) == 2 and pd.isna(lines[0].get_ydata()[3])  # a gap, never a 0
    assert "total 1,100" in chart.alt and "total 110" in chart.alt  # never added together
    assert "No police data for July 2018." in _html(chart)


def test_peer_rates_marks_the_average_and_starts_at_zero():
    table = pd.DataFrame(
        {"rate_per_1000": [9.8, 8.5], "rate_lower": [9.5, 8.3], "rate_upper": [10.2, 8.7]}, index=["A", "B"]
    )
    chart = charts.peer_rates(table, "A", 8.5, "Burglary", "2018-19", "A's rate is higher", "A and 1 other")
    ax = chart.figure().axes[0]
    assert ax.get_xlim()[0] == 0
    assert "A 9.8 (95% interval 9.5 to 10.2)" in chart.alt and "8.5 per 1,000" in chart.alt


@pytest.mark.parametrize("narrow", [False, True])
def test_chart_text_is_readable_on_a_phone(narrow):
    # The narrow layout is 3.9 in (374 CSS px) wide, shown at up to 343 px on a 375 px phone,
    # so 11 pt (14.7 px) text stays above 10 px (14.7 * 343 / 374 = 13.5).
    chart = charts.year_on_year("Cases", "Cases", {"2017-18": 460, "2018-19": 543}, "W", "MARAC")
    fig = chart.figure(narrow)
    sizes = [t.get_fontsize() for t in fig.findobj(lambda o: hasattr(o, "get_fontsize"))]
    smallest_px = min(sizes) * 96 / 72 * (343 / (fig.get_figwidth() * 96) if narrow else 1)
    assert smallest_px >= 10
