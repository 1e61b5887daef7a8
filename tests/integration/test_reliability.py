"""A failed build loses nothing, raw data is never written, outputs are reproducible, and the
board's HTML carries nothing identifying and no markup from inputs."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from swp_analysis import pipeline
from swp_analysis.errors import BuildFailed, SwpError

pytestmark = pytest.mark.slow

FIXED_TIME = dt.datetime(2019, 6, 30, 12, 0, tzinfo=dt.UTC)
PAYLOADS = ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>"]


def _snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            st = p.stat()
            out[str(p.relative_to(folder))] = (
                st.st_size,
                st.st_mtime_ns,
                hashlib.sha256(p.read_bytes()).hexdigest(),
            )
    return out


def _copy_data(src: Path, dst: Path, link_police: bool = True) -> Path:
    """A private data folder: raw inputs copied (police files hard-linked to save time)."""
    (dst / "raw").mkdir(parents=True)
    for item in (src / "raw").iterdir():
        if item.name == "police" and link_police:
            shutil.copytree(item, dst / "raw" / "police", copy_function=os.link)
        elif item.is_dir():
            shutil.copytree(item, dst / "raw" / item.name)
        else:
            shutil.copy2(item, dst / "raw" / item.name)
    return dst


def test_failing_notebook_leaves_previous_report_byte_for_byte(built, sample_dir, tmp_path):
    result, reports, _ = built
    before = result.html.read_bytes()
    notebooks = tmp_path / "notebooks"
    shutil.copytree(pipeline.notebooks_dir(), notebooks)
    path = notebooks / "30_violence_prevention.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise ValueError('deliberate failure')"))  # 4th
    nbformat.write(nb, str(path))

    with pytest.raises(BuildFailed) as failure:
        pipeline.build(
            "2018-19", "Wolverhampton", sample_dir, reports, notebooks=notebooks, say=lambda _m: None
        )

    message = str(failure.value)
    assert "30_violence_prevention" in message
    assert "cell 4 " in message and "ValueError: deliberate failure" in message
    kept = result.html.parent / "failed" / "30_violence_prevention.ipynb"
    assert str(kept) in message and kept.is_file()
    assert result.html.read_bytes() == before


def test_build_never_writes_raw_data(built, sample_dir):
    raw = sample_dir / "raw"
    before = _snapshot(raw)
    modes = {p: p.stat().st_mode for p in [raw, *raw.rglob("*")]}
    try:
        for p in modes:
            p.chmod(p.stat().st_mode & ~0o222)  # read-only (binding for non-root users)
        _, reports, _ = built
        pipeline.build("2018-19", "Wolverhampton", sample_dir, reports, force=True, say=lambda _m: None)
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
    # root ignores permission bits, so also prove nothing changed or appeared
    assert _snapshot(raw) == before


def test_two_builds_give_identical_html_apart_from_build_time(sample_dir, tmp_path):
    a = pipeline.build(
        "2018-19",
        "Wolverhampton",
        sample_dir,
        tmp_path / "a",
        force=True,
        build_time=FIXED_TIME,
        say=lambda _m: None,
    )
    b = pipeline.build(
        "2018-19",
        "Wolverhampton",
        sample_dir,
        tmp_path / "b",
        force=True,
        build_time=FIXED_TIME,
        say=lambda _m: None,
    )
    assert a.html.read_bytes() == b.html.read_bytes()
    later = pipeline.build(
        "2018-19",
        "Wolverhampton",
        sample_dir,
        tmp_path / "c",
        force=True,
        build_time=FIXED_TIME + dt.timedelta(days=1),
        say=lambda _m: None,
    )
    strip = lambda t: re.sub(r"(2019-0[67]-\d\dT[\d:]+\+00:00|\d\d (June|July) 2019)", "T", t)  # noqa: E731
    assert strip(a.html.read_text()) == strip(later.html.read_text())


def _text_without_images(html: str) -> str:
    return re.sub(r'(src|srcset)="data:[^"]+"', r'\1=""', html)


def test_html_reveals_no_crime_ids_coordinates_or_records(built, sample_dir):
    result, _, _ = built
    board = _text_without_images(result.html.read_text())
    annex = _text_without_images(result.annex.read_text())
    crime_ids = set()
    for f in (sample_dir / "raw" / "police").glob("*/*.csv"):
        with open(f, encoding="utf-8") as fh:
            crime_ids.update(line[:64] for line in fh if line[:1] != ",")
    assert not re.findall(r"\b[0-9a-f]{64}\b", board), "the board's report holds no hash"
    hex64 = set(re.findall(r"\b[0-9a-f]{64}\b", annex))  # the inputs' sha256 are listed
    assert hex64, "the annex's sources table should list each input's sha256"
    assert not hex64 & crime_ids, "a Crime ID is in the annex"
    for html in (board, annex):
        assert not re.search(r"-?\b\d{1,3}\.\d{5,}\b", html), "a coordinate is in the report"
        assert "On or near" not in html, "a record-level location is in the report"
        assert "E0100" not in html, "an LSOA code is in the report"


def test_payloads_in_inputs_cannot_run_in_the_report(sample_dir, tmp_path):
    data = _copy_data(sample_dir, tmp_path / "data")
    report_dir = data / "raw" / "report" / "2018-19"
    yaml_path = report_dir / "report.yaml"
    text = yaml_path.read_text()
    text = text.replace("strapline: A Safe City", f"strapline: 'A Safe City {PAYLOADS[0]}'")
    text = text.replace("- Business sector", f"- 'Business sector {PAYLOADS[1]}'")
    text = text.replace(
        "{term: CPN, meaning: Community Protection Notice}",
        f"{{term: CPN, meaning: 'Community Protection Notice {PAYLOADS[0]}'}}",
    )
    yaml_path.write_text(text)
    for md in report_dir.glob("*.md"):
        md.write_text(md.read_text() + f"\n\n{PAYLOADS[0]} {PAYLOADS[1]}\n")
    register = data / "raw" / "indicators.csv"
    lines = register.read_text().splitlines()
    lines[1] = lines[1] + '"<img src=x onerror=alert(1)>"' if lines[1].endswith(",") else lines[1]
    register.write_text("\n".join(lines) + "\n")

    result = pipeline.build("2018-19", "Wolverhampton", data, tmp_path / "reports", say=lambda _m: None)
    html = result.html.read_text()
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]+\sonerror\s*=", html, re.I)
    assert "&lt;script&gt;" in html  # shown as text, not dropped silently


CORRUPTIONS = [
    (
        "indicators.csv",
        lambda t: t.replace(
            "dv_reports,Wolverhampton,2018-19,6858", "dv_reports,Wolverhampton,2018-19,-6858"
        ),
    ),
    ("indicators.csv", lambda t: t.replace("marac_cases,", "marac_casez,", 1)),
    ("indicators.yaml", lambda t: t.replace("indicators:", "indicators: [", 1)),
    ("population.csv", lambda t: re.sub(r"Wolverhampton,2018,\d+", "Wolverhampton,2018,0", t)),
    (
        "report/2018-19/report.yaml",
        lambda t: t.replace("rating: On target for delivery", "rating: Sort of fine", 1),
    ),
    ("report/2018-19/rv-hate-crime.md", lambda t: t + "\n{{ hate_crimes.nonsense }}\n"),
    (
        "police/2018-06/2018-06-west-midlands-street.csv",
        lambda t: t.replace("Crime ID,Month", "Crime Id,Month", 1),
    ),
    ("police/2018-07/2018-07-west-midlands-street.csv", lambda t: t[: len(t) // 2]),
    (
        "police/2018-08/2018-08-west-midlands-street.csv",
        lambda t: t.replace("\n", "\nextra,field,row,with,too,many,fields,,,,,,,\n", 1),
    ),
]


def test_soak_corruptions_interleaved_with_good_builds(sample_dir, tmp_path):
    data = _copy_data(sample_dir, tmp_path / "data", link_police=False)
    reports = tmp_path / "reports"
    good = pipeline.build(
        "2018-19", "Wolverhampton", data, reports, build_time=FIXED_TIME, say=lambda _m: None
    )
    good_html = good.html.read_bytes()
    rng = random.Random(20190331)
    outcomes = []
    for i in range(20):
        if i % 2 == 1:
            name, corrupt = rng.choice(CORRUPTIONS)
            path = data / "raw" / name
            original = path.read_bytes()
            path.write_text(corrupt(original.decode("utf-8")), encoding="utf-8")
            try:
                with pytest.raises(SwpError):
                    pipeline.build(
                        "2018-19", "Wolverhampton", data, reports, build_time=FIXED_TIME, say=lambda _m: None
                    )
            finally:
                path.write_bytes(original)
            outcomes.append(("bad", name))
        else:
            result = pipeline.build(
                "2018-19", "Wolverhampton", data, reports, build_time=FIXED_TIME, say=lambda _m: None
            )
            outcomes.append(("good", result.up_to_date))
        assert good.html.read_bytes() == good_html, outcomes
    assert sum(1 for o in outcomes if o[0] == "bad") == 10
