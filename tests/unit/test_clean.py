"""Cleaning police records (swp_analysis.clean) and the ONS lookup it uses (sources.geography)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from swp_analysis import clean, periods
from swp_analysis.errors import InputError
from swp_analysis.sources import geography, policeuk

TREE = Path(__file__).resolve().parents[1] / "data" / "police" / "tree"
LOOKUP_NAME = "Lower_Layer_Super_Output_Area_2011_to_Ward_2018_Lookup_in_England_and_Wales_v3.csv"


@pytest.fixture(scope="module")
def tree():
    return clean.clean_street(policeuk.street_table(policeuk.find_street_files(TREE)))


# --------------------------------------------------------------------------------------------
# fiscal years


def test_fiscal_year_of_every_month_of_a_decade_is_the_periods_one():
    months = [f"{y}-{m:02d}" for y in range(2010, 2021) for m in range(1, 13)]
    rows = [(f"{k:064x}", "Alpha 001A") for k in range(len(months))]
    raw = _frame(rows).assign(Month=months)
    out = clean.clean_street(raw, force_authorities={"testshire": ["Alpha"]}).data
    # 132 months, 11 fiscal years: April 2010 .. March 2011 is 2010-11, January 2010 is 2009-10
    assert out["fiscal_year"].astype(str).tolist() == [periods.fiscal_year(m) for m in months]
    assert out["fiscal_year"].astype(str).iloc[[0, 3, 14, 131]].tolist() == [
        "2009-10",
        "2010-11",
        "2010-11",
        "2020-21",
    ]


# --------------------------------------------------------------------------------------------
# the fixture tree (tests/data/police/README.md lists its 21 lines)


def test_reconciliation_per_file(tree):
    rec = tree.reconciliation
    rec.index = [Path(i).name[:7] for i in rec.index]
    # counted from the README table: read, kept, duplicate, ASB, no location, outside
    expected = {
        "2018-03": (6, 6, 0, 1, 0, 0),
        "2018-04": (10, 9, 1, 2, 1, 1),
        "2019-03": (5, 5, 0, 1, 0, 0),
    }
    for month, (read, kept, dup, asb, noloc, outside) in expected.items():
        row = rec.loc[month]
        assert (
            row.rows_read,
            row.rows_kept,
            row.duplicate_crime_id,
            row.anti_social_behaviour,
            row.no_location,
            row.outside_force_area,
        ) == (read, kept, dup, asb, noloc, outside)
    assert (rec["rows_read"] == rec["rows_kept"] + rec["duplicate_crime_id"]).all()
    assert rec["no_crime_id"].sum() == 0


def test_processed_columns_and_types(tree):
    df = tree.data
    assert list(df.columns) == list(clean.PROCESSED_COLUMNS)
    assert tree.table.column_names == list(clean.PROCESSED_COLUMNS)
    assert str(df["month"].dtype).startswith("datetime64")
    assert (df["month"].dt.day == 1).all()
    assert df["is_asb"].dtype == bool
    assert list(df["location_status"].cat.categories) == list(clean.LOCATION_STATUSES)
    for column in (
        "fiscal_year",
        "force",
        "area",
        "lsoa_code",
        "lsoa_name",
        "crime_type",
        "last_outcome",
    ):
        assert isinstance(df[column].dtype, pd.CategoricalDtype), column
    assert pa.types.is_date32(tree.table.schema.field("month").type)


def test_labels_on_the_fixture_rows(tree):
    df = tree.data
    by_id = df.dropna(subset=["crime_id"]).set_index(df["crime_id"].dropna().str[-2:])
    assert by_id.loc["15", "location_status"] == "no_location" and pd.isna(by_id.loc["15", "area"])
    assert by_id.loc["16", "location_status"] == "outside_force_area"
    assert by_id.loc["16", "area"] == "South Staffordshire"
    assert by_id.loc["11", "location_status"] == "ok"
    assert int((df["crime_id"].str[-2:] == "11").sum()) == 1  # the duplicate went
    assert int(df["is_asb"].sum()) == 4
    assert df.loc[df["is_asb"], "crime_id"].isna().all()
    # 2018-03 is 2017-18; 2018-04 and 2019-03 are 2018-19 (6 rows and 9 + 5 kept)
    assert df["fiscal_year"].astype(str).value_counts().to_dict() == {"2018-19": 14, "2017-18": 6}


def test_force_rule_from_the_packaged_table(tree):
    assert tree.forces["west-midlands"]["rule"] == "table"
    assert tree.forces["west-midlands"]["authorities"] == [
        "Birmingham",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Walsall",
        "Wolverhampton",
    ]


def test_force_authorities_given_override_the_table():
    raw = policeuk.street_table(policeuk.find_street_files(TREE))
    out = clean.clean_street(raw, force_authorities={"west-midlands": ["Wolverhampton", "Dudley"]})
    rec = out.reconciliation.sum()
    # Walsall's rows become outside the force: 2018-03 lines 5-6, 2018-04 lines 6-7 (ASB and
    # burglary), 2019-03 lines 4-5 = 6, plus South Staffordshire = 7
    assert rec["outside_force_area"] == 7
    assert out.forces["west-midlands"]["rule"] == "given"


def _frame(rows: list[tuple[str, str | None]], force: str = "testshire") -> pd.DataFrame:
    """A raw frame of burglaries: (id, LSOA name) per row, one file, month 2018-04."""
    return pd.DataFrame(
        {
            "Crime ID": [i for i, _ in rows],
            "Month": "2018-04",
            "Longitude": [None if n is None else -1.0 for _, n in rows],
            "Latitude": [None if n is None else 52.0 for _, n in rows],
            "LSOA code": [None if n is None else f"E0100{k:04d}" for k, (_, n) in enumerate(rows)],
            "LSOA name": [n for _, n in rows],
            "Crime type": "Burglary",
            "Last outcome category": "Under investigation",
            "force": force,
        }
    )


def test_fallback_rule_for_a_force_not_in_the_table():
    # 120 rows in Alpha, 79 in Beta, 1 in Gamma: Gamma holds 1 of 200 = 0.5% < 1%
    rows = (
        [(f"{k:064x}", "Alpha 001A") for k in range(120)]
        + [(f"{k:064x}", "Beta 001A") for k in range(120, 199)]
        + [(f"{199:064x}", "Gamma 001A")]
    )
    out = clean.clean_street(_frame(rows))
    assert out.forces["testshire"]["authorities"] == ["Alpha", "Beta"]
    assert out.forces["testshire"]["rule"].startswith("inferred")
    assert out.data["location_status"].astype(str).value_counts().to_dict() == {
        "ok": 199,
        "outside_force_area": 1,
    }


def test_fallback_share_is_of_located_rows_only():
    # 98 in Alpha, 1 in Beta, 1 with no location: Beta holds 1 of 99 located = 1.01% >= 1%
    rows = (
        [(f"{k:064x}", "Alpha 001A") for k in range(98)]
        + [(f"{98:064x}", "Beta 001A")]
        + [(f"{99:064x}", None)]
    )
    out = clean.clean_street(_frame(rows))
    assert out.forces["testshire"]["authorities"] == ["Alpha", "Beta"]


def test_non_asb_row_without_a_crime_id_is_kept_and_counted():
    rows = [(f"{1:064x}", "Alpha 001A"), (None, "Alpha 001A"), (None, "Alpha 001A")]
    out = clean.clean_street(_frame(rows), force_authorities={"testshire": ["Alpha"]})
    assert len(out.data) == 3  # blank ids are never duplicates of each other
    assert out.reconciliation["no_crime_id"].sum() == 2


def test_pandas_and_arrow_inputs_give_the_same_result():
    raw = policeuk.street_table(policeuk.find_street_files(TREE))
    a = clean.clean_street(raw).data
    b = clean.clean_street(policeuk.read_street(TREE)).data
    pd.testing.assert_frame_equal(a, b)


def test_lsoa_name_without_code_is_refused_with_file_and_line():
    rows = [(f"{1:064x}", "Alpha 001A"), (f"{2:064x}", "Alpha")]
    with pytest.raises(InputError) as exc:
        clean.clean_street(_frame(rows))
    assert exc.value.problem.row == 3 and exc.value.problem.column == "LSOA name"


# --------------------------------------------------------------------------------------------
# the lookup: area and ward by LSOA code


def _lookup(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(geography.LOOKUP_COLUMNS))


def test_area_and_ward_from_the_lookup():
    lookup = _lookup(
        [
            # a renamed authority: the LSOA name says "Alpha", the lookup "Alpha, City of"
            ("E01000000", "Alpha 001A", "E05000001", "North", "E08000001", "Alpha, City of"),
            ("E01000001", "Beta 001A", "E05000002", "South", "E08000002", "Beta"),
        ]
    )
    rows = [(f"{1:064x}", "Alpha 001A"), (f"{2:064x}", "Beta 001A"), (f"{3:064x}", "Gamma 001A")]
    out = clean.clean_street(
        _frame(rows),
        lookup=lookup,
        force_authorities={"testshire": ["Alpha, City of", "Beta", "Gamma"]},
    )
    df = out.data
    assert df["area"].astype(str).tolist() == ["Alpha, City of", "Beta", "Gamma"]
    assert df["ward"].astype(str).tolist()[:2] == ["North", "South"] and pd.isna(df["ward"].iloc[2])
    assert df["ward_code"].astype(str).tolist()[:2] == ["E05000001", "E05000002"]
    # E01000002 (Gamma) is not in the lookup: its area comes from the name, and it is counted
    assert out.reconciliation["lsoa_not_in_lookup"].sum() == 1


# --------------------------------------------------------------------------------------------
# real street files of another force: Cumbria


def _district_counts(path: Path) -> Counter:
    """Rows per authority by an independent method: the csv module and str.rsplit."""
    counts: Counter = Counter()
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            counts[row["LSOA name"].rsplit(" ", 1)[0] if row["LSOA name"] else None] += 1
    return counts


@pytest.mark.real_data
@pytest.mark.parametrize("use_lookup", [False, True])
def test_cumbria_area_assignment(real_data, use_lookup):
    folder = real_data / "police-uk-street-cumbria"
    lookup = (
        geography.read_lsoa_lookup(real_data / "ons-geography-lookups" / LOOKUP_NAME) if use_lookup else None
    )
    out = clean.clean_street(policeuk.street_table(policeuk.find_street_files(folder)), lookup=lookup)
    df = out.data
    for month in ("2016-11", "2017-11"):
        expected = _district_counts(folder / f"{month}-cumbria-street.csv")
        rows = df[df["month"] == pd.Timestamp(f"{month}-01")]
        got = Counter(
            {
                (None if pd.isna(a) else a): n
                for a, n in rows["area"].astype(object).value_counts(dropna=False).items()
            }
        )
        assert +got == +expected
        # the one Lancaster row is labelled, not dropped; blank LSOAs are "no location"
        assert (rows["location_status"] == "outside_force_area").sum() == expected["Lancaster"] == 1
        assert (rows["location_status"] == "no_location").sum() == expected[None]
    assert out.forces["cumbria"]["rule"] == "table"
    if use_lookup:
        assert out.reconciliation["lsoa_not_in_lookup"].sum() == 0
        assert df["ward"].notna().sum() == len(df) - 5  # all but the 3 + 2 No Location rows
    # PROVENANCE.md section 5: ASB rows 865 and 845; nothing duplicated
    assert out.reconciliation["anti_social_behaviour"].tolist() == [865, 845]
    assert out.reconciliation["duplicate_crime_id"].sum() == 0
