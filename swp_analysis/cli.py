"""The ``swp`` command: one entry point for analysts, leads and CI.

Every command takes ``--data-dir`` (default: the repository's ``data/``, the folder holding
``raw/`` and ``processed/``), so the same code runs on any partnership's data. Errors we expect
(bad input, a failed notebook) are printed as sentences; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from .errors import SwpError


def _say(msg: str) -> None:
    print(msg, flush=True)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        default=None,
        help="folder holding raw/ and processed/ (default: the repository's data/)",
    )
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")


def _year_area(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--year", default=None, help="financial year, e.g. 2018-19 (default: the latest year with content)"
    )
    p.add_argument(
        "--area", default=None, help="local authority (default: the area the year's report.yaml names)"
    )


def _resolve_year_area(args: argparse.Namespace) -> None:
    """Fill in ``--year`` and ``--area`` from the content when they were not given."""
    from .content import resolve
    from .paths import DataPaths

    args.year, args.area = resolve(DataPaths.from_arg(args.data_dir), args.year, args.area)


def cmd_sample_data(args: argparse.Namespace) -> int:
    from . import sample_data

    if args.if_missing and sample_data.sample_present(args.data_dir, end=args.end):
        _say("sample data already present: nothing to do")
        return 0
    t0 = time.perf_counter()
    summary = sample_data.generate(
        args.data_dir, seed=args.seed, start=args.start, end=args.end, progress=_say if args.verbose else None
    )
    rows = sum(f["rows"] for f in summary["files"].values())
    _say(
        f"sample data: {len(summary['files'])} files, {rows:,} rows written in "
        f"{time.perf_counter() - t0:.1f}s"
    )
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from . import ingest
    from .paths import DataPaths

    t0 = time.perf_counter()
    result = ingest.ingest_police(DataPaths.from_arg(args.data_dir), rebuild=args.rebuild, progress=_say)
    _say(f"ingest: {result} ({time.perf_counter() - t0:.1f}s)")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from . import pipeline

    pipeline.build(
        args.year,
        args.area,
        args.data_dir,
        args.reports_dir,
        jobs=args.jobs,
        force=args.force,
        say=_say,
        notebooks=args.notebooks_dir,
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from . import checks
    from .paths import DataPaths

    warnings = checks.validate(DataPaths.from_arg(args.data_dir), args.year, args.area)
    for w in warnings:
        _say(f"warning: {w}")
    _say(f"valid: no errors, {len(warnings)} warning(s)")
    return 0


def cmd_check_claims(args: argparse.Namespace) -> int:
    from . import checks

    table = checks.claims_table(args.data_dir, args.year, args.area)
    from . import claims

    if args.format == "json":
        print(table.to_json(orient="records", indent=1))
    else:
        print(claims.format_claims_table(table))
    disagree = (table["agrees"] == False).sum()  # noqa: E712 - "not checked" rows are None
    return 1 if disagree else 0


def cmd_new_year(args: argparse.Namespace) -> int:
    from . import content, periods
    from .paths import DataPaths

    paths = DataPaths.from_arg(args.data_dir)
    year_from = args.from_year or periods.previous(args.year)
    needed = content.new_year(paths, year_from, args.year)
    _say(f"created report/{args.year}/ from report/{year_from}/ (existing files left untouched)")
    _say(f"the lead must supply {len(needed)} register row(s) in indicators.csv:")
    for row in needed:
        _say(f"  {row}")
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from . import lab

    return lab.run(args.extra)


def cmd_doctor(args: argparse.Namespace) -> int:
    from . import lab

    for line in lab.doctor(install_browser=args.install_browser):
        _say(line)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from . import init

    result = init.init(args.data_dir, args.authority, args.police_force, args.report_year)
    a = result.authority
    _say(f"set up {result.paths.data_dir} for {a.authority} ({a.force_name}), report year {result.year}:")
    for path in result.written:
        _say(f"  wrote {path.relative_to(result.paths.data_dir)}")
    _say(f"  made  {result.paths.police.relative_to(result.paths.data_dir)}/ (empty)")
    for note in result.notes:
        _say(f"note: {note}")
    _say("next: get the police data for the two years compared, then check and build:")
    for step in result.next_steps:
        _say(f"  {step}")
    return 0


def cmd_fetch_police(args: argparse.Namespace) -> int:
    from . import fetch
    from .paths import DataPaths

    kw = {"base_url": args.base_url} if args.base_url else {}
    fetch.fetch_police(
        DataPaths.from_arg(args.data_dir),
        args.force,
        args.start,
        args.end,
        retries=args.retries,
        overwrite=args.overwrite,
        keep_archive=args.keep_archive,
        progress=_say,
        **kw,
    )
    return 0


def _add_init(sub) -> None:
    # --area and --year are stored under other names: main() fills in ``area`` and ``year`` from
    # existing content, and a folder being set up has none yet.
    p = sub.add_parser("init", help="set up a new partnership's data folder for any local authority")
    p.add_argument("--data-dir", required=True, help="the new data folder (raw/ is made inside it)")
    p.add_argument(
        "--area", dest="authority", required=True, help="local authority as police.uk names it, e.g. Carlisle"
    )
    p.add_argument("--police-force", required=True, help="force id as in police.uk file names, e.g. cumbria")
    p.add_argument(
        "--year",
        dest="report_year",
        default=None,
        help="financial year of the first report, e.g. 2018-19 (default: the latest that has ended)",
    )
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    p.set_defaults(func=cmd_init)


def _add_fetch_police(sub) -> None:
    p = sub.add_parser("fetch-police", help="download a force's street-level files from data.police.uk")
    _common(p)
    p.add_argument(
        "--police-force",
        "--force",
        dest="force",
        required=True,
        help="force id as in police.uk file names, e.g. west-midlands (--force is the old name)",
    )
    p.add_argument("--from", dest="start", required=True, help="first month, YYYY-MM")
    p.add_argument("--to", dest="end", required=True, help="last month, YYYY-MM")
    p.add_argument(
        "--base-url", default=None, help="archive folder (default: data.police.uk's monthly archives)"
    )
    p.add_argument("--retries", type=int, default=3, help="attempts per download")
    p.add_argument("--overwrite", action="store_true", help="download months already present")
    p.add_argument(
        "--keep-archive", action="store_true", help="keep the archive in data/processed/downloads for reuse"
    )
    p.set_defaults(func=cmd_fetch_police)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swp", description="Build a Community Safety Partnership's annual report from data."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample-data", help="write the bundled synthetic sample into data/raw")
    _common(p)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--start", default=None, help="first month, YYYY-MM (default 2016-04)")
    p.add_argument("--end", default=None, help="last month, YYYY-MM (default 2019-03)")
    p.add_argument("--if-missing", action="store_true", help="do nothing if the sample exists")
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=cmd_sample_data)

    p = sub.add_parser("ingest", help="read, validate and clean police data into data/processed")
    _common(p)
    p.add_argument("--rebuild", action="store_true", help="ignore the cache")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("build", help="build the annual report HTML")
    _common(p)
    _year_area(p)
    p.add_argument("--reports-dir", default=None, help="where reports go (default: reports/)")
    p.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: cores)")
    p.add_argument("--force", action="store_true", help="re-execute every notebook")
    p.add_argument(
        "--notebooks-dir",
        default=None,
        help="folder of the report's notebooks (default: the repository's notebooks/)",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check every input and report all problems together")
    _common(p)
    _year_area(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("check-claims", help="recompute the figures a published report stated")
    _common(p)
    _year_area(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_check_claims)

    p = sub.add_parser("new-year", help="scaffold next year's report content from the last")
    _common(p)
    p.add_argument("year", help="the new financial year, e.g. 2019-20")
    p.add_argument("--from", dest="from_year", default=None, help="copy from (default: year before)")
    p.set_defaults(func=cmd_new_year)

    p = sub.add_parser("lab", help="open JupyterLab on notebooks/ with the project's kernel")
    _common(p)
    p.add_argument("extra", nargs=argparse.REMAINDER, help="arguments passed to jupyter lab")
    p.set_defaults(func=cmd_lab)

    _add_init(sub)
    _add_fetch_police(sub)

    p = sub.add_parser("doctor", help="check the machine; prepare fonts and (optionally) Chromium")
    _common(p)
    p.add_argument(
        "--install-browser",
        action="store_true",
        help="install Debian's chromium with apt-get if missing (browser tests)",
    )
    p.set_defaults(func=cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and getattr(args, "command", None) == "lab":
        args.extra = [*unknown, *args.extra]  # e.g. `swp lab --no-browser --port 8899`
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if getattr(args, "command", None) == "sample-data":
        from . import sample_data

        args.seed = sample_data.DEFAULT_SEED if args.seed is None else args.seed
        args.start = args.start or sample_data.DEFAULT_START
        args.end = args.end or sample_data.DEFAULT_END
    try:
        if hasattr(args, "area"):
            _resolve_year_area(args)
        return args.func(args)
    except SwpError as exc:
        if args.debug:
            raise
        print(f"swp {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
