"""YAML files read with their line numbers, and pydantic's errors placed on those lines.

``indicators.yaml`` (``sources/register.py``) and ``report.yaml`` (``content.py``) are parsed
with :func:`read_yaml`, which keeps PyYAML's node tree, so that every problem pydantic finds
(:func:`pydantic_problems`) names the line it concerns, and a key repeated in one mapping
(which PyYAML would silently keep the last of) is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from swp_analysis.errors import InputError, Problem, ValidationFailed


def read_yaml(path: str | Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file, returning the data and its node tree (for line numbers).

    Raises :class:`InputError` with the line and column of a syntax error, and
    :class:`ValidationFailed` listing every repeated mapping key (PyYAML would otherwise keep
    the last one silently).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "The file does not exist.", expected="a YAML file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "The file is not UTF-8 text.", expected="UTF-8") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            path,
            f"The file is not valid YAML: {exc.problem or exc.context}.",
            row=mark.line + 1 if mark else None,
            column=f"character {mark.column + 1}" if mark else None,
            expected="valid YAML (check indentation, and quote text containing ': ' or '#')",
            found=_line_text(text, mark.line) if mark else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(path, f"The file is not valid YAML: {exc}.") from exc
    repeated = list(_repeated_keys(path, node)) if node is not None else []
    if repeated:
        raise ValidationFailed(repeated)
    return data, node


def _line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    return repr(lines[line].strip()) if 0 <= line < len(lines) else "the end of the file"


def _repeated_keys(path: Path, node: yaml.Node) -> Iterable[Problem]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                yield Problem(
                    path,
                    "A key is repeated in the same mapping.",
                    key.start_mark.line + 1,
                    str(key.value),
                    expected="each key once",
                    found=f"'{key.value}' again",
                )
            seen.add(key.value)
            yield from _repeated_keys(path, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _repeated_keys(path, item)


def node_line(node: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (a pydantic error location).

    When ``loc`` names a key that is absent (a missing field), the line of the nearest
    enclosing node is returned.
    """
    if node is None:
        return None
    current = node
    for part in loc:
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if key.value == part:
                    current = value
                    break
            else:
                return current.start_mark.line + 1
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(current.value):
                current = current.value[part]
            else:
                return current.start_mark.line + 1
        else:
            break
    return current.start_mark.line + 1


def pydantic_problems(error: ValidationError, path: str | Path, node: yaml.Node | None) -> list[Problem]:
    """One :class:`Problem` per pydantic error, at the YAML line the error concerns."""
    problems = []
    for err in error.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        where = ".".join(str(p) for p in loc) or "the top level"
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        expected = _expected(err)
        found = None if err["type"] == "missing" else _short(err.get("input"))
        problems.append(Problem(path, f"{where}: {msg}.", node_line(node, loc), field, expected, found))
    return problems


def _expected(err: dict) -> str | None:
    ctx = err.get("ctx") or {}
    if err["type"] == "missing":
        return "this field to be present"
    if err["type"] == "extra_forbidden":
        return "only the documented fields (check the spelling)"
    if "expected" in ctx:
        return str(ctx["expected"])
    if "pattern" in ctx:
        return f"text matching {ctx['pattern']}"
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
