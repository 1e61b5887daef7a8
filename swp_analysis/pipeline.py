"""Build the board's report: ingest, execute notebooks with papermill, export one HTML file.

``build()`` is what ``swp build`` runs:

1. validate every input, collecting all problems (nothing is built from bad input);
2. ingest the police data into ``data/processed`` (cached by the inputs' sha256);
3. execute each notebook top to bottom in a fresh kernel with papermill, independent notebooks
   concurrently, each result cached under a key of its source, parameters, inputs and library;
4. splice the executed notebooks into one document and export it in-process with nbconvert and
   our template (one template load per build);
5. write ``manifest.json`` and move everything into place only when all of that succeeded.

A failing notebook leaves the previous report untouched; the error names the notebook, the cell
and where the partially executed notebook was kept.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import __version__
from .errors import BuildFailed, SwpError
from .paths import DataPaths, area_slug, find_project_root

TEMPLATES = Path(__file__).parent / "templates"
KERNEL_LANGUAGE = "python"


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of the report and where its cells go in the combined document."""

    name: str
    title: str
    depends_on: tuple[str, ...] = ()


NOTEBOOKS: tuple[NotebookSpec, ...] = (
    NotebookSpec("00_data_quality", "Data quality and methods"),
    NotebookSpec("10_reducing_reoffending", "Strategic Priority: Reducing Reoffending"),
    NotebookSpec("20_reducing_victimisation", "Strategic Priority: Reducing Victimisation"),
    NotebookSpec("30_violence_prevention", "Strategic Priority: Violence Prevention"),
    NotebookSpec("40_statutory_functions", "Statutory Functions"),
    NotebookSpec("90_annual_summary", "Annual summary"),
)
SUMMARY = "90_annual_summary"
# Cells of the summary tagged with these are replaced by the listed notebooks' cells.
SPLICE_TAGS = {
    "insert-priorities": [
        "10_reducing_reoffending",
        "20_reducing_victimisation",
        "30_violence_prevention",
        "40_statutory_functions",
    ],
    "insert-data-quality": ["00_data_quality"],
}


def notebooks_dir() -> Path:
    return find_project_root(Path(__file__)) / "notebooks"


# ---------------------------------------------------------------------------------------------
# The kernel: always the interpreter swp runs in, whatever kernelspecs the machine has.


def _interpreter_kernel_manager():
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
                kernel_manager_class=_interpreter_kernel_manager(),
            )
            break
        except Exception as exc:  # noqa: BLE001 - classified below
            if attempt == 1 and _is_kernel_start_failure(exc):
                print(f"  {name}: kernel failed to start ({exc}); retrying once", flush=True)
                retried = True
                continue
            raise
    return Executed(name, output, time.perf_counter() - start, retried=retried)


# ---------------------------------------------------------------------------------------------
# Cache keys.


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def library_fingerprint() -> str:
    """Hash of the library's own source and templates: a code change invalidates the cache."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".j2", ".css", ".json"} and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def notebook_fingerprint(path: Path) -> str:
    """Hash of a notebook's cell types, sources and tags (not its outputs or metadata noise)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [
        [c.get("cell_type"), "".join(c.get("source", "")), sorted(c.get("metadata", {}).get("tags", []))]
        for c in nb.get("cells", [])
    ]
    return _sha256_bytes(json.dumps(cells, sort_keys=True).encode())


def inputs_fingerprint(paths: DataPaths) -> dict[str, str]:
    """sha256 of every raw input except police files, plus the processed police table."""
    from .provenance import inventory

    out = {name: entry["sha256"] for name, entry in inventory(paths).items()}
    if paths.police_parquet.is_file():
        out["processed/police_street.parquet"] = _sha256_bytes(paths.police_parquet.read_bytes())
    return out


# ---------------------------------------------------------------------------------------------
# Combining and exporting.


def _strip_for_report(nb) -> list:
    """The cells a board member sees: no parameters, no streams, no empty code cells."""
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters", "remove-cell"}:
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
            if not cell.outputs:
                continue
        cells.append(cell)
    return cells


def combine(executed: dict[str, Path], title: str):
    """One notebook: the summary with the priority chapters and data quality spliced in."""
    import nbformat  # imported on use: it costs about a second (jsonschema)

    nbs = {name: nbformat.read(str(path), as_version=4) for name, path in executed.items()}
    summary = nbs[SUMMARY]
    cells = []
    for cell in summary.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        splice = [t for t in tags if t in SPLICE_TAGS]
        if splice:
            for name in SPLICE_TAGS[splice[0]]:
                cells.extend(_strip_for_report(copy.deepcopy(nbs[name])))
            continue
        cells.extend(_strip_for_report(nbformat.from_dict({"cells": [cell]})))
    combined = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(summary.metadata))
    combined.metadata["title"] = title
    return combined


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


# ---------------------------------------------------------------------------------------------
# The build.


@dataclass
class BuildResult:
    html: Path
    manifest: Path
    executed: list[Executed] = field(default_factory=list)
    seconds: float = 0.0
    up_to_date: bool = False


def _git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _versions() -> dict[str, str]:
    names = [
        "swp-analysis",
        "pandas",
        "pyarrow",
        "numpy",
        "scipy",
        "seaborn",
        "matplotlib",
        "papermill",
        "nbconvert",
        "nbclient",
        "ipykernel",
        "jinja2",
        "pandera",
        "pydantic",
    ]
    out = {"python": platform.python_version()}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def build(
    year: str,
    area: str,
    data_dir: str | Path | None = None,
    reports_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    say: Callable[[str], None] = print,
    build_time: dt.datetime | None = None,
    notebooks: str | Path | None = None,
) -> BuildResult:
    """Build ``reports/<year>/<area-slug>/annual-summary.html`` from the data folder."""
    from . import checks, ingest, provenance

    t0 = time.perf_counter()
    paths = DataPaths.from_arg(data_dir)
    root = find_project_root(Path(__file__))
    reports = Path(reports_dir).resolve() if reports_dir else root / "reports"
    out_dir = reports / year / area_slug(area)
    cache_dir = reports / ".cache"
    jobs = jobs or os.cpu_count() or 1
    build_time = build_time or dt.datetime.now(dt.UTC).replace(microsecond=0)

    nb_dir = Path(notebooks).resolve() if notebooks else notebooks_dir()

    step = time.perf_counter()
    try:
        ingested = ingest.ingest_police(paths, progress=lambda m: say(f"  {m}"))
    except SwpError:
        # Bad police input: report it together with every other input's problems.
        checks.validate(paths, year, area)
        raise
    say(
        f"ingest: {'unchanged police files, cached table used' if ingested.cached else 'police files read'}"
        f" ({time.perf_counter() - step:.1f}s)"
    )

    params = {"year": year, "area": area, "data_dir": str(paths.data_dir)}
    keys = notebook_keys(nb_dir, params, paths)
    build_key = _sha256_bytes(json.dumps(keys, sort_keys=True).encode())
    if not force and _up_to_date(out_dir, build_key):
        say(
            f"up to date: {out_dir / 'annual-summary.html'} was built from these inputs, "
            f"notebooks and library ({time.perf_counter() - t0:.1f}s; --force rebuilds)"
        )
        return BuildResult(
            out_dir / "annual-summary.html",
            out_dir / "manifest.json",
            [],
            time.perf_counter() - t0,
            up_to_date=True,
        )

    step = time.perf_counter()
    warnings = checks.validate(paths, year, area)
    say(f"validate: {len(warnings)} warning(s) ({time.perf_counter() - step:.1f}s)")
    for w in warnings:
        say(f"  warning: {w}")

    reports.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{area_slug(area)}-{year}-", dir=reports))
    try:
        (staging / "notebooks").mkdir()
        executed = _execute_all(
            nb_dir,
            staging / "notebooks",
            params,
            keys,
            cache_dir,
            jobs,
            force,
            say,
            failed_dir=out_dir / "failed",
        )

        step = time.perf_counter()
        combined = combine({e.name: e.path for e in executed}, f"Annual report {year}: {area}")
        context = {
            "partnership": checks.partnership_name(paths, year, area),
            "area": area,
            "year": year,
            "built": build_time.strftime("%d %B %Y"),
            "built_iso": build_time.isoformat(),
            "contents": contents_list(combined),
            "sources": checks.data_sources(paths),
        }
        page = Exporter().export(combined, context)
        (staging / "annual-summary.html").write_text(page, encoding="utf-8")
        say(
            f"export: annual-summary.html {len(page.encode()) / 1e6:.2f} MB "
            f"({time.perf_counter() - step:.1f}s)"
        )

        manifest = {
            "built": build_time.isoformat(),
            "parameters": params | {"data_dir": os.path.relpath(paths.data_dir, root)},
            "swp_analysis_version": __version__,
            "git_commit": _git_commit(root),
            "versions": _versions(),
            "inputs": {
                **provenance.inventory(paths, year),
                **provenance.police_inventory(ingest.read_manifest(paths).get("police", {})),
            },
            "build_key": build_key,
            "html_sha256": _sha256_bytes(page.encode("utf-8")),
            "police": ingest.read_manifest(paths).get("police", {}),
            "warnings": [str(w) for w in warnings],
            "notebooks": {
                e.name: {"seconds": round(e.seconds, 2), "cached": e.cached, "key": keys[e.name]}
                for e in executed
            },
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str) + "\n")
        _publish(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    total = time.perf_counter() - t0
    n_cached = sum(e.cached for e in executed)
    say(
        f"built {out_dir / 'annual-summary.html'} in {total:.1f}s "
        f"({len(executed) - n_cached} notebook(s) executed, {n_cached} from cache)"
    )
    return BuildResult(out_dir / "annual-summary.html", out_dir / "manifest.json", executed, total)


def notebook_keys(nb_dir: Path, params: dict, paths: DataPaths) -> dict[str, str]:
    """Each notebook's cache key: its source, the parameters, the inputs, the library, and the
    keys of the notebooks it depends on."""
    inputs_key = _sha256_bytes(json.dumps(inputs_fingerprint(paths), sort_keys=True).encode())
    lib = library_fingerprint()
    keys: dict[str, str] = {}
    for spec in NOTEBOOKS:
        source = nb_dir / f"{spec.name}.ipynb"
        if not source.is_file():
            raise BuildFailed(f"Notebook {source} is missing.")
        parts = [
            notebook_fingerprint(source),
            json.dumps(params, sort_keys=True),
            inputs_key,
            lib,
            *[keys[d] for d in spec.depends_on],
        ]
        keys[spec.name] = _sha256_bytes("\n".join(parts).encode())
    return keys


def _up_to_date(out_dir: Path, build_key: str) -> bool:
    """True when the published report was built with this key and is intact."""
    try:
        manifest = json.loads((out_dir / "manifest.json").read_text())
        html = (out_dir / "annual-summary.html").read_bytes()
    except (OSError, ValueError):
        return False
    return manifest.get("build_key") == build_key and manifest.get("html_sha256") == _sha256_bytes(html)


def _publish(staging: Path, out_dir: Path) -> None:
    """Move a complete build into place; the HTML file is replaced last, atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    old_nb = out_dir / "notebooks"
    if old_nb.exists():
        trash = out_dir / f".old-notebooks-{os.getpid()}"
        old_nb.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
    (staging / "notebooks").rename(old_nb)
    os.replace(staging / "manifest.json", out_dir / "manifest.json")
    os.replace(staging / "annual-summary.html", out_dir / "annual-summary.html")
    failed = out_dir / "failed"
    if failed.exists():
        shutil.rmtree(failed, ignore_errors=True)


def _execute_all(
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
            os.utime(cached)  # recently used: kept longest by _prune_cache
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
    _prune_cache(cache_dir, keep=set(keys.values()))
    return [done[s.name] for s in NOTEBOOKS]


CACHE_ENTRIES = 120  # about 20 builds' worth of notebooks; each is a few hundred kB


def _prune_cache(cache_dir: Path, keep: set[str], limit: int = CACHE_ENTRIES) -> None:
    """Drop the oldest cached notebooks beyond ``limit`` (never those of this build)."""
    entries = sorted(cache_dir.glob("*.ipynb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in entries[limit:]:
        if p.stem not in keep:
            p.unlink(missing_ok=True)


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
