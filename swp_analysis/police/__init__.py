"""Police figures from the processed police table (:func:`swp_analysis.ingest.load_police`).

Pure functions: a DataFrame in, numbers or tables out. Arithmetic (change, Poisson Z, shares,
ranks, rates and their intervals) comes from :mod:`swp_analysis.stats`; these modules choose the
rows (:mod:`.select`) and build the tables: which months the data cover (:mod:`.coverage`),
counts for an area and year (:mod:`.counts`), trends and what drove a change (:mod:`.trends`),
outcomes (:mod:`.outcomes`), authorities side by side (:mod:`.peers`) and against their peers'
average (:mod:`.benchmark`), and the placeholders narrative can name (:mod:`.placeholders`).
"""

from .benchmark import Benchmark, benchmark, rate_trend
from .counts import (
    YearOnYear,
    asb_count,
    count_in_months,
    crime_type_shares,
    recorded_crime,
    total_recorded_crime,
    trc_change,
    year_on_year,
)
from .coverage import Coverage, comparable_months, coverage, covered_months
from .outcomes import NO_OUTCOME, outcomes, outcomes_by_type
from .peers import peer_table
from .select import areas_present
from .trends import TOTAL, drivers, monthly_series, yearly, years_held
from .wards import has_wards, points, top_wards, ward_table

__all__ = [
    "NO_OUTCOME",
    "TOTAL",
    "Benchmark",
    "Coverage",
    "benchmark",
    "YearOnYear",
    "areas_present",
    "comparable_months",
    "count_in_months",
    "coverage",
    "covered_months",
    "asb_count",
    "crime_type_shares",
    "drivers",
    "has_wards",
    "monthly_series",
    "outcomes",
    "outcomes_by_type",
    "rate_trend",
    "peer_table",
    "points",
    "recorded_crime",
    "top_wards",
    "total_recorded_crime",
    "trc_change",
    "ward_table",
    "year_on_year",
    "yearly",
    "years_held",
]
