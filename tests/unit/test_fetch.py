"""The data.police.uk downloader (swp_analysis.fetch), against a local server on 127.0.0.1.

The server plays data.police.uk: ``/data/archive/YYYY-MM.zip`` redirects (302) to a copy under
``/s3/archive/``, as the real site redirects to Amazon S3, and each archive is laid out as the
real ones are: ``YYYY-MM/YYYY-MM-<force>-street.csv`` for several forces and months, beside
``-outcomes.csv`` and ``-stop-and-search.csv`` files. The Cumbria street files in the archives are
the real published ones (``../shared/data/real/police-uk-street-cumbria``); the West Midlands and
Staffordshire files are synthetic, written here in the same twelve-column format.

Every expected count is counted here with the csv module from the bytes put in the archive,
never taken from the downloader. No test reaches beyond 127.0.0.1: an autouse fixture refuses
any other connection.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import socket
import threading
import time
import urllib.request
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from swp_analysis import fetch
from swp_analysis.errors import SwpError
from swp_analysis.paths import DataPaths
from swp_analysis.sources import policeuk

STREET_HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
OUTCOMES_HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
]
STOP_SEARCH_HEADER = [
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
]
FORCES = {
    "west-midlands": (
        "West Midlands Police",
        [
            ("E01010520", "Wolverhampton 020A"),
            ("E01009001", "Birmingham 001A"),
            ("E01010101", "Walsall 012C"),
        ],
    ),
    "staffordshire": ("Staffordshire Police", [("E01029001", "Stafford 003B")]),
    "cumbria": ("Cumbria Constabulary", [("E01019126", "Allerdale 001A")]),
}
CRIME_TYPES = [
    "Burglary",
    "Violence and sexual offences",
    "Shoplifting",
    "Vehicle crime",
    "Anti-social behaviour",
    "Criminal damage and arson",
]


# --------------------------------------------------------------------------------------------
# files in the published formats


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def street_csv(month: str, force: str, n: int, seed: int = 0) -> bytes:
    """A synthetic street file: crimes, anti-social behaviour (no Crime ID), a row without a
    location, and a Location holding a comma (quoted, so lines and rows differ)."""
    name, lsoas = FORCES[force]
    rng = random.Random(f"{month}{force}{seed}")
    rows = []
    for i in range(n):
        crime_type = CRIME_TYPES[i % len(CRIME_TYPES)]
        asb = crime_type == "Anti-social behaviour"
        code, lsoa = lsoas[i % len(lsoas)]
        located = i % 7 != 3
        rows.append(
            [
                "" if asb else f"{rng.getrandbits(256):064x}",
                month,
                name,
                name,
                f"{-2.1 + rng.random() / 10:.6f}" if located else "",
                f"{52.5 + rng.random() / 10:.6f}" if located else "",
                "On or near Bath Road, Shopping Area" if i % 5 == 0 else "On or near Park Lane",
                code if located else "",
                lsoa if located else "",
                crime_type,
                "" if asb else "Investigation complete; no suspect identified",
                "",
            ]
        )
    return csv_bytes(STREET_HEADER, rows)


def outcomes_csv(month: str, force: str) -> bytes:
    name, lsoas = FORCES[force]
    code, lsoa = lsoas[0]
    return csv_bytes(
        OUTCOMES_HEADER,
        [
            [
                f"{7:064x}",
                month,
                name,
                name,
                "-2.1",
                "52.5",
                "On or near Park Lane",
                code,
                lsoa,
                "Unable to prosecute suspect",
            ]
        ],
    )


def stop_search_csv(month: str) -> bytes:
    return csv_bytes(
        STOP_SEARCH_HEADER,
        [
            [
                "Person search",
                f"{month}-03T10:00:00+00:00",
                "False",
                "",
                "52.5",
                "-2.1",
                "Male",
                "18-24",
                "",
                "White",
                "Misuse of Drugs Act 1971 (section 23)",
                "Controlled drugs",
                "A no further action disposal",
                "",
                "False",
            ]
        ],
    )


def count_rows(data: bytes) -> int:
    """Records in a CSV (not lines: quoted fields may hold commas), counted with the csv module."""
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1


def months_between(first: str, last: str) -> list[str]:
    """Written out here rather than taken from the module under test."""
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def archive_members(first: str, last: str, street: dict[str, dict[str, bytes]]) -> dict[str, bytes]:
    """Members of an archive as data.police.uk lays it out: a folder per month holding every
    force's street file (``street[month][force]``), outcomes and stop-and-search files."""
    members: dict[str, bytes] = {}
    for month in months_between(first, last):
        for force, data in sorted(street.get(month, {}).items()):
            members[f"{month}/{month}-{force}-street.csv"] = data
            members[f"{month}/{month}-{force}-outcomes.csv"] = outcomes_csv(month, force)
        members[f"{month}/{month}-west-midlands-stop-and-search.csv"] = stop_search_csv(month)
    return members


def wm_street(first: str, last: str, extra: dict[str, dict[str, bytes]] | None = None):
    """West Midlands and Staffordshire street files for every month (synthetic)."""
    street = {}
    for i, month in enumerate(months_between(first, last)):
        street[month] = {
            "west-midlands": street_csv(month, "west-midlands", 20 + i),
            "staffordshire": street_csv(month, "staffordshire", 5),
        }
    for month, files in (extra or {}).items():
        street.setdefault(month, {}).update(files)
    return street


# --------------------------------------------------------------------------------------------
# the local server


class FakePoliceUK:
    """A local data.police.uk. ``routes[path]`` is a list of behaviours used in turn (the last
    one repeats): ``("body", bytes)``, ``("status", code)``, ``("redirect", path)``,
    ``("cut", bytes)`` (announce the whole length, send half, close). Bodies honour a
    ``Range: bytes=N-`` header with 206 Partial Content, as S3 does."""

    def __init__(self) -> None:
        self.routes: dict[str, list[tuple]] = {}
        self.log: list[tuple[str, str | None]] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                with owner._lock:
                    owner.log.append((self.path, self.headers.get("Range")))
                    script = owner.routes.get(self.path)
                    if not script:
                        action = ("status", 404)
                    else:
                        action = script.pop(0) if len(script) > 1 else script[0]
                kind = action[0]
                if kind == "status":
                    self.send_error(action[1])
                elif kind == "redirect":
                    self.send_response(302)
                    self.send_header("Location", action[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif kind == "cut":
                    data = action[1]
                    self.send_response(200)
                    self.send_header("Content-Type", "application/zip")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                else:
                    data = action[1]
                    start = 0
                    wanted = self.headers.get("Range")
                    if wanted and wanted.startswith("bytes=") and wanted.endswith("-"):
                        start = int(wanted[6:-1])
                        self.send_response(206)
                        self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                    else:
                        self.send_response(200)
                    content_type = action[2] if len(action) > 2 else "application/zip"
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data) - start))
                    self.end_headers()
                    self.wfile.write(data[start:])

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/data/archive"

    def publish(self, month: str, data: bytes, *before: tuple) -> None:
        """Serve an archive as data.police.uk does: the archive URL redirects to the S3 copy.
        ``before``: behaviours of the S3 copy's first requests (failures to recover from)."""
        self.routes[f"/data/archive/{month}.zip"] = [("redirect", f"/s3/archive/{month}.zip")]
        self.routes[f"/s3/archive/{month}.zip"] = [*before, ("body", data)]

    def archive_requests(self) -> list[tuple[str, str | None]]:
        return [entry for entry in self.log if entry[0].startswith("/s3/")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch):
    """Refuse every connection that is not to 127.0.0.1: these tests never touch the internet."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "localhost"):
            raise AssertionError(f"test tried to connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def server():
    fake = FakePoliceUK()
    yield fake
    fake.close()


@pytest.fixture
def paths(tmp_path) -> DataPaths:
    return DataPaths(tmp_path / "data")


def run(paths: DataPaths, server: FakePoliceUK, force: str, start: str, end: str, **kw):
    """fetch_police against the local server, with no proxy and tiny backoff."""
    lines: list[str] = []
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 10)
    result = fetch.fetch_police(
        paths,
        force,
        start,
        end,
        base_url=server.base_url,
        progress=lines.append,
        opener=urllib.request.build_opener(urllib.request.ProxyHandler({})),
        **kw,
    )
    return result, lines


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture(scope="module")
def wm_archive(request):
    """``2020-03.zip`` as data.police.uk lays it out: 36 months (2017-04 to 2020-03) of West
    Midlands and Staffordshire street files, Cumbria's real file for 2017-11 (a synthetic one
    where the real data is absent), outcomes and stop-and-search files.
    Returns (zip bytes, members)."""
    try:
        real = request.getfixturevalue("real_data") / "police-uk-street-cumbria"
        cumbria = (real / "2017-11-cumbria-street.csv").read_bytes()
    except pytest.skip.Exception:
        cumbria = street_csv("2017-11", "cumbria", 9)
    extra = {"2017-11": {"cumbria": cumbria}}
    members = archive_members("2017-04", "2020-03", wm_street("2017-04", "2020-03", extra))
    return zip_bytes(members), members


# --------------------------------------------------------------------------------------------
# success


def test_a_financial_year_comes_from_one_archive_through_the_redirect(paths, server, wm_archive):
    data, members = wm_archive
    server.publish("2020-03", data)

    result, lines = run(paths, server, "west-midlands", "2019-04", "2020-03")

    months = months_between("2019-04", "2020-03")
    assert len(months) == 12
    expected = {m: members[f"{m}/{m}-west-midlands-street.csv"] for m in months}
    # one archive downloaded, once, by way of the redirect
    assert server.log[0][0] == "/data/archive/2020-03.zip"
    assert [p for p, _ in server.archive_requests()] == ["/s3/archive/2020-03.zip"]
    assert result.archives == [f"{server.base_url}/2020-03.zip"]
    assert result.bytes_downloaded == len(data)
    assert result.retries == 0 and result.skipped == []
    # exactly the force's street files, byte for byte, where the reader looks
    written = [p for p in files_under(paths.police) if p.suffix == ".csv"]
    assert written == [paths.police / m / f"{m}-west-midlands-street.csv" for m in months]
    for month in months:
        path = paths.police / month / f"{month}-west-midlands-street.csv"
        assert path.read_bytes() == expected[month]
    # rows: each month's and the total, counted here with the csv module
    counted = {m: count_rows(b) for m, b in expected.items()}
    assert {f.month: f.rows for f in result.fetched} == counted
    assert result.rows == sum(count_rows(b) for b in expected.values())
    assert f"{result.rows:,} rows" in result.summary() and "12 month(s) fetched" in result.summary()
    assert lines[-1] == result.summary()
    # the project's reader takes the folder as it is
    assert len(policeuk.read_street(paths.police)) == result.rows
    # no archive, temporary or stray file left behind
    assert files_under(paths.processed) == []
    others = [p.name for p in files_under(paths.police) if p.suffix != ".csv"]
    assert others == ["fetch-log.txt"]


def test_the_fetch_log_records_each_file_and_its_sha256(paths, server, wm_archive):
    data, _ = wm_archive
    server.publish("2020-03", data)
    result, _ = run(paths, server, "west-midlands", "2020-01", "2020-03")

    with (paths.police / "fetch-log.txt").open(encoding="utf-8") as f:
        log = list(csv.DictReader(f, delimiter="\t"))
    assert [row["month"] for row in log] == ["2020-01", "2020-02", "2020-03"]
    for row in log:
        path = paths.police / row["file"]
        assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert int(row["rows"]) == count_rows(path.read_bytes())
        assert row["source"] == f"{server.base_url}/2020-03.zip!{row['month']}/{path.name}"
    assert len(result.fetched) == 3


def test_real_cumbria_files_arrive_byte_for_byte(paths, server, real_data):
    """A 2017-11 archive holding the real Cumbria street files for 2016-11 and 2017-11 (and
    synthetic Cumbria months between them), beside other forces' files."""
    folder = real_data / "police-uk-street-cumbria"
    real = {m: (folder / f"{m}-cumbria-street.csv").read_bytes() for m in ("2016-11", "2017-11")}
    street = wm_street("2016-11", "2017-11")
    for month in months_between("2016-11", "2017-11"):
        street[month]["cumbria"] = real.get(month) or street_csv(month, "cumbria", 9)
    members = archive_members("2016-11", "2017-11", street)
    server.publish("2017-11", zip_bytes(members))

    result, _ = run(paths, server, "cumbria", "2016-11", "2017-11")

    assert len(server.archive_requests()) == 1
    assert len(result.fetched) == 13
    for month, data in real.items():
        path = paths.police / month / f"{month}-cumbria-street.csv"
        assert path.read_bytes() == data
        assert next(f.rows for f in result.fetched if f.month == month) == count_rows(data)
    assert result.rows == sum(
        count_rows(b) for m, files in street.items() for f, b in files.items() if f == "cumbria"
    )
    assert not list(paths.police.rglob("*west-midlands*"))


def test_a_range_longer_than_one_archive_takes_a_second_archive(paths, server, wm_archive):
    data, members = wm_archive  # 2017-04 to 2020-03
    older = archive_members("2014-04", "2017-03", wm_street("2014-04", "2017-03"))
    server.publish("2020-03", data)
    server.publish("2017-03", zip_bytes(older))

    result, _ = run(paths, server, "west-midlands", "2017-01", "2020-03")

    # the archive named for the last month first, then the one named for the last month it lacked
    assert [p for p, _ in server.archive_requests()] == ["/s3/archive/2020-03.zip", "/s3/archive/2017-03.zip"]
    months = months_between("2017-01", "2020-03")
    assert len(months) == 39
    assert [f.month for f in result.fetched] == months  # in month order, whatever the archive
    both = {**older, **members}
    assert result.rows == sum(count_rows(both[f"{m}/{m}-west-midlands-street.csv"]) for m in months)


# --------------------------------------------------------------------------------------------
# months already present


def test_months_already_present_are_skipped_and_left_untouched(paths, server, wm_archive):
    data, members = wm_archive
    server.publish("2020-03", data)
    mine = paths.police / "2020-02" / "2020-02-west-midlands-street.csv"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(members["2020-02/2020-02-west-midlands-street.csv"] + b"")
    before = mine.stat().st_mtime_ns

    result, _ = run(paths, server, "west-midlands", "2020-02", "2020-03")

    assert result.skipped == [("2020-02", str(mine))]
    assert [f.month for f in result.fetched] == ["2020-03"]
    assert mine.stat().st_mtime_ns == before
    assert "1 already present" in result.summary()

    server.log.clear()
    again, _ = run(paths, server, "west-midlands", "2020-02", "2020-03")
    assert server.log == []  # nothing to fetch: no request at all
    assert [m for m, _ in again.skipped] == ["2020-02", "2020-03"] and again.fetched == []


def test_overwrite_fetches_a_present_month_again(paths, server, wm_archive):
    data, members = wm_archive
    server.publish("2020-03", data)
    mine = paths.police / "2020-03" / "2020-03-west-midlands-street.csv"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"an older copy")

    result, _ = run(paths, server, "west-midlands", "2020-03", "2020-03", overwrite=True)

    assert result.skipped == [] and [f.month for f in result.fetched] == ["2020-03"]
    assert mine.read_bytes() == members["2020-03/2020-03-west-midlands-street.csv"]


def test_a_month_inside_an_archive_zip_in_the_police_folder_counts_as_present(paths, server):
    paths.police.mkdir(parents=True)
    dropped = paths.police / "2019-04.zip"
    dropped.write_bytes(
        zip_bytes({"2019-04/2019-04-west-midlands-street.csv": street_csv("2019-04", "west-midlands", 3)})
    )

    result, _ = run(paths, server, "west-midlands", "2019-04", "2019-04")

    assert result.skipped == [("2019-04", f"{dropped}!2019-04/2019-04-west-midlands-street.csv")]
    assert server.log == []


def test_a_kept_archive_is_reused_instead_of_downloaded_again(paths, server, wm_archive):
    data, _ = wm_archive
    server.publish("2020-03", data)
    run(paths, server, "west-midlands", "2020-01", "2020-03", keep_archive=True)
    kept = paths.processed / "downloads" / "2020-03.zip"
    assert kept.read_bytes() == data

    server.log.clear()
    result, lines = run(paths, server, "west-midlands", "2020-01", "2020-03", overwrite=True)
    assert server.log == []
    assert len(result.fetched) == 3 and result.bytes_downloaded == 0
    assert any("kept from an earlier fetch" in line for line in lines)
    assert kept.is_file()  # not ours to delete


# --------------------------------------------------------------------------------------------
# the network failing


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_transient_error_is_retried_and_counted(paths, server, wm_archive, status):
    data, members = wm_archive
    server.publish("2020-03", data, ("status", status))

    result, lines = run(paths, server, "west-midlands", "2020-03", "2020-03")

    assert len(server.archive_requests()) == 2
    assert result.retries == 1
    assert (paths.police / "2020-03" / "2020-03-west-midlands-street.csv").read_bytes() == members[
        "2020-03/2020-03-west-midlands-street.csv"
    ]
    assert any(f"attempt 1 of 3 failed (HTTP {status}" in line for line in lines)
    assert "1 attempt(s) retried" in result.summary()


def test_a_download_cut_off_part_way_resumes_where_it_stopped(paths, server, wm_archive):
    data, members = wm_archive
    server.publish("2020-03", data, ("cut", data))

    result, lines = run(paths, server, "west-midlands", "2020-03", "2020-03")

    requests = server.archive_requests()
    assert len(requests) == 2 and requests[0][1] is None
    assert requests[1][1] == f"bytes={len(data) // 2}-"  # asked only for the rest
    assert result.retries == 1 and result.bytes_downloaded == len(data)
    assert (paths.police / "2020-03" / "2020-03-west-midlands-street.csv").read_bytes() == members[
        "2020-03/2020-03-west-midlands-street.csv"
    ]
    assert any("connection closed after" in line for line in lines)


def test_server_down_gives_the_clear_error_in_bounded_time(paths):
    with socket.socket() as probe:  # a port nothing listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lines: list[str] = []
    t0 = time.monotonic()
    with pytest.raises(fetch.Unreachable) as caught:
        fetch.fetch_police(
            paths,
            "west-midlands",
            "2019-04",
            "2020-03",
            base_url=f"http://127.0.0.1:{port}/data/archive",
            retries=3,
            backoff=0.01,
            timeout=2,
            progress=lines.append,
            opener=urllib.request.build_opener(urllib.request.ProxyHandler({})),
        )
    assert time.monotonic() - t0 < 5
    text = str(caught.value)
    assert text.startswith("Could not reach 127.0.0.1 after 3 attempts: Connection refused")
    assert "Check your internet connection or proxy" in text
    assert "files already downloaded are kept" in text
    assert "\n" not in text  # one paragraph
    assert isinstance(caught.value, SwpError)
    assert sum("failed (Connection refused)" in line for line in lines) == 2
    assert caught.value.result.retries == 2
    assert files_under(paths.police) == [] and files_under(paths.processed) == []


def test_a_server_that_never_answers_times_out_and_says_so(paths):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are queued, never answered
    try:
        t0 = time.monotonic()
        with pytest.raises(fetch.Unreachable, match="after 2 attempts: the connection timed out"):
            fetch.fetch_police(
                paths,
                "west-midlands",
                "2019-04",
                "2019-04",
                base_url=f"http://127.0.0.1:{silent.getsockname()[1]}/data/archive",
                retries=2,
                backoff=0.01,
                timeout=0.3,
                opener=urllib.request.build_opener(urllib.request.ProxyHandler({})),
            )
        assert time.monotonic() - t0 < 5
    finally:
        silent.close()
    assert files_under(paths.police) == []


def test_a_month_not_published_is_named(paths, server, wm_archive):
    data, _ = wm_archive
    server.publish("2020-03", data)  # and nothing for 2020-04

    with pytest.raises(fetch.NotPublished) as caught:
        run(paths, server, "west-midlands", "2020-01", "2020-04")

    text = str(caught.value)
    assert "has not published April 2020" in text and "2020-04" in text and "404" in text
    assert len(server.log) == 1  # a 404 is not retried
    assert files_under(paths.police) == [] and files_under(paths.processed) == []


def test_a_month_in_the_future_is_refused_before_any_request(paths, server):
    with pytest.raises(SwpError, match="has not happened yet"):
        run(paths, server, "west-midlands", "2019-04", "2999-03")
    assert server.log == []


# --------------------------------------------------------------------------------------------
# what was downloaded is wrong


def test_an_archive_lacking_the_force_for_a_month_says_which(paths, server):
    street = wm_street("2019-04", "2019-06")
    del street["2019-06"]["west-midlands"]  # the force supplied nothing that month
    members = archive_members("2019-04", "2019-06", street)
    server.publish("2019-06", zip_bytes(members))

    with pytest.raises(fetch.FetchError) as caught:
        run(paths, server, "west-midlands", "2019-04", "2019-06")

    text = str(caught.value)
    assert "June 2019 (2019-06)" in text and "staffordshire" in text and "'west-midlands'" in text
    # the months that were there are kept, and listed in the error's result
    kept = [f.month for f in caught.value.result.fetched]
    assert kept == ["2019-04", "2019-05"]
    assert [p.parent.name for p in files_under(paths.police) if p.suffix == ".csv"] == kept
    assert "2 other month(s) were fetched and kept" in text


def test_a_mistyped_force_gets_a_suggestion(paths, server, wm_archive):
    data, _ = wm_archive
    server.publish("2020-03", data)

    with pytest.raises(fetch.FetchError, match="Did you mean 'west-midlands'"):
        run(paths, server, "west-midland", "2020-03", "2020-03")
    assert [p for p in files_under(paths.police) if p.suffix == ".csv"] == []


def test_a_file_with_the_wrong_header_is_refused_and_nothing_is_left(paths, server):
    wrong = csv_bytes(
        OUTCOMES_HEADER,
        [
            [
                f"{1:064x}",
                "2019-04",
                "West Midlands Police",
                "West Midlands Police",
                "-2.1",
                "52.5",
                "On or near X",
                "E01010520",
                "Wolverhampton 020A",
                "Unable to prosecute",
            ]
        ],
    )
    street = wm_street("2019-04", "2019-04")
    street["2019-04"]["west-midlands"] = wrong
    server.publish("2019-04", zip_bytes(archive_members("2019-04", "2019-04", street)))

    with pytest.raises(fetch.FetchError) as caught:
        run(paths, server, "west-midlands", "2019-04", "2019-04")

    text = str(caught.value)
    assert "April 2019" in text and "was refused" in text and "nothing was written" in text
    assert "does not have the police.uk street-level header" in text  # the reader's own words
    assert "2019-04/2019-04-west-midlands-street.csv" in text  # names the file it came from
    assert caught.value.result.fetched == []
    assert files_under(paths.police) == []  # no CSV, no temporary file, no log
    assert not paths.police.exists() or list(paths.police.rglob("*")) == []
    assert files_under(paths.processed) == []


def test_a_page_that_is_not_a_zip_is_refused(paths, server):
    page = b"<!DOCTYPE html><html><body>Please sign in to the network</body></html>"
    server.routes["/data/archive/2019-04.zip"] = [("body", page, "text/html")]

    with pytest.raises(fetch.FetchError, match="is not a zip archive.*proxy, firewall or sign-in"):
        run(paths, server, "west-midlands", "2019-04", "2019-04")
    assert files_under(paths.police) == [] and files_under(paths.processed) == []


# --------------------------------------------------------------------------------------------
# arguments


def test_month_arguments_are_checked():
    assert fetch.month_range("2019-11", "2020-02") == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert fetch.archive_window("2020-03")[0] == "2017-04"
    assert len(fetch.archive_window("2020-03")) == 36
    assert fetch.month_name("2019-04") == "April 2019"
    with pytest.raises(SwpError, match="is after the last month"):
        fetch.month_range("2020-03", "2019-04")
    for bad in ("2019-13", "2019-4", "April 2019"):
        with pytest.raises(SwpError, match="YYYY-MM"):
            fetch.month_range(bad, "2020-03")


def test_force_names_are_normalised_or_refused():
    assert fetch.normalise_force("West Midlands") == "west-midlands"
    assert fetch.normalise_force("dyfed-powys") == "dyfed-powys"
    for bad in ("west_midlands", "../etc", ""):
        with pytest.raises(SwpError, match="force id"):
            fetch.normalise_force(bad)


def test_importing_the_module_downloads_nothing():
    import subprocess
    import sys

    code = (
        "import socket, urllib.request\n"
        "def refuse(*a, **k): raise SystemExit('network used at import time')\n"
        "socket.socket.connect = refuse\n"
        "urllib.request.urlopen = refuse\n"
        "import swp_analysis.fetch\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_synthetic_sample_is_not_mistaken_for_published_files(paths, server, wm_archive):
    """`swp sample-data` writes files under the published names; fetching over them must not
    skip them as "present", or a report would mix synthetic and real months."""
    from swp_analysis import sample_data

    sample_data.generate(paths.data_dir, start="2020-02", end="2020-03")
    data, members = wm_archive
    server.publish("2020-03", data)

    with pytest.raises(SwpError, match="synthetic sample") as caught:
        run(paths, server, "west-midlands", "2020-01", "2020-03")
    assert "2020-02, 2020-03" in str(caught.value) and ".sample-data.json" in str(caught.value)
    assert server.log == []

    result, _ = run(paths, server, "west-midlands", "2020-01", "2020-03", overwrite=True)
    assert [f.month for f in result.fetched] == ["2020-01", "2020-02", "2020-03"]
    for month in ("2020-02", "2020-03"):
        path = paths.police / month / f"{month}-west-midlands-street.csv"
        assert path.read_bytes() == members[f"{month}/{month}-west-midlands-street.csv"]
