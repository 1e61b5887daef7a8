"""The monthly archive on disk: downloaded (or a kept copy), and the force's street files
taken from it, each checked by the project's reader before it is put in place.

Only the chosen force's street files are extracted, each streamed to a hidden temporary file
beside its final place. Each is parsed and validated by
:func:`swp_analysis.sources.policeuk.parse_street_bytes` (the exact header, the month, the crime
types, the LSOAs); a file the reader refuses is deleted and the fetch stops with the reader's
explanation. Accepted files are fsynced and moved into place with :func:`os.replace`, so
``data/raw/police`` never holds a half-written CSV, and a line per file (month, rows, sha256,
source) is added to ``data/raw/police/fetch-log.txt``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
import tempfile
import urllib.parse
import zipfile
from pathlib import Path

from swp_analysis.errors import InputError, ValidationFailed
from swp_analysis.fetch.download import CHUNK, Net, download
from swp_analysis.fetch.months import archive_window, month_name
from swp_analysis.fetch.result import FetchedMonth, FetchError, FetchResult
from swp_analysis.paths import DataPaths

LOG_NAME = "fetch-log.txt"
"""The provenance log written in the police folder (one line per file fetched)."""

STREET_MEMBER = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-street\.csv$")
"""A street file's name: its month and its force."""


def obtain_archive(url: str, month: str, downloads: Path, keep: bool, net: Net) -> tuple[Path, bool]:
    """The archive for ``month`` on disk: a kept copy, or downloaded now. (path, downloaded now)."""
    result, say = net.result, net.say
    kept = downloads / f"{month}.zip"
    if kept.is_file() and zipfile.is_zipfile(kept):
        say(f"using the archive kept from an earlier fetch: {kept}")
        result.archives.append(url)
        return kept, False
    created = make_dirs(downloads)
    fd, part_name = tempfile.mkstemp(prefix=f".{month}.zip.", suffix=".part", dir=downloads)
    os.close(fd)
    part = Path(part_name)
    try:
        window = archive_window(month)
        say(
            f"downloading {url} (the archive for {month_name(month)}: every force, normally "
            f"{window[0]} to {window[-1]})"
        )
        size = download(url, part, month, net)
        result.bytes_downloaded += size
        result.archives.append(url)
        if not zipfile.is_zipfile(part):
            with open(part, "rb") as f:
                head = f.read(60)
            raise FetchError(
                f"What {urllib.parse.urlparse(url).hostname} sent for {url} is not a zip archive "
                f"(it begins {head!r}): a proxy, firewall or sign-in page may have answered "
                "instead of data.police.uk. Nothing was written to the police data folder.",
                result,
            )
        if keep:
            os.replace(part, kept)
            return kept, True
        return part, True
    except BaseException:
        part.unlink(missing_ok=True)
        if created:
            remove_empty(downloads)
        raise


def extract(
    archive: Path,
    url: str,
    latest: str,
    pending: list[str],
    force: str,
    paths: DataPaths,
    result: FetchResult,
    missing: list[str],
    say,
) -> set[str]:
    """Extract ``force``'s street file for each pending month the archive holds.

    Returns the months the archive holds (for any force). A pending month the archive holds
    with no file for this force is recorded in ``missing`` (with the forces it does have).
    """
    with zipfile.ZipFile(archive) as zf:
        street: dict[tuple[str, str], str] = {}
        for info in zf.infolist():
            if info.is_dir():
                continue
            match = STREET_MEMBER.match(info.filename.rsplit("/", 1)[-1])
            if match:
                street.setdefault((match["month"], match["force"]), info.filename)
        covered = {m for m, _ in street}
        for month in [m for m in pending if m in covered]:
            member = street.get((month, force))
            if member is None:
                forces = sorted(f for m, f in street if m == month)
                close = difflib.get_close_matches(force, forces, n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                missing.append(
                    f"{month_name(month)} ({month}): {url} holds street files for "
                    f"{len(forces)} force(s) that month ({_listing(forces)}) but not for "
                    f"'{force}'.{hint}"
                )
                continue
            result.fetched.append(_install(zf, member, f"{url}!{member}", month, force, paths, say))
        if latest not in covered:
            missing.append(
                f"{month_name(latest)} ({latest}): {url} holds no street files for that month at "
                f"all (it holds {_span(covered)})."
            )
        return covered


def _install(
    zf: zipfile.ZipFile, member: str, source: str, month: str, force: str, paths: DataPaths, say
) -> FetchedMonth:
    """Stream one member to a hidden temporary file, validate it, and move it into place."""
    from swp_analysis.sources import policeuk  # pandas and pyarrow: only when a file is fetched

    target = target_path(paths, month, force)
    created = make_dirs(target.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, zf.open(member) as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        try:
            table = policeuk.parse_street_bytes(tmp.read_bytes(), source, month)
        except (InputError, ValidationFailed) as exc:
            raise FetchError(
                f"The file downloaded for {force}, {month_name(month)}, was refused, so nothing "
                f"was written for that month. It is not a police.uk street-level file this "
                f"project can read: {exc}"
            ) from exc
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        for folder in reversed(created):
            remove_empty(folder)
        raise
    fetched = FetchedMonth(month, target, table.num_rows, digest.hexdigest(), source)
    _log(paths.police, fetched)
    say(f"{month}: {fetched.rows:,} rows -> {target}")
    return fetched


def _log(police: Path, f: FetchedMonth) -> None:
    """Add a line to the provenance log, atomically (the whole log is rewritten and replaced)."""
    log = police / LOG_NAME
    header = "fetched_utc\tmonth\trows\tsha256\tfile\tsource\n"
    old = log.read_text(encoding="utf-8") if log.is_file() else header
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = f"{when}\t{f.month}\t{f.rows}\t{f.sha256}\t{f.path.relative_to(police)}\t{f.source}\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{LOG_NAME}.", suffix=".part", dir=police)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(old + line)
        os.replace(tmp, log)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def target_path(paths: DataPaths, month: str, force: str) -> Path:
    return paths.police / month / f"{month}-{force}-street.csv"


def make_dirs(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return those created (outermost first)."""
    created = []
    for p in [folder, *folder.parents]:
        if p.exists():
            break
        created.append(p)
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(created))


def remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _listing(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "") or "none"


def _span(months: set[str]) -> str:
    return f"{min(months)} to {max(months)}" if months else "no street files at all"
