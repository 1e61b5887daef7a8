"""Cleaning police.uk street-level records: types, fiscal years, areas, labels, duplicates.

Input: the frame :func:`swp_analysis.sources.policeuk.read_street` returns (the twelve published
columns, plus ``force`` and ``source_file``). Output (:func:`clean_street`): one row per kept
record in the processed-data contract, and a reconciliation per source file in which

    rows read = rows kept + rows set aside (duplicate crime id)

and the kept rows that carry a label are counted too (anti-social behaviour, no location,
outside the force area, crime without an id, LSOA not in the lookup).

Rules, each chosen so that nothing can go missing without being counted:

* **Duplicates** (:mod:`swp_analysis.duplicates`). A Crime ID seen before (anywhere in the
  inputs, in row order; the ingest takes files in force, then month, order) is set aside and
  counted against the file it was found in. Blank Crime IDs are never duplicates: anti-social
  behaviour has none by design. The comparison is exact.
* **Anti-social behaviour** is kept, with ``is_asb`` true. It is not recorded crime; the
  functions in :mod:`swp_analysis.crime` leave it out of crime counts.
* **Area and ward** (:mod:`swp_analysis.areas`): from the LSOA code through the ONS lookup when
  one is given, else from the LSOA name (``"Wolverhampton 020A"`` -> ``"Wolverhampton"``).
* **Fiscal year**: :func:`swp_analysis.periods.fiscal_year` of each distinct month.
* **location_status** labels every kept row: ``ok``; ``no_location`` (police.uk's "No Location"
  rows: no LSOA, so no area); ``outside_force_area`` (an LSOA in an authority that is not one
  of the force's, e.g. a Lancaster LSOA in a Cumbria file). Such rows are kept and counted, and
  the crime figures use only ``ok`` rows, so each force's records count once, in its own areas.
  Which authorities are a force's comes from :func:`swp_analysis.areas.authorities_for` (the
  packaged table, ``force_authorities=``, or inferred from the data); the rule used for each
  force is returned (``CleanResult.forces``) and recorded in the manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from swp_analysis import periods
from swp_analysis.areas import Areas, BadLsoaName, area_counts, decide_forces
from swp_analysis.duplicates import duplicated_ids
from swp_analysis.encoded import (
    as_dictionary,
    codes_of,
    column_codes,
    dictionary,
    distinct_strings,
    remap,
    valid,
    without_rows,
)
from swp_analysis.errors import InputError
from swp_analysis.sources.policeuk import ANTI_SOCIAL_BEHAVIOUR

LOCATION_STATUSES: tuple[str, ...] = ("ok", "no_location", "outside_force_area")

PROCESSED_COLUMNS: tuple[str, ...] = (
    "crime_id",
    "month",
    "fiscal_year",
    "force",
    "area",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "last_outcome",
    "longitude",
    "latitude",
    "is_asb",
    "location_status",
    "ward_code",
    "ward",
)
"""The processed table: the contract's twelve columns, the label, the ward (from the lookup)."""

SET_ASIDE_REASONS: tuple[str, ...] = ("duplicate_crime_id",)
LABELS: tuple[str, ...] = (
    "anti_social_behaviour",
    "no_location",
    "outside_force_area",
    "no_crime_id",
    "lsoa_not_in_lookup",
)

INPUT_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Longitude",
    "Latitude",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
)
"""The published columns the processed table is made from; the others are checked, not kept."""
_NEEDED = (*INPUT_COLUMNS, "force")


@dataclass
class CleanResult:
    table: pa.Table
    """Kept rows as Arrow, columns :data:`PROCESSED_COLUMNS` (what the ingest writes)."""
    reconciliation: pd.DataFrame
    """One row per source file: rows_read, rows_kept, the set-aside reasons and the labels."""
    forces: dict[str, dict] = field(default_factory=dict)
    """Per force: ``authorities`` and the ``rule`` that gave them (table, given or inferred)."""

    @property
    def data(self) -> pd.DataFrame:
        """Kept rows as pandas, typed as :func:`swp_analysis.ingest.load_police` returns them."""
        return processed_frame(self.table)


def clean_street(
    raw: pa.Table | pd.DataFrame,
    *,
    lookup: pd.DataFrame | None = None,
    force_authorities: Mapping[str, Iterable[str]] | None = None,
) -> CleanResult:
    """Type, label and de-duplicate street-level records (see the module's rules).

    ``raw``: what :func:`~swp_analysis.sources.policeuk.street_table` (Arrow) or
    :func:`~swp_analysis.sources.policeuk.read_street` (pandas) return. ``lookup``: the ONS
    LSOA -> ward -> authority table (:func:`swp_analysis.sources.geography.read_lsoa_lookup`);
    ``force_authorities``: force -> authority names, over the packaged table.

    The same three steps as the ingest, which runs them file by file: find the duplicates
    (:func:`swp_analysis.duplicates.duplicated_ids`), decide each force's authorities
    (:func:`swp_analysis.areas.decide_forces`), then clean (:func:`clean_block`).
    """
    table = raw if isinstance(raw, pa.Table) else pa.Table.from_pandas(raw, preserve_index=False)
    _check_columns(table)
    areas = Areas(lookup)
    duplicate = duplicated_ids(table.column("Crime ID"))
    forces = decide_forces(
        distinct_strings(table.column("force")), area_counts(table, areas), force_authorities
    )
    out, recon = clean_block(table, duplicate, forces, areas)
    return CleanResult(out, recon, forces)


def clean_block(
    table: pa.Table, duplicate: np.ndarray, forces: Mapping[str, Mapping], areas: Areas
) -> tuple[pa.Table, pd.DataFrame]:
    """Clean one block of raw records, given which are duplicates and each force's authorities.

    Returns the kept rows (columns :data:`PROCESSED_COLUMNS`; every string column a dictionary
    with int32 indices, so blocks share one schema) and the block's reconciliation by file.
    Each string column is taken once as a dictionary array, whose indices are the row codes;
    every rule runs on the categories and is spread to the rows by code.
    """
    _check_columns(table)
    lines = _Lines(table)
    month_codes, month_dates = _months(table, lines)
    resolved, lsoa_code, lsoa_name = _resolve_areas(table, areas, lines)
    type_codes, type_cats = column_codes(table, "Crime type")
    is_asb = type_codes == (
        type_cats.index(ANTI_SOCIAL_BEHAVIOUR) if ANTI_SOCIAL_BEHAVIOUR in type_cats else -2
    )
    force_codes, force_cats = column_codes(table, "force")
    status = _location_status(force_codes, force_cats, *resolved["area"], forces)
    crime_id = table.column("Crime ID")
    if not pa.types.is_string(crime_id.type):
        crime_id = crime_id.cast(pa.string())
    coded = {
        "fiscal_year": remap(month_codes, [periods.fiscal_year(m) for m in month_dates]),
        "force": remap(force_codes, force_cats),
        "area": resolved["area"],
        "lsoa_code": lsoa_code,
        "lsoa_name": lsoa_name,
        "crime_type": (type_codes, type_cats),
        "last_outcome": column_codes(table, "Last outcome category"),
        "location_status": (status, list(LOCATION_STATUSES)),
        "ward_code": resolved["ward_code"],
        "ward": resolved["ward"],
    }
    plain = {
        "crime_id": crime_id,
        "longitude": table.column("Longitude").cast(pa.float64()),
        "latitude": table.column("Latitude").cast(pa.float64()),
    }
    out = _kept_rows(duplicate, month_codes, month_dates, is_asb, coded, plain)
    keep = ~duplicate
    counted = {
        "rows_kept": keep,
        "duplicate_crime_id": duplicate,
        "anti_social_behaviour": keep & is_asb,
        "no_location": keep & (status == 1),
        "outside_force_area": keep & (status == 2),
        "no_crime_id": ~is_asb & ~valid(crime_id),
        "lsoa_not_in_lookup": keep & resolved["not_in_lookup"],
    }
    return out, _reconciliation(lines, counted)


class _Lines:
    """Which file each row came from, to name a bad row by its file and line."""

    def __init__(self, table: pa.Table) -> None:
        if "source_file" in table.column_names:
            source = as_dictionary(table.column("source_file"))
        else:
            zeros = pa.array(np.zeros(table.num_rows, dtype=np.int32))
            source = pa.DictionaryArray.from_arrays(zeros, pa.array(["input"]))
        self.codes, self.files = codes_of(source)

    def error(self, codes: np.ndarray, bad: int, message: str, column: str, found: str) -> InputError:
        """The error for the first row whose code is ``bad``, at its file and line."""
        row = int(np.flatnonzero(codes == bad)[0])
        first = int(np.flatnonzero(self.codes == self.codes[row])[0])
        return InputError(
            self.files[self.codes[row]], message, row=row - first + 2, column=column, found=found
        )


def _months(table: pa.Table, lines: _Lines) -> tuple[np.ndarray, np.ndarray]:
    """Row codes of the months and each month's date (the first of the month)."""
    month_codes, month_cats = column_codes(table, "Month")
    if (month_codes < 0).any():
        raise lines.error(month_codes, -1, "has a blank Month.", "Month", "a blank cell")
    dates = (
        pd.to_datetime(pd.Index(month_cats, dtype="str"), format="%Y-%m").to_numpy().astype("datetime64[D]")
    )
    return month_codes, dates


def _resolve_areas(table: pa.Table, areas: Areas, lines: _Lines) -> tuple[dict, tuple, tuple]:
    """Area, ward and lookup coverage by row (:meth:`Areas.resolve`), and the LSOA columns' codes."""
    code_codes, code_cats = column_codes(table, "LSOA code")
    name_codes, name_cats = column_codes(table, "LSOA name")
    try:
        resolved = areas.resolve(code_codes, code_cats, name_codes, name_cats)
    except BadLsoaName as bad:
        raise lines.error(
            name_codes,
            bad.index,
            "holds an LSOA name without its code.",
            "LSOA name",
            repr(name_cats[bad.index]),
        ) from None
    return resolved, (code_codes, code_cats), (name_codes, name_cats)


def _location_status(
    force_codes: np.ndarray,
    force_cats: list,
    area_codes: np.ndarray,
    area_cats: list,
    forces: Mapping[str, Mapping],
) -> np.ndarray:
    """Each row's code in :data:`LOCATION_STATUSES`: 0 ok, 1 no area, 2 outside the force's area."""
    width = len(area_cats) + 1  # the last column stands for "no area"
    safe_area = np.where(area_codes >= 0, area_codes, len(area_cats))
    status_of_pair = np.ones((len(force_cats), width), dtype=np.int8)
    for i, force in enumerate(force_cats):
        own = set(forces[force]["authorities"]) if force in forces else set()
        status_of_pair[i, : len(area_cats)] = [0 if a in own else 2 for a in area_cats]
    return status_of_pair.reshape(-1)[force_codes.astype(np.int64) * width + safe_area]


def _kept_rows(
    duplicate: np.ndarray,
    month_codes: np.ndarray,
    month_dates: np.ndarray,
    is_asb: np.ndarray,
    coded: dict[str, tuple[np.ndarray, list]],
    plain: dict[str, pa.ChunkedArray],
) -> pa.Table:
    """The processed table of the rows that are not duplicates.

    Duplicates are dropped from the row codes before any dictionary array is built, so each
    dictionary column is one array (one chunk for the parquet writer); the plain columns lose
    them as zero-copy slices around the few dropped rows.
    """
    dropped = np.flatnonzero(duplicate) if duplicate.any() else None
    keep = ~duplicate

    def kept(values: np.ndarray) -> np.ndarray:
        return values if dropped is None else values[keep]

    def kept_plain(col: pa.ChunkedArray) -> pa.ChunkedArray:
        return col if dropped is None else without_rows(pa.table({"c": col}), dropped).column(0)

    columns = {name: kept_plain(col) for name, col in plain.items()}
    columns["month"] = pa.array(month_dates[kept(month_codes)], pa.date32())
    columns["is_asb"] = pa.array(kept(is_asb))
    for name, (codes, cats) in coded.items():
        columns[name] = dictionary(kept(codes), cats)
    return pa.table({name: columns[name] for name in PROCESSED_COLUMNS})


def _reconciliation(lines: _Lines, counted: dict[str, np.ndarray]) -> pd.DataFrame:
    """Rows read, and each mask of ``counted`` summed, per source file; checked to balance."""
    src_codes, nfiles, n = lines.codes, len(lines.files), len(lines.codes)
    # the ingest stacks files one after another, so each file is a block of rows
    starts = np.flatnonzero(np.r_[True, src_codes[1:] != src_codes[:-1]]) if n else np.zeros(0, int)
    blocks = len(starts) == nfiles and bool((src_codes[starts] == np.arange(nfiles)).all())

    def per_file(mask: np.ndarray) -> np.ndarray:
        if blocks:
            return np.add.reduceat(mask.astype(np.int64), starts) if n else np.zeros(nfiles, int)
        return np.bincount(src_codes[mask], minlength=nfiles)

    recon = pd.DataFrame(
        {
            "rows_read": np.bincount(src_codes, minlength=nfiles),
            **{k: per_file(m) for k, m in counted.items()},
        },
        index=pd.Index(lines.files, name="source_file"),
    )
    set_aside = recon[list(SET_ASIDE_REASONS)].sum(axis=1)
    if not (recon["rows_read"] == recon["rows_kept"] + set_aside).all():  # pragma: no cover
        raise AssertionError("reconciliation does not balance")
    return recon


def _check_columns(table: pa.Table) -> None:
    missing = [c for c in _NEEDED if c not in table.column_names]
    if missing:
        raise ValueError(f"clean_street needs the columns {', '.join(missing)} (read_street adds 'force')")


def processed_frame(table: pa.Table) -> pd.DataFrame:
    """The processed Arrow table as pandas: ``month`` datetime64, strings as categoricals with
    sorted categories (``location_status`` in its fixed order), ``crime_id`` a string column."""
    df = table.to_pandas(date_as_object=False)
    df["month"] = df["month"].astype("datetime64[s]")
    for column in df.columns:
        if isinstance(df[column].dtype, pd.CategoricalDtype):
            cats = (
                list(LOCATION_STATUSES) if column == "location_status" else sorted(df[column].cat.categories)
            )
            if list(df[column].cat.categories) != cats:
                df[column] = df[column].cat.set_categories(cats)
    return df
