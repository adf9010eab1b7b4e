"""Every kind of page as a reader meets it, at a phone's, a tablet's and a desk's width, in a real
browser (Debian's Chromium driven by Playwright), checked with axe-core; screenshots of each are
written to test-artifacts/screenshots/reader/<page>-<width>.png for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from sitegen.urls import CABLE_PAGE
from tests.conftest import REPO, Visit, serious

axe_api = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")

SCREENSHOTS = REPO / "test-artifacts" / "screenshots" / "reader"
WIDTHS = {375: 812, 768: 1024, 1280: 900}  # width: height of a phone, a tablet, a desk
SITE_URL = "https://cables.example.org/"  # the sample site's base_url
# The menu item each kind of page sits under (None: under none).
SECTIONS = {
    "home": None,
    "cable-long": None,
    "cable-short": None,
    "origin-index": "Origin A-Z",
    "origin-letter": "Origin A-Z",
    "origin": "Origin A-Z",
    "tag-index": "Tag A-Z",
    "tag": "Tag A-Z",
    "tag-month": "Tag A-Z",
    "classification-index": "Classification",
    "classification": "Classification",
    "date-index": "Creation date",
    "month": "Creation date",
    "release-index": "Latest releases",
    "release": "Latest releases",
    "articles": "Articles",
    "explainer": "Understanding cables",
    "search": "Search",
    "not-found": None,
}


def _pages(output: Path) -> dict[str, str]:
    """A page of every kind in the built sample site, by kind."""
    # Cable pages only: not a history page beside one, nor a removed cable's page (versions.py).
    shown = [p for p in (output / "cable").rglob("*.html") if CABLE_PAGE.fullmatch(p.relative_to(output).as_posix())]
    shown = [p for p in shown if b'content="noindex"' not in p.read_bytes()]
    cables = sorted(shown, key=lambda page: page.stat().st_size)

    def first(pattern: str) -> str:
        return next(p.relative_to(output).as_posix() for p in sorted(output.glob(pattern)))

    pages = {
        "home": "index.html",
        "cable-long": cables[-1].relative_to(output).as_posix(),
        "cable-short": cables[0].relative_to(output).as_posix(),
        "origin-index": "origin/index.html",
        "origin-letter": "origin/A.html",
        "origin": "origin/embassy-athens/index.html",
        "tag-index": "tag/index.html",
        "tag": "tag/prel/index.html",
        "tag-month": first("tag/prel/[0-9]*.html"),
        "classification-index": "classification/index.html",
        "classification": "classification/secret/index.html",
        "date-index": "date/index.html",
        "month": first("date/[0-9]*.html"),
        "release-index": "release/index.html",
        "release": first("release/*/index.html"),
        "articles": "articles/index.html",
        "explainer": "understanding-cables.html",
        "search": "search.html",
        "not-found": "404.html",
    }
    assert set(pages) == set(SECTIONS)
    return pages


@pytest.fixture(scope="module")
def axe():
    return axe_api.Axe()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", list(SECTIONS))
def test_every_kind_of_page_reads_at_every_width(browser, base_url, site_output, axe, kind, width):
    path = _pages(site_output)[kind]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Visit(browser, width) as page:
        page.set_viewport_size({"width": width, "height": WIDTHS[width]})
        # The 404 page links from the site's address (a host serves it at any depth): served from here.
        page.route(SITE_URL + "**", lambda route: route.fulfill(path=site_output / route.request.url[len(SITE_URL) :]))
        page.goto(base_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        current = page.locator('nav.browse a[aria-current="true"]')
        if SECTIONS[kind] is None:
            assert current.count() == 0
        else:
            assert current.all_inner_texts() == [SECTIONS[kind]]
        assert serious(axe.run(page)) == []
        page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width}.png"), full_page=True)


@pytest.mark.parametrize("kind", ["home", "cable-long", "origin", "tag-month", "date-index", "explainer"])
def test_the_dark_scheme_has_no_serious_violations(browser, base_url, site_output, axe, kind):
    path = _pages(site_output)[kind]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page.goto(base_url + path)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(255, 255, 255)"  # the dark scheme is in effect
        assert serious(axe.run(page)) == []
        page.screenshot(path=str(SCREENSHOTS / f"{kind}-1280-dark.png"), full_page=False)
    finally:
        page.close()


@pytest.mark.parametrize("kind", ["cable-long", "cable-short"])
def test_on_a_phone_the_body_starts_on_the_first_screen_and_the_routing_header_folds(
    browser, base_url, site_output, kind
):
    path = _pages(site_output)[kind]
    with Visit(browser, 375) as page:
        page.set_viewport_size({"width": 375, "height": 812})
        page.goto(base_url + path)
        body = page.locator(".cable-body").bounding_box()
        assert body["y"] + 40 < 812, f"the body starts at {body['y']}px"
        routing = page.locator("details.routing")
        assert routing.evaluate("details => details.open") is False
        assert page.locator("pre.cable-header").count() == 1  # folded, still in the page
        routing.locator("summary").click()
        assert page.locator("pre.cable-header").is_visible()
    with Visit(browser, 1280) as page:
        page.goto(base_url + path)
        assert page.locator("pre.cable-header").is_visible()  # open on a desk


def test_a_link_into_the_routing_header_opens_it_on_a_phone(browser, base_url, site_output):
    path = _pages(site_output)["cable-short"]
    with Visit(browser, 375) as page:
        page.goto(base_url + path)
        page.evaluate("document.querySelector('pre.cable-header').id = 'routing'")
        page.evaluate("window.location.hash = 'routing'")
        page.wait_for_function("document.querySelector('details.routing').open")


def test_share_links_come_near_the_top_and_at_the_end_carrying_the_page_url(browser, base_url, site_output):
    path = _pages(site_output)["cable-long"]
    with Visit(browser, 375) as page:
        page.set_viewport_size({"width": 375, "height": 812})
        page.goto(base_url + path)
        # On a phone the metadata line ends with "Share", which leads to the links at the end.
        to_share = page.locator(".meta-line a[href='#share']")
        assert to_share.bounding_box()["y"] < 812
        assert page.locator(".sharing a.share").count() == 5
        page.set_viewport_size({"width": 1280, "height": 900})
        top = page.locator(".share-top a.share")
        assert top.count() == 5
        assert top.first.bounding_box()["y"] < 900
        for link in top.all() + page.locator(".sharing a.share").all():
            href = unquote(link.get_attribute("href"))
            assert SITE_URL + path in href, href
            assert "cablegate" in href, href


def test_redactions_are_marked_counted_and_the_text_is_as_written(browser, base_url, site_output):
    cable = next(p for p in sorted((site_output / "cable").rglob("*.html")) if b'class="redacted"' in p.read_bytes())
    twin = cable.with_suffix(".json").read_text()
    written = len(re.findall(r"X{10,}", twin.split('"body":', 1)[1]))
    with Visit(browser, 1280) as page:
        page.goto(base_url + cable.relative_to(site_output).as_posix())
        marks = page.locator(".cable-body .redacted")
        assert marks.count() == written > 0
        assert "redacted by the publisher" in marks.first.get_attribute("title").lower()
        assert page.locator(".redaction-note").inner_text().startswith(f"{written} redaction")
        colours = marks.first.evaluate("m => [getComputedStyle(m).color, getComputedStyle(m).backgroundColor]")
        assert colours[0] != colours[1]
        assert colours[1] not in ("rgba(0, 0, 0, 0)", "transparent")
        assert all(re.fullmatch(r"X{10,}", text) for text in marks.all_inner_texts())  # as written


def test_the_cable_prints_cleanly_with_its_routing_header_even_when_folded(browser, base_url, site_output):
    path = _pages(site_output)["cable-long"]
    with Visit(browser, 375) as page:
        page.goto(base_url + path)
        assert page.evaluate("document.querySelector('details.routing').open") is False
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what a browser sends before printing
        page.emulate_media(media="print")
        assert page.locator("pre.cable-header").is_visible()
        assert page.locator(".cable-body").is_visible()
        for hidden in ("nav.browse", ".sidebar", ".share-top", ".sharing", "details.routing > summary"):
            assert not page.locator(hidden).first.is_visible(), hidden
