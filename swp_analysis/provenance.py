"""What a report was built from: every input file with its sha256 and row count.

Used for the build's cache key, for ``manifest.json`` and for the report's "Sources" table, so
the three can never list different files.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from .paths import DataPaths


def _rows(path: Path, data: bytes) -> int:
    """Records in a CSV (header excluded, quoted line breaks respected); lines otherwise."""
    if path.suffix.lower() == ".csv":
        text = data.decode("utf-8-sig", errors="replace")
        return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def local_inputs(paths: DataPaths, year: str | None = None) -> list[Path]:
    """The non-police inputs: register, population, expenditure, the LSOA lookup and content.

    With ``year``, only that year's report folder; without, every year's.
    """
    files = [
        paths.indicators_yaml,
        paths.indicators_csv,
        paths.population,
        paths.expenditure,
        paths.lsoa_lookup,
    ]
    folder = paths.report_dir(year) if year else paths.raw / "report"
    if folder.is_dir():
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    return [p for p in files if p.is_file()]


def inventory(paths: DataPaths, year: str | None = None) -> dict[str, dict]:
    """``{path relative to raw/: {"sha256", "rows", "bytes"}}`` for the non-police inputs."""
    out = {}
    for p in local_inputs(paths, year):
        data = p.read_bytes()
        out[str(p.relative_to(paths.raw))] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "rows": _rows(p, data),
            "bytes": len(data),
        }
    return out


def police_inventory(police_manifest: dict) -> dict[str, dict]:
    """The police files the last ingest read, from its manifest entry: sha256 and rows read."""
    rows = {f["input"]: f["rows_read"] for f in police_manifest.get("files", [])}
    return {
        f"police/{i['path']}": {"sha256": i["sha256"], "rows": rows.get(i["path"]), "bytes": i.get("size")}
        for i in police_manifest.get("inputs", [])
    }
