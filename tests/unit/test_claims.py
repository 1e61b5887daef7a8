"""The claims check: each figure a published report stated, recomputed, agreeing within the
rounding of the stated figure or not. Expected values are worked here from the report's own
figures, never pasted from the check's output.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from swp_analysis.claims import (
    NOT_SUPPLIED_POLICE,
    agrees_within_rounding,
    any_disagree,
    check_claims,
    format_claims_table,
    read_claims,
)
from swp_analysis.errors import InputError, ValidationFailed
from swp_analysis.paths import DataPaths

HERE = Path(__file__).resolve().parents[1]
FIXTURES = HERE / "data" / "register"
GOOD = DataPaths.from_arg(FIXTURES / "data")
BAD = FIXTURES / "bad"
BUNDLED = DataPaths.from_arg(HERE.parent / "data")
REFERENCE = HERE.parent.parent / "shared" / "reference" / "swp-annual-report-2017-19.txt"
YEAR = "2018-19"


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return check_claims(BUNDLED, YEAR, "Wolverhampton").set_index("claim")


@pytest.mark.parametrize(
    "stated,recomputed,ok",
    [
        ("18", 100 * (543 / 460 - 1), True),  # 18.04 rounds to 18
        ("4.7", 100 * (6858 / 6361 - 1), False),  # 7.81 is not 4.7
        ("74.3", 100 * 727 / 978, True),  # 74.34
        ("7.9", 7.85, True),  # halves round up, as printed reports do
        ("7.8", 7.85, False),
        ("7.8", 7.75, True),
        ("7.8", 7.749, False),
        ("6858", 6858.0, True),
        ("6858", 6857.0, False),
        ("-1.3", (0.743 - 0.756) * 100, True),
    ],
)
def test_agrees_within_the_rounding_of_the_stated_figure(stated, recomputed, ok):
    assert agrees_within_rounding(stated, recomputed) is ok


def test_fixture_claims(tmp_path):
    table = check_claims(GOOD, YEAR, "Wolverhampton").set_index("claim")
    dv = table.loc["dv_change"]
    assert dv["recomputed"] == pytest.approx((6858 - 6361) / 6361 * 100)
    assert dv["agrees"] == False  # noqa: E712 - a nullable boolean, False here
    assert dv["status"] == "disagrees"
    assert table.loc["drug_positive", "recomputed"] == pytest.approx(100 * 727 / 978)
    assert table.loc["drug_positive", "status"] == "agrees"
    assert table.loc["baseline", "recomputed"] == pytest.approx(70)
    assert table.loc["reoffending", "status"] == "agrees"  # period 2016-17 from the claim row
    assert table.loc["funding", "status"] == "agrees"
    assert table.loc["share_83", "status"] == "disagrees"
    assert any_disagree(table)


def test_police_claims_are_never_agreeing_without_police_data():
    table = check_claims(GOOD, YEAR, "Wolverhampton").set_index("claim")
    for claim in ("vehicle_share", "burglary_rank"):
        row = table.loc[claim]
        assert row["status"] == "not checked"
        assert pd.isna(row["agrees"])
        assert pd.isna(row["recomputed"])
        assert row["note"].startswith(NOT_SUPPLIED_POLICE)
    # JSON: true / false for checked claims, null for the ones not checked
    records = json.loads(table.reset_index().to_json(orient="records"))
    by_claim = {r["claim"]: r for r in records}
    assert by_claim["vehicle_share"]["agrees"] is None
    assert by_claim["dv_change"]["agrees"] is False
    assert by_claim["champions"]["agrees"] is True


def test_police_claims_use_the_callable():
    asked = []

    def police(measure, subject, area, year):
        asked.append((measure, subject, area, year))
        if subject == "Burglary":
            return 3.0  # 3rd best, not 2nd
        return 7.6  # rounds to 8%

    table = check_claims(GOOD, YEAR, "Wolverhampton", police_figures=police).set_index("claim")
    assert sorted(asked) == [
        ("peer_rank", "Burglary", "Wolverhampton", "2018-19"),
        ("share", "Theft from a motor vehicle", "Wolverhampton", "2018-19"),
    ]
    assert table.loc["vehicle_share", "status"] == "agrees"
    assert table.loc["burglary_rank", "status"] == "disagrees"

    table = check_claims(GOOD, YEAR, "Wolverhampton", police_figures=lambda *a: None).set_index("claim")
    assert table.loc["vehicle_share", "status"] == "not checked"
    assert "cannot give" in table.loc["vehicle_share", "note"]


def test_bad_claims_file_reports_every_problem(tmp_path):
    with pytest.raises(ValidationFailed) as info:
        read_claims(BAD / "claims-bad.csv")
    assert {(p.row, p.column) for p in info.value.problems} == {
        (2, "stated"),  # "4.7%": the stated figure is written without %
        (3, "claim"),  # dv_change used again
        (4, "indicator"),  # a police indicator with a register measure
        (5, "measure"),  # "median" is not a measure
    }


def test_unknown_indicator_in_claims(tmp_path):
    shutil.copytree(GOOD.data_dir, tmp_path / "data")
    paths = DataPaths.from_arg(tmp_path / "data")
    (paths.report_dir(YEAR) / "claims.csv").write_text(
        "claim,indicator,measure,period,area,stated,where,note\n"
        "a,dv_reprots,value,,,6858,p.8,\n"
        "b,hate_crimes/dv_reprots,ratio,,,1,p.9,\n"
    )
    with pytest.raises(ValidationFailed) as info:
        check_claims(paths, YEAR, "Wolverhampton")
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "indicator"), (3, "indicator")]
    (paths.report_dir(YEAR) / "claims.csv").unlink()
    with pytest.raises(InputError, match="no claims file"):
        check_claims(paths, YEAR, "Wolverhampton")


def test_each_measure_says_why_it_was_not_checked(tmp_path):
    shutil.copytree(GOOD.data_dir, tmp_path / "data")
    paths = DataPaths.from_arg(tmp_path / "data")
    (paths.report_dir(YEAR) / "claims.csv").write_text(
        "claim,indicator,measure,period,area,stated,where,note\n"
        "old_value,dv_reports,value,2016-17,,1,p.1,\n"  # no 2016-17 row
        "first_change,dv_reports,pct_change,2017-18,,1,p.1,\n"  # 2017-18 is there, 2016-17 not
        "no_target,hate_crimes,target,,,1,p.1,\n"  # hate_crimes has no target
        "ratio,dv_reports/hate_crimes,ratio,2016-17,,1,p.1,\n"  # neither has a 2016-17 row
        "whole,dv_reports,proportion,,,1,p.1,\n"  # a count: no numerator or denominator
    )
    table = check_claims(paths, YEAR, "Wolverhampton").set_index("claim")
    assert (table["status"] == "not checked").all() and table["agrees"].isna().all()
    notes = table["note"].to_dict()
    assert notes["old_value"] == "not checked: dv_reports not supplied for Wolverhampton, 2016-17"
    assert notes["first_change"] == "not checked: dv_reports not supplied for Wolverhampton, 2016-17"
    assert notes["no_target"] == "not checked: no target for hate_crimes in indicators.yaml"
    assert notes["ratio"] == "not checked: dv_reports or hate_crimes not supplied for Wolverhampton, 2016-17"
    assert notes["whole"] == "not checked: no numerator and denominator for dv_reports, 2018-19"


def test_a_ratio_of_two_register_figures(tmp_path):
    shutil.copytree(GOOD.data_dir, tmp_path / "data")
    paths = DataPaths.from_arg(tmp_path / "data")
    (paths.report_dir(YEAR) / "claims.csv").write_text(
        "claim,indicator,measure,period,area,stated,where,note\n"
        "dv_per_hate,dv_reports/hate_crimes,ratio,,,17.8,p.1,\n"  # 6858 / 385 = 17.81
        "dv_per_hate_wrong,dv_reports/hate_crimes,ratio,,,17.9,p.1,\n"
    )
    table = check_claims(paths, YEAR, "Wolverhampton").set_index("claim")
    assert table.loc["dv_per_hate", "recomputed"] == pytest.approx(6858 / 385)
    assert table["status"].tolist() == ["agrees", "disagrees"]
    assert table.loc["dv_per_hate", "note"] == "6,858 / 385"


# --------------------------------------------------------------------------------------------
# the reference report (bundled data): every percentage it states, worked here
# --------------------------------------------------------------------------------------------


def test_domestic_abuse_change_is_flagged(bundled):
    row = bundled.loc["dv_change"]
    assert row["stated"] == 4.7
    assert row["recomputed"] == pytest.approx((6858 - 6361) / 6361 * 100)  # 7.81%
    assert row["status"] == "disagrees"
    assert "No simple reading" in row["note"]


def test_hate_crime_change_is_flagged_and_explained(bundled):
    row = bundled.loc["hate_change"]
    assert row["recomputed"] == pytest.approx((385 - 120) / 120 * 100)  # 220.8%
    assert row["status"] == "disagrees"
    # 31.2% is last year as a share of this year: 120 / 385 = 0.3117
    assert round(120 / 385 * 100, 1) == 31.2
    assert "120 / 385" in row["note"]


def test_marac_change_agrees(bundled):
    row = bundled.loc["marac_change"]
    assert row["recomputed"] == pytest.approx((543 - 460) / 460 * 100)  # 18.04%
    assert row["status"] == "agrees"


def test_drug_tests_proportion_agrees(bundled):
    # 74.3% of 978 = 726.65: 727 is the only whole number of tests giving 74.3%.
    assert [k for k in range(979) if round(100 * k / 978, 1) == 74.3] == [727]
    row = bundled.loc["drug_positive"]
    assert row["recomputed"] == pytest.approx(100 * 727 / 978)
    assert row["status"] == "agrees"
    assert bundled.loc["drug_positive_last_year", "recomputed"] == pytest.approx(75.6)
    assert bundled.loc["drug_baseline", "recomputed"] == pytest.approx(70)


def test_music_project_share_cannot_be_a_share_of_16(bundled):
    # 83% of 16 young people: no whole number k gives k/16 = 83% to the nearest percent.
    assert [k for k in range(17) if round(100 * k / 16) == 83] == []
    row = bundled.loc["music_violence_share"]
    assert row["status"] == "disagrees"
    assert row["recomputed"] == pytest.approx(100 * 13 / 16)  # the nearest: 81.25%
    assert "14/16 = 87.5%" in row["note"]


def test_reoffending_figures(bundled):
    assert bundled.loc["reoffending_rate", "recomputed"] == pytest.approx(30.8)
    assert bundled.loc["reoffending_rate", "period"] == "2016-17"
    assert bundled.loc["reoffending_national", "recomputed"] == pytest.approx(40)
    assert bundled.loc["reoffending_baseline", "status"] == "agrees"


def test_police_claims_of_the_reference_report_are_not_checked_without_police_data(bundled):
    police = bundled[bundled["indicator"].str.startswith("police:")]
    assert sorted(police.index) == ["burglary_peer_rank", "vehicle_theft_rank", "vehicle_theft_share"]
    assert (police["status"] == "not checked").all()
    assert police["agrees"].isna().all()


def test_the_bundled_check_flags_exactly_the_three_inconsistencies(bundled):
    assert sorted(bundled.index[bundled["status"] == "disagrees"]) == [
        "dv_change",
        "hate_change",
        "music_violence_share",
    ]
    assert (bundled["status"] == "agrees").sum() == len(bundled) - 3 - 3


def test_every_percentage_in_the_reference_report_is_a_claim(bundled):
    if not REFERENCE.is_file():
        pytest.skip(f"reference report not present at {REFERENCE}")
    text = REFERENCE.read_text(encoding="utf-8")
    printed = {float(x) for x in re.findall(r"(\d+(?:\.\d+)?)%", text)}
    # 74.3, 75.6, 70, 30.8, 40, 8, 4.7, 18, 31.2, 83: ten percentages in the report
    assert len(printed) == 10
    percent_claims = bundled[bundled["unit"] == "%"]
    assert printed <= set(percent_claims["stated"])


def test_terminal_table(bundled):
    text = format_claims_table(bundled.reset_index())
    lines = text.splitlines()
    assert lines[0].split()[:5] == ["claim", "measure", "stated", "recomputed", "result"]
    dv = next(line for line in lines if line.startswith("dv_change "))
    assert "4.7%" in dv and "7.8%" in dv and "DISAGREES" in dv
    n = len(bundled)
    assert f"{n} claims: {n - 6} agree, 3 disagree, 3 not checked." in text
    assert "vehicle_theft_share: not checked: police data not supplied" in text
    assert format_claims_table(bundled.iloc[0:0]) == "No claims to check."
