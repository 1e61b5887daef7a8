"""The claims check: recompute every figure a published report stated, and say if it agrees.

``data/raw/report/<year>/claims.csv`` lists the figures, one row each; it is read and validated
by :mod:`swp_analysis.sources.claims` (whose names are importable from here too).

Measures, each recomputed from the register (``indicators.csv``) or from police data:

- ``value``: the register's figure (a proportion in percent, money in pounds).
- ``pct_change``: 100 * (now - before) / before, the period against the one before
  (:func:`swp_analysis.stats.pct_change`); a decrease is stated as a negative number.
- ``proportion``: 100 * numerator / denominator. Where only the denominator is known the
  check asks whether ANY whole number of the denominator gives the stated percentage
  (83% of 16 young people: 13/16 = 81.3% and 14/16 = 87.5%, so none does).
- ``ratio``: value of ``a`` divided by value of ``b`` (indicator written ``a/b``).
- ``target``: the target or baseline in ``indicators.yaml`` (in percent for a proportion).
- ``share``, ``rank``, ``peer_rank``: police figures (a crime type's percent of total recorded
  crime; its rank among crime types, 1 = largest; the area's rank among the force's areas
  for reducing that crime, 1 = best), supplied by the ``police_figures`` callable. Without
  it these rows say "not checked: police data not supplied", never that they agree.

A figure agrees when the recomputed value rounds to the stated one at the decimals the
report used: "18%" agrees with 18.04%, "4.7%" does not agree with 7.81%. Where a percentage
disagrees, the check tries the usual slips (dividing by the wrong year, reporting the
ratio instead of the change) and says in the note if one reproduces the stated figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from swp_analysis import formatting, periods, stats
from swp_analysis.errors import InputError, SwpError, ValidationFailed
from swp_analysis.paths import DataPaths
from swp_analysis.periods import is_fiscal_year
from swp_analysis.sources.claims import CLAIM_COLUMNS as CLAIM_COLUMNS
from swp_analysis.sources.claims import CLAIMS_FILE as CLAIMS_FILE
from swp_analysis.sources.claims import MEASURES as MEASURES
from swp_analysis.sources.claims import POLICE_MEASURES as POLICE_MEASURES
from swp_analysis.sources.claims import POLICE_PREFIX as POLICE_PREFIX
from swp_analysis.sources.claims import REGISTER_MEASURES as REGISTER_MEASURES
from swp_analysis.sources.claims import Claim as Claim
from swp_analysis.sources.claims import check_unknown_indicators as check_unknown_indicators
from swp_analysis.sources.claims import read_claims as read_claims
from swp_analysis.sources.register import Register, RegisterRow, load_register

NOT_SUPPLIED_POLICE = "not checked: police data not supplied"

#: ``police_figures(measure, subject, area, year) -> float | None``: the recomputed police
#: figure for a claim (``measure`` one of :data:`POLICE_MEASURES`, ``subject`` the crime type
#: after ``police:``), or None when the data cannot give it (e.g. police.uk has no separate
#: "theft from a motor vehicle" category, only "Vehicle crime").
PoliceFigures = Callable[[str, str, str, str], "float | None"]

RESULT_COLUMNS = (
    "claim",
    "indicator",
    "measure",
    "period",
    "where",
    "stated",
    "recomputed",
    "agrees",
    "status",
    "unit",
    "note",
)


# --------------------------------------------------------------------------------------------
# recomputing
# --------------------------------------------------------------------------------------------


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def agrees_within_rounding(stated_text: str, recomputed: float) -> bool:
    """True when ``recomputed`` rounds (halves up) to ``stated_text`` at its decimals."""
    shown = formatting.fmt_number(recomputed, dp=_decimals(stated_text), whole=False)
    return abs(float(shown.replace(",", "")) - float(stated_text)) < 1e-9


@dataclass
class _Result:
    recomputed: float | None
    status: str  # "agrees" / "disagrees" / "not checked"
    unit: str
    note: str


def _judge(claim: Claim, recomputed: float, unit: str, detail: str) -> _Result:
    ok = agrees_within_rounding(claim.stated_text, recomputed)
    return _Result(recomputed, "agrees" if ok else "disagrees", unit, detail)


def _not_checked(unit: str, why: str) -> _Result:
    return _Result(None, "not checked", unit, f"not checked: {why}")


def _unit_of(register: Register, indicator: str) -> str:
    unit = register.definitions[indicator].unit
    return {"proportion": "%", "gbp": "£"}.get(unit, unit)


def _in_display_units(register: Register, indicator: str, x: float) -> float:
    return x * 100 if register.definitions[indicator].unit == "proportion" else x


def _slips(claim: Claim, before: float, now: float) -> str:
    """Which usual slip, if any, reproduces a stated percentage change that disagrees."""
    readings = {
        f"the change divided by the later year ({now:,.0f})": 100 * (now - before) / now,
        f"the earlier year as a share of the later ({before:,.0f} / {now:,.0f})": 100 * before / now,
        f"the later year as a share of the earlier ({now:,.0f} / {before:,.0f})": 100 * now / before,
    }
    for words, x in readings.items():
        if agrees_within_rounding(claim.stated_text, x) or agrees_within_rounding(
            claim.stated_text.lstrip("-"), abs(x)
        ):
            return (
                f" The stated {claim.stated_text}% equals {words} = "
                f"{formatting.fmt_number(x, dp=2, whole=False)}%."
            )
    return f" No simple reading of {before:,.0f} and {now:,.0f} gives {claim.stated_text}%."


def _recompute(
    claim: Claim,
    register: Register,
    year: str,
    area: str,
    police_figures: PoliceFigures | None,
) -> _Result:
    """One claim recomputed, by its measure (:data:`_REGISTER_MEASURES` or :func:`_police`)."""
    period = claim.period or year
    where = claim.area or area
    if claim.measure in POLICE_MEASURES:
        return _police(claim, where, period, police_figures)
    recompute = _REGISTER_MEASURES.get(claim.measure)
    if recompute is None:
        raise InputError(
            CLAIMS_FILE,
            f"Unknown measure {claim.measure!r}.",
            row=claim.line,
            column="measure",
            expected=", ".join(MEASURES),
            found=claim.measure,
        )
    return recompute(claim, register, where, period)


def _police(claim: Claim, where: str, period: str, police_figures: PoliceFigures | None) -> _Result:
    """``share``, ``rank`` and ``peer_rank``: from the ``police_figures`` callable, if any."""
    subject = claim.indicator[len(POLICE_PREFIX) :]
    unit = {"share": "%", "rank": "rank", "peer_rank": "rank"}[claim.measure]
    if police_figures is None:
        return _Result(None, "not checked", unit, NOT_SUPPLIED_POLICE)
    try:
        value = police_figures(claim.measure, subject, where, period)
    except SwpError as exc:
        return _not_checked(unit, str(exc))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _not_checked(unit, f"the police data cannot give the {claim.measure} of '{subject}'")
    return _judge(claim, float(value), unit, f"from police data for {where}, {period}")


def _ratio(claim: Claim, register: Register, where: str, period: str) -> _Result:
    """The value of ``a`` divided by the value of ``b`` (indicator written ``a/b``)."""
    a, b = claim.indicator.split("/")
    va, vb = register.value(a, where, period), register.value(b, where, period)
    if va is None or vb is None or vb == 0:
        return _not_checked("ratio", f"{a} or {b} not supplied for {where}, {period}")
    return _judge(claim, va / vb, "ratio", f"{va:,.0f} / {vb:,.0f}")


def _target(claim: Claim, register: Register, where: str, period: str) -> _Result:
    """The target or baseline in ``indicators.yaml`` (in percent for a proportion)."""
    indicator = claim.indicator
    unit = _unit_of(register, indicator)
    definition = register.definitions[indicator]
    if definition.target is None:
        return _not_checked(unit, f"no target for {indicator} in indicators.yaml")
    x = _in_display_units(register, indicator, definition.target.value)
    return _judge(claim, x, unit, f"{definition.target.kind}: {definition.target.source}")


_RowMeasure = Callable[[Claim, Register, RegisterRow, str, str], _Result]


def _with_row(measure: _RowMeasure) -> Callable[[Claim, Register, str, str], _Result]:
    """A measure of the register's row for the claim: "not checked" when there is none."""

    def recompute(claim: Claim, register: Register, where: str, period: str) -> _Result:
        row = register.row(claim.indicator, where, period)
        if row is None:
            unit = _unit_of(register, claim.indicator)
            return _not_checked(unit, f"{claim.indicator} not supplied for {where}, {period}")
        return measure(claim, register, row, where, period)

    return recompute


@_with_row
def _value(claim: Claim, register: Register, row: RegisterRow, where: str, period: str) -> _Result:
    """The register's figure (a proportion in percent, money in pounds)."""
    x = _in_display_units(register, claim.indicator, row.value)
    qualifier = f" (register note: {row.note})" if row.note else ""
    return _judge(claim, x, _unit_of(register, claim.indicator), f"register line {row.line}{qualifier}")


@_with_row
def _pct_change(claim: Claim, register: Register, row: RegisterRow, where: str, period: str) -> _Result:
    """100 * (now - before) / before, the period against the one before
    (:func:`swp_analysis.stats.pct_change`); a disagreeing one is tested against the usual slips."""
    indicator = claim.indicator
    previous = periods.previous(period)
    before = register.row(indicator, where, previous)
    if before is None:
        return _not_checked("%", f"{indicator} not supplied for {where}, {previous}")
    pct = stats.pct_change(before.value, row.value)
    if pct is None:
        return _not_checked("%", f"{indicator} was 0 in {previous}: no percentage change")
    result = _judge(claim, pct, "%", f"{before.value:,.0f} in {previous} to {row.value:,.0f} in {period}")
    if result.status == "disagrees":
        result.note += "." + _slips(claim, before.value, row.value).rstrip(".")
    return result


@_with_row
def _proportion(claim: Claim, register: Register, row: RegisterRow, where: str, period: str) -> _Result:
    """100 * numerator / denominator; with only the denominator, whether any whole numerator fits."""
    if row.denominator is None or row.denominator == 0:
        return _not_checked("%", f"no numerator and denominator for {claim.indicator}, {period}")
    den = row.denominator
    if row.numerator is None:
        return _any_whole_numerator(claim, den)
    detail = f"{row.numerator:,.0f} / {den:,.0f}"
    if row.note:
        detail += f" (register note: {row.note})"
    return _judge(claim, 100 * row.numerator / den, "%", detail)


def _any_whole_numerator(claim: Claim, den: float) -> _Result:
    """Only the whole is known: is there any whole number of it giving the stated figure?"""
    k = round(claim.stated / 100 * den)
    options = sorted({max(0, min(int(den), j)) for j in (k - 1, k, k + 1)})
    fits = [j for j in options if agrees_within_rounding(claim.stated_text, 100 * j / den)]
    shown = ", ".join(
        f"{j}/{den:,.0f} = {formatting.fmt_number(100 * j / den, dp=1, whole=False)}%" for j in options
    )
    if fits:
        j = fits[0]
        return _Result(100 * j / den, "agrees", "%", f"{j} of {den:,.0f} gives it ({shown})")
    nearest = min(options, key=lambda j: abs(100 * j / den - claim.stated))
    return _Result(
        100 * nearest / den,
        "disagrees",
        "%",
        f"no whole number of {den:,.0f} gives {claim.stated_text}%: {shown}",
    )


_REGISTER_MEASURES: dict[str, Callable[[Claim, Register, str, str], _Result]] = {
    "value": _value,
    "pct_change": _pct_change,
    "proportion": _proportion,
    "ratio": _ratio,
    "target": _target,
}
"""How each register measure is recomputed, by its name in ``claims.csv``."""


def check_claims(
    paths: DataPaths,
    year: str,
    area: str,
    police_figures: PoliceFigures | None = None,
    *,
    register: Register | None = None,
) -> pd.DataFrame:
    """Recompute every claim of ``report/<year>/claims.csv`` for ``area``.

    Returns one row per claim with columns ``claim``, ``indicator``, ``measure``, ``period``,
    ``where``, ``stated`` (float, as printed), ``recomputed`` (float, NaN when not checked),
    ``agrees`` (nullable boolean: True / False, and missing when not checked, so a claim that
    could not be checked is never counted as agreeing), ``status`` ("agrees", "disagrees",
    "not checked"), ``unit`` ("%", "count", "£", "rank", "ratio") and ``note`` (how it was
    recomputed, and for a disagreeing percentage which slip reproduces it, if any).
    Raises :class:`InputError` when the year has no claims file, and
    :class:`ValidationFailed` with every problem in it.
    """
    if not is_fiscal_year(year):
        raise InputError("year", "The year is not a fiscal year.", expected="like 2018-19", found=repr(year))
    path = paths.report_dir(year) / CLAIMS_FILE
    if not path.is_file():
        raise InputError(
            path,
            f"There is no claims file for {year}.",
            expected=f"{CLAIMS_FILE} in {path.parent}",
            found="no such file",
        )
    claims = read_claims(path)
    register = register if register is not None else load_register(paths)
    problems = check_unknown_indicators(claims, register, path)
    if problems:
        raise ValidationFailed(problems)
    rows = []
    for c in claims:
        r = _recompute(c, register, year, area, police_figures)
        note = r.note if not c.note else f'{r.note.rstrip(".")}. Stated as: "{c.note}"'
        rows.append(
            {
                "claim": c.claim,
                "indicator": c.indicator,
                "measure": c.measure,
                "period": c.period or year,
                "where": c.where,
                "stated": c.stated,
                "recomputed": float("nan") if r.recomputed is None else float(r.recomputed),
                "agrees": {"agrees": True, "disagrees": False}.get(r.status),
                "status": r.status,
                "unit": r.unit,
                "note": note,
            }
        )
    table = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    table["agrees"] = table["agrees"].astype("boolean")
    table["stated"] = table["stated"].astype("float64")
    table["recomputed"] = table["recomputed"].astype("float64")
    return table


def any_disagree(table: pd.DataFrame) -> bool:
    """True when at least one claim was checked and disagrees."""
    return bool((table["status"] == "disagrees").any())


# --------------------------------------------------------------------------------------------
# the terminal table
# --------------------------------------------------------------------------------------------


def _show(x: float, unit: str, decimals: int | None = None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if unit == "%":
        return (
            formatting.fmt_number(x, dp=1 if decimals is None else decimals, whole=decimals is not None) + "%"
        )
    if unit == "£":
        return formatting.fmt_gbp(x)
    if unit == "rank":
        return formatting.ordinal(int(round(x))) if float(x).is_integer() else f"{x:.1f}"
    if unit == "ratio":
        return formatting.fmt_number(x, dp=2, whole=True)
    return formatting.fmt_number(x, dp=1, whole=True)


def format_claims_table(df: pd.DataFrame) -> str:
    """The claims check as a plain-text table for a terminal, notes listed beneath it."""
    if df.empty:
        return "No claims to check."
    results = {"agrees": "agrees", "disagrees": "DISAGREES", "not checked": "not checked"}
    header = ("claim", "measure", "stated", "recomputed", "result", "where")
    lines = []
    for r in df.to_dict("records"):
        stated = r["stated"]
        decimals = 0 if float(stated).is_integer() else len(repr(float(stated)).split(".")[1])
        lines.append(
            (
                str(r["claim"]),
                str(r["measure"]),
                _show(stated, r["unit"], decimals),
                _show(r["recomputed"], r["unit"]),
                results.get(r["status"], str(r["status"])),
                str(r["where"]),
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in lines)) for i, h in enumerate(header)]
    widths[-1] = min(widths[-1], 48)

    def fmt(row: tuple[str, ...]) -> str:
        cells = [
            row[i].ljust(widths[i]) if i in (0, 1, 4, 5) else row[i].rjust(widths[i]) for i in range(len(row))
        ]
        cells[-1] = cells[-1][: widths[-1]]
        return "  ".join(cells).rstrip()

    out = [fmt(header), "  ".join("-" * w for w in widths)]
    out += [fmt(row) for row in lines]
    counts = df["status"].value_counts()
    out.append("")
    out.append(
        f"{len(df)} claims: {counts.get('agrees', 0)} agree, "
        f"{counts.get('disagrees', 0)} disagree, {counts.get('not checked', 0)} not checked."
    )
    flagged = df[df["status"] != "agrees"]
    if not flagged.empty:
        out.append("")
        out.append("Notes:")
        for r in flagged.to_dict("records"):
            out.append(f"  {r['claim']}: {r['note']}")
    return "\n".join(out)
