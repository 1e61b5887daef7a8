"""The ONS lookup of LSOAs to electoral wards and local authority districts: read and validate.

The file is ONS Open Geography's "Lower Layer Super Output Area (2011) to Ward (2018) Lookup in
England and Wales" (columns ``LSOA11CD, LSOA11NM, WD18CD, WD18NM, WD18NMW, LAD18CD, LAD18NM,
FID``). Other editions differ only in the year digits (``WD19CD``, ``LSOA21CD``, ``LAD22NM``...),
so columns are matched by their pattern; the year each edition uses is kept in
:attr:`LookupColumns.years` of :func:`read_lsoa_lookup`'s ``attrs``.

Checked: UTF-8 (a byte-order mark is stripped, as ONS downloads often carry one); the required
columns present; no blank code or name; each LSOA once; each ward in one authority; each
authority code with one name. Every problem names the line.

Note: the authority an LSOA's *name* carries and the lookup's authority can differ when
authorities were renamed or merged after 2011 (Herefordshire's LSOAs are "Herefordshire 002B"
but the authority is "Herefordshire, County of"): :mod:`swp_analysis.clean` takes the lookup's
name when a lookup is given.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from swp_analysis.errors import InputError, Problem, ValidationFailed

LOOKUP_COLUMNS = ("lsoa_code", "lsoa_name", "ward_code", "ward_name", "lad_code", "lad_name")
_PATTERNS = {
    "lsoa_code": re.compile(r"^LSOA\d\dCD$"),
    "lsoa_name": re.compile(r"^LSOA\d\dNM$"),
    "ward_code": re.compile(r"^WD\d\dCD$"),
    "ward_name": re.compile(r"^WD\d\dNM$"),
    "lad_code": re.compile(r"^LAD\d\dCD$"),
    "lad_name": re.compile(r"^LAD\d\dNM$"),
}
_CODE = re.compile(r"^[EWSN]\d{8}$")
_MAX = 10


def read_lsoa_lookup(path: str | Path) -> pd.DataFrame:
    """The lookup as a frame with columns :data:`LOOKUP_COLUMNS` (strings), one row per LSOA.

    ``df.attrs["source_columns"]`` maps each of our names to the file's column name.
    """
    path = Path(path)
    raw = pd.read_csv(io.StringIO(_text(path)), dtype=str, keep_default_na=False, na_filter=False)
    chosen = _choose_columns(path, list(raw.columns))
    df = raw[[chosen[c] for c in LOOKUP_COLUMNS]].copy()
    df.columns = list(LOOKUP_COLUMNS)
    for c in LOOKUP_COLUMNS:
        df[c] = df[c].str.strip()
    problems = _problems(path, df, chosen)
    if len(problems) == 1:
        p = problems[0]
        raise InputError(p.file, p.message, row=p.row, column=p.column, expected=p.expected, found=p.found)
    if problems:
        raise ValidationFailed(problems)
    df.attrs["source_columns"] = chosen
    return df.reset_index(drop=True)


def _text(path: Path) -> str:
    """The file as text: read, byte-order mark stripped, UTF-8 checked, not empty."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"could not be read ({exc}).") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            path,
            "is not UTF-8 text.",
            row=line,
            expected="UTF-8",
            found=repr(data[exc.start : exc.end]),
        ) from exc
    if not text.strip():
        raise InputError(path, "is empty.", expected="the ONS lookup's header and rows", found="nothing")
    return text


def _choose_columns(path: Path, header: list[str]) -> dict[str, str]:
    """Our name -> the file's column, matched by pattern (exactly one each)."""
    chosen: dict[str, str] = {}
    for ours, pattern in _PATTERNS.items():
        hits = [c for c in header if pattern.match(c)]
        if len(hits) != 1:
            raise InputError(
                path,
                "does not have the ONS LSOA-to-ward-to-authority lookup's columns.",
                row=1,
                column=ours,
                expected="one each of LSOAyyCD, LSOAyyNM, WDyyCD, WDyyNM, LADyyCD, LADyyNM",
                found=", ".join(header),
            )
        chosen[ours] = hits[0]
    return chosen


def _problems(path: Path, df: pd.DataFrame, chosen: dict[str, str]) -> list[Problem]:
    """Blank cells, malformed codes, repeated LSOAs, wards in two authorities, authority codes
    with two names: each row named by its line."""
    problems: list[Problem] = []
    for c in LOOKUP_COLUMNS:
        problems += _report(path, df, chosen, df[c] == "", c, "has a blank cell.", "a value")
    for c in ("lsoa_code", "ward_code", "lad_code"):
        malformed = (df[c] != "") & ~df[c].str.match(_CODE.pattern)
        problems += _report(
            path, df, chosen, malformed, c, "holds a malformed ONS code.", "nine characters such as E01010520"
        )
    again = df["lsoa_code"].duplicated(keep="first") & (df["lsoa_code"] != "")
    problems += _report(
        path, df, chosen, again, "lsoa_code", "lists an LSOA a second time.", "each LSOA once"
    )
    for key, other, what in (
        ("ward_code", "lad_code", "a ward in two authorities"),
        ("lad_code", "lad_name", "an authority code with two names"),
    ):
        first = df.groupby(key, sort=False)[other].transform("first")
        message = f"holds {what}: this row disagrees with the first row for it."
        problems += _report(path, df, chosen, df[other] != first, key, message, "one")
    return problems


def _report(
    path: Path,
    df: pd.DataFrame,
    chosen: dict[str, str],
    mask: pd.Series,
    column: str,
    message: str,
    expected: str,
) -> list[Problem]:
    """A problem for each of the first rows of ``mask``, and one line counting the rest."""
    rows = mask.to_numpy().nonzero()[0]
    problems = [
        Problem(
            path,
            message,
            row=int(i) + 2,
            column=chosen[column],
            expected=expected,
            found=repr(df.iloc[int(i)][column]),
        )
        for i in rows[:_MAX]
    ]
    if len(rows) > _MAX:
        problems.append(
            Problem(path, f"{len(rows) - _MAX} more rows like these in column '{chosen[column]}'.")
        )
    return problems


def ward_areas(lookup: pd.DataFrame) -> pd.Series:
    """Ward code -> local authority name (each ward lies in one authority)."""
    return lookup.drop_duplicates("ward_code").set_index("ward_code")["lad_name"].rename("area")


def wards_of(lookup: pd.DataFrame, area: str) -> pd.DataFrame:
    """The wards of an authority (by name), columns ward_code and ward_name, sorted by code."""
    wards = lookup.loc[lookup["lad_name"] == area, ["ward_code", "ward_name"]].drop_duplicates()
    return wards.sort_values("ward_code").reset_index(drop=True)


def lsoas_of(lookup: pd.DataFrame, area: str) -> pd.DataFrame:
    """The LSOAs of an authority (by name), with their wards."""
    return lookup.loc[lookup["lad_name"] == area].reset_index(drop=True)
