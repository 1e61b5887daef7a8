"""What a fetch did, and how it can fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from swp_analysis.errors import SwpError


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
            text += f"; {len(self.archives)} archive(s) used, {size_text(self.bytes_downloaded)} downloaded"
        if self.retries:
            text += f"; {self.retries} attempt(s) retried"
        return text

    def __str__(self) -> str:
        return self.summary()


def size_text(n: int) -> str:
    """A number of bytes for a person.

    >>> size_text(512), size_text(1_600_000_000)
    ('512 bytes', '1.5 GB')
    """
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} bytes" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover
