"""Readers for the small hand-kept tables: ``population.csv`` and ``expenditure.csv``.

Both are read the same way as the indicator register (``sources/register.py``), with the helpers
of :mod:`swp_analysis.sources.csvtext` (importable from here too): the file is read as text
with the line of every record remembered, checked with a pandera schema in lazy mode so that
every failing cell is collected, and each failure becomes a
:class:`~swp_analysis.errors.Problem` naming the file, the line, the column, what was expected
and what was found. All problems are raised together as one
:class:`~swp_analysis.errors.ValidationFailed`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from swp_analysis.errors import InputError, ValidationFailed
from swp_analysis.periods import is_fiscal_year, mid_year
from swp_analysis.sources.csvtext import NOT_BLANK_RULES as NOT_BLANK_RULES
from swp_analysis.sources.csvtext import Rule as Rule
from swp_analysis.sources.csvtext import as_number as as_number
from swp_analysis.sources.csvtext import is_number as is_number
from swp_analysis.sources.csvtext import read_csv_text as read_csv_text
from swp_analysis.sources.csvtext import schema_problems as schema_problems
from swp_analysis.sources.csvtext import text_check as text_check
from swp_analysis.sources.csvtext import validate_lazily as validate_lazily

POPULATION_COLUMNS = ("area", "year", "population", "source")
EXPENDITURE_COLUMNS = ("fiscal_year", "priority", "item", "provider", "funder", "amount_gbp")

# --------------------------------------------------------------------------------------------
# population.csv
# --------------------------------------------------------------------------------------------

_POPULATION_RULES = {
    **NOT_BLANK_RULES,
    "year_is_mid_year": Rule(
        "The year is not a mid-year.", "a four-digit calendar year such as 2018 (mid-2018)"
    ),
    "population_is_number": Rule(
        "The population is not a whole number.", "a whole number such as 262474 (no commas)"
    ),
    "population_positive": Rule("The population must be more than zero.", "a number above 0"),
    "multiple_fields_uniqueness": Rule(
        "The same area and year appear twice.",
        "one row per area and year",
        column="area",
        found=lambda r: f"{r['area']} {r['year']} again",
    ),
}


def _whole(v: str) -> bool:
    return is_number(v) and float(v) == int(float(v))


_POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        "area": pa.Column(object, nullable=False),
        "year": pa.Column(
            object,
            text_check(lambda v: bool(re.fullmatch(r"\d{4}", v)), "year_is_mid_year"),
            nullable=False,
        ),
        "population": pa.Column(
            object,
            [
                text_check(_whole, "population_is_number"),
                text_check(lambda v: not is_number(v) or float(v) > 0, "population_positive"),
            ],
            nullable=False,
        ),
        "source": pa.Column(object, nullable=False),
    },
    unique=["area", "year"],
    report_duplicates="exclude_first",
)


def read_population(path: str | Path) -> pd.DataFrame:
    """``population.csv``: one row per area and mid-year, with the source of the figure.

    Columns: ``area`` (local authority name as in the police data), ``year`` (the calendar
    year of the mid-year estimate, 30 June), ``population`` (a whole number above zero) and
    ``source``. Returns ``area`` (str), ``year`` (int), ``population`` (int), ``source`` and
    ``line``. Every problem in the file is raised together as :class:`ValidationFailed`.
    """
    frame, problems = read_csv_text(path, POPULATION_COLUMNS)
    problems += validate_lazily(_POPULATION_SCHEMA, frame, path, _POPULATION_RULES)
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
    out = pd.DataFrame(
        {
            "area": frame["area"].astype(str),
            "year": frame["year"].astype(int),
            "population": frame["population"].astype(float).astype("int64"),
            "source": frame["source"].astype(str),
            "line": frame["line"],
        }
    )
    out.attrs["path"] = str(path)  # so population_for can name the file
    return out


def population_for(population: pd.DataFrame, area: str, fiscal_year: str) -> int:
    """The population of ``area`` for ``fiscal_year``: its mid-year estimate
    (:func:`swp_analysis.periods.mid_year`).

    Raises :class:`InputError` naming what is missing when the table has no such row.
    """
    year = mid_year(fiscal_year)
    rows = population[(population["area"] == area) & (population["year"] == year)]
    if rows.empty:
        areas = sorted(population["area"].unique())
        years = sorted(population.loc[population["area"] == area, "year"].unique())
        found = f"mid-years {', '.join(map(str, years))} for {area}" if years else f"areas {', '.join(areas)}"
        raise InputError(
            population.attrs.get("path", "population.csv"),
            f"No population for {area} in mid-{year}, needed for {fiscal_year}.",
            column="year",
            expected=f"a row for {area}, {year}",
            found=found,
        )
    return int(rows["population"].iloc[0])


# --------------------------------------------------------------------------------------------
# expenditure.csv
# --------------------------------------------------------------------------------------------

_EXPENDITURE_RULES = {
    **NOT_BLANK_RULES,
    "fiscal_year": Rule("The fiscal year is not written as a fiscal year.", "a fiscal year such as 2018-19"),
    "amount_is_number": Rule(
        "The amount is not a plain number.", "a number of pounds such as 25000 (no £ or commas)"
    ),
    "amount_not_negative": Rule("The amount is negative.", "zero or more pounds"),
    "priority_known": Rule("The priority is not one of the report's priorities.", ""),
}


def read_expenditure(path: str | Path, priorities: Sequence[str] | None = None) -> pd.DataFrame:
    """``expenditure.csv`` (Appendix A): one row per funded item.

    Columns: ``fiscal_year`` ("2018-19"), ``priority``, ``item``, ``provider``, ``funder``
    (blank allowed for provider and funder) and ``amount_gbp`` (pounds, zero or more, no "£"
    or commas). When ``priorities`` is given, each row's priority must be one of them.
    Returns the same columns with ``amount_gbp`` as float, plus ``line``.
    """
    rules = dict(_EXPENDITURE_RULES)
    priority_checks = []
    if priorities is not None:
        allowed = list(priorities)
        rules["priority_known"] = Rule(
            "The priority is not one of the report's priorities.", "one of: " + ", ".join(allowed)
        )
        priority_checks.append(text_check(lambda v: v in allowed, "priority_known"))
    schema = pa.DataFrameSchema(
        {
            "fiscal_year": pa.Column(object, text_check(is_fiscal_year, "fiscal_year"), nullable=False),
            "priority": pa.Column(object, priority_checks, nullable=False),
            "item": pa.Column(object, nullable=False),
            "provider": pa.Column(object, nullable=True),
            "funder": pa.Column(object, nullable=True),
            "amount_gbp": pa.Column(
                object,
                [
                    text_check(is_number, "amount_is_number"),
                    text_check(lambda v: not is_number(v) or float(v) >= 0, "amount_not_negative"),
                ],
                nullable=False,
            ),
        }
    )
    frame, problems = read_csv_text(
        path, EXPENDITURE_COLUMNS, required=["fiscal_year", "priority", "item", "amount_gbp"]
    )
    problems += validate_lazily(schema, frame, path, rules)
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
    out = frame.copy()
    out["amount_gbp"] = as_number(out["amount_gbp"])
    return out
