"""Ingest: parquet contract, manifest reconciliation, cache, atomic and deterministic writes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from swp_analysis import clean, ingest
from swp_analysis.errors import InputError, SwpError
from swp_analysis.paths import DataPaths
from swp_analysis.sources import policeuk

TREE = Path(__file__).resolve().parents[1] / "data" / "police" / "tree"
CONTRACT = [
    "crime_id",
    "month",
    "fiscal_year",
    "force",
    "area",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "last_outcome",
    "longitude",
    "latitude",
    "is_asb",
]


@pytest.fixture
def paths(tmp_path) -> DataPaths:
    shutil.copytree(TREE, tmp_path / "raw" / "police")
    return DataPaths(tmp_path)


def _snapshot(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): (
            p.stat().st_size,
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_parquet_holds_the_contract_columns(paths):
    result = ingest.ingest_police(paths)
    assert not result.cached
    table = pq.read_table(paths.police_parquet)
    assert table.column_names[: len(CONTRACT)] == CONTRACT
    assert "location_status" in table.column_names
    assert str(table.schema.field("month").type) == "date32[day]"
    # 21 lines read, 1 duplicate set aside (tests/data/police/README.md)
    assert table.num_rows == 20 == result.rows
    assert result.files == 3


def test_manifest_records_inputs_and_reconciliation(paths):
    ingest.ingest_police(paths)
    entry = json.loads(paths.manifest.read_text())["police"]
    inputs = {i["path"]: i for i in entry["inputs"]}
    for f in TREE.rglob("*.csv"):
        rel = f.relative_to(TREE).as_posix()
        assert inputs[rel]["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
        assert inputs[rel]["size"] == f.stat().st_size
    # data lines per file: 6, 10 and 5 (tests/data/police/README.md)
    assert [
        inputs[f"{m}/{m}-west-midlands-street.csv"]["rows"] for m in ("2018-03", "2018-04", "2019-03")
    ] == [6, 10, 5]
    files = {f["month"]: f for f in entry["files"]}
    # 2018-04: 10 lines read, 1 duplicate, 9 kept; of those 2 ASB, 1 no location, 1 outside
    april = files["2018-04"]
    assert (april["rows_read"], april["set_aside"], april["rows_kept"]) == (
        10,
        {"duplicate_crime_id": 1},
        9,
    )
    assert april["labelled"]["anti_social_behaviour"] == 2
    assert april["labelled"]["no_location"] == 1
    assert april["labelled"]["outside_force_area"] == 1
    for f in entry["files"]:
        assert f["rows_read"] == f["rows_kept"] + sum(f["set_aside"].values())
    assert entry["totals"]["rows_read"] == 21 and entry["totals"]["rows_kept"] == 20
    assert entry["output"]["sha256"] == hashlib.sha256(paths.police_parquet.read_bytes()).hexdigest()
    assert entry["forces"]["west-midlands"]["rule"] == "table"


def test_reconciliation_table_for_the_data_quality_notebook(paths):
    ingest.ingest_police(paths)
    rec = ingest.police_reconciliation(paths)
    assert list(rec.columns[:4]) == ["file", "month", "force", "rows_read"]
    assert rec["rows_read"].sum() == 21 and rec["duplicate_crime_id"].sum() == 1


def test_manifest_keeps_other_keys(paths):
    paths.manifest.parent.mkdir(parents=True, exist_ok=True)
    paths.manifest.write_text(json.dumps({"build": {"x": 1}}))
    ingest.ingest_police(paths)
    manifest = json.loads(paths.manifest.read_text())
    assert manifest["build"] == {"x": 1} and "police" in manifest


def _forbid_reading(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a CSV was read on the cached path")

    monkeypatch.setattr(policeuk, "parse_street_bytes", refuse)
    monkeypatch.setattr(policeuk, "find_street_files", refuse)
    monkeypatch.setattr(pacsv, "read_csv", refuse)
    monkeypatch.setattr(pd, "read_csv", refuse)


def test_second_call_with_unchanged_inputs_reads_no_csv(paths, monkeypatch):
    first = ingest.ingest_police(paths)
    before = paths.police_parquet.stat().st_mtime_ns
    _forbid_reading(monkeypatch)
    second = ingest.ingest_police(paths)
    assert second.cached and second.rows == first.rows
    assert paths.police_parquet.stat().st_mtime_ns == before
    assert second.reconciliation.equals(first.reconciliation)


def test_touched_but_unchanged_input_is_checked_by_sha256_not_reread(paths, monkeypatch):
    ingest.ingest_police(paths)
    f = paths.police / "2018-04" / "2018-04-west-midlands-street.csv"
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    _forbid_reading(monkeypatch)
    assert ingest.ingest_police(paths).cached
    recorded = {i["path"]: i for i in ingest.read_manifest(paths)["police"]["inputs"]}
    assert recorded["2018-04/2018-04-west-midlands-street.csv"]["mtime_ns"] == f.stat().st_mtime_ns


def test_changed_added_or_removed_input_rebuilds(paths):
    ingest.ingest_police(paths)
    f = paths.police / "2019-03" / "2019-03-west-midlands-street.csv"
    f.write_text(f.read_text().replace("Shoplifting", "Robbery"))
    result = ingest.ingest_police(paths)
    assert not result.cached
    assert "Shoplifting" not in set(ingest.load_police(paths)["crime_type"].astype(str))
    shutil.rmtree(paths.police / "2018-03")
    result = ingest.ingest_police(paths)
    assert not result.cached and result.rows == 14  # 20 kept less 2018-03's 6


def test_rebuild_forces_a_cold_read(paths):
    ingest.ingest_police(paths)
    assert not ingest.ingest_police(paths, rebuild=True).cached


def test_a_different_force_table_is_a_different_cache_key(paths):
    ingest.ingest_police(paths)
    result = ingest.ingest_police(paths, force_authorities={"west-midlands": ["Wolverhampton"]})
    assert not result.cached
    assert ingest.read_manifest(paths)["police"]["forces"]["west-midlands"]["rule"] == "given"


def test_deterministic_bytes(paths, tmp_path):
    ingest.ingest_police(paths)
    first = paths.police_parquet.read_bytes()
    ingest.ingest_police(paths, rebuild=True)
    assert paths.police_parquet.read_bytes() == first
    other = DataPaths(tmp_path / "elsewhere")
    shutil.copytree(TREE, other.police)
    ingest.ingest_police(other)
    assert other.police_parquet.read_bytes() == first


def test_failed_write_leaves_the_previous_parquet_and_no_temporary_file(paths, monkeypatch):
    ingest.ingest_police(paths)
    before = paths.police_parquet.read_bytes()
    manifest = paths.manifest.read_text()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", broken)
    with pytest.raises(OSError, match="disk full"):
        ingest.ingest_police(paths, rebuild=True)
    assert paths.police_parquet.read_bytes() == before
    assert paths.manifest.read_text() == manifest
    assert sorted(p.name for p in paths.processed.iterdir()) == [
        "manifest.json",
        "police_street.parquet",
    ]


def test_raw_folder_is_never_written(paths):
    before = _snapshot(paths.raw)
    ingest.ingest_police(paths)
    ingest.ingest_police(paths)
    ingest.ingest_police(paths, rebuild=True)
    assert _snapshot(paths.raw) == before


def test_bad_input_names_the_file_and_line_and_leaves_no_output(paths):
    f = paths.police / "2019-03" / "2019-03-west-midlands-street.csv"
    lines = f.read_text().splitlines()
    lines[3] += ",extra"  # line 4
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as exc:
        ingest.ingest_police(paths)
    assert exc.value.problem.row == 4
    assert "2019-03-west-midlands-street.csv" in str(exc.value.problem.file)
    assert not paths.police_parquet.exists()


def test_missing_police_folder(tmp_path):
    with pytest.raises(SwpError, match="police data folder not found"):
        ingest.ingest_police(DataPaths(tmp_path))


def test_zip_archive_and_gzip_give_the_same_table(paths, tmp_path):
    ingest.ingest_police(paths)
    expected = ingest.load_police(paths)
    zipped = DataPaths(tmp_path / "zipped")
    zipped.police.mkdir(parents=True)
    with zipfile.ZipFile(zipped.police / "archive.zip", "w") as z:
        for f in sorted(TREE.rglob("*.csv")):
            z.write(f, f.relative_to(TREE).as_posix())
    got = ingest.load_police(zipped)
    pd.testing.assert_frame_equal(got, expected)
    entry = ingest.read_manifest(zipped)["police"]
    assert [i["path"] for i in entry["inputs"]] == ["archive.zip"]
    assert entry["files"][0]["file"].startswith("archive.zip!2018-03/")
    assert ingest.ingest_police(zipped).cached


def test_load_police_types(paths):
    df = ingest.load_police(paths)
    assert list(df.columns) == list(clean.PROCESSED_COLUMNS)
    assert str(df["month"].dtype) == "datetime64[s]"
    assert df["month"].min() == pd.Timestamp("2018-03-01")
    assert isinstance(df["area"].dtype, pd.CategoricalDtype)
    assert list(df["area"].cat.categories) == sorted(df["area"].cat.categories)
    assert df["is_asb"].dtype == bool


def test_progress_gets_one_line_per_step(paths):
    lines: list[str] = []
    ingest.ingest_police(paths, progress=lines.append)
    assert len(lines) == 3 and lines[0].startswith("police: 3 street files")
    lines.clear()
    ingest.ingest_police(paths, progress=lines.append)
    assert len(lines) == 1 and "unchanged" in lines[0]


def test_result_text(paths):
    assert str(ingest.ingest_police(paths)) == "20 police records from 3 street files (read and cleaned)"


HEADER = (TREE / "2018-03" / "2018-03-west-midlands-street.csv").read_text().splitlines()[0]


def _testshire(folder: Path, month: str, first_id: int, alpha: int, gamma: int) -> None:
    """A force not in the table: ``alpha`` burglaries in Alpha 001A, ``gamma`` in Gamma 001A."""
    rows = [
        f"{first_id + k:064x},{month},Testshire Police,Testshire Police,-1.5,52.5,On or near A,"
        f"E0109{'0001' if k < alpha else '0002'},{'Alpha' if k < alpha else 'Gamma'} 001A,"
        "Burglary,Under investigation,"
        for k in range(alpha + gamma)
    ]
    path = folder / month / f"{month}-testshire-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *rows]) + "\n")


@pytest.fixture
def two_forces(paths) -> DataPaths:
    # Testshire: 150 + 49 rows in Alpha and 0 + 1 in Gamma: Gamma holds 1 of 200 (0.5%), so the
    # inferred rule leaves it out; it can only be decided once the second file is read.
    _testshire(paths.police, "2018-04", 0x1000, alpha=150, gamma=0)
    _testshire(paths.police, "2019-03", 0x2000, alpha=49, gamma=1)
    # a repeat across files: crime 01 of 2018-03 again in 2019-03
    f = paths.police / "2019-03" / "2019-03-west-midlands-street.csv"
    f.write_text(
        f.read_text()
        + (TREE / "2018-03" / "2018-03-west-midlands-street.csv")
        .read_text()
        .splitlines()[1]
        .replace("2018-03", "2019-03")
        + "\n"
    )
    return paths


def test_small_blocks_give_the_same_table_as_one_block(two_forces, monkeypatch):
    ingest.ingest_police(two_forces)
    whole = ingest.load_police(two_forces)
    whole_rec = ingest.police_reconciliation(two_forces)
    monkeypatch.setattr(ingest, "_ROW_GROUP", 3)  # every file its own block
    ingest.ingest_police(two_forces, rebuild=True)
    pd.testing.assert_frame_equal(ingest.load_police(two_forces), whole)
    pd.testing.assert_frame_equal(ingest.police_reconciliation(two_forces), whole_rec)
    assert pq.ParquetFile(two_forces.police_parquet).num_row_groups > 5


def test_inferred_force_and_repeats_across_files(two_forces, monkeypatch):
    monkeypatch.setattr(ingest, "_ROW_GROUP", 3)
    ingest.ingest_police(two_forces)
    entry = ingest.read_manifest(two_forces)["police"]
    assert entry["forces"]["testshire"]["authorities"] == ["Alpha"]
    assert entry["forces"]["testshire"]["rule"].startswith("inferred")
    files = {f["file"]: f for f in entry["files"]}
    assert files["2019-03/2019-03-testshire-street.csv"]["labelled"]["outside_force_area"] == 1
    # the appended 2019-03 line repeats crime 01 of 2018-03: set aside in the later file
    wmp = files["2019-03/2019-03-west-midlands-street.csv"]
    assert (wmp["rows_read"], wmp["set_aside"]["duplicate_crime_id"]) == (6, 1)
    assert entry["totals"]["rows_read"] == 21 + 1 + 200
    assert entry["totals"]["rows_kept"] == 20 + 200


def test_lookup_gives_areas_and_wards(paths):
    lookup = pd.DataFrame(
        {
            "lsoa_code": ["E01010520", "E01010521", "E01010529", "E01010100", "E01009800"],
            "lsoa_name": [
                "Wolverhampton 001A",
                "Wolverhampton 002A",
                "Wolverhampton 003B",
                "Walsall 001A",
                "Dudley 001A",
            ],
            "ward_code": ["E05001321", "E05001322", "E05001323", "E05001301", "E05001236"],
            "ward_name": ["Bilston East", "Bilston North", "Blakenhall", "Aldridge", "Amblecote"],
            "lad_code": ["E08000031"] * 3 + ["E08000030", "E08000027"],
            "lad_name": ["Wolverhampton"] * 3 + ["Walsall", "Dudley"],
        }
    )
    df = ingest.load_police(paths, lookup=lookup)
    wolves = df[df["area"] == "Wolverhampton"]
    assert set(wolves["ward"].astype(str)) == {"Bilston East", "Bilston North", "Blakenhall"}
    # South Staffordshire 001A (2018-04 line 9) is not in this lookup: area from its name
    assert ingest.read_manifest(paths)["police"]["totals"]["lsoa_not_in_lookup"] == 1
    assert ingest.ingest_police(paths, lookup=lookup).cached
    assert not ingest.ingest_police(paths).cached  # no lookup now: a different cache key
