"""The year's report content: ``report/<year>/report.yaml``, its Markdown narrative, placeholders.

A lead edits one folder a year, ``data/raw/report/<year>/``:

- ``report.yaml``: the partnership's name and area, the chair's introduction and the other
  narrative (by Markdown file name), the strategy's priorities with their objectives, each
  objective's delivery rating (the lead's judgement, parsed with
  :meth:`swp_analysis.ratings.Rating.parse`), commentary, linked indicator ids, optional
  "Focus on" stories and "Explanation of rating"; the board's membership; the glossary; the
  rating key; next year's priorities; validated on load with pydantic.
- Markdown files beside it. Their numbers are Jinja placeholders, ``{{ dv_reports.change }}``,
  resolved from the register by :func:`build_context`, so prose cannot disagree with data.
  :func:`render_narrative` fills them (sandboxed Jinja, autoescaped, unknown names are an
  error naming file and line); :func:`lint_narrative` warns about numbers typed into prose
  where a metric exists; :func:`markdown_to_html` renders the result with raw HTML disabled,
  so ``<script>`` or ``onerror=`` in any input is shown as text and never runs.

:func:`new_year` scaffolds next year's folder from this year's.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jinja2.nodes as jnodes
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from swp_analysis import formatting, ratings, stats
from swp_analysis.errors import InputError, Problem, ValidationFailed
from swp_analysis.paths import DataPaths
from swp_analysis.periods import is_fiscal_year, long_label, shift, start_of
from swp_analysis.ratings import Rating
from swp_analysis.sources.register import (
    IndicatorDef,
    Register,
    load_register,
    node_line,
    pydantic_problems,
    read_definitions,
    read_yaml,
)

REPORT_FILE = "report.yaml"
NOT_SUPPLIED = formatting.NOT_SUPPLIED
NOT_APPLICABLE = "not applicable"
NO_TARGET = "no target set"
# Names every context has besides the indicator ids; an indicator may not use them.
RESERVED = (
    "year",
    "year_long",
    "previous_year",
    "previous_year_long",
    "next_year",
    "next_year_long",
    "area",
)

# --------------------------------------------------------------------------------------------
# report.yaml, validated with pydantic
# --------------------------------------------------------------------------------------------

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


class Objective(_Model):
    """One objective the partnership reports on, with the lead's delivery rating.

    ``covers`` lists the ids of the strategy's objectives it reports against (one heading in
    the reference report covers objectives of two priorities). ``rating_note`` says how the
    rating was arrived at when that needs saying (e.g. an assumption).
    """

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    covers: list[str] = []
    rating: Rating
    rating_note: str | None = None
    commentary: str
    indicators: list[str] = []
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
        """Every unknown placeholder (errors) and typed-in number (warnings) in every file."""
        problems: list[Problem] = []
        for name, text in self.texts.items():
            problems += check_placeholders(text, context, file=self.folder / name)
            problems += lint_narrative(text, context, file=self.folder / name)
        return problems


def _referenced_files(report: ReportFile) -> list[tuple[list[str | int], str]]:
    """(YAML location, file name) of every Markdown file report.yaml names."""
    refs: list[tuple[list[str | int], str]] = []
    for name in Narrative.model_fields:
        refs.append((["narrative", name], getattr(report.narrative, name)))
    for i, p in enumerate(report.priorities):
        for j, o in enumerate(p.objectives):
            base: list[str | int] = ["priorities", i, "objectives", j]
            refs.append(([*base, "commentary"], o.commentary))
            if o.rating_explanation:
                refs.append(([*base, "rating_explanation"], o.rating_explanation))
            for k, f in enumerate(o.focus):
                refs.append(([*base, "focus", k, "file"], f.file))
    return refs


def _cross_checks(
    report: ReportFile,
    year: str,
    path: Path,
    node: yaml.Node | None,
    definitions: dict[str, IndicatorDef] | None,
) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: list[str | int], message: str, expected: str, found: str) -> None:
        column = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
        problems.append(Problem(path, message, node_line(node, loc), column, expected, found))

    if report.year != year:
        add(["year"], "The year in report.yaml does not match its folder.", year, report.year)

    key = list(report.key)
    for i, rating in enumerate(key):
        if rating is Rating.NOT_YET_RATED:
            add(
                ["key", i],
                "'Not yet rated' is a reset state, not part of the key.",
                "the four delivery ratings",
                rating.label,
            )
    if len(set(key)) != len(key):
        add(
            ["key"], "A rating appears twice in the key.", "each rating once", ", ".join(r.label for r in key)
        )

    strategy_ids: dict[str, str] = {}
    objective_ids: set[str] = set()
    for i, p in enumerate(report.priorities):
        for k, s in enumerate(p.strategy_objectives):
            if s.id in strategy_ids:
                add(
                    ["priorities", i, "strategy_objectives", k, "id"],
                    "A strategy objective id is used twice.",
                    "each id once",
                    s.id,
                )
            strategy_ids[s.id] = p.id
    priority_ids = [p.id for p in report.priorities]
    for i, pid in enumerate(priority_ids):
        if priority_ids.index(pid) != i:
            add(["priorities", i, "id"], "A priority id is used twice.", "each id once", pid)

    for i, p in enumerate(report.priorities):
        for j, o in enumerate(p.objectives):
            base: list[str | int] = ["priorities", i, "objectives", j]
            if o.id in objective_ids:
                add([*base, "id"], "An objective id is used twice.", "each id once", o.id)
            objective_ids.add(o.id)
            if o.rating is not Rating.NOT_YET_RATED and o.rating not in key:
                add(
                    [*base, "rating"],
                    "The rating is not in the report's key.",
                    "one of: " + "; ".join(r.label for r in key),
                    o.rating.label,
                )
            if o.rating is Rating.NOT_ON_TRACK and not o.rating_explanation:
                add(
                    [*base, "rating_explanation"],
                    "An objective rated 'Not on track for delivery' needs an explanation.",
                    "a rating_explanation Markdown file",
                    "none",
                )
            for k, c in enumerate(o.covers):
                if c not in strategy_ids:
                    add(
                        [*base, "covers", k],
                        "The objective covers an unknown strategy objective.",
                        "one of: " + ", ".join(strategy_ids),
                        c,
                    )
            if definitions is not None:
                for k, ind in enumerate(o.indicators):
                    if ind not in definitions:
                        add(
                            [*base, "indicators", k],
                            "The indicator id is not defined in indicators.yaml.",
                            "an id defined in indicators.yaml",
                            ind,
                        )

    for i, entry in enumerate(report.glossary):
        if [g.term for g in report.glossary].index(entry.term) != i:
            add(["glossary", i, "term"], "A glossary term appears twice.", "each term once", entry.term)
    return problems


def load_content(paths: DataPaths, year: str) -> ReportContent:
    """Read and validate ``report/<year>/report.yaml`` and every Markdown file it names.

    Collects every problem (YAML errors, fields, ratings not in the key, unknown indicator or
    strategy objective ids, a missing or unreadable narrative file, a narrative template
    syntax error) and raises them together as :class:`ValidationFailed`. Placeholders are
    checked against the data by :meth:`ReportContent.check` once a context exists.
    """
    folder = paths.report_dir(year)
    path = folder / REPORT_FILE
    if not path.is_file():
        root = folder.parent
        years = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        raise InputError(
            path,
            f"There is no report content for {year}.",
            expected=f"{REPORT_FILE} in {folder}",
            found="years " + ", ".join(years) if years else "no report folders",
        )
    data, node = read_yaml(path)
    try:
        report = ReportFile.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(pydantic_problems(exc, path, node)) from None

    problems: list[Problem] = []
    definitions: dict[str, IndicatorDef] | None = None
    if paths.indicators_yaml.is_file():
        try:
            definitions = read_definitions(paths.indicators_yaml)
        except (InputError, ValidationFailed) as exc:
            problems += exc.problems
    problems += _cross_checks(report, year, path, node, definitions)

    texts: dict[str, str] = {}
    for loc, name in _referenced_files(report):
        if name in texts:
            continue
        file = folder / name
        line = node_line(node, loc)
        if not file.is_file():
            problems.append(
                Problem(
                    path,
                    "A narrative file named here does not exist.",
                    line,
                    str(loc[-1]),
                    f"a file {file}",
                    "no such file",
                )
            )
            continue
        try:
            texts[name] = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(_not_utf8(file, exc))
            continue
        try:
            _environment().parse(texts[name])
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                Problem(
                    file,
                    f"A placeholder is written wrongly: {exc.message}.",
                    exc.lineno,
                    None,
                    "placeholders like {{ dv_reports.change }}",
                    _source_line(texts[name], exc.lineno),
                )
            )
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: (str(p.file), p.row or 0)))
    return ReportContent(year=year, folder=folder, report=report, texts=texts)


def _not_utf8(file: Path, exc: UnicodeDecodeError) -> Problem:
    """Where a narrative file stops being UTF-8: the line, the character and the byte."""
    data = exc.object
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    return Problem(
        file,
        "The narrative file is not UTF-8 text.",
        data.count(b"\n", 0, exc.start) + 1,
        f"character {len(data[line_start : exc.start].decode('utf-8', 'replace')) + 1}",
        "UTF-8 text (save the file as UTF-8)",
        f"byte 0x{data[exc.start]:02x}",
    )


def _source_line(text: str, line: int | None) -> str | None:
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    shown = lines[line - 1].strip()
    return repr(shown if len(shown) <= 80 else shown[:77] + "...")


# --------------------------------------------------------------------------------------------
# Context: the metrics narrative placeholders are filled from
# --------------------------------------------------------------------------------------------


def _fmt(x: float | None, unit: str) -> str:
    if x is None:
        return NOT_SUPPLIED
    if unit == "count":
        return formatting.fmt_count(x)
    if unit == "proportion":
        # As precise as the figure: 0.83 -> "83%", 0.743 -> "74.3%", 727/978 -> "74.3%".
        if abs(x * 100 - round(x * 100)) < 1e-9:
            return f"{round(x * 100)}%"
        return formatting.fmt_prop(x)
    if unit == "gbp":
        return formatting.fmt_gbp(x)
    return formatting.fmt_number(x, dp=1)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def indicator_context(register: Register, definition: IndicatorDef, year: str, area: str) -> dict[str, Any]:
    """The placeholders of one indicator for ``year`` and ``area``, as formatted text.

    Keys: ``title``, ``period`` (the period shown: the build year less the indicator's
    ``lag_years``), ``period_long``, ``previous_period``, ``value``, ``previous``,
    ``numerator``, ``denominator``, ``note``, ``source``, ``change`` (plain English, e.g. "an
    increase of 7.8% (6,361 to 6,858)"; for a proportion the change is in percentage
    points), ``change_pct``, ``change_pp`` (proportions only), ``z`` and ``verdict`` (counts
    only: Wheeler's Poisson Z and "increase" / "decrease" / "within normal variation"),
    ``target`` (sentence), ``target_met`` ("met" / "not met"), ``target_value``,
    ``target_label``, ``vs_target`` ("below" / "above" / "level with"); and ``raw``, the
    numbers behind them (None where absent). Anything absent reads "not supplied"; anything
    that does not apply to the unit reads "not applicable".
    """
    unit = definition.unit
    period = shift(year, -definition.lag_years)
    previous_period = shift(period, -1)
    now = register.row(definition.id, area, period)
    before = register.row(definition.id, area, previous_period)
    v = None if now is None else now.value
    b = None if before is None else before.value
    raw: dict[str, Any] = {
        "value": v,
        "previous": b,
        "numerator": None if now is None else now.numerator,
        "denominator": None if now is None else now.denominator,
        "pct_change": None,
        "pp_change": None,
        "z": None,
        "target": definition.target.value if definition.target else None,
        "target_met": None,
    }
    ctx: dict[str, Any] = {
        "id": definition.id,
        "title": definition.title,
        "unit": unit,
        "period": period,
        "period_long": long_label(period),
        "previous_period": previous_period,
        "previous_period_long": long_label(previous_period),
        "value": _fmt(v, unit),
        "previous": _fmt(b, unit),
        "numerator": NOT_SUPPLIED if _missing(raw["numerator"]) else formatting.fmt_count(raw["numerator"]),
        "denominator": NOT_SUPPLIED
        if _missing(raw["denominator"])
        else formatting.fmt_count(raw["denominator"]),
        "note": (now.note if now is not None and now.note else ""),
        "source": now.source if now is not None else NOT_SUPPLIED,
        "change": NOT_SUPPLIED,
        "change_pct": NOT_SUPPLIED,
        "change_pp": NOT_APPLICABLE if unit != "proportion" else NOT_SUPPLIED,
        "z": NOT_APPLICABLE if unit != "count" else NOT_SUPPLIED,
        "verdict": NOT_APPLICABLE if unit != "count" else NOT_SUPPLIED,
    }
    if v is not None and b is not None:
        pct = stats.pct_change(b, v) if b >= 0 and v >= 0 else None
        raw["pct_change"] = pct
        ctx["change_pct"] = NOT_APPLICABLE if pct is None else formatting.fmt_pct(pct)
        if unit == "count":
            summary = stats.change_summary(b, v)
            raw["z"] = summary.z
            ctx["change"] = formatting.change_text(summary)
            ctx["z"] = formatting.fmt_number(summary.z, dp=1, whole=False)
            ctx["verdict"] = summary.verdict
            if summary.caution:
                ctx["change_pct"] = f"not shown ({summary.caution})"
        elif unit == "proportion":
            pp = (v - b) * 100
            raw["pp_change"] = pp
            span = f"{_fmt(b, unit)} to {_fmt(v, unit)}"
            size = formatting.fmt_number(abs(pp), dp=1, whole=False)
            ctx["change_pp"] = f"{size} percentage points"
            ctx["change"] = (
                f"no change ({span})"
                if pp == 0
                else f"{'an increase' if pp > 0 else 'a decrease'} of {size} percentage points ({span})"
            )
        else:
            span = f"{_fmt(b, unit)} to {_fmt(v, unit)}"
            if pct is None:
                ctx["change"] = f"a change from {span}"
            elif v == b:
                ctx["change"] = f"no change ({span})"
            else:
                direction = "an increase" if v > b else "a decrease"
                ctx["change"] = f"{direction} of {formatting.fmt_pct(abs(pct))} ({span})"

    target = definition.target
    if target is None:
        ctx.update(
            target=NO_TARGET,
            target_met=NO_TARGET,
            target_value=NO_TARGET,
            target_label=NO_TARGET,
            vs_target=NO_TARGET,
        )
    else:
        ctx["target_value"] = _fmt(target.value, unit)
        ctx["target_label"] = target.label or ctx["target_value"]
        if v is None:
            ctx.update(target=NOT_SUPPLIED, target_met=NOT_SUPPLIED, vs_target=NOT_SUPPLIED)
        else:
            ctx["vs_target"] = (
                "below" if v < target.value else ("above" if v > target.value else "level with")
            )
            if definition.polarity == "none":
                ctx["target"] = f"{_fmt(v, unit)} against {ctx['target_label']}"
                ctx["target_met"] = NOT_APPLICABLE
            else:
                result = ratings.compare_to_target(v, target.value, definition.polarity, unit)
                raw["target_met"] = result.met
                ctx["target"] = result.text
                ctx["target_met"] = "met" if result.met else "not met"
    ctx["raw"] = raw
    return ctx


def build_context(register: Register, year: str, area: str, extra: dict | None = None) -> dict[str, Any]:
    """Everything narrative placeholders can name, for one year and area.

    One entry per indicator id (see :func:`indicator_context`) plus ``year`` ("2018-19"),
    ``year_long`` ("2018-2019"), ``previous_year``, ``previous_year_long``, ``next_year``,
    ``next_year_long`` and ``area``. ``extra`` (e.g. police figures computed by a notebook)
    is merged last and wins on a clash.
    """
    if not is_fiscal_year(year):
        raise InputError("year", "The year is not a fiscal year.", expected="like 2018-19", found=repr(year))
    context: dict[str, Any] = {
        "year": year,
        "year_long": long_label(year),
        "previous_year": shift(year, -1),
        "previous_year_long": long_label(shift(year, -1)),
        "next_year": shift(year, 1),
        "next_year_long": long_label(shift(year, 1)),
        "area": area,
    }
    for indicator_id, definition in register.definitions.items():
        if indicator_id in RESERVED:
            raise InputError(
                register.yaml_file,
                "An indicator id is a reserved name.",
                column="id",
                expected="a name other than " + ", ".join(RESERVED),
                found=indicator_id,
            )
        context[indicator_id] = indicator_context(register, definition, year, area)
    if extra:
        context.update(extra)
    return context


# --------------------------------------------------------------------------------------------
# Rendering narrative
# --------------------------------------------------------------------------------------------


def _environment() -> ImmutableSandboxedEnvironment:
    # Sandboxed: a narrative file is data a lead edits, never code; autoescaped: a value can
    # never become markup; StrictUndefined: an unknown name is an error, never blank prose.
    return ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _chain(node: jnodes.Node) -> list[str] | None:
    if isinstance(node, jnodes.Name):
        return [node.name]
    if isinstance(node, jnodes.Getattr):
        base = _chain(node.node)
        return None if base is None else [*base, node.attr]
    if (
        isinstance(node, jnodes.Getitem)
        and isinstance(node.arg, jnodes.Const)
        and isinstance(node.arg.value, str)
    ):
        base = _chain(node.node)
        return None if base is None else [*base, node.arg.value]
    return None


def _bound_names(tree: jnodes.Template) -> set[str]:
    names: set[str] = set()
    binders = tree.find_all((jnodes.For, jnodes.Assign, jnodes.AssignBlock))
    for target in [n.target for n in binders]:
        names |= {n.name for n in target.find_all(jnodes.Name)}
        if isinstance(target, jnodes.Name):
            names.add(target.name)
    return names | {"loop"}


def check_placeholders(text: str, context: Mapping[str, Any], *, file: str | Path) -> list[Problem]:
    """Every placeholder in ``text`` that ``context`` cannot resolve, one problem each."""
    env = _environment()
    try:
        tree = env.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        return [
            Problem(
                file,
                f"A placeholder is written wrongly: {exc.message}.",
                exc.lineno,
                None,
                "placeholders like {{ dv_reports.change }}",
                _source_line(text, exc.lineno),
            )
        ]
    bound = _bound_names(tree) | set(env.globals)
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for node in tree.find_all((jnodes.Name, jnodes.Getattr, jnodes.Getitem)):
        chain = _chain(node)
        if not chain or chain[0] in bound or getattr(node, "ctx", "load") != "load":
            continue
        current: Any = context
        for depth, part in enumerate(chain):
            if isinstance(current, Mapping) and part in current:
                current = current[part]
                continue
            if not isinstance(current, Mapping) and depth > 0:
                break  # an attribute of a plain value (e.g. a string method): not ours to judge
            name = ".".join(chain[: depth + 1])
            if (node.lineno, name) not in seen:
                seen.add((node.lineno, name))
                problems.append(_unknown_placeholder(file, node.lineno, name, chain, context))
            break
    return problems


def _unknown_placeholder(
    file: str | Path, line: int, name: str, chain: list[str], context: Mapping[str, Any]
) -> Problem:
    parent = context
    for part in name.split(".")[:-1]:
        parent = parent[part]
    keys = sorted(k for k in parent if not k.startswith("_")) if isinstance(parent, Mapping) else []
    close = difflib.get_close_matches(name.split(".")[-1], keys, n=3)
    expected = (
        ("a known metric, such as " + ", ".join(".".join([*name.split(".")[:-1], c]) for c in close))
        if close
        else ("a known metric (an indicator id from indicators.yaml, then .value, .change, ...)")
    )
    return Problem(
        file,
        f"The placeholder '{{{{ {'.'.join(chain)} }}}}' names an unknown metric '{name}'.",
        line,
        "placeholder",
        expected,
        name,
    )


def render_narrative(text: str, context: Mapping[str, Any], *, file: str | Path) -> str:
    """Fill the placeholders of Markdown ``text`` from ``context``; returns Markdown.

    Values are HTML-escaped as they are inserted (so a value can never add markup), the
    template runs in Jinja's sandbox, and an unknown placeholder raises :class:`InputError`
    naming ``file``, the line and the placeholder (the first one; the message counts the
    rest, all of which :func:`check_placeholders` lists). The output is Markdown, to be
    turned into HTML by :func:`markdown_to_html`, which shows raw HTML as text.
    """
    problems = check_placeholders(text, context, file=file)
    if problems:
        first = problems[0]
        more = (
            f" ({len(problems) - 1} more unknown placeholder(s) in this file.)" if len(problems) > 1 else ""
        )
        raise InputError(
            file,
            first.message + more,
            row=first.row,
            column=first.column,
            expected=first.expected,
            found=first.found,
        )
    env = _environment()
    try:
        return env.from_string(text).render(dict(context))
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(file, f"A placeholder is written wrongly: {exc.message}.", row=exc.lineno) from exc
    except jinja2.UndefinedError as exc:
        raise InputError(
            file,
            f"A placeholder names an unknown metric: {exc.message}.",
            column="placeholder",
            found=str(exc.message),
        ) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise InputError(
            file,
            f"A placeholder tries something unsafe: {exc}.",
            expected="placeholders that name metrics only",
        ) from exc


# Numbers as people type them: 6,858  6858  74.3  83%  £110,000. Not parts of words or
# identifiers (x3, WV1), not ordinals (5th), not footnote superscripts (not ASCII digits).
_NUMBER_IN_PROSE = re.compile(
    r"(?<![\w.,/£-])(?P<gbp>£)?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?(?P<pct>%)?"
    r"(?![\w]|[.,]\d)"
)
_JINJA_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_URL = re.compile(r"\]\([^)]*\)|<[^>\s]+>|https?://\S+|www\.\S+")
_YEAR_RANGE = re.compile(r"\b(19|20)\d{2}\s*[-–/]\s*(\d{4}|\d{2})\b")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _metric_numbers(context: Mapping[str, Any]) -> list[tuple[float, bool, str]]:
    """(number, is_percent, placeholder) for every number the context holds."""
    out: list[tuple[float, bool, str]] = []
    for key, entry in context.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("raw"), Mapping):
            continue
        raw, unit = entry["raw"], entry.get("unit")
        for name in ("value", "previous", "numerator", "denominator"):
            x = raw.get(name)
            if _missing(x):
                continue
            if unit == "proportion" and name in ("value", "previous"):
                out.append((x * 100, True, f"{key}.{name}"))
            else:
                out.append((float(x), False, f"{key}.{name}"))
        if not _missing(raw.get("pct_change")):
            out.append((abs(raw["pct_change"]), True, f"{key}.change_pct"))
        if not _missing(raw.get("pp_change")):
            out.append((abs(raw["pp_change"]), False, f"{key}.change_pp"))
        if not _missing(raw.get("target")):
            t = raw["target"] * 100 if unit == "proportion" else raw["target"]
            out.append((t, unit == "proportion", f"{key}.target_value"))
    return out


def _rounds_to(x: float, decimals: int, number: float) -> bool:
    return abs(float(formatting.fmt_number(x, dp=decimals, whole=False).replace(",", "")) - number) < 1e-9


def lint_narrative(text: str, context: Mapping[str, Any], *, file: str | Path) -> list[Problem]:
    """Warnings for numbers typed into narrative where the context holds the same number.

    A number written in prose (``6,858``, ``74.3%``, ``£110,000``) that equals, to the
    decimals written, a metric of the context is reported with the placeholder to use.
    Placeholders, link targets, URLs and years (``2018``, ``2018-2019``) are ignored. Each
    warning names the file, the line and the character position.
    """
    cleaned = _JINJA_SPAN.sub(_blank, text)
    cleaned = _URL.sub(_blank, cleaned)
    cleaned = _YEAR_RANGE.sub(_blank, cleaned)
    candidates = _metric_numbers(context)
    problems: list[Problem] = []
    for lineno, line in enumerate(cleaned.splitlines(), start=1):
        for m in _NUMBER_IN_PROSE.finditer(line):
            whole = m.group("num").replace(",", "")
            decimals = len(m.group("dec")) - 1 if m.group("dec") else 0
            number = float(whole + (m.group("dec") or ""))
            is_pct = bool(m.group("pct"))
            if (
                not is_pct
                and not m.group("gbp")
                and not decimals
                and "," not in m.group("num")
                and len(whole) == 4
                and 1900 <= number <= 2100
            ):
                continue  # a year
            # A percentage matches at the decimals written when it has some, else at the one
            # decimal a metric is shown with: "18%" is MARAC's 18.0%, "8%" is not 7.8%.
            shown = max(decimals, 1) if is_pct else decimals
            hits = [name for x, pct, name in candidates if pct == is_pct and _rounds_to(x, shown, number)]
            if hits:
                written = m.group(0)
                problems.append(
                    Problem(
                        file,
                        f"The number {written} is typed into the narrative, but a metric holds it: "
                        "use the placeholder so the text cannot drift from the data.",
                        lineno,
                        f"character {m.start() + 1}",
                        expected=" or ".join("{{ " + h + " }}" for h in hits[:3]),
                        found=written,
                        severity="warning",
                    )
                )
    return problems


def _markdown() -> MarkdownIt:
    # "js-default": CommonMark plus tables and strikethrough, with raw HTML OFF, so any tag in
    # an input is shown as text. Images are off too: the board's HTML makes no external
    # requests, and javascript:/data: links are refused by markdown-it's link validation.
    return MarkdownIt("js-default", {"html": False, "linkify": False}).disable("image")


def markdown_to_html(md: str) -> str:
    """Markdown to HTML with raw HTML disabled: ``<script>`` comes out as ``&lt;script&gt;``."""
    return _markdown().render(md)


def markdown_inline_to_html(md: str) -> str:
    """One line of Markdown (a title, a list item) to HTML, without a wrapping paragraph."""
    return _markdown().renderInline(md)


# --------------------------------------------------------------------------------------------
# Next year's folder
# --------------------------------------------------------------------------------------------

_RATING_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)rating:\s*(?P<value>[^#\n]*?)\s*(#.*)?$", re.M)
_RATING_NOTE_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)rating_note:.*$")
_YEAR_LINE = re.compile(r"^year:\s*\S+.*$", re.M)
NOT_COPIED = ("claims.csv",)  # a published report's claims belong to that year only


def reset_ratings(yaml_text: str, year: str) -> str:
    """``report.yaml`` text for next year: every rating "Not yet rated", notes on ratings
    removed, ``year:`` set. Comments and layout are kept (the text is edited line by line)."""
    text = _RATING_LINE.sub(lambda m: f"{m.group('indent')}rating: {Rating.NOT_YET_RATED.label}", yaml_text)
    text = _YEAR_LINE.sub(f"year: {year}", text, count=1)
    out: list[str] = []
    skipping_indent: int | None = None
    for line in text.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip())
        if skipping_indent is not None:
            if line.strip() and indent <= skipping_indent:
                skipping_indent = None
            else:
                continue
        m = _RATING_NOTE_LINE.match(line)
        if m:
            skipping_indent = len(m.group("indent"))
            continue
        out.append(line)
    return "".join(out)


def new_year(paths: DataPaths, year_from: str, year_to: str) -> list[str]:
    """Scaffold ``report/<year_to>/`` from ``report/<year_from>/``.

    Every file is copied except a published report's ``claims.csv``; in ``report.yaml``
    every rating becomes "Not yet rated" and ``year`` is set to ``year_to``. A file that
    already exists in the new folder is never overwritten. Returns the register rows the
    lead must supply, as ``"indicator, area, period"`` strings (see
    :meth:`Register.rows_to_supply`).
    """
    for label in (year_from, year_to):
        if not is_fiscal_year(label):
            raise InputError(
                "year", "The year is not a fiscal year.", expected="like 2019-20", found=repr(label)
            )
    if start_of(year_to) <= start_of(year_from):
        raise InputError(
            "year",
            "The new year must come after the year it is copied from.",
            expected=f"a year after {year_from}",
            found=year_to,
        )
    source = paths.report_dir(year_from)
    target = paths.report_dir(year_to)
    if not (source / REPORT_FILE).is_file():
        raise InputError(
            source / REPORT_FILE,
            f"There is no report content for {year_from} to copy.",
            expected=f"{REPORT_FILE} in {source}",
            found="no such file",
        )

    writes: list[tuple[Path, bytes]] = []
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = file.relative_to(source)
        if rel.as_posix() in NOT_COPIED:
            continue
        dest = target / rel
        if dest.exists():
            continue
        if rel.as_posix() == REPORT_FILE:
            text = reset_ratings(file.read_text(encoding="utf-8-sig"), year_to)
            try:
                ReportFile.model_validate(yaml.safe_load(text))
            except (ValidationError, yaml.YAMLError) as exc:
                raise InputError(file, f"report.yaml could not be reset for the new year: {exc}") from exc
            writes.append((dest, text.encode("utf-8")))
        else:
            writes.append((dest, file.read_bytes()))
    for dest, data in writes:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "xb") as handle:  # "x": never overwrite, even in a race
            handle.write(data)

    register = load_register(paths)
    rows: list[str] = []
    for area in register.areas():
        rows += [", ".join(r) for r in register.rows_to_supply(year_from, year_to, area)]
    return rows
