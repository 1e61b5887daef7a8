"""The synthetic sample: real published format, realistic volumes, byte-identical on rerun."""

from __future__ import annotations

import csv
import hashlib
import re

from swp_analysis import sample_data

HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
POLICE_UK_TYPES = {
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
}


def _digest(folder):
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_same_seed_gives_byte_identical_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        sample_data.generate(folder, start="2018-04", end="2018-05")
    assert _digest(a / "raw" / "police") == _digest(b / "raw" / "police")
    assert (a / "raw" / "expenditure.csv").read_bytes() == (b / "raw" / "expenditure.csv").read_bytes()


def test_another_seed_gives_other_records(tmp_path):
    sample_data.generate(tmp_path / "a", start="2018-04", end="2018-04", seed=1)
    sample_data.generate(tmp_path / "b", start="2018-04", end="2018-04", seed=2)
    assert _digest(tmp_path / "a" / "raw" / "police") != _digest(tmp_path / "b" / "raw" / "police")


def test_police_files_follow_the_published_format(sample_dir):
    files = sorted((sample_dir / "raw" / "police").glob("*/*.csv"))
    assert len(files) == 36  # April 2016 to March 2019
    assert files[0].name == "2016-04-west-midlands-street.csv"
    path = sample_dir / "raw" / "police" / "2018-06" / "2018-06-west-midlands-street.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == HEADER
    body = rows[1:]
    assert {len(r) for r in body} == {12}
    types = {r[9] for r in body}
    assert types == POLICE_UK_TYPES
    for r in body:
        if r[9] == "Anti-social behaviour":
            assert r[0] == ""
        else:
            assert re.fullmatch(r"[0-9a-f]{64}", r[0])
        assert r[1] == "2018-06"
    wolves = sum(1 for r in body if r[8].startswith("Wolverhampton ") and r[0])
    brum = sum(1 for r in body if r[8].startswith("Birmingham ") and r[0])
    assert 2000 <= wolves <= 2500, wolves  # the "about 2,000-2,500 a month"
    assert 3 <= brum / wolves <= 5
    assert any(re.fullmatch(r"Wolverhampton \d{3}[A-D]", r[8]) for r in body)
    # the quirks real files have: no-location rows and records in other forces' areas
    assert any(r[6] == "No Location" and r[8] == "" for r in body)
    assert any(r[8].rsplit(" ", 1)[0] in sample_data.OUTSIDE_AUTHORITIES for r in body)


def test_sample_present_and_if_missing(tmp_path):
    assert not sample_data.sample_present(tmp_path)
    sample_data.generate(tmp_path, start="2016-04", end="2016-05")
    assert not sample_data.sample_present(tmp_path)  # months up to 2019-03 are still missing
