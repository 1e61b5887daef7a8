"""Shared fixtures.

Real public data lives outside the project, in ``../shared/data/real`` beside the repository
(see its PROVENANCE.md). It is never copied in; tests that need it skip, saying why, where the
folder is absent (as on a user's machine).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _real_data_dir() -> Path:
    env = os.environ.get("SWP_REAL_DATA")
    return Path(env) if env else PROJECT_ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder of real public data files, or skip the test with the reason."""
    folder = _real_data_dir()
    if not folder.is_dir():
        pytest.skip(f"real public data not present at {folder} (set SWP_REAL_DATA to point at it)")
    return folder


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """A complete data folder: the generated synthetic sample plus the committed inputs."""
    from swp_analysis import sample_data

    folder = tmp_path_factory.mktemp("data")
    sample_data.generate(folder)
    return folder


@pytest.fixture(scope="session")
def built(sample_dir, tmp_path_factory):
    """The bundled report built once for the session: (result, reports folder)."""
    from swp_analysis import pipeline

    reports = tmp_path_factory.mktemp("reports")
    lines: list[str] = []
    result = pipeline.build("2018-19", "Wolverhampton", sample_dir, reports, say=lines.append)
    return result, reports, lines


@pytest.fixture(scope="session")
def police_context(sample_dir) -> dict:
    """The police placeholders (``{{ police.trc.change }}`` ...) computed from the sample."""
    from swp_analysis.report import load

    return {"police": load("2018-19", "Wolverhampton", sample_dir).police_figures}


def count_crimes_by_type(
    data_dir: Path,
    area: str = "Wolverhampton",
    start: int = 2018,
    column: str = "Crime type",
    asb: bool = False,
) -> dict[str, int]:
    """Recorded crimes in ``area`` in April ``start`` to March ``start + 1``, by ``column`` (crime
    type, or "Last outcome category"), counted with the csv module independently of the library:
    anti-social behaviour excluded (or only it, with ``asb``), repeated Crime IDs dropped across the
    whole force (first occurrence kept, files in month order)."""
    import csv

    counts: dict[str, int] = {}
    seen: set[str] = set()
    for f in sorted((data_dir / "raw" / "police").glob("*/*.csv")):
        y, m = map(int, f.parent.name.split("-"))
        in_year = (y == start and m >= 4) or (y == start + 1 and m <= 3)
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                is_asb = row["Crime type"] == "Anti-social behaviour"
                if is_asb != asb or (row["Crime ID"] and row["Crime ID"] in seen):
                    continue
                seen.add(row["Crime ID"])
                if in_year and row["LSOA name"].startswith(area + " "):
                    counts[row[column]] = counts.get(row[column], 0) + 1
    return counts
