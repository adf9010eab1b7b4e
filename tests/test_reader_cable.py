"""The cable page as a reader uses it, in a real browser: the first paragraph on a phone's first
screen, the reading modes, the partial-extract notice, copying a paragraph's link, citing and
sharing; on the real cables (../shared/corpus) and on the sample site (which has a base_url)."""

from __future__ import annotations

import json
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
            assert marks.count() > 0 and marks.first.is_visible()
    guangzhou = _cable_path(corpus_output, "06GUANGZHOU29875")
    html = (corpus_output / guangzhou).read_text()
    assert '<span class="line">' in html


def test_a_partial_extract_says_so_above_the_body(browser, corpus_output, corpus_url):
    with Visit(browser, 375) as page:
        page.set_viewport_size(PHONE)
        page.goto(corpus_url + _cable_path(corpus_output, "04ANKARA348"))
        note = page.locator(".partial-note")
        assert note.is_visible() and "partial extract" in note.inner_text()
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
        assert copied == page.url and copied.endswith(anchor.get_attribute("href"))
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
            assert twin["reference_id"] in cite and twin["created"][:10] in cite and today in cite
            assert "https://cables.example.org/" + path in cite and "Cable Archive" in cite
        assert twin["subject"].split()[0] in text
        assert bibtex.startswith("@misc{" + twin["reference_id"] + ",") and bibtex.rstrip().endswith("}")


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
