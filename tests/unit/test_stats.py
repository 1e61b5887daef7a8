"""Tests for swp_analysis.stats.

Expected values come from published worked examples (cited beside each), from the reference
report (`../shared/reference/swp-annual-report-2017-19.txt`, quoted by line), or are computed
here independently of the function under test (a different algebraic form, a different scipy
routine, or a root-finder). None is pasted from the function's own output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize
from scipy import stats as scipy_stats

from swp_analysis.formatting import (
    change_text,
    change_with_verdict,
    fmt_pct,
    fmt_prop,
    ordinal,
    peer_rank_label,
    rank_label,
    rate_text,
)
from swp_analysis.ratings import compare_to_target
from swp_analysis.stats import (
    Rate,
    change_summary,
    compare_to_benchmark,
    count_ci,
    pct_change,
    poisson_z,
    proportion_ci,
    rank_among_peers,
    rank_contributors,
    rate_per,
    share_of_total,
)

# ------------------------------------------------------------------------------------------
# change: the reference report's figures
# ------------------------------------------------------------------------------------------


def test_domestic_abuse_reports_reference_report():
    # Footnote 3: "6858 reports were received during 2018-2019 compared to 6361 during
    # 2017-2018". (6858 - 6361) / 6361 = 497 / 6361 = 0.078132...; the report's text says
    # "4.7% increase", which these figures do not support.
    assert pct_change(6361, 6858) == pytest.approx(7.8133, abs=1e-4)
    summary = change_summary(6361, 6858)
    assert change_text(summary) == "an increase of 7.8% (6,361 to 6,858)"
    assert "4.7%" not in change_text(summary)
    assert summary.change == 497
    # Z = 2 * (82.8130 - 79.7559) = 6.114 by hand: a signal.
    assert summary.z == pytest.approx(6.114, abs=1e-3)
    assert summary.verdict == "increase"
    assert summary.caution is None


def test_marac_cases_reference_report():
    # Footnote 4: 543 cases in 2018-19 against 460 in 2017-18; the report says "18% increase".
    # 83 / 460 = 0.18043...
    assert pct_change(460, 543) == pytest.approx(18.0435, abs=1e-4)
    assert change_text(change_summary(460, 543)) == "an increase of 18.0% (460 to 543)"


def test_hate_crimes_reference_report():
    # Footnote 6: 120 recorded in 2017-18, 385 in 2018-19. The change is 265 / 120 = +220.8%.
    # The report's "31.2% increase" is in fact 120 / 385 = 0.3117, last year as a share of this.
    assert pct_change(120, 385) == pytest.approx(220.8333, abs=1e-4)
    assert change_text(change_summary(120, 385)) == "an increase of 220.8% (120 to 385)"
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
    assert change_text(summary) == "a decrease of 1.7% (978 to 961)"
    # 2 * (31 - 31.2730) = -0.546: not a signal.
    assert summary.z == pytest.approx(-0.546, abs=1e-3)
    assert summary.verdict == "within normal variation"
    assert change_with_verdict(summary) == "a decrease of 1.7% (978 to 961), within normal variation"


def test_change_summary_significant_decrease():
    summary = change_summary(400, 300)  # 2 * (17.3205 - 20) = -5.36
    assert summary.verdict == "decrease"
    assert change_text(summary) == "a decrease of 25.0% (400 to 300)"
    assert change_with_verdict(summary).endswith("larger than normal variation")


def test_change_summary_threshold_is_strictly_above_three():
    # Exact squares: sqrt(16) - sqrt(6.25) = 4 - 2.5 = 1.5, so Z is exactly 3: not a signal.
    assert poisson_z(6.25, 16) == 3.0
    assert change_summary(6.25, 16).verdict == "within normal variation"
    assert change_summary(16, 6.25).verdict == "within normal variation"
    assert change_summary(6.25, 16.5).verdict == "increase"  # 2 * (4.062 - 2.5) = 3.12


def test_change_summary_no_change():
    assert change_text(change_summary(5, 5)) == "no change (5 to 5)"
    assert change_text(change_summary(0, 0)) == "no change (0 to 0)"
    assert change_text(change_summary(1200, 1200)) == "no change (1,200 to 1,200)"


def test_change_summary_small_base_hides_percentage():
    summary = change_summary(4, 7)
    assert change_text(summary) == "an increase from 4 to 7 (percentage not shown: base under 10)"
    assert summary.caution == "percentage change on a base under 10 is unreliable"
    assert "%" not in change_text(summary)
    assert change_text(change_summary(9, 2)) == (
        "a decrease from 9 to 2 (percentage not shown: base under 10)"
    )
    assert change_summary(0, 3).pct is None
    assert change_summary(10, 12).caution is None  # 10 is not under 10


def test_change_summary_tiny_change_is_not_shown_as_zero_percent():
    assert change_text(change_summary(10000, 10001)) == "an increase of less than 0.1% (10,000 to 10,001)"


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
        assert summary.caution is not None and "%" not in change_text(summary)
    assert "nan" not in change_text(summary).lower()


# ------------------------------------------------------------------------------------------
# proportions: Wilson score interval
# ------------------------------------------------------------------------------------------


def wilson_by_hand(k: float, n: float, level: float) -> tuple[float, float]:
    """Wilson (1927) in its centre-and-half-width form, a different algebraic route to the
    same interval: (p + z^2/2n +/- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)."""
    z = scipy_stats.norm.ppf(1 - (1 - level) / 2)
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
        else optimize.brentq(lambda mu: scipy_stats.poisson.sf(count - 1, mu) - alpha / 2, 1e-12, count + 100)
    )
    upper = optimize.brentq(
        lambda mu: scipy_stats.poisson.cdf(count, mu) - alpha / 2, 1e-12, 10 * count + 100
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
    z = scipy_stats.norm.ppf(1 - (1 - level) / 2)
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
    z = scipy_stats.norm.ppf(0.975)
    lower, upper = byar_by_hand(543, z)
    assert rate.lower == pytest.approx(lower / 260, rel=1e-12)
    assert rate.upper == pytest.approx(upper / 260, rel=1e-12)
    assert rate_text(rate) == "2.1 per 1,000 (95% confidence interval 1.9 to 2.3)"
    per_100k = rate_per(3, 250_000, per=100_000, level=0.998)
    assert per_100k.value == pytest.approx(1.2)
    assert rate_text(per_100k).startswith("1.2 per 100,000 (99.8% confidence interval")


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
    assert list(ranked.columns) == ["value", "rank", "tied", "of"]
    # Lowest is best: Solihull 60, Sandwell 70, Walsall 80, Coventry 88, then the two 95s
    # tie for 5th, Birmingham 120 is 7th.
    assert _label(ranked, "Solihull") == "best of 7"
    assert _label(ranked, "Sandwell") == "2nd best of 7"
    assert _label(ranked, "Wolverhampton") == "joint 5th best of 7"
    assert _label(ranked, "Dudley") == "joint 5th best of 7"
    assert _label(ranked, "Birmingham") == "7th best of 7"
    assert bool(ranked.loc["Wolverhampton", "tied"]) and not bool(ranked.loc["Walsall", "tied"])
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5, 5, 7]


def test_rank_among_peers_up_is_good_and_none(peers):
    up = rank_among_peers(peers, "rate", "up_is_good")
    assert _label(up, "Birmingham") == "best of 7"
    assert _label(up, "Wolverhampton") == "joint 2nd best of 7"
    assert _label(up, "Coventry") == "4th best of 7"
    neutral = rank_among_peers(peers, "change", "none")
    assert _label(neutral, "Solihull", "highest") == "2nd highest of 7"
    assert _label(neutral, "Coventry", "highest") == "highest of 7"


def test_rank_among_peers_series_and_missing_values():
    values = pd.Series({"A": 3.0, "B": None, "C": 1.0, "D": 2.0})
    ranked = rank_among_peers(values, None, "up_is_good")
    assert _label(ranked, "B") == "not ranked (no value)"
    assert pd.isna(ranked.loc["B", "rank"])
    assert _label(ranked, "A") == "best of 3"  # the unranked area is not counted
    assert ranked.index[-1] == "B"


def test_peer_rank_label(peers):
    assert peer_rank_label(peers, "Wolverhampton", "rate", "down_is_good") == ("joint 5th best of 7")
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
        assert rank_label(row["rank"], row["of"], row["tied"]).endswith(f"of {len(values)}")
        assert rank_label(row["rank"], row["of"], row["tied"]).startswith("joint ") == row["tied"]


def _label(ranked: pd.DataFrame, area: str, word: str = "best") -> str:
    row = ranked.loc[area]
    return rank_label(row["rank"], int(row["of"]), bool(row["tied"]), word)
