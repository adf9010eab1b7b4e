"""In a real browser (Debian's Chromium driven by Playwright): what a reader sees and does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import REPO, Visit, cable_pages, served
from tests.sites import BODY, build, cable, write_site

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


def test_home_to_origin_to_cable_and_paragraph_links(browser, base_url):
    with Visit(browser) as page:
        page.goto(base_url + "index.html")
        assert "Released so far" in page.inner_text(".counter")
        page.click("nav.browse >> text=Origin A-Z")
        assert page.url.endswith("origin/index.html")
        assert page.locator('nav.browse a[aria-current="true"]').inner_text() == "Origin A-Z"
        page.locator(".letter-counts a").filter(has_text=re.compile(r"^A\b")).click()
        assert page.url.endswith("origin/A.html")
        page.click("text=Embassy Athens")
        assert "origin/embassy-athens/" in page.url
        page.click("table.cable-list tbody tr:first-child td:first-child a")
        article = page.locator("article.cable")
        refid = article.get_attribute("data-refid")
        assert page.url.endswith(f"{refid}.html")
        assert page.locator("table.cable-meta").is_visible()
        assert page.locator(".cable-body").is_visible()
        anchor = page.locator("a.par-anchor").nth(2)
        target = anchor.get_attribute("href")
        anchor.click()
        assert page.url.endswith(target)
        marked = page.locator(f"span.par{target}")
        background = marked.evaluate("element => getComputedStyle(element).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
        assert page.locator("link[rel=alternate][type='application/rss+xml']").count() >= 1


def test_opening_a_paragraph_link_shows_that_paragraph(browser, base_url, site_output):
    cable = next(p for p in cable_pages(site_output) if 'id="par5"' in p.read_text())
    url = base_url + cable.relative_to(site_output).as_posix() + "#par5"
    with Visit(browser) as page:
        page.goto(url)
        box = page.locator("#par5").bounding_box()
        viewport = page.viewport_size
        assert -1 <= box["y"] < viewport["height"]
        assert page.locator("#par5").evaluate("e => e.matches(':target')")


def test_share_links_carry_both_hashtags_and_the_page_url(browser, base_url, site_output):
    cable = cable_pages(site_output)[0]
    refid = cable.stem
    with Visit(browser) as page:
        page.goto(base_url + cable.relative_to(site_output).as_posix())
        hrefs = [unquote(a.get_attribute("href")) for a in page.locator("a.share").all()]
        assert len(hrefs) == 10  # near the top and at the end
        page_url = "https://cables.example.org/" + cable.relative_to(site_output).as_posix()
        for href in hrefs:
            assert "cablegate" in href, href
            assert refid in href, href
            assert page_url in href, href
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
        path = max(cable_pages(site_output), key=lambda p: p.stat().st_size).relative_to(site_output).as_posix()
    with Visit(browser, width=375) as page:
        page.goto(base_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_cited_in_articles_reads_at_375_and_1280_links_to_the_article_and_passes_axe(
    browser, base_url, site_output, scheme
):
    """06REYKJAVIK7 is cited by the sample's first article: its page lists it, within the screen."""
    cable = next((site_output / "cable").rglob("06REYKJAVIK7.html")).relative_to(site_output).as_posix()
    axe_api = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
    )
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
        try:
            page.goto(base_url + cable)
            section = page.locator("section.cited-in")
            assert section.locator("h2").inner_text() == "Cited in articles"
            link = section.locator("a", has_text="What the first release shows")
            box = link.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= width
            assert section.locator("time").first.inner_text() == "2010-11-29"
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (width, overflow)
            violations = [
                f"{v['id']} ({v['impact']})"
                for v in axe_api.Axe().run(page, context="section.cited-in").response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert violations == [], (width, violations)
            if width == 375:
                section.scroll_into_view_if_needed()
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"cited-in-375-{scheme}.png"))
            link.click()
            assert page.url.endswith("articles/first-release.html")
            assert page.locator("h1").inner_text() == "What the first release shows"
        finally:
            page.close()


def test_site_works_from_file_urls(browser, site_output):
    with Visit(browser) as page:
        page.goto((site_output / "index.html").as_uri())
        page.click("nav.browse >> text=Tag A-Z")
        assert page.url.endswith("tag/index.html")
        page.locator(".letter-counts a").first.click()  # the first letter
        assert page.url.endswith(".html")
        assert "/tag/" in page.url
        page.locator("ul.facets a").first.click()  # its first tag
        page.locator("table.cable-list tbody a").first.click()
        assert page.locator("article.cable").count() == 1
        assert page.url.startswith("file://")
        stylesheet = page.evaluate("getComputedStyle(document.querySelector('.cable-body')).whiteSpace")
        assert stylesheet == "pre-wrap"  # the stylesheet loaded from disk


def test_screenshots_for_people_to_look_at(browser, base_url, site_output):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cable = cable_pages(site_output)[0].relative_to(site_output).as_posix()
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


def _typed_loosely(reference_id: str) -> str:
    """`03ANKARA20` as a reader might type it: `03 ankara 0020`."""
    year, rest = reference_id[:2], reference_id[2:]
    post = rest.rstrip("0123456789")
    return f"{year} {post.lower()} 00{rest[len(post) :]}"


@pytest.mark.parametrize("served", ["http", "file"])
def test_the_id_box_opens_a_cable_typed_loosely_and_says_when_there_is_none(browser, base_url, site_output, served):
    cable = cable_pages(site_output)[5]
    start = base_url + "tag/index.html" if served == "http" else (site_output / "tag" / "index.html").as_uri()
    with Visit(browser) as page:
        page.goto(start)
        page.fill("form.goto input", _typed_loosely(cable.stem))
        page.press("form.goto input", "Enter")
        page.wait_for_url(f"**/{cable.relative_to(site_output).as_posix()}")
        assert page.locator("article.cable").get_attribute("data-refid") == cable.stem
        page.fill("form.goto input", "03ANKARA999999")
        page.press("form.goto input", "Enter")
        message = page.locator(".goto-message")
        message.wait_for(state="visible")
        assert message.inner_text() == "No released cable 03ANKARA999999 in this archive."


def test_the_id_box_never_offers_a_cable_not_yet_released(site_output):
    shards = "".join(p.read_text() for p in (site_output / "ids").glob("*.js"))
    released = {p.stem for p in cable_pages(site_output)}
    assert set(re.findall(r'"(\d{2}[A-Z][A-Z0-9-]*\d+)":', shards)) == released


@pytest.fixture(scope="module")
def busy_month(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """A site whose March 2009 is busy (more than page_size cables): a calendar and day pages."""
    site = tmp_path_factory.mktemp("calendar") / "site"
    records = [
        replace(
            cable(f"09ROME{n}", "2010-11-28 00:00"),
            created=f"2009-03-{1 + n % 9 * 3:02d} {n:02d}:00",
            body=BODY.replace("A TEST CABLE", f"CABLE NUMBER {n} OF A BUSY MONTH"),
        )
        for n in range(1, 16)
    ]
    write_site(site, records)
    (site / "sitegen.toml").write_text('title = "Calendar"\npage_size = 3\n')
    build(site)
    with served(site / "output") as url:
        yield site / "output", url


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("page_of", ["origin/embassy-rome/2009-03.html", "date/2009-03-04.html"])
def test_a_calendar_month_and_a_day_page_read_at_every_width(browser, busy_month, width, page_of):
    axe_api = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
    )
    output, url = busy_month
    assert (output / page_of).exists()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Visit(browser, width) as page:
        page.goto(url + page_of)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page_of} scrolls sideways by {overflow}px at {width}px"
        violations = axe_api.Axe().run(page).response["violations"]
        assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
        name = page_of.replace("/", "-").removesuffix(".html")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        if page_of.endswith("2009-03.html"):  # the calendar: a day's cell leads to its page
            page.locator('.calendar a[aria-label^="4 March 2009"]').click()
            assert page.url.endswith("origin/embassy-rome/2009-03-04.html")
            assert page.locator("table.cable-list tbody tr").count() == 2
        else:  # the day: up to its month's calendar, and on to the next day's cell there
            assert page.locator('a[rel="next"]').get_attribute("href").endswith("2009-03.html#d2009-03-05")
