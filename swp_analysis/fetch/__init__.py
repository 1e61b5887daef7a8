"""Download a force's street-level crime files from data.police.uk into ``data/raw/police``.

``swp fetch-police --force west-midlands --from 2019-04 --to 2020-03`` leaves one file per
month, ``data/raw/police/YYYY-MM/YYYY-MM-<force>-street.csv``, byte for byte as data.police.uk
publishes it: the layout :mod:`swp_analysis.sources.policeuk` reads.

Where the files come from, and why the archive rather than the API
-------------------------------------------------------------------
data.police.uk offers three routes to street-level crime (its ``/about`` page, "Data Download";
its API documentation at ``/docs``):

* **The monthly archive**, ``https://data.police.uk/data/archive/YYYY-MM.zip`` ("URLs are
  structured consistently ... so you can download newer versions programmatically each month",
  plus ``latest.zip``). Each archive is a rolling snapshot of every force: the archive named for
  a month holds that month and the 35 before it, as ``YYYY-MM/YYYY-MM-<force>-street.csv`` beside
  ``-outcomes.csv`` and ``-stop-and-search.csv`` files. An archive is large (about 1.6 GB in
  2026) and the site redirects its URL to a copy on Amazon S3.
* **The custom download** form (``/data/``): built on request in a browser, no stable URL.
* **The JSON API** (``/api/crimes-street/all-crime?poly=...&date=YYYY-MM``): crimes within a
  one-mile radius or a polygon, refused with HTTP 503 above 10,000 crimes, rate-limited (15
  requests a second), holding only the last 36 months; and its records carry no LSOA code or
  name. This project assigns every crime to its local authority from the LSOA name, so API
  records cannot become the twelve-column street file, and a whole force's month would take
  hundreds of polygon requests.

So this module uses the archive, the only route that gives the published street file itself.
What a lead needs from that choice is handled here:

* **One download covers up to 36 months.** The months wanted are fetched from the archive named
  for the latest of them (``2020-03.zip`` holds 2017-04 to 2020-03, so a whole financial year is
  one download); months outside what that archive holds are fetched from a further archive,
  named for the latest month still missing. Taking the archive named for the month, rather than
  ``latest.zip``, makes a fetch repeatable: the same command gives the same files next year.
* **Nothing large is held in memory.** The archive is streamed to a file (by default under
  ``data/processed/downloads``, which is disposable), in 1 MiB pieces; only the chosen force's
  street files are extracted from it, each streamed to a hidden temporary file beside its final
  place. The archive is deleted afterwards unless ``keep_archive=True`` (a kept archive is reused
  by the next fetch instead of being downloaded again).
* **Every file is checked before it is put in place.** Each extracted file is parsed and
  validated by the project's reader (:func:`swp_analysis.sources.policeuk.parse_street_bytes`:
  the exact header, the month, the crime types, the LSOAs); a file the reader refuses is deleted
  and the fetch stops with the reader's explanation. Accepted files are fsynced and moved into
  place with :func:`os.replace`, so ``data/raw/police`` never holds a half-written CSV, and a
  line per file (month, rows, sha256, source) is added to ``data/raw/police/fetch-log.txt``
  (a ``.txt`` file, which the reader does not treat as an input).
* **The network is allowed to fail.** Connection errors, timeouts, dropped connections and HTTP
  5xx/429 answers are retried with exponential backoff (``backoff * 2**n`` seconds, or the
  server's ``Retry-After`` when longer); a download cut off part way resumes with an HTTP
  ``Range`` request where the server allows it. When every attempt fails the error says so in
  one paragraph. A 404 means the month's archive is not published (yet), and says which month.
  A proxy is taken from the usual ``HTTPS_PROXY``/``HTTP_PROXY`` environment variables.
* **Months already present are skipped** (in any form the reader accepts: the CSV, a ``.gz``
  copy, or inside an archive zip dropped into the police folder), unless ``overwrite=True``.
  A month whose file is still the synthetic sample ``swp sample-data`` wrote (same name as the
  published file, recorded in ``data/raw/.sample-data.json``) is not silently "present": the
  fetch stops and says how to remove the sample, so real and synthetic data are never mixed.

The package's modules, one concern each: :mod:`~swp_analysis.fetch.command` (the command: which
months, skipping those present), :mod:`~swp_analysis.fetch.archive` (the archive on disk and the
files taken from it), :mod:`~swp_analysis.fetch.download` (HTTP with retries),
:mod:`~swp_analysis.fetch.months` (months, forces, archive names) and
:mod:`~swp_analysis.fetch.result` (what a fetch did, and its errors). Their public names are
importable from here.

Importing this package downloads nothing.
"""

from swp_analysis.fetch.archive import LOG_NAME as LOG_NAME
from swp_analysis.fetch.command import SAMPLE_MARKER as SAMPLE_MARKER
from swp_analysis.fetch.command import fetch_police as fetch_police
from swp_analysis.fetch.download import USER_AGENT as USER_AGENT
from swp_analysis.fetch.months import ARCHIVE_MONTHS as ARCHIVE_MONTHS
from swp_analysis.fetch.months import DEFAULT_ARCHIVE_URL as DEFAULT_ARCHIVE_URL
from swp_analysis.fetch.months import archive_url as archive_url
from swp_analysis.fetch.months import archive_window as archive_window
from swp_analysis.fetch.months import month_name as month_name
from swp_analysis.fetch.months import month_range as month_range
from swp_analysis.fetch.months import normalise_force as normalise_force
from swp_analysis.fetch.result import FetchedMonth as FetchedMonth
from swp_analysis.fetch.result import FetchError as FetchError
from swp_analysis.fetch.result import FetchResult as FetchResult
from swp_analysis.fetch.result import NotPublished as NotPublished
from swp_analysis.fetch.result import Unreachable as Unreachable
