"""Benchmark: `swp build` against the naive papermill + nbconvert CLI loop, in one run.

Measured on the bundled data (generated into a temporary folder if absent), each the median of
``--repeat`` runs (default 3):

(a) baseline: for each notebook, the ``papermill`` CLI then the ``jupyter nbconvert --to html``
    CLI, one after another (what a lead would script by hand);
(b) ``swp build --force`` (cold: every notebook executed);
(c) ``swp build`` again with nothing changed;
(d) ``swp build`` after editing one priority notebook (a new markdown cell each run).

Prints each time and the ratios against the targets of issue 8:
(b)/(a) <= 0.45, (c)/(a) <= 0.08, (d)/(b) <= 0.6.

    python benchmarks/build.py [--repeat 3] [--data-dir DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from swp_analysis import pipeline, sample_data  # noqa: E402

EDITED = "30_violence_prevention"
TARGETS = {"(b)/(a)": 0.45, "(c)/(a)": 0.08, "(d)/(b)": 0.6}


def timed(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"command failed ({out.returncode}): {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    return elapsed


def kernel_env(tmp: Path) -> dict:
    """A JUPYTER_PATH whose python3 kernel is this interpreter, so the CLIs use it too."""
    spec = tmp / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "bench",
                "language": "python",
            }
        )
    )
    env = dict(os.environ, JUPYTER_PATH=str(tmp / "jupyter"))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def baseline(nb_dir: Path, out: Path, data_dir: Path, env: dict) -> float:
    out.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    start = time.perf_counter()
    for spec in pipeline.NOTEBOOKS:
        executed = out / f"{spec.name}.ipynb"
        timed(
            [
                str(bindir / "papermill"),
                str(nb_dir / f"{spec.name}.ipynb"),
                str(executed),
                "-p",
                "year",
                "2018-19",
                "-p",
                "area",
                "Wolverhampton",
                "-p",
                "data_dir",
                str(data_dir),
                "-k",
                "python3",
                "--no-progress-bar",
                "--cwd",
                str(nb_dir),
            ],
            env=env,
        )
        timed([str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], env=env)
    return time.perf_counter() - start


def edit(nb_path: Path, n: int) -> None:
    nb = nbformat.read(str(nb_path), as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"Benchmark edit {n}."))
    nbformat.write(nb, str(nb_path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="swp-bench-") as tmp_name:
        tmp = Path(tmp_name)
        data_dir = Path(args.data_dir) if args.data_dir else ROOT / "data"
        if not sample_data.sample_present(data_dir):
            data_dir = tmp / "data"
            print(f"generating the bundled sample into {data_dir}", flush=True)
            sample_data.generate(data_dir)
        nb_dir = tmp / "notebooks"
        shutil.copytree(ROOT / "notebooks", nb_dir)
        env = kernel_env(tmp)
        swp = [
            sys.executable,
            "-m",
            "swp_analysis.cli",
            "build",
            "--data-dir",
            str(data_dir),
            "--notebooks-dir",
            str(nb_dir),
            "--reports-dir",
            str(tmp / "reports"),
        ]
        if args.jobs:
            swp += ["--jobs", str(args.jobs)]
        # warm-up: ingest cache and the machine's font cache, as on any machine after set-up
        timed(swp, env=env)

        times: dict[str, list[float]] = {"a": [], "b": [], "c": [], "d": []}
        for i in range(args.repeat):
            times["a"].append(baseline(nb_dir, tmp / f"baseline-{i}", data_dir, env))
            print(f"(a) baseline run {i + 1}: {times['a'][-1]:.1f}s", flush=True)
        for i in range(args.repeat):
            times["b"].append(timed(swp + ["--force"], env=env))
            print(f"(b) swp build --force run {i + 1}: {times['b'][-1]:.1f}s", flush=True)
        for i in range(args.repeat):
            times["c"].append(timed(swp, env=env))
            print(f"(c) swp build, nothing changed, run {i + 1}: {times['c'][-1]:.2f}s", flush=True)
        for i in range(args.repeat):
            edit(nb_dir / f"{EDITED}.ipynb", i)
            times["d"].append(timed(swp, env=env))
            print(f"(d) swp build after editing {EDITED}, run {i + 1}: {times['d'][-1]:.1f}s", flush=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    ratios = {"(b)/(a)": med["b"] / med["a"], "(c)/(a)": med["c"] / med["a"], "(d)/(b)": med["d"] / med["b"]}
    print()
    print(f"cores: {os.cpu_count()}, notebooks: {len(pipeline.NOTEBOOKS)}, repeat: {args.repeat}")
    for key, label in (
        ("a", "baseline papermill + nbconvert CLIs"),
        ("b", "swp build --force"),
        ("c", "swp build, nothing changed"),
        ("d", f"swp build, {EDITED} edited"),
    ):
        print(
            f"({key}) {label:40s} median {med[key]:7.2f}s  runs " + ", ".join(f"{t:.2f}" for t in times[key])
        )
    for name, value in ratios.items():
        verdict = "meets" if value <= TARGETS[name] else "MISSES"
        print(f"{name} = {value:.3f}  (target <= {TARGETS[name]}: {verdict})")


if __name__ == "__main__":
    main()
