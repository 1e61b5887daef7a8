"""One document from the executed notebooks, exported to HTML with the report's template."""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

from .notebooks import ANNEX_NOTEBOOKS, ANNEX_TAG, SPLICE_TAGS, SUMMARY

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _shown(output: dict) -> bool:
    """False for what a board member never sees: streams, and HTML with nothing in it."""
    if output.get("output_type") == "stream":
        return False
    data = output.get("data", {})
    if set(data) <= {"text/html", "text/plain"} and "text/html" in data:
        markup = data["text/html"]
        return bool(("".join(markup) if isinstance(markup, list) else markup).strip())
    return True


def _strip_for_report(nb) -> list:
    """The cells a board member sees: no parameters, no streams, no empty code cells."""
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters", "remove-cell"}:
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if _shown(o)]
            if not cell.outputs:
                continue
        cells.append(cell)
    return cells


def _heading(cell) -> tuple[int, bool] | None:
    """For a cell that starts with a heading (a Markdown heading, or HTML output that opens with
    one, as a generated chapter does): its level, and whether the cell holds more than the
    heading. None for any other cell."""
    if cell.cell_type == "code":
        html_out = "".join("".join(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", []))
        found = re.match(r"\s*<h([1-6])[\s>].*?</h\1>(.*)", html_out, re.S)
        return (int(found.group(1)), bool(found.group(2).strip())) if found else None
    if cell.cell_type != "markdown":
        return None
    lines = [ln.strip() for ln in cell.source.splitlines() if ln.strip()]
    if not lines or not lines[0].startswith("#"):
        return None
    level = len(lines[0]) - len(lines[0].lstrip("#"))
    return level, not all(ln.startswith("#") for ln in lines)


def drop_empty_sections(cells: list) -> list:
    """Cells without the headings that have nothing under them (before the next heading of the
    same or a higher level), as when a report for another authority has no content for them."""
    keep = []
    for i, cell in enumerate(cells):
        head = _heading(cell)
        if head is not None and not head[1] and not _has_content(cells[i + 1 :], head[0]):
            continue
        keep.append(cell)
    return keep


def _has_content(following: list, level: int) -> bool:
    for cell in following:
        head = _heading(cell)
        if head is None:
            return True
        if head[0] <= level:
            return False
        if head[1]:
            return True
    return False


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _finish(nbformat, cells: list, metadata: dict, title: str):
    cells = drop_empty_sections(cells)
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"  # each notebook numbers its own cells: unique, stable ids here
    combined = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(metadata))
    combined.metadata["title"] = title
    return combined


def combine(executed: dict[str, Path], title: str, annex_title: str) -> tuple:
    """Two notebooks: the board's (the summary with the priority chapters spliced in) and the
    technical annex (the data-quality notebook, then every cell tagged ``annex`` elsewhere)."""
    import nbformat  # imported on use: it costs about a second (jsonschema)

    nbs = {name: nbformat.read(str(path), as_version=4) for name, path in executed.items()}
    summary = nbs[SUMMARY]
    board, annex = [], []
    for name in ANNEX_NOTEBOOKS:
        annex.extend(_strip_for_report(copy.deepcopy(nbs[name])))
    for cell in summary.cells:
        splice = [t for t in _tags(cell) if t in SPLICE_TAGS]
        chapter = [c for n in SPLICE_TAGS[splice[0]] for c in nbs[n].cells] if splice else [cell]
        for part in _strip_for_report(nbformat.from_dict({"cells": copy.deepcopy(chapter)})):
            (annex if ANNEX_TAG in _tags(part) else board).append(part)
    return _finish(nbformat, board, summary.metadata, title), _finish(
        nbformat, annex, summary.metadata, annex_title
    )


def contents_list(nb) -> list[dict]:
    """Every level-2 heading in document order: markdown cells and headings in HTML outputs.

    Markdown headings get the id nbconvert gives them; headings built by
    :func:`swp_analysis.display.heading` carry their own id.
    """
    items = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    text = line[3:].strip()
                    items.append({"text": text, "id": _anchor_id(text)})
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                html_text = out.get("data", {}).get("text/html", "")
                html_text = "".join(html_text) if isinstance(html_text, list) else html_text
                for ident, text in re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', html_text):
                    items.append({"text": html.unescape(text), "id": ident})
    return items


def _anchor_id(text: str) -> str:
    """The id nbconvert's Markdown renderer gives a heading (spaces become hyphens)."""
    return re.sub(r"\s", "-", html.escape(text, quote=False))


class Exporter:
    """In-process HTML export with our template, loaded once per build."""

    def __init__(self) -> None:
        from nbconvert import HTMLExporter

        self._exporter = HTMLExporter(
            template_name="swp",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            anchor_link_text="",
            sanitize_html=False,  # every output is built escaped by swp_analysis.display
        )

    def export(self, nb, context: dict) -> str:
        body, _ = self._exporter.from_notebook_node(nb, resources={"swp": context})
        return body
