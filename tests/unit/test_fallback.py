"""A sentence whose figure is missing is replaced whole: never "supported not supplied people"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from swp_analysis.content import render_narrative
from swp_analysis.content.narrative import render_with_fallbacks
from swp_analysis.formatting import Missing, missing_sentence

GAP = Missing("long-term rough sleepers supported", "2019-20")
CONTEXT = {"sleepers": {"value": GAP, "previous": "16"}, "area": "Wolverhampton", "n": "20"}


def test_default_sentence_replaces_the_one_with_the_gap():
    text = "Since April, the team supported **{{ sleepers.value }} rough sleepers**. The work goes on."
    out = render_narrative(text, CONTEXT, file="x.md")
    assert out == (
        "The figure for long-term rough sleepers supported was not supplied for 2019-20. The work goes on."
    )
    assert "not supplied rough" not in out


def test_the_leads_otherwise_text_wins():
    text = (
        'We supported {{ sleepers.value }} people.{{ otherwise("The team did not report its numbers.") }} '
        "{{ n }} others were helped."
    )
    assert render_narrative(text, CONTEXT, file="x.md") == (
        "The team did not report its numbers. 20 others were helped."
    )


def test_otherwise_disappears_when_the_figure_is_there():
    text = 'We supported {{ sleepers.previous }} people.{{ otherwise("Not reported.") }}'
    assert render_narrative(text, CONTEXT, file="x.md") == "We supported 16 people."


def test_list_items_keep_their_marker_and_other_items_are_untouched():
    text = "- **{{ sleepers.value }} people** helped\n- {{ n }} centres open\n"
    out, fallbacks = render_with_fallbacks(text, CONTEXT, file="x.md")
    assert out.splitlines() == [
        "- The figure for long-term rough sleepers supported was not supplied for 2019-20.",
        "- 20 centres open",
    ]
    assert len(fallbacks) == 1 and fallbacks[0].line == 1
    assert fallbacks[0].sentence == "**not supplied people** helped"


def test_the_year_before_is_named_when_it_is_the_missing_one():
    before = Missing("hate crimes recorded", "2018-19")
    text = "Hate crimes rose from {{ h.previous }} to {{ h.value }}."
    out = render_narrative(text, {"h": {"previous": before, "value": "385"}}, file="x.md")
    assert out == "The figure for hate crimes recorded was not supplied for 2018-19."


def test_several_missing_figures_in_one_sentence_are_named_together():
    items = [("studio sessions", "2019-20", "not supplied"), ("hours", "2019-20", "not supplied")]
    assert (
        missing_sentence(items) == "The figures for studio sessions and hours were not supplied for 2019-20."
    )


def test_other_reasons_have_their_own_words():
    assert "too small to publish" in missing_sentence([("robbery in Carlisle", "2017-18", "suppressed")])
    assert "cover no month" in missing_sentence([("recorded crime", "2019-20", "no police data")])
    assert "only part of that year" in missing_sentence([("rate of burglary", "2017-18", "part year")])


def test_a_missing_value_reads_as_text_in_a_table():
    assert str(GAP) == "not supplied" and not GAP.supplied
    assert str(Missing("robbery", "2017-18", "suppressed")) == "*"


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Co"]), max_size=60))
def test_text_without_a_missing_figure_is_rendered_unchanged(words):
    # any prose (placeholders aside) passes through exactly: only marked sentences are touched
    text = words.replace("{", "(").replace("}", ")").replace("#", "").replace("\r", " ")
    assert render_narrative(text, {}, file="x.md") == text
