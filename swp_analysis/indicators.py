"""Register figures: one indicator's value, change and target for a year and area, as text.

:func:`indicator_context` gives the placeholders narrative can name for one indicator of the
local register (``{{ dv_reports.change }}``), each already formatted, with the numbers behind
them under ``raw``. Arithmetic comes from :mod:`swp_analysis.stats`, words from
:mod:`swp_analysis.formatting`, targets from :mod:`swp_analysis.ratings`.

Anything absent reads "not supplied" (never 0); anything that does not apply to the unit reads
"not applicable"; an indicator without a target reads "no target set".
"""

from __future__ import annotations

import math
from typing import Any

from swp_analysis import formatting, stats
from swp_analysis.periods import long_label, shift
from swp_analysis.ratings import compare_to_target
from swp_analysis.sources.register import IndicatorDef, Register

__all__ = ["NOT_APPLICABLE", "NOT_SUPPLIED", "NO_TARGET", "fmt_in_unit", "indicator_context"]

NOT_SUPPLIED = formatting.NOT_SUPPLIED
NOT_APPLICABLE = "not applicable"
NO_TARGET = "no target set"


def _what(title: str) -> str:
    """A title as it reads mid-sentence: "Hate crimes recorded" -> "hate crimes recorded"; a title
    with a proper name or acronym anywhere ("Violent Offender Orders granted", "GP practice
    staff") keeps its capitals.

    >>> _what("Hate crimes recorded"), _what("Partners and Communities Together (PACT) meetings held")
    ('hate crimes recorded', 'Partners and Communities Together (PACT) meetings held')
    """
    words = title.split()
    if words and words[0][1:].islower() and not any(w[:1].isupper() for w in words[1:]):
        return title[0].lower() + title[1:]
    return title


def fmt_in_unit(x: float | None, unit: str) -> str:
    """A register value in its unit: a count "6,858", a proportion "74.3%" (or "83%" when the
    figure is whole), money "£110,000", anything else to one decimal.

    >>> fmt_in_unit(0.83, "proportion"), fmt_in_unit(727 / 978, "proportion")
    ('83%', '74.3%')
    >>> fmt_in_unit(None, "count")
    'not supplied'

    """
    if x is None:
        return NOT_SUPPLIED
    if unit == "count":
        return formatting.fmt_count(x)
    if unit == "proportion":
        if abs(x * 100 - round(x * 100)) < 1e-9:  # as precise as the figure
            return f"{round(x * 100)}%"
        return formatting.fmt_prop(x)
    if unit == "gbp":
        return formatting.fmt_gbp(x)
    return formatting.fmt_number(x, dp=1)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def indicator_context(register: Register, definition: IndicatorDef, year: str, area: str) -> dict[str, Any]:
    """The placeholders of one indicator for ``year`` and ``area``, as formatted text.

    Keys: ``title``, ``period`` (the period shown: the build year less the indicator's
    ``lag_years``), ``period_long``, ``previous_period``, ``value``, ``previous``,
    ``numerator``, ``denominator``, ``note``, ``source``, ``change`` (plain English, e.g. "an
    increase of 7.8% (6,361 to 6,858)"; for a proportion the change is in percentage
    points), ``change_pct``, ``change_pp`` (proportions only), ``z`` and ``verdict`` (counts
    only: Wheeler's Poisson Z and "increase" / "decrease" / "within normal variation"),
    ``target`` (sentence), ``target_met`` ("met" / "not met"), ``target_value``,
    ``target_label``, ``vs_target`` ("below" / "above" / "level with"); and ``raw``, the
    numbers behind them (None where absent).
    """
    unit = definition.unit
    period = shift(year, -definition.lag_years)
    previous_period = shift(period, -1)
    now = register.row(definition.id, area, period)
    before = register.row(definition.id, area, previous_period)
    v = None if now is None else now.value
    b = None if before is None else before.value
    raw: dict[str, Any] = {
        "value": v,
        "previous": b,
        "numerator": None if now is None else now.numerator,
        "denominator": None if now is None else now.denominator,
        "pct_change": None,
        "pp_change": None,
        "z": None,
        "target": definition.target.value if definition.target else None,
        "target_met": None,
    }
    what = _what(definition.title)
    ctx = _values(definition, period, previous_period, now, raw)
    ctx["supplied"] = v is not None
    if v is not None and b is not None:
        ctx.update(_change(b, v, unit, raw))
    else:
        gap = formatting.Missing(what, period if v is None else previous_period)
        for key in ("change", "change_pct", "change_pp", "z", "verdict"):
            if ctx[key] != NOT_APPLICABLE:
                ctx[key] = gap
    ctx.update(_target(definition, v, raw, formatting.Missing(what, period)))
    ctx["raw"] = raw
    return ctx


def _values(definition: IndicatorDef, period: str, previous_period: str, now, raw: dict) -> dict[str, Any]:
    """The value, the year before's and where they come from, formatted."""
    unit = definition.unit
    what = _what(definition.title)
    missing_now = formatting.Missing(what, period)
    return {
        "id": definition.id,
        "title": definition.title,
        "unit": unit,
        "period": period,
        "period_long": long_label(period),
        "previous_period": previous_period,
        "previous_period_long": long_label(previous_period),
        "value": missing_now if raw["value"] is None else fmt_in_unit(raw["value"], unit),
        "previous": formatting.Missing(what, previous_period)
        if raw["previous"] is None
        else fmt_in_unit(raw["previous"], unit),
        "numerator": formatting.Missing(f"{what} (its count)", period)
        if _missing(raw["numerator"])
        else formatting.fmt_count(raw["numerator"]),
        "denominator": formatting.Missing(f"{what} (its total)", period)
        if _missing(raw["denominator"])
        else formatting.fmt_count(raw["denominator"]),
        "note": (now.note if now is not None and now.note else ""),
        "source": now.source if now is not None else missing_now,
        "change": NOT_SUPPLIED,
        "change_pct": NOT_SUPPLIED,
        "change_pp": NOT_APPLICABLE if unit != "proportion" else NOT_SUPPLIED,
        "z": NOT_APPLICABLE if unit != "count" else NOT_SUPPLIED,
        "verdict": NOT_APPLICABLE if unit != "count" else NOT_SUPPLIED,
    }


def _change(b: float, v: float, unit: str, raw: dict) -> dict[str, Any]:
    """The change from the year before: percent, Poisson Z (counts), percentage points
    (proportions), in words."""
    pct = stats.pct_change(b, v) if b >= 0 and v >= 0 else None
    raw["pct_change"] = pct
    out: dict[str, Any] = {"change_pct": NOT_APPLICABLE if pct is None else formatting.fmt_pct(pct)}
    span = f"{fmt_in_unit(b, unit)} to {fmt_in_unit(v, unit)}"
    if unit == "count":
        summary = stats.change_summary(b, v)
        raw["z"] = summary.z
        out["change"] = formatting.change_text(summary)
        out["z"] = formatting.fmt_number(summary.z, dp=1, whole=False)
        out["verdict"] = summary.verdict
        if summary.caution:
            out["change_pct"] = f"not shown ({summary.caution})"
    elif unit == "proportion":
        pp = (v - b) * 100
        raw["pp_change"] = pp
        size = formatting.fmt_number(abs(pp), dp=1, whole=False)
        out["change_pp"] = f"{size} percentage points"
        direction = "an increase" if pp > 0 else "a decrease"
        out["change"] = (
            f"no change ({span})" if pp == 0 else f"{direction} of {size} percentage points ({span})"
        )
    elif pct is None:
        out["change"] = f"a change from {span}"
    elif v == b:
        out["change"] = f"no change ({span})"
    else:
        direction = "an increase" if v > b else "a decrease"
        out["change"] = f"{direction} of {formatting.fmt_pct(abs(pct))} ({span})"
    return out


def _target(
    definition: IndicatorDef, v: float | None, raw: dict, missing: formatting.Missing
) -> dict[str, Any]:
    """The target or baseline and whether the value meets it, in words."""
    target = definition.target
    keys = ("target", "target_met", "target_value", "target_label", "vs_target")
    if target is None:
        return dict.fromkeys(keys, NO_TARGET)
    unit = definition.unit
    out: dict[str, Any] = {"target_value": fmt_in_unit(target.value, unit)}
    out["target_label"] = target.label or out["target_value"]
    if v is None:
        return out | dict.fromkeys(("target", "target_met", "vs_target"), missing)
    out["vs_target"] = "below" if v < target.value else ("above" if v > target.value else "level with")
    if definition.polarity == "none":
        out["target"] = f"{fmt_in_unit(v, unit)} against {out['target_label']}"
        out["target_met"] = NOT_APPLICABLE
    else:
        result = compare_to_target(v, target.value, definition.polarity, unit)
        raw["target_met"] = result.met
        out["target"] = result.text
        out["target_met"] = "met" if result.met else "not met"
    return out
