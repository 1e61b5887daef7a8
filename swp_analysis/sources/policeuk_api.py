"""The data.police.uk API's ``crimes-street`` JSON: read and validate. Nothing else happens here.

Each file is one response of ``/api/crimes-street/...``: a JSON array of crimes. The API names
a category by a slug (``/api/crime-categories``); :data:`API_CATEGORY_LABELS` maps each to the
label the street CSV files use. Its records carry no LSOA, so they cannot become street-file
rows; :func:`read_api_json` returns them as a frame of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from swp_analysis.errors import InputError, Problem
from swp_analysis.sources.policeuk_values import MAX_PROBLEMS_PER_FILE, MONTH, raise_problems

API_CATEGORY_LABELS: dict[str, str] = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-crime": "Other crime",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    # the API kept the old slug when the category became "Violence and sexual offences"
    "violent-crime": "Violence and sexual offences",
    "public-disorder-weapons": "Public disorder and weapons",
}
"""API category slug (``/api/crime-categories``) -> the label the CSV files use."""

API_COLUMNS = (
    "api_id",
    "crime_id",
    "month",
    "category",
    "crime_type",
    "location_type",
    "location_subtype",
    "longitude",
    "latitude",
    "location",
    "street_id",
    "last_outcome",
    "context",
    "source_file",
)
_CATEGORICAL = (
    "month",
    "category",
    "crime_type",
    "location_type",
    "location_subtype",
    "last_outcome",
    "source_file",
)


@dataclass
class ApiRead:
    """Records of ``crimes-street`` JSON files, de-duplicated on the API ``id``."""

    data: pd.DataFrame
    records_read: int
    duplicates_dropped: int


def read_api_json(paths: str | Path | Iterable[str | Path]) -> ApiRead:
    """Read data.police.uk API ``crimes-street`` responses (each file a JSON array of crimes).

    A crime can come back from several queries (overlapping ward polygons), so records are
    de-duplicated on the API's ``id``; the first file (in sorted path order) keeps it. The
    category slug is mapped to the CSV label (:data:`API_CATEGORY_LABELS`); ``crime_id`` is the
    ``persistent_id`` (the CSV's Crime ID; blank for anti-social behaviour, so null here).
    """
    files = _json_files(paths)
    rows: list[tuple] = []
    problems: list[Problem] = []
    for path in files:
        records = _records(path, problems)
        for i, rec in enumerate(records, start=1):
            try:
                rows.append(_api_row(rec, path))
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(
                    Problem(
                        path,
                        f"record {i} is not a crimes-street record ({exc}).",
                        column=str(exc.args[0]) if isinstance(exc, KeyError) else None,
                    )
                )
            if len(problems) >= MAX_PROBLEMS_PER_FILE * 5:
                break
    raise_problems(problems)
    df = pd.DataFrame.from_records(rows, columns=list(API_COLUMNS))
    read = len(df)
    df = df.drop_duplicates("api_id", keep="first", ignore_index=True)
    for column in _CATEGORICAL:
        df[column] = df[column].astype("category")
    df["api_id"] = df["api_id"].astype("int64")
    return ApiRead(df, read, read - len(df))


def _json_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        root = Path(paths)
        files = sorted(root.glob("*.json")) if root.is_dir() else [root]
    else:
        files = sorted(Path(p) for p in paths)
    if not files:
        raise InputError(str(paths), "holds no API JSON file.", expected="*.json", found="none")
    return files


def _records(path: Path, problems: list[Problem]) -> list:
    """The records of one response; ``[]`` (and a problem) when it is not one."""
    try:
        records = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        found = repr(exc.object[exc.start : exc.end])
        problems.append(Problem(path, "is not UTF-8 text.", expected="UTF-8", found=found))
        return []
    except json.JSONDecodeError as exc:
        problems.append(Problem(path, f"is not valid JSON ({exc.msg}).", row=exc.lineno))
        return []
    if not isinstance(records, list):
        problems.append(
            Problem(
                path,
                "is not a crimes-street response.",
                expected="a JSON array of crimes",
                found=type(records).__name__,
            )
        )
        return []
    return records


def _api_row(rec: dict, path: Path) -> tuple:
    slug = rec["category"]
    if slug not in API_CATEGORY_LABELS:
        raise ValueError(f"unknown category slug {slug!r}; expected one of {', '.join(API_CATEGORY_LABELS)}")
    month = rec["month"]
    if not isinstance(month, str) or not MONTH.match(month):
        raise ValueError(f"month {month!r} is not YYYY-MM")
    loc = rec.get("location") or {}
    street = loc.get("street") or {}
    outcome = rec.get("outcome_status")
    return (
        int(rec["id"]),
        rec.get("persistent_id") or None,
        month,
        slug,
        API_CATEGORY_LABELS[slug],
        rec.get("location_type") or None,
        rec.get("location_subtype") or None,
        float(loc["longitude"]) if loc.get("longitude") not in (None, "") else np.nan,
        float(loc["latitude"]) if loc.get("latitude") not in (None, "") else np.nan,
        street.get("name"),
        street.get("id"),
        outcome.get("category") if isinstance(outcome, dict) else None,
        rec.get("context") or None,
        path.name,
    )
