"""The processed police table and its manifest: reading them, writing the manifest, the cache.

The ingest (:mod:`swp_analysis.ingest`) writes ``paths.police_parquet`` and the ``"police"``
entry of ``paths.manifest``; this module is everything about those two files that is not the
reading and cleaning of police.uk files:

* reading them back (:func:`read_processed`, :func:`read_manifest`,
  :func:`police_reconciliation`);
* the manifest entry (:func:`police_entry`): every input file with its size, modification time
  and sha256; per street file the reconciliation ``rows_read = rows_kept + set_aside`` (by
  reason) and the kept-but-labelled counts; the authorities used for each force and how they
  were chosen; the output's size, time and sha256;
* the cache (:func:`cached_entry`): the input files' (path, size, mtime) and the parquet's size
  and mtime are compared with the manifest; when all agree, nothing is opened. A file whose size
  or time changed but whose sha256 is the recorded one (a copy, a ``touch``) does not trigger a
  rebuild: its new stat is recorded instead. Anything else - a file added, removed or changed,
  a different lookup or force table (:func:`options`), a new :data:`SCHEMA_VERSION` - rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from swp_analysis import clean
from swp_analysis.errors import InputError
from swp_analysis.paths import DataPaths
from swp_analysis.sources import geography, policeuk
from swp_analysis.sources.forces import packaged_forces

SCHEMA_VERSION = 1
"""Bump when the cleaning rules or the processed columns change: it invalidates every cache."""

MANIFEST_KEY = "police"


# --------------------------------------------------------------------------------------------
# reading


def read_processed(path: str | Path) -> pd.DataFrame:
    """Read a processed police parquet into the frame :func:`swp_analysis.ingest.load_police` returns."""
    return clean.processed_frame(pq.read_table(path))


def read_manifest(paths: DataPaths) -> dict:
    """The processed-data manifest (``{}`` when there is none yet)."""
    try:
        return json.loads(paths.manifest.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def police_reconciliation(paths: DataPaths) -> pd.DataFrame:
    """The last ingest's reconciliation, one row per street file (for the data-quality notebook).

    Columns: file, month, force, rows_read, the set-aside reasons, rows_kept, the labels.
    """
    entry = read_manifest(paths).get(MANIFEST_KEY, {})
    return reconciliation_frame(entry.get("files", []))


def reconciliation_frame(files: list[dict]) -> pd.DataFrame:
    """The manifest's per-file entries as a frame (columns as :func:`police_reconciliation`)."""
    columns = [
        "file",
        "month",
        "force",
        "rows_read",
        *clean.SET_ASIDE_REASONS,
        "rows_kept",
        *clean.LABELS,
    ]
    rows = [
        {
            "file": f["file"],
            "month": f["month"],
            "force": f["force"],
            "rows_read": f["rows_read"],
            **f["set_aside"],
            "rows_kept": f["rows_kept"],
            **f["labelled"],
        }
        for f in files
    ]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------------------------
# writing


def police_entry(
    paths: DataPaths,
    options: dict,
    found: policeuk.StreetFiles,
    recon: pd.DataFrame,
    forces: dict,
    inputs: list[dict],
    output_sha256: str,
) -> dict:
    """The manifest's ``"police"`` entry for an ingest just written to ``paths.police_parquet``."""
    out = paths.police_parquet
    st = out.stat()
    files = _file_entries(found, recon, paths.police)
    return {
        "schema_version": SCHEMA_VERSION,
        "source": rel(paths.police, paths.data_dir),
        "options": options,
        "inputs": _with_rows(inputs, files),
        "ignored": [_rel_text(i, paths.police) for i in found.ignored],
        "files": files,
        "forces": forces,
        "totals": {k: int(v) for k, v in recon.sum().items()},
        "output": {
            "path": rel(out, paths.data_dir),
            "rows": int(recon["rows_kept"].sum()),
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "sha256": output_sha256,  # hashed as it was written
        },
    }


def write_manifest(paths: DataPaths, entry: dict) -> None:
    """Put ``entry`` under :data:`MANIFEST_KEY` in the manifest, keeping its other entries."""
    manifest = read_manifest(paths)
    manifest[MANIFEST_KEY] = entry
    _atomic_write_text(paths.manifest, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_entries(found: policeuk.StreetFiles, recon: pd.DataFrame, root: Path) -> list[dict]:
    entries = []
    for sf in found:
        label = labelled(sf, root).label
        row = recon.loc[label]
        entries.append(
            {
                "file": label,
                "input": rel(sf.path, root),
                "month": sf.month,
                "force": sf.force,
                "rows_read": int(row["rows_read"]),
                "set_aside": {r: int(row[r]) for r in clean.SET_ASIDE_REASONS},
                "rows_kept": int(row["rows_kept"]),
                "labelled": {label_: int(row[label_]) for label_ in clean.LABELS},
            }
        )
    return entries


def _with_rows(inputs: list[dict], files: list[dict]) -> list[dict]:
    """Each input with the rows read from it (``None`` for a file that is not street data)."""
    rows: dict[str, int] = {}
    for f in files:
        rows[f["input"]] = rows.get(f["input"], 0) + f["rows_read"]
    return [{**i, "rows": rows.get(i["path"])} for i in inputs]


# --------------------------------------------------------------------------------------------
# the cache


def options(lookup: pd.DataFrame | None, force_authorities: Mapping[str, Iterable[str]] | None) -> dict:
    """What besides the input files decides the output: the lookup's hash and the force tables."""
    lookup_hash = None
    if lookup is not None:
        frame = lookup[list(geography.LOOKUP_COLUMNS)].astype(str)
        lookup_hash = hashlib.sha256(
            pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
        ).hexdigest()
    given = {k: sorted(v) for k, v in sorted((force_authorities or {}).items())}
    return {
        "lookup_sha256": lookup_hash,
        "force_authorities": given,
        "packaged_force_authorities": {k: list(f.authorities) for k, f in sorted(packaged_forces().items())},
    }


def cached_entry(paths: DataPaths, options: dict) -> dict | None:
    """The manifest's entry when the parquet is still what the inputs and ``options`` give, else None.

    Stat changes with unchanged content (by sha256) are recorded in the manifest on the way.
    """
    entry = read_manifest(paths).get(MANIFEST_KEY)
    if not entry or entry.get("schema_version") != SCHEMA_VERSION or entry.get("options") != options:
        return None
    try:
        st = paths.police_parquet.stat()
    except FileNotFoundError:
        return None
    output = entry.get("output", {})
    if (st.st_size, st.st_mtime_ns) != (output.get("size"), output.get("mtime_ns")):
        if st.st_size != output.get("size") or sha256_file(paths.police_parquet) != output.get("sha256"):
            return None
        output["mtime_ns"] = st.st_mtime_ns
    restat = _inputs_unchanged(paths, entry)
    if restat is None:
        return None
    if restat or output.get("mtime_ns") != entry["output"].get("mtime_ns"):
        write_manifest(paths, entry)
    return entry


def _inputs_unchanged(paths: DataPaths, entry: dict) -> bool | None:
    """None when the police folder's files differ from the entry's inputs; else whether some
    file's stat changed with its content the same (the entry is updated to the new stat)."""
    try:
        current = policeuk.input_stats(paths.police)
    except InputError:
        return None
    recorded = {i["path"]: i for i in entry.get("inputs", [])}
    names = [rel(path, paths.police) for path, _ in current]
    if sorted(names) != sorted(recorded):
        return None
    restat = False
    for name, (path, st) in zip(names, current, strict=True):
        info = recorded[name]
        if (st.st_size, st.st_mtime_ns) != (info["size"], info["mtime_ns"]):
            if st.st_size != info["size"] or sha256_file(path) != info["sha256"]:
                return None
            info["mtime_ns"] = st.st_mtime_ns
            restat = True
    return restat


# --------------------------------------------------------------------------------------------
# names and hashes


def labelled(sf: policeuk.StreetFile, root: Path) -> policeuk.StreetFile:
    """The same file named relative to the police folder (how the manifest names it)."""
    return policeuk.StreetFile(Path(rel(sf.path, root)), sf.month, sf.force, sf.member)


def rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, with forward slashes (as it is when it is not under it).

    >>> rel(Path("/data/raw/police/2018-04/a.csv"), Path("/data/raw/police"))
    '2018-04/a.csv'
    """
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _rel_text(text: str, root: Path) -> str:
    prefix = str(root) + os.sep
    return text[len(prefix) :] if text.startswith(prefix) else text


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in 4 MiB pieces."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()
