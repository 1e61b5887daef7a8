"""Tests for swp_analysis.metrics.

Expected values come from published worked examples (cited beside each), from the reference
report (`../shared/reference/swp-annual-report-2017-19.txt`, quoted by line), or are computed
here independently of the function under test (a different algebraic form, a different scipy
routine, or a root-finder). None is pasted from the function's own output.
"""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from swp_analysis import metrics as m
from swp_analysis.metrics import (
    Rate,
    Rating,
    TargetResult,
    change_summary,
    compare_to_benchmark,
    compare_to_target,
    count_ci,
    fiscal_year,
    fiscal_year_months,
    fiscal_years,
    fmt_count,
    fmt_gbp,
    fmt_number,
    fmt_pct,
    fmt_prop,
    next_year,
    ordinal,
    pct_change,
    peer_rank_label,
    poisson_z,
    previous_year,
    proportion_ci,
    rank_among_peers,
    rank_contributors,
    rate_per,
    rating_disagrees,
    share_of_total,
    suggest_rating,
    suppress,
)

# ------------------------------------------------------------------------------------------
# fiscal years
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given_value, expected",
    [
        ("2018-04", "2018-19"),  # first month of the year
        ("2019-03", "2018-19"),  # last month of the year
        ("2019-04", "2019-20"),
        ("2018-12", "2018-19"),
        ("2019-01", "2018-19"),
        ("2018-04-15", "2018-19"),
        ("2018-03-31", "2017-18"),
        (" 2018-04 ", "2018-19"),
        ("2018-04-01T09:30:00", "2018-19"),
        (date(2018, 4, 1), "2018-19"),
        (date(2019, 3, 31), "2018-19"),
        (datetime(2019, 3, 31, 23, 59), "2018-19"),
        (pd.Timestamp("2018-04-15"), "2018-19"),
        (pd.Period("2019-02", freq="M"), "2018-19"),
        (np.datetime64("2020-01-10"), "2019-20"),
        ("1999-06", "1999-00"),  # century roll-over keeps two digits
    ],
)
def test_fiscal_year(given_value, expected):
    assert fiscal_year(given_value) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "2018-13",
        "2018-00",
        "18-04",
        "April 2018",
        "2018-19",
        "",
        "2018-02-30",
        None,
        float("nan"),
        pd.NaT,
        201804,
    ],
)
def test_fiscal_year_rejects_non_dates(bad):
    with pytest.raises(ValueError):
        fiscal_year(bad)


def test_fiscal_years_vectorised_matches_scalar_and_keeps_index():
    months = pd.Series(
        ["2018-04", "2019-03", "2019-04", "2020-01-31"], index=[10, 11, 12, 13], name="month"
    )
    result = fiscal_years(months)
    assert result.tolist() == ["2018-19", "2018-19", "2019-20", "2019-20"]
    assert result.index.tolist() == [10, 11, 12, 13]
    stamps = pd.Series(pd.to_datetime(["2018-03-31", "2018-04-01"]))
    assert fiscal_years(stamps).tolist() == ["2017-18", "2018-19"]


def test_fiscal_years_names_bad_values():
    with pytest.raises(ValueError, match="not-a-month"):
        fiscal_years(pd.Series(["2018-04", "not-a-month"]))


def test_previous_and_next_year():
    assert previous_year("2018-19") == "2017-18"
    assert next_year("2018-19") == "2019-20"
    assert previous_year("2000-01") == "1999-00"
    assert next_year("1999-00") == "2000-01"


@pytest.mark.parametrize("bad", ["2018/19", "2018-2019", "2018-20", "18-19", "2018", "", None])
def test_previous_year_validates(bad):
    with pytest.raises(ValueError):
        previous_year(bad)
    with pytest.raises(ValueError):
        next_year(bad)


def test_fiscal_year_months():
    months = fiscal_year_months("2018-19")
    assert months[0] == "2018-04" and months[-1] == "2019-03"
    assert len(months) == 12 and len(set(months)) == 12
    assert all(fiscal_year(month) == "2018-19" for month in months)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_fiscal_year_contains_its_date(day):
    fy = fiscal_year(day)
    assert day.strftime("%Y-%m") in fiscal_year_months(fy)
    assert next_year(previous_year(fy)) == fy


# ------------------------------------------------------------------------------------------
# change: the reference report's figures
# ------------------------------------------------------------------------------------------


def test_domestic_abuse_reports_reference_report():
    # Footnote 3: "6858 reports were received during 2018-2019 compared to 6361 during
    # 2017-2018". (6858 - 6361) / 6361 = 497 / 6361 = 0.078132...; the report's text says
    # "4.7% increase", which these figures do not support.
    assert pct_change(6361, 6858) == pytest.approx(7.8133, abs=1e-4)
    summary = change_summary(6361, 6858)
    assert summary.text == "an increase of 7.8% (6,361 to 6,858)"
    assert "4.7%" not in summary.text
    assert summary.change == 497
    # Z = 2 * (82.8130 - 79.7559) = 6.114 by hand: a signal.
    assert summary.z == pytest.approx(6.114, abs=1e-3)
    assert summary.verdict == "increase"
    assert summary.caution is None


def test_marac_cases_reference_report():
    # Footnote 4: 543 cases in 2018-19 against 460 in 2017-18; the report says "18% increase".
    # 83 / 460 = 0.18043...
    assert pct_change(460, 543) == pytest.approx(18.0435, abs=1e-4)
    assert change_summary(460, 543).text == "an increase of 18.0% (460 to 543)"


def test_hate_crimes_reference_report():
    # Footnote 6: 120 recorded in 2017-18, 385 in 2018-19. The change is 265 / 120 = +220.8%.
    # The report's "31.2% increase" is in fact 120 / 385 = 0.3117, last year as a share of this.
    assert pct_change(120, 385) == pytest.approx(220.8333, abs=1e-4)
    assert change_summary(120, 385).text == "an increase of 220.8% (120 to 385)"
    assert fmt_prop(120 / 385) == "31.2%"
    assert fmt_pct(pct_change(120, 385)) != "31.2%"


def test_drug_tests_reference_report():
    # Page "Reducing Reoffending": "of 978 drug tests ... 74.3% proved positive". 727/978 =
    # 0.74335...; the count 727 is the register's numerator.
    assert fmt_prop(727 / 978) == "74.3%"
    result = compare_to_target(727 / 978 * 100, 70, "down_is_good")
    assert result.met is False
    assert result.gap == pytest.approx(4.335, abs=1e-3)
    # As the report rounds it: 74.3 against "below the baseline of 70%".
    rounded = compare_to_target(74.3, 70, "down_is_good")
    assert rounded.met is False and rounded.gap == pytest.approx(4.3)
    assert rounded.text == "Target not met: 74.3 against a target of 70 or below (4.3 above it)"


def test_drug_tests_as_proportions_worded_in_percentage_points():
    result = compare_to_target(0.743, 0.70, "down_is_good", unit="proportion")
    assert result.met is False
    assert result.gap == pytest.approx(0.043)
    assert result.text == (
        "Target not met: 74.3% against a target of 70.0% or below (4.3 percentage points above it)"
    )


# ------------------------------------------------------------------------------------------
# change: pct_change, poisson_z, change_summary
# ------------------------------------------------------------------------------------------


def test_pct_change_basics():
    assert pct_change(100, 150) == pytest.approx(50.0)
    assert pct_change(978, 961) == pytest.approx(-1.7382, abs=1e-4)  # -17/978
    assert pct_change(5, 5) == 0.0
    assert pct_change(0, 7) is None
    assert pct_change(0, 0) is None


@pytest.mark.parametrize(
    "before, now",
    [(None, 1), (1, None), (float("nan"), 3), (-1, 3), (3, -1), (float("inf"), 3), ("10", 3)],
)
def test_pct_change_rejects_bad_input(before, now):
    with pytest.raises(ValueError):
        pct_change(before, now)


def test_poisson_z_published_example():
    # Andrew P. Wheeler, "Testing changes in short run crime patterns: the Poisson e-test"
    # (2018): 16 robberies on average, 25 this month: 2 * (sqrt(25) - sqrt(16)) = 2 * (5 - 4) = 2.
    assert poisson_z(16, 25) == pytest.approx(2.0)
    assert poisson_z(25, 16) == pytest.approx(-2.0)
    assert poisson_z(0, 9) == pytest.approx(6.0)  # 2 * 3
    assert poisson_z(7, 7) == 0.0


def test_poisson_z_rejects_negative_counts():
    with pytest.raises(ValueError):
        poisson_z(-1, 4)


def test_change_summary_decrease_within_normal_variation():
    summary = change_summary(978, 961)
    assert summary.text == "a decrease of 1.7% (978 to 961)"
    # 2 * (31 - 31.2730) = -0.546: not a signal.
    assert summary.z == pytest.approx(-0.546, abs=1e-3)
    assert summary.verdict == "within normal variation"
    assert summary.text_with_verdict == "a decrease of 1.7% (978 to 961), within normal variation"


def test_change_summary_significant_decrease():
    summary = change_summary(400, 300)  # 2 * (17.3205 - 20) = -5.36
    assert summary.verdict == "decrease"
    assert summary.text == "a decrease of 25.0% (400 to 300)"
    assert summary.text_with_verdict.endswith("larger than normal variation")


def test_change_summary_threshold_is_strictly_above_three():
    # Exact squares: sqrt(16) - sqrt(6.25) = 4 - 2.5 = 1.5, so Z is exactly 3: not a signal.
    assert poisson_z(6.25, 16) == 3.0
    assert change_summary(6.25, 16).verdict == "within normal variation"
    assert change_summary(16, 6.25).verdict == "within normal variation"
    assert change_summary(6.25, 16.5).verdict == "increase"  # 2 * (4.062 - 2.5) = 3.12


def test_change_summary_no_change():
    assert change_summary(5, 5).text == "no change (5 to 5)"
    assert change_summary(0, 0).text == "no change (0 to 0)"
    assert change_summary(1200, 1200).text == "no change (1,200 to 1,200)"


def test_change_summary_small_base_hides_percentage():
    summary = change_summary(4, 7)
    assert summary.text == "an increase from 4 to 7 (percentage not shown: base under 10)"
    assert summary.caution == "percentage change on a base under 10 is unreliable"
    assert "%" not in summary.text
    assert change_summary(9, 2).text == (
        "a decrease from 9 to 2 (percentage not shown: base under 10)"
    )
    assert change_summary(0, 3).pct is None
    assert change_summary(10, 12).caution is None  # 10 is not under 10


def test_change_summary_tiny_change_is_not_shown_as_zero_percent():
    assert change_summary(10000, 10001).text == "an increase of less than 0.1% (10,000 to 10,001)"


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_change_summary_invariants(before, now):
    summary = change_summary(before, now)
    assert summary.change == now - before
    assert (summary.verdict == "within normal variation") == (abs(summary.z) <= 3)
    if summary.verdict == "increase":
        assert now > before
    if summary.verdict == "decrease":
        assert now < before
    if before < 10:
        assert summary.caution is not None and "%" not in summary.text
    assert "nan" not in summary.text.lower()


# ------------------------------------------------------------------------------------------
# proportions: Wilson score interval
# ------------------------------------------------------------------------------------------


def wilson_by_hand(k: float, n: float, level: float) -> tuple[float, float]:
    """Wilson (1927) in its centre-and-half-width form, a different algebraic route to the
    same interval: (p + z^2/2n +/- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)."""
    z = stats.norm.ppf(1 - (1 - level) / 2)
    p = k / n
    centre = p + z**2 / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    denominator = 1 + z**2 / n
    return (centre - half) / denominator, (centre + half) / denominator


@pytest.mark.parametrize(
    "k, n, lower, upper",
    [
        # Newcombe RG (1998) Stat Med 17:857-872, table II, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
    ],
)
def test_wilson_newcombe_worked_examples(k, n, lower, upper):
    got = proportion_ci(k, n)
    assert got[0] == pytest.approx(lower, abs=5e-5)
    assert got[1] == pytest.approx(upper, abs=5e-5)


@pytest.mark.parametrize("level", [0.95, 0.998, 0.90, 0.99])
@pytest.mark.parametrize("k, n", [(727, 978), (1, 3), (50, 50), (0, 1), (4, 1000)])
def test_wilson_matches_hand_formula(k, n, level):
    expected = wilson_by_hand(k, n, level)
    assert proportion_ci(k, n, level) == pytest.approx(expected, abs=1e-12)


def test_wilson_matches_statsmodels():
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    for k, n in [(727, 978), (81, 263), (3, 7), (0, 12)]:
        for level in (0.95, 0.998):
            expected = proportion.proportion_confint(k, n, alpha=1 - level, method="wilson")
            assert proportion_ci(k, n, level) == pytest.approx(expected, abs=1e-10)


def test_drug_tests_interval():
    lower, upper = proportion_ci(727, 978)
    # By hand: p = 0.74335, z = 1.95996, n = 978 gives 0.71506 to 0.76974.
    assert lower == pytest.approx(0.71506, abs=5e-6)
    assert upper == pytest.approx(0.76974, abs=5e-6)
    wide = proportion_ci(727, 978, 0.998)
    assert wide[0] < lower and wide[1] > upper


@pytest.mark.parametrize("k, n", [(5, 0), (-1, 10), (11, 10), (None, 10), (3, float("nan"))])
def test_wilson_rejects_impossible_inputs(k, n):
    with pytest.raises(ValueError):
        proportion_ci(k, n)


@pytest.mark.parametrize("level", [0, 1, 95, -0.5])
def test_levels_must_be_fractions(level):
    with pytest.raises(ValueError):
        proportion_ci(1, 2, level)
    with pytest.raises(ValueError):
        count_ci(5, level)


@given(
    st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.95, 0.998]),
)
def test_wilson_contains_estimate(kn, level):
    k, n = kn
    lower, upper = proportion_ci(k, n, level)
    assert 0 <= lower <= k / n <= upper <= 1


@given(
    st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(2, 50),
)
def test_wilson_narrows_as_n_grows(kn, factor):
    k, n = kn
    small = proportion_ci(k, n)
    large = proportion_ci(k * factor, n * factor)
    assert large[1] - large[0] < small[1] - small[0]


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_998_is_wider_than_95(kn):
    k, n = kn
    narrow = proportion_ci(k, n, 0.95)
    wide = proportion_ci(k, n, 0.998)
    assert wide[0] <= narrow[0] and wide[1] >= narrow[1]


# ------------------------------------------------------------------------------------------
# counts and rates: Byar and exact Poisson
# ------------------------------------------------------------------------------------------


def exact_poisson_by_root(count: int, level: float) -> tuple[float, float]:
    """Exact (Garwood 1936) limits found by solving the Poisson tail equations directly:
    P(X >= O | lower) = alpha/2 and P(X <= O | upper) = alpha/2, with scipy's Poisson cdf
    and a root-finder (not the chi-squared shortcut the module uses)."""
    alpha = 1 - level
    lower = (
        0.0
        if count == 0
        else optimize.brentq(
            lambda mu: stats.poisson.sf(count - 1, mu) - alpha / 2, 1e-12, count + 100
        )
    )
    upper = optimize.brentq(
        lambda mu: stats.poisson.cdf(count, mu) - alpha / 2, 1e-12, 10 * count + 100
    )
    return lower, upper


@pytest.mark.parametrize(
    "count, lower, upper",
    [
        # Standard tables of exact 95% Poisson limits (e.g. Ulm K (1990) Am J Epidemiol
        # 131:373-375; Breslow & Day 1987 appendix).
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (2, 0.2422, 7.225),
        (5, 1.624, 11.668),
    ],
)
def test_exact_poisson_table_values(count, lower, upper):
    got = count_ci(count)
    assert got[0] == pytest.approx(lower, abs=1e-3)
    assert got[1] == pytest.approx(upper, abs=1e-3)


@pytest.mark.parametrize("level", [0.95, 0.998])
@pytest.mark.parametrize("count", range(0, 10))
def test_small_counts_use_exact_limits(count, level):
    assert count_ci(count, level) == pytest.approx(exact_poisson_by_root(count, level), rel=1e-7)


def byar_by_hand(o: float, z: float) -> tuple[float, float]:
    # Breslow NE, Day NE (1987), vol II p. 69.
    lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lower, upper


@pytest.mark.parametrize("level", [0.95, 0.998])
@pytest.mark.parametrize("count", [10, 11, 25, 460, 543, 6858])
def test_counts_of_ten_or_more_use_byar(count, level):
    z = stats.norm.ppf(1 - (1 - level) / 2)
    assert count_ci(count, level) == pytest.approx(byar_by_hand(count, z), rel=1e-12)
    # Byar's approximation is close to the exact limits from 10 upwards (within 0.2% at 95%;
    # the far tails of 99.8% are harder, within 1.5% at a count of 10).
    tolerance = 2e-3 if level == 0.95 else 1.5e-2
    exact = exact_poisson_by_root(count, level)
    assert count_ci(count, level) == pytest.approx(exact, rel=tolerance)


def test_count_ci_rejects_negative_and_missing():
    for bad in (-1, None, float("nan")):
        with pytest.raises(ValueError):
            count_ci(bad)


@given(st.integers(0, 1_000_000), st.sampled_from([0.95, 0.998]))
def test_count_ci_contains_count(count, level):
    lower, upper = count_ci(count, level)
    assert 0 <= lower <= count <= upper


@given(st.integers(0, 20_000), st.integers(10_000, 1_000_000), st.integers(2, 20))
def test_rate_interval_narrows_as_population_and_count_grow(count, population, factor):
    small = rate_per(count, population)
    large = rate_per(count * factor, population * factor)
    assert large.value == pytest.approx(small.value)
    assert large.upper - large.lower < small.upper - small.lower


def test_rate_per_values():
    # 543 events in 260,000 people: 543 / 260000 * 1000 = 2.0885 per 1,000.
    rate = rate_per(543, 260_000)
    assert isinstance(rate, Rate)
    assert rate.per == 1000
    assert rate.value == pytest.approx(2.08846, abs=1e-5)
    z = stats.norm.ppf(0.975)
    lower, upper = byar_by_hand(543, z)
    assert rate.lower == pytest.approx(lower / 260, rel=1e-12)
    assert rate.upper == pytest.approx(upper / 260, rel=1e-12)
    assert rate.text == "2.1 per 1,000 (95% confidence interval 1.9 to 2.3)"
    per_100k = rate_per(3, 250_000, per=100_000, level=0.998)
    assert per_100k.value == pytest.approx(1.2)
    assert per_100k.text.startswith("1.2 per 100,000 (99.8% confidence interval")


@pytest.mark.parametrize("population", [0, -5, None, float("nan")])
def test_rate_per_rejects_bad_population(population):
    with pytest.raises(ValueError):
        rate_per(10, population)


def test_rate_per_rejects_bad_multiplier():
    with pytest.raises(ValueError):
        rate_per(10, 1000, per=0)


# ------------------------------------------------------------------------------------------
# benchmarks and targets
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lower, upper, benchmark, polarity, expected",
    [
        (4.0, 6.0, 3.0, "up_is_good", "better"),
        (4.0, 6.0, 3.0, "down_is_good", "worse"),
        (4.0, 6.0, 3.0, "none", "higher"),
        (4.0, 6.0, 7.0, "up_is_good", "worse"),
        (4.0, 6.0, 7.0, "down_is_good", "better"),
        (4.0, 6.0, 7.0, "none", "lower"),
        (4.0, 6.0, 5.0, "up_is_good", "similar"),
        (4.0, 6.0, 5.0, "none", "similar"),
        # An interval touching the benchmark is not wholly above or below it.
        (4.0, 6.0, 4.0, "up_is_good", "similar"),
        (4.0, 6.0, 6.0, "down_is_good", "similar"),
        (4.0, 6.0, None, "up_is_good", "not compared"),
        (None, None, 5.0, "none", "not compared"),
    ],
)
def test_compare_to_benchmark(lower, upper, benchmark, polarity, expected):
    value = 5.0
    assert compare_to_benchmark(value, lower, upper, benchmark, polarity) == expected


def test_compare_to_benchmark_with_wilson_interval():
    # 727/978 (0.715 to 0.770) against an England figure of 0.70 with "down is good":
    # the whole interval is above 0.70, so worse.
    lower, upper = proportion_ci(727, 978)
    assert compare_to_benchmark(727 / 978, lower, upper, 0.70, "down_is_good") == "worse"
    assert compare_to_benchmark(727 / 978, lower, upper, 0.75, "down_is_good") == "similar"


def test_compare_to_benchmark_validates():
    with pytest.raises(ValueError, match="polarity"):
        compare_to_benchmark(5, 4, 6, 5, "higher_is_better")
    with pytest.raises(ValueError):
        compare_to_benchmark(5, 6, 4, 5, "none")  # lower above upper
    with pytest.raises(ValueError):
        compare_to_benchmark(9, 4, 6, 5, "none")  # value outside its own interval


@pytest.mark.parametrize(
    "value, target, polarity, met, gap",
    [
        (65.0, 70.0, "down_is_good", True, -5.0),
        (70.0, 70.0, "down_is_good", True, 0.0),
        (85.0, 80.0, "up_is_good", True, -5.0),
        (75.0, 80.0, "up_is_good", False, 5.0),
        (80.0, 80.0, "up_is_good", True, 0.0),
    ],
)
def test_compare_to_target(value, target, polarity, met, gap):
    result = compare_to_target(value, target, polarity)
    assert isinstance(result, TargetResult)
    assert result.met is met
    assert result.gap == pytest.approx(gap)
    assert result.text.startswith("Target met" if met else "Target not met")


def test_compare_to_target_texts():
    assert compare_to_target(70, 70, "down_is_good").text == (
        "Target met: 70 against a target of 70 or below (exactly on target)"
    )
    assert compare_to_target(1500, 1200, "up_is_good", unit="count").text == (
        "Target met: 1,500 against a target of 1,200 or above (300 above it)"
    )
    assert compare_to_target(95000, 110000, "up_is_good", unit="gbp").text == (
        "Target not met: £95,000 against a target of £110,000 or above (£15,000 below it)"
    )


def test_compare_to_target_needs_a_direction():
    with pytest.raises(ValueError):
        compare_to_target(5, 4, "none")
    with pytest.raises(ValueError):
        compare_to_target(None, 4, "up_is_good")
    with pytest.raises(ValueError):
        compare_to_target(5, 4, "up_is_good", unit="furlongs")


# ------------------------------------------------------------------------------------------
# shares and ranks
# ------------------------------------------------------------------------------------------


def test_share_of_total():
    counts = pd.Series({"violence": 50, "theft": 30, "burglary": 20})
    share = share_of_total(counts)
    assert share.index.tolist() == counts.index.tolist()
    assert share.tolist() == pytest.approx([0.5, 0.3, 0.2])
    assert share.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "counts",
    [
        pd.Series({"a": 0, "b": 0}),
        pd.Series({"a": 1.0, "b": float("nan")}),
        pd.Series({"a": 5, "b": -1}),
    ],
)
def test_share_of_total_refuses_bad_counts(counts):
    with pytest.raises(ValueError):
        share_of_total(counts)


def test_rank_contributors_ties_use_min_method():
    counts = pd.Series({"a": 5, "b": 10, "c": 5, "d": 1})
    table = rank_contributors(counts)
    assert list(table.columns) == ["count", "share", "rank"]
    # Sorted by rank; a and c tie for 2nd (input order kept); next rank is 4 (competition).
    assert table.index.tolist() == ["b", "a", "c", "d"]
    assert table["rank"].tolist() == [1, 2, 2, 4]
    assert table["count"].tolist() == [10, 5, 5, 1]
    assert table["share"].tolist() == pytest.approx([10 / 21, 5 / 21, 5 / 21, 1 / 21])


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, "0th"),
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (113, "113th"),
        (np.int64(42), "42nd"),
    ],
)
def test_ordinal(n, expected):
    assert ordinal(n) == expected


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_ordinal_rejects_non_counts(bad):
    with pytest.raises((ValueError, TypeError)):
        ordinal(bad)


@pytest.fixture()
def peers() -> pd.DataFrame:
    # The West Midlands force's seven local authorities, made-up rates per 1,000.
    return pd.DataFrame(
        {
            "rate": [95.0, 80.0, 95.0, 70.0, 120.0, 60.0, 88.0],
            "change": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        },
        index=[
            "Wolverhampton",
            "Walsall",
            "Dudley",
            "Sandwell",
            "Birmingham",
            "Solihull",
            "Coventry",
        ],
    )


def test_rank_among_peers_down_is_good(peers):
    ranked = rank_among_peers(peers, "rate", "down_is_good")
    assert list(ranked.columns) == ["value", "rank", "tied", "label"]
    # Lowest is best: Solihull 60, Sandwell 70, Walsall 80, Coventry 88, then the two 95s
    # tie for 5th, Birmingham 120 is 7th.
    assert ranked.loc["Solihull", "label"] == "best of 7"
    assert ranked.loc["Sandwell", "label"] == "2nd best of 7"
    assert ranked.loc["Wolverhampton", "label"] == "joint 5th best of 7"
    assert ranked.loc["Dudley", "label"] == "joint 5th best of 7"
    assert ranked.loc["Birmingham", "label"] == "7th best of 7"
    assert bool(ranked.loc["Wolverhampton", "tied"]) and not bool(ranked.loc["Walsall", "tied"])
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5, 5, 7]


def test_rank_among_peers_up_is_good_and_none(peers):
    up = rank_among_peers(peers, "rate", "up_is_good")
    assert up.loc["Birmingham", "label"] == "best of 7"
    assert up.loc["Wolverhampton", "label"] == "joint 2nd best of 7"
    assert up.loc["Coventry", "label"] == "4th best of 7"
    neutral = rank_among_peers(peers, "change", "none")
    assert neutral.loc["Solihull", "label"] == "2nd highest of 7"
    assert neutral.loc["Coventry", "label"] == "highest of 7"


def test_rank_among_peers_series_and_missing_values():
    values = pd.Series({"A": 3.0, "B": None, "C": 1.0, "D": 2.0})
    ranked = rank_among_peers(values, None, "up_is_good")
    assert ranked.loc["B", "label"] == "not ranked (no value)"
    assert pd.isna(ranked.loc["B", "rank"])
    assert ranked.loc["A", "label"] == "best of 3"  # the unranked area is not counted
    assert ranked.index[-1] == "B"


def test_peer_rank_label(peers):
    assert peer_rank_label(peers, "Wolverhampton", "rate", "down_is_good") == (
        "joint 5th best of 7"
    )
    with pytest.raises(KeyError, match="Walsall"):
        peer_rank_label(peers, "Wolverhampon", "rate", "down_is_good")


def test_rank_among_peers_validates(peers):
    with pytest.raises(ValueError):
        rank_among_peers(peers, "rate", "best")
    with pytest.raises(ValueError):
        rank_among_peers(peers, None, "none")  # two columns: which one?
    with pytest.raises(KeyError):
        rank_among_peers(peers, "robbery", "none")
    with pytest.raises(ValueError):
        rank_among_peers(pd.Series([1.0, 2.0], index=["A", "A"]), None, "none")


@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=12),
    st.sampled_from(["up_is_good", "down_is_good", "none"]),
)
def test_rank_among_peers_rank_counts_strictly_better(values, polarity):
    table = pd.Series(values, index=[f"area{i}" for i in range(len(values))], dtype=float)
    ranked = rank_among_peers(table, None, polarity)
    for area, row in ranked.iterrows():
        v = table[area]
        better = sum(1 for w in values if (w < v if polarity == "down_is_good" else w > v))
        assert row["rank"] == better + 1
        assert row["tied"] == (values.count(v) > 1)
        assert row["label"].endswith(f"of {len(values)}")
        assert row["label"].startswith("joint ") == row["tied"]


# ------------------------------------------------------------------------------------------
# delivery ratings
# ------------------------------------------------------------------------------------------

# The reference report's key, line 47: "Complete / On target for delivery / More work needed
# to meet objectives / Not on track for delivery".
REPORT_KEY = [
    "Complete",
    "On target for delivery",
    "More work needed to meet objectives",
    "Not on track for delivery",
]


def test_rating_labels_match_the_report_key():
    assert [r.label for r in Rating][:4] == REPORT_KEY
    assert Rating.NOT_YET_RATED.label == "Not yet rated"
    assert [r.rag for r in Rating] == ["blue", "green", "amber", "red", "grey"]


def wcag_contrast(foreground: str, background: str) -> float:
    """WCAG 2.2 contrast ratio, from the definition of relative luminance (sRGB)."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("rating", list(Rating))
def test_rating_colours_are_accessible(rating):
    assert rating.text_colour.upper() in ("#000000", "#FFFFFF")
    assert wcag_contrast(rating.text_colour, rating.colour) >= 4.5
    # The swatch itself is visible on the white page (WCAG 1.4.11, 3:1).
    assert wcag_contrast(rating.colour, "#FFFFFF") >= 3.0


def test_rating_symbols_and_colours_are_distinct():
    assert len({r.symbol for r in Rating}) == len(Rating)
    assert len({r.colour.upper() for r in Rating}) == len(Rating)
    assert all(r.symbol.strip() for r in Rating)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Complete", Rating.COMPLETE),
        ("on target for delivery", Rating.ON_TARGET),
        ("MORE WORK NEEDED TO MEET OBJECTIVES", Rating.MORE_WORK),
        ("  Not on track for delivery ", Rating.NOT_ON_TRACK),
        ("NOT_ON_TRACK", Rating.NOT_ON_TRACK),
        ("more_work", Rating.MORE_WORK),
        ("on-target", Rating.ON_TARGET),
        ("Red", Rating.NOT_ON_TRACK),
        ("amber", Rating.MORE_WORK),
        ("GREEN", Rating.ON_TARGET),
        ("blue", Rating.COMPLETE),
        ("grey", Rating.NOT_YET_RATED),
        ("not yet rated", Rating.NOT_YET_RATED),
    ],
)
def test_rating_parse(text, expected):
    assert Rating.parse(text) is expected


@pytest.mark.parametrize("bad", ["", "purple", "on track", "done", None, 3])
def test_rating_parse_lists_valid_labels(bad):
    with pytest.raises(ValueError) as caught:
        Rating.parse(bad)
    for label in REPORT_KEY:
        assert label in str(caught.value)


MET = TargetResult(met=True, gap=-1.0, text="")
MISSED = TargetResult(met=False, gap=1.0, text="")


@pytest.mark.parametrize(
    "results, expected",
    [
        ([], None),
        ([None, None], None),
        ([MET], Rating.ON_TARGET),
        ([MET, MET, None], Rating.ON_TARGET),
        ([MISSED], Rating.NOT_ON_TRACK),
        ([MISSED, None, MISSED], Rating.NOT_ON_TRACK),
        ([MET, MISSED], Rating.MORE_WORK),
        ([MISSED, MET, MET], Rating.MORE_WORK),
    ],
)
def test_suggest_rating(results, expected):
    assert suggest_rating(results) is expected


def test_suggest_rating_from_the_drug_test_indicator():
    # The only linked indicator missed its target: the evidence says not on track.
    result = compare_to_target(74.3, 70, "down_is_good")
    assert suggest_rating([result]) is Rating.NOT_ON_TRACK


@pytest.mark.parametrize(
    "lead, suggested, flagged",
    [
        (Rating.ON_TARGET, Rating.NOT_ON_TRACK, True),
        (Rating.ON_TARGET, Rating.MORE_WORK, True),
        (Rating.COMPLETE, Rating.MORE_WORK, True),
        (Rating.MORE_WORK, Rating.NOT_ON_TRACK, True),
        (Rating.COMPLETE, Rating.ON_TARGET, False),  # indicators can suggest at most on target
        (Rating.ON_TARGET, Rating.ON_TARGET, False),
        (Rating.NOT_ON_TRACK, Rating.ON_TARGET, False),  # more cautious than the numbers
        (Rating.MORE_WORK, Rating.ON_TARGET, False),
        (Rating.ON_TARGET, None, False),  # no evidence
        (Rating.NOT_YET_RATED, Rating.NOT_ON_TRACK, False),
        (Rating.ON_TARGET, Rating.NOT_YET_RATED, False),
    ],
)
def test_rating_disagrees(lead, suggested, flagged):
    assert rating_disagrees(lead, suggested) is flagged


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
    table = pd.DataFrame(
        [[1, 2, 50, 60, 70], [3, 4, 90, 2, 90], [50, 60, 70, 1, 2], [80, 90, 100, 3, 4]]
    )
    primary = {(i, j) for i in range(4) for j in range(5) if 1 <= table.iat[i, j] <= 4}
    assert recoverable_cells(table.shape, primary) == {(1, 3)}
    result = suppress(table)
    assert recoverable_cells(table.shape, starred_cells(result)) == set()
    # One extra cell closes the loop: the smallest that joins the two blocks, (2, 0) = 50.
    assert starred_cells(result) == primary | {(2, 0)}


def test_suppress_series():
    counts = pd.Series(
        {"Bilston": 3, "Wednesfield": 10, "Tettenhall": 20, "Heath Town": 0}, name="robbery"
    )
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


# ------------------------------------------------------------------------------------------
# the module itself
# ------------------------------------------------------------------------------------------


def test_import_is_light():
    # scipy.stats costs ~0.7 s and pandas ~0.4 s to import; metrics defers both until used.
    code = (
        "import sys, swp_analysis.metrics; "
        "heavy = [m for m in ('scipy', 'pandas', 'matplotlib', 'seaborn', 'statsmodels') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(m.__file__).rsplit("/swp_analysis/", 1)[0],
    )
    assert out.stdout.strip() == ""


def test_every_public_function_cites_or_explains_its_method():
    for name in m.__all__:
        obj = getattr(m, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name
