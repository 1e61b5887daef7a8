"""Reading one year's content: ``report.yaml`` and every Markdown file it names, all checked."""

from __future__ import annotations

from pathlib import Path

import jinja2
import yaml
from pydantic import ValidationError

from swp_analysis.errors import InputError, Problem, ValidationFailed
from swp_analysis.paths import DataPaths
from swp_analysis.ratings import Rating
from swp_analysis.sources.register import (
    IndicatorDef,
    node_line,
    pydantic_problems,
    read_definitions,
    read_yaml,
)

from .model import REPORT_FILE, Narrative, Objective, ReportContent, ReportFile
from .narrative import environment, source_line


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


class _Problems(list):
    """Problems of one ``report.yaml``, each located by its YAML path (line and column)."""

    def __init__(self, path: Path, node: yaml.Node | None) -> None:
        super().__init__()
        self.path, self.node = path, node

    def add(self, loc: list[str | int], message: str, expected: str, found: str) -> None:
        column = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
        self.append(Problem(self.path, message, node_line(self.node, loc), column, expected, found))


def _cross_checks(
    report: ReportFile,
    year: str,
    path: Path,
    node: yaml.Node | None,
    definitions: dict[str, IndicatorDef] | None,
) -> list[Problem]:
    """What pydantic cannot see field by field: the year, the key, ids used twice, links."""
    problems = _Problems(path, node)
    if report.year != year:
        problems.add(["year"], "The year in report.yaml does not match its folder.", year, report.year)
    _key_problems(report, problems)
    strategy_ids = _strategy_ids(report, problems)
    objective_ids: set[str] = set()
    for i, p in enumerate(report.priorities):
        for j, o in enumerate(p.objectives):
            base: list[str | int] = ["priorities", i, "objectives", j]
            if o.id in objective_ids:
                problems.add([*base, "id"], "An objective id is used twice.", "each id once", o.id)
            objective_ids.add(o.id)
            _objective_problems(o, base, list(report.key), strategy_ids, definitions, problems)
    for loc, ind in indicator_refs(report) if definitions is not None else []:
        if ind not in definitions:
            problems.add(
                loc,
                "The indicator id is not defined in indicators.yaml.",
                "an id defined in indicators.yaml",
                ind,
            )
    terms = [g.term for g in report.glossary]
    for i, term in enumerate(terms):
        if terms.index(term) != i:
            problems.add(["glossary", i, "term"], "A glossary term appears twice.", "each term once", term)
    return list(problems)


def indicator_refs(report: ReportFile) -> list[tuple[list[str | int], str]]:
    """(YAML location, indicator id) of every indicator report.yaml names."""
    refs: list[tuple[list[str | int], str]] = [
        (["headline_figures", k], i) for k, i in enumerate(report.headline_figures)
    ]
    for i, p in enumerate(report.priorities):
        if p.change_table is not None:
            refs += [
                (["priorities", i, "change_table", "indicators", k], x)
                for k, x in enumerate(p.change_table.indicators)
            ]
        for j, o in enumerate(p.objectives):
            base: list[str | int] = ["priorities", i, "objectives", j]
            refs += [([*base, "indicators", k], x) for k, x in enumerate(o.indicators)]
            refs += [([*base, "figures", k], x) for k, x in enumerate(o.figures)]
            refs += [([*base, "charts", k, "indicator"], c.indicator) for k, c in enumerate(o.charts)]
    return refs


def _key_problems(report: ReportFile, problems: _Problems) -> None:
    key = list(report.key)
    for i, rating in enumerate(key):
        if rating is Rating.NOT_YET_RATED:
            problems.add(
                ["key", i],
                "'Not yet rated' is a reset state, not part of the key.",
                "the four delivery ratings",
                rating.label,
            )
    if len(set(key)) != len(key):
        found = ", ".join(r.label for r in key)
        problems.add(["key"], "A rating appears twice in the key.", "each rating once", found)


def _strategy_ids(report: ReportFile, problems: _Problems) -> dict[str, str]:
    """Each strategy objective's id and its priority's; ids used twice are problems."""
    strategy_ids: dict[str, str] = {}
    for i, p in enumerate(report.priorities):
        for k, s in enumerate(p.strategy_objectives):
            if s.id in strategy_ids:
                loc: list[str | int] = ["priorities", i, "strategy_objectives", k, "id"]
                problems.add(loc, "A strategy objective id is used twice.", "each id once", s.id)
            strategy_ids[s.id] = p.id
    priority_ids = [p.id for p in report.priorities]
    for i, pid in enumerate(priority_ids):
        if priority_ids.index(pid) != i:
            problems.add(["priorities", i, "id"], "A priority id is used twice.", "each id once", pid)
    return strategy_ids


def _objective_problems(
    o: Objective,
    base: list[str | int],
    key: list[Rating],
    strategy_ids: dict[str, str],
    definitions: dict[str, IndicatorDef] | None,
    problems: _Problems,
) -> None:
    """One objective's rating against the key, and its links to the strategy and indicators."""
    if o.rating is not Rating.NOT_YET_RATED and o.rating not in key:
        problems.add(
            [*base, "rating"],
            "The rating is not in the report's key.",
            "one of: " + "; ".join(r.label for r in key),
            o.rating.label,
        )
    if o.rating is Rating.NOT_ON_TRACK and not o.rating_explanation:
        problems.add(
            [*base, "rating_explanation"],
            "An objective rated 'Not on track for delivery' needs an explanation.",
            "a rating_explanation Markdown file",
            "none",
        )
    for k, c in enumerate(o.covers):
        if c not in strategy_ids:
            problems.add(
                [*base, "covers", k],
                "The objective covers an unknown strategy objective.",
                "one of: " + ", ".join(strategy_ids),
                c,
            )


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
            environment().parse(texts[name])
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                Problem(
                    file,
                    f"A placeholder is written wrongly: {exc.message}.",
                    exc.lineno,
                    None,
                    "placeholders like {{ dv_reports.change }}",
                    source_line(texts[name], exc.lineno),
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
