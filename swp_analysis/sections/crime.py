"""Police recorded crime: the year's total and its change, contributors, and the peer comparison.

Counts shown below the whole area pass through disclosure control
(:mod:`swp_analysis.suppression`). The crime types compared with the force's other authorities
come from the content's ``comparison.crime_types``.
"""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting, periods, police, stats, suppression
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs
from swp_analysis.stats import WITHIN_NORMAL

SOURCE = "Source: data.police.uk street-level crime."


def year_on_year(inputs: ReportInputs) -> police.YearOnYear:
    """Total recorded crime this year against last, like for like (see :mod:`swp_analysis.police`)."""
    return police.year_on_year(inputs.police, inputs.area, inputs.year)


def crime_types(inputs: ReportInputs) -> pd.DataFrame:
    """Each crime type's count, share of total recorded crime and rank, this year."""
    return police.crime_type_shares(inputs.police, inputs.area, inputs.year)


def _has_data(inputs: ReportInputs) -> bool:
    return not year_on_year(inputs).now.empty


def no_data(inputs: ReportInputs) -> Html:
    """What the report says where a year has no police data at all."""
    first, last = periods.months(inputs.year)[0], periods.months(inputs.year)[-1]
    return display.paragraph(
        f"There are no police data for {inputs.area} in {inputs.year}, so recorded crime cannot "
        f"be reported for it. The data folder needs the police.uk street files for "
        f"{formatting.month_list([first])} to {formatting.month_list([last])}.",
        "swp-missing",
    )


def _total_sentence(inputs: ReportInputs, yoy: police.YearOnYear) -> str:
    total = formatting.fmt_count(yoy.total)
    source = "police.uk street-level data, excluding anti-social behaviour"
    if yoy.now.complete:
        return f"{inputs.area} recorded {total} crimes in {inputs.year} ({source})."
    return (
        f"{inputs.area} recorded {total} crimes in the months of {inputs.year} the police data "
        f"cover ({yoy.now.note}; {source}). This is not a full year's total."
    )


def _change_sentences(inputs: ReportInputs, yoy: police.YearOnYear) -> list[str]:
    c = yoy.change
    if c is None:
        return [
            f"No change on {inputs.previous_year} can be given: the police data cover no calendar "
            "month in both years."
        ]
    if yoy.like_for_like:
        head = f"That is {formatting.change_text(c)} on {inputs.previous_year}."
    else:
        months = formatting.month_list(list(yoy.compared[1]))
        n = len(yoy.compared[1])
        head = (
            f"Comparing only the {n} calendar month{'s' if n != 1 else ''} both years cover "
            f"({months} against the same in {inputs.previous_year}): {formatting.change_text(c)}."
        )
    signal = c.verdict != WITHIN_NORMAL
    verdict = (
        "more than normal year-to-year variation (|Z| > 3)."
        if signal
        else "within normal year-to-year variation (|Z| of 3 or less)."
    )
    return [head, f"That is {verdict.split(' (')[0]}."]


def crime_summary(inputs: ReportInputs) -> Html:
    """Total recorded crime and its change, like for like, with the Poisson Z verdict."""
    yoy = year_on_year(inputs)
    if yoy.now.empty:
        return no_data(inputs)
    types = crime_types(inputs)
    top = types.index[0]
    parts = [_total_sentence(inputs, yoy), *_change_sentences(inputs, yoy)]
    parts.append(
        f"The largest contributor was {top.lower()} "
        f"({formatting.fmt_prop(types.loc[top, 'share'])} of the total)."
    )
    if "Vehicle crime" in types.index:
        v = types.loc["Vehicle crime"]
        parts.append(
            f"Vehicle crime was {formatting.fmt_prop(v['share'])} of total recorded crime, the "
            f"{formatting.ordinal(int(v['rank']))} highest contributor. police.uk publishes "
            "vehicle crime as one category, so theft from a motor vehicle on its own cannot be "
            "shown from this source."
        )
    asb = police.asb_count(inputs.police, inputs.area, inputs.year)
    note = f" ({yoy.now.note})" if yoy.now.note else ""
    parts.append(
        "Anti-social behaviour is counted separately: "
        f"{formatting.fmt_count(asb)} incidents in {inputs.year}{note}."
    )
    first, rest = " ".join(parts[:-3]), " ".join(parts[-3:])
    return Html(f"<p>{display.escape(first)}</p><p>{display.escape(rest)}</p>")


def benchmark(inputs: ReportInputs, crime_type: str | None) -> police.Benchmark:
    """The area's rate against the average of its peers (see :mod:`swp_analysis.police.benchmark`)."""
    return police.benchmark(
        inputs.police, inputs.area, inputs.year, crime_type, inputs.population, inputs.settings.peers
    )


def peers(inputs: ReportInputs, crime_type: str | None) -> pd.DataFrame:
    """Every peer authority on one crime type: change, rate per 1,000 and the verdict."""
    return benchmark(inputs, crime_type).table


def _group(b: police.Benchmark) -> str:
    return f"{b.area} and {len(b.others)} other authorit{'y' if len(b.others) == 1 else 'ies'}"


def _finding(b: police.Benchmark) -> str:
    what = b.crime_type.lower() if b.crime_type else "recorded crime"
    return f"{b.area}'s {what} rate is {formatting.versus_peers(b.verdict, len(b.others))}"


def peer_summary(inputs: ReportInputs, b: police.Benchmark) -> Html:
    """The area's rate against its peers' average (Fingertips' words), and its change."""
    row = b.table.loc[inputs.area]
    name = b.crime_type or "Recorded crime"
    if 1 <= row["count_year"] < suppression.THRESHOLD:
        return display.paragraph(
            f"{name} in {inputs.area} in {inputs.year}: too few crimes to publish the count or a rate."
        )
    count = formatting.fmt_count(row["count_year"])
    if b.reason == "part year":
        cov = police.coverage(inputs.police, inputs.area, inputs.year)
        first = (
            f"{name} in {inputs.area}: {count} recorded in the months of {inputs.year} the police data "
            f"cover ({cov.note}). Rates are not compared for part of a year."
        )
    elif b.reason == "no population":
        first = (
            f"{name} in {inputs.area}: {count} recorded in {inputs.year}. The rate per 1,000 residents "
            f"is not available: population.csv has no mid-{periods.mid_year(inputs.year)} estimate "
            f"for {inputs.area}."
        )
    elif b.reason == "no peers":
        first = (
            f"{name} in {inputs.area}: {count} recorded in {inputs.year}; no peer has a rate to compare with."
        )
    else:
        first = (
            f"{name} in {inputs.area}: {count} recorded in {inputs.year}, {row['rate_per_1000']:.1f} "
            f"per 1,000 residents (95% confidence interval {row['rate_lower']:.1f} to "
            f"{row['rate_upper']:.1f}). "
            f"That is {formatting.versus_peers(b.verdict, len(b.others))} ({b.average:.1f} per 1,000)."
        )
    return display.paragraph(first + " " + _peer_change(inputs, row))


def _peer_change(inputs: ReportInputs, row: pd.Series) -> str:
    if pd.isna(row["count_now"]):
        return f"No change on {inputs.previous_year} can be given: no month of both years is covered."
    change = stats.change_summary(row["count_before"], row["count_now"])
    months = "" if row["months"] == 12 else f" (the same {int(row['months'])} months of each year)"
    verdict = "more than" if change.verdict != WITHIN_NORMAL else "within"
    return (
        f"Against {inputs.previous_year}{months}: {formatting.change_text(change)}, {verdict} normal "
        "year-to-year variation."
    )


def chart_peers(inputs: ReportInputs, b: police.Benchmark):
    """Each authority's rate with its interval against the peers' average (when there is one)."""
    from swp_analysis import charts

    if b.reason is not None:
        return display.nothing()
    return charts.peer_rates(
        b.table, inputs.area, b.average, b.crime_type or "", inputs.year, _finding(b), _group(b)
    )


def peer_table_html(inputs: ReportInputs, b: police.Benchmark) -> Html:
    """Counts, change, rate with interval and the verdict for each authority; small counts withheld."""
    rows = {}
    for name, r in b.table.iterrows():
        small = [
            x for x in (r["count_before"], r["count_now"], r["count_year"]) if 1 <= x < suppression.THRESHOLD
        ]
        rows[name] = _peer_row(inputs, r, bool(small), b)
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "Authority"
    what = b.crime_type or "Recorded crime"
    numeric = [c for c in df.columns if c != "Compared with the average"]
    return display.table(
        df, f"{what} in {_group(b)}, {inputs.year}", numeric=numeric,
        note="Counts compare the months both years cover. Rates use ONS mid-year population estimates, "
        "with 95% intervals (Byar's method; exact below 10). Counts of 1 to 4 are shown as *, with "
        "everything worked out from them.",
    )  # fmt: skip


def _peer_row(inputs: ReportInputs, r: pd.Series, small: bool, b: police.Benchmark) -> dict[str, str]:
    star = suppression.SUPPRESSED
    if small:
        return dict.fromkeys(
            [inputs.previous_year, inputs.year, "Change", "Rate per 1,000", "Compared with the average"], star
        )
    rate = "not available" if pd.isna(r.get("rate_per_1000", float("nan"))) else (
        f"{r['rate_per_1000']:.1f} ({r['rate_lower']:.1f} to {r['rate_upper']:.1f})"
    )  # fmt: skip
    change = "not comparable" if pd.isna(r["count_now"]) else formatting.change_text(
        stats.change_summary(r["count_before"], r["count_now"])
    ).split(" (")[0]  # fmt: skip
    words = {"higher": "higher", "similar": "similar", "lower": "lower"}
    return {
        inputs.previous_year: formatting.fmt_count(r["count_before"]) if pd.notna(r["count_before"]) else "-",
        inputs.year: formatting.fmt_count(r["count_now"]) if pd.notna(r["count_now"]) else "-",
        "Change": change,
        "Rate per 1,000": rate,
        "Compared with the average": words.get(r["verdict"], "not compared"),
    }


def peer_comparison(inputs: ReportInputs) -> Html:
    """For each crime type the content compares: a heading, the summary and the chart (the
    table behind it is in the technical annex, :func:`peer_tables`)."""
    if year_on_year(inputs).now.empty:
        return display.nothing()
    parts: list[object] = []
    for crime_type in inputs.settings.crime_types:
        b = benchmark(inputs, crime_type)
        parts.append(display.heading(f"{crime_type}: {inputs.area} and its peers", 3))
        parts.append(peer_summary(inputs, b))
        parts.append(chart_peers(inputs, b))
    return display.join(parts)


def peer_tables(inputs: ReportInputs) -> Html:
    """The table behind each peer comparison (for the technical annex)."""
    if year_on_year(inputs).now.empty:
        return display.nothing()
    return display.join(peer_table_html(inputs, benchmark(inputs, t)) for t in inputs.settings.crime_types)
