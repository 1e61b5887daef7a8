"""``swp init`` followed the way the lead's guide does it, on real police.uk files.

A Carlisle folder is set up, the two real Cumbria street files (November 2016 and November
2017, ../shared/data/real/police-uk-street-cumbria) are copied in in police.uk's layout, and
``swp validate`` runs on it with no --year or --area: both come from the content init wrote.
"""

from __future__ import annotations

import shutil

import pytest

from swp_analysis import cli

pytestmark = pytest.mark.real_data

MONTHS = ("2016-11", "2017-11")


@pytest.fixture()
def carlisle(tmp_path, real_data):
    assert (
        cli.main(
            [
                "init",
                "--data-dir",
                str(tmp_path),
                "--area",
                "Carlisle",
                "--police-force",
                "cumbria",
                "--year",
                "2017-18",
            ]
        )
        == 0
    )
    for month in MONTHS:
        folder = tmp_path / "raw" / "police" / month
        folder.mkdir()
        shutil.copy(real_data / "police-uk-street-cumbria" / f"{month}-cumbria-street.csv", folder)
    return tmp_path


def test_validate_names_the_population_a_former_district_needs(carlisle, capsys):
    capsys.readouterr()
    # a missing population is a warning: the rates read "not available", never nan
    assert cli.main(["validate", "--data-dir", str(carlisle)]) == 0
    out = capsys.readouterr().out
    assert "No population for Carlisle in mid-2016, needed for 2016-17." in out
    assert "No population for Carlisle in mid-2017, needed for 2017-18." in out
    assert out.count("Rates per 1,000 residents will read \u201cnot available\u201d") == 2


def test_validate_passes_once_the_lead_adds_the_population(carlisle, capsys):
    # test values, not ONS figures: the shipped 2023-boundary table has none for Carlisle
    with open(carlisle / "raw" / "population.csv", "a", encoding="utf-8") as handle:
        handle.write("Carlisle,2016,100000,test value\nCarlisle,2017,100000,test value\n")
    capsys.readouterr()
    assert cli.main(["validate", "--data-dir", str(carlisle)]) == 0
    out = capsys.readouterr().out.splitlines()
    # one coverage warning for each of the two years (1 of 12 months each), and the empty
    # register's
    assert out[-1] == "valid: no errors, 3 warning(s)"
    assert sum("the police data cover 1 of 12 months" in line for line in out) == 2
    assert sum("The register has no figures for Carlisle" in line for line in out) == 1
