"""``swp init`` and the reference tables it reads.

The tables' expected figures are read from the ONS compilation itself (``regionalpopulation.csv``
in ../shared/data/real, parsed here with the csv module, independently of the library), and
the two stated in its PROVENANCE.md (Wolverhampton mid-2017 260,648; mid-2018 262,474) are
written down as well.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from swp_analysis import checks, cli
from swp_analysis.content import load_content
from swp_analysis.errors import InputError
from swp_analysis.init import (
    AUTHORITIES_FILE,
    POPULATION_FILE,
    TEMPLATE,
    init,
    latest_ended_year,
    read_authorities,
)
from swp_analysis.paths import DataPaths
from swp_analysis.sources.forces import packaged_forces
from swp_analysis.sources.register import load_register
from swp_analysis.sources.tables import read_population

ROOT = Path(__file__).resolve().parents[2]
FORCES = packaged_forces()
WEST_MIDLANDS = FORCES["west-midlands"].authorities


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------------------------
# the shipped tables
# --------------------------------------------------------------------------------------------


def test_authorities_table_covers_the_43_forces_once_each_name():
    authorities = read_authorities()
    names = [a.authority for a in authorities]
    assert len(names) == len(set(names)) == 361  # 318 current districts, 43 former
    assert len({a.force_id for a in authorities}) == 43
    assert sum(a.status == "current" for a in authorities) == 318
    assert {a.status for a in authorities} == {"current", "former"}
    assert all(a.ended for a in authorities if a.status == "former")
    assert not any(a.ended for a in authorities if a.status == "current")


@pytest.mark.parametrize("force", sorted(FORCES))
def test_authorities_agree_with_the_packaged_force_table(force):
    authorities = read_authorities()
    assert {a.authority for a in authorities if a.force_id == force} == set(FORCES[force].authorities)
    assert {a.force_name for a in authorities if a.force_id == force} == {FORCES[force].name}


def test_former_cumbrian_districts_and_their_successors():
    by_name = {a.authority: a for a in read_authorities()}
    carlisle = by_name["Carlisle"]
    assert (carlisle.lad_code, carlisle.status, carlisle.ended, carlisle.successor) == (
        "E07000028",
        "former",
        "2023",
        "Cumberland",
    )
    assert by_name["Cumberland"].status == "current"
    # police.uk's 2011 LSOA names carry "Bristol 001A", ONS calls the district "Bristol, City of"
    assert (by_name["Bristol"].lad_name, by_name["Bristol"].force_id) == (
        "Bristol, City of",
        "avon-and-somerset",
    )
    assert by_name["City of London"].force_id == "city-of-london"
    assert by_name["Powys"].force_id == "dyfed-powys"


def test_population_table_reads_with_the_project_reader_and_is_small():
    population = read_population(POPULATION_FILE)
    assert len(population) == 4147  # 319 authorities with an estimate x 13 mid-years
    assert (population["year"].min(), population["year"].max()) == (2011, 2023)
    assert POPULATION_FILE.stat().st_size < 400_000
    assert AUTHORITIES_FILE.stat().st_size < 50_000
    known = {a.authority for a in read_authorities()}
    assert set(population["area"]) <= known
    assert "Carlisle" not in set(population["area"])  # a former district: none on 2023 boundaries


@pytest.mark.real_data
def test_west_midlands_population_matches_the_ons_compilation(real_data):
    """Every West Midlands authority, mid-2017 and mid-2018, against the source file itself."""
    source = real_data / "ons-pfa-crime-and-population" / "regionalpopulation.csv"
    with open(source, newline="", encoding="utf-8-sig") as handle:
        ons = {row["Name"]: row for row in csv.DictReader(handle)}
    shipped = {(r["area"], r["year"]): int(r["population"]) for r in _rows(POPULATION_FILE)}
    for area in WEST_MIDLANDS:
        for year in ("2017", "2018"):
            assert shipped[(area, year)] == int(float(ons[area][f"Mid-{year}"])), (area, year)
    assert shipped[("Wolverhampton", "2017")] == 260_648  # PROVENANCE.md, section 2b
    assert shipped[("Wolverhampton", "2018")] == 262_474


@pytest.mark.real_data
def test_the_derivation_reproduces_the_shipped_tables(real_data):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "derive_reference_tables.py"),
            "--check",
            "--real-data",
            str(real_data),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "the shipped tables are what the derivation gives" in done.stdout


# --------------------------------------------------------------------------------------------
# init: folders that validate
# --------------------------------------------------------------------------------------------


def test_init_west_midlands_authority_validates(tmp_path):
    result = init(tmp_path, "Wolverhampton", "west-midlands", "2018-19")
    paths = DataPaths(tmp_path.resolve())
    warnings = checks.validate(paths, "2018-19", "Wolverhampton", read_police=False)
    # the only warning: a register with no figures yet
    assert [w.message.split(":")[0] for w in warnings] == ["The register has no figures for Wolverhampton"]
    content = load_content(paths, "2018-19")
    assert content.partnership.name == "Wolverhampton Community Safety Partnership"
    assert content.area == "Wolverhampton"
    assert [p.id for p in content.priorities] == ["community_safety"]
    assert content.objectives() == []
    assert [r.label for r in content.key] == [
        "Complete",
        "On target for delivery",
        "More work needed to meet objectives",
        "Not on track for delivery",
    ]
    assert load_register(paths).definitions == {}
    population = read_population(paths.population)
    assert sorted(set(population["area"])) == sorted(WEST_MIDLANDS)
    assert len(population) == 7 * 13
    assert result.notes == []
    assert paths.police.is_dir() and not any(paths.police.iterdir())
    assert all(p.is_relative_to(paths.raw) for p in result.written)


def test_init_cumbria_current_authority_validates(tmp_path):
    init(tmp_path, "Cumberland", "cumbria", "2023-24")
    paths = DataPaths(tmp_path.resolve())
    warnings = checks.validate(paths, "2023-24", "Cumberland", read_police=False)
    assert len(warnings) == 1
    population = read_population(paths.population)
    assert sorted(set(population["area"])) == ["Cumberland", "Westmorland and Furness"]


def test_init_former_district_names_the_missing_population(tmp_path):
    result = init(tmp_path, "Carlisle", "cumbria", "2017-18")
    paths = DataPaths(tmp_path.resolve())
    notes = " ".join(result.notes)
    assert "former district" in notes and "Cumberland" in notes
    assert "no estimate for Carlisle" in notes and "mid-2016 and mid-2017" in notes
    assert "Allerdale, Barrow-in-Furness, Copeland, Eden, South Lakeland" in notes
    # a missing population is a warning (rates read "not available"), never a nan
    warnings = checks.validate(paths, "2017-18", "Carlisle", read_police=False)
    population = [p.message for p in warnings if "population" in p.message.lower()]
    assert [m.split(" Rates")[0] for m in population] == [
        "No population for Carlisle in mid-2016, needed for 2016-17.",
        "No population for Carlisle in mid-2017, needed for 2017-18.",
    ]
    assert result.next_steps[0] == (
        f"swp fetch-police --police-force cumbria --from 2016-04 --to 2018-03 --data-dir {paths.data_dir}"
    )


def test_area_with_a_comma_is_quoted_in_report_yaml(tmp_path):
    init(tmp_path, "Bournemouth, Christchurch and Poole", "dorset", "2023-24")
    paths = DataPaths(tmp_path.resolve())
    data = yaml.safe_load((paths.report_dir("2023-24") / "report.yaml").read_text(encoding="utf-8"))
    assert data["partnership"]["area"] == "Bournemouth, Christchurch and Poole"
    assert (
        data["title"]
        == "Bournemouth, Christchurch and Poole Community Safety Partnership Annual Report 2023-2024"
    )
    checks.validate(paths, "2023-24", "Bournemouth, Christchurch and Poole", read_police=False)
    for path in paths.raw.rglob("*"):
        if path.is_file():
            assert "${" not in path.read_text(encoding="utf-8"), path


def test_ons_name_and_any_case_are_accepted(tmp_path):
    result = init(tmp_path, "bristol, city of", "Avon-and-Somerset", "2022-23")
    assert result.authority.authority == "Bristol"
    assert result.notes[0].startswith("'bristol, city of' is Bristol in police.uk's LSOA names")
    content = load_content(DataPaths(tmp_path.resolve()), "2022-23")
    assert content.area == "Bristol"


def test_default_year_is_the_latest_that_has_ended(tmp_path):
    assert latest_ended_year(date(2019, 3, 31)) == "2017-18"
    assert latest_ended_year(date(2019, 4, 1)) == "2018-19"
    assert latest_ended_year(date(2020, 12, 31)) == "2019-20"
    result = init(tmp_path, "Walsall", "west-midlands")
    assert result.year == latest_ended_year()
    assert (tmp_path / "raw" / "report" / result.year / "report.yaml").is_file()


# --------------------------------------------------------------------------------------------
# init: refusals (nothing written)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "area, force, year, flag, words",
    [
        ("Wolverhamton", "west-midlands", "2018-19", "--area", "such as Wolverhampton"),
        ("Atlantis", "west-midlands", "2018-19", "--area", "authorities.csv"),
        ("Walsall", "west-midland", "2018-19", "--police-force", "such as west-midlands"),
        ("Walsall", "cumbria", "2018-19", "--area", "Walsall is not policed by Cumbria Constabulary"),
        ("Walsall", "west-midlands", "2018-2019", "--year", "a label such as 2018-19"),
    ],
)
def test_refusals_name_what_was_given(tmp_path, area, force, year, flag, words):
    with pytest.raises(InputError) as info:
        init(tmp_path / "new", area, force, year)
    message = str(info.value)
    assert message.startswith(f"{flag}: ") and words in message and "\n" not in message
    assert not (tmp_path / "new").exists()


def test_area_not_in_force_lists_the_force_authorities(tmp_path):
    with pytest.raises(InputError) as info:
        init(tmp_path, "Walsall", "cumbria", "2018-19")
    assert info.value.problem.expected == (
        "an authority of cumbria: Allerdale, Barrow-in-Furness, Carlisle, Copeland, Cumberland, Eden, "
        "South Lakeland, Westmorland and Furness"
    )
    assert info.value.problem.found == "Walsall, policed by West Midlands Police (west-midlands)"


def test_existing_files_are_never_overwritten(tmp_path):
    mine = tmp_path / "raw" / "indicators.csv"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own register\n")
    with pytest.raises(InputError) as info:
        init(tmp_path, "Walsall", "west-midlands", "2018-19")
    assert info.value.problem.file == mine
    assert "never overwrites" in str(info.value)
    assert mine.read_text() == "my own register\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["indicators.csv", "raw"]  # nothing else written


def test_a_second_init_into_the_same_folder_is_refused(tmp_path):
    init(tmp_path, "Walsall", "west-midlands", "2018-19")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(InputError, match="never overwrites"):
        init(tmp_path, "Dudley", "west-midlands", "2018-19")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


# --------------------------------------------------------------------------------------------
# the command line
# --------------------------------------------------------------------------------------------


def test_cli_init_prints_what_it_wrote_and_the_next_step(tmp_path, capsys):
    code = cli.main(
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
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == f"set up {tmp_path.resolve()} for Carlisle (Cumbria Constabulary), report year 2017-18:"
    assert "  wrote raw/report/2017-18/report.yaml" in out
    assert "  made  raw/police/ (empty)" in out
    fetch = "  swp fetch-police --police-force cumbria --from 2016-04 --to 2018-03 --data-dir "
    assert fetch + str(tmp_path.resolve()) in out


def test_cli_init_refusal_is_one_line(tmp_path, capsys):
    code = cli.main(["init", "--data-dir", str(tmp_path), "--area", "Carlise", "--police-force", "cumbria"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert (
        err.startswith("swp init: --area: 'Carlise' is not a local authority") and "such as Carlisle" in err
    )


@pytest.mark.parametrize("flag", ["--police-force", "--force"])
def test_fetch_police_takes_police_force_and_the_old_force_flag(flag):
    args = cli.build_parser().parse_args(
        ["fetch-police", flag, "cumbria", "--from", "2016-11", "--to", "2017-11"]
    )
    assert (args.force, args.start, args.end) == ("cumbria", "2016-11", "2017-11")
    assert args.func is cli.cmd_fetch_police


def test_templates_are_data_files():
    files = sorted(p.relative_to(TEMPLATE).as_posix() for p in TEMPLATE.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "indicators.csv",
        "indicators.yaml",
        "report/commissioning.md",
        "report/introduction.md",
        "report/moving-forward.md",
        "report/partnership.md",
        "report/report.yaml",
    ]
