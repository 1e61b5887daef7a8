"""Report content: report.yaml validation, placeholders filled from the register, the number
lint, Markdown with raw HTML off (script payloads in every text field come out as text), and
next year's scaffold.

Expected figures are worked in the tests from the fixture's numbers, never pasted from output.
"""

from __future__ import annotations

import math
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from swp_analysis.content import (
    build_context,
    check_placeholders,
    lint_narrative,
    load_content,
    markdown_inline_to_html,
    markdown_to_html,
    new_year,
    render_narrative,
    reset_ratings,
)
from swp_analysis.errors import InputError, ValidationFailed
from swp_analysis.paths import DataPaths
from swp_analysis.ratings import Rating
from swp_analysis.sources.register import load_register

HERE = Path(__file__).resolve().parents[1]
FIXTURES = HERE / "data" / "register"
GOOD = FIXTURES / "data"
BAD = FIXTURES / "bad"
BUNDLED = DataPaths.from_arg(HERE.parent / "data")
YEAR = "2018-19"

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture()
def paths() -> DataPaths:
    return DataPaths.from_arg(GOOD)


@pytest.fixture()
def context(paths):
    return build_context(load_register(paths), YEAR, "Wolverhampton")


@pytest.fixture()
def data_copy(tmp_path) -> DataPaths:
    shutil.copytree(GOOD, tmp_path / "data")
    return DataPaths.from_arg(tmp_path / "data")


def where(problems) -> set[tuple[int | None, str | None]]:
    return {(p.row, p.column) for p in problems}


class _Elements(HTMLParser):
    """Every element and attribute an HTML string really contains (not escaped text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


def assert_inert(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags, html
    assert not [a for a, _ in parser.attrs if a.lower().startswith("on")], html
    assert not [v for a, v in parser.attrs if v and v.strip().lower().startswith("javascript:")]


# --------------------------------------------------------------------------------------------
# report.yaml
# --------------------------------------------------------------------------------------------


def test_loads_the_fixture_content(paths):
    content = load_content(paths, YEAR)
    assert content.partnership.name == "Test Partnership"
    assert content.area == "Wolverhampton"
    ratings = {o.id: o.rating for _, o in content.objectives()}
    assert ratings == {"drugs": Rating.MORE_WORK, "da_response": Rating.NOT_ON_TRACK}  # "red"
    assert content.key == [Rating.COMPLETE, Rating.ON_TARGET, Rating.MORE_WORK, Rating.NOT_ON_TRACK]
    assert [s.id for s in content.uncovered_strategy_objectives()] == ["r2"]
    assert set(content.texts) == {
        "introduction.md",
        "partnership.md",
        "commissioning.md",
        "moving-forward.md",
        "drugs.md",
        "da.md",
        "focus-story.md",
        "da-red-rating.md",
    }


def test_malformed_report_yaml_names_its_line(data_copy):
    shutil.copy(BAD / "report-malformed.yaml", data_copy.report_dir(YEAR) / "report.yaml")
    with pytest.raises(InputError) as info:
        load_content(data_copy, YEAR)
    assert info.value.problem.row is not None and info.value.problem.row >= 3
    assert "not valid YAML" in str(info.value)


def test_a_rating_that_is_not_a_rating(data_copy):
    shutil.copy(BAD / "report-rating-unknown.yaml", data_copy.report_dir(YEAR) / "report.yaml")
    with pytest.raises(ValidationFailed) as info:
        load_content(data_copy, YEAR)
    assert where(info.value.problems) == {(36, "rating")}  # line 36 of the file
    problem = info.value.problems[0]
    assert "Amber-ish" in problem.found
    assert "On target for delivery" in problem.message  # lists the valid labels


def test_a_missing_narrative_file(data_copy):
    shutil.copy(BAD / "report-missing-narrative.yaml", data_copy.report_dir(YEAR) / "report.yaml")
    with pytest.raises(ValidationFailed) as info:
        load_content(data_copy, YEAR)
    assert where(info.value.problems) == {(38, "commentary")}  # line 38
    assert "missing.md" in info.value.problems[0].expected


def test_every_content_problem_is_reported_at_once(data_copy):
    shutil.copy(BAD / "report-many-problems.yaml", data_copy.report_dir(YEAR) / "report.yaml")
    with pytest.raises(ValidationFailed) as info:
        load_content(data_copy, YEAR)
    # Line numbers counted in bad/report-many-problems.yaml (the key lost "Complete").
    assert [(p.row, p.column) for p in info.value.problems] == [
        (35, "rating"),  # "Complete" is not in this report's key
        (37, "commentary"),  # missing.md does not exist
        (44, "rating_explanation"),  # red without an explanation: at the objective's line
        (49, "indicators"),  # champoins is not an indicator id
    ]


def test_year_must_match_its_folder(data_copy):
    f = data_copy.report_dir(YEAR) / "report.yaml"
    f.write_text(f.read_text().replace("year: 2018-19", "year: 2017-18"))
    with pytest.raises(ValidationFailed) as info:
        load_content(data_copy, YEAR)
    assert where(info.value.problems) == {(2, "year")}


def test_no_content_for_a_year(paths):
    with pytest.raises(InputError) as info:
        load_content(paths, "2030-31")
    assert "2018-19" in str(info.value)  # says which years exist


@pytest.mark.parametrize("name", ["../secret.md", "/etc/passwd.md", "notes.txt", "a b.md"])
def test_narrative_file_names_stay_inside_the_folder(data_copy, name):
    f = data_copy.report_dir(YEAR) / "report.yaml"
    f.write_text(f.read_text().replace("commentary: drugs.md", f"commentary: '{name}'"))
    with pytest.raises(ValidationFailed) as info:
        load_content(data_copy, YEAR)
    assert where(info.value.problems) == {(38, "commentary")}


# --------------------------------------------------------------------------------------------
# the context: metrics as text
# --------------------------------------------------------------------------------------------


def test_context_for_a_count(context):
    dv = context["dv_reports"]
    pct = (6858 / 6361 - 1) * 100  # 7.813...
    assert dv["change_pct"] == f"{pct:.1f}%" == "7.8%"
    assert dv["change"] == f"an increase of {pct:.1f}% (6,361 to 6,858)"
    z = 2 * (math.sqrt(6858) - math.sqrt(6361))  # Wheeler's Poisson Z, 6.11
    assert dv["z"] == f"{z:.1f}"
    assert dv["verdict"] == "increase"  # |Z| > 3
    assert (dv["value"], dv["previous"]) == ("6,858", "6,361")
    assert dv["period_long"] == "2018-2019" and dv["previous_period_long"] == "2017-2018"
    assert dv["target"] == "no target set"


def test_context_for_a_proportion_with_a_target(context):
    drug = context["drug_tests_positive"]
    pp = (0.743 - 0.756) * 100  # -1.3 percentage points
    assert drug["change"] == f"a decrease of {abs(pp):.1f} percentage points (75.6% to 74.3%)"
    assert drug["value"] == "74.3%" and drug["numerator"] == "727"
    assert drug["target_met"] == "not met"  # 74.3% is above the 70% baseline
    assert drug["vs_target"] == "above" and drug["target_value"] == "70%"
    assert drug["z"] == "not applicable"


def test_context_lag_missing_and_money(context, paths):
    reoffending = context["reoffending"]
    assert reoffending["period"] == "2016-17"  # lag_years 2
    assert reoffending["value"] == "30.8%" and reoffending["vs_target"] == "below"
    assert reoffending["target_met"] == "met"  # 30.8% is below the 40% benchmark
    assert reoffending["previous"] == "not supplied"
    assert reoffending["change"] == "not supplied"
    champions = context["champions"]
    assert champions["target_met"] == "not met"  # 9 against a target of 10, up is good
    assert context["funding"]["value"] == "£110,000"
    walsall = build_context(load_register(paths), YEAR, "Walsall")
    assert walsall["dv_reports"]["value"] == "not supplied"
    assert walsall["dv_reports"]["target_met"] == "no target set"
    assert walsall["drug_tests_positive"]["target_met"] == "not supplied"
    assert context["year_long"] == "2018-2019" and context["next_year_long"] == "2019-2020"


def test_extra_is_merged_into_the_context(paths):
    ctx = build_context(
        load_register(paths), YEAR, "Wolverhampton", extra={"police": {"burglary_rank": "2nd"}}
    )
    text = render_narrative("{{ police.burglary_rank }} best", ctx, file="x.md")
    assert text == "2nd best"


# --------------------------------------------------------------------------------------------
# rendering and its errors
# --------------------------------------------------------------------------------------------


def test_renders_the_fixture_narrative(paths, context):
    content = load_content(paths, YEAR)
    assert content.check(context) == []
    text = content.render("da.md", context)
    pct = (6858 / 6361 - 1) * 100
    assert f"**an increase of {pct:.1f}% (6,361 to 6,858)**" in text
    html = content.html("da.md", context)
    assert "<strong>an increase of 7.8% (6,361 to 6,858)</strong>" in html
    assert "{{" not in "".join(content.render(f, context) for f in content.texts)


def test_unknown_placeholder_names_file_line_and_placeholder(context):
    text = (BAD / "unknown-placeholder.md").read_text()
    with pytest.raises(InputError) as info:
        render_narrative(text, context, file="bad/unknown-placeholder.md")
    p = info.value.problem
    assert (p.file, p.row, p.column) == ("bad/unknown-placeholder.md", 2, "placeholder")
    assert p.found == "dv_reports.chnage"
    assert "dv_reports.change" in p.expected  # the close match is suggested
    assert "1 more" in str(info.value)
    problems = check_placeholders(text, context, file="u.md")
    assert [(q.row, q.found) for q in problems] == [(2, "dv_reports.chnage"), (3, "unknown_metric")]


def test_unknown_placeholder_in_a_content_file(data_copy, context):
    shutil.copy(BAD / "unknown-placeholder.md", data_copy.report_dir(YEAR) / "drugs.md")
    content = load_content(data_copy, YEAR)  # loads: placeholders need a context
    errors = [p for p in content.check(context) if p.severity == "error"]
    assert where(errors) == {(2, "placeholder"), (3, "placeholder")}
    assert all(Path(p.file).name == "drugs.md" for p in errors)
    with pytest.raises(InputError, match="drugs.md"):
        content.render("drugs.md", context)


def test_template_syntax_error_is_reported_with_its_line(data_copy, context):
    (data_copy.report_dir(YEAR) / "drugs.md").write_text("Fine.\nBroken {{ dv_reports.value \n")
    with pytest.raises(ValidationFailed) as info:
        load_content(data_copy, YEAR)
    assert [Path(p.file).name for p in info.value.problems] == ["drugs.md"]
    assert info.value.problems[0].row == 2


def test_narrative_cannot_reach_python_internals(context):
    for text in [
        "{{ ''.__class__.__mro__ }}",
        "{{ dv_reports.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
    ]:
        with pytest.raises(InputError):
            render_narrative(text, context, file="evil.md")


# --------------------------------------------------------------------------------------------
# the number lint
# --------------------------------------------------------------------------------------------


def test_numbers_typed_into_prose_are_warned_about(context):
    text = (
        "Reports rose to 6,858 this year.\n"  # line 1: dv_reports.value
        "Positive tests: 74.3% of them.\n"  # line 2: drug_tests_positive.value
        "In 2018-2019 and April 2018 nothing; see [the page](https://x.org/6858).\n"  # line 3
        "Theft was 8% of crime, the 5th highest.\n"  # line 4: 8% is not 7.8%; 5th an ordinal
        "Placeholders are fine: {{ dv_reports.value }}.\n"  # line 5
        "An 18% rise would be.\n"  # line 6: no metric is 18.0%
        "Funding of £110,000 and 9 champions.\n"  # line 7: funding.value, champions.value
    )
    problems = lint_narrative(text, context, file="n.md")
    assert all(p.severity == "warning" for p in problems)
    assert [(p.row, p.found) for p in problems] == [(1, "6,858"), (2, "74.3%"), (7, "£110,000"), (7, "9")]
    assert problems[0].column == "character 17"
    assert "{{ dv_reports.value }}" in problems[0].expected


def test_the_bundled_narrative_has_no_typed_numbers_and_no_unknown_placeholders(police_context):
    content = load_content(BUNDLED, YEAR)
    context = build_context(load_register(BUNDLED), YEAR, content.area, extra=police_context)
    assert content.check(context) == []


# --------------------------------------------------------------------------------------------
# Markdown with raw HTML off: payloads in every text field
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_shows_raw_html_as_text(payload):
    html = markdown_to_html(f"Hello {payload}\n\n{payload}\n\n- item {payload}\n")
    assert_inert(html)
    assert "&lt;" in html
    assert_inert(markdown_inline_to_html(payload))


def test_markdown_refuses_script_links_and_images():
    html = markdown_to_html("[click](javascript:alert(1)) ![x](http://example.org/x.png)")
    assert_inert(html)
    assert 'href="javascript' not in html and "<img" not in html


FREE_TEXT = {
    "title",
    "name",
    "short_name",
    "strapline",
    "operating_as",
    "role",
    "organisation",
    "term",
    "meaning",
    "text",
    "rating_note",
    "strategy_title",
    "priority",
    "heading",
    "third_sector_heading",
    "items",
    "members",
    "third_sector",
    "area",
}


def _poison(node, payload, counter):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FREE_TEXT and isinstance(value, str):
                node[key] = f"{value} {payload}"
                counter.append(key)
            elif key in FREE_TEXT and isinstance(value, list):
                node[key] = [f"{v} {payload}" for v in value]
                counter += [key] * len(value)
            else:
                _poison(value, payload, counter)
    elif isinstance(node, list):
        for item in node:
            _poison(item, payload, counter)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list | tuple):
        for v in node:
            yield from _strings(v)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_text_field_come_out_escaped(data_copy, payload):
    folder = data_copy.report_dir(YEAR)
    data = yaml.safe_load((folder / "report.yaml").read_text())
    poisoned: list[str] = []
    _poison(data, payload, poisoned)
    (folder / "report.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    for md in folder.glob("*.md"):
        md.write_text(md.read_text() + f"\n{payload}\n\n- {payload}\n")
    content = load_content(data_copy, YEAR)  # payloads are text: they load

    strings = [s for s in _strings(content.report.model_dump()) if payload in s]
    assert len(strings) == len(poisoned) >= 20  # every free-text field carries the payload
    for s in strings:
        assert_inert(markdown_to_html(s))
        assert_inert(markdown_inline_to_html(s))

    context = build_context(load_register(data_copy), YEAR, content.area, extra={"note": payload})
    assert payload in content.area
    for name in content.texts:
        html = content.html(name, context)
        assert_inert(html)
        assert "alert(1)" in html  # shown, as text
    # A value inserted by a placeholder is escaped too (autoescape), e.g. the area's name.
    html = markdown_to_html(render_narrative("Area: {{ area }} {{ note }}", context, file="a.md"))
    assert_inert(html)
    assert "alert(1)" in html


def test_ids_and_file_names_refuse_markup(data_copy):
    f = data_copy.report_dir(YEAR) / "report.yaml"
    f.write_text(f.read_text().replace("- id: drugs", "- id: '<script>'"))
    with pytest.raises(ValidationFailed) as info:
        load_content(data_copy, YEAR)
    assert where(info.value.problems) == {(33, "id")}


# --------------------------------------------------------------------------------------------
# the bundled 2018-19 content
# --------------------------------------------------------------------------------------------


def test_bundled_content_follows_the_reference_report():
    content = load_content(BUNDLED, YEAR)
    assert content.partnership.name == "Safer Wolverhampton Partnership"
    assert [p.title for p in content.priorities] == [
        "Reducing Reoffending",
        "Reducing Victimisation",
        "Violence Prevention",
        "Statutory Functions",
    ]
    assert [len(p.strategy_objectives) for p in content.priorities] == [6, 6, 5, 4]
    ratings = {o.id: o for _, o in content.objectives()}
    red = ratings.pop("vp_perpetrator_programme")
    assert red.rating is Rating.NOT_ON_TRACK and red.rating_explanation
    assert "Explanation of red rating" in red.rating_note
    assert red.rating_basis == "stated"
    for o in ratings.values():  # every other rating is an assumption: provisional, and says why
        assert o.rating_note.startswith("Assumed") and o.rating_basis == "provisional", o.id
    assert ratings["rr_substance_misuse"].rating is Rating.MORE_WORK
    assert [s.id for s in content.uncovered_strategy_objectives()] == ["rv2", "rv5"]
    # the reference report's 25 terms, and six it uses without defining: DIP, DVPP, MARAC, NPU,
    # PCSO and WDVF
    assert len(content.glossary) == 31
    assert content.next_year.title == "Year 3 delivery"
    assert [len(r.items) for r in content.next_year.rows] == [6, 5, 7, 4]
    assert len(content.membership.members) == 12 and len(content.membership.third_sector) == 5
    focus = [f.title for _, o in content.objectives() for f in o.focus]
    assert focus == ["Beats a bar", "PACT"]


def test_bundled_narrative_renders_the_recomputed_figures(police_context):
    content = load_content(BUNDLED, YEAR)
    context = build_context(load_register(BUNDLED), YEAR, "Wolverhampton", extra=police_context)
    da = content.render("rv-cultural-acceptance.md", context)
    pct = (6858 - 6361) / 6361 * 100
    assert f"an increase of {pct:.1f}% (6,361 to 6,858)" in da  # not the printed 4.7%
    hate = content.render("rv-hate-crime.md", context)
    assert f"An increase of {(385 - 120) / 120 * 100:.1f}% (120 to 385)" in hate
    drugs = content.render("rr-substance-misuse.md", context)
    assert "978 drug tests" in drugs and "74.3% proved positive" in drugs
    assert "target is not met" in drugs
    assert "£110,000" in content.render("moving-forward.md", context)
    for name in content.texts:
        assert "{{" not in content.render(name, context)
        assert_inert(content.html(name, context))


# --------------------------------------------------------------------------------------------
# next year
# --------------------------------------------------------------------------------------------


def test_reset_ratings_keeps_comments_and_layout():
    text = (
        "# comment\nyear: 2018-19\npriorities:\n  - objectives:\n"
        "      - id: a\n        rating: red  # was red\n        rating_note: assumed\n"
        "          continued\n        commentary: a.md\n"
    )
    out = reset_ratings(text, "2019-20")
    assert out == (
        "# comment\nyear: 2019-20\npriorities:\n  - objectives:\n"
        "      - id: a\n        rating: Not yet rated\n        commentary: a.md\n"
    )


def test_new_year_scaffolds_without_overwriting(data_copy):
    old = data_copy.report_dir(YEAR)
    new = data_copy.report_dir("2019-20")
    new.mkdir(parents=True)
    (new / "introduction.md").write_text("Already written by the lead.\n")

    rows = new_year(data_copy, YEAR, "2019-20")

    assert (new / "introduction.md").read_text() == "Already written by the lead.\n"
    assert not (new / "claims.csv").exists()  # a published report's claims stay with it
    assert (new / "da.md").read_bytes() == (old / "da.md").read_bytes()
    content = load_content(data_copy, "2019-20")
    assert content.year == "2019-20"
    assert {o.rating for _, o in content.objectives()} == {Rating.NOT_YET_RATED}
    assert all(o.rating_note is None for _, o in content.objectives())
    assert "# A small report for tests." in (new / "report.yaml").read_text()
    # every fixture indicator had a 2018-19 figure (reoffending: 2016-17, lag 2)
    assert "dv_reports, Wolverhampton, 2019-20" in rows
    assert "reoffending, Wolverhampton, 2017-18" in rows
    assert len(rows) == 7
    # the source year is untouched
    assert {o.rating for _, o in load_content(data_copy, YEAR).objectives()} == {
        Rating.MORE_WORK,
        Rating.NOT_ON_TRACK,
    }

    # a second run changes nothing
    before = {p: p.read_bytes() for p in new.rglob("*") if p.is_file()}
    new_year(data_copy, YEAR, "2019-20")
    assert {p: p.read_bytes() for p in new.rglob("*") if p.is_file()} == before


def test_new_year_needs_a_later_fiscal_year(data_copy):
    with pytest.raises(InputError):
        new_year(data_copy, YEAR, "2018-19")
    with pytest.raises(InputError):
        new_year(data_copy, YEAR, "2019-2020")
    with pytest.raises(InputError):
        new_year(data_copy, "2015-16", "2016-17")


def test_new_year_on_the_bundled_content(tmp_path, police_context):
    shutil.copytree(BUNDLED.data_dir / "raw", tmp_path / "data" / "raw")
    paths = DataPaths.from_arg(tmp_path / "data")
    rows = new_year(paths, YEAR, "2019-20")
    assert "dv_reports, Wolverhampton, 2019-20" in rows
    assert "reoffending_rate, Wolverhampton, 2017-18" in rows
    assert "reoffending_rate_national, National, 2017-18" in rows
    content = load_content(paths, "2019-20")
    # police placeholders: the shape only (the sample has no 2019-20 police data)
    context = build_context(load_register(paths), "2019-20", "Wolverhampton", extra=police_context)
    assert [p for p in content.check(context) if p.severity == "error"] == []
    text = content.render("rv-cultural-acceptance.md", context)
    assert "not supplied" in text  # missing figures say so; never zero, never a crash
