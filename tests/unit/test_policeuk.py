"""Reading and validating data.police.uk files (swp_analysis.sources.policeuk)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

from swp_analysis.errors import InputError, SwpError, ValidationFailed
from swp_analysis.sources import geography, policeuk

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "police"
TREE = FIXTURES / "tree"
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
ROW = (
    "{id},{month},West Midlands Police,West Midlands Police,-2.120001,52.580001,"
    "On or near Lichfield Street,E01010520,Wolverhampton 001A,{type},{outcome},"
)


def crime(n: int, month: str = "2018-04", type_: str = "Burglary") -> str:
    outcome = "" if type_ == "Anti-social behaviour" else "Under investigation"
    return ROW.format(id=f"{n:064x}" if n else "", month=month, type=type_, outcome=outcome)


def street_file(
    folder: Path,
    lines: list[str],
    month: str = "2018-04",
    force: str = "west-midlands",
    header: str = HEADER,
    raw: bytes | None = None,
) -> Path:
    path = folder / month / f"{month}-{force}-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw if raw is not None else ("\n".join([header, *lines]) + "\n").encode())
    return path


def message(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value)


# --------------------------------------------------------------------------------------------
# the good path


def test_reads_the_fixture_tree_with_source_and_force():
    df = policeuk.read_street(TREE)
    # 6 + 10 + 5 data lines in the three files (tests/data/police/README.md)
    assert len(df) == 21
    assert df["source_file"].astype(str).str.endswith("-west-midlands-street.csv").all()
    assert set(df["force"].astype(str)) == {"west-midlands"}
    assert list(df.columns[:12]) == list(policeuk.STREET_COLUMNS)
    # blank cells are missing, not empty strings: 4 ASB rows have no Crime ID
    assert int(df["Crime ID"].isna().sum()) == 4
    # the "No Location" row: blank coordinates and LSOA
    assert int(df["Longitude"].isna().sum()) == 1
    assert int(df["LSOA name"].isna().sum()) == 1
    assert str(df["Longitude"].dtype) == "float64"


def test_files_come_in_month_then_force_order(tmp_path):
    street_file(tmp_path, [crime(1, "2018-05")], month="2018-05", force="cumbria")
    street_file(tmp_path, [crime(2, "2018-04")], month="2018-04", force="west-midlands")
    street_file(tmp_path, [crime(3, "2018-04")], month="2018-04", force="cumbria")
    found = policeuk.find_street_files(tmp_path)
    assert [(f.month, f.force) for f in found] == [
        ("2018-04", "cumbria"),
        ("2018-04", "west-midlands"),
        ("2018-05", "cumbria"),
    ]


def test_force_names_with_hyphens_are_taken_whole(tmp_path):
    street_file(tmp_path, [crime(1)], force="devon-and-cornwall")
    assert [f.force for f in policeuk.find_street_files(tmp_path)] == ["devon-and-cornwall"]


def test_bom_is_stripped(tmp_path):
    body = ("\n".join([HEADER, crime(1), crime(2)]) + "\n").encode()
    street_file(tmp_path, [], raw=b"\xef\xbb\xbf" + body)
    df = policeuk.read_street(tmp_path)
    assert len(df) == 2
    assert df.columns[0] == "Crime ID"


def test_crlf_line_endings(tmp_path):
    body = ("\r\n".join([HEADER, crime(1), crime(2), crime(3)]) + "\r\n").encode()
    street_file(tmp_path, [], raw=body)
    df = policeuk.read_street(tmp_path)
    assert len(df) == 3
    assert df["Context"].isna().all()


def test_quoted_fields_with_commas(tmp_path):
    line = crime(1).replace("On or near Lichfield Street", '"On or near Lichfield Street, Upper"')
    street_file(tmp_path, [line])
    assert policeuk.read_street(tmp_path)["Location"].iloc[0] == "On or near Lichfield Street, Upper"


def test_gzip_files(tmp_path):
    plain = street_file(tmp_path / "src", [crime(1), crime(2)])
    target = tmp_path / "police" / "2018-04" / "2018-04-west-midlands-street.csv.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(gzip.compress(plain.read_bytes()))
    assert len(policeuk.read_street(tmp_path / "police")) == 2


def test_monthly_archive_zip_read_in_place(tmp_path):
    archive = tmp_path / "police" / "2018-04.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(TREE.rglob("*.csv")):
            z.write(f, f.relative_to(TREE).as_posix())
        z.writestr("2018-04/2018-04-west-midlands-outcomes.csv", "Crime ID,Month\n")
    before = sorted(p.name for p in (tmp_path / "police").iterdir())
    found = policeuk.find_street_files(tmp_path / "police")
    df = policeuk.read_street(found)
    assert len(df) == 21  # the same 21 rows as the folder tree
    assert sorted(p.name for p in (tmp_path / "police").iterdir()) == before  # nothing extracted
    assert any("outcomes" in i for i in found.ignored)
    assert all(f.member is not None for f in found)


def test_outcomes_and_stop_and_search_files_are_skipped_and_listed(tmp_path):
    street_file(tmp_path, [crime(1)])
    (tmp_path / "2018-04" / "2018-04-west-midlands-outcomes.csv").write_text("x\n")
    (tmp_path / "2018-04" / "2018-04-west-midlands-stop-and-search.csv").write_text("x\n")
    found = policeuk.find_street_files(tmp_path)
    assert len(found) == 1
    assert len(found.ignored) == 2


# --------------------------------------------------------------------------------------------
# refusals: every one names the file, and the line and column where there is one


def test_legacy_2011_layout_refused_naming_expected_and_found_columns(real_data):
    folder = real_data / "police-uk-street-legacy-2011"
    with pytest.raises(InputError) as exc:
        policeuk.read_street(folder)
    text = message(exc)
    assert "2011-02-west-midlands-street.csv" in text
    assert "line 1" in text
    assert "pre-2013 eight-column" in text
    assert "Crime ID, Month, Reported by" in text  # expected
    assert "8 columns Month, Reported by, Falls within, Easting, Northing" in text  # found


def test_any_other_header_refused(tmp_path):
    street_file(tmp_path, ["a,b"], header="Crime ID,Month,Something else")
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    assert "does not have the police.uk street-level header" in message(exc)
    assert "found 3 columns Crime ID, Month, Something else" in message(exc)


def test_header_with_different_case_or_spacing_refused(tmp_path):
    street_file(tmp_path, [crime(1)], header=HEADER.replace("Crime type", "Crime Type"))
    with pytest.raises(InputError, match="street-level header") as exc:
        policeuk.read_street(tmp_path)
    assert exc.value.problem.column == "Crime Type"  # the first name that differs


def test_header_missing_its_last_column_names_it(tmp_path):
    street_file(tmp_path, ["x"], header=HEADER.rsplit(",", 1)[0])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    assert exc.value.problem.column == "Context"


def test_crime_id_that_is_not_64_hex_digits(tmp_path):
    excel = crime(3).replace(f"{3:064x}", "1.23457E+63")
    street_file(tmp_path, [crime(1), crime(0, type_="Anti-social behaviour"), excel, crime(4)])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    p = exc.value.problem
    assert (p.row, p.column, p.found) == (4, "Crime ID", "'1.23457E+63'")
    assert "64 hexadecimal digits" in p.expected


def test_crime_id_of_64_characters_that_are_not_hex(tmp_path):
    street_file(tmp_path, [crime(1), crime(2).replace(f"{2:064x}", "g" * 64)])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    assert (exc.value.problem.row, exc.value.problem.column) == (3, "Crime ID")


def test_upper_case_hex_crime_ids_are_read(tmp_path):
    street_file(tmp_path, [crime(1).replace(f"{1:064x}", "AB" * 32)])
    assert policeuk.read_street(tmp_path)["Crime ID"].iloc[0] == "AB" * 32


def test_reordered_columns_refused(tmp_path):
    cols = HEADER.split(",")
    cols[0], cols[1] = cols[1], cols[0]
    street_file(tmp_path, [crime(1)], header=",".join(cols))
    with pytest.raises(InputError, match="different order"):
        policeuk.read_street(tmp_path)


def test_row_with_wrong_number_of_fields(tmp_path):
    street_file(tmp_path, [crime(1), crime(2) + ",extra", crime(3)])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    p = exc.value.problem
    assert p.row == 3  # header is line 1, the bad row the second data line
    assert "wrong number of fields" in p.message
    assert p.expected == "12 fields"
    assert p.found.startswith("13")


def test_short_row(tmp_path):
    street_file(tmp_path, [crime(1), "x,2018-04,West Midlands Police"])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    assert exc.value.problem.row == 3
    assert exc.value.problem.found.startswith("3")


def test_blank_line_inside_the_file_is_named(tmp_path):
    street_file(tmp_path, [crime(1), "", crime(2)])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    assert exc.value.problem.row == 3


def test_non_utf8_bytes_named_with_line_and_column(tmp_path):
    good = "\n".join([HEADER, crime(1), crime(2)]) + "\n"
    bad = good.encode().replace(b"Lichfield", b"Lichf\xe9ld", 2)  # both rows; first is line 2
    street_file(tmp_path, [], raw=bad)
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    p = exc.value.problem
    assert p.row == 2
    assert p.column == "Location"
    assert "\\xe9" in p.found
    assert "not UTF-8" in p.message


def test_non_utf8_in_a_column_the_ingest_does_not_keep_is_still_refused(tmp_path):
    good = ("\n".join([HEADER, crime(1)]) + "\n").encode().replace(b"Lichfield", b"Lichf\xe9ld")
    with pytest.raises(InputError) as exc:
        policeuk.parse_street_bytes(good, "f.csv", "2018-04", columns=["Crime ID", "Month"])
    assert exc.value.problem.column == "Location"


def test_month_that_does_not_match_the_file_name(tmp_path):
    street_file(tmp_path, [crime(1), crime(2), crime(3, month="2018-05")])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    p = exc.value.problem
    assert (p.row, p.column, p.found, p.expected) == (4, "Month", "'2018-05'", "'2018-04'")
    assert "2018-04-west-midlands-street.csv" in str(p.file)


def test_file_in_the_wrong_month_folder(tmp_path):
    path = street_file(tmp_path, [crime(1)])
    other = tmp_path / "2018-05"
    other.mkdir()
    shutil.move(path, other / path.name)
    with pytest.raises(InputError, match="month folder that disagrees"):
        policeuk.find_street_files(tmp_path)


def test_unknown_crime_type(tmp_path):
    street_file(tmp_path, [crime(1), crime(2, type_="Burglery")])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    assert (exc.value.problem.row, exc.value.problem.column) == (3, "Crime type")


def test_longitude_that_is_not_a_number(tmp_path):
    street_file(tmp_path, [crime(1), crime(2).replace("-2.120001", "west")])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    assert (exc.value.problem.row, exc.value.problem.column, exc.value.problem.found) == (
        3,
        "Longitude",
        "'west'",
    )


def test_lsoa_code_without_name(tmp_path):
    street_file(tmp_path, [crime(1).replace("Wolverhampton 001A", "")])
    with pytest.raises(InputError) as exc:
        policeuk.read_street(tmp_path)
    assert (exc.value.problem.row, exc.value.problem.column) == (2, "LSOA name")


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, raw):
    street_file(tmp_path, [], raw=raw)
    with pytest.raises(InputError, match="is empty"):
        policeuk.read_street(tmp_path)


def test_header_only_file(tmp_path):
    street_file(tmp_path, [])
    with pytest.raises(InputError, match="header but no rows"):
        policeuk.read_street(tmp_path)


def test_zip_without_a_street_csv(tmp_path):
    archive = tmp_path / "2018-04.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2018-04/2018-04-west-midlands-outcomes.csv", "x\n")
        z.writestr("notes.txt", "hello")
    with pytest.raises(InputError) as exc:
        policeuk.find_street_files(tmp_path)
    assert "2018-04.zip" in message(exc) and "no police.uk street-level CSV" in message(exc)


def test_corrupt_zip(tmp_path):
    (tmp_path / "2018-04.zip").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a readable zip"):
        policeuk.find_street_files(tmp_path)


def test_two_files_for_the_same_force_and_month(tmp_path):
    street_file(tmp_path, [crime(1)])
    (tmp_path / "extra").mkdir()
    street_file(tmp_path / "extra", [crime(2)])
    with pytest.raises(InputError) as exc:
        policeuk.find_street_files(tmp_path)
    assert "second file for force 'west-midlands' and month 2018-04" in message(exc)


def test_csv_and_gz_copy_of_the_same_month_is_two_files(tmp_path):
    path = street_file(tmp_path, [crime(1)])
    (path.parent / (path.name + ".gz")).write_bytes(gzip.compress(path.read_bytes()))
    with pytest.raises(InputError, match="second file"):
        policeuk.find_street_files(tmp_path)


def test_unrecognised_csv_name_refused(tmp_path):
    street_file(tmp_path, [crime(1)])
    (tmp_path / "my crimes.csv").write_text(HEADER + "\n")
    with pytest.raises(InputError) as exc:
        policeuk.find_street_files(tmp_path)
    assert "my crimes.csv" in message(exc)


def test_empty_folder(tmp_path):
    with pytest.raises(InputError, match="no police.uk street-level file"):
        policeuk.find_street_files(tmp_path)


def test_problems_in_several_files_are_reported_together(tmp_path):
    street_file(tmp_path, [crime(1), crime(2, month="2018-05")])
    street_file(tmp_path, [crime(3, "2018-06")], month="2018-06", header="Month,Other")
    with pytest.raises(ValidationFailed) as exc:
        policeuk.read_street(tmp_path)
    files = {Path(p.file).name for p in exc.value.problems}
    assert files == {"2018-04-west-midlands-street.csv", "2018-06-west-midlands-street.csv"}


def test_every_refusal_is_an_swp_error(tmp_path):
    street_file(tmp_path, [crime(1) + ",x"])
    with pytest.raises(SwpError):
        policeuk.read_street(tmp_path)


# --------------------------------------------------------------------------------------------
# real police.uk files (Cumbria, modern schema)


def _csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.real_data
def test_cumbria_files_read_unchanged(real_data):
    folder = real_data / "police-uk-street-cumbria"
    df = policeuk.read_street(folder)
    for month in ("2016-11", "2017-11"):
        path = folder / f"{month}-cumbria-street.csv"
        expected = _csv_rows(path)  # an independent reader: the csv module
        got = df[df["source_file"].astype(str) == str(path)]
        assert len(got) == len(expected)
        assert Counter(got["Crime type"].astype(str)) == Counter(r["Crime type"] for r in expected)
        assert int(got["Crime ID"].isna().sum()) == sum(r["Crime ID"] == "" for r in expected)
        assert got["Crime ID"].dropna().tolist() == [r["Crime ID"] for r in expected if r["Crime ID"]]
        assert int(got["LSOA code"].isna().sum()) == sum(r["LSOA code"] == "" for r in expected)
    # PROVENANCE.md section 5: 2,798 and 3,166 data rows
    assert len(df) == 2798 + 3166


# --------------------------------------------------------------------------------------------
# the API's crimes-street JSON


def _api_record(i: int, slug: str, pid: str = "", month: str = "2018-06") -> dict:
    return {
        "category": slug,
        "location_type": "Force",
        "location": {
            "latitude": "52.58",
            "street": {"id": 100 + i, "name": "On or near X"},
            "longitude": "-2.12",
        },
        "context": "",
        "outcome_status": None
        if slug == "anti-social-behaviour"
        else {"category": "Under investigation", "date": month},
        "persistent_id": pid,
        "id": i,
        "location_subtype": "",
        "month": month,
    }


def test_api_json_deduplicated_on_id_and_slugs_mapped(tmp_path):
    # ward A: ids 1, 2, 3; ward B: ids 3 (the same crime again) and 4 -> 4 unique of 5 read
    (tmp_path / "a.json").write_text(
        json.dumps(
            [
                _api_record(1, "violent-crime", "ab" * 32),
                _api_record(2, "anti-social-behaviour"),
                _api_record(3, "vehicle-crime", "cd" * 32),
            ]
        )
    )
    (tmp_path / "b.json").write_text(
        json.dumps(
            [
                _api_record(3, "vehicle-crime", "cd" * 32),
                _api_record(4, "criminal-damage-arson", "ef" * 32),
            ]
        )
    )
    read = policeuk.read_api_json(tmp_path)
    assert (read.records_read, read.duplicates_dropped, len(read.data)) == (5, 1, 4)
    assert read.data.set_index("api_id")["crime_type"].astype(str).to_dict() == {
        1: "Violence and sexual offences",
        2: "Anti-social behaviour",
        3: "Vehicle crime",
        4: "Criminal damage and arson",
    }
    assert read.data.set_index("api_id").loc[3, "source_file"] == "a.json"  # first file keeps it
    assert read.data["crime_id"].isna().sum() == 1  # ASB: empty persistent_id is missing
    assert read.data["last_outcome"].isna().sum() == 1


def test_api_json_unknown_slug_refused(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([_api_record(1, "violent-crimes")]))
    with pytest.raises(InputError) as exc:
        policeuk.read_api_json(tmp_path)
    assert "record 1" in message(exc) and "violent-crimes" in message(exc)


def test_api_json_that_is_not_json(tmp_path):
    (tmp_path / "a.json").write_text("[{oops")
    with pytest.raises(InputError, match="not valid JSON"):
        policeuk.read_api_json(tmp_path)


def test_every_api_slug_maps_to_a_csv_label():
    labels = set(policeuk.API_CATEGORY_LABELS.values())
    assert set(policeuk.CRIME_TYPES) <= labels


@pytest.mark.real_data
def test_api_json_wolverhampton_unique_records_and_categories(real_data):
    folder = real_data / "police-uk-api-ward-json-2018-06"
    lookup = geography.read_lsoa_lookup(
        real_data
        / "ons-geography-lookups"
        / "Lower_Layer_Super_Output_Area_2011_to_Ward_2018_Lookup_in_England_and_Wales_v3.csv"
    )
    wards = set(geography.wards_of(lookup, "Wolverhampton")["ward_code"])
    # PROVENANCE.md: Wolverhampton's wards are E05001321 to E05001340
    assert wards == {f"E0500{n}" for n in range(1321, 1341)}
    files = sorted(p for p in folder.glob("*.json") if p.stem.split("_")[-2] in wards)
    assert len(files) == 20
    read = policeuk.read_api_json(files)
    # PROVENANCE.md section 3: 2,510 records in the 20 files, 2,463 unique API ids
    assert read.records_read == 2510
    assert len(read.data) == 2463
    assert read.duplicates_dropped == 47
    # PROVENANCE.md: unique records by category slug
    assert read.data["category"].astype(str).value_counts().to_dict() == {
        "violent-crime": 731,
        "anti-social-behaviour": 390,
        "vehicle-crime": 239,
        "criminal-damage-arson": 193,
        "other-theft": 193,
        "shoplifting": 191,
        "burglary": 180,
        "public-order": 128,
        "robbery": 58,
        "other-crime": 43,
        "drugs": 40,
        "bicycle-theft": 37,
        "theft-from-the-person": 21,
        "possession-of-weapons": 19,
    }
    assert int((read.data["location_type"] == "BTP").sum()) == 13
    assert set(read.data["month"].astype(str)) == {"2018-06"}
    assert (read.data["crime_type"].astype(str) == "Violence and sexual offences").sum() == 731


@pytest.mark.real_data
def test_api_json_all_wards_duplicate_counts(real_data):
    read = policeuk.read_api_json(real_data / "police-uk-api-ward-json-2018-06")
    # PROVENANCE.md section 3: 25,731 records, 25,094 unique ids overall
    assert (read.records_read, len(read.data)) == (25731, 25094)


def test_read_street_file_returns_arrow_with_the_twelve_columns():
    table = policeuk.read_street_file(TREE / "2018-03" / "2018-03-west-midlands-street.csv")
    assert isinstance(table, pa.Table)
    assert table.column_names == list(policeuk.STREET_COLUMNS)
    assert table.num_rows == 6


def test_input_files_skips_hidden_and_docs(tmp_path):
    street_file(tmp_path, [crime(1)])
    (tmp_path / "README.md").write_text("x")
    (tmp_path / ".DS_Store").write_text("x")
    names = [p.name for p in policeuk.input_files(tmp_path)]
    assert names == ["2018-04-west-midlands-street.csv"]


def test_a_whole_file_read_from_bytes_names_the_label():
    with pytest.raises(InputError) as exc:
        policeuk.parse_street_bytes(io.BytesIO(b"").getvalue(), "somewhere/x.csv")
    assert "somewhere/x.csv" in message(exc)
