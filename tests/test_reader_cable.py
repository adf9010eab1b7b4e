"""The cable page as a reader uses it, in a real browser: the first paragraph on a phone's first
screen, the reading modes, the partial-extract notice, copying a paragraph's link, citing and
sharing; on the real cables (../shared/corpus) and on the sample site (which has a base_url)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from tests.conftest import Visit, served

SHOTS = Path("/tmp/reader-shots")
PHONE = {"width": 375, "height": 667}


@pytest.fixture(scope="session")
def corpus_output(tmp_path_factory, corpus_csv) -> Path:
    """The real cables as `sitegen init`, `import --released` and `build` make them."""
    site = tmp_path_factory.mktemp("corpus") / "site"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(site)]).exit_code == 0
    # 835 cables under the default page_size (200) list every origin and tag on one page: a
    # smaller size gives the biggest ones month pages, so that every kind of page is there.
    config = site / "sitegen.toml"
    scaffolded = config.read_text()
    config.write_text(scaffolded.replace("\npage_size = 200\n", "\npage_size = 20\n"))
    assert config.read_text() != scaffolded, "the scaffold's page_size line moved"
    assert (
        runner.invoke(main, ["import", str(corpus_csv), "--released", "2010-12-01", "--site", str(site)]).exit_code == 0
    )
    result = runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01", "--no-search"])
    assert result.exit_code == 0, result.output
    return site / "output"


@pytest.fixture(scope="session")
def corpus_url(corpus_output):
    with served(corpus_output) as url:
        yield url


def _cable_path(output: Path, reference_id: str) -> str:
    return next(output.glob(f"cable/*/*/{reference_id}.html")).relative_to(output).as_posix()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("reference_id", ["06GUANGZHOU29875", "04ANKARA348", "10STATE284"])
@pytest.mark.parametrize("mode", ["reflow", "written"])
def test_on_a_phone_the_first_paragraphs_first_line_is_on_the_first_screen(
    browser, corpus_output, corpus_url, reference_id, mode
):
    with Visit(browser, 375) as page:
        page.set_viewport_size(PHONE)
        page.add_init_script(f"localStorage.setItem('sitegen-reading-mode', '{mode}')")
        page.goto(corpus_url + _cable_path(corpus_output, reference_id))
        first = page.locator(".cable-body .par .line").first.bounding_box()
        assert first["y"] + first["height"] <= PHONE["height"], (
            f"the first line ends at {first['y'] + first['height']}px"
        )
        assert page.locator("details.meta-details").evaluate("d => d.open") is False  # the table is a tap away
        page.locator("details.meta-details > summary").click()
        assert page.locator("table.cable-meta").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        if reference_id == "06GUANGZHOU29875":
            page.locator("details.meta-details > summary").click()
            _shot(page, f"cable-375-{mode}")


def test_the_reading_mode_is_reflowed_on_a_phone_as_written_on_a_desk_and_remembered(
    browser, corpus_output, corpus_url
):
    path = _cable_path(corpus_output, "06GUANGZHOU29875")
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(corpus_url + path)
        body = page.locator(".cable-body")
        assert "reflow" in body.get_attribute("class")
        assert body.evaluate("b => getComputedStyle(b).whiteSpace") == "normal"
        page.get_by_role("button", name="As written").click()
        assert body.evaluate("b => getComputedStyle(b).whiteSpace") == "pre-wrap"
        assert page.get_by_role("button", name="As written").get_attribute("aria-pressed") == "true"
        page.reload()  # the choice is kept
        assert page.locator(".cable-body").evaluate("b => getComputedStyle(b).whiteSpace") == "pre-wrap"
    finally:
        context.close()
    with Visit(browser, 1280) as page:
        page.goto(corpus_url + path)
        assert page.locator(".cable-body").evaluate("b => getComputedStyle(b).whiteSpace") == "pre-wrap"


@pytest.mark.parametrize("reference_id", ["06GUANGZHOU29875", "04ANKARA348", "07BERN881"])
def test_both_reading_modes_hold_the_body_byte_for_byte_with_anchors_and_links(
    browser, corpus_output, corpus_url, reference_id
):
    path = _cable_path(corpus_output, reference_id)
    twin = json.loads((corpus_output / path).with_suffix(".json").read_text())
    with Visit(browser, 375) as page:
        page.set_viewport_size(PHONE)
        page.goto(corpus_url + path)
        for mode in ("Reflowed", "As written"):
            page.get_by_role("button", name=mode).click()
            # textContent: the text as held, whatever white-space does to its display.
            text = page.evaluate(
                "() => { const b = document.querySelector('.cable-body').cloneNode(true);"
                " b.querySelectorAll('.par-anchor').forEach(a => a.remove()); return b.textContent; }"
            )
            assert text == twin["body"]
            paragraph = page.locator(".cable-body .par").nth(1)
            anchor = paragraph.locator("a.par-anchor")
            anchor.click()
            assert page.evaluate("location.hash") == anchor.get_attribute("href")
            assert paragraph.evaluate("p => p.matches(':target')")
            assert anchor.is_visible()


def test_each_line_is_a_span_and_redactions_and_reference_links_survive(browser, corpus_output, corpus_url):
    cable = next(p for p in sorted((corpus_output / "cable").rglob("*.html")) if b'class="redacted"' in p.read_bytes())
    with Visit(browser, 375) as page:
        page.goto(corpus_url + cable.relative_to(corpus_output).as_posix())
        for mode in ("Reflowed", "As written"):
            page.get_by_role("button", name=mode).click()
            marks = page.locator(".cable-body .line .redacted")
            assert marks.count() > 0
            assert marks.first.is_visible()
    guangzhou = _cable_path(corpus_output, "06GUANGZHOU29875")
    html = (corpus_output / guangzhou).read_text()
    assert '<span class="line">' in html


def test_a_partial_extract_says_so_above_the_body(browser, corpus_output, corpus_url):
    with Visit(browser, 375) as page:
        page.set_viewport_size(PHONE)
        page.goto(corpus_url + _cable_path(corpus_output, "04ANKARA348"))
        note = page.locator(".partial-note")
        assert note.is_visible()
        assert "partial extract" in note.inner_text()
        assert note.bounding_box()["y"] < page.locator(".cable-body").bounding_box()["y"]
        assert page.locator("details.routing").evaluate("d => d.open") is False  # the header folded, the note shown
    whole = (corpus_output / _cable_path(corpus_output, "06GUANGZHOU29875")).read_text()
    assert "partial-note" not in whole


def test_the_paragraph_anchor_copies_its_link_and_says_so(browser, site_output, base_url):
    cable = max((site_output / "cable").rglob("*.html"), key=lambda p: p.stat().st_size)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(base_url + cable.relative_to(site_output).as_posix())
        anchor = page.locator(".cable-body a.par-anchor").nth(1)
        anchor.click()
        status = page.locator(".copy-status")
        page.wait_for_function("document.querySelector('.copy-status').textContent.startsWith('Copied')")
        assert status.is_visible()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.url
        assert copied.endswith(anchor.get_attribute("href"))
        _shot(page, "cable-copied-link-1280")
    finally:
        context.close()


def test_cite_this_cable_in_plain_text_and_bibtex_with_the_access_date(browser, site_output, base_url):
    cable = max((site_output / "cable").rglob("*.html"), key=lambda p: p.stat().st_size)
    path = cable.relative_to(site_output).as_posix()
    twin = json.loads(cable.with_suffix(".json").read_text())
    with Visit(browser, 1280) as page:
        page.goto(base_url + path)
        today = page.evaluate("new Date().toISOString().slice(0, 10)")
        text = page.locator(".cite-text").inner_text()
        bibtex = page.locator(".cite-bibtex").inner_text()
        for cite in (text, bibtex):
            assert twin["reference_id"] in cite
            assert twin["created"][:10] in cite
            assert today in cite
            assert "https://cables.example.org/" + path in cite
            assert "Cable Archive" in cite
        assert twin["subject"].split()[0] in text
        assert bibtex.startswith("@misc{" + twin["reference_id"] + ",")
        assert bibtex.rstrip().endswith("}")


def test_cite_without_a_base_url_gives_the_address_the_page_has(browser, corpus_output, corpus_url):
    path = _cable_path(corpus_output, "06GUANGZHOU29875")
    with Visit(browser, 1280) as page:
        page.goto(corpus_url + path)
        assert corpus_url + path in page.locator(".cite-text").inner_text()


def test_share_links_carry_the_targeted_paragraph(browser, site_output, base_url):
    cable = max((site_output / "cable").rglob("*.html"), key=lambda p: p.stat().st_size)
    path = cable.relative_to(site_output).as_posix()
    with Visit(browser, 1280) as page:
        page.goto(base_url + path)
        paragraph_id = page.locator(".cable-body .par").nth(1).get_attribute("id")
        page.evaluate(f"location.hash = '{paragraph_id}'")
        for link in page.locator("a.share").all():
            assert f"https://cables.example.org/{path}#{paragraph_id}" in unquote(link.get_attribute("href"))
        page.evaluate("location.hash = ''")
        for link in page.locator("a.share").all():
            assert "#par" not in unquote(link.get_attribute("href"))


def _serve_missing_as_404(page, prefix: str, output: Path) -> None:
    """As a static host does: a missing file under `prefix` answers with the site's 404.html."""

    def answer(route):
        relative = route.request.url[len(prefix) :].split("?")[0].split("#")[0]
        found = output / relative
        if relative and found.is_file():
            route.continue_()
        else:
            route.fulfill(status=404, path=output / "404.html", content_type="text/html")

    page.route(prefix + "**", answer)


@pytest.mark.parametrize("mirror", [False, True], ids=["host", "mirror"])
@pytest.mark.parametrize("with_base_url", [False, True], ids=["no-base-url", "base-url"])
@pytest.mark.parametrize("missing", ["cable/2010/02/10STATE99999.html", "tag/nothing/2009-01.html", "nothing.html"])
def test_the_404_page_works_at_any_depth_on_the_host_and_in_a_mirror(
    browser, corpus_output, site_output, mirror, with_base_url, missing
):
    output = site_output if with_base_url else corpus_output
    with served(output.parent if mirror else output) as url:
        prefix = url + ("output/" if mirror else "")
        page = browser.new_page(viewport={"width": 375, "height": 667})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            _serve_missing_as_404(page, prefix, output)
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(prefix + missing)
            assert page.locator("h1").inner_text() == "Page not found"
            # Styled: the stylesheet loaded from this copy of the site, not from elsewhere.
            assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "flex"
            assert all(request.startswith(prefix) for request in requested), requested
            home = page.get_by_role("link", name="Go to the home page")
            assert home.evaluate("a => a.href") == prefix + "index.html"
            releases = page.get_by_role("link", name="latest releases", exact=True)
            assert releases.evaluate("a => a.href") == prefix + "release/index.html"
            skip = page.locator("a.skip-link")
            assert skip.evaluate("a => a.href") == prefix + missing + "#main"
            if missing.startswith("cable/"):
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0
                for width, height in ((375, 667), (768, 1024), (1280, 900)):
                    page.set_viewport_size({"width": width, "height": height})
                    name = f"404-depth-{'mirror' if mirror else 'host'}-{'base' if with_base_url else 'nobase'}-{width}"
                    _shot(page, name)
            assert errors == []
        finally:
            page.close()


def _listings_with_the_longest_cells(output: Path) -> list[str]:
    """Listing pages holding the corpus's longest reference ID and longest classification."""
    pages = []
    for needle in ("05RIODEJANEIRO1242", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"):
        for folder in ("date", "release", "origin"):
            found = sorted(p for p in (output / folder).rglob("*.html") if needle in p.read_text())
            found = [p for p in found if 'class="cable-list' in p.read_text()]
            if found:
                pages.append(found[-1].relative_to(output).as_posix())
    if (output / "date/2009-12.html").exists():
        pages.append("date/2009-12.html")
    return sorted(set(pages))


def test_cable_tables_never_scroll_sideways_from_320_to_1440_px(browser, corpus_output, corpus_url):
    pages = _listings_with_the_longest_cells(corpus_output)
    assert len(pages) >= 3
    with Visit(browser, 320) as page:
        for path in pages:
            page.goto(corpus_url + path)
            for width in range(320, 1441, 40):
                page.set_viewport_size({"width": width, "height": 900})
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
                dates = page.locator(".cable-list time").evaluate_all(
                    "times => times.filter(t => t.getClientRects().length > 1).length"
                )
                assert dates == 0, f"a date breaks across lines on {path} at {width}px"
                # An ID breaks only where one ID alone is wider than its column could ever be: never here.
                broken = page.locator(".cable-list td.refid a").evaluate_all(
                    "links => links.filter(a => a.getClientRects().length > 1).length"
                )
                assert broken == 0, f"{broken} IDs break across lines on {path} at {width}px"
            if path.startswith("release/"):
                page.set_viewport_size({"width": 375, "height": 667})
                assert page.locator(".cable-list td.created .cell-label").first.inner_text().strip() == "Created"
                _shot(page, "listing-release-375")
                page.set_viewport_size({"width": 768, "height": 1024})
                _shot(page, "listing-release-768")
                page.set_viewport_size({"width": 1280, "height": 900})
                _shot(page, "listing-release-1280")


def test_a_heading_never_breaks_a_date_at_its_hyphens(browser, corpus_output, corpus_url):
    release = next(p for p in sorted((corpus_output / "release").glob("*/index.html")))
    with Visit(browser, 320) as page:
        page.goto(corpus_url + release.relative_to(corpus_output).as_posix())
        date = page.locator("h1 .date")
        assert date.count() == 1
        for width in range(320, 481, 20):
            page.set_viewport_size({"width": width, "height": 700})
            assert len(date.evaluate("d => Array.from(d.getClientRects())")) == 1


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = (_luminance(tuple(int(n) for n in re.findall(r"\d+", c)[:3])) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_stands_out_three_to_one_on_the_header_and_on_the_page(browser, site_output, base_url, scheme):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page.goto(base_url + "index.html")
        header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        paper = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")  # the site's title, on the header
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
        assert page.evaluate("document.activeElement.closest('.site-header') !== null")
        assert _contrast(ring, header) >= 3, (ring, header)
        page.locator("main a").first.focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
        assert _contrast(ring, paper) >= 3, (ring, paper)
    finally:
        page.close()


def _corpus_pages(output: Path) -> dict[str, str]:
    """A page of every kind in the corpus site, by kind."""

    def first(pattern: str) -> str:
        return next(p.relative_to(output).as_posix() for p in sorted(output.glob(pattern)))

    def biggest(pattern: str) -> str:
        folders = sorted(output.glob(pattern), key=lambda p: (-len(list(p.iterdir())), p.name))
        return folders[0].relative_to(output).as_posix()

    origin, tag = biggest("origin/*/"), biggest("tag/*/")
    return {
        "home": "index.html",
        "cable-long": _cable_path(output, "06GUANGZHOU29875"),
        "cable-partial": _cable_path(output, "04ANKARA348"),
        "cable-old": _cable_path(output, "66BUENOSAIRES2481"),
        "origin-index": "origin/index.html",
        "origin-letter": first("origin/[A-Z].html"),
        "origin": f"{origin}/index.html",
        "origin-month": first(f"{origin}/[0-9]*.html"),
        "tag-index": "tag/index.html",
        "tag-letter": first("tag/[A-Z].html"),
        "tag": f"{tag}/index.html",
        "tag-month": first(f"{tag}/[0-9]*.html"),
        "classification-index": "classification/index.html",
        "classification": "classification/confidential/index.html",
        "date-index": "date/index.html",
        "month": first("date/[0-9]*.html"),
        "release-index": "release/index.html",
        "release": first("release/*/index.html"),
        "articles": "articles/index.html",
        "article": first("articles/[a-z]*.html"),
        "explainer": "understanding-cables.html",
        "not-found": "404.html",
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_corpus_page_has_no_serious_axe_violation(browser, corpus_output, corpus_url, scheme):
    axe_api = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
    )
    axe = axe_api.Axe()
    failures = {}
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
        try:
            for kind, path in _corpus_pages(corpus_output).items():
                page.goto(corpus_url + path)
                found = [
                    f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
                    for v in axe.run(page).response["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
                if found:
                    failures[f"{kind}@{width}"] = found
        finally:
            page.close()
    assert failures == {}


def test_the_page_and_its_twin_show_eo_caveats_addressees_and_length(corpus_output):
    path = _cable_path(corpus_output, "06GUANGZHOU29875")
    twin = json.loads((corpus_output / path).with_suffix(".json").read_text())
    assert twin["eo"].startswith("E.O. 12958")
    assert twin["caveats"] == ["FOR OFFICIAL USE ONLY", "SIPDIS"]
    assert twin["addressees"][0] == {"name": "SECSTATE WASHDC", "role": "to", "precedence": "ROUTINE"}
    assert twin["words"] > 3000
    html = (corpus_output / path).read_text()
    for shown in ('<th scope="row">E.O.</th>', '<th scope="row">Handling</th>', '<th scope="row">To</th>'):
        assert shown in html
    assert f"{twin['words']:,} words" in html
    assert 'SECSTATE WASHDC <span class="precedence">(routine)</span>' in html


def test_origin_a_to_z_shows_each_letter_once_with_a_count_that_says_what_it_counts(browser, corpus_output, corpus_url):
    with Visit(browser, 375) as page:
        page.goto(corpus_url + "origin/index.html")
        letters = page.locator("main .letters a .letter").all_inner_texts()
        assert letters
        assert len(letters) == len(set(letters))
        assert page.locator("main .letters").count() == 1
        counts = page.locator("main .letters a .count").all_inner_texts()
        assert all(re.fullmatch(r"[\d,]+ origins?", count) for count in counts), counts
        page.goto(corpus_url + "origin/A.html")
        assert all(re.fullmatch(r"\([\d,]+ cables?\)", c) for c in page.locator(".facets .count").all_inner_texts())


def test_on_a_phone_the_month_chart_shows_its_counts(browser, corpus_output, corpus_url):
    with Visit(browser, 375) as page:
        page.set_viewport_size(PHONE)
        page.goto(corpus_url + "classification/confidential/index.html")
        cell = page.locator(".month-chart td a").first
        assert cell.is_visible()
        assert float(cell.evaluate("a => parseFloat(getComputedStyle(a).fontSize)")) >= 9
        box, text = (
            cell.bounding_box(),
            cell.evaluate(
                "a => { const r = document.createRange(); r.selectNodeContents(a); return r.getBoundingClientRect().width; }"
            ),
        )
        assert 0 < text <= box["width"] + 1
        _shot(page, "listing-chart-375")


def test_a_tag_page_opens_with_its_description_and_the_explainer_links_the_glossary(browser, corpus_output, corpus_url):
    with Visit(browser, 375) as page:
        page.goto(corpus_url + "tag/prel/index.html")
        description = page.locator("main .facet-description")
        assert description.is_visible()
        assert "political" in description.inner_text().lower()
        assert description.bounding_box()["y"] < page.locator(".month-chart, .cable-list").first.bounding_box()["y"]
        page.goto(corpus_url + "understanding-cables.html")
        glossary = page.get_by_role("link", name="tag glossary")
        assert glossary.evaluate("a => a.href") == corpus_url + "tag/index.html"


@pytest.mark.parametrize("mode", ["reflow", "written"])
def test_the_cable_page_reads_in_both_modes_at_a_phones_a_tablets_and_a_desks_width(
    browser, corpus_output, corpus_url, mode
):
    path = _cable_path(corpus_output, "06GUANGZHOU29875")
    for width, height in ((375, 667), (768, 1024), (1280, 900)):
        with Visit(browser, width) as page:
            page.set_viewport_size({"width": width, "height": height})
            page.add_init_script(f"localStorage.setItem('sitegen-reading-mode', '{mode}')")
            page.goto(corpus_url + path)
            assert (
                page.get_by_role("button", name="Reflowed").get_attribute("aria-pressed")
                == str(mode == "reflow").lower()
            )
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0
            page.locator(".cable-body").scroll_into_view_if_needed()
            page.evaluate("window.scrollTo(0, 0)")
            _shot(page, f"cable-{width}-{mode}-top")
            page.locator(".cable-body .par").nth(3).scroll_into_view_if_needed()
            _shot(page, f"cable-{width}-{mode}-body")
