"""``swp build``: validate, ingest, execute the notebooks, export, and publish in one step."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from swp_analysis import __version__, checks, ingest, provenance
from swp_analysis.errors import SwpError
from swp_analysis.paths import DataPaths, area_slug, find_project_root

from .cache import notebook_keys, sha256_bytes, up_to_date
from .execute import Executed, execute_all
from .export import Exporter, combine, contents_list
from .notebooks import ANNEX_HTML, BOARD_HTML, OUTPUTS, notebooks_dir

# ---------------------------------------------------------------------------------------------
# The build.


@dataclass
class BuildResult:
    """Where a build's outputs are: the board's HTML, the manifest (the annex is beside them)."""

    html: Path
    manifest: Path
    executed: list[Executed] = field(default_factory=list)
    seconds: float = 0.0
    up_to_date: bool = False

    @property
    def annex(self) -> Path:
        return self.html.with_name(ANNEX_HTML)


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
    t0 = time.perf_counter()
    paths = DataPaths.from_arg(data_dir)
    root = find_project_root(Path(__file__))
    reports = Path(reports_dir).resolve() if reports_dir else root / "reports"
    out_dir = reports / year / area_slug(area)
    build_time = build_time or dt.datetime.now(dt.UTC).replace(microsecond=0)
    nb_dir = Path(notebooks).resolve() if notebooks else notebooks_dir()

    _ingest(paths, year, area, say)
    params = {"year": year, "area": area, "data_dir": str(paths.data_dir)}
    keys = notebook_keys(nb_dir, params, paths)
    build_key = sha256_bytes(json.dumps(keys, sort_keys=True).encode())
    if not force and up_to_date(out_dir, build_key):
        say(
            f"up to date: {out_dir / 'annual-summary.html'} was built from these inputs, "
            f"notebooks and library ({time.perf_counter() - t0:.1f}s; --force rebuilds)"
        )
        return BuildResult(
            out_dir / "annual-summary.html", out_dir / "manifest.json", [], time.perf_counter() - t0, True
        )
    warnings = _validate(paths, year, area, say)

    reports.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{area_slug(area)}-{year}-", dir=reports))
    try:
        (staging / "notebooks").mkdir()
        executed = execute_all(
            nb_dir, staging / "notebooks", params, keys, reports / ".cache", jobs or os.cpu_count() or 1,
            force, say, failed_dir=out_dir / "failed",
        )  # fmt: skip
        pages = _export(executed, paths, year, area, build_time, staging, say)
        manifest = _manifest(paths, params, root, build_time, build_key, pages, warnings, executed, keys)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str) + "\n")
        publish(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    total = time.perf_counter() - t0
    n_cached = sum(e.cached for e in executed)
    say(
        f"built {out_dir / 'annual-summary.html'} in {total:.1f}s "
        f"({len(executed) - n_cached} notebook(s) executed, {n_cached} from cache)"
    )
    return BuildResult(out_dir / "annual-summary.html", out_dir / "manifest.json", executed, total)


def _ingest(paths: DataPaths, year: str, area: str, say: Callable[[str], None]) -> None:
    """Bring the processed police table up to date (cached by the files' sha256)."""
    step = time.perf_counter()
    try:
        ingested = ingest.ingest_police(paths, progress=lambda m: say(f"  {m}"))
    except SwpError:
        # Bad police input: report it together with every other input's problems.
        checks.validate(paths, year, area)
        raise
    what = "unchanged police files, cached table used" if ingested.cached else "police files read"
    say(f"ingest: {what} ({time.perf_counter() - step:.1f}s)")


def _validate(paths: DataPaths, year: str, area: str, say: Callable[[str], None]) -> list:
    step = time.perf_counter()
    warnings = checks.validate(paths, year, area)
    say(f"validate: {len(warnings)} warning(s) ({time.perf_counter() - step:.1f}s)")
    for w in warnings:
        say(f"  warning: {w}")
    return warnings


def _export(
    executed: list[Executed],
    paths: DataPaths,
    year: str,
    area: str,
    build_time: dt.datetime,
    staging: Path,
    say: Callable[[str], None],
) -> dict[str, str]:
    """The board's report and the technical annex, exported into ``staging``: {file: page}."""
    step = time.perf_counter()
    board, annex = combine(
        {e.name: e.path for e in executed}, f"Annual report {year}: {area}", f"Technical annex {year}: {area}"
    )
    common = {
        "partnership": checks.partnership_name(paths, year, area),
        "area": area,
        "year": year,
        "built": build_time.strftime("%d %B %Y"),
        "built_iso": build_time.isoformat(),
        "sources": checks.data_sources(paths),
        "synthetic": checks.synthetic_inputs(paths),
        "board_href": BOARD_HTML,
        "annex_href": ANNEX_HTML,
    }
    exporter = Exporter()
    pages = {}
    for name, nb, kind in ((BOARD_HTML, board, "board"), (ANNEX_HTML, annex, "annex")):
        pages[name] = exporter.export(nb, common | {"kind": kind, "contents": contents_list(nb)})
        (staging / name).write_text(pages[name], encoding="utf-8")
    sizes = ", ".join(f"{n} {len(p.encode()) / 1e6:.2f} MB" for n, p in pages.items())
    say(f"export: {sizes} ({time.perf_counter() - step:.1f}s)")
    return pages


def _manifest(
    paths: DataPaths,
    params: dict,
    root: Path,
    build_time: dt.datetime,
    build_key: str,
    pages: dict[str, str],
    warnings: list,
    executed: list[Executed],
    keys: dict[str, str],
) -> dict:
    """What the report was built from: inputs and their hashes, parameters, versions, timings."""
    police_files = ingest.read_manifest(paths).get("police", {})
    return {
        "built": build_time.isoformat(),
        "parameters": params | {"data_dir": os.path.relpath(paths.data_dir, root)},
        "swp_analysis_version": __version__,
        "git_commit": _git_commit(root),
        "versions": _versions(),
        "inputs": {
            **provenance.inventory(paths, params["year"]),
            **provenance.police_inventory(police_files),
        },
        "build_key": build_key,
        "html_sha256": sha256_bytes(pages[BOARD_HTML].encode("utf-8")),
        "outputs": {name: sha256_bytes(page.encode("utf-8")) for name, page in pages.items()},
        "police": police_files,
        "warnings": [str(w) for w in warnings],
        "notebooks": {
            e.name: {"seconds": round(e.seconds, 2), "cached": e.cached, "key": keys[e.name]}
            for e in executed
        },
    }


def publish(staging: Path, out_dir: Path) -> None:
    """Move a complete build into place; the HTML file is replaced last, atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    old_nb = out_dir / "notebooks"
    if old_nb.exists():
        trash = out_dir / f".old-notebooks-{os.getpid()}"
        old_nb.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
    (staging / "notebooks").rename(old_nb)
    os.replace(staging / "manifest.json", out_dir / "manifest.json")
    for name in OUTPUTS:
        os.replace(staging / name, out_dir / name)
    failed = out_dir / "failed"
    if failed.exists():
        shutil.rmtree(failed, ignore_errors=True)
