"""What leads and other partnerships do: check claims, start next year, build any area."""

from __future__ import annotations

import json
import re

import pytest

from swp_analysis import cli, pipeline, sample_data

pytestmark = pytest.mark.slow


def test_check_claims_flags_the_domestic_abuse_slip(sample_dir, capsys):
    code = cli.main(["check-claims", "--data-dir", str(sample_dir), "--format", "json"])
    rows = {r["claim"]: r for r in json.loads(capsys.readouterr().out)}
    assert code == 1  # at least one stated figure disagrees
    dv = rows["dv_change"]
    assert dv["stated"] == 4.7 and dv["agrees"] is False
    assert round(dv["recomputed"], 1) == round(100 * (6858 - 6361) / 6361, 1)  # 7.8
    assert rows["marac_change"]["agrees"] is True  # 460 -> 543 is +18.0%
    assert {"claim", "stated", "recomputed", "agrees"} <= set(dv)
    # police claims the police.uk categories cannot answer are "not checked", never "agrees"
    assert rows["vehicle_theft_share"]["agrees"] is None


def test_next_year_from_new_data_and_new_year_scaffold(tmp_path, capsys):
    data = tmp_path / "data"
    sample_data.generate(data, start="2018-04", end="2020-03")
    assert cli.main(["new-year", "2019-20", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "dv_reports, Wolverhampton, 2019-20" in out
    yaml_text = (data / "raw" / "report" / "2019-20" / "report.yaml").read_text()
    assert "rating: Not yet rated" in yaml_text
    assert "rating: On target for delivery" not in yaml_text

    result = pipeline.build("2019-20", "Wolverhampton", data, tmp_path / "reports", say=lambda _m: None)
    html = result.html.read_text()
    assert "Annual report 2019-20" in html
    assert "2018-19" in html  # comparisons are 2019-20 against 2018-19
    assert "not supplied" in html  # register figures the lead has not yet supplied
    assert "Not yet rated" in html
    dq = (result.html.parent / "notebooks" / "00_data_quality.ipynb").read_text()
    assert "Reports of domestic abuse (dv_reports, 2019-20)" in dq


def test_any_area_gets_police_figures_and_not_supplied_register(sample_dir, tmp_path):
    result = pipeline.build("2018-19", "Walsall", sample_dir, tmp_path / "reports", say=lambda _m: None)
    assert result.html == tmp_path / "reports" / "2018-19" / "walsall" / "annual-summary.html"
    html = re.sub(r'(src|srcset)="data:[^"]+"', "", result.html.read_text())  # images aside
    assert "Area: <strong>Walsall</strong>" in html
    assert "Walsall Community Safety Partnership" in html
    assert "Walsall recorded" in html  # police figures for the area
    assert "No partnership content" in html
    # nothing about the partnership's area or organisation, bar Wolverhampton as a peer
    for sentence in ("Safer Wolverhampton", "Wolverhampton residents", "Wolverhampton's", "SWP"):
        assert sentence not in html, sentence
    # no other partnership's content: its strapline, chair, ratings, spending
    for theirs in ("A Safe City", "Mark Taylor", "On target for delivery</span></p>", "£"):
        assert theirs not in html, theirs


def test_unknown_area_lists_the_areas_present(sample_dir, tmp_path, capsys):
    code = cli.main(
        ["build", "--data-dir", str(sample_dir), "--reports-dir", str(tmp_path / "r"), "--area", "Narnia"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "'Narnia' is not in the police data" in err
    for area in ("Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"):
        assert area in err
    assert "Traceback" not in err
