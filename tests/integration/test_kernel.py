"""The notebooks' kernel is always the interpreter swp runs in, whatever kernelspecs exist."""

from __future__ import annotations

import json
import sys

import nbformat

from swp_analysis import pipeline


def test_kernel_is_this_interpreter_even_with_a_stale_python3_kernelspec(tmp_path, monkeypatch):
    # A machine-wide kernelspec named python3 (and one named like ours) that point elsewhere.
    stale = tmp_path / "jupyter"
    for name in ("python3", "swp-analysis"):
        spec = stale / "kernels" / name
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [
                        "/nonexistent/bin/python3",
                        "-m",
                        "ipykernel_launcher",
                        "-f",
                        "{connection_file}",
                    ],
                    "display_name": "stale",
                    "language": "python",
                }
            )
        )
    monkeypatch.setenv("JUPYTER_PATH", str(stale))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(stale))

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("import sys; print(sys.executable)"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source, output = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nb, str(source))

    result = pipeline.execute_one("probe", source, output, {"x": 2}, tmp_path)

    executed = nbformat.read(str(output), as_version=4)
    printed = "".join(o.get("text", "") for o in executed.cells[-1].outputs).strip()
    assert printed == sys.executable
    assert result.seconds > 0


def test_swp_lab_puts_a_python3_kernelspec_for_this_interpreter_first(monkeypatch):
    from pathlib import Path

    from swp_analysis import lab

    monkeypatch.setenv("JUPYTER_PATH", "/somewhere/else")
    env = lab.lab_env()
    first, *rest = env["JUPYTER_PATH"].split(":")
    spec = json.loads((Path(first) / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    assert rest == ["/somewhere/else"]


def test_swp_lab_passes_jupyter_options_through(monkeypatch):
    from swp_analysis import cli, lab

    seen = {}
    monkeypatch.setattr(lab, "run", lambda extra: seen.setdefault("extra", extra) and 0)
    assert cli.main(["lab", "--no-browser", "--port", "8899"]) == 0
    assert seen["extra"] == ["--no-browser", "--port", "8899"]


def test_kernel_start_failure_is_retried_once_with_a_message(tmp_path, monkeypatch, capsys):
    import papermill

    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel didn't respond in 60 seconds")

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    result = pipeline.execute_one("10_x", tmp_path / "a", tmp_path / "b", {}, tmp_path)
    assert len(calls) == 2 and result.retried
    assert "kernel failed to start" in capsys.readouterr().out


def test_a_failing_cell_is_not_retried(tmp_path, monkeypatch):
    import papermill
    import pytest
    from papermill.exceptions import PapermillExecutionError

    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        raise PapermillExecutionError(3, 2, "1/0", "ZeroDivisionError", "division by zero", [])

    monkeypatch.setattr(papermill, "execute_notebook", failing)
    with pytest.raises(PapermillExecutionError):
        pipeline.execute_one("10_x", tmp_path / "a", tmp_path / "b", {}, tmp_path)
    assert len(calls) == 1
