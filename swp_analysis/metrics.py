"""The report's arithmetic: pure functions, each naming the published method it follows.

Scalars and pandas objects in, scalars and pandas objects out; nothing here reads files,
draws, or holds state. ``docs/methods.md`` explains every method for an analyst.

Conventions
-----------
- Proportions are 0..1 everywhere in data; only :func:`pct_change` returns a percent, and
  only the ``fmt_*`` helpers turn numbers into text.
- Missing inputs (``None``, NaN, ``pd.NA``) are never silently read as zero: arithmetic raises
  :class:`ValueError`, formatting says "not supplied".
- Fiscal years run April to March and are labelled ``"2018-19"``.
- ``polarity`` is one of ``"up_is_good"``, ``"down_is_good"``, ``"none"`` (as in
  ``indicators.yaml``).

Importing this module is cheap: pandas, numpy and scipy are imported inside the functions
that need them (scipy.stats alone costs ~0.7 s), so ``swp --help`` does not pay for them.
Normal quantiles come from the standard library's :class:`statistics.NormalDist` (Wichura's
AS241 algorithm, accurate to double precision), which matches ``scipy.stats.norm.ppf``.
"""

from __future__ import annotations

import enum
import math
import numbers
import operator
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - annotations only
    import pandas as pd

__all__ = [
    "POLARITIES",
    "ChangeSummary",
    "Rate",
    "Rating",
    "TargetResult",
    "change_summary",
    "compare_to_benchmark",
    "compare_to_target",
    "count_ci",
    "fiscal_year",
    "fiscal_year_months",
    "fiscal_years",
    "fmt_count",
    "fmt_gbp",
    "fmt_number",
    "fmt_pct",
    "fmt_prop",
    "next_year",
    "ordinal",
    "pct_change",
    "peer_rank_label",
    "poisson_z",
    "previous_year",
    "proportion_ci",
    "rank_among_peers",
    "rank_contributors",
    "rate_per",
    "rating_disagrees",
    "share_of_total",
    "suggest_rating",
    "suppress",
]

POLARITIES = ("up_is_good", "down_is_good", "none")

#: |Z| above this is a signal rather than normal variation (Wheeler 2016).
Z_SIGNAL = 3.0
#: A percentage change on a base below this many events is not shown.
SMALL_BASE = 10
#: Counts at or above this use Byar's approximation; below it the exact Poisson limits.
BYAR_MIN_COUNT = 10
SUPPRESSED = "*"
NOT_SUPPLIED = "not supplied"


# --------------------------------------------------------------------------------------------
# small shared checks
# --------------------------------------------------------------------------------------------


def _is_missing(x: Any) -> bool:
    """True for None, NaN (any float type), pd.NA and pd.NaT."""
    if x is None:
        return True
    if isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral):
        return math.isnan(float(x))
    pd = sys.modules.get("pandas")  # if pandas is not loaded, x cannot be one of its nulls
    if pd is not None and (x is pd.NA or x is pd.NaT):
        return True
    return False


def _number(x: Any, name: str) -> float:
    """``x`` as a finite float, or ValueError naming the argument."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        if _is_missing(x):
            raise ValueError(f"{name} is missing ({x!r}); a number is needed")
        raise ValueError(f"{name} must be a number; found {x!r}")
    value = float(x)
    if math.isnan(value):
        raise ValueError(f"{name} is missing (NaN); a number is needed")
    if math.isinf(value):
        raise ValueError(f"{name} must be finite; found {value}")
    return value


def _check_polarity(polarity: str, allowed: tuple[str, ...] = POLARITIES) -> str:
    if polarity not in allowed:
        raise ValueError(f"polarity must be one of {', '.join(allowed)}; found {polarity!r}")
    return polarity


def _check_level(level: float) -> float:
    level = _number(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95 or 0.998); found {level}")
    return level


def _z(level: float) -> float:
    """Two-sided standard normal quantile: 1.959964 for 0.95, 3.090232 for 0.998."""
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


# --------------------------------------------------------------------------------------------
# fiscal years
# --------------------------------------------------------------------------------------------

_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ].*)?)?$")
_FY_TEXT = re.compile(r"^(\d{4})-(\d{2})$")


def _fy_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def fiscal_year(date_or_month: Any) -> str:
    """The April-to-March fiscal year containing a date or month, labelled ``"2018-19"``.

    Accepts ``"YYYY-MM"`` (the police.uk month), ``"YYYY-MM-DD"`` (optionally with a time),
    :class:`datetime.date`, :class:`datetime.datetime`, ``pd.Timestamp``, ``pd.Period`` and
    ``numpy.datetime64``. Rule (HM Treasury / local government financial year): months April
    to December belong to the year that starts in that calendar year; January to March to the
    year that started the calendar year before. So April 2018 and March 2019 are both
    ``"2018-19"``.

    >>> fiscal_year("2018-04"), fiscal_year("2019-03-31")
    ('2018-19', '2018-19')
    """
    year, month = _year_month(date_or_month)
    return _fy_label(year if month >= 4 else year - 1)


def _year_month(value: Any) -> tuple[int, int]:
    if _is_missing(value):
        raise ValueError(f"no date given ({value!r}); a month like '2018-04' is needed")
    if isinstance(value, str):
        match = _MONTH_TEXT.match(value.strip())
        if match is None:
            raise ValueError(f"not a month or date: {value!r}; expected 'YYYY-MM' or 'YYYY-MM-DD'")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"not a month or date: {value!r}; month {month} is not 1-12")
        if match.group(3) is not None:
            date(year, month, int(match.group(3)))  # ValueError for 2018-02-30
        return year, month
    if isinstance(value, (date, datetime)) or (
        hasattr(value, "year") and hasattr(value, "month")  # pd.Timestamp, pd.Period
    ):
        return int(value.year), int(value.month)
    if type(value).__name__ == "datetime64":
        import pandas as pd

        stamp = pd.Timestamp(value)
        if stamp is pd.NaT:
            raise ValueError("no date given (NaT); a month like '2018-04' is needed")
        return stamp.year, stamp.month
    raise ValueError(f"not a month or date: {value!r}; expected 'YYYY-MM' or a date")


def fiscal_years(values: pd.Series) -> pd.Series:
    """Vectorised :func:`fiscal_year` for a column of months or dates (same index).

    Strings are parsed as ISO 8601 (``"2018-04"``, ``"2018-04-15"``); datetime columns are
    used as they are. Any value that cannot be read raises ValueError listing a few of them,
    rather than becoming NaN.
    """
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values
    else:
        stamps = pd.to_datetime(
            values.astype("string").str.strip(), format="ISO8601", errors="coerce"
        )
    bad = stamps.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].head(5).tolist())
        raise ValueError(f"{int(bad.sum())} value(s) are not months or dates: {examples}")
    start = stamps.dt.year - (stamps.dt.month < 4).astype(int)
    end = ((start + 1) % 100).astype(str).str.zfill(2)
    return (start.astype(str) + "-" + end).rename(values.name)


def _parse_fy(fy: str) -> int:
    """The starting calendar year of a fiscal-year label, after checking the label."""
    match = _FY_TEXT.match(fy.strip()) if isinstance(fy, str) else None
    if match is None:
        raise ValueError(f"not a fiscal year: {fy!r}; expected a label like '2018-19'")
    start = int(match.group(1))
    if int(match.group(2)) != (start + 1) % 100:
        raise ValueError(
            f"not a fiscal year: {fy!r}; the second part must be the following year "
            f"({_fy_label(start)!r})"
        )
    return start


def previous_year(fy: str) -> str:
    """The fiscal year before ``fy``: ``"2018-19"`` -> ``"2017-18"``. ValueError on bad labels."""
    return _fy_label(_parse_fy(fy) - 1)


def next_year(fy: str) -> str:
    """The fiscal year after ``fy``: ``"2018-19"`` -> ``"2019-20"``. ValueError on bad labels."""
    return _fy_label(_parse_fy(fy) + 1)


def fiscal_year_months(fy: str) -> list[str]:
    """The twelve police.uk months of ``fy``: ``["2018-04", ..., "2019-03"]``."""
    start = _parse_fy(fy)
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in (1, 2, 3)]


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
    b = _number(before, "before")
    n = _number(now, "now")
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
    b = _number(before, "before")
    n = _number(now, "now")
    if b < 0 or n < 0:
        raise ValueError(f"poisson_z needs non-negative counts; found {before!r} -> {now!r}")
    return 2.0 * (math.sqrt(n) - math.sqrt(b))


@dataclass(frozen=True)
class ChangeSummary:
    """A change between two periods, with what the board may safely say about it.

    ``verdict`` is ``"increase"`` or ``"decrease"`` when |Z| > 3 (Wheeler's threshold) and
    ``"within normal variation"`` otherwise. ``caution`` is set when the base is under 10
    events, where a percentage is unreliable and :attr:`text` does not show one.
    """

    before: float
    now: float
    change: float
    pct: float | None
    z: float
    verdict: str
    caution: str | None

    @property
    def text(self) -> str:
        """Plain English for narrative: ``"an increase of 7.8% (6,361 to 6,858)"``.

        Small base: ``"an increase from 4 to 7 (percentage not shown: base under 10)"``.
        """
        span = f"{fmt_count(self.before)} to {fmt_count(self.now)}"
        if self.change == 0:
            return f"no change ({span})"
        direction = "an increase" if self.change > 0 else "a decrease"
        if self.pct is None or self.caution is not None:
            return f"{direction} from {span} (percentage not shown: base under {SMALL_BASE})"
        if abs(self.pct) < 0.05:
            return f"{direction} of less than 0.1% ({span})"
        return f"{direction} of {fmt_pct(abs(self.pct))} ({span})"

    @property
    def text_with_verdict(self) -> str:
        """:attr:`text` followed by whether the change is a signal or normal variation."""
        if self.verdict == "within normal variation":
            tail = "within normal variation"
        else:
            tail = "larger than normal variation"
        return f"{self.text}, {tail}"


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
        verdict = "within normal variation"
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
    o = _number(numerator, "numerator")
    n = _number(denominator, "denominator")
    level = _check_level(level)
    if n <= 0:
        raise ValueError(f"denominator must be above 0; found {denominator!r}")
    if not 0 <= o <= n:
        raise ValueError(
            f"numerator must be between 0 and the denominator ({denominator!r}); "
            f"found {numerator!r}"
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
    o = _number(count, "count")
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

    @property
    def text(self) -> str:
        """``"12.3 per 1,000 (95% confidence interval 11.2 to 13.5)"``."""
        return (
            f"{fmt_number(self.value)} per {fmt_count(self.per)} "
            f"({fmt_number(self.level * 100, dp=1)}% confidence interval "
            f"{fmt_number(self.lower)} to {fmt_number(self.upper)})"
        )


def rate_per(count: float, population: float, per: int = 1000, level: float = 0.95) -> Rate:
    """Crude rate = count / population * per, with the interval of :func:`count_ci` scaled
    the same way (PHE "Technical Guide: Confidence Intervals"; ``phe_rate``).

    Raises ValueError when population <= 0 or per <= 0.
    """
    pop = _number(population, "population")
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


def compare_to_benchmark(
    value: float, lower: float, upper: float, benchmark: float, polarity: str
) -> str:
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
    _check_polarity(polarity)
    if any(_is_missing(x) for x in (lower, upper, benchmark)):
        return "not compared"
    lo = _number(lower, "lower")
    hi = _number(upper, "upper")
    bench = _number(benchmark, "benchmark")
    if lo > hi:
        raise ValueError(f"lower ({lower!r}) is above upper ({upper!r})")
    if not _is_missing(value) and not lo <= _number(value, "value") <= hi:
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


@dataclass(frozen=True)
class TargetResult:
    """Whether a target was met, and by how much it was missed or beaten.

    ``gap`` is in the indicator's own units: positive = how far short of the target,
    negative = how far beyond it, 0 = exactly on it.
    """

    met: bool
    gap: float
    text: str


_UNITS = ("number", "count", "rate", "proportion", "percent", "gbp")


def _fmt_in_unit(x: float, unit: str) -> str:
    if unit == "count":
        return fmt_count(x)
    if unit == "proportion":
        return fmt_prop(x)
    if unit == "percent":
        return fmt_pct(x)
    if unit == "gbp":
        return fmt_gbp(x)
    return fmt_number(x)


def _fmt_gap(gap: float, unit: str) -> str:
    if unit == "proportion":
        return f"{fmt_number(gap * 100, dp=1, whole=False)} percentage points"
    if unit == "percent":
        return f"{fmt_number(gap, dp=1, whole=False)} percentage points"
    return _fmt_in_unit(gap, unit)


def compare_to_target(
    value: float, target: float, polarity: str, unit: str = "number"
) -> TargetResult:
    """Has an indicator met its target? Reaching the target exactly counts as met.

    - "down_is_good": met when value <= target; gap = value - target.
    - "up_is_good": met when value >= target; gap = target - value.
    - "none": no target can be met or missed without a direction: ValueError.

    ``unit`` ("number", "count", "rate", "proportion", "percent", "gbp", as in
    ``indicators.yaml``) only changes the wording of :attr:`TargetResult.text`; a gap in a
    proportion or percent is worded in percentage points.

    Reference report: 74.3% of drug tests positive against a target of below 70% ->
    not met, gap 4.3 (percentage points).
    """
    _check_polarity(polarity, ("up_is_good", "down_is_good"))
    if unit not in _UNITS:
        raise ValueError(f"unit must be one of {', '.join(_UNITS)}; found {unit!r}")
    v = _number(value, "value")
    t = _number(target, "target")
    gap = v - t if polarity == "down_is_good" else t - v
    met = gap <= 0
    bound = "or below" if polarity == "down_is_good" else "or above"
    diff = v - t
    if diff == 0:
        where = "exactly on target"
    else:
        where = f"{_fmt_gap(abs(diff), unit)} {'above' if diff > 0 else 'below'} it"
    text = (
        f"Target {'met' if met else 'not met'}: {_fmt_in_unit(v, unit)} against a target of "
        f"{_fmt_in_unit(t, unit)} {bound} ({where})"
    )
    return TargetResult(met=met, gap=gap, text=text)


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


def ordinal(n: int) -> str:
    """English ordinal: 1 -> "1st", 2 -> "2nd", 3 -> "3rd", 11 -> "11th", 22 -> "22nd"."""
    if isinstance(n, bool):
        raise ValueError(f"ordinal needs a whole number; found {n!r}")
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"ordinal needs a number of 0 or more; found {n}")
    if 11 <= n % 100 <= 13:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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


def rank_among_peers(
    table: pd.DataFrame | pd.Series, metric: str | None, polarity: str
) -> pd.DataFrame:
    """Rank each area among its peers: one row per area with value, rank, tied and label.

    - Rank 1 is the best: the highest value for "up_is_good", the lowest for
      "down_is_good". For "none" rank 1 is the highest and labels say "highest".
    - Ties use the "min" method (competition ranking): tied areas share the better rank,
      ``tied`` is True, and the label says "joint", e.g. "joint 2nd best of 7".
    - Rank 1 reads "best of 7" (or "highest of 7"), not "1st best of 7".
    - Areas with no value are not ranked (rank <NA>, label "not ranked (no value)") and do
      not count in "of N".

    Rows are sorted by rank (best first), unranked last. Source: competition ranking as in
    the ONS/Fingertips area-comparison tables; ties made explicit so no area is shown as
    uniquely placed when it is not.
    """
    import pandas as pd

    _check_polarity(polarity)
    values = _peer_values(table, metric)
    present = values.notna()
    n = int(present.sum())
    ascending = polarity == "down_is_good"
    rank = values.rank(method="min", ascending=ascending).astype("Int64")
    tied = values.duplicated(keep=False) & present
    word = "highest" if polarity == "none" else "best"

    def label(area: Any) -> str:
        if not present.at[area]:
            return "not ranked (no value)"
        r = int(rank.at[area])
        place = word if r == 1 else f"{ordinal(r)} {word}"
        return f"{'joint ' if tied.at[area] else ''}{place} of {n}"

    out = pd.DataFrame(
        {
            "value": values,
            "rank": rank,
            "tied": tied.astype(bool),
            "label": [label(a) for a in values.index],
        },
        index=values.index,
    )
    return out.sort_values("rank", kind="stable", na_position="last")


def peer_rank_label(
    table: pd.DataFrame | pd.Series, area: str, metric: str | None, polarity: str
) -> str:
    """The :func:`rank_among_peers` label for one area, e.g. "2nd best of 7".

    KeyError, listing the areas present, when ``area`` is not in the table.
    """
    ranked = rank_among_peers(table, metric, polarity)
    if area not in ranked.index:
        raise KeyError(f"area {area!r} not found; areas are {', '.join(map(str, ranked.index))}")
    return str(ranked.at[area, "label"])


# --------------------------------------------------------------------------------------------
# delivery ratings (RAG)
# --------------------------------------------------------------------------------------------

# Colours: each has a text colour with WCAG 2.2 contrast >= 4.5:1 on it, and the colour itself
# has >= 3:1 against a white page (WCAG 1.4.11 non-text contrast). Blue, green and red are
# GOV.UK Design System colours.
_RATING_STYLE: dict[str, tuple[str, str, str, str, int | None]] = {
    # name: (rag, colour, text colour, symbol, level)
    "COMPLETE": ("blue", "#1D70B8", "#FFFFFF", "✓", 4),  # white on it 5.17:1
    "ON_TARGET": ("green", "#00703C", "#FFFFFF", "●", 3),  # 6.21:1
    "MORE_WORK": ("amber", "#D97706", "#000000", "▲", 2),  # black on it 6.59:1
    "NOT_ON_TRACK": ("red", "#D4351C", "#FFFFFF", "✕", 1),  # 4.86:1
    "NOT_YET_RATED": ("grey", "#505A5F", "#FFFFFF", "–", None),  # 7.07:1
}


def _norm_words(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", text).lower().split())


class Rating(enum.Enum):
    """The reference report's four-level delivery key, plus a reset state.

    Each rating carries a ``label`` (the report's wording), a ``rag`` colour word, a
    ``colour`` with its ``text_colour`` (contrast >= 4.5:1) and a distinct ``symbol``, so
    the rating never depends on colour alone (WCAG 2.2, 1.4.1 Use of Color).
    """

    COMPLETE = "Complete"
    ON_TARGET = "On target for delivery"
    MORE_WORK = "More work needed to meet objectives"
    NOT_ON_TRACK = "Not on track for delivery"
    NOT_YET_RATED = "Not yet rated"

    @property
    def label(self) -> str:
        return self.value

    @property
    def rag(self) -> str:
        return _RATING_STYLE[self.name][0]

    @property
    def colour(self) -> str:
        return _RATING_STYLE[self.name][1]

    @property
    def text_colour(self) -> str:
        return _RATING_STYLE[self.name][2]

    @property
    def symbol(self) -> str:
        return _RATING_STYLE[self.name][3]

    @property
    def level(self) -> int | None:
        """4 Complete, 3 On target, 2 More work, 1 Not on track; None when not yet rated."""
        return _RATING_STYLE[self.name][4]

    @classmethod
    def parse(cls, text: str) -> Rating:
        """A rating from its label, member name or RAG colour word, ignoring case.

        "On target for delivery", "ON_TARGET", "on-target" and "green" all give ON_TARGET;
        "grey"/"gray" give NOT_YET_RATED. ValueError listing the valid labels otherwise.
        """
        if isinstance(text, cls):
            return text
        if isinstance(text, str):
            key = _norm_words(text)
            for member in cls:
                names = {_norm_words(member.label), _norm_words(member.name), member.rag}
                if member is cls.NOT_YET_RATED:
                    names.add("gray")
                if key in names:
                    return member
        valid = "; ".join(f"{m.label!r}" for m in cls)
        raise ValueError(
            f"not a delivery rating: {text!r}. Use one of {valid} (or blue/green/amber/red/grey)"
        )


def suggest_rating(results: list[TargetResult | None]) -> Rating | None:
    """What an objective's linked indicators say about its delivery.

    Rule (documented in methods.md): ignore indicators with no result (``None``: no data or
    no target); with none left return ``None`` (no evidence). All targets met ->
    ON_TARGET; none met -> NOT_ON_TRACK; some met -> MORE_WORK. Indicators can never show
    that an objective is COMPLETE (that is a fact about delivery, not a number), so the
    suggestion is at most ON_TARGET.
    """
    evidence = [r for r in results if r is not None]
    if not evidence:
        return None
    met = sum(1 for r in evidence if r.met)
    if met == len(evidence):
        return Rating.ON_TARGET
    if met == 0:
        return Rating.NOT_ON_TRACK
    return Rating.MORE_WORK


def rating_disagrees(lead: Rating, suggested: Rating | None) -> bool:
    """True when the lead's rating is more optimistic than the indicators' suggestion.

    Rule: compare levels (Complete and On target both count as 3, since the indicators can
    suggest at most On target; More work 2; Not on track 1). Flag when lead > suggested.
    Never flag when there is no evidence (``suggested`` None or NOT_YET_RATED) or the lead
    has not rated yet. A lead more cautious than the numbers is not flagged: the risk for a
    board is false reassurance, and a lead may know of problems the indicators miss.
    """
    if suggested is None or suggested is Rating.NOT_YET_RATED or lead is Rating.NOT_YET_RATED:
        return False
    lead_level = min(lead.level or 0, 3)
    suggested_level = min(suggested.level or 0, 3)
    return lead_level > suggested_level


# --------------------------------------------------------------------------------------------
# disclosure control
# --------------------------------------------------------------------------------------------


def suppress(table: pd.DataFrame | pd.Series, threshold: int = 5) -> pd.DataFrame | pd.Series:
    """Disclosure control for a breakdown below the whole area (ONS practice; methods.md).

    Primary suppression: counts from 1 to ``threshold - 1`` are shown as "*". Zero stays 0.

    Secondary suppression, so no "*" can be worked out exactly from the row and column
    totals (which are assumed published, e.g. the area total by crime type):

    1. While some row or column (of two or more cells) holds exactly one "*", also
       suppress the smallest non-zero unsuppressed cell in it; but first prefer a cell
       whose crossing line also holds a lone "*" (one extra "*" then protects two lines),
       then the first in reading order among equal values; a zero only if no non-zero
       cell is left.
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


def _whole_count(x: Any, row: Any, column: Any) -> int:
    where = f"row {row!r}, column {column!r}"
    if _is_missing(x):
        raise ValueError(
            f"suppress needs every cell; {where} is missing. Fill true zeros with 0 first"
        )
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
        for line in lines:  # step 1: a lone "*" in a line
            line_cells = cells(line)
            if sum(mask[c] for c in line_cells) == 1:
                free = [c for c in line_cells if not mask[c]]
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


# --------------------------------------------------------------------------------------------
# formatting for narrative and tables
# --------------------------------------------------------------------------------------------


def _round_half_up(x: float, dp: int) -> Decimal:
    """Round as a person (and Excel) would: 7.85 -> 7.9, 2.5 -> 3, on the decimal shown.

    Python's own rounding is round-half-even on the binary value, which turns 7.85 into 7.8.
    """
    quantum = Decimal(1).scaleb(-dp)
    result = Decimal(repr(float(x))).quantize(quantum, rounding=ROUND_HALF_UP)
    return result + 0  # normalise -0 to 0


def _format_decimal(d: Decimal, dp: int) -> str:
    text = f"{d:,.{dp}f}"
    return text[1:] if text.startswith("-") and d == 0 else text


def fmt_number(x: Any, dp: int = 1, whole: bool = True) -> str:
    """A number for prose: thousands separators, ``dp`` decimals, halves rounded up.

    Whole numbers show no decimals when ``whole`` is True (70 -> "70", 74.3 -> "74.3",
    1234.56 -> "1,234.6"). None/NaN -> "not supplied".
    """
    if _is_missing(x):
        return NOT_SUPPLIED
    value = _number(x, "value")
    if whole and value == int(value):
        return f"{int(value):,}"
    return _format_decimal(_round_half_up(value, dp), dp)


def fmt_count(n: Any) -> str:
    """A count with thousands separators: 6858 -> "6,858".

    None/NaN -> "not supplied"; a suppressed cell ("*") passes through unchanged.
    A non-whole count is shown to 2 decimal places rather than silently rounded.
    """
    if isinstance(n, str) and n == SUPPRESSED:
        return SUPPRESSED
    if _is_missing(n):
        return NOT_SUPPLIED
    value = _number(n, "count")
    if value == int(value):
        return f"{int(value):,}"
    return _format_decimal(_round_half_up(value, 2), 2)


def fmt_pct(p: Any, dp: int = 1) -> str:
    """A PERCENT number as text: 7.8133 -> "7.8%". None/NaN -> "not supplied".

    Halves round up on the decimal value (7.85 -> "7.9%"), as in GSS guidance and Excel.
    """
    if _is_missing(p):
        return NOT_SUPPLIED
    return _format_decimal(_round_half_up(_number(p, "percent"), dp), dp) + "%"


def fmt_prop(p: Any, dp: int = 1) -> str:
    """A PROPORTION 0..1 as a percentage: 0.743 -> "74.3%". None/NaN -> "not supplied"."""
    if _is_missing(p):
        return NOT_SUPPLIED
    value = Decimal(repr(_number(p, "proportion"))) * 100
    rounded = value.quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP) + 0
    return _format_decimal(rounded, dp) + "%"


def fmt_gbp(x: Any) -> str:
    """Pounds sterling: 110000 -> "£110,000"; 1234.5 -> "£1,234.50"; -50 -> "-£50".

    Whole pounds show no pence (GOV.UK style). None/NaN -> "not supplied".
    """
    if _is_missing(x):
        return NOT_SUPPLIED
    value = _number(x, "amount")
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount == int(amount):
        return f"{sign}£{int(amount):,}"
    rounded = _round_half_up(amount, 2)
    return f"{sign if rounded else ''}£{rounded:,.2f}"
