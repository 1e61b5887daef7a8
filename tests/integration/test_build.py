"""End-to-end: `swp build` on the bundled sample gives the board's HTML with every section."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import count_crimes_by_type

from swp_analysis import pipeline

pytestmark = pytest.mark.slow

# The reference report's sections (its contents page and headings), as our HTML names them.
REFERENCE_SECTIONS = [
    "Main points",
    "Key",
    "Introduction by the Chair",
    "The Partnership",
    "How we commission",
    "Community Safety and Harm Reduction Strategy 2017-2020",
    "Strategic Priority: Reducing Reoffending",
    "Strategic Priority: Reducing Victimisation",
    "Strategic Priority: Violence Prevention",
    "Strategic Priority: Statutory Functions",
    "Recorded crime",
    "Moving Forward",
    "Year 3 delivery",
    "Appendix A: Breakdown of Expenditure",
    "Appendix B: Board Membership",
    "Appendix C: Glossary of Terms",
    "About the data",
]
# The audit trail is in the technical annex beside the board's report.
ANNEX_SECTIONS = [
    "Data Quality and Methods",
    "Delivery ratings and the evidence beside them",
    "Recorded crime in more detail",
    "Figures Checked",
]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self._in, self._buf = tag, []

    def handle_endtag(self, tag):
        if tag == self._in:
            self.headings.append((tag, "".join(self._buf).strip()))
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)


def _parse(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    return p


def test_build_writes_html_with_every_reference_section(built):
    result, reports, _ = built
    assert result.html == reports / "2018-19" / "wolverhampton" / "annual-summary.html"
    html = result.html.read_text(encoding="utf-8")
    texts = [t for _, t in _parse(html).headings]
    for section in REFERENCE_SECTIONS:
        assert section in texts, f"missing section heading {section!r}"
    annex = [t for _, t in _parse(result.annex.read_text(encoding="utf-8")).headings]
    for section in ANNEX_SECTIONS:
        assert section in annex, f"missing annex heading {section!r}"
        assert section not in texts, f"{section!r} belongs in the annex, not the board's report"
    assert texts.index("Main points") < texts.index("Key") < texts.index("Introduction by the Chair")


def test_html_has_no_code_no_prompts_and_one_h1(built):
    result, _, _ = built
    html = result.html.read_text(encoding="utf-8")
    parsed = _parse(html)
    assert [h for h in parsed.headings if h[0] == "h1"].__len__() == 1
    body = html[html.index("<body") :]
    assert 'class="jp-InputArea-editor' not in body and 'class="highlight' not in body
    assert "In&nbsp;[" not in body and "Out[" not in body
    assert "report.load(" not in body and "import " not in body
    assert "<script" not in html.lower()


def test_executed_notebooks_are_kept(built):
    result, reports, _ = built
    kept = sorted(p.name for p in (result.html.parent / "notebooks").glob("*.ipynb"))
    assert kept == sorted(f"{s.name}.ipynb" for s in pipeline.NOTEBOOKS)


def _register(sample_dir: Path) -> dict[tuple[str, str], float]:
    with open(sample_dir / "raw" / "indicators.csv", newline="", encoding="utf-8") as f:
        return {
            (r["indicator"], r["period"]): float(r["value"])
            for r in csv.DictReader(f)
            if r["area"] == "Wolverhampton"
        }


def _outputs_text(nb_path: Path) -> str:
    nb = nbformat.read(str(nb_path), as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append(str(data.get("text/html", "")) + str(data.get("text/plain", "")))
    return "\n".join(parts)


def test_victimisation_notebook_shows_domestic_abuse_change_recomputed(built, sample_dir):
    result, _, _ = built
    reg = _register(sample_dir)
    before, now = reg[("dv_reports", "2017-18")], reg[("dv_reports", "2018-19")]
    pct = 100 * (now - before) / before  # worked here from the raw register: 7.8%
    text = _outputs_text(result.html.parent / "notebooks" / "20_reducing_victimisation.ipynb")
    assert f"{pct:.1f}%" in text
    assert f"{now:,.0f}" in text and f"{before:,.0f}" in text
    m_before, m_now = reg[("marac_cases", "2017-18")], reg[("marac_cases", "2018-19")]
    assert f"{100 * (m_now - m_before) / m_before:.1f}%" in text


def test_reoffending_notebook_shows_drug_tests_and_crime_total(built, sample_dir):
    result, _, _ = built
    reg = _register(sample_dir)
    text = _outputs_text(result.html.parent / "notebooks" / "10_reducing_reoffending.ipynb")
    assert f"{reg[('drug_tests_positive', '2018-19')]:.1%}" in text  # 74.3%
    total = sum(count_crimes_by_type(sample_dir).values())  # counted with the csv module
    assert f"{total:,}" in text


def test_manifest_records_inputs_parameters_and_versions(built):
    result, _, _ = built
    manifest = json.loads(result.manifest.read_text())
    assert manifest["parameters"]["year"] == "2018-19"
    assert manifest["parameters"]["area"] == "Wolverhampton"
    assert "indicators.csv" in manifest["inputs"]
    assert manifest["versions"]["papermill"] != "not installed"
    assert manifest["police"]["files"], "police reconciliation missing"


def test_second_build_executes_nothing(built, sample_dir):
    _, reports, _ = built
    lines: list[str] = []
    again = pipeline.build("2018-19", "Wolverhampton", sample_dir, reports, say=lines.append)
    assert all(e.cached for e in again.executed), lines


def test_cli_build_runs_in_fresh_interpreter(built, sample_dir, tmp_path):
    """The console entry point works end to end (reusing the notebook cache of the session)."""
    _, reports, _ = built
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "swp_analysis.cli",
            "build",
            "--data-dir",
            str(sample_dir),
            "--reports-dir",
            str(reports),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert "annual-summary.html" in out.stdout


def test_violence_and_statutory_notebooks_show_register_figures(built, sample_dir):
    result, _, _ = built
    reg = _register(sample_dir)
    nbs = result.html.parent / "notebooks"
    vp = _outputs_text(nbs / "30_violence_prevention.ipynb")
    for key in (
        "music_project_sessions",
        "music_project_hours",
        "peer_mentoring_schools",
        "violent_offender_orders",
    ):
        assert f"{reg[(key, '2018-19')]:,.0f}" in vp, key
    assert "Not on track for delivery" in vp  # the perpetrator programme's red rating
    sf = _outputs_text(nbs / "40_statutory_functions.ipynb")
    for key in ("pact_meetings", "facebook_reach", "twitter_followers", "tweets"):
        assert f"{reg[(key, '2018-19')]:,.0f}" in sf, key
    before = reg[("wednesfield_begging_before", "2018-19")]
    after = reg[("wednesfield_begging_after", "2018-19")]
    assert f"from {before:.0f} to {after:.0f}" in sf


def test_summary_notebook_totals_expenditure_and_checks_claims(built, sample_dir):
    result, _, _ = built
    with open(sample_dir / "raw" / "expenditure.csv", newline="", encoding="utf-8") as f:
        total = sum(float(r["amount_gbp"]) for r in csv.DictReader(f) if r["fiscal_year"] == "2018-19")
    text = _outputs_text(result.html.parent / "notebooks" / "90_annual_summary.ipynb")
    assert f"total £{total:,.0f}" in text
    # the reference report's domestic-abuse slip: stated 4.7%, its footnote's figures give 7.8%
    reg = _register(sample_dir)
    pct = 100 * (reg[("dv_reports", "2018-19")] / reg[("dv_reports", "2017-18")] - 1)
    assert "dv_change" in text and f"{pct:.1f}%" in text


def test_data_quality_notebook_reconciles_every_row(built, sample_dir):
    result, _, _ = built
    rows = 0
    for f in (sample_dir / "raw" / "police").glob("*/*.csv"):
        with open(f, newline="", encoding="utf-8") as fh:
            rows += sum(1 for _ in csv.reader(fh)) - 1  # minus the header
    text = _outputs_text(result.html.parent / "notebooks" / "00_data_quality.ipynb")
    assert f"{rows:,} police records were read" in text


def test_notebook_runs_on_its_defaults_from_any_folder(sample_dir, tmp_path, monkeypatch):
    """As an analyst runs it: no parameters injected, started from another folder."""
    import papermill as pm

    monkeypatch.setenv("SWP_DATA_DIR", str(sample_dir))
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(
        str(pipeline.notebooks_dir() / "40_statutory_functions.ipynb"),
        str(out),
        kernel_name="python3",
        language="python",
        progress_bar=False,
        cwd=str(tmp_path),
        kernel_manager_class=pipeline.interpreter_kernel_manager(),
    )
    assert "PACT" in _outputs_text(out)


def test_cache_keeps_at_most_the_limit_and_never_this_builds(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    for i in range(10):
        p = cache / f"k{i}.ipynb"
        p.write_text("{}")
        os.utime(p, (1000 + i, 1000 + i))  # k9 newest, k0 oldest
    pipeline.prune_cache(cache, keep={"k0"}, limit=3)
    assert sorted(p.stem for p in cache.glob("*.ipynb")) == ["k0", "k7", "k8", "k9"]


def test_editing_one_notebook_reexecutes_only_that_notebook(built, sample_dir, tmp_path):
    _, reports, _ = built
    notebooks = tmp_path / "notebooks"
    shutil.copytree(pipeline.notebooks_dir(), notebooks)
    path = notebooks / "40_statutory_functions.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("An analyst's extra note."))
    nbformat.write(nb, str(path))
    private = tmp_path / "reports"  # the session's cache, but not its published report
    shutil.copytree(reports / ".cache", private / ".cache")
    result = pipeline.build(
        "2018-19", "Wolverhampton", sample_dir, private, notebooks=notebooks, say=lambda _m: None
    )
    executed = [e.name for e in result.executed if not e.cached]
    assert executed == ["40_statutory_functions"]
    assert (
        "An analyst&#39;s extra note." in result.html.read_text()
        or "An analyst's extra note." in result.html.read_text()
    )
