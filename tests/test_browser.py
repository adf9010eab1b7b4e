"""In a real browser (Debian's Chromium driven by Playwright): what a reader sees and does."""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest

from sitegen.build import BuildOptions, build_site
from sitegen.search import search_available
from tests.conftest import REPO

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")

AS_OF = "2011-03-01 00:00"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def site_output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "output"
    report = build_site(BuildOptions(REPO, out, AS_OF, jobs=2, search=search_available()))
    assert report.errors == []
    return out


@pytest.fixture(scope="module")
def base_url(site_output):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site_output))
    handler.log_message = lambda *args: None
    SimpleHTTPRequestHandler.extensions_map.update({".rss": "application/rss+xml", ".atom": "application/atom+xml"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Served under a sub-folder path is not possible with this handler; file:// covers "anywhere".
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium found (install Debian's chromium package)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Visit:
    """A browser page that records console errors and failed requests."""

    def __init__(self, browser, width: int = 1200):
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.errors: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def __enter__(self):
        return self.page

    def __exit__(self, *exc):
        self.page.close()
        assert self.errors == [], self.errors


def test_home_to_origin_to_cable_and_paragraph_links(browser, base_url):
    with Visit(browser) as page:
        page.goto(base_url + "index.html")
        assert "Released so far" in page.inner_text(".counter")
        page.click("nav.browse >> text=Origin A-Z")
        assert page.url.endswith("origin/index.html")
        assert page.locator('nav.browse a[aria-current="true"]').inner_text() == "Origin A-Z"
        page.click("ul.facets >> text=A")
        assert page.url.endswith("origin/A.html")
        page.click("text=Embassy Athens")
        assert "origin/embassy-athens/" in page.url
        page.click("table.cable-list tbody tr:first-child td:first-child a")
        article = page.locator("article.cable")
        refid = article.get_attribute("data-refid")
        assert page.url.endswith(f"{refid}.html")
        assert page.locator("table.cable-meta").is_visible() and page.locator(".cable-body").is_visible()
        anchor = page.locator("a.par-anchor").nth(2)
        target = anchor.get_attribute("href")
        anchor.click()
        assert page.url.endswith(target)
        marked = page.locator(f"span.par{target}")
        background = marked.evaluate("element => getComputedStyle(element).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
        assert page.locator("link[rel=alternate][type='application/rss+xml']").count() >= 1


def test_opening_a_paragraph_link_shows_that_paragraph(browser, base_url, site_output):
    cable = next(p for p in sorted((site_output / "cable").rglob("*.html")) if 'id="par5"' in p.read_text())
    url = base_url + cable.relative_to(site_output).as_posix() + "#par5"
    with Visit(browser) as page:
        page.goto(url)
        box = page.locator("#par5").bounding_box()
        viewport = page.viewport_size
        assert -1 <= box["y"] < viewport["height"]
        assert page.locator("#par5").evaluate("e => e.matches(':target')")


def test_share_links_carry_both_hashtags_and_the_page_url(browser, base_url, site_output):
    cable = next((site_output / "cable").rglob("*.html"))
    refid = cable.stem
    with Visit(browser) as page:
        page.goto(base_url + cable.relative_to(site_output).as_posix())
        hrefs = [unquote(a.get_attribute("href")) for a in page.locator("a.share").all()]
        assert len(hrefs) == 5
        page_url = "https://cables.example.org/" + cable.relative_to(site_output).as_posix()
        for href in hrefs:
            assert "cablegate" in href and refid in href and page_url in href, href
        assert all(("#cablegate" in h or "hashtags=cablegate," in h) for h in hrefs)


def test_explainer_reads_and_shows_the_highlighted_example(browser, base_url):
    with Visit(browser) as page:
        page.goto(base_url + "understanding-cables.html")
        assert page.locator("h1").inner_text() == "Understanding cables"
        text = page.inner_text("main")
        for phrase in ("three parts", "TAGS", "Linking to a paragraph", "#cablegate"):
            assert phrase in text
        assert page.locator(".highlight .k").count() >= 3


@pytest.mark.parametrize(
    "path", ["index.html", "cable", "tag/A.html", "origin/embassy-athens/index.html", "understanding-cables.html"]
)
def test_no_horizontal_scroll_at_375_pixels(browser, base_url, site_output, path):
    if path == "cable":
        path = (
            max((site_output / "cable").rglob("*.html"), key=lambda p: p.stat().st_size)
            .relative_to(site_output)
            .as_posix()
        )
    with Visit(browser, width=375) as page:
        page.goto(base_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)


def test_site_works_from_file_urls(browser, site_output):
    with Visit(browser) as page:
        page.goto((site_output / "index.html").as_uri())
        page.click("nav.browse >> text=Tag A-Z")
        assert page.url.endswith("tag/index.html")
        page.locator("ul.facets a").first.click()  # the first letter
        assert page.url.endswith(".html") and "/tag/" in page.url
        page.locator("ul.facets a").first.click()  # its first tag
        page.locator("table.cable-list tbody a").first.click()
        assert page.locator("article.cable").count() == 1
        assert page.url.startswith("file://")
        stylesheet = page.evaluate("getComputedStyle(document.querySelector('.cable-body')).whiteSpace")
        assert stylesheet == "pre-wrap"  # the stylesheet loaded from disk


def test_screenshots_for_people_to_look_at(browser, base_url, site_output):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cable = next((site_output / "cable").rglob("*.html")).relative_to(site_output).as_posix()
    for name, path, width in (
        ("home", "index.html", 1200),
        ("cable", cable + "#par2", 1200),
        ("cable-375", cable, 375),
        ("index-tag-A", "tag/A.html", 1200),
    ):
        with Visit(browser, width) as page:
            page.goto(base_url + path)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 5000


@pytest.mark.skipif(not search_available(), reason="Pagefind is not installed (pip install 'pagefind[bin]')")
def test_search_by_reference_id_opens_that_cable(browser, base_url, site_output):
    cable = sorted((site_output / "cable").rglob("*.html"))[3]
    refid = cable.stem
    with Visit(browser) as page:
        page.goto(base_url + "search.html")
        page.fill(".pagefind-ui__search-input", refid)
        first = page.locator(".pagefind-ui__result-link").first
        first.wait_for(timeout=10000)
        assert refid in first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert page.locator("article.cable").get_attribute("data-refid") == refid
