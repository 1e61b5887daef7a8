"""``swp fetch-police``: a force's street files for a range of months, into ``data/raw/police``.

Months already present are skipped (in any form the reader accepts: the CSV, a ``.gz`` copy, or
inside an archive zip dropped into the police folder), unless ``overwrite=True``. A month whose
file is still the synthetic sample ``swp sample-data`` wrote (same name as the published file,
recorded in ``data/raw/.sample-data.json``) is not silently "present": the fetch stops and says
how to remove the sample, so real and synthetic data are never mixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

from swp_analysis.errors import SwpError
from swp_analysis.fetch.archive import STREET_MEMBER, extract, obtain_archive, remove_empty, target_path
from swp_analysis.fetch.download import Net
from swp_analysis.fetch.months import (
    DEFAULT_ARCHIVE_URL,
    archive_url,
    month_name,
    month_range,
    normalise_force,
)
from swp_analysis.fetch.result import FetchError, FetchResult
from swp_analysis.paths import DataPaths

SAMPLE_MARKER = ".sample-data.json"
"""The record ``swp sample-data`` leaves in ``data/raw`` of the synthetic files it wrote."""


def fetch_police(
    paths: DataPaths,
    force: str,
    start: str,
    end: str,
    *,
    base_url: str = DEFAULT_ARCHIVE_URL,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 60,
    progress: Callable[[str], None] | None = None,
    opener: urllib.request.OpenerDirector | None = None,
    overwrite: bool = False,
    keep_archive: bool = False,
    download_dir: str | Path | None = None,
) -> FetchResult:
    """Fetch ``force``'s street-level files for ``start`` to ``end`` (``YYYY-MM``, inclusive).

    Files go to ``paths.police / "YYYY-MM" / "YYYY-MM-<force>-street.csv"``.

    ``base_url``: the archive folder (``<base_url>/YYYY-MM.zip``). ``retries``: attempts in all
    for each download (1 means no retry). ``backoff``: seconds before the first retry, doubled
    for each further one. ``timeout``: seconds a connection may stay silent. ``progress``: called
    with one line per step (and a progress bar on a terminal). ``opener``: the
    :mod:`urllib.request` opener (default: one that honours the proxy environment variables).
    ``overwrite``: fetch months already present again. ``keep_archive``: keep the downloaded
    archive in ``download_dir`` (default ``paths.processed / "downloads"``) for the next fetch.

    Raises :class:`FetchError` (a :class:`SwpError`) with a plain explanation: the server could
    not be reached (:class:`Unreachable`), a month's archive is not published
    (:class:`NotPublished`), the force has no file for some month, or a downloaded file is not
    a police.uk street file. Files written before the error are kept and listed in its
    ``result``.
    """
    force = normalise_force(force)
    months = month_range(start, end)
    _check_request(months, retries)
    say = progress or (lambda _msg: None)
    downloads = Path(download_dir) if download_dir is not None else paths.processed / "downloads"
    result = FetchResult(force, months[0], months[-1])
    net = Net(
        opener or urllib.request.build_opener(), retries, backoff, timeout, say, progress is not None, result
    )
    pending = _pending(paths, force, months, overwrite, result)
    say(
        f"{force} {months[0]} to {months[-1]}: {len(pending)} month(s) to fetch, "
        f"{len(result.skipped)} already present"
    )
    missing: list[str] = []
    try:
        _fetch_months(paths, force, pending, base_url, downloads, keep_archive, net, missing)
    except FetchError as exc:
        exc.result = exc.result or result
        raise
    finally:
        result.fetched.sort(key=lambda f: f.month)
    if missing:
        fetched = len(result.fetched)
        raise FetchError(
            f"{force}: no street-level file for {len(missing)} month(s). "
            + " ".join(missing)
            + f" {fetched} other month(s) were fetched and kept"
            + (f" ({result.summary()})." if fetched else ".")
            + " Check the force id (it is the name in the file names, e.g. west-midlands); a force"
            " that did not supply a month's data to data.police.uk has no file for that month.",
            result,
        )
    say(result.summary())
    return result


def _check_request(months: list[str], retries: int) -> None:
    """Refuse months that have not happened yet, and fewer than one attempt."""
    today = dt.date.today()
    this_month = f"{today.year:04d}-{today.month:02d}"
    if months[-1] > this_month:
        raise SwpError(
            f"{month_name(months[-1])} has not happened yet, so data.police.uk cannot have "
            f"published it. Choose a last month no later than {this_month} (a month's data "
            "usually appears around the end of the following month)."
        )
    if retries < 1:
        raise SwpError("retries must be at least 1 (the number of attempts for each download).")


def _pending(
    paths: DataPaths, force: str, months: list[str], overwrite: bool, result: FetchResult
) -> list[str]:
    """The months to fetch; the others (already present) are recorded as skipped in ``result``.

    A present copy that is still the synthetic sample stops the fetch: real and synthetic
    files must not be mixed.
    """
    present = _existing_copies(paths.police, force)
    pending: list[str] = []
    for month in months:
        target = target_path(paths, month, force)
        where = present.get(month)
        if where is not None and not (overwrite and where == str(target)):
            result.skipped.append((month, where))
        else:
            pending.append(month)
    synthetic = _synthetic_sample(paths, [where for _, where in result.skipped])
    if synthetic:
        shown = ", ".join(m for m, where in result.skipped if where in synthetic)
        raise SwpError(
            f"The police data folder holds the synthetic sample made by `swp sample-data` for "
            f"{len(synthetic)} of these months ({shown}); {paths.raw / SAMPLE_MARKER} records "
            "it. Real and synthetic police files must not be mixed in one report. Delete (or "
            f"move aside) {paths.police} and {paths.raw / SAMPLE_MARKER}, then fetch again; or "
            "fetch with --overwrite to replace just those months with the published files."
        )
    return pending


def _fetch_months(
    paths: DataPaths,
    force: str,
    pending: list[str],
    base_url: str,
    downloads: Path,
    keep_archive: bool,
    net: Net,
    missing: list[str],
) -> None:
    """Take the pending months from as few archives as possible, latest first.

    The archive named for the latest pending month holds it and the 35 before; months it does
    not hold are taken from the archive named for the latest still missing. A month no archive
    holds for this force is added to ``missing``.
    """
    while pending:
        latest = pending[-1]
        url = archive_url(latest, base_url)
        archive, ours = obtain_archive(url, latest, downloads, keep_archive, net)
        try:
            covered = extract(archive, url, latest, pending, force, paths, net.result, missing, net.say)
        finally:
            if ours and not keep_archive:
                archive.unlink(missing_ok=True)
                remove_empty(downloads)
        covered.add(latest)  # whatever the archive held, never ask for that archive again
        pending = [m for m in pending if m not in covered]


def _synthetic_sample(paths: DataPaths, wheres: list[str]) -> set[str]:
    """Those of ``wheres`` that are files of the synthetic sample, unchanged since it was made.

    ``swp sample-data`` writes its police files under the names the published files have, and
    records each one's sha256 in ``raw/.sample-data.json``; a file whose content still has
    that sha256 is synthetic.
    """
    marker = paths.raw / SAMPLE_MARKER
    if not wheres or not marker.is_file():
        return set()
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return set()
    found = set()
    for where in wheres:
        path = Path(where)
        try:
            entry = recorded.get(path.relative_to(paths.raw).as_posix())
        except ValueError:
            continue
        if (
            isinstance(entry, dict)
            and path.is_file()
            and entry.get("sha256") == hashlib.sha256(path.read_bytes()).hexdigest()
        ):
            found.add(where)
    return found


def _existing_copies(police: Path, force: str) -> dict[str, str]:
    """month -> where a street file for ``force`` already is (a file, or ``zip!member``)."""
    found: dict[str, str] = {}
    if not police.is_dir():
        return found
    for path in sorted(police.rglob("*")):
        if not path.is_file() or any(p.startswith(".") for p in path.relative_to(police).parts):
            continue
        name = path.name.lower()
        if name.endswith((".csv", ".csv.gz")):
            match = STREET_MEMBER.match(name.removesuffix(".gz"))
            if match and match["force"] == force:
                found.setdefault(match["month"], str(path))
        elif name.endswith(".zip"):
            try:
                with zipfile.ZipFile(path) as zf:
                    members = zf.namelist()
            except (OSError, zipfile.BadZipFile):
                continue  # the reader will name it; it is not ours to judge here
            for member in members:
                base = member.rsplit("/", 1)[-1].lower().removesuffix(".gz")
                match = STREET_MEMBER.match(base)
                if match and match["force"] == force:
                    found.setdefault(match["month"], f"{path}!{member}")
    return found
