"""The claims check: recompute every figure a published report stated, and say if it agrees.

``data/raw/report/<year>/claims.csv`` lists the figures (one row each):

==========  ===================================================================================
claim       a short unique id (``dv_change``)
indicator   a register id (``dv_reports``); for a ratio ``a/b``; for police data
            ``police:<crime type>`` (``police:Burglary``)
measure     what the stated figure is (below)
period      the fiscal year it is for; blank = the year being checked
area        blank = the area being checked (a comparator may name its own, e.g. ``National``)
stated      the number as printed, without % or £ (``4.7``, ``6858``, ``110000``)
where       where the report states it (``p.8, Reducing Victimisation``)
note        optional: the words around the number ("4.7% increase from the previous year")
==========  ===================================================================================

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
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from swp_analysis import formatting, periods, stats
from swp_analysis.errors import InputError, Problem, SwpError, ValidationFailed
from swp_analysis.paths import DataPaths
from swp_analysis.periods import is_fiscal_year
from swp_analysis.sources.register import Register, load_register
from swp_analysis.sources.tables import (
    NOT_BLANK_RULES,
    Rule,
    is_number,
    read_csv_text,
    text_check,
    validate_lazily,
)

CLAIMS_FILE = "claims.csv"
CLAIM_COLUMNS = ("claim", "indicator", "measure", "period", "area", "stated", "where", "note")
REGISTER_MEASURES = ("value", "pct_change", "proportion", "ratio", "target")
POLICE_MEASURES = ("share", "rank", "peer_rank")
MEASURES = REGISTER_MEASURES + POLICE_MEASURES
POLICE_PREFIX = "police:"

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


@dataclass(frozen=True)
class Claim:
    """One row of ``claims.csv``."""

    claim: str
    indicator: str
    measure: str
    period: str | None
    area: str | None
    stated: float
    stated_text: str
    where: str
    note: str | None
    line: int


# --------------------------------------------------------------------------------------------
# reading claims.csv
# --------------------------------------------------------------------------------------------


def read_claims(path: str | Path) -> list[Claim]:
    """Read and validate ``claims.csv``; every problem is raised together."""
    rules = {
        **NOT_BLANK_RULES,
        "measure_known": Rule("The measure is not one the check knows.", "one of: " + ", ".join(MEASURES)),
        "stated_is_number": Rule(
            "The stated figure is not a plain number.", "a number as printed, without % or £ (e.g. 4.7)"
        ),
        "period_is_fiscal_year": Rule(
            "The period is not a fiscal year.", "blank or a fiscal year like 2018-19"
        ),
        "multiple_fields_uniqueness": Rule(
            "The claim id is used on an earlier line.", "each claim id once", column="claim"
        ),
        "police_measure_matches": Rule(
            "Police measures need a police indicator and register measures a register one.",
            f"'{POLICE_PREFIX}<crime type>' with share/rank/peer_rank, a register id otherwise",
            column="indicator",
            found=lambda r: f"{r['indicator']} with {r['measure']}",
        ),
    }

    def police_matches(frame: pd.DataFrame) -> pd.Series:
        is_police = frame["indicator"].astype(str).str.startswith(POLICE_PREFIX)
        police_measure = frame["measure"].isin(POLICE_MEASURES)
        return (is_police == police_measure) | frame["measure"].isna() | ~frame["measure"].isin(MEASURES)

    schema = pa.DataFrameSchema(
        {
            "claim": pa.Column(object, nullable=False),
            "indicator": pa.Column(object, nullable=False),
            "measure": pa.Column(
                object, text_check(lambda v: v in MEASURES, "measure_known"), nullable=False
            ),
            "period": pa.Column(object, text_check(is_fiscal_year, "period_is_fiscal_year"), nullable=True),
            "area": pa.Column(object, nullable=True),
            "stated": pa.Column(object, text_check(is_number, "stated_is_number"), nullable=False),
            "where": pa.Column(object, nullable=False),
            "note": pa.Column(object, nullable=True),
        },
        checks=[pa.Check(police_matches, name="police_measure_matches")],
        unique=["claim"],
        report_duplicates="exclude_first",
    )
    frame, problems = read_csv_text(
        path, CLAIM_COLUMNS, required=["claim", "indicator", "measure", "stated", "where"]
    )
    problems += validate_lazily(schema, frame, path, rules)
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
    return [
        Claim(
            claim=r["claim"],
            indicator=r["indicator"],
            measure=r["measure"],
            period=r["period"],
            area=r["area"],
            stated=float(r["stated"]),
            stated_text=r["stated"],
            where=r["where"],
            note=r["note"],
            line=int(r["line"]),
        )
        for r in frame.to_dict("records")
    ]


def check_unknown_indicators(claims: list[Claim], register: Register, path: Path) -> list[Problem]:
    """Register claims naming an indicator the register does not define."""
    problems = []
    for c in claims:
        if c.indicator.startswith(POLICE_PREFIX):
            continue
        names = c.indicator.split("/") if c.measure == "ratio" else [c.indicator]
        if c.measure == "ratio" and len(names) != 2:
            problems.append(
                Problem(
                    path,
                    "A ratio names two indicators.",
                    c.line,
                    "indicator",
                    "two ids written a/b",
                    c.indicator,
                )
            )
            continue
        for name in names:
            if name not in register.definitions:
                problems.append(
                    Problem(
                        path,
                        "The indicator id is not defined in indicators.yaml.",
                        c.line,
                        "indicator",
                        "an id defined in indicators.yaml",
                        name,
                    )
                )
    return problems


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
    period = claim.period or year
    where = claim.area or area
    if claim.measure in POLICE_MEASURES:
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

    if claim.measure == "ratio":
        a, b = claim.indicator.split("/")
        va, vb = register.value(a, where, period), register.value(b, where, period)
        if va is None or vb is None or vb == 0:
            return _not_checked("ratio", f"{a} or {b} not supplied for {where}, {period}")
        return _judge(claim, va / vb, "ratio", f"{va:,.0f} / {vb:,.0f}")

    indicator = claim.indicator
    unit = _unit_of(register, indicator)
    definition = register.definitions[indicator]

    if claim.measure == "target":
        if definition.target is None:
            return _not_checked(unit, f"no target for {indicator} in indicators.yaml")
        x = _in_display_units(register, indicator, definition.target.value)
        return _judge(claim, x, unit, f"{definition.target.kind}: {definition.target.source}")

    row = register.row(indicator, where, period)
    if row is None:
        return _not_checked(unit, f"{indicator} not supplied for {where}, {period}")

    if claim.measure == "value":
        x = _in_display_units(register, indicator, row.value)
        qualifier = f" (register note: {row.note})" if row.note else ""
        return _judge(claim, x, unit, f"register line {row.line}{qualifier}")

    if claim.measure == "pct_change":
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

    if claim.measure == "proportion":
        if row.denominator is None or row.denominator == 0:
            return _not_checked("%", f"no numerator and denominator for {indicator}, {period}")
        den = row.denominator
        if row.numerator is not None:
            x = 100 * row.numerator / den
            detail = f"{row.numerator:,.0f} / {den:,.0f}"
            if row.note:
                detail += f" (register note: {row.note})"
            return _judge(claim, x, "%", detail)
        # Only the whole is known: is there any whole number of it giving the stated figure?
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

    raise InputError(
        CLAIMS_FILE,
        f"Unknown measure {claim.measure!r}.",
        row=claim.line,
        column="measure",
        expected=", ".join(MEASURES),
        found=claim.measure,
    )


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
