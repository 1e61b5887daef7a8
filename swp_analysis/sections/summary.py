"""The report's first and last words to the board: the main points, and "About the data".

The main points open the report: the ratings by level (how many the partnership stated, how
many are provisional), what is not on track, five to seven headline figures each with its
direction and a plain-English verdict, and any gap in the police data. "About the data" closes
it: where the figures come from, in a few sentences, with a link to the technical annex.
"""

from __future__ import annotations

from collections import Counter

from swp_analysis import display, formatting, police
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs
from swp_analysis.ratings import Rating
from swp_analysis.stats import WITHIN_NORMAL

from .crime import year_on_year
from .objectives import evidence
from .register import figure_verdict, published_notes

ANNEX_HREF = "technical-annex.html"


def _ratings(inputs: ReportInputs) -> list[str]:
    objectives = [o for _, o in inputs.content.objectives()]
    if not objectives:
        return []
    rated = [o for o in objectives if o.rating is not Rating.NOT_YET_RATED]
    if not rated:
        return [f"None of the {len(objectives)} objectives has been rated yet."]
    levels = Counter(o.rating for o in rated)
    counts = ", ".join(f"{levels[r]} {r.label.lower()}" for r in Rating if levels.get(r))
    provisional = sum(o.rating_basis == "provisional" for o in rated)
    stated = len(rated) - provisional
    lines = [
        f"{len(rated)} of {len(objectives)} objectives are rated: {counts}. The partnership stated "
        f"{stated} of these ratings; {provisional} {'is' if provisional == 1 else 'are'} provisional "
        "(see the key)."
    ]
    behind = [o for o in objectives if o.rating in (Rating.NOT_ON_TRACK, Rating.MORE_WORK)]
    if behind:
        named = "; ".join(f"{o.title} ({o.rating.label.lower()})" for o in behind)
        lines.append(f"Not on track or needing more work: {named}.")
    flagged = [o.title for o in objectives if _flagged(inputs, o)]
    if flagged:
        lines.append(f"The evidence suggests a lower rating than given for: {'; '.join(flagged)}.")
    return lines


def _flagged(inputs: ReportInputs, o) -> bool:
    from swp_analysis.ratings import rating_disagrees

    suggested, _ = evidence(inputs, o)
    return rating_disagrees(o.rating, suggested)


def _police_figures(inputs: ReportInputs) -> list[tuple[str, str, str | None]]:
    yoy = year_on_year(inputs)
    if yoy.now.empty:
        return [(f"Recorded crime, {inputs.year}", "not available", "No police data for the year.")]
    note = yoy.now.note
    value = formatting.fmt_count(yoy.total)
    if yoy.change is None:
        words = "No month of both years is covered, so no change can be given"
    else:
        months = "" if yoy.like_for_like else f" (the same {len(yoy.compared[1])} months)"
        words = f"{_direction(yoy.change)} on {inputs.previous_year}{months}: {_verdict(yoy.change)}"
    items = [(f"Recorded crime, {inputs.year}" + (f" ({note})" if note else ""), value, words)]
    asb = police.monthly_series(inputs.police, inputs.area, asb=True)
    by_year = asb.groupby("fiscal_year")["count"].sum(min_count=1)
    if inputs.year in by_year and inputs.previous_year in by_year and yoy.like_for_like:
        from swp_analysis import stats

        change = stats.change_summary(by_year[inputs.previous_year], by_year[inputs.year])
        words = (
            f"{_direction(change)} on {inputs.previous_year}: {_verdict(change)}. Not crimes; counted apart"
        )
        items.append(
            (f"Anti-social behaviour, {inputs.year}", formatting.fmt_count(by_year[inputs.year]), words)
        )
    return items


def _direction(change) -> str:
    if change.change == 0:
        return "Unchanged"
    word = "Up" if change.change > 0 else "Down"
    if change.pct is None or change.caution:
        return f"{word} from {formatting.fmt_count(change.before)}"
    return f"{word} {formatting.fmt_pct(abs(change.pct))}"


def _verdict(change) -> str:
    if change.verdict == WITHIN_NORMAL:
        return "within normal year-to-year variation"
    return "more than normal year-to-year variation"


def headline_figures(inputs: ReportInputs) -> list[tuple[str, str, str | None]]:
    """(label, value, direction and verdict) for the police figures and the content's headline figures."""
    items = _police_figures(inputs)
    ids = inputs.content.report.headline_figures if inputs.content is not None else []
    for i in ids:
        c = inputs.context[i]
        note = [figure_verdict(c)] + published_notes(inputs, i)
        items.append((f"{c['title']} ({c['period']})", c["value"], ". ".join(n for n in note if n)))
    return items[:7]


def main_points(inputs: ReportInputs) -> Html:
    parts: list[object] = []
    if inputs.content is not None:
        parts.append(display.bullets(_ratings(inputs)))
    parts.append(display.key_figures(headline_figures(inputs)))
    yoy = year_on_year(inputs)
    for cov in (yoy.before, yoy.now) if not yoy.now.empty else ():
        if not cov.complete:
            text = f"Police data for {cov.year} cover {cov.note}: that year's figures are not a full year's."
            parts.append(display.paragraph(text, "swp-flag"))
    return display.join(parts)


def about_the_data(inputs: ReportInputs) -> Html:
    """A few sentences on where the figures come from, and a link to the technical annex."""
    sentences = [
        "Police recorded crime and anti-social behaviour come from data.police.uk street-level files; "
        "partners' figures from the partnership's register, each marked with its source; rates use "
        "ONS mid-year population estimates.",
        "Counts of 1 to 4 below the whole area are withheld, with anything that would reveal them. "
        "A part year is never shown as a whole one.",
    ]
    if inputs.synthetic_police:
        sentences.append(
            "The police data in this build are the synthetic sample: police figures illustrate the "
            "method only."
        )
    claims = inputs.claims
    if claims is not None:
        n = claims["status"].value_counts()
        sentences.append(
            f"Figures the published report stated were recomputed: {n.get('agrees', 0)} agree, "
            f"{n.get('disagrees', 0)} disagree and {n.get('not checked', 0)} could not be checked."
        )
    text = "".join(f"<p>{display.escape(s)}</p>" for s in sentences)
    link = (
        f"<p>The audit trail (input files and their hashes, every row read, every figure checked, "
        f'and the methods) is in the <a href="{ANNEX_HREF}">technical annex</a>.</p>'
    )
    return Html(text + link)
