"""The report's charts (see :mod:`.base` for the conventions every chart follows).

- :mod:`.register`: partners' figures (a count by year, a proportion against its target);
- :mod:`.police`: recorded crime (trends, drivers, anti-social behaviour, where, peers);
- :mod:`.money`: spending.
"""

from .base import PALETTE, Chart, apply_theme
from .money import spend_by_priority
from .police import (
    crime_and_asb,
    density,
    drivers,
    peer_rates,
    rate_trends,
    type_trends,
)
from .register import change_title, proportion_against_target, year_on_year

__all__ = [
    "PALETTE",
    "Chart",
    "apply_theme",
    "change_title",
    "crime_and_asb",
    "density",
    "drivers",
    "peer_rates",
    "proportion_against_target",
    "rate_trends",
    "spend_by_priority",
    "type_trends",
    "year_on_year",
]
