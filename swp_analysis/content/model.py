"""``report.yaml``, validated with pydantic: the year's content a lead edits.

The partnership's name and area, the narrative (by Markdown file name), the strategy's
priorities with their objectives, each objective's delivery rating (the lead's judgement, parsed
with :meth:`swp_analysis.ratings.Rating.parse`), commentary, linked indicator ids, optional
"Focus on" stories and "Explanation of rating"; the board's membership; the glossary; the rating
key; next year's priorities; and the police comparison settings (the crime types the partnership
compares with its peers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from swp_analysis.errors import Problem
from swp_analysis.periods import is_fiscal_year
from swp_analysis.ratings import Rating
from swp_analysis.sources.policeuk import ANTI_SOCIAL_BEHAVIOUR, CRIME_TYPES

from .fallback import fallback_warning
from .narrative import (
    check_placeholders,
    lint_narrative,
    markdown_to_html,
    render_narrative,
    render_with_fallbacks,
)

REPORT_FILE = "report.yaml"

_ID = r"^[a-z][a-z0-9_]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _markdown_file(name: str) -> str:
    path = PurePosixPath(name)
    if (
        not name.endswith(".md")
        or path.is_absolute()
        or ".." in path.parts
        or "\\" in name
        or not re.fullmatch(r"[A-Za-z0-9_./-]+", name)
    ):
        raise ValueError(
            "a Markdown file name inside the year's folder, such as 'introduction.md' "
            "(letters, digits, '-', '_', '/', ending .md, no '..')"
        )
    return name


class Partnership(_Model):
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    area: str = Field(min_length=1)
    strapline: str | None = None
    operating_as: str | None = None


class Narrative(_Model):
    """The report's free-standing narrative sections, each a Markdown file name."""

    introduction: str
    partnership: str
    commissioning: str
    moving_forward: str

    @field_validator("*")
    @classmethod
    def _files(cls, v: str) -> str:
        return _markdown_file(v)


class Signatory(_Model):
    name: str = Field(min_length=1)
    role: str | None = None
    organisation: str | None = None


class GlossaryEntry(_Model):
    term: str = Field(min_length=1)
    meaning: str = Field(min_length=1)


class StrategyObjective(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=1)


class Focus(_Model):
    """A "Focus on" story: a heading and its Markdown file."""

    title: str = Field(min_length=1)
    file: str

    @field_validator("file")
    @classmethod
    def _file(cls, v: str) -> str:
        return _markdown_file(v)


def _parse_rating(value: Any) -> Rating:
    return Rating.parse(value)


class ChartSpec(_Model):
    """A chart of one register indicator under an objective: a proportion is drawn against its
    target or baseline with intervals, a count as bars by year."""

    indicator: str = Field(pattern=_ID)
    measure: str = Field(min_length=1)
    unit: str = "Count"


class ChangeTable(_Model):
    """A table of counts this year and last, with the Poisson Z verdict, under a priority."""

    caption: str = Field(min_length=1)
    indicators: list[str] = Field(min_length=1)


class Objective(_Model):
    """One objective the partnership reports on, with the lead's delivery rating.

    ``covers`` lists the ids of the strategy's objectives it reports against (one heading in
    the reference report covers objectives of two priorities). ``rating_basis`` says whether the
    rating is ``stated`` (by the partnership) or ``provisional`` (assumed, for example because a
    published report does not carry it); ``rating_note`` says why, once, in the key.
    ``indicators`` are the evidence beside the rating; ``figures`` the headline figures shown
    under the objective and ``charts`` its charts.
    """

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    covers: list[str] = []
    rating: Rating
    rating_basis: Literal["stated", "provisional"] = "stated"
    rating_note: str | None = None
    commentary: str
    indicators: list[str] = []
    figures: list[str] = []
    charts: list[ChartSpec] = []
    focus: list[Focus] = []
    rating_explanation: str | None = None

    @field_validator("rating", mode="before")
    @classmethod
    def _rating(cls, v: Any) -> Rating:
        return _parse_rating(v)

    @field_validator("commentary", "rating_explanation")
    @classmethod
    def _files(cls, v: str | None) -> str | None:
        return None if v is None else _markdown_file(v)


class Priority(_Model):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    strategy_objectives: list[StrategyObjective] = Field(min_length=1)
    objectives: list[Objective] = []
    change_table: ChangeTable | None = None


class NextYearRow(_Model):
    priority: str = Field(min_length=1)
    items: list[str] = Field(min_length=1)


class NextYear(_Model):
    """Next year's priorities (the reference report's "Year 3 delivery" table)."""

    title: str = Field(min_length=1)
    rows: list[NextYearRow] = Field(min_length=1)


class Membership(_Model):
    heading: str = Field(min_length=1)
    members: list[str] = Field(min_length=1)
    third_sector_heading: str | None = None
    third_sector: list[str] = []


class Comparison(_Model):
    """How the partnership's police figures are compared with its peers.

    ``crime_types``: police.uk categories the report compares with its peers (each gets its
    own section and ``{{ police.<type> }}`` placeholders, e.g. ``{{ police.burglary.verdict }}``).
    ``peers``: the authorities to compare with, for example the partnership's most similar
    group; empty means the force's other authorities. Only peers whose police data are in the
    data folder are used. These are analysis settings of the data folder, so a report for
    another authority built from it compares the same crime types.
    """

    crime_types: list[str] = []
    peers: list[str] = []

    @field_validator("crime_types")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if c not in CRIME_TYPES or c == ANTI_SOCIAL_BEHAVIOUR]
        if unknown:
            raise ValueError(
                "police.uk crime types such as "
                + ", ".join(repr(c) for c in CRIME_TYPES[1:4])
                + f"; not {', '.join(repr(c) for c in unknown)}"
            )
        if len(set(v)) != len(v):
            raise ValueError("each crime type once")
        return v


class ReportFile(_Model):
    """The whole of ``report.yaml``."""

    year: str
    title: str = Field(min_length=1)
    partnership: Partnership
    narrative: Narrative
    signatories: list[Signatory] = []
    key: list[Rating] = Field(min_length=1)
    glossary: list[GlossaryEntry] = []
    strategy_title: str = Field(min_length=1)
    priorities: list[Priority] = Field(min_length=1)
    next_year: NextYear | None = None
    membership: Membership
    comparison: Comparison = Comparison()
    headline_figures: list[str] = []

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, v: Any) -> str:
        if not is_fiscal_year(str(v)):
            raise ValueError("the year is a fiscal year written like 2018-19")
        return str(v)

    @field_validator("key", mode="before")
    @classmethod
    def _key(cls, v: Any) -> Any:
        return [_parse_rating(x) for x in v] if isinstance(v, list) else v


@dataclass
class ReportContent:
    """The validated content of one year: the parsed ``report.yaml`` and its Markdown texts."""

    year: str
    folder: Path
    report: ReportFile
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def partnership(self) -> Partnership:
        return self.report.partnership

    @property
    def area(self) -> str:
        return self.report.partnership.area

    @property
    def priorities(self) -> list[Priority]:
        return self.report.priorities

    @property
    def key(self) -> list[Rating]:
        return self.report.key

    @property
    def glossary(self) -> list[GlossaryEntry]:
        return self.report.glossary

    @property
    def membership(self) -> Membership:
        return self.report.membership

    @property
    def next_year(self) -> NextYear | None:
        return self.report.next_year

    def objectives(self) -> list[tuple[Priority, Objective]]:
        """Every objective with its priority, in report order."""
        return [(p, o) for p in self.report.priorities for o in p.objectives]

    def uncovered_strategy_objectives(self) -> list[StrategyObjective]:
        """Strategy objectives that no reported objective covers (the report is silent on)."""
        covered = {c for _, o in self.objectives() for c in o.covers}
        return [s for p in self.report.priorities for s in p.strategy_objectives if s.id not in covered]

    def text(self, file: str) -> str:
        return self.texts[file]

    def render(self, file: str, context: Mapping[str, Any]) -> str:
        """The Markdown of ``file`` with its placeholders filled from ``context``."""
        return render_narrative(self.texts[file], context, file=self.folder / file)

    def html(self, file: str, context: Mapping[str, Any]) -> str:
        """``file`` rendered to HTML (raw HTML in it is shown as text)."""
        return markdown_to_html(self.render(file, context))

    def check(self, context: Mapping[str, Any]) -> list[Problem]:
        """Every unknown placeholder (errors), typed-in number and sentence that will fall back
        because its figure is missing (warnings), in every file."""
        problems: list[Problem] = []
        for name, text in self.texts.items():
            file = self.folder / name
            unknown = check_placeholders(text, context, file=file)
            problems += unknown + lint_narrative(text, context, file=file)
            if not unknown:
                _, fallbacks = render_with_fallbacks(text, context, file=file)
                problems += [fallback_warning(file, f) for f in fallbacks]
        return problems
