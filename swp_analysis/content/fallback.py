"""Sentences whose figure is missing are replaced whole, never printed with a gap in them.

A placeholder whose figure is missing (:class:`swp_analysis.formatting.Missing`) renders as a
marker. After a narrative file is rendered, every sentence holding a marker is replaced:

- by what the lead wrote next to it with ``{{ otherwise("...") }}``, for example
  ``Of {{ drug_tests.value }} tests, {{ drug_tests_positive.value }} proved positive.{{
  otherwise("Drug test figures were not supplied this year.") }}``;
- or else by a plain default: "The figure for drug tests on arrest was not supplied for
  2019-20." (:func:`swp_analysis.formatting.missing_sentence`).

So narrative never reads "supported not supplied long-term rough sleepers". ``swp validate``
lists every sentence that will fall back (:func:`apply_fallbacks` returns them).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from swp_analysis.errors import Problem
from swp_analysis.formatting import MISSING_CLOSE, MISSING_OPEN, MISSING_SEP, REASONS, missing_sentence

__all__ = ["Fallback", "apply_fallbacks", "fallback_warning", "otherwise"]

OTHERWISE_OPEN, OTHERWISE_CLOSE = "\ue003", "\ue004"
_MISSING = re.compile(re.escape(MISSING_OPEN) + r"([^" + MISSING_CLOSE + r"]*)" + re.escape(MISSING_CLOSE))
_OTHERWISE = re.compile(
    re.escape(OTHERWISE_OPEN) + r"([^" + OTHERWISE_CLOSE + r"]*)" + re.escape(OTHERWISE_CLOSE)
)
# Where one sentence ends and the next begins: after . ! ? (or an otherwise(...) marker) and
# spaces; at a blank line; before a list item, heading or quote on a new line.
_BOUNDARY = re.compile(
    r"(?<=[.!?" + OTHERWISE_CLOSE + r"])[ \t]+"
    r"|(?<=[.!?" + OTHERWISE_CLOSE + r"])\n"
    r"|\n(?:[ \t]*\n)+"
    r"|\n(?=[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#|>))"
)
_LEAD = re.compile(r"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+|#+[ \t]+|>[ \t]*)*")


def otherwise(text: str) -> Markup:
    """What to say instead of the sentence this follows when that sentence's figure is missing."""
    return Markup(OTHERWISE_OPEN + str(escape(text)) + OTHERWISE_CLOSE)


@dataclass(frozen=True)
class Fallback:
    """A sentence replaced because a figure in it is missing."""

    line: int
    sentence: str
    replacement: str


def _spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _readable(sentence: str) -> str:
    """A rendered sentence as a reader would have seen it without the fallback."""
    plain = _MISSING.sub(lambda m: REASONS[m.group(1).split(MISSING_SEP)[-1]], sentence)
    return _OTHERWISE.sub("", plain).strip()


def apply_fallbacks(markdown: str) -> tuple[str, list[Fallback]]:
    """``markdown`` with each sentence holding a missing figure replaced, and what was replaced."""
    if MISSING_OPEN not in markdown and OTHERWISE_OPEN not in markdown:
        return markdown, []
    out, last, fallbacks = [], 0, []
    for start, end in _spans(markdown):
        sentence = markdown[start:end]
        lead = _LEAD.match(sentence).group(0)
        body = sentence[len(lead) :]
        found = _MISSING.findall(body)
        if found:
            written = _OTHERWISE.findall(body)
            items = [tuple(x.split(MISSING_SEP)) for x in found]
            replacement = written[-1] if written else missing_sentence(items)  # parts escaped already
            line = markdown.count("\n", 0, start) + 1
            fallbacks.append(Fallback(line, _readable(body), replacement))
            body = replacement
        else:
            body = _OTHERWISE.sub("", body)
        out.append(markdown[last:start] + lead + body)
        last = end
    out.append(markdown[last:])
    return "".join(out), fallbacks


def fallback_warning(file: object, fallback: Fallback) -> Problem:
    """The warning ``swp validate`` gives for a sentence that will fall back."""
    return Problem(
        file,
        "A figure here is missing, so instead of this sentence the report will say: "
        f"\u201c{html.unescape(fallback.replacement)}\u201d",
        fallback.line,
        found=f"\u201c{html.unescape(fallback.sentence)}\u201d",
        severity="warning",
    )
