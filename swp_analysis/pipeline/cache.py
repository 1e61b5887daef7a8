"""Cache keys: what a notebook's result depends on (its source, parameters, inputs, library)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from swp_analysis import __version__
from swp_analysis.errors import BuildFailed
from swp_analysis.paths import DataPaths

from .notebooks import NOTEBOOKS, OUTPUTS

# ---------------------------------------------------------------------------------------------
# Cache keys.


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def library_fingerprint() -> str:
    """Hash of the library's own source and templates: a code change invalidates the cache."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parents[1]  # the swp_analysis package
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
    return sha256_bytes(json.dumps(cells, sort_keys=True).encode())


def inputs_fingerprint(paths: DataPaths) -> dict[str, str]:
    """sha256 of every raw input except police files, plus the processed police table."""
    from swp_analysis.provenance import inventory

    out = {name: entry["sha256"] for name, entry in inventory(paths).items()}
    if paths.police_parquet.is_file():
        out["processed/police_street.parquet"] = sha256_bytes(paths.police_parquet.read_bytes())
    return out


def notebook_keys(nb_dir: Path, params: dict, paths: DataPaths) -> dict[str, str]:
    """Each notebook's cache key: its source, the parameters, the inputs, the library, and the
    keys of the notebooks it depends on."""
    inputs_key = sha256_bytes(json.dumps(inputs_fingerprint(paths), sort_keys=True).encode())
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
        keys[spec.name] = sha256_bytes("\n".join(parts).encode())
    return keys


def up_to_date(out_dir: Path, build_key: str) -> bool:
    """True when the published report was built with this key and is intact."""
    try:
        manifest = json.loads((out_dir / "manifest.json").read_text())
        shas = {name: sha256_bytes((out_dir / name).read_bytes()) for name in OUTPUTS}
    except (OSError, ValueError):
        return False
    return manifest.get("build_key") == build_key and manifest.get("outputs") == shas


CACHE_ENTRIES = 120  # about 20 builds' worth of notebooks; each is a few hundred kB


def prune_cache(cache_dir: Path, keep: set[str], limit: int = CACHE_ENTRIES) -> None:
    """Drop the oldest cached notebooks beyond ``limit`` (never those of this build)."""
    entries = sorted(cache_dir.glob("*.ipynb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in entries[limit:]:
        if p.stem not in keep:
            p.unlink(missing_ok=True)
