"""The report's front and back matter, from the year's content: headline, glossary, narrative,
strategy, next year's priorities and the board's membership.

A report for an authority that is not the partnership's own has no content: these sections then
say so once (:func:`headline`) and otherwise show nothing, so that report says nothing about the
partnership's area or organisation.
"""

from __future__ import annotations

from swp_analysis import display
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs


def headline(inputs: ReportInputs) -> Html:
    """The partnership's name and strapline, or what this report covers without content."""
    c = inputs.content
    if c is None:
        return display.paragraph(
            f"This report covers {inputs.area}, {inputs.year}. No partnership content (ratings, "
            "narrative, partners' figures) has been supplied for this area, so it shows police "
            "figures only.",
            "swp-missing",
        )
    p = c.partnership
    bits = [p.name, p.strapline, p.operating_as]
    return Html("".join(f"<p><strong>{display.escape(b)}</strong></p>" for b in bits if b))


def narrative(inputs: ReportInputs, file: str) -> Html:
    """A Markdown narrative file of this year's content, placeholders filled, as HTML."""
    if inputs.content is None:
        return display.nothing()
    return display.trusted(inputs.content.html(file, inputs.context))


def narrative_section(inputs: ReportInputs, name: str) -> Html:
    """One of the free-standing narrative sections named in ``report.yaml`` (``introduction``)."""
    if inputs.content is None:
        return display.nothing()
    return narrative(inputs, getattr(inputs.content.report.narrative, name))


# The words the report's own figures use (the content's glossary adds the partnership's terms).
STATISTICAL_TERMS = {
    "95% confidence interval": "The range a figure would fall in 95 times out of 100 if the year "
    "were repeated: a sign of how much of a figure is chance.",
    "Normal year-to-year variation": "How much a count moves from one year to the next by chance "
    "alone. A change larger than that (Wheeler's Poisson Z above 3) is unlikely to be chance.",
    "Rate per 1,000 residents": "Crimes for every 1,000 people living in the area, so that areas "
    "of different sizes can be compared.",
    "Similar to, higher than, lower than": "How an area's rate compares with the average of its "
    "peers: higher or lower only when its 95% confidence interval lies wholly above or below it.",
    "Part year": "A financial year for which the police data do not cover all twelve months.",
    "*": "A count of 1 to 4, or a figure that would reveal one, withheld so that no one can be identified.",
}


def glossary(inputs: ReportInputs) -> Html:
    if inputs.content is None:
        return display.nothing()
    rows = [(g.term, g.meaning) for g in inputs.content.glossary]
    rows += [(t, m) for t, m in STATISTICAL_TERMS.items() if t not in {r[0] for r in rows}]
    return display.definitions(rows)


def signatories(inputs: ReportInputs) -> Html:
    if inputs.content is None or not inputs.content.report.signatories:
        return display.nothing()
    items = [
        ", ".join(x for x in (s.name, s.role, s.organisation) if x) for s in inputs.content.report.signatories
    ]
    return Html("<p>Signed by:</p>" + display.bullets(items).markup)


def strategy_heading(inputs: ReportInputs) -> Html:
    if inputs.content is None:
        return display.nothing()
    return display.heading(inputs.content.report.strategy_title, 2, "strategy-overview")


def strategy_overview(inputs: ReportInputs) -> Html:
    if inputs.content is None:
        return display.nothing()
    parts = []
    for p in inputs.content.priorities:
        items = display.bullets(s.text for s in p.strategy_objectives).markup
        parts.append(f"<section><h3>{display.escape(p.title)}</h3>{items}</section>")
    return Html(f'<div class="swp-grid">{"".join(parts)}</div>')


def next_year_table(inputs: ReportInputs) -> Html:
    if inputs.content is None:
        return display.nothing()
    ny = inputs.content.next_year
    if ny is None:
        return display.paragraph("Next year's priorities have not been supplied.", "swp-missing")
    parts = []
    for row in ny.rows:
        items = display.bullets(row.items).markup
        parts.append(f"<section><h3>{display.escape(row.priority)}</h3>{items}</section>")
    heading = display.heading(ny.title, 2, "next-year-priorities").markup
    return Html(f'{heading}<div class="swp-grid">{"".join(parts)}</div>')


def membership(inputs: ReportInputs) -> Html:
    if inputs.content is None:
        return display.nothing()
    m = inputs.content.membership
    parts = [f"<p>{display.escape(m.heading)}</p>", display.bullets(m.members, columns=True).markup]
    if m.third_sector:
        heading = m.third_sector_heading or "Third sector:"
        parts += [f"<p>{display.escape(heading)}</p>", display.bullets(m.third_sector, columns=True).markup]
    return Html("".join(parts))
