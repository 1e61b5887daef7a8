"""``swp validate``: every input checked, every problem collected, reported together.

:func:`validate` is the first step of ``swp build``. It reads each input through its
``sources`` module, gathers every :class:`~swp_analysis.errors.Problem` from all of them
(rather than stopping at the first bad file), and raises one
:class:`~swp_analysis.errors.ValidationFailed` if any is an error, each problem listed once.
The year's ``claims.csv`` is checked here too, so a bad one stops the build before any
notebook runs. A compared year with no police records at all is an error. Warnings (a number
typed into narrative, a month missing from the police data, a register with no figures for
the area) are returned for the report to show.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from . import formatting, ingest, periods, police
from .content import REPORT_FILE, content_area, content_years, load_content
from .errors import InputError, Problem, SwpError, ValidationFailed
from .inputs import ReportInputs
from .paths import DataPaths
from .sources.register import check_periods, load_register
from .sources.tables import population_for, read_expenditure, read_population


def _collect(problems: list[Problem], fn, *args, **kwargs):
    """Call ``fn``; on a validation error keep its problems and return None."""
    try:
        return fn(*args, **kwargs)
    except (InputError, ValidationFailed) as exc:
        problems.extend(exc.problems)
        return None


def validate(paths: DataPaths, year: str, area: str, *, read_police: bool = True) -> list[Problem]:
    """Check every input for ``year`` and ``area``; raise ValidationFailed listing all errors.

    With ``read_police`` (the default) the police files are read and validated too, through the
    ingest step, whose cache makes a second run cheap. Returns the warnings.
    """
    _check_year_label(year)
    if not paths.raw.is_dir():
        raise InputError(
            paths.raw,
            "The data folder has no raw/ folder.",
            expected="data/raw with the inputs (swp sample-data makes a sample)",
            found="no such folder",
        )
    problems: list[Problem] = []
    register = _collect(problems, load_register, paths)
    if register is not None:
        # Figures for later years are not used (a past year can be rebuilt from today's register).
        problems += [dataclasses.replace(p, severity="warning") for p in check_periods(register, year)]
        problems += _register_area_warnings(register, area)
    content = _content(problems, paths, year, area)
    if paths.expenditure.is_file():
        priorities = [p.title for p in content.priorities] if content is not None else None
        _collect(problems, read_expenditure, paths.expenditure, priorities)
    claims_file = paths.report_dir(year) / "claims.csv"
    if claims_file.is_file():
        problems += _claims_problems(claims_file, register)
    police_df, area_known = _police(problems, paths, year, area) if read_police else (None, True)
    population = _collect(problems, read_population, paths.population)
    if population is not None and area_known:
        problems += _population_warnings(population, area, year)
    if content is not None and register is not None and police_df is not None and not _errors(problems):
        inputs = ReportInputs.with_tables(
            year, area, paths, police=police_df, register=register, population=population
        )
        problems += _narrative_problems(content, inputs)
        problems += register_rows_needed(content, register, year, area)
    if police_df is not None and area_known:
        problems += coverage_warnings(police_df, area, [periods.previous(year), year], paths)
    problems = _unique(problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(errors)
    return [p for p in problems if p.severity != "error"]


def _errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _check_year_label(year: str) -> None:
    try:
        periods.start_of(year)
    except ValueError as exc:
        raise InputError(
            "--year", str(exc), expected="a financial year such as 2018-19", found=repr(year)
        ) from None


def _content(problems: list[Problem], paths: DataPaths, year: str, area: str):
    """The year's content (whichever area it is for), its problems added to ``problems``."""
    folder = paths.report_dir(year)
    if (folder / REPORT_FILE).is_file():
        return _collect(problems, load_content, paths, year)
    if folder.is_dir():
        problems.append(
            Problem(
                folder / REPORT_FILE,
                "The year's report folder has no report.yaml.",
                expected="report.yaml",
                found="no such file",
            )
        )
        return None
    own = [y for y in content_years(paths) if content_area(paths, y) == area]
    if own:
        problems.append(
            Problem(
                folder,
                f"There is no report content for {year}, so the report will have no ratings or narrative.",
                expected=f"report/{year}/ (run `swp new-year {year}`)",
                found="content for " + ", ".join(own),
                severity="warning",
            )
        )
    return None


def _police(problems: list[Problem], paths: DataPaths, year: str, area: str):
    """The processed police table (None if it could not be made) and whether it holds ``area``."""
    result = _collect(problems, ingest.ingest_police, paths)
    if result is None:
        return None, True
    police_df = ingest.read_processed(result.parquet)
    area_problems = _area_problems(police_df, area, paths)
    problems += area_problems
    return police_df, not area_problems


def register_rows_needed(content, register, year: str, area: str) -> list[Problem]:
    """A warning for each register row the year's content uses and the register lacks: every
    indicator report.yaml names (evidence, figures, charts, headline figures) or the narrative's
    placeholders name, for its period (the year less its lag)."""
    from .content.load import indicator_refs
    from .content.narrative import referenced_names

    used: dict[str, str] = {}
    if content.area != area:
        return []
    for _, ind in indicator_refs(content.report):
        used.setdefault(ind, "report.yaml")
    for name, text in content.texts.items():
        for ind in referenced_names(text) & set(register.definitions):
            used.setdefault(ind, name)
    out = []
    for ind, where in used.items():
        period = periods.shift(year, -register.definitions[ind].lag_years)
        if register.row(ind, area, period) is None:
            out.append(
                Problem(
                    register.csv_file,
                    f"The year's content uses {ind} ({register.definitions[ind].title}), first in {where}, "
                    "and the register has no figure for it.",
                    column="indicator",
                    expected=f"a row {ind},{area},{period},...",
                    found="no such row",
                    severity="warning",
                )
            )
    return out


def _narrative_problems(content, inputs: ReportInputs) -> list[Problem]:
    """Unknown placeholders (errors) and numbers typed into prose (warnings), every file."""
    try:
        return content.check(inputs.context | {"police": inputs.police_placeholders})
    except (InputError, ValidationFailed) as exc:
        return list(exc.problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in the order found (``indicators.yaml`` is read by both the register
    and the content, so its problems would otherwise be listed twice)."""
    seen: set[tuple] = set()
    out = []
    for p in problems:
        key = (str(p.file), p.row, p.column, p.message, p.expected, p.found, p.severity)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _claims_problems(path: Path, register) -> list[Problem]:
    """Every problem in the year's ``claims.csv``, found before any notebook runs."""
    from .claims import check_unknown_indicators, read_claims

    problems: list[Problem] = []
    claims = _collect(problems, read_claims, path)
    if claims is not None and register is not None:
        problems += check_unknown_indicators(claims, register, path)
    return problems


def _register_area_warnings(register, area: str) -> list[Problem]:
    """A warning when the register holds no figure at all for the area being built."""
    areas = register.areas()
    if area in areas:
        return []
    found = "figures only for " + ", ".join(areas) if areas else "a header and no figures"
    return [
        Problem(
            register.csv_file,
            f"The register has no figures for {area}: every partner "
            'figure in the report will read "not supplied".',
            column="area",
            expected=f"rows for {area}",
            found=found,
            severity="warning",
        )
    ]


def _area_problems(police_df: pd.DataFrame, area: str, paths: DataPaths) -> list[Problem]:
    present = police.areas_present(police_df)
    if area in present:
        return []
    return [
        Problem(
            paths.police,
            f"The area {area!r} is not in the police data.",
            column="LSOA name",
            expected="one of " + ", ".join(present),
            found=area,
        )
    ]


def coverage_warnings(
    police_df: pd.DataFrame, area: str, years: list[str], paths: DataPaths
) -> list[Problem]:
    """One warning for each year the police data do not wholly cover for ``area``, listing the
    months: the report says so wherever that year's figures appear."""
    known = police.covered_months(police_df, area)
    out = []
    for fy in years:
        cov = police.coverage(police_df, area, fy, known=known)
        if cov.complete:
            continue
        consequence = (
            "its recorded crime will not be reported"
            if cov.empty
            else "the report says so wherever its figures appear, and compares it only with the same months"
        )
        out.append(
            Problem(
                paths.police,
                f"{area}, {fy}: the police data cover {cov.n} of 12 months, so {consequence}.",
                expected=f"street files for {formatting.month_list(periods.months(fy))}",
                found=f"only {formatting.month_list(list(cov.months))}"
                if 0 < cov.n <= 6
                else f"none for {formatting.month_list(list(cov.missing))}",
                severity="warning",
            )
        )
    return out


def _population_warnings(population: pd.DataFrame, area: str, year: str) -> list[Problem]:
    """A warning for each compared year without a population for ``area``: no rate for it."""
    out = []
    for fy in (periods.previous(year), year):
        try:
            population_for(population, area, fy)
        except InputError as exc:
            (problem,) = exc.problems
            out.append(
                Problem(
                    problem.file,
                    problem.message + " Rates per 1,000 residents will read \u201cnot available\u201d.",
                    problem.row,
                    problem.column,
                    problem.expected,
                    problem.found,
                    severity="warning",
                )
            )
    return out


def partnership_name(paths: DataPaths, year: str, area: str) -> str:
    """The partnership's name from the year's content, or a generic one for another area."""
    from .content import load_content

    try:
        content = load_content(paths, year)
    except SwpError:
        return f"{area} Community Safety Partnership"
    if content.area != area:
        return f"{area} Community Safety Partnership"
    return content.partnership.name


def data_sources(paths: DataPaths) -> list[str]:
    """The sources named in the report's footer."""
    police = "Police recorded crime: data.police.uk street-level files"
    if (paths.raw / ".sample-data.json").is_file():
        police += " (here the synthetic sample made by swp sample-data, in that format)"
    return [
        police,
        "local indicator register (figures as supplied by partners)",
        "ONS mid-year population estimates",
    ]


def synthetic_inputs(paths: DataPaths) -> list[str]:
    """The inputs of the data folder that are synthetic, for the report's banner (empty: none)."""
    if (paths.raw / ".sample-data.json").is_file():
        return ["police recorded crime (the synthetic sample made by swp sample-data)", "expenditure"]
    return []


def claims_table(data_dir: str | Path | None, year: str, area: str) -> pd.DataFrame:
    """The claims check for ``swp check-claims``, with police figures from the police data."""
    from .report import load

    data = load(year, area, data_dir)
    table = data.claims
    if table is None:
        raise InputError(
            data.paths.report_dir(year) / "claims.csv",
            f"There is no claims file for {year}.",
            expected="claims.csv",
            found="no such file",
        )
    return table
