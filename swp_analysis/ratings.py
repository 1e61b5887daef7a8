"""Delivery ratings: the report's four-level key, targets, and the check beside each rating.

The lead's rating is content (``report.yaml``); what the linked indicators say about it is
computed here: each indicator against its target (:func:`compare_to_target`), the rating the
evidence suggests (:func:`suggest_rating`), and whether the lead's rating is more positive
than that (:func:`rating_disagrees`). ``docs/methods.md`` sets out the rules.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from swp_analysis.formatting import fmt_count, fmt_gbp, fmt_number, fmt_pct, fmt_prop
from swp_analysis.stats import check_polarity, require_number

__all__ = [
    "Rating",
    "TargetResult",
    "compare_to_target",
    "rating_check",
    "rating_disagrees",
    "suggest_rating",
]


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


def compare_to_target(value: float, target: float, polarity: str, unit: str = "number") -> TargetResult:
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
    check_polarity(polarity, ("up_is_good", "down_is_good"))
    if unit not in _UNITS:
        raise ValueError(f"unit must be one of {', '.join(_UNITS)}; found {unit!r}")
    v = require_number(value, "value")
    t = require_number(target, "target")
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


def rating_check(lead: Rating, suggested: Rating | None) -> str:
    """The check shown beside a lead's rating, in words (:func:`rating_disagrees` decides).

    >>> rating_check(Rating.ON_TARGET, Rating.NOT_ON_TRACK)
    'Flag: the rating is more positive than the evidence (Not on track for delivery)'
    """
    if suggested is None:
        return "No target to check against"
    if rating_disagrees(lead, suggested):
        return f"Flag: the rating is more positive than the evidence ({suggested.label})"
    return f"Consistent with the evidence ({suggested.label})"
