"""swp-analysis: a reproducible analytical pipeline for a Community Safety Partnership's annual report.

The library is deliberately small: ``sources`` read and validate inputs, ``clean`` types and
labels them, ``metrics`` holds pure, cited statistical functions, ``charts`` draws, ``content``
holds the year's report content, and ``pipeline`` runs the notebooks into the board's HTML.
Importing the package is cheap: sub-modules are imported on use.
"""

__version__ = "0.1.0"
