"""The board's HTML opened the way a board member opens it: from disk, in Chromium, offline.

Drives Debian's ``chromium`` through Playwright (no browser download ever). If the browser
cannot start, these tests FAIL: a report is not verified by a browser that never ran.
Artefacts (screenshots at 1280 px and 375 px, a print-to-PDF, the axe results) are kept under
``reports/test-artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from swp_analysis.lab import find_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "reports" / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DEFAULT_ALT = "No description has been provided for this image"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    exe = find_chromium()
    if exe is None:
        pytest.fail(
            "chromium is not installed: run `swp doctor --install-browser` (the README's "
            "test command does). Browser tests never pass without a browser."
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_url(built) -> str:
    result, _, _ = built
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return result.html.as_uri()


def _open(browser, url: str, width: int, height: int = 900):
    """A page with every request outside the report file recorded and blocked."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=True, offline=True
    )
    page = context.new_page()
    attempted: list[str] = []

    def guard(route):
        req_url = route.request.url
        if req_url == url:
            route.continue_()
        else:
            attempted.append(req_url)
            route.abort()

    page.route("**/*", guard)
    page.on(
        "request",
        lambda req: None if req.url in (url,) or req.url.startswith("data:") else attempted.append(req.url),
    )
    page.goto(url, wait_until="load")
    return context, page, attempted


def test_report_makes_no_network_request(browser, report_url):
    context, page, attempted = _open(browser, report_url, 1280)
    page.wait_for_timeout(300)
    assert page.locator("h1").count() == 1
    context.close()
    assert sorted(set(attempted)) == [], f"the report tried to fetch: {attempted}"


def test_axe_finds_no_wcag_22_aa_violations(browser, report_url):
    from axe_playwright_python.sync_playwright import Axe

    context, page, _ = _open(browser, report_url, 1280)
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations", "passes", "incomplete", "inapplicable"],
        },
    )
    response = results.response
    checked = {
        r["id"]
        for key in ("passes", "violations", "incomplete", "inapplicable")
        for r in response.get(key, [])
    }
    (ARTIFACTS / "axe-results.json").write_text(
        json.dumps(
            {
                "rules_checked": len(checked),
                "rules_applied": len(
                    {r["id"] for k in ("passes", "violations", "incomplete") for r in response.get(k, [])}
                ),
                "violations": response.get("violations", []),
                "incomplete": [r["id"] for r in response.get("incomplete", [])],
            },
            indent=1,
        )
    )
    context.close()
    assert len(checked) > 50, "axe ran too few rules to mean anything"
    assert results.violations_count == 0, results.generate_report()


def test_every_image_has_real_alt_text(browser, report_url):
    context, page, _ = _open(browser, report_url, 1280)
    alts = page.eval_on_selector_all("img", "els => els.map(e => e.getAttribute('alt'))")
    context.close()
    assert alts, "the report should have charts"
    for alt in alts:
        assert alt and alt.strip() and alt != DEFAULT_ALT
        assert len(alt) > 40, f"alt text too thin to describe a chart: {alt!r}"


def test_readable_at_320px_without_horizontal_scrolling(browser, report_url):
    context, page, _ = _open(browser, report_url, 320, 640)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    context.close()
    assert widths[0] <= widths[1], f"page scrolls sideways at 320px: {widths}"


def test_contents_links_reach_their_sections(browser, report_url):
    context, page, _ = _open(browser, report_url, 1280)
    hrefs = page.eval_on_selector_all("nav.contents a", "els => els.map(e => e.getAttribute('href'))")
    missing = [h for h in hrefs if page.evaluate("id => document.getElementById(id) === null", h[1:])]
    n_sections = page.locator("main h2").count()
    context.close()
    assert len(hrefs) == n_sections >= 15
    assert missing == []


def test_screenshots_and_print_to_pdf(browser, report_url):
    for width, name in ((1280, "report-1280.png"), (375, "report-375.png")):
        context, page, _ = _open(browser, report_url, width)
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        if width == 1280:
            page.emulate_media(media="print")
            page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4", print_background=True)
        context.close()
    for name in ("report-1280.png", "report-375.png", "report.pdf"):
        assert (ARTIFACTS / name).stat().st_size > 10_000, name
    assert os.path.getsize(ARTIFACTS / "report.pdf") > 50_000
