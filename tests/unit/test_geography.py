"""The ONS lookup of LSOAs to wards and authorities (swp_analysis.sources.geography)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from swp_analysis.errors import InputError, SwpError, ValidationFailed
from swp_analysis.sources import geography

LOOKUP_NAME = "Lower_Layer_Super_Output_Area_2011_to_Ward_2018_Lookup_in_England_and_Wales_v3.csv"


@pytest.fixture(scope="module")
def ons_lookup_path(real_data):
    return real_data / "ons-geography-lookups" / LOOKUP_NAME


@pytest.mark.real_data
def test_ons_lookup_maps_wolverhamptons_158_lsoas(ons_lookup_path):
    lookup = geography.read_lsoa_lookup(ons_lookup_path)
    with open(ons_lookup_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))  # independent count with the csv module
    expected = {r["LSOA11CD"] for r in rows if r["LAD18CD"] == "E08000031"}
    assert len(expected) == 158  # PROVENANCE.md section 1a
    got = geography.lsoas_of(lookup, "Wolverhampton")
    assert set(got["lsoa_code"]) == expected
    assert set(got["lad_code"]) == {"E08000031"}
    assert len(geography.wards_of(lookup, "Wolverhampton")) == 20
    assert len(lookup) == 34753
    # a ward name with a comma (quoted in the file) survives whole
    assert "Netherton, Woodside and St Andrews" in set(lookup["ward_name"])


@pytest.mark.real_data
def test_ons_lookup_ward_to_area(ons_lookup_path):
    areas = geography.ward_areas(geography.read_lsoa_lookup(ons_lookup_path))
    assert areas["E05001321"] == "Wolverhampton" and areas["E05001340"] == "Wolverhampton"
    assert areas["E05011118"] == "Birmingham"


def _lookup_file(tmp_path: Path, lines: list[str], bom: bool = False) -> Path:
    path = tmp_path / "lookup.csv"
    text = "\n".join(["LSOA11CD,LSOA11NM,WD18CD,WD18NM,WD18NMW,LAD18CD,LAD18NM,FID", *lines]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


GOOD = [
    "E01010520,Wolverhampton 001A,E05001321,Bilston East,,E08000031,Wolverhampton,1",
    'E01010521,Wolverhampton 002A,E05001322,"Bilston North, Upper",,E08000031,Wolverhampton,2',
]


def test_lookup_reader_with_bom_and_quoted_commas(tmp_path):
    lookup = geography.read_lsoa_lookup(_lookup_file(tmp_path, GOOD, bom=True))
    assert list(lookup.columns) == list(geography.LOOKUP_COLUMNS)
    assert lookup["ward_name"].tolist() == ["Bilston East", "Bilston North, Upper"]


def test_lookup_of_another_year_is_read_by_pattern(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text(
        "LSOA21CD,LSOA21NM,WD22CD,WD22NM,LAD22CD,LAD22NM\n"
        "E01010520,Wolverhampton 001A,E05001321,Bilston East,E08000031,Wolverhampton\n"
    )
    assert geography.read_lsoa_lookup(path)["lad_name"].tolist() == ["Wolverhampton"]


def test_lookup_missing_a_column(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("LAD18CD,LAD18NM,RGN18CD\nE08000031,Wolverhampton,E12000005\n")
    with pytest.raises(InputError) as exc:
        geography.read_lsoa_lookup(path)
    assert "LSOAyyCD" in exc.value.problem.expected and "LAD18CD, LAD18NM, RGN18CD" in exc.value.problem.found


def test_lookup_duplicate_lsoa_and_blank_cell(tmp_path):
    lines = [
        *GOOD,
        GOOD[0].replace(",1", ",3"),
        "E01010522,,E05001321,Bilston East,,E08000031,Wolverhampton,4",
    ]
    with pytest.raises(ValidationFailed) as exc:
        geography.read_lsoa_lookup(_lookup_file(tmp_path, lines))
    found = {(p.row, p.column) for p in exc.value.problems}
    assert (4, "LSOA11CD") in found  # line 4 repeats line 2's LSOA
    assert (5, "LSOA11NM") in found  # line 5 has a blank name


def test_lookup_ward_in_two_authorities(tmp_path):
    lines = [GOOD[0], "E01010599,Walsall 001A,E05001321,Bilston East,,E08000030,Walsall,2"]
    with pytest.raises(SwpError) as exc:
        geography.read_lsoa_lookup(_lookup_file(tmp_path, lines))
    assert "ward in two authorities" in str(exc.value) and "line 3" in str(exc.value)


def test_lookup_not_utf8(tmp_path):
    path = _lookup_file(tmp_path, [GOOD[0].replace("Bilston", "Bilst\xf6n")])
    path.write_bytes(path.read_bytes().replace("ö".encode(), b"\xf6"))
    with pytest.raises(InputError) as exc:
        geography.read_lsoa_lookup(path)
    assert exc.value.problem.row == 2
