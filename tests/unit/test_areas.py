"""Areas of records and authorities of forces (swp_analysis.areas)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from swp_analysis import areas
from swp_analysis.sources import policeuk

TREE = Path(__file__).resolve().parents[1] / "data" / "police" / "tree"


# --------------------------------------------------------------------------------------------
# the area in an LSOA name


@pytest.mark.parametrize(
    "name, area",
    [
        ("Wolverhampton 020A", "Wolverhampton"),
        ("County Durham 001A", "County Durham"),
        ("Bristol, City of 001A", "Bristol, City of"),
        ("Barrow-in-Furness 004E", "Barrow-in-Furness"),
        ("King's Lynn and West Norfolk 011C", "King's Lynn and West Norfolk"),
        ("Isles of Scilly 001A", "Isles of Scilly"),
    ],
)
def test_area_from_lsoa_name(name, area):
    assert areas.area_from_lsoa_name(pd.Series([name])).iloc[0] == area


def test_area_from_blank_lsoa_name_is_missing():
    out = areas.area_from_lsoa_name(pd.Series(["Walsall 001A", None]))
    assert out.iloc[0] == "Walsall" and pd.isna(out.iloc[1])


@pytest.mark.parametrize("bad", ["Wolverhampton", "Wolverhampton 20A", "001A"])
def test_area_from_lsoa_name_without_a_code_is_refused(bad):
    with pytest.raises(ValueError):
        areas.area_from_lsoa_name(pd.Series([bad]))


def test_name_area_is_none_without_a_code_and_the_same_when_asked_again():
    resolver = areas.Areas()
    for _ in range(2):  # the second answer comes from what the first remembered
        assert resolver.name_area("Wolverhampton 020A") == "Wolverhampton"
        assert resolver.name_area("Wolverhampton") is None
        assert resolver.name_area(" 020A") is None  # nothing left once the code is removed


def test_resolve_refuses_a_name_without_its_code_by_its_index():
    with pytest.raises(areas.BadLsoaName) as info:
        areas.Areas().resolve(
            np.array([0, 1]), ["E01000001", "E01000002"], np.array([0, 1]), ["Alpha 001A", "Beta"]
        )
    assert info.value.index == 1


# --------------------------------------------------------------------------------------------
# located records per force and area (the fallback rule's input)

# counted from tests/data/police/README.md: 21 rows, one with no location; Wolverhampton
# 3 + 6 + 3 (the duplicate line counts: the rule sees every record read), Walsall 2 + 2 + 2,
# Dudley 1, South Staffordshire 1
TREE_COUNTS = Counter(
    {
        ("west-midlands", "Wolverhampton"): 12,
        ("west-midlands", "Walsall"): 6,
        ("west-midlands", "Dudley"): 1,
        ("west-midlands", "South Staffordshire"): 1,
    }
)


def test_area_counts_of_the_fixture_tree():
    table = policeuk.street_table(policeuk.find_street_files(TREE))
    assert areas.area_counts(table, areas.Areas()) == TREE_COUNTS


def test_area_counts_by_name_file_by_file_give_the_same_counts():
    files = policeuk.find_street_files(TREE)
    counts = [areas.name_counts(policeuk.street_table([f])) for f in files]
    assert areas.areas_of_names("west-midlands", counts, areas.Areas()) == TREE_COUNTS


def test_area_counts_with_a_lookup_use_its_authority_names():
    lookup = pd.DataFrame(
        {
            "lsoa_code": ["E01000001"],
            "lsoa_name": ["Alpha 001A"],
            "ward_code": ["E05000001"],
            "ward_name": ["North"],
            "lad_code": ["E08000001"],
            "lad_name": ["Alpha, City of"],
        }
    )
    table = pa.table(
        {
            "force": pa.array(["testshire"] * 3),
            "LSOA code": pa.array(["E01000001", "E01000002", None]),
            "LSOA name": pa.array(["Alpha 001A", "Beta 001A", None]),
        }
    )
    counts = areas.area_counts(table, areas.Areas(lookup))
    assert counts == Counter({("testshire", "Alpha, City of"): 1, ("testshire", "Beta"): 1})


# --------------------------------------------------------------------------------------------
# which authorities are a force's


def test_authorities_given_come_before_the_table():
    assert areas.authorities_for("west-midlands", {}, {"west-midlands": ["Walsall", "Dudley"]}) == (
        ["Dudley", "Walsall"],
        "given",
    )


def test_inferred_authorities_hold_at_least_one_percent():
    # 1 of 101 located records is 0.99%: below the share; 2 of 102 is 1.96%: above it
    assert areas.authorities_for("kent", {"Dover": 100, "Thanet": 1})[0] == ["Dover"]
    assert areas.authorities_for("kent", {"Dover": 100, "Thanet": 2})[0] == ["Dover", "Thanet"]
    assert areas.authorities_for("kent", {})[0] == []


def test_decide_forces_splits_the_counts_by_force():
    counts = Counter({("kent", "Dover"): 10, ("essex", "Harlow"): 5, ("essex", "Dover"): 5})
    decided = areas.decide_forces(["kent", "essex", "kent"], counts)
    assert list(decided) == ["essex", "kent"]
    assert decided["essex"]["authorities"] == ["Dover", "Harlow"]
    assert decided["kent"]["authorities"] == ["Dover"]
    assert all(d["rule"].startswith("inferred") for d in decided.values())
