"""The analysis a board steers by: trends over every year, what drove the change, anti-social
behaviour beside recorded crime, outcomes, and violence against the peers.

Every count shown below the whole area passes through disclosure control, and a part year is
never shown as a whole one (:mod:`swp_analysis.police.coverage`).
"""

from __future__ import annotations

import pandas as pd

from swp_analysis import display, formatting, police, suppression
from swp_analysis.display import Html
from swp_analysis.inputs import ReportInputs
from swp_analysis.stats import WITHIN_NORMAL

from .crime import SOURCE, year_on_year


def _part_years(months: dict[str, int]) -> str:
    part = [f"{y} ({n} of 12 months)" for y, n in months.items() if n < 12]
    return f" Part years: {', '.join(part)}; their totals are not full years'." if part else ""


def yearly_table(inputs: ReportInputs) -> pd.DataFrame:
    """Recorded crime by crime type in every year the data hold, as it may be published
    (counts of 1 to 4, and any that would reveal one, as "*")."""
    table = police.yearly(inputs.police, inputs.area)
    total = table.loc[[police.TOTAL]]
    shown = suppression.suppress(table.drop(index=police.TOTAL))
    out = pd.concat([total.astype(object), shown])
    out.attrs = table.attrs
    return out


def trend_table(inputs: ReportInputs) -> Html:
    if year_on_year(inputs).now.empty:
        return display.nothing()
    table = yearly_table(inputs)
    df = table.apply(lambda col: [formatting.fmt_count(v) for v in col])
    latest = table.columns[-1]
    total = table.loc[police.TOTAL, latest]
    df[f"Share, {latest}"] = [
        v if v == suppression.SUPPRESSED else formatting.fmt_prop(v / total) for v in table[latest]
    ]
    df.index.name = "Crime type"
    note = f"{SOURCE} {formatting.suppression_note(int((table == suppression.SUPPRESSED).sum().sum()))}"
    note += _part_years(table.attrs["months"])
    return display.table(
        df, f"Recorded crime by type and financial year, {inputs.area}", numeric=list(df.columns), note=note
    )


def chart_type_trends(inputs: ReportInputs):
    from swp_analysis import charts

    if year_on_year(inputs).now.empty:
        return display.nothing()
    table = yearly_table(inputs).replace(suppression.SUPPRESSED, float("nan")).astype(float)
    return charts.type_trends(table, inputs.area, _part_years(table.attrs.get("months", {})).strip())


def drivers_table_data(inputs: ReportInputs) -> pd.DataFrame:
    """:func:`swp_analysis.police.drivers`, with a ``withheld`` column for small counts."""
    d = police.drivers(inputs.police, inputs.area, inputs.year)
    small = (d["before"].between(1, suppression.THRESHOLD - 1)) | (
        d["now"].between(1, suppression.THRESHOLD - 1)
    )
    d["withheld"] = small
    return d


def drivers_summary(inputs: ReportInputs) -> Html:
    """The two or three crime types that contributed most to the net change, in plain words."""
    yoy = year_on_year(inputs)
    if yoy.now.empty or yoy.change is None:
        return display.nothing()
    d = drivers_table_data(inputs)
    net = d.attrs["net"]
    same_way = d[(d["change"] * net > 0) & ~d["withheld"]].head(3)
    if net == 0 or same_way.empty:
        return display.paragraph(
            f"Recorded crime did not change overall between {inputs.previous_year} and {inputs.year}."
        )
    direction = "rise" if net > 0 else "fall"
    names = []
    for name, r in same_way.iterrows():
        share = formatting.fmt_prop(abs(r["share_of_net"]), dp=0)
        names.append(f"{name.lower()} ({int(r['change']):+,}, {share} of the net {direction})")
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    months = "" if d.attrs["like_for_like"] else f" (comparing the same {len(d.attrs['compared'][1])} months)"
    return display.paragraph(f"The net {direction} of {abs(net):,} crimes{months} came mostly from {listed}.")


def drivers_table(inputs: ReportInputs) -> Html:
    """By crime type: last year, this year, the change and its verdict, and its contribution."""
    yoy = year_on_year(inputs)
    if yoy.now.empty or yoy.change is None:
        return display.nothing()
    d = drivers_table_data(inputs)
    rows = {}
    for name, r in d.iterrows():
        if r["withheld"]:
            rows[name] = dict.fromkeys(
                [
                    inputs.previous_year,
                    inputs.year,
                    "Change",
                    "Verdict",
                    "Contribution",
                    "Share of net change",
                ],
                suppression.SUPPRESSED,
            )
            continue
        change = formatting.change_text(police_change(r)).split(" (")[0]
        rows[name] = {
            inputs.previous_year: formatting.fmt_count(r["before"]),
            inputs.year: formatting.fmt_count(r["now"]),
            "Change": change,
            "Verdict": _verdict_words(r["verdict"]),
            "Contribution": f"{int(r['change']):+,}",
            "Share of net change": "-"
            if pd.isna(r["share_of_net"])
            else formatting.fmt_prop(r["share_of_net"], dp=0),
        }
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "Crime type"
    months = (
        "" if d.attrs["like_for_like"] else f" (the same {len(d.attrs['compared'][1])} months of each year)"
    )
    return display.table(
        df,
        f"What drove the change in recorded crime, {inputs.area}, {inputs.previous_year} to "
        f"{inputs.year}{months}",
        numeric=[c for c in df.columns if c != "Verdict"],
        note=f"{SOURCE} A type's contribution is its change in crimes; its share of the net change can "
        "be above 100% or negative when other types moved the other way. The verdict uses Wheeler's "
        "Poisson Z: more than normal year-to-year variation when |Z| > 3. Counts of 1 to 4 are shown as *.",
    )


def police_change(r: pd.Series):
    from swp_analysis import stats

    return stats.change_summary(r["before"], r["now"])


def _verdict_words(verdict: str) -> str:
    if verdict == WITHIN_NORMAL:
        return "within normal variation"
    return f"a real {verdict} (more than normal variation)"


def chart_drivers(inputs: ReportInputs):
    from swp_analysis import charts

    yoy = year_on_year(inputs)
    if yoy.now.empty or yoy.change is None:
        return display.nothing()
    d = drivers_table_data(inputs)
    shown = d[~d["withheld"]]
    note = (
        f"{int(d['withheld'].sum())} crime types with small counts are left out."
        if d["withheld"].any()
        else ""
    )
    return charts.drivers(shown, inputs.area, inputs.previous_year, inputs.year, note)
