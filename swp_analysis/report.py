"""One object a notebook asks for everything: :func:`load` gives a :class:`ReportData`.

A notebook's second cell is ``r = report.load(year, area, data_dir)``; every figure, table
and piece of narrative it shows comes from a method here (or from :mod:`charts`), so a reader
can follow any number back to its source with one call. Inputs are read lazily, on first use,
so a notebook that needs no police data never reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from . import display, formatting, periods, ratings, stats, suppression
from .display import Html
from .paths import DataPaths

NOT_SUPPLIED = "not supplied"


@dataclass
class ReportData:
    """The inputs of one report (year and area), read on first use."""

    year: str
    area: str
    paths: DataPaths
    _cache: dict = field(default_factory=dict, repr=False)

    # -- years ---------------------------------------------------------------------------
    @property
    def previous_year(self) -> str:
        return periods.previous(self.year)

    @property
    def years(self) -> list[str]:
        return [self.previous_year, self.year]

    # -- inputs --------------------------------------------------------------------------
    @cached_property
    def police(self) -> pd.DataFrame:
        """The processed police table (ingested from ``data/raw/police`` if not cached)."""
        from . import ingest
        from .errors import InputError

        if not self.paths.police.is_dir():
            raise InputError(
                self.paths.police,
                "There is no police data folder.",
                expected="data.police.uk street files (run `swp sample-data` for "
                "the bundled synthetic sample, or `swp fetch-police`)",
                found="no such folder",
            )
        return ingest.load_police(self.paths)

    @cached_property
    def register(self):
        from .sources.register import load_register

        return load_register(self.paths)

    @cached_property
    def content(self):
        """The year's report content, or None when this area has none (another partnership)."""
        from .content import load_content

        if not (self.paths.report_dir(self.year) / "report.yaml").is_file():
            return None
        content = load_content(self.paths, self.year)
        return content if content.area == self.area else None

    @cached_property
    def population(self) -> pd.DataFrame:
        from .sources.tables import read_population

        return read_population(self.paths.population)

    @cached_property
    def expenditure(self) -> pd.DataFrame:
        from .sources.tables import read_expenditure

        return read_expenditure(self.paths.expenditure)

    # -- police figures ------------------------------------------------------------------
    @cached_property
    def crime_types(self) -> pd.DataFrame:
        """Each crime type's count, share of total recorded crime and rank, this year."""
        from . import crime

        return crime.crime_type_shares(self.police, self.area, self.year)

    @cached_property
    def trc(self) -> stats.ChangeSummary:
        """Total recorded crime (excluding anti-social behaviour), this year against last."""
        from . import crime

        return crime.trc_change(self.police, self.area, self.year)

    def peers(self, crime_type: str | None = None) -> pd.DataFrame:
        """Every authority of the force on one crime type: change and rate per 1,000."""
        from . import crime

        return crime.peer_table(self.police, self.year, crime_type, self.population)

    def monthly(self) -> pd.DataFrame:
        from . import crime

        return crime.monthly_counts(self.police, self.area, self.years)

    @cached_property
    def police_figures(self) -> dict[str, Any]:
        """Police-derived placeholders for narrative: ``{{ police.trc.change }}`` etc."""
        from . import crime

        trc = self.trc
        types = {}
        for name, row in self.crime_types.iterrows():
            types[_slug(name)] = {
                "name": name,
                "count": formatting.fmt_count(row["count"]),
                "share": formatting.fmt_prop(row["share"], dp=0),
                "share_1dp": formatting.fmt_prop(row["share"]),
                "rank": formatting.ordinal(int(row["rank"])),
            }
        burglary = self.peers("Burglary")
        return {
            "trc": {
                "value": formatting.fmt_count(trc.now),
                "previous": formatting.fmt_count(trc.before),
                "change": formatting.change_text(trc),
                "change_pct": formatting.fmt_pct(trc.pct) if trc.pct is not None else NOT_SUPPLIED,
                "z": f"{trc.z:.1f}",
                "verdict": trc.verdict,
            },
            "asb": formatting.fmt_count(crime.asb_count(self.police, self.area, self.year)),
            "types": types,
            "burglary": {
                "change_rank": formatting.peer_rank_label(burglary, self.area, "pct_change", "down_is_good"),
                "rate_rank": formatting.peer_rank_label(burglary, self.area, "rate_per_1000", "down_is_good"),
                "n_areas": len(burglary),
            },
        }

    # -- narrative context ---------------------------------------------------------------
    @cached_property
    def context(self) -> dict[str, Any]:
        """Everything a narrative placeholder can name (register indicators and police)."""
        from .content import build_context

        # Police figures are computed only if a narrative names one (``{{ police.trc }}``),
        # so a chapter without police placeholders never reads the police table.
        return build_context(
            self.register, self.year, self.area, extra={"police": LazyMapping(lambda: self.police_figures)}
        )

    def narrative(self, file: str) -> Html:
        """A Markdown narrative file of this year's content, placeholders filled, as HTML."""
        if self.content is None:
            return display.paragraph(
                f"No narrative has been supplied for {self.area} in {self.year}.", "swp-missing"
            )
        return display.trusted(self.content.html(file, self.context))

    def indicator(self, indicator_id: str) -> dict[str, Any]:
        """The formatted figures of one register indicator (see content.indicator_context)."""
        return self.context[indicator_id]

    def values(self, indicator_id: str) -> dict[str, float | None]:
        """{previous year: value, year: value} of a register indicator (None where absent)."""
        return {y: self.register.value(indicator_id, self.area, y) for y in self.years}

    # -- tables and figures --------------------------------------------------------------
    def key_figures(self, ids: Sequence[str]) -> Html:
        """Headline figures of register indicators: value, with change or target beneath."""
        items = []
        for i in ids:
            c = self.indicator(i)
            note = []
            if c["raw"]["previous"] is not None:
                note.append(c["change"][0].upper() + c["change"][1:] + " on the year before")
            if c["raw"]["target"] is not None and c["raw"]["value"] is not None:
                note.append(c["target"])
            if c["note"]:
                note.append(f"Stated by source as \u201c{c['note']}\u201d")
            items.append((f"{c['title']} ({c['period']})", c["value"], ". ".join(note) or None))
        return display.key_figures(items)

    def objective_evidence(self, objective) -> tuple[ratings.Rating | None, list[str]]:
        """What an objective's linked indicators suggest, and the sentences that say why."""
        results, lines = [], []
        for i in objective.indicators:
            c = self.indicator(i)
            definition = self.register.definitions[i]
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

    def objectives_table(self) -> pd.DataFrame:
        """Every objective with the lead's rating, the evidence and whether they agree.

        Columns: Priority, Objective, Delivery rating (Html badge), Evidence (text),
        Evidence suggests (Html badge or words), Check (words), Disagrees (bool).
        """
        columns = [
            "Priority",
            "Objective",
            "Delivery rating",
            "Evidence",
            "Evidence suggests",
            "Check",
            "Disagrees",
        ]
        rows = []
        if self.content is None:
            return pd.DataFrame(columns=columns)
        for priority, objective in self.content.objectives():
            suggested, lines = self.objective_evidence(objective)
            disagree = ratings.rating_disagrees(objective.rating, suggested)
            if suggested is None:
                check = "No linked indicator has a target: the rating rests on the narrative"
            elif disagree:
                check = f"Flag: the rating is more positive than the evidence ({suggested.label})"
            else:
                check = f"Consistent with the evidence ({suggested.label})"
            rows.append(
                {
                    "Priority": priority.title,
                    "Objective": objective.title,
                    "Delivery rating": display.rating(objective.rating),
                    "Evidence": "; ".join(lines) if lines else "No indicator linked",
                    "Evidence suggests": display.rating(suggested) if suggested else "no target",
                    "Check": check,
                    "Disagrees": disagree,
                }
            )
        return pd.DataFrame(rows, columns=columns)

    def objective(self, objective_id: str) -> Html:
        """One objective as the reference report shows it: heading, rating, narrative, stories."""
        if self.content is None:
            return display.paragraph(f"No content supplied for {self.area}.", "swp-missing")
        found = [(p, o) for p, o in self.content.objectives() if o.id == objective_id]
        if not found:
            raise KeyError(f"no objective {objective_id!r} in report/{self.year}/report.yaml")
        _, o = found[0]
        parts = [
            f"<h3>{display.escape(o.title)}</h3>",
            f"<p>Delivery rating: {display.rating(o.rating).markup}</p>",
        ]
        if o.rating_note:
            parts.append(f'<p class="swp-note">{display.escape(o.rating_note)}</p>')
        parts.append(self.narrative(o.commentary).markup)
        for story in o.focus:
            parts.append(display.callout(f"Focus on: {story.title}", self.narrative(story.file)).markup)
        if o.rating_explanation:
            parts.append(
                display.callout(
                    f"Explanation of rating: {o.rating.label}",
                    self.narrative(o.rating_explanation),
                    "explain",
                ).markup
            )
        suggested, lines = self.objective_evidence(o)
        if ratings.rating_disagrees(o.rating, suggested):
            parts.append(
                '<p class="swp-flag">Check: the rating above is more positive than its linked '
                f"indicators suggest ({display.escape(suggested.label)}).</p>"
            )
        return Html("".join(parts))

    def committed_to(self, priority_id: str) -> Html:
        """The strategy's objectives for one priority ("SWP committed to:")."""
        if self.content is None:
            return display.paragraph(f"No strategy supplied for {self.area}.", "swp-missing")
        p = next(p for p in self.content.priorities if p.id == priority_id)
        short = self.content.partnership.short_name or self.content.partnership.name
        return display.Html(
            f"<p>{display.escape(short)} committed to:</p>"
            + display.bullets(s.text for s in p.strategy_objectives).markup
        )

    # -- police sections (notebook 10) -----------------------------------------------------
    def crime_summary(self) -> Html:
        """Total recorded crime and its change, with the Poisson Z verdict, in plain words."""
        t = self.trc
        types = self.crime_types
        top = types.index[0]
        parts = [
            f"{self.area} recorded {formatting.fmt_count(t.now)} crimes in {self.year} (police.uk "
            f"street-level data, excluding anti-social behaviour): {formatting.change_text(t)} "
            f"on {self.previous_year}.",
            f"Wheeler's Poisson Z for this change is {t.z:.1f}, so the change is "
            + (
                "more than normal year-to-year variation (|Z| > 3)."
                if t.verdict != "within normal variation"
                else "within normal year-to-year variation (|Z| of 3 or less)."
            ),
            f"The largest contributor was {top.lower()} "
            f"({formatting.fmt_prop(types.loc[top, 'share'])} of the total).",
        ]
        if "Vehicle crime" in types.index:
            v = types.loc["Vehicle crime"]
            parts.append(
                f"Vehicle crime was {formatting.fmt_prop(v['share'])} of total recorded crime, the "
                f"{formatting.ordinal(int(v['rank']))} highest contributor. police.uk publishes "
                "vehicle crime as one category, so theft from a motor vehicle on its own (the "
                "measure the 2017-19 report used) cannot be shown from this source."
            )
        parts.append(
            f"Anti-social behaviour is counted separately: "
            f"{self.police_figures['asb']} incidents in {self.year}."
        )
        return Html("".join(f"<p>{display.escape(p)}</p>" for p in parts))

    def contributors_table(self) -> Html:
        """Crime types with count, share and rank (counts pass through disclosure control)."""
        t = self.crime_types
        counts = suppression.suppress(t[["count"]])
        df = pd.DataFrame(
            {
                "Recorded crimes": [
                    c if isinstance(c, str) else formatting.fmt_count(c) for c in counts["count"]
                ],
                "Share of total": [formatting.fmt_prop(x) for x in t["share"]],
                "Rank": [formatting.ordinal(int(x)) for x in t["rank"]],
            },
            index=pd.Index(t.index, name="Crime type"),
        )
        return display.table(
            df,
            f"Recorded crime by type, {self.area}, {self.year}",
            numeric=list(df.columns),
            note="Source: data.police.uk street-level crime. Counts of 1 to 4 "
            "would be shown as * (none are).",
        )

    def chart_contributors(self):
        from . import charts

        return charts.contributors(self.crime_types, self.area, self.year)

    def chart_monthly(self):
        from . import charts

        return charts.monthly_trend(self.monthly(), self.area)

    def peer_summary(self, crime_type: str) -> Html:
        f = self.peers(crime_type)
        change = formatting.peer_rank_label(f, self.area, "pct_change", "down_is_good")
        rate = formatting.peer_rank_label(f, self.area, "rate_per_1000", "down_is_good")
        row = f.loc[self.area]
        text = (
            f"{crime_type} in {self.area} changed by {formatting.fmt_pct(row['pct_change'])} "
            f"between {self.previous_year} and {self.year}: {change} authorities of the "
            f"force for reducing it. Its rate was {row['rate_per_1000']:.1f} per 1,000 "
            f"residents: {rate} (lowest rate = best)."
        )
        return display.paragraph(text)

    def chart_peers(self, crime_type: str, metric: str):
        """A dot plot of the force's authorities; the title states the area's rank."""
        from . import charts

        f = self.peers(crime_type)
        rank = formatting.peer_rank_label(f, self.area, metric, "down_is_good")
        if metric == "pct_change":
            return charts.peer_dots(
                f,
                "pct_change",
                self.area,
                f"{crime_type}: change {self.previous_year} to {self.year}",
                "Change on the previous year (per cent)",
                fmt="{:+.1f}%",
                finding=f"{self.area}: {rank} for reducing {crime_type.lower()}",
            )
        return charts.peer_dots(
            f,
            "rate_per_1000",
            self.area,
            f"{crime_type}: rate per 1,000 residents, {self.year}",
            "Recorded crimes per 1,000 residents",
            finding=f"{self.area}: {rank} for its {crime_type.lower()} rate per 1,000 residents",
        )

    def peer_table_html(self, crime_type: str) -> Html:
        f = self.peers(crime_type)
        df = pd.DataFrame(
            {
                self.previous_year: [formatting.fmt_count(x) for x in f["count_before"]],
                self.year: [formatting.fmt_count(x) for x in f["count_now"]],
                "Change": [formatting.fmt_pct(x) for x in f["pct_change"]],
                "Poisson Z": [f"{x:.1f}" for x in f["z"]],
                "Rate per 1,000": [
                    f"{x:.1f} ({lo:.1f} to {hi:.1f})"
                    for x, lo, hi in zip(f["rate_per_1000"], f["rate_lower"], f["rate_upper"], strict=True)
                ],
            },
            index=pd.Index(f.index, name="Authority"),
        )
        return display.table(
            df,
            f"{crime_type} in the force's authorities",
            numeric=list(df.columns),
            note="Rates use ONS mid-year population estimates; the interval is 95% (Byar's method).",
        )

    def police_claims(self):
        """The callable the claims check uses for police figures (share, rank, peer rank)."""
        return police_claims(self)

    # -- register sections (notebooks 10-40) ------------------------------------------------
    def chart_proportion(self, indicator_id: str, measure: str):
        from . import charts

        rows = []
        for y in self.years:
            row = self.register.row(indicator_id, self.area, y)
            if row is None:
                continue
            lo = hi = None
            if row.numerator is not None and row.denominator:
                lo, hi = stats.proportion_ci(row.numerator, row.denominator)
            rows.append((y, row.value, lo, hi))
        if not rows:
            return self._not_supplied_chart(measure)
        definition = self.register.definitions[indicator_id]
        target = definition.target.value if definition.target else None
        label = definition.target.kind if definition.target else "target"
        return charts.proportion_against_target(measure, rows, target, label)

    def _not_supplied_chart(self, measure: str) -> Html:
        return display.paragraph(
            f"No chart: {measure.lower()} was not supplied for {self.area} for "
            f"{self.previous_year} or {self.year}.",
            "swp-missing",
        )

    def chart_year_on_year(self, indicator_id: str, measure: str, unit: str):
        from . import charts

        values = self.values(indicator_id)
        if all(v is None for v in values.values()):
            return self._not_supplied_chart(measure)
        return charts.year_on_year(measure, unit, values)

    def change_table(self, ids: Sequence[str], caption: str) -> Html:
        """Counts this year and last with percent change and Wheeler's Poisson Z verdict."""
        rows = []
        for i in ids:
            c = self.indicator(i)
            rows.append(
                {
                    "Indicator": c["title"],
                    c["previous_period"]: c["previous"],
                    c["period"]: c["value"],
                    "Change": c["change_pct"],
                    "Poisson Z": c["z"],
                    "Verdict": c["verdict"],
                }
            )
        df = pd.DataFrame(rows).set_index("Indicator")
        return display.table(
            df,
            caption,
            numeric=[c for c in df.columns if c != "Verdict"],
            note="Poisson Z = 2(sqrt(now) - sqrt(before)); a change with |Z| "
            "above 3 is more than normal year-to-year variation.",
        )

    # -- the annual summary (notebook 90) ---------------------------------------------------
    def headline(self) -> Html:
        c = self.content
        if c is None:
            return display.paragraph(
                f"This report covers {self.area}, {self.year}. No partnership content (ratings, "
                "narrative) has been supplied for this area: police figures are shown, and "
                "figures from the local register read \u201cnot supplied\u201d.",
                "swp-missing",
            )
        p = c.partnership
        bits = [p.name, p.strapline, p.operating_as]
        return Html("".join(f"<p><strong>{display.escape(b)}</strong></p>" for b in bits if b))

    def glossary(self) -> Html:
        if self.content is None:
            return display.paragraph("No glossary supplied.", "swp-missing")
        df = pd.DataFrame(
            [(g.term, g.meaning) for g in self.content.glossary], columns=["Term", "Meaning"]
        ).set_index("Term")
        return display.table(df, "Glossary of terms")

    def narrative_section(self, name: str) -> Html:
        if self.content is None:
            return self.narrative("")
        return self.narrative(getattr(self.content.report.narrative, name))

    def signatories(self) -> Html:
        if self.content is None or not self.content.report.signatories:
            return Html("")
        items = [
            ", ".join(x for x in (s.name, s.role, s.organisation) if x)
            for s in self.content.report.signatories
        ]
        return Html("<p>Signed by:</p>" + display.bullets(items).markup)

    def strategy_heading(self) -> Html:
        title = (
            self.content.report.strategy_title
            if self.content is not None and self.content.report.strategy_title
            else "Strategy overview"
        )
        return display.heading(title, 2, "strategy-overview")

    def strategy_overview(self) -> Html:
        if self.content is None:
            return display.paragraph("No strategy supplied.", "swp-missing")
        parts = []
        for p in self.content.priorities:
            parts.append(f"<h3>{display.escape(p.title)}</h3>")
            parts.append(display.bullets(s.text for s in p.strategy_objectives).markup)
        return Html("".join(parts))

    def objectives_table_html(self) -> Html:
        """One table per priority: objective, the lead's rating, the evidence and the check."""
        df = self.objectives_table()
        if df.empty:
            return display.paragraph("No objectives or ratings supplied.", "swp-missing")
        n_flag = int(df["Disagrees"].sum())
        parts = [
            display.paragraph(
                f"{len(df)} objectives are rated. {n_flag} rating{'s are' if n_flag != 1 else ' is'} "
                "more positive than the linked indicators suggest."
                if n_flag
                else f"{len(df)} objectives are rated; no rating is more positive than its linked "
                "indicators suggest."
            ).markup
        ]
        for priority, part in df.groupby("Priority", sort=False):
            table = part[["Objective", "Delivery rating", "Evidence", "Check"]].set_index("Objective")
            parts.append(display.table(table, f"{priority}: delivery ratings and evidence").markup)
        parts.append(
            display.paragraph(
                "The rating is the lead's judgement. The check compares it with what the linked "
                "indicators say against their targets.",
                "swp-note",
            ).markup
        )
        return Html("".join(parts))

    def next_year_table(self) -> Html:
        ny = self.content.next_year if self.content is not None else None
        if ny is None:
            return display.paragraph("Next year's priorities have not been supplied.", "swp-missing")
        parts = [display.heading(ny.title, 2, "next-year-priorities").markup]
        for row in ny.rows:
            parts.append(f"<h3>{display.escape(row.priority)}</h3>")
            parts.append(display.bullets(row.items).markup)
        return Html("".join(parts))

    @property
    def has_expenditure(self) -> bool:
        """Expenditure is the partnership's own: shown only for the area its content is for."""
        return self.content is not None and self.paths.expenditure.is_file()

    def spend_by_priority(self) -> pd.Series:
        e = self.expenditure
        e = e[e["fiscal_year"] == self.year]
        return e.groupby("priority")["amount_gbp"].sum().sort_values(ascending=False)

    def chart_expenditure(self):
        from . import charts

        if not self.has_expenditure or self.spend_by_priority().empty:
            return self._not_supplied_chart("Expenditure")
        return charts.spend_by_priority(self.spend_by_priority(), self.year)

    def expenditure_table(self) -> Html:
        if not self.has_expenditure:
            return Html("")
        e = self.expenditure
        e = e[e["fiscal_year"] == self.year]
        df = pd.DataFrame(
            {
                "Priority": e["priority"],
                "Item": e["item"],
                "Provider": e["provider"],
                "Funder": e["funder"],
                "Amount": [formatting.fmt_gbp(x) for x in e["amount_gbp"]],
            }
        ).set_index("Item")
        total = formatting.fmt_gbp(e["amount_gbp"].sum())
        return display.table(
            df,
            f"Expenditure by item, {self.year} (total {total})",
            numeric=["Amount"],
            note=self.expenditure_note(),
        )

    def expenditure_note(self) -> str:
        if (self.paths.raw / ".sample-data.json").is_file():
            return (
                "These amounts are synthetic (made by swp sample-data): the published "
                "report's Appendix A is an image whose figures are not in its text."
            )
        return "Source: expenditure.csv."

    def membership(self) -> Html:
        if self.content is None:
            return display.paragraph("Board membership has not been supplied.", "swp-missing")
        m = self.content.membership
        parts = [f"<p>{display.escape(m.heading)}</p>", display.bullets(m.members).markup]
        if m.third_sector:
            parts += [
                f"<p>{display.escape(m.third_sector_heading or 'Third sector:')}</p>",
                display.bullets(m.third_sector).markup,
            ]
        return Html("".join(parts))

    @cached_property
    def claims(self) -> pd.DataFrame | None:
        """The claims check for this year (None when there is no claims.csv)."""
        from . import claims

        if self.content is None:  # the published figures are the partnership's own
            return None
        if not (self.paths.report_dir(self.year) / claims.CLAIMS_FILE).is_file():
            return None
        return claims.check_claims(
            self.paths, self.year, self.area, self.police_claims(), register=self.register
        )

    def claims_summary(self) -> Html:
        t = self.claims
        if t is None:
            return display.paragraph(f"No published figures were listed to check for {self.year}.")
        counts = t["status"].value_counts()
        text = (
            f"The published report's figures were recomputed from the data: "
            f"{counts.get('agrees', 0)} agree, {counts.get('disagrees', 0)} disagree and "
            f"{counts.get('not checked', 0)} could not be checked."
        )
        return display.paragraph(text)

    def claims_table_html(self) -> Html:
        t = self.claims
        if t is None:
            return Html("")
        status = {
            "agrees": "\u2713 agrees",
            "disagrees": "\u2715 disagrees",
            "not checked": "\u2013 not checked",
        }
        df = pd.DataFrame(
            {
                "Claim": t["claim"],
                "Where stated": t["where"],
                "Stated": [_show(x, u) for x, u in zip(t["stated"], t["unit"], strict=True)],
                "Recomputed": [_show(x, u) for x, u in zip(t["recomputed"], t["unit"], strict=True)],
                "Result": [status.get(s, s) for s in t["status"]],
                "How": t["note"],
            }
        ).set_index("Claim")
        return display.table(
            df,
            "Figures checked: each figure the published report stated, recomputed",
            numeric=["Stated", "Recomputed"],
        )


def _show(x: float, unit: str) -> str:
    if x is None or pd.isna(x):
        return "-"
    if unit == "%":
        return f"{x:,.1f}%"
    if unit == "\u00a3":
        return formatting.fmt_gbp(x)
    if unit == "ratio":
        return f"{x:,.2f}"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def police_claims(data: ReportData):
    """(measure, crime type, area, period) -> the number a police claim states, or None."""
    from . import crime

    def figure(measure: str, subject: str, area: str, period: str) -> float | None:
        if measure in ("share", "rank"):
            shares = crime.crime_type_shares(data.police, area, period)
            if subject not in shares.index:
                return None
            row = shares.loc[subject]
            return float(row["share"] * 100) if measure == "share" else float(row["rank"])
        if measure == "peer_rank":
            peers = crime.peer_table(data.police, period, subject, data.population)
            ranked = stats.rank_among_peers(peers, "pct_change", "down_is_good")
            return float(ranked.loc[area, "rank"]) if area in ranked.index else None
        return None

    return figure


class LazyMapping(Mapping):
    """A read-only mapping whose contents are computed on first access."""

    def __init__(self, compute: Callable[[], Mapping]) -> None:
        self._compute = compute
        self._data: Mapping | None = None

    def _get(self) -> Mapping:
        if self._data is None:
            self._data = self._compute()
        return self._data

    def __getitem__(self, key):
        return self._get()[key]

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


def load(
    year: str = "2018-19", area: str = "Wolverhampton", data_dir: str | Path | None = None
) -> ReportData:
    """The inputs of one report. ``data_dir`` None means the repository's ``data/``."""
    periods.previous(year)  # validates the label ("2018-19")
    return ReportData(year, area, DataPaths.from_arg(data_dir))
