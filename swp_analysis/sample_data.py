"""Deterministic synthetic sample data in the real published formats.

``swp sample-data`` writes into ``<data_dir>/raw``:

* ``police/YYYY-MM/YYYY-MM-west-midlands-street.csv``: data.police.uk street-level files with the
  exact 12-column header, 64-hex Crime IDs (blank for anti-social behaviour), LSOA names of the
  seven West Midlands authorities, the 14 police.uk crime types and realistic volumes
  (Wolverhampton about 2,000-2,500 recorded crimes a month, Birmingham about four times that).
  A few records carry the quirks real files have: "No Location" rows, records in LSOAs of
  neighbouring forces' authorities, and a handful of repeated Crime IDs.
* ``expenditure.csv``: an illustrative breakdown of spending (the reference report's Appendix A
  is an image whose figures are not in our text, so these amounts are synthetic).

Everything here is synthetic except the *names* of places and categories. The same seed and
arguments give byte-identical files. The hand-made inputs (indicator register, report content,
population) are committed in the repository's ``data/raw``; when writing to another data folder
they are copied from there so that the folder is complete.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import periods
from .paths import DataPaths, find_project_root

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
FORCE_NAME = "West Midlands Police"
FORCE_SLUG = "west-midlands"
DEFAULT_SEED = 20190331
DEFAULT_START = "2016-04"
DEFAULT_END = "2019-03"

# Authority: (number of LSOAs, recorded crimes a month in the first year, centre lon, lat).
# LSOA counts are the 2011 numbers; volumes are in line with the West Midlands' published
# totals (about 220,000 recorded crimes in the year to September 2017) and the brief.
AUTHORITIES: dict[str, tuple[int, int, float, float]] = {
    "Birmingham": (639, 8000, -1.890, 52.480),
    "Coventry": (195, 2350, -1.510, 52.410),
    "Dudley": (196, 1800, -2.090, 52.510),
    "Sandwell": (186, 2600, -2.010, 52.510),
    "Solihull": (134, 1300, -1.780, 52.410),
    "Walsall": (167, 2300, -1.980, 52.590),
    "Wolverhampton": (158, 1950, -2.130, 52.590),
}
# LSOAs of neighbouring forces' authorities, where a few West Midlands Police records fall.
OUTSIDE_AUTHORITIES = ["South Staffordshire", "Bromsgrove", "Cannock Chase", "Lichfield"]

# The 13 police.uk recorded-crime types with their share of recorded crime (proportions of the
# real June 2018 Wolverhampton API extract, rounded), plus anti-social behaviour.
CRIME_TYPES: dict[str, float] = {
    "Violence and sexual offences": 0.352,
    "Vehicle crime": 0.115,
    "Criminal damage and arson": 0.093,
    "Other theft": 0.093,
    "Shoplifting": 0.092,
    "Burglary": 0.087,
    "Public order": 0.062,
    "Robbery": 0.028,
    "Other crime": 0.021,
    "Drugs": 0.019,
    "Bicycle theft": 0.018,
    "Theft from the person": 0.011,
    "Possession of weapons": 0.009,
}
ASB = "Anti-social behaviour"
ASB_PER_CRIME = 0.19  # anti-social behaviour records per recorded crime (June 2018 API ratio)

OUTCOMES = [
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Status update unavailable",
    "Awaiting court outcome",
    "Offender given a caution",
    "Local resolution",
    "Court result unavailable",
    "Further investigation is not in the public interest",
    "Action to be taken by another organisation",
    "Formal action is not in the public interest",
]
OUTCOME_WEIGHTS = [0.34, 0.30, 0.10, 0.08, 0.05, 0.03, 0.03, 0.02, 0.02, 0.02, 0.01]
STREETS = [
    "High Street",
    "Station Road",
    "Church Road",
    "Park Road",
    "Victoria Street",
    "Queen Street",
    "Market Street",
    "Stafford Road",
    "Dudley Road",
    "Birmingham Road",
    "Walsall Road",
    "Parking Area",
    "Supermarket",
    "Shopping Area",
    "Petrol Station",
    "Sports/Recreation Area",
    "Further/Higher Educational Building",
    "Hospital",
    "Nightclub",
    "Bus/Coach Station",
    "Conference/Exhibition Centre",
    "Police Station",
    "Theatre/Concert Hall",
    "Park/Open Space",
]

# Shares of records with each quirk (per month, drawn deterministically).
NO_LOCATION_SHARE = 0.004
OUTSIDE_SHARE = 0.002
DUPLICATE_SHARE = 0.0002


def months_between(start: str, end: str) -> list[str]:
    """Inclusive list of "YYYY-MM" months from ``start`` to ``end``."""
    y, m = map(int, start.split("-"))
    ey, em = map(int, end.split("-"))
    out = []
    while (y, m) <= (ey, em):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if not out:
        raise ValueError(f"No months between {start} and {end}")
    return out


def _lsoas(seed: int) -> tuple[list[str], list[str], np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Every authority's real LSOA codes and names ("Wolverhampton 020A"), from the ONS lookup
    the project ships in ``data/raw/lsoa-ward-lookup.csv`` (so the sample's wards are real), and
    for each LSOA a made-up offset from its authority's centre, shared by its ward's LSOAs (so a
    ward's crimes sit together on a density picture)."""
    lookup = _lookup_pairs()
    codes, names, owner, lad_names, wards = [], [], [], [], []
    weights = []
    rng = np.random.default_rng([seed, 0])
    for a_index, name in enumerate(AUTHORITIES):
        lad_names.append(name)
        mine = sorted((c, n, w) for c, n, lad, w in lookup if lad == name)
        for code, lsoa_name, ward in mine:
            codes.append(code)
            names.append(lsoa_name)
            owner.append(a_index)
            wards.append(ward)
        # a skewed spread of crime across an authority's LSOAs (town centres carry more)
        weights.append(rng.gamma(1.5, 1.0, len(mine)))
    place = np.random.default_rng([seed, 1])  # its own stream: the records stay as they were
    ward_offset = {w: place.normal(0, [0.045, 0.03]) for w in sorted(set(wards))}
    offsets = np.array([ward_offset[w] for w in wards])
    return codes, names, np.asarray(owner), lad_names, np.concatenate(weights), offsets


def _lookup_pairs() -> list[tuple[str, str, str, str]]:
    """(LSOA code, LSOA name, authority, ward code) from the project's ONS lookup."""

    path = find_project_root(Path(__file__)) / "data" / "raw" / "lsoa-ward-lookup.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return [(r["LSOA11CD"], r["LSOA11NM"], r["LAD18NM"], r["WD18CD"]) for r in csv.DictReader(handle)]


def _month_index(month: str) -> int:
    y, m = map(int, month.split("-"))
    return y * 12 + m - 1


def _month_file(month: str, seed: int, lsoa: tuple) -> str:
    """One month's CSV text for the whole force, deterministic in (seed, month)."""
    codes, names, owner, lad_names, lsoa_w, offsets = lsoa
    mi = _month_index(month)
    rng = np.random.default_rng([seed, mi])
    years_in = (mi - _month_index(DEFAULT_START)) / 12.0
    season = 1.0 + 0.06 * np.sin(2 * np.pi * ((mi % 12) - 3) / 12.0)  # summer peak
    type_names = list(CRIME_TYPES)
    type_p = np.asarray(list(CRIME_TYPES.values()))
    type_p = type_p / type_p.sum()
    rows_type: list[np.ndarray] = []
    rows_lsoa: list[np.ndarray] = []
    for a_index, (_, (_, monthly, _, _)) in enumerate(AUTHORITIES.items()):
        # each authority and crime type has its own trend (growth of around 8% a year overall)
        trend_rng = np.random.default_rng([seed, 1, a_index])
        growth = 1.0 + trend_rng.normal(0.08, 0.05, len(type_names))
        expected = monthly * season * type_p * growth**years_in
        counts = rng.poisson(expected)
        t = np.repeat(np.arange(len(type_names)), counts)
        n_asb = rng.poisson(monthly * season * ASB_PER_CRIME)
        t = np.concatenate([t, np.full(n_asb, -1)])
        mine = np.flatnonzero(owner == a_index)
        w = lsoa_w[mine] / lsoa_w[mine].sum()
        rows_type.append(t)
        rows_lsoa.append(rng.choice(mine, size=t.size, p=w))
    types = np.concatenate(rows_type)
    lsoas = np.concatenate(rows_lsoa)
    order = rng.permutation(types.size)
    types, lsoas = types[order], lsoas[order]
    n = types.size

    crime_ids = rng.bytes(32 * n).hex()
    outcome = rng.choice(len(OUTCOMES), size=n, p=np.asarray(OUTCOME_WEIGHTS) / sum(OUTCOME_WEIGHTS))
    street = rng.integers(0, len(STREETS), size=n)
    centre = np.array([[v[2], v[3]] for v in AUTHORITIES.values()])
    lon = centre[owner[lsoas], 0] + offsets[lsoas, 0] + rng.normal(0, 0.012, n)
    lat = centre[owner[lsoas], 1] + offsets[lsoas, 1] + rng.normal(0, 0.008, n)
    quirk = rng.random(n)
    outside_lsoa = rng.integers(0, len(OUTSIDE_AUTHORITIES), size=n)
    outside_num = rng.integers(1, 15, size=n)

    out = io.StringIO()
    out.write(HEADER + "\n")
    write = out.write
    previous_id = None
    for i in range(n):
        t = types[i]
        is_asb = t < 0
        crime_type = ASB if is_asb else type_names[t]
        cid = "" if is_asb else crime_ids[64 * i : 64 * i + 64]
        if not is_asb and previous_id and quirk[i] < DUPLICATE_SHARE:
            cid = previous_id  # a repeated Crime ID, as real files occasionally have
        if quirk[i] > 1 - NO_LOCATION_SHARE:
            loc = ",,No Location,,"
        else:
            if quirk[i] > 1 - NO_LOCATION_SHARE - OUTSIDE_SHARE:
                lsoa_code = f"E0{1_030_000 + outside_lsoa[i] * 100 + outside_num[i]:07d}"
                lsoa_name = f"{OUTSIDE_AUTHORITIES[outside_lsoa[i]]} {outside_num[i]:03d}A"
            else:
                lsoa_code, lsoa_name = codes[lsoas[i]], names[lsoas[i]]
            loc = f"{lon[i]:.6f},{lat[i]:.6f},On or near {STREETS[street[i]]},{lsoa_code},{lsoa_name}"
        last = "" if is_asb else OUTCOMES[outcome[i]]
        write(f"{cid},{month},{FORCE_NAME},{FORCE_NAME},{loc},{crime_type},{last},\n")
        if cid:
            previous_id = cid
    return out.getvalue()


# Illustrative spending lines for Appendix A (synthetic amounts; see module docstring).
EXPENDITURE_ITEMS = [
    (
        "Reducing Reoffending",
        "Black Country reducing reoffending coordination",
        "City of Wolverhampton Council",
        "Police and Crime Commissioner",
    ),
    (
        "Reducing Reoffending",
        "Rough sleeping outreach and Alternative Giving Campaign",
        "P3",
        "City of Wolverhampton Council",
    ),
    (
        "Reducing Reoffending",
        "Drug intervention programme in custody",
        "Recovery Near You",
        "Police and Crime Commissioner",
    ),
    (
        "Reducing Victimisation",
        "Domestic abuse community champions",
        "Wolverhampton Domestic Violence Forum",
        "Police and Crime Commissioner",
    ),
    (
        "Reducing Victimisation",
        "Independent Domestic Violence Advisors",
        "Wolverhampton Domestic Violence Forum",
        "City of Wolverhampton Council",
    ),
    (
        "Reducing Victimisation",
        "Modern slavery training",
        "City of Wolverhampton Council",
        "Police and Crime Commissioner",
    ),
    (
        "Reducing Victimisation",
        "Hate crime third-party reporting centres",
        "Victim Support",
        "Police and Crime Commissioner",
    ),
    (
        "Violence Prevention",
        "Peer mentoring in primary schools",
        "Street Doctors",
        "Police and Crime Commissioner",
    ),
    (
        "Violence Prevention",
        "School holiday diversionary activities",
        "Wolverhampton Wanderers Foundation",
        "Police and Crime Commissioner",
    ),
    (
        "Violence Prevention",
        "Youth outreach in targeted areas",
        "St George's Hub",
        "Police and Crime Commissioner",
    ),
    ("Violence Prevention", "YOT music project", "Youth Offending Team", "Police and Crime Commissioner"),
    (
        "Violence Prevention",
        "Specialist mediation service",
        "Community Reference Group",
        "City of Wolverhampton Council",
    ),
    ("Violence Prevention", "Domestic abuse perpetrator programme", "Relate", "Home Office"),
    (
        "Statutory Functions",
        "Domestic Homicide Reviews",
        "Independent chairs",
        "City of Wolverhampton Council",
    ),
    (
        "Statutory Functions",
        "PACT meetings and community engagement",
        "West Midlands Police",
        "City of Wolverhampton Council",
    ),
    (
        "Statutory Functions",
        "Prevent and community cohesion",
        "City of Wolverhampton Council",
        "City of Wolverhampton Council",
    ),
]


def expenditure_csv(seed: int, fiscal_years: list[str]) -> str:
    """Synthetic spending lines for each fiscal year, in whole pounds (multiples of £500)."""
    rng = np.random.default_rng([seed, 2])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["fiscal_year", "priority", "item", "provider", "funder", "amount_gbp"])
    for fy in fiscal_years:
        for priority, item, provider, funder in EXPENDITURE_ITEMS:
            amount = int(rng.integers(10, 121)) * 500
            writer.writerow([fy, priority, item, provider, funder, amount])
    return out.getvalue()


def fiscal_years_in(months: list[str]) -> list[str]:
    """The fiscal years of ``months``, in order (:func:`swp_analysis.periods.fiscal_year`).

    >>> fiscal_years_in(["2019-02", "2019-03", "2019-04"])
    ['2018-19', '2019-20']
    """
    return list(dict.fromkeys(periods.fiscal_year(m) for m in months))


HAND_MADE = [
    "indicators.yaml",
    "indicators.csv",
    "population.csv",
    "lsoa-ward-lookup.csv",
    "report",
    "README.md",
]


def _write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def generate(
    data_dir: str | Path | None = None,
    *,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the sample into ``<data_dir>/raw`` and return a summary (files, rows, sha256).

    Deterministic: the same ``seed``, ``start`` and ``end`` give byte-identical files.
    """
    paths = DataPaths.from_arg(data_dir)
    say = progress or (lambda _msg: None)
    months = months_between(start, end)
    lsoa = _lsoas(seed)
    summary: dict = {"seed": seed, "start": start, "end": end, "files": {}}
    for month in months:
        path = paths.police / month / f"{month}-{FORCE_SLUG}-street.csv"
        text = _month_file(month, seed, lsoa)
        _write_if_changed(path, text)
        summary["files"][str(path.relative_to(paths.raw))] = {
            "rows": text.count("\n") - 1,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        }
        say(f"police {month}: {text.count(chr(10)) - 1:,} rows")
    text = expenditure_csv(seed, fiscal_years_in(months))
    _write_if_changed(paths.expenditure, text)
    summary["files"]["expenditure.csv"] = {
        "rows": text.count("\n") - 1,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    _copy_hand_made(paths)
    _write_if_changed(paths.raw / ".sample-data.json", json.dumps(summary, indent=1) + "\n")
    return summary


def _copy_hand_made(paths: DataPaths) -> None:
    """Copy the committed hand-made inputs when generating into a folder other than the repo's."""
    try:
        repo_raw = find_project_root(Path(__file__)) / "data" / "raw"
    except FileNotFoundError:
        return
    if not repo_raw.is_dir() or repo_raw.resolve() == paths.raw.resolve():
        return
    for name in HAND_MADE:
        src, dst = repo_raw / name, paths.raw / name
        if dst.exists() or not src.exists():
            continue
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def sample_present(data_dir: str | Path | None = None, *, end: str = DEFAULT_END) -> bool:
    """True when the generated police files for every month up to ``end`` exist."""
    paths = DataPaths.from_arg(data_dir)
    return (
        all(
            (paths.police / m / f"{m}-{FORCE_SLUG}-street.csv").is_file()
            for m in months_between(DEFAULT_START, end)
        )
        and paths.expenditure.is_file()
    )
