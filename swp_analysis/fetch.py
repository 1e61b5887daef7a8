"""Download a force's street-level crime files from data.police.uk into ``data/raw/police``.

``swp fetch-police --force west-midlands --from 2019-04 --to 2020-03`` leaves one file per
month, ``data/raw/police/YYYY-MM/YYYY-MM-<force>-street.csv``, byte for byte as data.police.uk
publishes it: the layout :mod:`swp_analysis.sources.policeuk` reads.

Where the files come from, and why the archive rather than the API
-------------------------------------------------------------------
data.police.uk offers three routes to street-level crime (its ``/about`` page, "Data Download";
its API documentation at ``/docs``):

* **The monthly archive**, ``https://data.police.uk/data/archive/YYYY-MM.zip`` ("URLs are
  structured consistently ... so you can download newer versions programmatically each month",
  plus ``latest.zip``). Each archive is a rolling snapshot of every force: the archive named for
  a month holds that month and the 35 before it, as ``YYYY-MM/YYYY-MM-<force>-street.csv`` beside
  ``-outcomes.csv`` and ``-stop-and-search.csv`` files. An archive is large (about 1.6 GB in
  2026) and the site redirects its URL to a copy on Amazon S3.
* **The custom download** form (``/data/``): built on request in a browser, no stable URL.
* **The JSON API** (``/api/crimes-street/all-crime?poly=...&date=YYYY-MM``): crimes within a
  one-mile radius or a polygon, refused with HTTP 503 above 10,000 crimes, rate-limited (15
  requests a second), holding only the last 36 months; and its records carry no LSOA code or
  name. This project assigns every crime to its local authority from the LSOA name, so API
  records cannot become the twelve-column street file, and a whole force's month would take
  hundreds of polygon requests.

So this module uses the archive, the only route that gives the published street file itself.
What a lead needs from that choice is handled here:

* **One download covers up to 36 months.** The months wanted are fetched from the archive named
  for the latest of them (``2020-03.zip`` holds 2017-04 to 2020-03, so a whole financial year is
  one download); months outside what that archive holds are fetched from a further archive,
  named for the latest month still missing. Taking the archive named for the month, rather than
  ``latest.zip``, makes a fetch repeatable: the same command gives the same files next year.
* **Nothing large is held in memory.** The archive is streamed to a file (by default under
  ``data/processed/downloads``, which is disposable), in 1 MiB pieces; only the chosen force's
  street files are extracted from it, each streamed to a hidden temporary file beside its final
  place. The archive is deleted afterwards unless ``keep_archive=True`` (a kept archive is reused
  by the next fetch instead of being downloaded again).
* **Every file is checked before it is put in place.** Each extracted file is parsed and
  validated by the project's reader (:func:`swp_analysis.sources.policeuk.parse_street_bytes`:
  the exact header, the month, the crime types, the LSOAs); a file the reader refuses is deleted
  and the fetch stops with the reader's explanation. Accepted files are fsynced and moved into
  place with :func:`os.replace`, so ``data/raw/police`` never holds a half-written CSV, and a
  line per file (month, rows, sha256, source) is added to ``data/raw/police/fetch-log.txt``
  (a ``.txt`` file, which the reader does not treat as an input).
* **The network is allowed to fail.** Connection errors, timeouts, dropped connections and HTTP
  5xx/429 answers are retried with exponential backoff (``backoff * 2**n`` seconds, or the
  server's ``Retry-After`` when longer); a download cut off part way resumes with an HTTP
  ``Range`` request where the server allows it. When every attempt fails the error says so in
  one paragraph. A 404 means the month's archive is not published (yet), and says which month.
  A proxy is taken from the usual ``HTTPS_PROXY``/``HTTP_PROXY`` environment variables.
* **Months already present are skipped** (in any form the reader accepts: the CSV, a ``.gz``
  copy, or inside an archive zip dropped into the police folder), unless ``overwrite=True``.
  A month whose file is still the synthetic sample ``swp sample-data`` wrote (same name as the
  published file, recorded in ``data/raw/.sample-data.json``) is not silently "present": the
  fetch stops and says how to remove the sample, so real and synthetic data are never mixed.

Importing this module downloads nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import hashlib
import http.client
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from swp_analysis import __version__
from swp_analysis.errors import InputError, SwpError, ValidationFailed
from swp_analysis.paths import DataPaths

DEFAULT_ARCHIVE_URL = "https://data.police.uk/data/archive"
"""The folder of data.police.uk's monthly archives: ``<DEFAULT_ARCHIVE_URL>/YYYY-MM.zip``."""

ARCHIVE_MONTHS = 36
"""How many months an archive holds (the month it is named for and the 35 before it)."""

SAMPLE_MARKER = ".sample-data.json"
"""The record ``swp sample-data`` leaves in ``data/raw`` of the synthetic files it wrote."""

LOG_NAME = "fetch-log.txt"
"""The provenance log written in the police folder (one line per file fetched)."""

USER_AGENT = f"swp-analysis/{__version__} (Community Safety Partnership annual report pipeline)"

_CHUNK = 1 << 20
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_FORCE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_STREET_MEMBER = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-street\.csv$")
_MAX_RETRY_AFTER = 120.0


class FetchError(SwpError):
    """A download that could not be completed. ``result`` holds what was done before it failed."""

    def __init__(self, message: str, result: FetchResult | None = None) -> None:
        super().__init__(message)
        self.result = result


class NotPublished(FetchError):
    """data.police.uk answered 404: it has no archive for that month (not yet, or not any more)."""


class Unreachable(FetchError):
    """Every attempt to reach the server failed (offline, proxy, server down)."""


@dataclass(frozen=True)
class FetchedMonth:
    """One street file written: where, how many rows, its sha256, and where it came from."""

    month: str
    path: Path
    rows: int
    sha256: str
    source: str


@dataclass
class FetchResult:
    """What :func:`fetch_police` did."""

    force: str
    start: str
    end: str
    fetched: list[FetchedMonth] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(month, where the copy already present is)."""
    archives: list[str] = field(default_factory=list)
    """The archive URLs downloaded (or reused from ``download_dir``), in order."""
    bytes_downloaded: int = 0
    retries: int = 0
    """Attempts that failed and were retried."""

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.fetched)

    def summary(self) -> str:
        """One line for a person: months fetched and skipped, rows, archives, retries."""
        text = (
            f"{self.force} {self.start} to {self.end}: {len(self.fetched)} month(s) fetched "
            f"({self.rows:,} rows), {len(self.skipped)} already present and skipped"
        )
        if self.archives:
            text += f"; {len(self.archives)} archive(s) used, {_size(self.bytes_downloaded)} downloaded"
        if self.retries:
            text += f"; {self.retries} attempt(s) retried"
        return text

    def __str__(self) -> str:
        return self.summary()


# --------------------------------------------------------------------------------------------
# months and forces


def month_range(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` inclusive (``YYYY-MM``), in order."""
    y0, m0 = _parse_month(start, "--from")
    y1, m1 = _parse_month(end, "--to")
    if (y0, m0) > (y1, m1):
        raise SwpError(f"The first month ({start}) is after the last month ({end}): swap them.")
    months = []
    y, m = y0, m0
    while (y, m) <= (y1, m1):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def month_name(month: str) -> str:
    """``2019-04`` -> ``April 2019``."""
    y, m = _parse_month(month, "month")
    return f"{calendar.month_name[m]} {y}"


def archive_url(month: str, base_url: str = DEFAULT_ARCHIVE_URL) -> str:
    """The URL of the archive named for ``month``."""
    return f"{base_url.rstrip('/')}/{month}.zip"


def archive_window(month: str) -> list[str]:
    """The months the archive named for ``month`` should hold (that month and the 35 before)."""
    y, m = _parse_month(month, "month")
    index = y * 12 + m - 1 - (ARCHIVE_MONTHS - 1)
    first = f"{index // 12:04d}-{index % 12 + 1:02d}"
    return month_range(first, month)


def normalise_force(force: str) -> str:
    """The force id from what a person typed (``West Midlands`` -> ``west-midlands``)."""
    slug = re.sub(r"\s+", "-", force.strip().lower())
    if not _FORCE.match(slug):
        raise SwpError(
            f"'{force}' is not a data.police.uk force id. Force ids are lower case words joined "
            "by hyphens, as in the file names: west-midlands, greater-manchester, cumbria."
        )
    return slug


def _parse_month(text: str, what: str) -> tuple[int, int]:
    match = _MONTH.match(str(text).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise SwpError(f"{what} '{text}' is not a month: write it as YYYY-MM, e.g. 2019-04.")
    return int(match[1]), int(match[2])


# --------------------------------------------------------------------------------------------
# the fetch


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
    say = progress or (lambda _msg: None)
    downloads = Path(download_dir) if download_dir is not None else paths.processed / "downloads"
    result = FetchResult(force, months[0], months[-1])
    net = _Net(
        opener or urllib.request.build_opener(), retries, backoff, timeout, say, progress is not None, result
    )

    present = _existing_copies(paths.police, force)
    pending: list[str] = []
    for month in months:
        target = _target(paths, month, force)
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
    say(
        f"{force} {months[0]} to {months[-1]}: {len(pending)} month(s) to fetch, "
        f"{len(result.skipped)} already present"
    )

    missing: list[str] = []
    try:
        while pending:
            latest = pending[-1]
            url = archive_url(latest, base_url)
            archive, ours = _obtain_archive(url, latest, downloads, keep_archive, net)
            try:
                covered = _extract(archive, url, latest, pending, force, paths, result, missing, say)
            finally:
                if ours and not keep_archive:
                    archive.unlink(missing_ok=True)
                    _remove_empty(downloads)
            covered.add(latest)  # whatever the archive held, never ask for that archive again
            pending = [m for m in pending if m not in covered]
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


def _target(paths: DataPaths, month: str, force: str) -> Path:
    return paths.police / month / f"{month}-{force}-street.csv"


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
            match = _STREET_MEMBER.match(name.removesuffix(".gz"))
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
                match = _STREET_MEMBER.match(base)
                if match and match["force"] == force:
                    found.setdefault(match["month"], f"{path}!{member}")
    return found


def _obtain_archive(url: str, month: str, downloads: Path, keep: bool, net: _Net) -> tuple[Path, bool]:
    """The archive for ``month`` on disk: a kept copy, or downloaded now. (path, downloaded now)."""
    result, say = net.result, net.say
    kept = downloads / f"{month}.zip"
    if kept.is_file() and zipfile.is_zipfile(kept):
        say(f"using the archive kept from an earlier fetch: {kept}")
        result.archives.append(url)
        return kept, False
    created = _make_dirs(downloads)
    fd, part_name = tempfile.mkstemp(prefix=f".{month}.zip.", suffix=".part", dir=downloads)
    os.close(fd)
    part = Path(part_name)
    try:
        window = archive_window(month)
        say(
            f"downloading {url} (the archive for {month_name(month)}: every force, normally "
            f"{window[0]} to {window[-1]})"
        )
        size = _download(url, part, month, net)
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
            _remove_empty(downloads)
        raise


def _extract(
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
            match = _STREET_MEMBER.match(info.filename.rsplit("/", 1)[-1])
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
    from swp_analysis.sources import policeuk

    target = _target(paths, month, force)
    created = _make_dirs(target.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, zf.open(member) as src:
            while chunk := src.read(_CHUNK):
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
            _remove_empty(folder)
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


# --------------------------------------------------------------------------------------------
# one download, with retries


@dataclass
class _Net:
    """How to download: the opener, the retry policy, where progress goes, the running result."""

    opener: urllib.request.OpenerDirector
    retries: int
    backoff: float
    timeout: float
    say: Callable[[str], None]
    show_bar: bool
    result: FetchResult


class _Transient(Exception):
    """A failure worth another attempt; ``reason`` says what happened."""

    def __init__(self, reason: str, retry_after: float | None = None, written: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.written = written  # bytes safely in the file when it happened (to resume from)


def _download(url: str, dest: Path, month: str, net: _Net) -> int:
    """Stream ``url`` to ``dest``; retry transient failures, resuming with Range when allowed.

    Returns the size of the file.
    """
    result, retries = net.result, net.retries
    host = urllib.parse.urlparse(url).hostname or url
    written = 0
    attempt = 0
    while True:
        attempt += 1
        try:
            written = _attempt(url, dest, f"{month}.zip", written, net)
            return written
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 404:
                raise NotPublished(
                    f"data.police.uk has not published {month_name(month)}: there is no archive "
                    f"for {month} (HTTP 404 from {url}). A month's data usually appears around "
                    f"the end of the following month, and only archives the site still lists can "
                    f"be downloaded. Choose an earlier last month (--to), or drop the files into "
                    f"the police data folder by hand; files already downloaded are kept.",
                    result,
                ) from exc
            if exc.code == 416 and written:
                written = 0  # the partial copy does not fit what the server now has: start again
                failure = _Transient("the server refused to resume the download")
            elif exc.code == 429 or 500 <= exc.code <= 599:
                failure = _Transient(f"HTTP {exc.code} {exc.reason}", _retry_after(exc))
            else:
                raise FetchError(
                    f"{host} refused the download of {url}: HTTP {exc.code} {exc.reason}. "
                    "Check the address (--base-url); files already downloaded are kept.",
                    result,
                ) from exc
        except _Transient as exc:
            failure = exc
            if exc.written is not None:
                written = exc.written
        except urllib.error.URLError as exc:
            failure = _Transient(_reason(exc.reason))
        except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            failure = _Transient(_reason(exc))
        if attempt >= retries:
            raise Unreachable(
                f"Could not reach {host} after {attempt} attempt{'s' if attempt != 1 else ''}: "
                f"{failure.reason} (while downloading {url}). Check your internet connection or "
                "proxy (set HTTPS_PROXY if your network needs one); files already downloaded are "
                "kept.",
                result,
            )
        delay = net.backoff * 2 ** (attempt - 1)
        if failure.retry_after is not None:
            delay = max(delay, min(failure.retry_after, _MAX_RETRY_AFTER))
        result.retries += 1
        net.say(f"attempt {attempt} of {retries} failed ({failure.reason}); trying again in {delay:.3g}s")
        time.sleep(delay)


def _attempt(url: str, dest: Path, name: str, written: int, net: _Net) -> int:
    """One request. Returns the bytes now in ``dest``; raises on failure (HTTPError, _Transient)."""
    headers = {"User-Agent": USER_AGENT}
    if written:
        headers["Range"] = f"bytes={written}-"
    request = urllib.request.Request(url, headers=headers)
    with net.opener.open(request, timeout=net.timeout) as response:
        status = getattr(response, "status", None) or response.getcode()
        resuming = bool(written) and status == 206
        if not resuming:
            written = 0
        length = response.headers.get("Content-Length")
        total = written + int(length) if length and length.isdigit() else None
        if total is not None:
            _check_space(dest.parent, total - written)
        meter = _Meter(net.say, net.show_bar, name, total, written)
        try:
            with open(dest, "ab" if resuming else "wb") as out:
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
                        raise _Transient(_reason(exc), written=written) from exc
                    if not chunk:
                        break
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise FetchError(
                            f"Could not write the download to {dest}: {_reason(exc)}. Free some "
                            "space there and run the fetch again; files already downloaded are "
                            "kept.",
                            net.result,
                        ) from exc
                    written += len(chunk)
                    meter.update(written)
        finally:
            meter.close()
        if total is not None and written < total:
            raise _Transient(
                f"the connection closed after {_size(written)} of {_size(total)}", written=written
            )
    return written


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    value = exc.headers.get("Retry-After") if exc.headers else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _reason(exc: BaseException | str) -> str:
    if isinstance(exc, str):
        return exc
    if isinstance(exc, TimeoutError):
        return "the connection timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc) or type(exc).__name__
    return text


def _check_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise FetchError(
            f"The archive is {_size(needed)} but only {_size(free)} is free in {folder}. Free some "
            "space there (or choose another folder for downloads) and run the fetch again."
        )


class _Meter:
    """Download progress: a bar on a terminal, a line per tenth elsewhere (CI logs)."""

    def __init__(self, say, show_bar: bool, name: str, total: int | None, done: int) -> None:
        self.say, self.name, self.total = say, name, total
        self.bar = None
        self.next_tenth = (10 * done // total + 1) if total else None
        if show_bar and total and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                initial=done,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=name,
                leave=False,
            )
        self.done = done

    def update(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.done)
        elif self.total and self.next_tenth and 10 * done >= self.next_tenth * self.total:
            self.say(f"  {self.name}: {_size(done)} of {_size(self.total)} ({100 * done // self.total}%)")
            self.next_tenth = 10 * done // self.total + 1
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --------------------------------------------------------------------------------------------
# small helpers


def _make_dirs(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return those created (outermost first)."""
    created = []
    for p in [folder, *folder.parents]:
        if p.exists():
            break
        created.append(p)
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(created))


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} bytes" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def _listing(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "") or "none"


def _span(months: set[str]) -> str:
    return f"{min(months)} to {max(months)}" if months else "no street files at all"
