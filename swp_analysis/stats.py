"""Statistics: change between periods, Poisson Z, confidence intervals, rates, shares and ranks.

Pure functions, each naming the published method it follows (``docs/methods.md`` explains each
for an analyst). Numbers in, numbers out: the words that describe a result are written by
:mod:`swp_analysis.formatting`, never here.

Conventions
-----------
- Proportions are 0..1; only :func:`pct_change` returns a percent.
- Missing inputs (``None``, NaN, ``pd.NA``) are never silently read as zero: arithmetic raises
  :class:`ValueError`.
- ``polarity`` is one of ``"up_is_good"``, ``"down_is_good"``, ``"none"`` (as in
  ``indicators.yaml``).

Importing this module is cheap: pandas and scipy are imported inside the functions that need
them. Normal quantiles come from the standard library's :class:`statistics.NormalDist`
(Wichura's AS241 algorithm), which matches ``scipy.stats.norm.ppf``.
"""

from __future__ import annotations

import math
import numbers
import sys
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - annotations only
    import pandas as pd

__all__ = [
    "POLARITIES",
    "ChangeSummary",
    "Rate",
    "change_summary",
    "compare_to_benchmark",
    "count_ci",
    "is_missing",
    "pct_change",
    "poisson_z",
    "proportion_ci",
    "rank_among_peers",
    "rank_contributors",
    "rate_per",
    "require_number",
    "share_of_total",
]

POLARITIES = ("up_is_good", "down_is_good", "none")

#: |Z| above this is a signal rather than normal variation (Wheeler 2016).
Z_SIGNAL = 3.0
#: A percentage change on a base below this many events is not shown.
SMALL_BASE = 10
#: Counts at or above this use Byar's approximation; below it the exact Poisson limits.
BYAR_MIN_COUNT = 10
WITHIN_NORMAL = "within normal variation"


# --------------------------------------------------------------------------------------------
# small shared checks
# --------------------------------------------------------------------------------------------


def is_missing(x: Any) -> bool:
    """True for None, NaN (any float type), pd.NA and pd.NaT."""
    if x is None:
        return True
    if isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral):
        return math.isnan(float(x))
    pd = sys.modules.get("pandas")  # if pandas is not loaded, x cannot be one of its nulls
    if pd is not None and (x is pd.NA or x is pd.NaT):
        return True
    return False


def require_number(x: Any, name: str) -> float:
    """``x`` as a finite float, or ValueError naming the argument."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        if is_missing(x):
            raise ValueError(f"{name} is missing ({x!r}); a number is needed")
        raise ValueError(f"{name} must be a number; found {x!r}")
    value = float(x)
    if math.isnan(value):
        raise ValueError(f"{name} is missing (NaN); a number is needed")
    if math.isinf(value):
        raise ValueError(f"{name} must be finite; found {value}")
    return value


def check_polarity(polarity: str, allowed: tuple[str, ...] = POLARITIES) -> str:
    if polarity not in allowed:
        raise ValueError(f"polarity must be one of {', '.join(allowed)}; found {polarity!r}")
    return polarity


def _check_level(level: float) -> float:
    level = require_number(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95 or 0.998); found {level}")
    return level


def _z(level: float) -> float:
    """Two-sided standard normal quantile: 1.959964 for 0.95, 3.090232 for 0.998."""
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


# --------------------------------------------------------------------------------------------
# change between periods
# --------------------------------------------------------------------------------------------


def pct_change(before: float, now: float) -> float | None:
    """Percentage change from ``before`` to ``now``, as a percent: 100 * (now - before) / before.

    6,361 -> 6,858 gives 7.8133 (an increase of 7.8%). Returns ``None`` when ``before`` is 0,
    where a percentage change is undefined. Raises ValueError for missing or negative inputs
    (a percentage of a negative base has no meaning). The standard definition; on a base
    under 10 use :func:`change_summary`, which withholds the percentage.
    """
    b = require_number(before, "before")
    n = require_number(now, "now")
    if b < 0 or n < 0:
        raise ValueError(f"pct_change needs non-negative values; found {before!r} -> {now!r}")
    if b == 0:
        return None
    return 100.0 * (n - b) / b


def poisson_z(before: float, now: float) -> float:
    """Poisson Z-score for a change in a count: Z = 2 * (sqrt(now) - sqrt(before)).

    The square root is the variance-stabilising transform of a Poisson count (Bartlett 1936;
    Anscombe 1948): sqrt(X) has variance close to 1/4 whatever the mean, so 2*sqrt(X) has
    standard deviation close to 1. Proposed for crime counts, with |Z| > 3 as the signal
    threshold, by Andrew P. Wheeler (2016), "Tables and graphs for monitoring temporal crime
    trends: translating theory into practical crime analysis advice", International Journal
    of Police Science & Management 18(3), 159-172.

    Read it as: how many standard deviations ``now`` lies from ``before`` if ``before`` were
    the expected level. When both are single noisy counts the difference of square roots has
    standard deviation sqrt(1/2), so this Z is sqrt(2) times the two-sample statistic and
    |Z| > 3 is a two-sided false-alarm rate of about 3% rather than 0.3% (see methods.md).

    >>> round(poisson_z(16, 25), 6)
    2.0
    """
    b = require_number(before, "before")
    n = require_number(now, "now")
    if b < 0 or n < 0:
        raise ValueError(f"poisson_z needs non-negative counts; found {before!r} -> {now!r}")
    return 2.0 * (math.sqrt(n) - math.sqrt(b))


@dataclass(frozen=True)
class ChangeSummary:
    """A change between two periods, with what the board may safely say about it.

    ``verdict`` is ``"increase"`` or ``"decrease"`` when |Z| > 3 (Wheeler's threshold) and
    ``"within normal variation"`` otherwise. ``caution`` is set when the base is under 10
    events, where a percentage is unreliable (:func:`swp_analysis.formatting.change_text`
    then does not show one).
    """

    before: float
    now: float
    change: float
    pct: float | None
    z: float
    verdict: str
    caution: str | None


def change_summary(before: float, now: float) -> ChangeSummary:
    """Absolute change, percentage change, Poisson Z and a verdict for a pair of counts.

    change = now - before; pct = :func:`pct_change`; z = :func:`poisson_z`;
    verdict = "increase"/"decrease" when |z| > 3, else "within normal variation"
    (Wheeler 2016); caution when before < 10.
    """
    pct = pct_change(before, now)
    z = poisson_z(before, now)
    if abs(z) > Z_SIGNAL:
        verdict = "increase" if z > 0 else "decrease"
    else:
        verdict = WITHIN_NORMAL
    caution = (
        f"percentage change on a base under {SMALL_BASE} is unreliable"
        if float(before) < SMALL_BASE
        else None
    )
    return ChangeSummary(
        before=before,
        now=now,
        change=float(now) - float(before),
        pct=pct,
        z=z,
        verdict=verdict,
        caution=caution,
    )


# --------------------------------------------------------------------------------------------
# confidence intervals and rates
# --------------------------------------------------------------------------------------------


def proportion_ci(numerator: float, denominator: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as proportions 0..1.

    With p = O/n and z the two-sided normal quantile for ``level`` (1.96 for 95%, 3.09 for
    99.8%)::

        lower, upper = (2np + z^2 -/+ z * sqrt(z^2 + 4np(1 - p))) / (2(n + z^2))

    Wilson EB (1927) J Am Stat Assoc 22:209-212; Newcombe RG (1998) Stat Med 17:857-872
    (method 3); the form used by PHE/OHID Fingertips (PHE "Technical Guide: Confidence
    Intervals", and ``wilson_lower``/``wilson_upper`` in PHEindicatormethods). Agrees with
    ``statsmodels ... proportion_confint(method="wilson")``.

    Worked example (Newcombe 1998, table II): 81 of 263 gives 0.2553 to 0.3662.
    """
    o = require_number(numerator, "numerator")
    n = require_number(denominator, "denominator")
    level = _check_level(level)
    if n <= 0:
        raise ValueError(f"denominator must be above 0; found {denominator!r}")
    if not 0 <= o <= n:
        raise ValueError(
            f"numerator must be between 0 and the denominator ({denominator!r}); found {numerator!r}"
        )
    z = _z(level)
    p = o / n
    centre = 2 * n * p + z * z
    half = z * math.sqrt(z * z + 4 * n * p * (1 - p))
    lower = (centre - half) / (2 * (n + z * z))
    upper = (centre + half) / (2 * (n + z * z))
    # Rounding can leave the ends a hair outside [0, 1] or past p at p = 0 or 1.
    return max(0.0, min(lower, p)), min(1.0, max(upper, p))


def count_ci(count: float, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for a count of independent events (a Poisson count).

    For counts of 10 or more, Byar's approximation (Breslow NE, Day NE (1987) Statistical
    Methods in Cancer Research vol. II, IARC, p. 69)::

        lower = O * (1 - 1/(9O) - z/(3 sqrt(O)))^3
        upper = (O + 1) * (1 - 1/(9(O + 1)) + z/(3 sqrt(O + 1)))^3

    Below 10, the exact limits from the chi-squared distribution (Armitage P, Berry G,
    Matthews JNS (2002) Statistical Methods in Medical Research, 4th ed., Blackwell)::

        lower = chi2.ppf(alpha/2, 2O) / 2      (0 when O = 0)
        upper = chi2.ppf(1 - alpha/2, 2(O + 1)) / 2

    This is the split PHE uses (``phe_rate`` in PHEindicatormethods; PHE "Technical Guide:
    Confidence Intervals").
    """
    o = require_number(count, "count")
    level = _check_level(level)
    if o < 0:
        raise ValueError(f"count must not be negative; found {count!r}")
    z = _z(level)
    if o >= BYAR_MIN_COUNT:
        lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
        return lower, upper
    from scipy.stats import chi2  # heavy; only needed for small counts

    alpha = 1 - level
    lower = 0.0 if o == 0 else float(chi2.ppf(alpha / 2, 2 * o)) / 2
    upper = float(chi2.ppf(1 - alpha / 2, 2 * (o + 1))) / 2
    return lower, upper


@dataclass(frozen=True)
class Rate:
    """A rate per ``per`` people with its confidence interval (``level``, default 95%)."""

    value: float
    lower: float
    upper: float
    per: int
    level: float = 0.95


def rate_per(count: float, population: float, per: int = 1000, level: float = 0.95) -> Rate:
    """Crude rate = count / population * per, with the interval of :func:`count_ci` scaled
    the same way (PHE "Technical Guide: Confidence Intervals"; ``phe_rate``).

    Raises ValueError when population <= 0 or per <= 0.
    """
    pop = require_number(population, "population")
    if pop <= 0:
        raise ValueError(f"population must be above 0; found {population!r}")
    if isinstance(per, bool) or not isinstance(per, numbers.Integral) or per <= 0:
        raise ValueError(f"per must be a positive whole number such as 1000; found {per!r}")
    lower, upper = count_ci(count, level)
    scale = per / pop
    return Rate(
        value=float(count) * scale,
        lower=lower * scale,
        upper=upper * scale,
        per=int(per),
        level=level,
    )


def compare_to_benchmark(value: float, lower: float, upper: float, benchmark: float, polarity: str) -> str:
    """Fingertips benchmarking: is the interval wholly above or below the benchmark?

    - lower > benchmark: "higher"; upper < benchmark: "lower"; otherwise (the interval
      includes or touches the benchmark) "similar".
    - With ``polarity`` "up_is_good", higher is "better" and lower "worse"; with
      "down_is_good" the reverse; with "none" the words stay "higher"/"similar"/"lower".
    - "not compared" when the interval or the benchmark is missing (Fingertips shows no
      comparison rather than guessing).

    Source: PHE/OHID Fingertips "Technical Guide: Confidence Intervals" and the Fingertips
    benchmarking rule ("compared with benchmark: confidence interval method").
    """
    check_polarity(polarity)
    if any(is_missing(x) for x in (lower, upper, benchmark)):
        return "not compared"
    lo = require_number(lower, "lower")
    hi = require_number(upper, "upper")
    bench = require_number(benchmark, "benchmark")
    if lo > hi:
        raise ValueError(f"lower ({lower!r}) is above upper ({upper!r})")
    if not is_missing(value) and not lo <= require_number(value, "value") <= hi:
        raise ValueError(f"value {value!r} lies outside its interval {lower!r} to {upper!r}")
    if lo > bench:
        side = "higher"
    elif hi < bench:
        side = "lower"
    else:
        return "similar"
    if polarity == "none":
        return side
    good = "higher" if polarity == "up_is_good" else "lower"
    return "better" if side == good else "worse"


# --------------------------------------------------------------------------------------------
# shares and ranks
# --------------------------------------------------------------------------------------------


def _check_counts(counts: pd.Series, name: str = "counts") -> None:
    if counts.isna().any():
        missing = ", ".join(repr(i) for i in counts.index[counts.isna()][:5])
        raise ValueError(f"{name} has missing values (at {missing}); fill or drop them first")
    if (counts < 0).any():
        negative = ", ".join(repr(i) for i in counts.index[counts < 0][:5])
        raise ValueError(f"{name} has negative values (at {negative})")


def share_of_total(counts: pd.Series) -> pd.Series:
    """Each count's share of the total, as proportions 0..1 with the same index.

    share_i = count_i / sum(counts). ValueError when the total is 0 or a count is missing
    or negative (a missing count is never read as zero).
    """
    _check_counts(counts)
    total = counts.sum()
    if total == 0:
        raise ValueError("the counts add up to 0, so no share of the total can be given")
    return (counts / total).astype(float).rename("share")


def rank_contributors(counts: pd.Series) -> pd.DataFrame:
    """The contributors to a total, largest first: columns ``count``, ``share``, ``rank``.

    ``rank`` 1 is the largest count. Ties use the "min" method (competition ranking,
    "1, 2, 2, 4"): tied counts share the best rank and the next rank is skipped, so a rank
    always says how many contributors are strictly larger (rank - 1). Rows are sorted by
    rank; tied rows keep their input order.
    """
    import pandas as pd

    share = share_of_total(counts)
    rank = counts.rank(method="min", ascending=False).astype(int)
    table = pd.DataFrame({"count": counts, "share": share, "rank": rank}, index=counts.index)
    return table.sort_values("rank", kind="stable")


def _peer_values(table: pd.DataFrame | pd.Series, metric: str | None) -> pd.Series:
    import pandas as pd

    if isinstance(table, pd.Series):
        if metric is not None and metric != table.name:
            raise ValueError(
                f"metric {metric!r} given with a Series named {table.name!r}; "
                "pass metric=None or the DataFrame"
            )
        values = table
    elif isinstance(table, pd.DataFrame):
        if metric is None:
            if table.shape[1] != 1:
                raise ValueError(f"metric is needed to choose among columns {list(table.columns)}")
            metric = table.columns[0]
        if metric not in table.columns:
            raise KeyError(f"no column {metric!r}; columns are {list(table.columns)}")
        values = table[metric]
    else:
        raise TypeError(f"expected a pandas DataFrame or Series; found {type(table).__name__}")
    if values.index.has_duplicates:
        dupes = sorted({str(a) for a in values.index[values.index.duplicated()]})
        raise ValueError(f"each area must appear once; repeated: {', '.join(dupes)}")
    return pd.to_numeric(values, errors="raise").astype(float)


def rank_among_peers(table: pd.DataFrame | pd.Series, metric: str | None, polarity: str) -> pd.DataFrame:
    """Rank each area among its peers: one row per area with value, rank, tied and of.

    - Rank 1 is the best: the highest value for "up_is_good", the lowest for
      "down_is_good". For "none" rank 1 is the highest and labels say "highest".
    - Ties use the "min" method (competition ranking): tied areas share the better rank,
      ``tied`` is True (:func:`swp_analysis.formatting.rank_label` then says "joint").
    - Areas with no value are not ranked (rank <NA>) and do not count in ``of``, the number
      of areas ranked.

    Rows are sorted by rank (best first), unranked last. Source: competition ranking as in
    the ONS/Fingertips area-comparison tables; ties made explicit so no area is shown as
    uniquely placed when it is not.
    """
    import pandas as pd

    check_polarity(polarity)
    values = _peer_values(table, metric)
    present = values.notna()
    n = int(present.sum())
    ascending = polarity == "down_is_good"
    rank = values.rank(method="min", ascending=ascending).astype("Int64")
    tied = values.duplicated(keep=False) & present
    out = pd.DataFrame(
        {
            "value": values,
            "rank": rank,
            "tied": tied.astype(bool),
            "of": n,
        },
        index=values.index,
    )
    return out.sort_values("rank", kind="stable", na_position="last")
