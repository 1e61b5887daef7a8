"""The library's shape, read from its source (see docs/architecture.md):

- every module belongs to a layer, and imports only from its own layer or those below it;
- no function is over 80 lines and no module over 600;
- no year, area, partnership or crime type is written into the code as a default: those come
  from parameters or the year's content;
- the light modules import no heavy library at import time.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "swp_analysis"

# Bottom to top. A module may import from its own layer and the layers before it.
LAYERS: list[tuple[str, set[str]]] = [
    ("foundation", {"__init__", "errors", "paths", "periods"}),
    ("sources", {"sources"}),
    (
        "data",
        {
            "clean",
            "areas",
            "duplicates",
            "encoded",
            "ingest",
            "processed",
            "fetch",
            "provenance",
            "sample_data",
        },
    ),
    ("statistics", {"stats"}),
    ("suppression", {"suppression"}),
    ("formatting", {"formatting"}),
    ("ratings", {"ratings"}),
    ("figures", {"police", "indicators", "claims"}),
    ("charts and display", {"charts", "display"}),
    ("content", {"content"}),
    ("inputs", {"inputs"}),
    ("sections", {"sections"}),
    ("facade", {"report"}),
    ("build", {"checks", "pipeline", "lab", "init"}),
    ("cli", {"cli"}),
]
RANK = {name: i for i, (_, names) in enumerate(LAYERS) for name in names}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _top(path: Path) -> str:
    """The layer key of a module: its first part under the package (``sources``, ``stats``)."""
    rel = path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0]


def _imported(path: Path) -> set[str]:
    """The package's top-level modules that ``path`` imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE).with_suffix("").parts
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                base = list(rel[: len(rel) - node.level])
                parts = base + (node.module.split(".") if node.module else [])
                if parts:
                    found.add(parts[0])
                else:
                    found |= {a.name for a in node.names}
            elif node.module and node.module.split(".")[0] == "swp_analysis":
                parts = node.module.split(".")[1:]
                found |= {parts[0]} if parts else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "swp_analysis" and len(parts) > 1:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_has_a_layer_and_imports_point_down(path):
    own = _top(path)
    assert own in RANK, f"{own} has no layer: add it to LAYERS here and to docs/architecture.md"
    upward = sorted(m for m in _imported(path) - {own} if RANK.get(m, -1) > RANK[own])
    assert not upward, f"{path.name} ({LAYERS[RANK[own]][0]}) imports from layers above it: {upward}"


def test_no_function_over_80_lines_and_no_module_over_600():
    too_long = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE)
        if len(source.splitlines()) > 600:
            too_long.append(f"{name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    too_long.append(f"{name}:{node.name}: {length} lines")
    assert not too_long, too_long


# What a default must never be: a year, a partnership's area or organisation, a force, or a
# focus crime type. (police.uk's list of crime types is the format's vocabulary, not a default,
# so module constants are checked for areas and years only.)
_PLACES = r"Wolverhampton|Walsall|Birmingham|West Midlands|Cumbria|Carlisle|Safer |SWP"
_PLACES_OR_FOCUS = re.compile(_PLACES + r"|Burglary")
_PLACE = re.compile(_PLACES)
_FISCAL_YEAR = re.compile(r"^\d{4}-\d{2}$")
EXEMPT = {"sample_data.py"}  # the synthetic sample generator draws a made-up force


def _defaults(tree: ast.AST):
    """(literal, words it must not hold): parameter defaults, ``default=`` keywords and
    module-level constants."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
                yield d, _PLACES_OR_FOCUS
        elif isinstance(node, ast.keyword) and node.arg == "default":
            yield node.value, _PLACES_OR_FOCUS
    for node in getattr(tree, "body", []):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            yield node.value, _PLACE


def test_no_year_area_or_crime_type_is_a_default_in_code():
    found = []
    for path in _modules():
        if path.name in EXEMPT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for value, words in _defaults(tree):
            for const in ast.walk(value):
                if isinstance(const, ast.Constant) and isinstance(const.value, str):
                    text = const.value
                    if _FISCAL_YEAR.match(text) or words.search(text):
                        found.append(f"{path.relative_to(PACKAGE)}:{const.lineno}: {text!r}")
    assert not found, found


@pytest.mark.parametrize("module", ["periods", "stats", "suppression", "formatting", "ratings"])
def test_the_arithmetic_modules_import_light(module):
    # scipy.stats costs ~0.7 s and pandas ~0.4 s to import; these modules defer both.
    code = (
        f"import sys, swp_analysis.{module}; "
        "heavy = [m for m in ('scipy', 'pandas', 'matplotlib', 'seaborn', 'statsmodels') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("module", ["periods", "stats", "suppression", "formatting", "ratings"])
def test_every_public_function_explains_its_method(module):
    mod = __import__(f"swp_analysis.{module}", fromlist=["__all__"])
    for name in mod.__all__:
        obj = getattr(mod, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name
