"""Executing notebooks: each top to bottom in a fresh kernel (papermill), independent ones at once.

The kernel is always the interpreter ``swp`` runs in, whatever kernelspecs the machine has. A
notebook whose cache key has a stored result is copied from the cache instead of run.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from swp_analysis.errors import BuildFailed

from .cache import prune_cache
from .notebooks import NOTEBOOKS

KERNEL_LANGUAGE = "python"

# ---------------------------------------------------------------------------------------------
# The kernel: always the interpreter swp runs in, whatever kernelspecs the machine has.


def interpreter_kernel_manager():
    """A kernel manager class whose kernel is ``sys.executable`` (never a stale kernelspec)."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class InterpreterKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):  # type: ignore[override]
            return KernelSpec(
                # log_level=ERROR: the kernel's start-up warnings (e.g. about TCP on loopback)
                # would otherwise interleave with the build's progress lines; errors still show.
                argv=[
                    sys.executable,
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    "--IPKernelApp.log_level=ERROR",
                ],
                display_name=f"Python {platform.python_version()} (swp-analysis)",
                language=KERNEL_LANGUAGE,
                env={"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            )

    return InterpreterKernelManager


# ---------------------------------------------------------------------------------------------
# Executing one notebook (in a worker process).


@dataclass
class Executed:
    name: str
    path: Path
    seconds: float
    cached: bool = False
    retried: bool = False


def _is_kernel_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return (
        any(
            s in text
            for s in (
                "Address already in use",
                "Kernel didn't respond",
                "kernel died",
                "Kernel died",
                "TimeoutError",
                "DeadKernelError",
            )
        )
        and "PapermillExecutionError" not in type(exc).__name__
    )


def execute_one(name: str, source: Path, output: Path, parameters: dict, cwd: Path) -> Executed:
    """Run one notebook top to bottom in a fresh kernel; retry once if the kernel fails to start."""
    import papermill as pm

    start = time.perf_counter()
    retried = False
    for attempt in (1, 2):
        try:
            pm.execute_notebook(
                str(source),
                str(output),
                parameters=parameters,
                kernel_name="swp-analysis",
                language=KERNEL_LANGUAGE,
                progress_bar=False,
                log_output=False,
                cwd=str(cwd),
                start_timeout=120,
                kernel_manager_class=interpreter_kernel_manager(),
            )
            break
        except Exception as exc:  # noqa: BLE001 - classified below
            if attempt == 1 and _is_kernel_start_failure(exc):
                print(f"  {name}: kernel failed to start ({exc}); retrying once", flush=True)
                retried = True
                continue
            raise
    return Executed(name, output, time.perf_counter() - start, retried=retried)


def execute_all(
    nb_dir: Path,
    out: Path,
    params: dict,
    keys: dict[str, str],
    cache_dir: Path,
    jobs: int,
    force: bool,
    say: Callable[[str], None],
    *,
    failed_dir: Path,
) -> list[Executed]:
    """Run every notebook whose cache key has no stored result, respecting dependencies."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    done: dict[str, Executed] = {}
    todo = []
    for spec in NOTEBOOKS:
        cached = cache_dir / f"{keys[spec.name]}.ipynb"
        if not force and cached.is_file():
            target = out / f"{spec.name}.ipynb"
            shutil.copyfile(cached, target)
            os.utime(cached)  # recently used: kept longest by prune_cache
            done[spec.name] = Executed(spec.name, target, 0.0, cached=True)
            say(f"notebook {spec.name}: from cache")
        else:
            todo.append(spec)

    pending = {s.name: s for s in todo}
    failures: list[tuple[str, BaseException, Path]] = []
    bar = _progress_bar(len(todo))
    if bar is not None:
        say = bar.write  # on a terminal, lines go above the bar

    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo) or 1))) as pool:
        running: dict = {}
        while pending or running:
            ready = [s for s in pending.values() if all(d in done for d in s.depends_on) and not failures]
            for spec in ready:
                del pending[spec.name]
                fut = pool.submit(
                    execute_one,
                    spec.name,
                    nb_dir / f"{spec.name}.ipynb",
                    out / f"{spec.name}.ipynb",
                    params,
                    nb_dir,
                )
                running[fut] = spec
            if not running:
                break
            fut = next(as_completed(running))
            spec = running.pop(fut)
            try:
                result = fut.result()
            except BaseException as exc:  # noqa: BLE001 - reported with the notebook's name
                failures.append((spec.name, exc, out / f"{spec.name}.ipynb"))
                continue
            done[spec.name] = result
            if bar is not None:
                bar.update(1)
            shutil.copyfile(result.path, cache_dir / f"{keys[spec.name]}.ipynb")
            say(
                f"notebook {spec.name}: executed in {result.seconds:.1f}s"
                + (" (after one retry)" if result.retried else "")
            )
    if bar is not None:
        bar.close()
    if failures:
        raise _notebook_failure(failures, failed_dir)
    prune_cache(cache_dir, keep=set(keys.values()))
    return [done[s.name] for s in NOTEBOOKS]


def _progress_bar(total: int):
    """A tqdm bar on a terminal; None in CI logs and pipes, where plain lines are clearer."""
    if total == 0 or not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="notebook", desc="notebooks", file=sys.stderr, leave=False)


def _source_cell_number(executed: Path, cell_index: int) -> int:
    """The 1-based number of a cell in the notebook as written (papermill inserts a cell)."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return cell_index + 1
    injected = sum(
        1 for c in cells[:cell_index] if "injected-parameters" in c.get("metadata", {}).get("tags", [])
    )
    return cell_index - injected + 1


def _notebook_failure(failures: list[tuple[str, BaseException, Path]], kept: Path) -> BuildFailed:
    """Keep the partially executed notebooks (in ``kept``) and say where each failed."""
    from papermill.exceptions import PapermillExecutionError

    lines = ["The report was not built; the previous report (if any) is unchanged."]
    for name, exc, partial in failures:
        final = None
        if partial.is_file():
            kept.mkdir(parents=True, exist_ok=True)
            final = kept / partial.name
            shutil.copyfile(partial, final)
        if isinstance(exc, PapermillExecutionError):
            first_line = next((ln for ln in exc.source.splitlines() if ln.strip()), "")
            lines.append(
                f"Notebook {name} failed in cell {_source_cell_number(partial, exc.cell_index)} "
                f"(counting cells from 1 as JupyterLab shows them, starting "
                f"`{first_line.strip()}`): {exc.ename}: {exc.evalue}"
            )
        else:
            lines.append(f"Notebook {name} failed: {type(exc).__name__}: {exc}")
        if final:
            lines.append(f"  The partially executed notebook is kept at {final}")
    return BuildFailed("\n".join(lines))
