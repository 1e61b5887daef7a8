"""Ingest police.uk street files into ``data/processed/police_street.parquet``, with a manifest.

:func:`ingest_police` reads every street file under ``paths.police`` (folder tree, archive zips,
``.csv.gz``), validates it (:mod:`swp_analysis.sources.policeuk`), cleans it
(:mod:`swp_analysis.clean`) and writes

* ``paths.police_parquet``: one row per kept record (columns
  :data:`swp_analysis.clean.PROCESSED_COLUMNS`; ``month`` is a parquet ``date``), written to a
  temporary file and moved into place with :func:`os.replace`, so a failure leaves the previous
  file untouched. Same inputs give a byte-identical file: files are taken in a fixed order
  (force, then month), blocks and row groups depend only on the files, and nothing
  time-dependent is stored. Rows are in that order; string columns are dictionary-encoded
  (:func:`load_police` returns them as categoricals with sorted categories).
* the ``"police"`` entry of ``paths.manifest`` (:func:`swp_analysis.processed.police_entry`).

Speed and memory. The work is a pipeline (:func:`_stream`): two threads read and check files,
the main thread cleans them in blocks of 262,144 rows, and a writer thread turns each
block into a parquet row group while later files are read, so both cores stay busy and only a
few blocks are in memory at once. pyarrow parses the CSVs (explicit column types, repeated
strings dictionary-encoded); every row-level step is vectorised.

Caching. A second call with unchanged inputs opens nothing and returns the cached result
(:func:`swp_analysis.processed.cached_entry`): the cost is one directory walk and a few
``stat`` calls. Reading the processed table and the manifest back is
:mod:`swp_analysis.processed`'s; its readers are importable from here too.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from swp_analysis import areas as area_rules
from swp_analysis import clean, duplicates, processed
from swp_analysis.errors import InputError, Problem, ValidationFailed
from swp_analysis.paths import DataPaths
from swp_analysis.processed import police_reconciliation as police_reconciliation
from swp_analysis.processed import read_manifest as read_manifest
from swp_analysis.processed import read_processed as read_processed
from swp_analysis.sources import geography, policeuk
from swp_analysis.sources.policeuk_values import raise_problems

_READERS = 2
_READ_AHEAD = 32
_WRITES_IN_FLIGHT = 2
# Crime IDs are unique 64-hex-digit strings: a dictionary for them would be built and thrown
# away, and compressing them only undoes the hex (about 2:1) at a third of the write's time,
# so they are stored plain; every other column is dictionary-encoded and zstd-compressed.
# Min/max statistics are kept for ``month`` only (a reader can skip row groups by date); on
# the dictionary-encoded text columns they cost as much as the rest of the write together.
_PARQUET_OPTIONS = dict(
    compression={c: "none" if c == "crime_id" else "zstd" for c in clean.PROCESSED_COLUMNS},
    compression_level={c: 1 for c in clean.PROCESSED_COLUMNS if c != "crime_id"},
    use_dictionary=[c for c in clean.PROCESSED_COLUMNS if c != "crime_id"],
    write_statistics=["month"],
)
_ROW_GROUP = 1 << 18
INGEST_COLUMNS = clean.INPUT_COLUMNS


@dataclass
class IngestResult:
    parquet: Path
    manifest: Path
    rows: int
    files: int
    cached: bool
    seconds: float
    reconciliation: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def __str__(self) -> str:
        how = "unchanged inputs, cached parquet used" if self.cached else "read and cleaned"
        return f"{self.rows:,} police records from {self.files} street files ({how})"


# --------------------------------------------------------------------------------------------
# the public entry points


def ingest_police(
    paths: DataPaths,
    *,
    lookup: pd.DataFrame | str | Path | None = None,
    force_authorities: Mapping[str, Iterable[str]] | None = None,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    """Read, validate, clean and store the police data under ``paths.police`` (cached).

    ``lookup``: the ONS LSOA lookup (a frame from
    :func:`~swp_analysis.sources.geography.read_lsoa_lookup`, or its path) for areas and wards
    by LSOA code; by default the data folder's ``raw/lsoa-ward-lookup.csv`` when there is one
    (wards are then known), else none; ``force_authorities``: force -> authority names, over
    the packaged table; ``rebuild``: ignore the cache; ``progress``: called with one line per step.
    """
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    if lookup is None and paths.lsoa_lookup.is_file():
        lookup = paths.lsoa_lookup
    if isinstance(lookup, (str, Path)):
        lookup = geography.read_lsoa_lookup(Path(lookup))
    options = processed.options(lookup, force_authorities)

    if not rebuild:
        entry = processed.cached_entry(paths, options)
        if entry is not None:
            say(f"police: {len(entry['files'])} street files unchanged; using {paths.police_parquet.name}")
            return _result(paths, entry, cached=True, seconds=time.perf_counter() - t0)

    found = policeuk.find_street_files(paths.police)
    say(
        f"police: {len(found)} street files under {paths.police}"
        + (f" ({len(found.ignored)} other files ignored)" if found.ignored else "")
    )
    step = time.perf_counter()
    out = paths.police_parquet
    recon, forces, inputs, out_sha256 = _stream(
        paths.police, found, area_rules.Areas(lookup), force_authorities, out
    )
    say(
        f"read, checked and cleaned {int(recon['rows_read'].sum()):,} rows: "
        f"{int(recon['rows_kept'].sum()):,} kept, {int(recon['duplicate_crime_id'].sum()):,} "
        f"duplicates set aside ({time.perf_counter() - step:.1f}s)"
    )
    entry = processed.police_entry(paths, options, found, recon, forces, inputs, out_sha256)
    processed.write_manifest(paths, entry)
    say(
        f"wrote {out.name}: {entry['output']['rows']:,} rows, {entry['output']['size'] / 1e6:.1f} MB, "
        f"and the manifest ({time.perf_counter() - t0:.1f}s in all)"
    )
    return _result(paths, entry, cached=False, seconds=time.perf_counter() - t0)


def load_police(paths: DataPaths, **kw) -> pd.DataFrame:
    """The processed police table (ingesting first when the cache is stale): what notebooks use.

    ``month`` is ``datetime64`` (the first of the month); string columns are categoricals with
    sorted categories (``location_status`` keeps its fixed order). Keywords go to
    :func:`ingest_police`.
    """
    ingest_police(paths, **kw)
    return read_processed(paths.police_parquet)


def _result(paths: DataPaths, entry: dict, *, cached: bool, seconds: float) -> IngestResult:
    return IngestResult(
        parquet=paths.police_parquet,
        manifest=paths.manifest,
        rows=int(entry["output"]["rows"]),
        files=len(entry["files"]),
        cached=cached,
        seconds=seconds,
        reconciliation=processed.reconciliation_frame(entry["files"]),
    )


# --------------------------------------------------------------------------------------------
# the pipeline


def _stream(
    root: Path,
    found: policeuk.StreetFiles,
    areas: area_rules.Areas,
    force_authorities: Mapping[str, Iterable[str]] | None,
    out: Path,
) -> tuple[pd.DataFrame, dict, list[dict], str]:
    """Read, check, clean and write every street file, as a pipeline.

    * Two threads read files (bytes, sha256, pyarrow parse, checks, id hashes, counts by area).
    * The main thread takes them in force, then month, order, in blocks of :data:`_ROW_GROUP`
      rows (:class:`_Run`). A block is cleaned once every force in it is decided: at once for a
      force in the table, after the force's last file for one whose authorities are inferred
      from all its records. Duplicates are found block by block against every earlier id
      (:class:`swp_analysis.duplicates.SeenIds`), so the first occurrence in that order is kept.
    * A fourth thread writes each cleaned block as a parquet row group while the next is read
      (:class:`_Output`).

    The parquet goes to a temporary file that replaces ``out`` only when complete. Problems in
    any file are gathered across all files and raised together; then nothing is written.
    Returns the reconciliation by file, the forces' authorities, the inputs' stat and sha256,
    and the output's sha256 (computed by the writer thread as the row groups are written).
    """
    run = _Run(root, found, areas, force_authorities)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    output = _Output(tmp)
    try:
        with ThreadPoolExecutor(_READERS) as readers, ThreadPoolExecutor(1) as writing:
            output.writing = writing
            run.read_all(readers, output)
        raise_problems(run.problems)
        output_digest = output.finish()
        os.replace(tmp, out)
    except BaseException:
        output.abandon()
        Path(tmp).unlink(missing_ok=True)
        raise
    return run.results(output_digest)


@dataclass
class _Read:
    """One street file, parsed and checked, with what the global decisions need from it."""

    table: pa.Table
    ids: duplicates.IdHashes
    counts: Counter | pa.Table
    """Located records by (force, area), or by LSOA name (:func:`swp_analysis.areas.name_counts`)."""


class _Run:
    """The reading side of one ingest: files in order, each force's rule, blocks to clean."""

    def __init__(
        self,
        root: Path,
        found: policeuk.StreetFiles,
        areas: area_rules.Areas,
        force_authorities: Mapping[str, Iterable[str]] | None,
    ) -> None:
        self.root, self.areas, self.force_authorities = root, areas, force_authorities
        self.files = sorted(found, key=lambda f: (f.force, f.month, f.label))
        self.containers = found.containers
        self.last_file_of = {f.force: i for i, f in enumerate(self.files)}
        self.needs_counts = {
            f.force
            for f in self.files
            if area_rules.authorities_for(f.force, {}, force_authorities)[1].startswith("inferred")
        }
        self.decided: dict[str, dict] = {}
        self.counts: dict[str, Counter] = {}
        self.names: dict[str, list[pa.Table]] = {}  # per force: records per LSOA name, file by file
        self.inputs: dict[Path, dict] = {}
        for path, st in policeuk.input_stats(root):
            self.inputs[path] = {
                "path": processed.rel(path, root),
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
            }
        self.problems: list[Problem] = []
        self.recons: list[pd.DataFrame] = []
        self.seen = duplicates.SeenIds()

    def read_one(self, sf: policeuk.StreetFile) -> tuple[_Read | None, str | None, list[Problem]]:
        """Read, check and summarise one file (on a reader thread): the read, its sha256, problems."""
        digest = None
        try:
            if sf.member is None:
                data = sf.path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                if sf.name.endswith(".gz"):
                    data = _gunzip(data, sf.label)
            else:
                data = sf.read_bytes()
            table = policeuk.parse_street_bytes(data, sf.label, sf.month, INGEST_COLUMNS, threads=False)
            del data
            table = policeuk.with_source(table, processed.labelled(sf, self.root))
            if sf.force not in self.needs_counts:
                by_area = Counter()
            elif self.areas.by_code is None:  # by LSOA name: summed over the force's files first
                by_area = area_rules.name_counts(table)
            else:
                by_area = area_rules.area_counts(table, self.areas)
            return _Read(table, duplicates.hash_ids(table.column("Crime ID")), by_area), digest, []
        except InputError as exc:
            return None, digest, [exc.problem]
        except ValidationFailed as exc:
            return None, digest, list(exc.problems)

    def read_all(self, readers: ThreadPoolExecutor, output: _Output) -> None:
        """Read every file in order; clean and write each block as soon as its forces are decided.

        After a problem the files are still read (to report every file's problems together),
        but nothing more is cleaned or written.
        """
        ready: list[list[_Read]] = []
        block: list[_Read] = []
        rows = 0
        hashed = {c: readers.submit(processed.sha256_file, c) for c in self.containers}
        reads = _in_order(readers, self.read_one, self.files, _READ_AHEAD)
        for i, (sf, (read, digest, found_problems)) in enumerate(zip(self.files, reads, strict=True)):
            if digest is not None:
                self.inputs[sf.path]["sha256"] = digest
            self.problems += found_problems
            if read is None or self.problems:
                continue
            self._count(sf.force, read.counts, last=i == self.last_file_of[sf.force])
            block.append(read)
            rows += read.table.num_rows
            if rows >= _ROW_GROUP:
                ready.append(block)
                block, rows = [], 0
            while ready and _forces_of(ready[0]) <= self.decided.keys():
                self._flush(ready.pop(0), output)
        if not self.problems:
            if block:
                ready.append(block)
            for b in ready:
                self._flush(b, output)
            output.drain()
        for container, future in hashed.items():
            self.inputs[container]["sha256"] = future.result()

    def _count(self, force: str, counts: Counter | pa.Table, *, last: bool) -> None:
        """Add a file's located records to its force's; at the force's last file, decide its rule."""
        if isinstance(counts, pa.Table):
            self.names.setdefault(force, []).append(counts)
        else:
            self.counts.setdefault(force, Counter()).update(counts)
        if not last:
            return
        if force in self.names:
            by_name = area_rules.areas_of_names(force, self.names.pop(force), self.areas)
            self.counts.setdefault(force, Counter()).update(by_name)
        by_area = {a: n for (f, a), n in self.counts.get(force, {}).items() if f == force}
        authorities, rule = area_rules.authorities_for(force, by_area, self.force_authorities)
        self.decided[force] = {"authorities": authorities, "rule": rule}

    def _flush(self, block: list[_Read], output: _Output) -> None:
        """Clean one block (its duplicates against every earlier id) and hand it to the writer."""
        found = self.seen.add([r.ids for r in block])
        table = pa.concat_tables([r.table for r in block])
        cleaned, recon = clean.clean_block(table, np.concatenate(found), self.decided, self.areas)
        self.recons.append(recon)
        output.write(cleaned)

    def results(self, output_digest: str) -> tuple[pd.DataFrame, dict, list[dict], str]:
        """What :func:`_stream` returns; inputs not read as street files are hashed here."""
        for path, info in self.inputs.items():
            if "sha256" not in info:  # ignored files (outcomes, stop and search, JSON) are inputs too
                info["sha256"] = processed.sha256_file(path)
        return (
            pd.concat(self.recons),
            dict(sorted(self.decided.items())),
            [self.inputs[p] for p in sorted(self.inputs)],
            output_digest,
        )


class _Output:
    """The parquet being written: one row group per block, on the writer thread, hashed as it grows.

    The parquet writer writes sequentially and never goes back, so hashing what each row group
    added (still in the page cache) in the writer thread, and the footer after closing, gives
    the finished file's sha256 without reading it again once it is complete.
    """

    def __init__(self, tmp: str) -> None:
        self.tmp = tmp
        self.writing: ThreadPoolExecutor | None = None
        self._writer: pq.ParquetWriter | None = None
        self._writes: deque[Future] = deque()
        self._sha = hashlib.sha256()
        self._fh = None

    def write(self, cleaned: pa.Table) -> None:
        """Queue a cleaned block (a bounded queue keeps memory flat)."""
        while len(self._writes) >= _WRITES_IN_FLIGHT:
            self._writes.popleft().result()
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.tmp, cleaned.schema, **_PARQUET_OPTIONS)
        self._writes.append(self.writing.submit(self._write_group, cleaned))

    def _write_group(self, cleaned: pa.Table) -> None:
        # a block is one row group (blocks end at a file's end, so they are a little over
        # _ROW_GROUP rows: splitting off the rest would write every column's dictionary again
        # for a few thousand rows); only an outsized block is split
        rows = cleaned.num_rows
        size = rows if rows <= 2 * _ROW_GROUP else _ROW_GROUP
        self._writer.write_table(cleaned, row_group_size=max(size, 1))
        self._hash_new_bytes()

    def drain(self) -> None:
        """Wait for every queued write."""
        while self._writes:
            self._writes.popleft().result()

    def finish(self) -> str:
        """Close the file; its sha256."""
        writer, self._writer = self._writer, None
        writer.close()
        self._hash_new_bytes()
        self._close_hash()
        return self._sha.hexdigest()

    def abandon(self) -> None:
        """After a failure: let go of the file (the first error is the one to report)."""
        self._close_hash()
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # noqa: BLE001 - the first error is the one to report
                pass

    def _hash_new_bytes(self) -> None:
        if self._fh is None:
            self._fh = open(self.tmp, "rb")  # noqa: SIM115 - kept open across calls, closed by _close_hash
        for chunk in iter(lambda: self._fh.read(1 << 22), b""):
            self._sha.update(chunk)

    def _close_hash(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _forces_of(block: list[_Read]) -> set[str]:
    return {f for r in block for f in r.table.column("force").chunk(0).dictionary.to_pylist()}


def _in_order(pool: ThreadPoolExecutor, fn: Callable, items: list, ahead: int) -> Iterator:
    """``map(fn, items)`` on the pool, in order, with at most ``ahead`` results waiting
    (unlike ``Executor.map``, which would read every file before the first is used)."""
    futures: deque = deque()
    it = iter(items)
    for item in it:
        futures.append(pool.submit(fn, item))
        if len(futures) >= ahead:
            break
    while futures:
        result = futures.popleft().result()
        for item in it:
            futures.append(pool.submit(fn, item))
            break
        yield result


def _gunzip(data: bytes, label: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise InputError(label, f"is not a readable gzip file ({exc}).") from exc
