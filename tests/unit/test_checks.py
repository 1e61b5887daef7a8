"""``swp validate``: what it warns about and refuses, on copies of the bundled sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from swp_analysis import checks, cli
from swp_analysis.content import new_year, resolve
from swp_analysis.errors import ValidationFailed
from swp_analysis.paths import DataPaths


@pytest.fixture()
def data(sample_dir, tmp_path) -> Path:
    """A copy of the sample whose police folder is the sample's own (linked, not copied)."""
    folder = tmp_path / "data"
    shutil.copytree(sample_dir / "raw", folder / "raw", ignore=shutil.ignore_patterns("police"))
    (folder / "raw" / "police").symlink_to(sample_dir / "raw" / "police")
    return folder


def test_after_new_year_the_defaults_follow_the_content(data, capsys):
    paths = DataPaths.from_arg(data)
    assert resolve(paths) == ("2018-19", "Wolverhampton")
    new_year(paths, "2018-19", "2019-20")
    assert resolve(paths) == ("2019-20", "Wolverhampton")
    assert cli.main(["validate", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    # one coverage warning for the year with no police file at all, naming the area and year
    assert out.count("Wolverhampton, 2019-20: the police data cover 0 of 12 months") == 1
    # sentences that will fall back are listed, with what the report will say instead
    assert (
        "the report will say: \u201cThe figure for hate crimes recorded was not supplied for 2019-20.\u201d"
        in out
    )


def test_a_year_with_one_month_missing_is_one_warning(data, sample_dir):
    link = data / "raw" / "police"
    link.unlink()
    shutil.copytree(sample_dir / "raw" / "police", link, ignore=shutil.ignore_patterns("2018-07*"))
    warnings = checks.validate(DataPaths.from_arg(data), "2018-19", "Wolverhampton")
    coverage = [str(w) for w in warnings if str(w).startswith(f"{link}: ")]
    assert coverage == [
        f"{link}: Wolverhampton, 2018-19: the police data cover 11 of 12 months, so the report says so "
        "wherever its figures appear, and compares it only with the same months. Expected street "
        "files for April 2018 to March 2019; found none for July 2018."
    ]


def test_an_indicator_may_not_name_its_objective(data):
    yaml_file = data / "raw" / "indicators.yaml"
    text = yaml_file.read_text().replace(
        "  - id: drug_tests\n", "  - id: drug_tests\n    objective: nope\n", 1
    )
    yaml_file.write_text(text)
    with pytest.raises(ValidationFailed) as info:
        checks.validate(DataPaths.from_arg(data), "2018-19", "Wolverhampton", read_police=False)
    assert any("written once, in report/<year>/report.yaml" in str(p) for p in info.value.problems)


def test_a_missing_population_is_a_warning_not_an_error(data):
    pop = data / "raw" / "population.csv"
    pop.write_text(
        "".join(ln for ln in pop.read_text().splitlines(True) if not ln.startswith("Wolverhampton,2018"))
    )
    warnings = checks.validate(DataPaths.from_arg(data), "2018-19", "Wolverhampton", read_police=False)
    assert any(
        "No population for Wolverhampton in mid-2018" in str(w) and "not available" in str(w)
        for w in warnings
    )
