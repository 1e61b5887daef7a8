"""Objectives and their delivery ratings, with the evidence and the check beside each rating.

The lead's rating is content; what the objective's linked indicators say against their targets
comes from :mod:`swp_analysis.ratings`, and a rating more positive than that is flagged.
"""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, ratings
from swp_analysis.content import Objective
from swp_analysis.display import Html
from swp_analysis.formatting import NOT_SUPPLIED
from swp_analysis.inputs import ReportInputs
from swp_analysis.ratings import Rating

from .front import narrative

TABLE_COLUMNS = [
    "Priority",
    "Objective",
    "Delivery rating",
    "Evidence",
    "Evidence suggests",
    "Check",
    "Disagrees",
]


def evidence(inputs: ReportInputs, objective: Objective) -> tuple[Rating | None, list[str]]:
    """What an objective's linked indicators suggest, and the sentences that say why."""
    results, lines = [], []
    for i in objective.indicators:
        c = inputs.context[i]
        definition = inputs.register.definitions[i]
        if definition.target is not None and c["raw"]["target_met"] is not None:
            result = ratings.compare_to_target(
                c["raw"]["value"], definition.target.value, definition.polarity, definition.unit
            )
            results.append(result)
            lines.append(f"{c['title']}: {result.text}")
        elif c["raw"]["value"] is not None:
            lines.append(f"{c['title']}: {c['value']} ({c['period']})")
        else:
            lines.append(f"{c['title']}: {NOT_SUPPLIED}")
    return ratings.suggest_rating(results), lines


def objectives_table(inputs: ReportInputs) -> pd.DataFrame:
    """Every objective with the lead's rating, the evidence and whether they agree.

    Columns: Priority, Objective, Delivery rating (Html badge), Evidence (text),
    Evidence suggests (Html badge or words), Check (words), Disagrees (bool).
    """
    rows = []
    if inputs.content is None:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    for priority, objective in inputs.content.objectives():
        suggested, lines = evidence(inputs, objective)
        rows.append(
            {
                "Priority": priority.title,
                "Objective": objective.title,
                "Delivery rating": display.rating(objective.rating, objective.rating_basis == "provisional"),
                "Evidence": "; ".join(lines) if lines else "No indicator linked",
                "Evidence suggests": display.rating(suggested) if suggested else "no target",
                "Check": ratings.rating_check(objective.rating, suggested),
                "Disagrees": ratings.rating_disagrees(objective.rating, suggested),
            }
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def objectives_table_html(inputs: ReportInputs) -> Html:
    """One table per priority: objective, the lead's rating, the evidence and the check."""
    if inputs.content is None:
        return display.nothing()
    df = objectives_table(inputs)
    if df.empty:
        return display.paragraph("No objectives or ratings supplied.", "swp-missing")
    n_flag = int(df["Disagrees"].sum())
    if n_flag:
        verb = "ratings are" if n_flag != 1 else "rating is"
        summary = (
            f"{len(df)} objectives are rated. {n_flag} {verb} more positive than the linked "
            "indicators suggest."
        )
    else:
        summary = (
            f"{len(df)} objectives are rated; no rating is more positive than its linked indicators suggest."
        )
    parts = [display.paragraph(summary).markup]
    for priority, part in df.groupby("Priority", sort=False):
        table = part[["Objective", "Delivery rating", "Evidence", "Check"]].set_index("Objective")
        parts.append(display.table(table, f"{priority}: delivery ratings and evidence", stack=True).markup)
    parts.append(
        display.paragraph(
            "The rating is the lead's judgement. The check compares it with what the linked "
            "indicators say against their targets.",
            "swp-note",
        ).markup
    )
    return Html("".join(parts))


def objective(inputs: ReportInputs, objective_id: str) -> Html:
    """One objective as the reference report shows it: heading, rating, narrative, stories."""
    if inputs.content is None:
        return display.nothing()
    found = [o for _, o in inputs.content.objectives() if o.id == objective_id]
    if not found:
        raise KeyError(f"no objective {objective_id!r} in report/{inputs.year}/report.yaml")
    o = found[0]
    provisional = o.rating_basis == "provisional"
    parts = [
        f"<h3>{display.escape(o.title)}</h3>",
        f"<p>Delivery rating: {display.rating(o.rating, provisional).markup}</p>",
    ]
    if o.rating_note and not provisional:  # a provisional rating's reason is given once, in the key
        parts.append(f'<p class="swp-note">{display.escape(o.rating_note)}</p>')
    parts.append(narrative(inputs, o.commentary).markup)
    for story in o.focus:
        parts.append(display.callout(f"Focus on: {story.title}", narrative(inputs, story.file)).markup)
    if o.rating_explanation:
        explanation = narrative(inputs, o.rating_explanation)
        parts.append(
            display.callout(f"Explanation of rating: {o.rating.label}", explanation, "explain").markup
        )
    suggested, _ = evidence(inputs, o)
    if ratings.rating_disagrees(o.rating, suggested):
        parts.append(
            '<p class="swp-flag">Check: the rating above is more positive than its linked '
            f"indicators suggest ({display.escape(suggested.label)}).</p>"
        )
    return Html("".join(parts))


def provisional_reasons(inputs: ReportInputs) -> dict[str, int]:
    """Why ratings are provisional: each distinct reason and how many ratings it covers."""
    reasons: dict[str, int] = {}
    for _, o in inputs.content.objectives() if inputs.content is not None else []:
        if o.rating_basis == "provisional":
            why = o.rating_note or "the partnership has not stated it"
            reasons[why] = reasons.get(why, 0) + 1
    return reasons


def rating_key(inputs: ReportInputs) -> Html:
    """The key, shown when there are ratings, with the reasons for provisional ratings once."""
    if inputs.content is None:
        return display.nothing()
    return display.rating_key(provisional_reasons(inputs))


def _priority(inputs: ReportInputs, position: int):
    content = inputs.content
    if content is None or not 1 <= position <= len(content.priorities):
        return None
    return content.priorities[position - 1]


def priority_chapter(inputs: ReportInputs, position: int) -> Html:
    """The ``position``-th priority of ``report.yaml`` (1 = the first): its heading, each objective
    with its headline figures and charts, and the priority's change table. Nothing for a report
    without content or a priority not there."""
    from .register import change_table, chart_proportion, chart_year_on_year, key_figures

    p = _priority(inputs, position)
    if p is None:
        return display.nothing()
    # what the partnership committed to under it is in the strategy overview, once
    parts: list[object] = [display.heading(f"Strategic Priority: {p.title}", 2, f"priority-{p.id}")]
    for o in p.objectives:
        parts.append(objective(inputs, o.id))
        if o.figures:
            parts.append(key_figures(inputs, o.figures))
        for c in o.charts:
            unit = inputs.register.definitions[c.indicator].unit
            draw = chart_proportion if unit == "proportion" else None
            parts.append(
                draw(inputs, c.indicator, c.measure)
                if draw
                else chart_year_on_year(inputs, c.indicator, c.measure, c.unit)
            )
    if p.change_table is not None:
        parts.append(change_table(inputs, p.change_table.indicators, p.change_table.caption))
    return display.join(parts)


def further_priorities(inputs: ReportInputs, first: int) -> Html:
    """Every priority from the ``first``-th on (a partnership with more than the notebooks have)."""
    count = len(inputs.content.priorities) if inputs.content is not None else 0
    return display.join(priority_chapter(inputs, n) for n in range(first, count + 1))
