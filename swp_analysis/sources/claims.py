"""``claims.csv``: the figures a published report stated, read and validated. Nothing else.

``data/raw/report/<year>/claims.csv`` lists the figures (one row each):

==========  ===================================================================================
claim       a short unique id (``dv_change``)
indicator   a register id (``dv_reports``); for a ratio ``a/b``; for police data
            ``police:<crime type>`` (``police:Burglary``)
measure     what the stated figure is (one of :data:`MEASURES`; see :mod:`swp_analysis.claims`)
period      the fiscal year it is for; blank = the year being checked
area        blank = the area being checked (a comparator may name its own, e.g. ``National``)
stated      the number as printed, without % or £ (``4.7``, ``6858``, ``110000``)
where       where the report states it (``p.8, Reducing Victimisation``)
note        optional: the words around the number ("4.7% increase from the previous year")
==========  ===================================================================================

Checked: the shape of the file (:func:`~swp_analysis.sources.csvtext.read_csv_text`), each cell
(:data:`_SCHEMA`, with pandera), and that every register indicator a claim names is defined
(:func:`check_unknown_indicators`). Every problem names the line and the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from swp_analysis.errors import Problem, ValidationFailed
from swp_analysis.periods import is_fiscal_year
from swp_analysis.sources.csvtext import (
    NOT_BLANK_RULES,
    Rule,
    is_number,
    read_csv_text,
    text_check,
    validate_lazily,
)
from swp_analysis.sources.register import Register

CLAIMS_FILE = "claims.csv"
CLAIM_COLUMNS = ("claim", "indicator", "measure", "period", "area", "stated", "where", "note")
REGISTER_MEASURES = ("value", "pct_change", "proportion", "ratio", "target")
POLICE_MEASURES = ("share", "rank", "peer_rank")
MEASURES = REGISTER_MEASURES + POLICE_MEASURES
POLICE_PREFIX = "police:"


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


_RULES = {
    **NOT_BLANK_RULES,
    "measure_known": Rule("The measure is not one the check knows.", "one of: " + ", ".join(MEASURES)),
    "stated_is_number": Rule(
        "The stated figure is not a plain number.", "a number as printed, without % or £ (e.g. 4.7)"
    ),
    "period_is_fiscal_year": Rule("The period is not a fiscal year.", "blank or a fiscal year like 2018-19"),
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


def _police_measure_matches(frame: pd.DataFrame) -> pd.Series:
    is_police = frame["indicator"].astype(str).str.startswith(POLICE_PREFIX)
    police_measure = frame["measure"].isin(POLICE_MEASURES)
    return (is_police == police_measure) | frame["measure"].isna() | ~frame["measure"].isin(MEASURES)


_SCHEMA = pa.DataFrameSchema(
    {
        "claim": pa.Column(object, nullable=False),
        "indicator": pa.Column(object, nullable=False),
        "measure": pa.Column(object, text_check(lambda v: v in MEASURES, "measure_known"), nullable=False),
        "period": pa.Column(object, text_check(is_fiscal_year, "period_is_fiscal_year"), nullable=True),
        "area": pa.Column(object, nullable=True),
        "stated": pa.Column(object, text_check(is_number, "stated_is_number"), nullable=False),
        "where": pa.Column(object, nullable=False),
        "note": pa.Column(object, nullable=True),
    },
    checks=[pa.Check(_police_measure_matches, name="police_measure_matches")],
    unique=["claim"],
    report_duplicates="exclude_first",
)


def read_claims(path: str | Path) -> list[Claim]:
    """Read and validate ``claims.csv``; every problem is raised together."""
    frame, problems = read_csv_text(
        path, CLAIM_COLUMNS, required=["claim", "indicator", "measure", "stated", "where"]
    )
    problems += validate_lazily(_SCHEMA, frame, path, _RULES)
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
