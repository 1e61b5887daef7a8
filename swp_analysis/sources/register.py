"""The local indicator register: ``indicators.yaml`` (definitions) and ``indicators.csv`` (figures).

Most figures in a partnership's report come from partners rather than from police.uk: drug
tests on arrest, MARAC cases, domestic abuse reports, training counts, social media reach.
Each is defined once in ``indicators.yaml`` and its figures are kept, one row per indicator,
area and period, in ``indicators.csv``.

``indicators.yaml`` is a mapping with one key, ``indicators``, holding a list of definitions
(see :class:`IndicatorDef`), validated with pydantic. ``indicators.csv`` has the columns
``indicator, area, period, value, numerator, denominator, source, note`` and is validated with
a pandera schema in lazy mode. Every problem in either file is collected and raised once as
:class:`~swp_analysis.errors.ValidationFailed`, each naming the file, line, column, what was
expected and what was found.

Conventions (documented in ``docs/assumptions.md``):

- ``period`` is a fiscal year written ``2018-19`` (April 2018 to March 2019). Longer forms
  (``2018-2019``), slashes and months are refused: every partner figure in the report is for
  a whole year, and monthly police data have their own reader.
- Proportions are stored as fractions from 0 to 1 (``0.743``, not ``74.3``), so a percentage
  typed by mistake is caught by the 0..1 range check.
- ``note`` carries a qualifier as the source stated it ("more than", "nearly", "over") or how a
  cell was derived; the figure itself stays a plain number.
- A period earlier than the build year is allowed (ratified reoffending rates lag by two
  years); a period later than the build year is the build's concern: see :func:`check_periods`.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pandera.pandas as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from swp_analysis.errors import InputError, Problem, ValidationFailed
from swp_analysis.paths import DataPaths
from swp_analysis.periods import is_fiscal_year, label, start_of
from swp_analysis.sources.csvtext import (
    NOT_BLANK_RULES,
    Rule,
    as_number,
    is_number,
    read_csv_text,
    text_check,
    validate_lazily,
)
from swp_analysis.sources.yamltext import node_line as node_line
from swp_analysis.sources.yamltext import pydantic_problems as pydantic_problems
from swp_analysis.sources.yamltext import read_yaml as read_yaml

REGISTER_COLUMNS = (
    "indicator",
    "area",
    "period",
    "value",
    "numerator",
    "denominator",
    "source",
    "note",
)
Unit = Literal["count", "proportion", "rate", "gbp"]
Polarity = Literal["up_is_good", "down_is_good", "none"]

# --------------------------------------------------------------------------------------------
# indicators.yaml
# --------------------------------------------------------------------------------------------


class Target(BaseModel):
    """A figure the indicator is judged against, with where it comes from.

    ``kind`` is ``target`` (a level the partnership set out to reach), ``baseline`` (a starting
    level to improve on) or ``benchmark`` (a comparator such as the national rate). It is in
    the indicator's unit (a proportion from 0 to 1 for proportions). Whether "better" means
    above or below comes from the indicator's polarity.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["target", "baseline", "benchmark"]
    value: float
    source: str = Field(min_length=1)
    label: str | None = None


class IndicatorDef(BaseModel):
    """One indicator's definition in ``indicators.yaml``.

    ``id`` is used as a placeholder name in narrative (``{{ dv_reports.change }}``), so it is a
    lower-case identifier. Which objective an indicator is evidence for is said once, in the
    year's ``report.yaml`` (an objective's ``indicators:``), where ``swp validate`` checks it.
    ``lag_years`` is how many years behind the report year the latest figure is (2 for a
    proven reoffending rate: the 2018-19 report quotes 2016-17, the latest ratified).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    unit: Unit
    polarity: Polarity
    target: Target | None = None
    source_organisation: str = Field(min_length=1)
    definition: str | None = None
    lag_years: int = Field(0, ge=0, le=10)

    @model_validator(mode="before")
    @classmethod
    def _linked_in_report_yaml(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("objective" in data or "priority" in data):
            raise ValueError(
                "an indicator's objective is written once, in report/<year>/report.yaml (the "
                "objective's indicators: list); remove objective and priority from indicators.yaml"
            )
        return data

    @field_validator("target")
    @classmethod
    def _proportion_target_is_fraction(cls, target: Target | None, info) -> Target | None:
        if target is not None and info.data.get("unit") == "proportion":
            if not 0 <= target.value <= 1:
                raise ValueError("a proportion's target is a fraction from 0 to 1 (write 0.7 for 70%)")
        return target


class IndicatorsFile(BaseModel):
    """All of ``indicators.yaml``. The list may be empty (a folder just set up by ``swp init``);
    the key is required, so a file that lost it is refused rather than read as empty."""

    model_config = ConfigDict(extra="forbid")
    indicators: list[IndicatorDef]


def read_definitions(path: str | Path) -> dict[str, IndicatorDef]:
    """Read and validate ``indicators.yaml``; the definitions keyed by id, in file order."""
    data, node = read_yaml(path)
    try:
        parsed = IndicatorsFile.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(pydantic_problems(exc, path, node)) from None
    problems = []
    definitions: dict[str, IndicatorDef] = {}
    for i, definition in enumerate(parsed.indicators):
        if definition.id in definitions:
            problems.append(
                Problem(
                    path,
                    "An indicator id is defined twice.",
                    node_line(node, ["indicators", i, "id"]),
                    "id",
                    expected="each id once",
                    found=f"'{definition.id}' again",
                )
            )
        definitions[definition.id] = definition
    if problems:
        raise ValidationFailed(problems)
    return definitions


# --------------------------------------------------------------------------------------------
# indicators.csv
# --------------------------------------------------------------------------------------------


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _ratio_matches(row: pd.Series) -> bool:
    """A stated proportion agrees with numerator / denominator to its own rounding."""
    v, n, d = row["value"], row["numerator"], row["denominator"]
    if not (is_number(v) and is_number(n) and is_number(d)) or float(d) == 0:
        return True
    tolerance = 0.5 * 10 ** -_decimals(v) + 1e-9
    return abs(float(v) - float(n) / float(d)) <= tolerance


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    return as_number(frame[column])


def _wide_rules(definitions: dict[str, IndicatorDef]) -> tuple[list[pa.Check], dict[str, Rule]]:
    """Checks that need more than one cell of a row (and the unit from the definitions)."""

    def unit(frame: pd.DataFrame) -> pd.Series:
        return frame["indicator"].map(lambda i: definitions[i].unit if i in definitions else None)

    def value_present(f: pd.DataFrame) -> pd.Series:
        has_ratio = f["numerator"].notna() & f["denominator"].notna()
        return f["value"].notna() | ((unit(f) == "proportion") & has_ratio)

    def numerator_le_denominator(f: pd.DataFrame) -> pd.Series:
        return ~(_num(f, "numerator") > _num(f, "denominator"))

    def numerator_has_denominator(f: pd.DataFrame) -> pd.Series:
        return ~(f["numerator"].notna() & f["denominator"].isna())

    def whole_count(f: pd.DataFrame) -> pd.Series:
        v = _num(f, "value")
        return ~((unit(f) == "count") & v.notna() & (v != v.round()))

    def proportion_range(f: pd.DataFrame) -> pd.Series:
        v = _num(f, "value")
        return ~((unit(f) == "proportion") & ((v < 0) | (v > 1)))

    def ratio_matches(f: pd.DataFrame) -> pd.Series:
        return f.apply(_ratio_matches, axis=1).astype(bool) | (unit(f) != "proportion")

    checks = [
        pa.Check(value_present, name="value_present"),
        pa.Check(numerator_le_denominator, name="numerator_le_denominator"),
        pa.Check(numerator_has_denominator, name="numerator_has_denominator"),
        pa.Check(whole_count, name="whole_count"),
        pa.Check(proportion_range, name="proportion_range"),
        pa.Check(ratio_matches, name="ratio_matches"),
    ]
    rules = {
        "value_present": Rule(
            "The value is blank.",
            "a value (a proportion may instead give numerator and denominator)",
            column="value",
        ),
        "numerator_le_denominator": Rule(
            "The numerator is larger than the denominator.",
            "numerator <= denominator (a part cannot exceed its whole)",
            column="numerator",
            found=lambda r: f"numerator {r['numerator']}, denominator {r['denominator']}",
        ),
        "numerator_has_denominator": Rule(
            "A numerator is given without its denominator.",
            "a denominator whenever there is a numerator",
            column="denominator",
        ),
        "whole_count": Rule("A count must be a whole number.", "a whole number such as 543", column="value"),
        "proportion_range": Rule(
            "A proportion must be between 0 and 1.",
            "a fraction from 0 to 1 (write 0.743 for 74.3%)",
            column="value",
        ),
        "ratio_matches": Rule(
            "The value does not agree with numerator / denominator.",
            "value = numerator / denominator to the value's own rounding",
            column="value",
            found=lambda r: f"value {r['value']}, numerator {r['numerator']}, denominator {r['denominator']}",
        ),
    }
    return checks, rules


def _register_schema(
    definitions: dict[str, IndicatorDef],
) -> tuple[pa.DataFrameSchema, dict[str, Rule]]:
    known = list(definitions)

    def not_negative(v: str) -> bool:
        return not is_number(v) or float(v) >= 0

    def number_checks(column: str) -> list[pa.Check]:
        return [
            text_check(is_number, f"{column}_is_number"),
            text_check(not_negative, f"{column}_not_negative"),
        ]

    wide_checks, rules = _wide_rules(definitions)
    rules.update(NOT_BLANK_RULES)
    rules["indicator_known"] = Rule(
        "The indicator id is not defined in indicators.yaml.",
        "an id defined in indicators.yaml",
        found=None,
    )
    rules["period_is_fiscal_year"] = Rule(
        "The period is not a fiscal year.",
        "a fiscal year written like 2018-19 (April 2018 to March 2019)",
    )
    for column in ("value", "numerator", "denominator"):
        rules[f"{column}_is_number"] = Rule(
            f"The {column} is not a number.",
            "a plain number such as 6858 or 0.743 (no commas, % or £)",
        )
        rules[f"{column}_not_negative"] = Rule(
            f"The {column} is negative.", "zero or more (figures are counts, shares or money)"
        )
    rules["multiple_fields_uniqueness"] = Rule(
        "The same indicator, area and period appear on an earlier line.",
        "one row per indicator, area and period",
        column="indicator",
        found=lambda r: f"{r['indicator']}, {r['area']}, {r['period']} again",
    )
    schema = pa.DataFrameSchema(
        {
            "indicator": pa.Column(
                object, text_check(lambda v: v in known, "indicator_known"), nullable=False
            ),
            "area": pa.Column(object, nullable=False),
            "period": pa.Column(object, text_check(is_fiscal_year, "period_is_fiscal_year"), nullable=False),
            "value": pa.Column(object, number_checks("value"), nullable=True),
            "numerator": pa.Column(object, number_checks("numerator"), nullable=True),
            "denominator": pa.Column(object, number_checks("denominator"), nullable=True),
            "source": pa.Column(object, nullable=False),
            "note": pa.Column(object, nullable=True),
            "line": pa.Column("int64"),
        },
        checks=wide_checks,
        unique=["indicator", "area", "period"],
        report_duplicates="exclude_first",
    )
    return schema, rules


def read_register_csv(path: str | Path, definitions: dict[str, IndicatorDef]) -> pd.DataFrame:
    """Read and validate ``indicators.csv`` against the definitions.

    Returns one row per figure: ``indicator``, ``area``, ``period`` (str), ``value``,
    ``numerator``, ``denominator`` (float, NaN where blank; a proportion given only as
    numerator and denominator gets its value filled in), ``source``, ``note`` (str or missing)
    and ``line`` (the line in the file). Every problem is raised together.
    """
    frame, problems = read_csv_text(
        path, REGISTER_COLUMNS, required=["indicator", "area", "period", "value", "source"]
    )
    schema, rules = _register_schema(definitions)
    found = validate_lazily(schema, frame, path, rules)
    for problem in found:
        if problem.message.startswith("The indicator id is not defined"):
            name = (problem.found or "").strip("'")
            close = difflib.get_close_matches(name, list(definitions), n=3)
            if close:
                problem.expected = f"an id defined in indicators.yaml, such as {', '.join(close)}"
    problems += found
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: (p.row or 0, str(p.column))))

    out = pd.DataFrame(
        {
            "indicator": frame["indicator"].astype(str),
            "area": frame["area"].astype(str),
            "period": frame["period"].astype(str),
            "value": as_number(frame["value"]),
            "numerator": as_number(frame["numerator"]),
            "denominator": as_number(frame["denominator"]),
            "source": frame["source"].astype(str),
            "note": frame["note"],
            "line": frame["line"],
        }
    )
    fill = out["value"].isna() & out["numerator"].notna() & out["denominator"].gt(0)
    out.loc[fill, "value"] = out.loc[fill, "numerator"] / out.loc[fill, "denominator"]
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# The register as one object
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    """One figure of the register."""

    indicator: str
    area: str
    period: str
    value: float
    numerator: float | None
    denominator: float | None
    source: str
    note: str | None
    line: int


def _opt(x: Any) -> Any:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA else x


def _opt_float(x: Any) -> float | None:
    x = _opt(x)
    return None if x is None else float(x)


@dataclass(frozen=True)
class Register:
    """The validated register: definitions by id and the figures as a DataFrame."""

    definitions: dict[str, IndicatorDef]
    data: pd.DataFrame
    yaml_file: Path
    csv_file: Path

    def row(self, indicator: str, area: str, period: str) -> RegisterRow | None:
        """The figure for one indicator, area and period, or None when not supplied."""
        d = self.data
        hit = d[(d["indicator"] == indicator) & (d["area"] == area) & (d["period"] == period)]
        if hit.empty:
            return None
        r = hit.iloc[0]
        return RegisterRow(
            indicator=r["indicator"],
            area=r["area"],
            period=r["period"],
            value=float(r["value"]),
            numerator=_opt_float(r["numerator"]),
            denominator=_opt_float(r["denominator"]),
            source=r["source"],
            note=_opt(r["note"]),
            line=int(r["line"]),
        )

    def value(self, indicator: str, area: str, period: str) -> float | None:
        row = self.row(indicator, area, period)
        return None if row is None else row.value

    def latest_period(self, indicator: str, area: str, upto: str) -> str | None:
        """The latest period at or before ``upto`` with a figure for this indicator and area."""
        d = self.data
        periods = d.loc[(d["indicator"] == indicator) & (d["area"] == area), "period"]
        periods = [p for p in periods if start_of(p) <= start_of(upto)]
        return max(periods, key=start_of) if periods else None

    def areas(self) -> list[str]:
        return sorted(self.data["area"].unique())

    def rows_to_supply(self, year_from: str, year_to: str, area: str) -> list[tuple[str, str, str]]:
        """(indicator, area, period) rows the lead must add for ``year_to``'s report.

        An indicator is listed when ``year_from``'s report had a figure for it in ``area``
        (for its own period: the year less the indicator's ``lag_years``) and the matching
        period for ``year_to`` has none yet.
        """
        needed = []
        for indicator, definition in self.definitions.items():
            lag = definition.lag_years
            had = label(start_of(year_from) - lag)
            want = label(start_of(year_to) - lag)
            had_row = self.row(indicator, area, had)
            if had_row is not None and self.row(indicator, area, want) is None:
                needed.append((indicator, area, want))
        return needed


def load_register(paths: DataPaths) -> Register:
    """Read and validate ``indicators.yaml`` and ``indicators.csv`` from ``paths``.

    Problems in the definitions stop the read (the CSV cannot be checked without them);
    otherwise every problem in the CSV is raised together.
    """
    definitions = read_definitions(paths.indicators_yaml)
    data = read_register_csv(paths.indicators_csv, definitions)
    return Register(definitions, data, paths.indicators_yaml, paths.indicators_csv)


def check_periods(register: Register, year: str) -> list[Problem]:
    """Rows whose period is later than the build year: figures the report cannot yet have.

    The build decides what to do with them (the reader accepts any fiscal year). Earlier
    periods are allowed, since some figures are only ratified years later.
    """
    if not is_fiscal_year(year):
        raise InputError("year", "The year is not a fiscal year.", expected="like 2018-19", found=repr(year))
    d = register.data
    late = d[d["period"].map(start_of) > start_of(year)]
    return [
        Problem(
            register.csv_file,
            f"The period is after the year being built ({year}).",
            int(r["line"]),
            "period",
            f"{year} or earlier",
            r["period"],
        )
        for _, r in late.iterrows()
    ]
