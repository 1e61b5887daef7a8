"""The context narrative placeholders are filled from, for one year and area."""

from __future__ import annotations

from typing import Any

from swp_analysis.errors import InputError
from swp_analysis.indicators import indicator_context
from swp_analysis.periods import is_fiscal_year, long_label, shift
from swp_analysis.sources.register import Register

# Names every context has besides the indicator ids; an indicator may not use them.
RESERVED = (
    "year",
    "year_long",
    "previous_year",
    "previous_year_long",
    "next_year",
    "next_year_long",
    "area",
    "police",
)


def build_context(register: Register, year: str, area: str, extra: dict | None = None) -> dict[str, Any]:
    """Everything narrative placeholders can name, for one year and area.

    One entry per indicator id (see :func:`swp_analysis.indicators.indicator_context`) plus
    ``year`` ("2018-19"),
    ``year_long`` ("2018-2019"), ``previous_year``, ``previous_year_long``, ``next_year``,
    ``next_year_long`` and ``area``. ``extra`` (e.g. police figures computed by a notebook)
    is merged last and wins on a clash.
    """
    if not is_fiscal_year(year):
        raise InputError("year", "The year is not a fiscal year.", expected="like 2018-19", found=repr(year))
    context: dict[str, Any] = {
        "year": year,
        "year_long": long_label(year),
        "previous_year": shift(year, -1),
        "previous_year_long": long_label(shift(year, -1)),
        "next_year": shift(year, 1),
        "next_year_long": long_label(shift(year, 1)),
        "area": area,
    }
    for indicator_id, definition in register.definitions.items():
        if indicator_id in RESERVED:
            raise InputError(
                register.yaml_file,
                "An indicator id is a reserved name.",
                column="id",
                expected="a name other than " + ", ".join(RESERVED),
                found=indicator_id,
            )
        context[indicator_id] = indicator_context(register, definition, year, area)
    if extra:
        context.update(extra)
    return context
