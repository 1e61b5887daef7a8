"""Benchmark: police.uk ingest against a plain pandas baseline, measured in the same run.

    python benchmarks/ingest.py            # force-year (~360,000 rows) and national-year (~6M rows)
    python benchmarks/ingest.py --quick    # a force-year of ~60,000 rows and a "national" ~600,000

For each data set, generated in a temporary folder in the police.uk street format (exact
12-column header, 64-hex Crime IDs blank for anti-social behaviour, "No Location" rows, a few
cross-border LSOAs and repeated Crime IDs), it times

* baseline: ``pandas.read_csv`` on each file, ``concat``, drop anti-social behaviour,
  ``groupby`` (LSOA name, crime type) - the least a notebook would do, with no validation,
  de-duplication or output;
* ingest, cold: :func:`swp_analysis.ingest.ingest_police` (find, validate, parse with pyarrow,
  clean, write the parquet and the manifest);
* ingest, cached: the same call again with the inputs unchanged.

Each contender runs ``--repeat`` times (default 3), interleaved, and the median time is
reported (the machine may be shared, so single runs vary). Each run is a fresh Python process
started the same way (``python -c``), which times its own work with ``time.perf_counter``
(interpreter start-up and imports excluded, equally for all) and reports its own peak resident
memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, imports included, equally for all).
Running each in its own process keeps one contender's heap from inflating another's figure;
they run back to back on the same files, so the page cache is as warm for each.
Targets (issue 3): national-year cold ingest <= 0.5x the baseline's
time and < 3 GB peak; cached <= 0.05x.
"""

from __future__ import annotations

import argparse
import binascii
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from swp_analysis.sample_data import OUTCOMES as sample_OUTCOMES  # noqa: E402 - after the path is set
from swp_analysis.sources.forces import packaged_forces  # noqa: E402
from swp_analysis.sources.policeuk import STREET_COLUMNS  # noqa: E402

HEADER = STREET_COLUMNS  # the exact published header, from the reader itself
FORCES = [
    "avon-and-somerset",
    "bedfordshire",
    "cambridgeshire",
    "cheshire",
    "city-of-london",
    "cleveland",
    "cumbria",
    "derbyshire",
    "devon-and-cornwall",
    "dorset",
    "durham",
    "dyfed-powys",
    "essex",
    "gloucestershire",
    "greater-manchester",
    "gwent",
    "hampshire",
    "hertfordshire",
    "humberside",
    "kent",
    "lancashire",
    "leicestershire",
    "lincolnshire",
    "merseyside",
    "metropolitan",
    "norfolk",
    "north-wales",
    "north-yorkshire",
    "northamptonshire",
    "northumbria",
    "nottinghamshire",
    "south-wales",
    "south-yorkshire",
    "staffordshire",
    "suffolk",
    "surrey",
    "sussex",
    "thames-valley",
    "warwickshire",
    "west-mercia",
    "west-midlands",
    "west-yorkshire",
    "wiltshire",
]
CRIME_TYPES = {
    "Anti-social behaviour": 0.25,
    "Violence and sexual offences": 0.27,
    "Vehicle crime": 0.08,
    "Criminal damage and arson": 0.07,
    "Other theft": 0.07,
    "Shoplifting": 0.07,
    "Burglary": 0.06,
    "Public order": 0.05,
    "Robbery": 0.02,
    "Other crime": 0.015,
    "Drugs": 0.015,
    "Bicycle theft": 0.01,
    "Theft from the person": 0.01,
    "Possession of weapons": 0.01,
}
OUTCOMES = list(sample_OUTCOMES)  # the bundled sample's outcome categories
MONTHS = [f"2018-{m:02d}" for m in range(4, 13)] + [f"2019-{m:02d}" for m in range(1, 4)]


# --------------------------------------------------------------------------------------------
# generating police.uk-format files


def force_areas(force: str) -> list[str]:
    """The force's authorities: the real ones for forces in the packaged table, else made up."""
    if force in packaged_forces():
        return list(packaged_forces()[force].authorities)
    title = " ".join(w.capitalize() for w in force.split("-"))
    n = 3 + (sum(map(ord, force)) % 8)
    return [f"{title} District {chr(ord('A') + i)}" for i in range(n)]


def write_force_month(folder: Path, force: str, month: str, rows: int, rng: np.random.Generator) -> int:
    """One ``YYYY-MM/YYYY-MM-<force>-street.csv`` with ``rows`` records; returns the row count."""
    areas = force_areas(force)
    neighbour = force_areas(FORCES[(FORCES.index(force) + 1) % len(FORCES)])[0]
    lsoas_per_area = 120
    n_lsoa = len(areas) * lsoas_per_area
    lsoa_names = [f"{a} {i // 4 + 1:03d}{'ABCD'[i % 4]}" for a in areas for i in range(lsoas_per_area)]
    lsoa_names.append(f"{neighbour} 001A")  # a cross-border LSOA
    base = 1_000_000 + FORCES.index(force) * 10_000
    lsoa_codes = [f"E0{base + i:07d}" for i in range(len(lsoa_names))]

    lsoa = rng.integers(0, n_lsoa, rows)
    lsoa[rng.random(rows) < 0.0005] = n_lsoa
    types = list(CRIME_TYPES)
    p = np.array(list(CRIME_TYPES.values()))
    ctype = rng.choice(len(types), rows, p=p / p.sum())
    is_asb = ctype == 0
    no_loc = rng.random(rows) < 0.002

    ids = binascii.hexlify(rng.bytes(32 * rows))
    offsets = np.arange(0, 64 * rows + 1, 64, dtype=np.int32)
    crime_id = pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(ids))
    dup = np.flatnonzero((rng.random(rows) < 0.0005) & ~is_asb)
    if len(dup):  # a few Crime IDs repeated, as real files have
        crime_id = pc.take(crime_id, pa.array(_dup_index(rows, dup, rng.integers(0, rows, len(dup)))))
    crime_id = pc.if_else(pa.array(is_asb), pa.scalar(None, pa.string()), crime_id)

    # police.uk snaps every record to one of a set of anonymous map points, each with its street
    # name; here each LSOA has a dozen points, the same every month
    points = np.random.default_rng(FORCES.index(force))
    centre_lon = -3.0 + 2.0 * points.random(len(lsoa_names))
    centre_lat = 51.0 + 3.0 * points.random(len(lsoa_names))
    per_lsoa = 12
    point_lon = np.round(
        np.repeat(centre_lon, per_lsoa) + points.normal(0, 0.005, len(lsoa_names) * per_lsoa), 6
    )
    point_lat = np.round(
        np.repeat(centre_lat, per_lsoa) + points.normal(0, 0.005, len(lsoa_names) * per_lsoa), 6
    )
    streets = [f"On or near Street {i}" for i in points.integers(0, 2000, len(lsoa_names) * per_lsoa)]
    point = lsoa * per_lsoa + rng.integers(0, per_lsoa, rows)
    lon, lat = point_lon[point], point_lat[point]
    street = point.copy()
    street[no_loc] = len(streets)
    streets.append("No Location")

    def dict_col(indices: np.ndarray, values: list[str], null: np.ndarray | None = None) -> pa.Array:
        arr = pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32), mask=null), pa.array(values))
        return arr.cast(pa.string())

    force_name = " ".join(w.capitalize() for w in force.split("-")) + " Police"
    coord_mask = no_loc
    table = pa.table(
        {
            "Crime ID": crime_id,
            "Month": pa.array([month] * rows),
            "Reported by": pa.array([force_name] * rows),
            "Falls within": pa.array([force_name] * rows),
            "Longitude": pa.array(lon, mask=coord_mask).cast(pa.string()),
            "Latitude": pa.array(lat, mask=coord_mask).cast(pa.string()),
            "Location": dict_col(street, streets),
            "LSOA code": dict_col(lsoa, lsoa_codes, no_loc),
            "LSOA name": dict_col(lsoa, lsoa_names, no_loc),
            "Crime type": dict_col(ctype, types),
            "Last outcome category": dict_col(rng.integers(0, len(OUTCOMES), rows), OUTCOMES, is_asb),
            "Context": pa.nulls(rows, pa.string()),
        }
    )
    out = folder / month / f"{month}-{force}-street.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:  # police.uk writes the header unquoted, as here
        fh.write((",".join(HEADER) + "\n").encode())
        pacsv.write_csv(
            table, fh, write_options=pacsv.WriteOptions(include_header=False, quoting_style="none")
        )
    return rows


def _dup_index(rows: int, dup: np.ndarray, src: np.ndarray) -> np.ndarray:
    index = np.arange(rows)
    index[dup] = src
    return index


def generate(folder: Path, forces: dict[str, int], months: list[str], seed: int = 2019) -> int:
    """Write every force-month; ``forces`` maps force -> rows a month. Returns the total rows."""
    rng = np.random.default_rng(seed)
    total = 0
    for month in months:
        for force, rows in forces.items():
            total += write_force_month(folder, force, month, rows, rng)
    return total


def national_volumes(total_per_month: int) -> dict[str, int]:
    """Rows a month per force, the Metropolitan and the big metropolitan forces larger."""
    weight = {f: 1.0 for f in FORCES}
    weight.update(
        {
            "metropolitan": 6.0,
            "west-midlands": 2.5,
            "greater-manchester": 2.5,
            "west-yorkshire": 2.0,
            "thames-valley": 1.5,
            "city-of-london": 0.1,
        }
    )
    s = sum(weight.values())
    return {f: max(100, int(total_per_month * w / s)) for f, w in weight.items()}


# --------------------------------------------------------------------------------------------
# the contenders, each run in a child process

BASELINE = r"""
import sys, time, glob, resource
import pandas as pd
files = sorted(glob.glob(sys.argv[1] + "/*/*-street.csv"))
t = time.perf_counter()
df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
crimes = df[df["Crime type"] != "Anti-social behaviour"]
counts = crimes.groupby(["LSOA name", "Crime type"]).size()
seconds = time.perf_counter() - t
print(len(df), len(crimes), int(counts.sum()), seconds,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
"""

INGEST = r"""
import sys, time, resource
sys.path.insert(0, sys.argv[3])
from swp_analysis.ingest import ingest_police
from swp_analysis.paths import DataPaths
paths = DataPaths(__import__("pathlib").Path(sys.argv[1]))
t = time.perf_counter()
result = ingest_police(paths, rebuild=sys.argv[2] == "cold")
seconds = time.perf_counter() - t
print(result.rows, int(result.cached), 0, seconds,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
"""


def run(code: str, *args: str) -> tuple[list[str], float, float]:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr}")
    fields = proc.stdout.split()
    return fields[:3], float(fields[3]), int(fields[4]) * 1024 / 1e9  # ru_maxrss is KiB on Linux


def bench(name: str, forces: dict[str, int], months: list[str], repeat: int) -> dict:
    """Generate the data set, then run baseline, cold ingest and cached ingest ``repeat`` times
    each, interleaved; report the median time and the largest peak memory of each."""
    tmp = Path(tempfile.mkdtemp(prefix="swp-bench-"))
    try:
        police = tmp / "raw" / "police"
        t = time.perf_counter()
        rows = generate(police, forces, months)
        size = sum(f.stat().st_size for f in police.rglob("*.csv"))
        print(
            f"\n{name}: {rows:,} rows in {len(forces) * len(months)} files, {size / 1e6:,.0f} MB "
            f"(generated in {time.perf_counter() - t:.1f}s); {repeat} run(s) of each, median shown"
        )
        runs: dict[str, list[tuple[list[str], float, float]]] = {
            "baseline": [],
            "cold": [],
            "cached": [],
        }
        for _ in range(repeat):
            runs["baseline"].append(run(BASELINE, str(police)))
            runs["cold"].append(run(INGEST, str(tmp), "cold", str(ROOT)))
            runs["cached"].append(run(INGEST, str(tmp), "warm", str(ROOT)))
            if runs["cached"][-1][0][1] != "1":
                raise SystemExit("the second ingest did not use the cache")
        base_s, cold_s, warm_s = (
            statistics.median(r[1] for r in runs[k]) for k in ("baseline", "cold", "cached")
        )
        base_mem, cold_mem, warm_mem = (max(r[2] for r in runs[k]) for k in ("baseline", "cold", "cached"))
        every = {k: ", ".join(f"{r[1]:.2f}" for r in v) for k, v in runs.items()}
        print(
            f"  baseline (read_csv, concat, filter, groupby): {base_s:7.2f}s"
            f"  peak {base_mem:5.2f} GB"
            f"  ({int(runs['baseline'][0][0][1]):,} non-ASB rows)  runs: {every['baseline']}"
        )
        print(
            f"  ingest, cold (validate, clean, parquet):      {cold_s:7.2f}s"
            f"  peak {cold_mem:5.2f} GB"
            f"  ratio {cold_s / base_s:.3f}x  ({int(runs['cold'][0][0][0]):,} rows kept)"
            f"  runs: {every['cold']}"
        )
        print(
            f"  ingest, cached (inputs unchanged):           {warm_s:7.3f}s"
            f"  peak {warm_mem:5.2f} GB"
            f"  ratio {warm_s / base_s:.4f}x  runs: {every['cached']}"
        )
        return {
            "name": name,
            "rows": rows,
            "baseline_s": base_s,
            "cold_s": cold_s,
            "cached_s": warm_s,
            "baseline_gb": base_mem,
            "cold_gb": cold_mem,
            "cached_gb": warm_mem,
            "cold_ratio": cold_s / base_s,
            "cached_ratio": warm_s / base_s,
            "runs": every,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data sets (about 10x smaller)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each contender (median shown)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    results = [
        bench("force-year", {"west-midlands": 30_000 // scale}, MONTHS, args.repeat),
        bench("national-year", national_volumes(500_000 // scale), MONTHS, args.repeat),
    ]
    national = results[-1]
    ok = national["cold_ratio"] <= 0.5 and national["cold_gb"] < 3 and national["cached_ratio"] <= 0.05
    print(
        f"\ntargets (national-year): cold <= 0.5x baseline: {national['cold_ratio']:.3f}x; "
        f"peak < 3 GB: {national['cold_gb']:.2f} GB; "
        f"cached <= 0.05x: {national['cached_ratio']:.4f}x"
        f" -> {'met' if ok else 'NOT MET'}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
