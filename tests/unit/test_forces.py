"""The packaged table of forces and their authorities (swp_analysis.sources.forces)."""

from __future__ import annotations

import pytest

from swp_analysis import areas
from swp_analysis.errors import InputError, ValidationFailed
from swp_analysis.sources import forces

HEADER = "force_id,force_name,authority\n"


def test_west_midlands_has_its_seven_metropolitan_districts():
    wm = forces.packaged_forces()["west-midlands"]
    assert wm.name == "West Midlands Police"
    # the seven metropolitan districts of the West Midlands county, written down from the ONS list
    assert wm.authorities == (
        "Birmingham",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Walsall",
        "Wolverhampton",
    )


def test_cumbria_has_six_districts_then_two_unitary_authorities_in_the_tables_order():
    cumbria = forces.packaged_forces()["cumbria"]
    assert cumbria.name == "Cumbria Constabulary"
    # six districts until March 2023, then Cumberland and Westmorland and Furness: 6 + 2 = 8
    assert len(cumbria.authorities) == 8
    assert cumbria.authorities[:6] == (
        "Allerdale",
        "Barrow-in-Furness",
        "Carlisle",
        "Copeland",
        "Eden",
        "South Lakeland",
    )
    assert cumbria.authorities[6:] == ("Cumberland", "Westmorland and Furness")


def test_the_table_holds_two_forces_and_fifteen_rows():
    table = forces.packaged_forces()
    assert sorted(table) == ["cumbria", "west-midlands"]
    # 7 West Midlands rows + 8 Cumbria rows, and one header line
    lines = forces.packaged_forces_file().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 15
    assert sum(len(f.authorities) for f in table.values()) == 15


def test_a_force_not_in_the_table_is_absent_and_its_rule_is_inferred():
    assert "greater-manchester" not in forces.packaged_forces()
    authorities, rule = areas.authorities_for("greater-manchester", {"Manchester": 99, "Trafford": 1})
    assert authorities == ["Manchester", "Trafford"]  # 1 of 100 located records is exactly 1%
    assert rule.startswith("inferred")


def test_a_force_in_the_table_takes_its_rule_from_the_table():
    authorities, rule = areas.authorities_for("west-midlands", {"Wolverhampton": 5})
    assert rule == "table" and len(authorities) == 7


def test_the_table_is_read_once():
    assert forces.packaged_forces() is forces.packaged_forces()
    with pytest.raises(TypeError):
        forces.packaged_forces()["kent"] = None  # read-only: nobody can change it for the others


def test_read_forces_keeps_the_files_order(tmp_path):
    path = tmp_path / "forces.csv"
    path.write_text(HEADER + "testshire,Testshire Police,Zeta\ntestshire,Testshire Police,Alpha\n")
    assert forces.read_forces(path)["testshire"].authorities == ("Zeta", "Alpha")


def test_read_forces_refuses_another_header(tmp_path):
    path = tmp_path / "forces.csv"
    path.write_text("force,authority\nkent,Dover\n")
    with pytest.raises(InputError) as info:
        forces.read_forces(path)
    assert info.value.problem.row == 1
    assert info.value.problem.expected == "force_id, force_name, authority"


def test_read_forces_reports_every_bad_row_with_its_line(tmp_path):
    path = tmp_path / "forces.csv"
    path.write_text(
        HEADER
        + "kent,Kent Police,Dover\n"  # line 2: fine
        + "kent,Kent Constabulary,Thanet\n"  # line 3: a second name for kent
        + "kent,Kent Police,Dover\n"  # line 4: Dover again
        + "Kent Police,Kent Police,Ashford\n"  # line 5: not a police.uk force id
        + "kent,,Ashford\n"  # line 6: blank name
        + "kent,Kent Police\n"  # line 7: two fields
    )
    with pytest.raises(ValidationFailed) as info:
        forces.read_forces(path)
    found = [(p.row, p.column) for p in info.value.problems]
    assert found == [(3, "force_name"), (4, "authority"), (5, "force_id"), (6, "force_name"), (7, None)]


def test_read_forces_not_utf8(tmp_path):
    path = tmp_path / "forces.csv"
    path.write_bytes(HEADER.encode() + "kent,Kent Police,D\xf6ver\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        forces.read_forces(path)
