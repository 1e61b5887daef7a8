"""Bad input gets a clear answer: the corpus in ``tests/data/bad`` run through ``swp build``.

Each corpus file is put, alone, into a fresh copy of a good data folder and ``swp build`` is run
in-process through :func:`swp_analysis.cli.main`. A bad file must stop the build before any
notebook runs (exit code 1) with one paragraph on stderr naming the file, the line and the
column where they exist, what was expected and what was found, and no traceback. A file the
project tolerates (a byte-order mark, Excel's "CSV UTF-8") or only warns about (a number typed
into narrative, an empty register, a month without police data) must let the build go on to the
notebooks, with any warning in the build output.

The expected fragments below were written from the corpus files themselves: ``line`` is the
line where the fault was put, and :func:`test_corpus_table_matches_the_files` checks that line
of the file holds ``marker``, so the table cannot drift from the files. ``tests/data/bad/
README.md`` lists every file with its destination and message.

Notebooks are not executed here (the build is stopped where it would start them): a
full build of a folder with a missing month, checked in the HTML, is the one ``slow`` test.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from swp_analysis import cli, ingest, pipeline, sample_data
from swp_analysis.errors import SwpError, ValidationFailed
from swp_analysis.paths import DataPaths

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
YEAR = "2018-19"
P0418 = "police/2018-04/2018-04-west-midlands-street.csv"
REPORT = f"report/{YEAR}"
NARRATIVE = f"{REPORT}/rv-domestic-abuse.md"

ERROR, ACCEPTED = "error", "accepted"


@dataclass(frozen=True)
class Case:
    """One corpus file: where it goes under ``data/raw`` and what ``swp build`` must say.

    ``line``/``marker``: the line of the file holding the fault (``marker`` is text on that
    line; ``""`` means the line is blank). ``expect``: fragments the message must hold
    (``line N`` is added when ``line`` is given). ``outcome``: ``error`` (exit 1) or
    ``accepted`` (the build reaches the notebooks; the fragments are then looked for in the
    build output, where warnings are printed). ``xfail``: the project's shortfall, if any.
    """

    file: str
    dest: str
    expect: tuple[str, ...]
    line: int | None = None
    marker: str | bytes | None = None
    outcome: str = ERROR
    xfail: str | None = None

    @property
    def id(self) -> str:
        return self.file


CASES: list[Case] = [
    # ---- police.uk street files ---------------------------------------------------------------
    Case(
        "police-header-misspelled.csv",
        P0418,
        line=1,
        marker="Crime Type",
        expect=(
            "does not have the police.uk street-level header",
            "found 12 columns",
            "Crime Type",
            "column 'Crime Type'",
        ),
    ),
    Case(
        "police-header-reordered.csv",
        P0418,
        line=1,
        marker="Latitude,Longitude",
        expect=(
            "different order",
            "Expected the 12 columns Crime ID, Month, Reported by, Falls within, Longitude, Latitude",
            "Falls within, Latitude, Longitude",
        ),
    ),
    Case(
        "police-2011-schema.csv",
        "police/2011-01/2011-01-west-midlands-street.csv",
        line=1,
        marker="Easting,Northing",
        expect=(
            "pre-2013 eight-column",
            "found 8 columns Month, Reported by, Falls within, Easting, Northing",
        ),
    ),
    Case(
        "police-truncated.csv",
        P0418,
        line=7,
        marker="0105,2018-04,West Midlands Police",
        expect=("wrong number of fields", "Expected 12 fields", "found 5"),
    ),
    Case(
        "police-too-many-fields.csv",
        P0418,
        line=4,
        marker="Parking Area, Whitmore Reans",
        expect=("wrong number of fields", "Expected 12 fields", "found 13"),
    ),
    Case(
        "police-not-utf8.csv",
        P0418,
        line=3,
        marker=b"Caf\xe9 Row",
        expect=("column 'Location'", "not UTF-8", r"found the byte(s) b'\xe9'"),
    ),
    Case("police-utf8-bom.csv", P0418, outcome=ACCEPTED, expect=()),
    Case(
        "police-month-mismatch.csv",
        P0418,
        line=6,
        marker="0104,2018-05,",
        expect=("column 'Month'", "does not match the file name", "Expected '2018-04'", "found '2018-05'"),
    ),
    Case(
        "police-month-slash.csv",
        P0418,
        line=3,
        marker=",2018/04,",
        expect=("column 'Month'", "does not match the file name", "found '2018/04'"),
    ),
    Case("police-empty.csv", P0418, expect=("is empty", "found 0 bytes")),
    Case(
        "police-header-only.csv",
        P0418,
        expect=("has a header but no rows", "Expected at least one row; found none"),
    ),
    Case(
        "police-zip-without-csv.zip",
        "police/2018-05.zip",
        expect=(
            "zip archive holding no police.uk street-level CSV",
            "found 2018-05/readme.txt, 2018-05/2018-05-west-midlands-street.xlsx",
        ),
    ),
    Case(
        "police-duplicate-month.csv.gz",
        P0418 + ".gz",
        expect=("second file for force 'west-midlands' and month 2018-04", f"raw/{P0418} is the first"),
    ),
    Case(
        "police-duplicate-month-flat.csv",
        "police/2018-04-west-midlands-street.csv",
        expect=("second file for force 'west-midlands' and month 2018-04", f"raw/{P0418}"),
    ),
    Case(
        "police-misnamed.csv",
        "police/2018-04/west-midlands-april-2018.csv",
        expect=(
            "not named like a police.uk street-level file",
            "Expected YYYY-MM-<force>-street.csv",
            "found west-midlands-april-2018.csv",
        ),
    ),
    Case(
        "police-crime-id-not-hex.csv",
        P0418,
        line=4,
        marker="1.23457E+63,",
        expect=("column 'Crime ID'", "64", "found '1.23457E+63'"),
    ),
    Case(
        "police-longitude-not-number.csv",
        P0418,
        line=7,
        marker="-2.14002l,",
        expect=("column 'Longitude'", "not a number", "found '-2.14002l'"),
    ),
    Case(
        "police-unknown-crime-type.csv",
        P0418,
        line=4,
        marker="Theft from a motor vehicle",
        expect=("column 'Crime type'", "unknown crime type", "found 'Theft from a motor vehicle'"),
    ),
    Case(
        "police-blank-line.csv",
        P0418,
        line=4,
        marker="",
        expect=("blank line among its rows", "found an empty line"),
    ),
    Case(
        "police-lsoa-code-malformed.csv",
        P0418,
        line=3,
        marker=",E1010521,",
        expect=("column 'LSOA code'", "malformed LSOA code", "found 'E1010521'"),
    ),
    Case(
        "police-gzip-cut-short.csv.gz",
        "police/2018-05/2018-05-west-midlands-street.csv.gz",
        expect=("not a readable gzip file",),
    ),
    # ---- indicators.csv -----------------------------------------------------------------------
    Case(
        "indicators-unknown-id.csv",
        "indicators.csv",
        line=3,
        marker="dv_report,",
        expect=(
            "column 'indicator'",
            "not defined in indicators.yaml",
            "such as dv_reports",
            "found 'dv_report'",
        ),
    ),
    Case(
        "indicators-non-numeric-value.csv",
        "indicators.csv",
        line=3,
        marker='"6,858"',
        expect=("column 'value'", "not a number", "found '6,858'"),
    ),
    Case(
        "indicators-negative-count.csv",
        "indicators.csv",
        line=5,
        marker=",-543,",
        expect=("column 'value'", "negative", "found '-543'"),
    ),
    Case(
        "indicators-numerator-above-denominator.csv",
        "indicators.csv",
        line=5,
        marker=",0.743,978,727,",
        expect=("column 'numerator'", "larger than the denominator", "found numerator 978, denominator 727"),
    ),
    Case(
        "indicators-period-after-year.csv",
        "indicators.csv",
        line=5,
        marker=",2019-20,",
        outcome=ACCEPTED,  # a later year's figure is not used: a past year can be rebuilt
        expect=(
            "column 'period'",
            "after the year being built (2018-19)",
            "Expected 2018-19 or earlier; found 2019-20",
        ),
    ),
    Case(
        "indicators-duplicate-row.csv",
        "indicators.csv",
        line=4,
        marker=",6859,",
        expect=(
            "column 'indicator'",
            "appear on an earlier line",
            "found dv_reports, Wolverhampton, 2018-19 again",
        ),
    ),
    Case(
        "indicators-missing-column.csv",
        "indicators.csv",
        line=1,
        marker="area,year,",
        expect=(
            "column 'period'",
            "required column is missing",
            "column 'year'",
            "names a column this file does not have",
        ),
    ),
    Case(
        "indicators-period-slash.csv",
        "indicators.csv",
        line=2,
        marker=",2017/18,",
        expect=("column 'period'", "not a fiscal year", "found '2017/18'"),
    ),
    Case(
        "indicators-too-many-fields.csv",
        "indicators.csv",
        line=4,
        marker=",SWP Annual Report 2017-19, pp.8-9,",
        expect=("wrong number of fields", "Expected 8 fields", "double quotes", "found 11 fields"),
    ),
    Case(
        "indicators-proportion-as-percent.csv",
        "indicators.csv",
        line=4,
        marker=",74.3,",
        expect=("column 'value'", "between 0 and 1", "write 0.743 for 74.3%", "found '74.3'"),
    ),
    Case(
        "indicators-not-utf8.csv",
        "indicators.csv",
        line=3,
        marker=b"analyst\x92s",
        expect=("column 'note'", "not UTF-8", "found byte 0x92"),
    ),
    Case(
        "indicators-header-only.csv",
        "indicators.csv",
        outcome=ACCEPTED,
        expect=(
            "warning:",
            "raw/indicators.csv",
            "column 'area'",
            "no figures for Wolverhampton",
            "found a header and no figures",
        ),
    ),
    Case("indicators-excel-csv-utf8.csv", "indicators.csv", outcome=ACCEPTED, expect=()),
    # ---- indicators.yaml ----------------------------------------------------------------------
    Case(
        "indicators-malformed.yaml",
        "indicators.yaml",
        line=4,
        marker="title: Reports of domestic abuse: police",
        expect=(
            "not valid YAML",
            "mapping values are not allowed here",
            "column 'character 37'",
            "quote text containing ': '",
            "found 'title: Reports of domestic abuse: police and partners'",
        ),
    ),
    Case(
        "indicators-unknown-unit.yaml",
        "indicators.yaml",
        line=10,
        marker="unit: percent",
        expect=("column 'unit'", "'count', 'proportion', 'rate' or 'gbp'", "found 'percent'"),
    ),
    Case(
        "indicators-duplicate-id.yaml",
        "indicators.yaml",
        line=13,
        marker="- id: dv_reports",
        expect=("column 'id'", "defined twice", "found 'dv_reports' again"),
    ),
    Case(
        "indicators-proportion-target-as-percent.yaml",
        "indicators.yaml",
        line=7,
        marker="target: {kind: baseline, value: 70,",
        expect=("column 'target'", "fraction from 0 to 1 (write 0.7 for 70%)", "'value': 70"),
    ),
    # ---- population.csv -----------------------------------------------------------------------
    Case(
        "population-zero.csv",
        "population.csv",
        line=5,
        marker="Wolverhampton,2018,0,",
        expect=("column 'population'", "more than zero", "found '0'"),
    ),
    Case(
        "population-missing-area.csv",
        "population.csv",
        outcome=ACCEPTED,  # a warning: the rates read "not available", never nan
        expect=(
            "column 'year'",
            "No population for Wolverhampton in mid-2017, needed for 2017-18",
            "mid-2018, needed for 2018-19",
            "found areas Dudley, Walsall",
        ),
    ),
    Case(
        "population-thousands-separator.csv",
        "population.csv",
        line=3,
        marker='"260,648"',
        expect=("column 'population'", "not a whole number", "found '260,648'"),
    ),
    Case(
        "population-fiscal-year.csv",
        "population.csv",
        line=2,
        marker=",2017-18,",
        expect=("column 'year'", "not a mid-year", "found '2017-18'"),
    ),
    # ---- expenditure.csv ----------------------------------------------------------------------
    Case(
        "expenditure-pound-sign.csv",
        "expenditure.csv",
        line=3,
        marker='"£1,000"',
        expect=("column 'amount_gbp'", "not a plain number", "found '£1,000'"),
    ),
    Case(
        "expenditure-unknown-priority.csv",
        "expenditure.csv",
        line=3,
        marker=",Reducing Re-offending,",
        expect=(
            "column 'priority'",
            "not one of the report's priorities",
            "Reducing Reoffending, Reducing Victimisation",
            "found 'Reducing Re-offending'",
        ),
    ),
    Case(
        "expenditure-not-utf8.csv",
        "expenditure.csv",
        line=3,
        marker=b"(\xa35 a head)",
        expect=("column 'item'", "not UTF-8", "found byte 0xa3"),
    ),
    Case(
        "expenditure-negative-amount.csv",
        "expenditure.csv",
        line=3,
        marker=",-4500",
        expect=("column 'amount_gbp'", "negative", "found '-4500'"),
    ),
    # ---- report/<year>/report.yaml ------------------------------------------------------------
    Case(
        "report-malformed.yaml",
        f"{REPORT}/report.yaml",
        line=6,
        marker="   short_name: SWP",
        expect=("not valid YAML", "column 'character 14'", "found 'short_name: SWP'"),
    ),
    Case(
        "report-rating-unknown.yaml",
        f"{REPORT}/report.yaml",
        line=39,
        marker="rating: Partially complete",
        expect=(
            "column 'rating'",
            "not a delivery rating",
            "Use one of 'Complete'",
            "Found 'Partially complete'",
        ),
    ),
    Case(
        "report-rating-not-in-key.yaml",
        f"{REPORT}/report.yaml",
        line=38,
        marker="rating: On target for delivery",
        expect=(
            "column 'rating'",
            "not in the report's key",
            "Expected one of: Complete; More work needed to meet objectives",
            "found On target for delivery",
        ),
    ),
    Case(
        "report-missing-narrative.yaml",
        f"{REPORT}/report.yaml",
        line=9,
        marker="introduction: intro.md",
        expect=("column 'introduction'", "does not exist", f"{REPORT}/intro.md", "found no such file"),
    ),
    Case(
        "report-year-mismatch.yaml",
        f"{REPORT}/report.yaml",
        line=2,
        marker="year: 2019-20",
        expect=("column 'year'", "does not match its folder", "Expected 2018-19; found 2019-20"),
    ),
    Case(
        "report-unknown-indicator.yaml",
        f"{REPORT}/report.yaml",
        line=41,
        marker="marac_case]",
        expect=("column 'indicators'", "not defined in indicators.yaml", "found marac_case"),
    ),
    Case(
        "report-repeated-key.yaml",
        f"{REPORT}/report.yaml",
        line=29,
        marker="rating: Complete",
        expect=("column 'rating'", "key is repeated", "found 'rating' again"),
    ),
    Case(
        "report-unknown-field.yaml",
        f"{REPORT}/report.yaml",
        line=40,
        marker="comentary:",
        expect=("column 'comentary'", "check the spelling", "commentary: Field required"),
    ),
    # ---- narrative Markdown -------------------------------------------------------------------
    Case(
        "narrative-unknown-placeholder.md",
        NARRATIVE,
        line=3,
        marker="marac_cases.chnage",
        expect=(
            "column 'placeholder'",
            "unknown metric 'marac_cases.chnage'",
            "such as marac_cases.change",
            "found marac_cases.chnage",
        ),
    ),
    Case(
        "narrative-placeholder-unclosed.md",
        NARRATIVE,
        line=2,
        marker="{{ gp_staff_trained.value } GP",
        expect=(
            "placeholder is written wrongly",
            "unexpected '}'",
            "found '- Training delivered to nearly **{{ gp_staff_trained.value } GP",
        ),
    ),
    Case(
        "narrative-not-utf8.md",
        NARRATIVE,
        line=3,
        marker=b"MARAC\x92s",
        expect=("not UTF-8", "column 'character 12'", "found byte 0x92"),
    ),
    Case(
        "narrative-typed-number.md",
        NARRATIVE,
        outcome=ACCEPTED,
        expect=(
            "warning:",
            f"raw/{NARRATIVE}, line 3, column 'character 3'",
            "The number 543 is typed into the narrative",
            "{{ marac_cases.value }}",
        ),
    ),
    # ---- report/<year>/claims.csv -------------------------------------------------------------
    Case(
        "claims-unknown-measure.csv",
        f"{REPORT}/claims.csv",
        line=3,
        marker=",percent,",
        expect=("column 'measure'", "not one the check knows", "found 'percent'"),
    ),
    Case(
        "claims-stated-with-percent.csv",
        f"{REPORT}/claims.csv",
        line=3,
        marker=",4.7%,",
        expect=("column 'stated'", "not a plain number", "found '4.7%'"),
    ),
    Case(
        "claims-unknown-indicator.csv",
        f"{REPORT}/claims.csv",
        line=3,
        marker=",marac_case,",
        expect=("column 'indicator'", "not defined in indicators.yaml", "found marac_case"),
    ),
]

# Used by the several-problems test, not on their own.
MULTI_FILES = {"indicators-three-bad-rows.csv", "population-zero.csv"}


class ReachedNotebooks(Exception):
    """Raised in place of executing the notebooks: validation let the build through."""


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------


def _generate(folder: Path, start: str, end: str) -> Path:
    """A good data folder (police files for ``start``..``end``) with its police data ingested,
    so that copies of it (which keep file times) find the ingest cache current."""
    sample_data.generate(folder / "data", start=start, end=end)
    ingest.ingest_police(DataPaths.from_arg(folder / "data"))
    return folder / "data"


@pytest.fixture(scope="session")
def good_base(tmp_path_factory) -> Path:
    """One month of police data in each compared year (2018-03 for 2017-18, 2018-04 for
    2018-19), plus the committed register, content and population and an expenditure file.
    The months without data are warnings, never errors."""
    return _generate(tmp_path_factory.mktemp("good-base"), "2018-03", "2018-04")


@pytest.fixture(scope="session")
def full_years_base(tmp_path_factory) -> Path:
    """Both compared years complete (2017-04 to 2019-03) except June 2018."""
    data = tmp_path_factory.mktemp("full-years") / "data"
    sample_data.generate(data, start="2017-04", end="2019-03")
    shutil.rmtree(data / "raw" / "police" / "2018-06")
    ingest.ingest_police(DataPaths.from_arg(data))
    return data


@pytest.fixture()
def data_dir(good_base, tmp_path) -> Path:
    """A fresh copy of the good data folder for one test."""
    return _copy(good_base, tmp_path / "data")


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)  # copy2 keeps modification times: the ingest cache stays valid
    return dst


@pytest.fixture()
def no_notebooks(monkeypatch):
    """Stop a build where it would start executing notebooks."""

    def stop(*args, **kwargs):
        raise ReachedNotebooks("validation passed and the build went on to the notebooks")

    monkeypatch.setattr(pipeline.builder, "execute_all", stop)


def _place(case_file: str, data: Path, dest: str) -> Path:
    target = data / "raw" / dest
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BAD / case_file, target)
    return target


def _swp(capsys, *argv: str) -> tuple[int | type[ReachedNotebooks], str, str]:
    """Run ``swp`` in-process; the exit code (or ReachedNotebooks), stdout and stderr."""
    try:
        code: int | type[ReachedNotebooks] = cli.main(list(argv))
    except ReachedNotebooks:
        code = ReachedNotebooks
    out, err = capsys.readouterr()
    return code, out, err


def _build_args(data: Path, reports: Path, *extra: str) -> list[str]:
    return ["build", "--data-dir", str(data), "--reports-dir", str(reports), *extra]


def _problem_lines(err: str) -> list[str]:
    """The problems of a ``swp`` error message, one string each."""
    body = err.split(": ", 1)[1] if err.startswith("swp ") else err
    if " problem found in the input data:" in body or " problems found in the input data:" in body:
        return [line[4:] for line in body.splitlines() if line.startswith("  - ")]
    return [body.strip()]


# --------------------------------------------------------------------------------------------
# the corpus, one test per file
# --------------------------------------------------------------------------------------------


def _params() -> list:
    return [
        pytest.param(
            case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        )
        for case in CASES
    ]


@pytest.mark.parametrize("case", _params())
def test_bad_input(case: Case, data_dir: Path, tmp_path: Path, capsys, no_notebooks):
    _place(case.file, data_dir, case.dest)

    code, out, err = _swp(capsys, *_build_args(data_dir, tmp_path / "reports"))

    assert "Traceback" not in out + err
    expected = list(case.expect) + ([f"line {case.line}"] if case.line else [])
    if case.outcome == ACCEPTED:
        assert code is ReachedNotebooks, f"the build stopped: {err}"
        assert err == ""
        for fragment in expected:
            assert fragment in out, f"{fragment!r} not in the build output:\n{out}"
        return

    assert code == 1, f"the build was not stopped (exit {code}):\n{out}\n{err}"
    assert err.startswith("swp build: ")
    assert "\n\n" not in err.strip(), "the message is more than one paragraph"
    problems = _problem_lines(err)
    assert len(problems) == len(set(problems)), f"a problem is listed twice:\n{err}"
    assert f"raw/{case.dest}" in err, f"the message does not name the file:\n{err}"
    where = f"raw/{case.dest}, line {case.line}" if case.line else f"raw/{case.dest}"
    assert any(where in p for p in problems), f"no problem at {where!r}:\n{err}"
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in the message:\n{err}"


def test_corpus_table_matches_the_files():
    """Every corpus file has a row (or is a several-problems fixture); every ``line`` of the
    table holds the fault's ``marker`` in the file itself; the README lists every file."""
    files = {p.name for p in BAD.iterdir() if p.is_file() and not p.name.startswith(".")}
    files.discard("README.md")
    table = {c.file for c in CASES}
    assert len(table) == len(CASES), "a corpus file has two rows"
    assert files == table | MULTI_FILES
    assert len(files) >= 30
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    assert not [f for f in files if f"`{f}`" not in readme]
    for case in CASES:
        if case.line is None:
            continue
        lines = (BAD / case.file).read_bytes().split(b"\n")
        text = lines[case.line - 1].rstrip(b"\r")
        marker = case.marker if isinstance(case.marker, bytes) else str(case.marker).encode()
        if marker:
            assert marker in text, f"{case.file} line {case.line}: {text!r}"
        else:
            assert text == b"", f"{case.file} line {case.line} is not blank: {text!r}"


def test_police_file_with_a_byte_order_mark_is_read_in_full(data_dir, tmp_path, capsys, no_notebooks):
    """A BOM (Excel's "CSV UTF-8") is stripped: every one of the file's six rows is read."""
    _place("police-utf8-bom.csv", data_dir, P0418)
    code, _, _ = _swp(capsys, *_build_args(data_dir, tmp_path / "reports"))
    assert code is ReachedNotebooks
    rec = ingest.police_reconciliation(DataPaths.from_arg(data_dir)).set_index("month")
    assert rec.loc["2018-04", "rows_read"] == 6
    assert rec.loc["2018-04", "rows_kept"] == 6


# --------------------------------------------------------------------------------------------
# several problems at once, swp validate, --debug
# --------------------------------------------------------------------------------------------


def test_every_problem_is_reported_in_one_run(data_dir, tmp_path, capsys, no_notebooks):
    """Three bad register rows and a bad population row: all four, in one run, by ``swp build``
    and by ``swp validate``, which report the same problems and exit 1."""
    _place("indicators-three-bad-rows.csv", data_dir, "indicators.csv")
    _place("population-zero.csv", data_dir, "population.csv")

    code, out, err = _swp(capsys, *_build_args(data_dir, tmp_path / "reports"))
    assert code == 1
    assert "Traceback" not in out + err
    assert "4 problems found in the input data" in err
    problems = _problem_lines(err)
    expected = [  # (file, line, column, found): the faults as put in the two files
        ("raw/indicators.csv", 3, "value", "found '6858 reports'"),
        ("raw/indicators.csv", 5, "value", "found '-543'"),
        ("raw/indicators.csv", 6, "indicator", "found 'marac_case'"),
        ("raw/population.csv", 5, "population", "found '0'"),
    ]
    assert len(problems) == len(expected)
    for file, line, column, found in expected:
        assert any(f"{file}, line {line}, column '{column}'" in p and found in p for p in problems), (
            f"{file} line {line} not reported:\n{err}"
        )

    code, vout, verr = _swp(capsys, "validate", "--data-dir", str(data_dir))
    assert code == 1
    assert "Traceback" not in vout + verr
    assert verr.startswith("swp validate: 4 problems found in the input data")
    assert _problem_lines(verr) == problems


def test_debug_lets_the_exception_propagate(data_dir, tmp_path, capsys, no_notebooks):
    _place("indicators-unknown-id.csv", data_dir, "indicators.csv")
    with pytest.raises(ValidationFailed) as info:
        cli.main(_build_args(data_dir, tmp_path / "reports", "--debug"))
    assert isinstance(info.value, SwpError)
    assert [(p.row, p.column, p.found) for p in info.value.problems] == [(3, "indicator", "'dv_report'")]


# --------------------------------------------------------------------------------------------
# police months and years missing
# --------------------------------------------------------------------------------------------


def test_missing_month_is_a_warning_not_a_failure(full_years_base, tmp_path, capsys, no_notebooks):
    """June 2018 has no police file: the build goes on and its output names the month."""
    data = _copy(full_years_base, tmp_path / "data")
    code, out, err = _swp(capsys, *_build_args(data, tmp_path / "reports"))
    assert code is ReachedNotebooks, err
    assert err == ""
    coverage = "Wolverhampton, 2018-19: the police data cover 11 of 12 months"
    assert "warning: " in out and coverage in out and "found none for June 2018" in out

    code, vout, verr = _swp(capsys, "validate", "--data-dir", str(data))
    assert code == 0, verr
    assert vout.count(coverage) == 1  # one warning for the area and year, naming the month


def test_a_whole_year_without_police_data_is_a_warning(tmp_path, capsys, no_notebooks):
    """Police files for 2018-04 and 2018-05 only: 2017-18, the year compared with, has none.
    The build goes on and says so (the report says no change can be given), never a traceback."""
    data = tmp_path / "data"
    sample_data.generate(data, start="2018-04", end="2018-05")
    code, out, err = _swp(capsys, *_build_args(data, tmp_path / "reports"))
    assert code is ReachedNotebooks, err
    assert "Traceback" not in out + err
    assert "Wolverhampton, 2017-18: the police data cover 0 of 12 months" in out
    assert "Wolverhampton, 2018-19: the police data cover 2 of 12 months" in out
    assert "found only April to May 2018" in out


@pytest.mark.slow
def test_missing_month_build_succeeds_and_the_report_names_the_month(full_years_base, tmp_path, capsys):
    """The full build: exit 0, the warning in the build output, the month in the HTML's data
    quality section."""
    data = _copy(full_years_base, tmp_path / "data")
    reports = tmp_path / "reports"
    code, out, err = _swp(capsys, *_build_args(data, reports))
    assert code == 0, err
    assert "Traceback" not in out + err
    assert "warning: " in out and "the police data cover 11 of 12 months" in out
    html = (reports / YEAR / "wolverhampton" / "annual-summary.html").read_text(encoding="utf-8")
    # the gap is stated where the year's total appears, not only in an appendix
    summary = html[html.index('id="Recorded-crime"') :]
    assert re.search(r"Wolverhampton recorded [\d,]+ crimes in the months of 2018-19 the police data cover "
                     r"\(11 of 12 months; the missing month is June 2018", summary)  # fmt: skip
    assert "11 of 12 months; the missing month is June 2018" in html[: html.index('id="Key"')]
