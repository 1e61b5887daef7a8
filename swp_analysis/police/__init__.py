"""Police figures from the processed police table (:func:`swp_analysis.ingest.load_police`).

Pure functions: a DataFrame in, numbers or tables out. Arithmetic (change, Poisson Z, shares,
ranks, rates and their intervals) comes from :mod:`swp_analysis.stats`; these modules choose the
rows (:mod:`.select`) and build the tables: counts for an area and year (:mod:`.counts`), the
force's authorities side by side (:mod:`.peers`), and the placeholders narrative can name
(:mod:`.placeholders`).
"""

from .benchmark import Benchmark, benchmark
from .counts import (
    YearOnYear,
    asb_count,
    count_in_months,
    crime_type_shares,
    monthly_counts,
    recorded_crime,
    total_recorded_crime,
    trc_change,
    year_on_year,
)
from .coverage import Coverage, comparable_months, coverage, covered_months
from .peers import peer_table
from .select import areas_present

__all__ = [
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
    "monthly_counts",
    "peer_table",
    "recorded_crime",
    "total_recorded_crime",
    "trc_change",
    "year_on_year",
]
