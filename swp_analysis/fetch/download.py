"""One download over HTTP, streamed to a file, with retries and resumption.

Connection errors, timeouts, dropped connections and HTTP 5xx/429 answers are retried with
exponential backoff (``backoff * 2**n`` seconds, or the server's ``Retry-After`` when longer,
up to two minutes); a download cut off part way resumes with an HTTP ``Range`` request where
the server allows it. When every attempt fails the error says so in one paragraph. A 404 means
the month's archive is not published (yet), and says which month. Progress is a bar on a
terminal and a line per tenth elsewhere (CI logs).
"""

from __future__ import annotations

import http.client
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from swp_analysis import __version__
from swp_analysis.fetch.months import month_name
from swp_analysis.fetch.result import FetchError, FetchResult, NotPublished, Unreachable, size_text

USER_AGENT = f"swp-analysis/{__version__} (Community Safety Partnership annual report pipeline)"

CHUNK = 1 << 20
"""Bytes read and written at a time (1 MiB): nothing large is held in memory."""

_MAX_RETRY_AFTER = 120.0


@dataclass
class Net:
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


def download(url: str, dest: Path, month: str, net: Net) -> int:
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


def _attempt(url: str, dest: Path, name: str, written: int, net: Net) -> int:
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
                        chunk = response.read(CHUNK)
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
                f"the connection closed after {size_text(written)} of {size_text(total)}", written=written
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
            f"The archive is {size_text(needed)} but only {size_text(free)} is free in {folder}. Free some "
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
            self.say(
                f"  {self.name}: {size_text(done)} of {size_text(self.total)} ({100 * done // self.total}%)"
            )
            self.next_tenth = 10 * done // self.total + 1
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
