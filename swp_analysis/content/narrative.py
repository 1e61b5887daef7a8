"""Narrative: Markdown whose numbers are placeholders filled from computed figures.

:func:`render_narrative` fills them (sandboxed Jinja, autoescaped; an unknown name is an error
naming file and line); :func:`check_placeholders` lists every unknown one; :func:`lint_narrative`
warns about numbers typed into prose where a figure exists; :func:`markdown_to_html` renders the
result with raw HTML disabled, so ``<script>`` or ``onerror=`` in any input is shown as text.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes as jnodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt

from swp_analysis import formatting
from swp_analysis.errors import InputError, Problem

from .fallback import Fallback, apply_fallbacks, otherwise


def source_line(text: str, line: int | None) -> str | None:
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    shown = lines[line - 1].strip()
    return repr(shown if len(shown) <= 80 else shown[:77] + "...")


# --------------------------------------------------------------------------------------------
# Rendering narrative
# --------------------------------------------------------------------------------------------


def environment() -> ImmutableSandboxedEnvironment:
    # Sandboxed: a narrative file is data a lead edits, never code; autoescaped: a value can
    # never become markup; StrictUndefined: an unknown name is an error, never blank prose.
    env = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals["otherwise"] = otherwise
    return env


def _chain(node: jnodes.Node) -> list[str] | None:
    if isinstance(node, jnodes.Name):
        return [node.name]
    if isinstance(node, jnodes.Getattr):
        base = _chain(node.node)
        return None if base is None else [*base, node.attr]
    if (
        isinstance(node, jnodes.Getitem)
        and isinstance(node.arg, jnodes.Const)
        and isinstance(node.arg.value, str)
    ):
        base = _chain(node.node)
        return None if base is None else [*base, node.arg.value]
    return None


def _bound_names(tree: jnodes.Template) -> set[str]:
    names: set[str] = set()
    binders = tree.find_all((jnodes.For, jnodes.Assign, jnodes.AssignBlock))
    for target in [n.target for n in binders]:
        names |= {n.name for n in target.find_all(jnodes.Name)}
        if isinstance(target, jnodes.Name):
            names.add(target.name)
    return names | {"loop"}


def referenced_names(text: str) -> set[str]:
    """The top-level names a narrative's placeholders use (indicator ids, ``police``, ``year``)."""
    try:
        tree = environment().parse(text)
    except jinja2.TemplateSyntaxError:
        return set()
    return {n.name for n in tree.find_all(jnodes.Name) if n.ctx == "load"} - _bound_names(tree)


def check_placeholders(text: str, context: Mapping[str, Any], *, file: str | Path) -> list[Problem]:
    """Every placeholder in ``text`` that ``context`` cannot resolve, one problem each."""
    env = environment()
    try:
        tree = env.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        return [
            Problem(
                file,
                f"A placeholder is written wrongly: {exc.message}.",
                exc.lineno,
                None,
                "placeholders like {{ dv_reports.change }}",
                source_line(text, exc.lineno),
            )
        ]
    bound = _bound_names(tree) | set(env.globals)
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for node in tree.find_all((jnodes.Name, jnodes.Getattr, jnodes.Getitem)):
        chain = _chain(node)
        if not chain or chain[0] in bound or getattr(node, "ctx", "load") != "load":
            continue
        current: Any = context
        for depth, part in enumerate(chain):
            if isinstance(current, Mapping) and part in current:
                current = current[part]
                continue
            if not isinstance(current, Mapping) and depth > 0:
                break  # an attribute of a plain value (e.g. a string method): not ours to judge
            name = ".".join(chain[: depth + 1])
            if (node.lineno, name) not in seen:
                seen.add((node.lineno, name))
                problems.append(_unknown_placeholder(file, node.lineno, name, chain, context))
            break
    return problems


def _unknown_placeholder(
    file: str | Path, line: int, name: str, chain: list[str], context: Mapping[str, Any]
) -> Problem:
    parent = context
    for part in name.split(".")[:-1]:
        parent = parent[part]
    keys = sorted(k for k in parent if not k.startswith("_")) if isinstance(parent, Mapping) else []
    close = difflib.get_close_matches(name.split(".")[-1], keys, n=3)
    expected = (
        ("a known metric, such as " + ", ".join(".".join([*name.split(".")[:-1], c]) for c in close))
        if close
        else ("a known metric (an indicator id from indicators.yaml, then .value, .change, ...)")
    )
    return Problem(
        file,
        f"The placeholder '{{{{ {'.'.join(chain)} }}}}' names an unknown metric '{name}'.",
        line,
        "placeholder",
        expected,
        name,
    )


def render_narrative(text: str, context: Mapping[str, Any], *, file: str | Path) -> str:
    """Fill the placeholders of Markdown ``text`` from ``context``; returns Markdown.

    Values are HTML-escaped as they are inserted (so a value can never add markup), the
    template runs in Jinja's sandbox, and an unknown placeholder raises :class:`InputError`
    naming ``file``, the line and the placeholder (the first one; the message counts the
    rest, all of which :func:`check_placeholders` lists). A sentence whose figure is missing
    is replaced whole (:mod:`.fallback`). The output is Markdown, to be turned into HTML by
    :func:`markdown_to_html`, which shows raw HTML as text.
    """
    return render_with_fallbacks(text, context, file=file)[0]


def render_with_fallbacks(
    text: str, context: Mapping[str, Any], *, file: str | Path
) -> tuple[str, list[Fallback]]:
    """:func:`render_narrative`, and the sentences replaced because a figure was missing."""
    problems = check_placeholders(text, context, file=file)
    if problems:
        first = problems[0]
        more = (
            f" ({len(problems) - 1} more unknown placeholder(s) in this file.)" if len(problems) > 1 else ""
        )
        raise InputError(
            file,
            first.message + more,
            row=first.row,
            column=first.column,
            expected=first.expected,
            found=first.found,
        )
    env = environment()
    try:
        return apply_fallbacks(env.from_string(text).render(dict(context)))
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(file, f"A placeholder is written wrongly: {exc.message}.", row=exc.lineno) from exc
    except jinja2.UndefinedError as exc:
        raise InputError(
            file,
            f"A placeholder names an unknown metric: {exc.message}.",
            column="placeholder",
            found=str(exc.message),
        ) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise InputError(
            file,
            f"A placeholder tries something unsafe: {exc}.",
            expected="placeholders that name metrics only",
        ) from exc


# Numbers as people type them: 6,858  6858  74.3  83%  £110,000. Not parts of words or
# identifiers (x3, WV1), not ordinals (5th), not footnote superscripts (not ASCII digits).
_NUMBER_IN_PROSE = re.compile(
    r"(?<![\w.,/£-])(?P<gbp>£)?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?(?P<pct>%)?"
    r"(?![\w]|[.,]\d)"
)
_JINJA_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_URL = re.compile(r"\]\([^)]*\)|<[^>\s]+>|https?://\S+|www\.\S+")
_YEAR_RANGE = re.compile(r"\b(19|20)\d{2}\s*[-–/]\s*(\d{4}|\d{2})\b")


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _metric_numbers(context: Mapping[str, Any]) -> list[tuple[float, bool, str]]:
    """(number, is_percent, placeholder) for every number the context holds."""
    out: list[tuple[float, bool, str]] = []
    for key, entry in context.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("raw"), Mapping):
            continue
        raw, unit = entry["raw"], entry.get("unit")
        for name in ("value", "previous", "numerator", "denominator"):
            x = raw.get(name)
            if _missing(x):
                continue
            if unit == "proportion" and name in ("value", "previous"):
                out.append((x * 100, True, f"{key}.{name}"))
            else:
                out.append((float(x), False, f"{key}.{name}"))
        if not _missing(raw.get("pct_change")):
            out.append((abs(raw["pct_change"]), True, f"{key}.change_pct"))
        if not _missing(raw.get("pp_change")):
            out.append((abs(raw["pp_change"]), False, f"{key}.change_pp"))
        if not _missing(raw.get("target")):
            t = raw["target"] * 100 if unit == "proportion" else raw["target"]
            out.append((t, unit == "proportion", f"{key}.target_value"))
    return out


def _rounds_to(x: float, decimals: int, number: float) -> bool:
    return abs(float(formatting.fmt_number(x, dp=decimals, whole=False).replace(",", "")) - number) < 1e-9


def lint_narrative(text: str, context: Mapping[str, Any], *, file: str | Path) -> list[Problem]:
    """Warnings for numbers typed into narrative where the context holds the same number.

    A number written in prose (``6,858``, ``74.3%``, ``£110,000``) that equals, to the
    decimals written, a metric of the context is reported with the placeholder to use.
    Placeholders, link targets, URLs and years (``2018``, ``2018-2019``) are ignored. Each
    warning names the file, the line and the character position.
    """
    cleaned = _JINJA_SPAN.sub(_blank, text)
    cleaned = _URL.sub(_blank, cleaned)
    cleaned = _YEAR_RANGE.sub(_blank, cleaned)
    candidates = _metric_numbers(context)
    problems: list[Problem] = []
    for lineno, line in enumerate(cleaned.splitlines(), start=1):
        for m in _NUMBER_IN_PROSE.finditer(line):
            whole = m.group("num").replace(",", "")
            decimals = len(m.group("dec")) - 1 if m.group("dec") else 0
            number = float(whole + (m.group("dec") or ""))
            is_pct = bool(m.group("pct"))
            if (
                not is_pct
                and not m.group("gbp")
                and not decimals
                and "," not in m.group("num")
                and len(whole) == 4
                and 1900 <= number <= 2100
            ):
                continue  # a year
            # A percentage matches at the decimals written when it has some, else at the one
            # decimal a metric is shown with: "18%" is MARAC's 18.0%, "8%" is not 7.8%.
            shown = max(decimals, 1) if is_pct else decimals
            hits = [name for x, pct, name in candidates if pct == is_pct and _rounds_to(x, shown, number)]
            if hits:
                written = m.group(0)
                problems.append(
                    Problem(
                        file,
                        f"The number {written} is typed into the narrative, but a metric holds it: "
                        "use the placeholder so the text cannot drift from the data.",
                        lineno,
                        f"character {m.start() + 1}",
                        expected=" or ".join("{{ " + h + " }}" for h in hits[:3]),
                        found=written,
                        severity="warning",
                    )
                )
    return problems


def _markdown() -> MarkdownIt:
    # "js-default": CommonMark plus tables and strikethrough, with raw HTML OFF, so any tag in
    # an input is shown as text. Images are off too: the board's HTML makes no external
    # requests, and javascript:/data: links are refused by markdown-it's link validation.
    return MarkdownIt("js-default", {"html": False, "linkify": False}).disable("image")


def markdown_to_html(md: str) -> str:
    """Markdown to HTML with raw HTML disabled: ``<script>`` comes out as ``&lt;script&gt;``."""
    return _markdown().render(md)


def markdown_inline_to_html(md: str) -> str:
    """One line of Markdown (a title, a list item) to HTML, without a wrapping paragraph."""
    return _markdown().renderInline(md)
