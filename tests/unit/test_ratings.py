"""Tests for swp_analysis.ratings.

Expected values come from published worked examples (cited beside each), from the reference
report (`../shared/reference/swp-annual-report-2017-19.txt`, quoted by line), or are computed
here independently of the function under test (a different algebraic form, a different scipy
routine, or a root-finder). None is pasted from the function's own output.
"""

from __future__ import annotations

import pytest

from swp_analysis.ratings import Rating, TargetResult, compare_to_target, rating_disagrees, suggest_rating


@pytest.mark.parametrize(
    "value, target, polarity, met, gap",
    [
        (65.0, 70.0, "down_is_good", True, -5.0),
        (70.0, 70.0, "down_is_good", True, 0.0),
        (85.0, 80.0, "up_is_good", True, -5.0),
        (75.0, 80.0, "up_is_good", False, 5.0),
        (80.0, 80.0, "up_is_good", True, 0.0),
    ],
)
def test_compare_to_target(value, target, polarity, met, gap):
    result = compare_to_target(value, target, polarity)
    assert isinstance(result, TargetResult)
    assert result.met is met
    assert result.gap == pytest.approx(gap)
    assert result.text.startswith("Target met" if met else "Target not met")


def test_compare_to_target_texts():
    assert compare_to_target(70, 70, "down_is_good").text == (
        "Target met: 70 against a target of 70 or below (exactly on target)"
    )
    assert compare_to_target(1500, 1200, "up_is_good", unit="count").text == (
        "Target met: 1,500 against a target of 1,200 or above (300 above it)"
    )
    assert compare_to_target(95000, 110000, "up_is_good", unit="gbp").text == (
        "Target not met: £95,000 against a target of £110,000 or above (£15,000 below it)"
    )


def test_compare_to_target_needs_a_direction():
    with pytest.raises(ValueError):
        compare_to_target(5, 4, "none")
    with pytest.raises(ValueError):
        compare_to_target(None, 4, "up_is_good")
    with pytest.raises(ValueError):
        compare_to_target(5, 4, "up_is_good", unit="furlongs")


# ------------------------------------------------------------------------------------------
# delivery ratings
# ------------------------------------------------------------------------------------------

# The reference report's key, line 47: "Complete / On target for delivery / More work needed
# to meet objectives / Not on track for delivery".
REPORT_KEY = [
    "Complete",
    "On target for delivery",
    "More work needed to meet objectives",
    "Not on track for delivery",
]


def test_rating_labels_match_the_report_key():
    assert [r.label for r in Rating][:4] == REPORT_KEY
    assert Rating.NOT_YET_RATED.label == "Not yet rated"
    assert [r.rag for r in Rating] == ["blue", "green", "amber", "red", "grey"]


def wcag_contrast(foreground: str, background: str) -> float:
    """WCAG 2.2 contrast ratio, from the definition of relative luminance (sRGB)."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("rating", list(Rating))
def test_rating_colours_are_accessible(rating):
    assert rating.text_colour.upper() in ("#000000", "#FFFFFF")
    assert wcag_contrast(rating.text_colour, rating.colour) >= 4.5
    # The swatch itself is visible on the white page (WCAG 1.4.11, 3:1).
    assert wcag_contrast(rating.colour, "#FFFFFF") >= 3.0


def test_rating_symbols_and_colours_are_distinct():
    assert len({r.symbol for r in Rating}) == len(Rating)
    assert len({r.colour.upper() for r in Rating}) == len(Rating)
    assert all(r.symbol.strip() for r in Rating)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Complete", Rating.COMPLETE),
        ("on target for delivery", Rating.ON_TARGET),
        ("MORE WORK NEEDED TO MEET OBJECTIVES", Rating.MORE_WORK),
        ("  Not on track for delivery ", Rating.NOT_ON_TRACK),
        ("NOT_ON_TRACK", Rating.NOT_ON_TRACK),
        ("more_work", Rating.MORE_WORK),
        ("on-target", Rating.ON_TARGET),
        ("Red", Rating.NOT_ON_TRACK),
        ("amber", Rating.MORE_WORK),
        ("GREEN", Rating.ON_TARGET),
        ("blue", Rating.COMPLETE),
        ("grey", Rating.NOT_YET_RATED),
        ("not yet rated", Rating.NOT_YET_RATED),
    ],
)
def test_rating_parse(text, expected):
    assert Rating.parse(text) is expected


@pytest.mark.parametrize("bad", ["", "purple", "on track", "done", None, 3])
def test_rating_parse_lists_valid_labels(bad):
    with pytest.raises(ValueError) as caught:
        Rating.parse(bad)
    for label in REPORT_KEY:
        assert label in str(caught.value)


MET = TargetResult(met=True, gap=-1.0, text="")
MISSED = TargetResult(met=False, gap=1.0, text="")


@pytest.mark.parametrize(
    "results, expected",
    [
        ([], None),
        ([None, None], None),
        ([MET], Rating.ON_TARGET),
        ([MET, MET, None], Rating.ON_TARGET),
        ([MISSED], Rating.NOT_ON_TRACK),
        ([MISSED, None, MISSED], Rating.NOT_ON_TRACK),
        ([MET, MISSED], Rating.MORE_WORK),
        ([MISSED, MET, MET], Rating.MORE_WORK),
    ],
)
def test_suggest_rating(results, expected):
    assert suggest_rating(results) is expected


def test_suggest_rating_from_the_drug_test_indicator():
    # The only linked indicator missed its target: the evidence says not on track.
    result = compare_to_target(74.3, 70, "down_is_good")
    assert suggest_rating([result]) is Rating.NOT_ON_TRACK


@pytest.mark.parametrize(
    "lead, suggested, flagged",
    [
        (Rating.ON_TARGET, Rating.NOT_ON_TRACK, True),
        (Rating.ON_TARGET, Rating.MORE_WORK, True),
        (Rating.COMPLETE, Rating.MORE_WORK, True),
        (Rating.MORE_WORK, Rating.NOT_ON_TRACK, True),
        (Rating.COMPLETE, Rating.ON_TARGET, False),  # indicators can suggest at most on target
        (Rating.ON_TARGET, Rating.ON_TARGET, False),
        (Rating.NOT_ON_TRACK, Rating.ON_TARGET, False),  # more cautious than the numbers
        (Rating.MORE_WORK, Rating.ON_TARGET, False),
        (Rating.ON_TARGET, None, False),  # no evidence
        (Rating.NOT_YET_RATED, Rating.NOT_ON_TRACK, False),
        (Rating.ON_TARGET, Rating.NOT_YET_RATED, False),
    ],
)
def test_rating_disagrees(lead, suggested, flagged):
    assert rating_disagrees(lead, suggested) is flagged
