"""The report's sections: each composes figures, charts, display pieces and narrative into what
one notebook cell shows, reading from :class:`swp_analysis.inputs.ReportInputs`.

- :mod:`.front`: headline, glossary, narrative, strategy, next year, membership;
- :mod:`.objectives`: objectives, their ratings, the evidence and the check;
- :mod:`.register`: partners' figures from the local register;
- :mod:`.crime`: police recorded crime and the peer comparison;
- :mod:`.appendices`: expenditure and the claims check;
- :mod:`.quality`: data quality and methods.
"""
