"""Every path the project uses, worked out in one place from the data folder.

Notebooks and the CLI never build paths by hand: they ask :class:`DataPaths`. The default data
folder is the repository's ``data/``, found by walking up from this file (or from the current
folder) to the folder that holds ``pyproject.toml``, so a notebook works from whatever
folder JupyterLab or papermill starts it in.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


def find_project_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding ``pyproject.toml``.

    Without ``start``, this module's own location is tried first, then the current folder.
    """
    candidates = [Path(start)] if start is not None else [Path(__file__), Path.cwd()]
    for candidate in candidates:
        for folder in [candidate.resolve(), *candidate.resolve().parents]:
            if (folder / "pyproject.toml").is_file():
                return folder
    raise FileNotFoundError(
        f"No pyproject.toml found above {', '.join(str(c) for c in candidates)}: pass data_dir explicitly."
    )


def default_data_dir() -> Path:
    """``$SWP_DATA_DIR`` if set, else the repository's ``data/`` folder."""
    env = os.environ.get("SWP_DATA_DIR")
    return Path(env).resolve() if env else find_project_root() / "data"


def area_slug(area: str) -> str:
    """Folder-safe name for an area: lower case, spaces to hyphens ("Walsall" -> "walsall")."""
    return re.sub(r"[^a-z0-9-]+", "-", area.strip().lower().replace(" ", "-")).strip("-")


@dataclass(frozen=True)
class DataPaths:
    """The layout of one data folder (``raw/`` inputs, ``processed/`` derived files)."""

    data_dir: Path

    @classmethod
    def from_arg(cls, data_dir: str | Path | None = None) -> DataPaths:
        return cls(Path(data_dir).resolve() if data_dir is not None else default_data_dir())

    @property
    def raw(self) -> Path:
        return self.data_dir / "raw"

    @property
    def processed(self) -> Path:
        return self.data_dir / "processed"

    @property
    def police(self) -> Path:
        return self.raw / "police"

    @property
    def indicators_yaml(self) -> Path:
        return self.raw / "indicators.yaml"

    @property
    def indicators_csv(self) -> Path:
        return self.raw / "indicators.csv"

    @property
    def population(self) -> Path:
        return self.raw / "population.csv"

    @property
    def lsoa_lookup(self) -> Path:
        """The ONS LSOA to ward to local authority lookup (optional: wards need it)."""
        return self.raw / "lsoa-ward-lookup.csv"

    @property
    def expenditure(self) -> Path:
        return self.raw / "expenditure.csv"

    def report_dir(self, year: str) -> Path:
        return self.raw / "report" / year

    @property
    def police_parquet(self) -> Path:
        return self.processed / "police_street.parquet"

    @property
    def manifest(self) -> Path:
        return self.processed / "manifest.json"
