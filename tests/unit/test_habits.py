"""The project's habits, checked on every test run (so CI checks them too).

- ``ruff check`` and ``ruff format --check`` pass on the whole tree, notebooks included (through
  their jupytext pairs, see ``[tool.ruff]`` in pyproject.toml);
- every notebook and its percent-format ``.py`` hold the same cells (``jupytext --sync`` was
  run), and the ``.ipynb`` is stored without outputs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    if found.is_file():
        return str(found)
    on_path = shutil.which("ruff")
    if on_path is None:
        pytest.fail("ruff is not installed: it is part of the test extra (pip install -e '.[test]')")
    return on_path


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff_passes_on_the_whole_tree(command):
    done = subprocess.run([_ruff(), *command], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_there_are_notebooks():
    assert len(NOTEBOOKS) == 6, [p.name for p in NOTEBOOKS]


def _cells(nb: dict) -> list[tuple[str, str, list[str]]]:
    out = []
    for cell in nb["cells"]:
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        out.append((cell["cell_type"], source.strip(), sorted(cell.get("metadata", {}).get("tags", []))))
    return out


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_and_its_py_pair_agree(ipynb):
    jupytext = pytest.importorskip("jupytext")
    paired = ipynb.with_suffix(".py")
    assert paired.is_file(), f"{paired.name} is missing: run `jupytext --sync {ipynb.name}`"
    stored = json.loads(ipynb.read_text(encoding="utf-8"))
    from_py = jupytext.read(paired)
    assert _cells(stored) == _cells(from_py), (
        f"{ipynb.name} and {paired.name} differ: run `jupytext --sync notebooks/{paired.name}`"
    )


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(ipynb):
    stored = json.loads(ipynb.read_text(encoding="utf-8"))
    for cell in stored["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, ipynb.name
