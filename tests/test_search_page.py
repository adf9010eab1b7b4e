"""The search page (theme/static/search.js) in Chromium: what a reader asks and sees, over http and from file://."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen.search.reader import IndexReader
from sitegen.search.words import Stemmer, split_words
from tests.conftest import Visit, serious, served
from tests.sites import BODY, PUBLISHED_CONFIG, build, cable, problems, write_site

axe_api = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")

WIDTHS = [375, 1280]
DONE = (
    "() => { const s = document.getElementById('search-status').textContent;"
    " return /cables? match(es)?\\./.test(s) || s.startsWith('No cables'); }"
)


def twins(output: Path) -> dict[str, dict]:
    """The JSON twin of each cable page (a removed cable's twin is a notice: search never finds it)."""
    found = {p.stem: json.loads(p.read_text()) for p in (output / "cable").rglob("*.json")}
    return {ref: twin for ref, twin in found.items() if "removed" not in twin}


def words_of(twin: dict) -> set[str]:
    return set(split_words(" ".join([twin["reference_id"], twin["subject"], " ".join(twin["tags"]), twin["body"]])))


def start(page, output: Path, base_url: str, how: str, query: str = "") -> None:
    address = base_url + "search.html" if how == "http" else (output / "search.html").as_uri()
    page.goto(address + (query and "?" + query))
    if query:
        page.wait_for_function(DONE, timeout=15000)


def ask(page, text: str) -> None:
    page.fill("#search-input", text)
    page.press("#search-input", "Enter")
    page.wait_for_function(DONE, timeout=15000)


def shown_ids(page) -> list[str]:
    return page.locator("#search-results .result .refid").all_inner_texts()


def status(page) -> str:
    return page.locator("#search-status").inner_text()


def count_in(text: str) -> int:
    return int(re.match(r"([\d,]+) cables? match", text)[1].replace(",", ""))


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("width", WIDTHS)
def test_words_in_any_case_and_accents_find_the_cables_holding_them(browser, base_url, site_output, how, width):
    cables = twins(site_output)
    holding = {ref for ref, twin in cables.items() if "ambassador" in words_of(twin)}
    with Visit(browser, width) as page:
        start(page, site_output, base_url, how)
        ask(page, "AMBÁSSADOR")
        assert count_in(status(page)) == len(holding)
        first = page.locator("#search-results .result").first
        assert re.fullmatch(r"\d{2}[A-Z]+\d+", first.locator(".refid").inner_text())
        meta = first.locator(".result-meta").inner_text()
        twin = cables[first.locator(".refid").inner_text()]
        assert twin["origin"] in meta
        assert twin["classification"] in meta
        assert twin["created"][:10] in meta
        excerpt = first.locator(".result-excerpt").inner_text()
        assert not excerpt.startswith(("Routing header", "C O N F I D", "VZCZC"))
        assert set(shown_ids(page)) <= holding
        assert len(shown_ids(page)) == min(20, len(holding))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0


def word_past_the_excerpt(output: Path) -> tuple[str, str, str]:
    """A word one cable alone holds, in its body and not in the excerpt its result line keeps
    (nor its ID, subject or TAGS): (word, reference ID, that excerpt)."""
    cables = twins(output)
    excerpts = {row[0]: row[6] for _, row in IndexReader(output).cables()}
    holders: dict[str, list[str]] = {}
    for ref, twin in cables.items():
        for word in words_of(twin):
            holders.setdefault(word, []).append(ref)
    for word in sorted(holders):
        (ref,) = holders[word] if len(holders[word]) == 1 else (None,)
        twin = cables.get(ref or "")
        head = split_words(" ".join([twin["subject"], " ".join(twin["tags"])])) if twin else []
        if twin and len(word) >= 7 and word.isalpha() and word not in head:
            if word not in split_words(excerpts[ref]) and Stemmer().stem(word) == word:
                return word, ref, excerpts[ref]
    raise AssertionError("the sample has no word past its cables' excerpts")


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("width", WIDTHS)
def test_an_excerpt_shows_the_words_found_where_the_first_paragraph_does_not(
    browser, base_url, site_output, how, width
):
    """Over http the excerpt becomes the text around the word found (from the cable's JSON
    twin); from file://, where a page may not fetch, the first paragraph stays."""
    word, ref, excerpt = word_past_the_excerpt(site_output)
    with Visit(browser, width) as page:
        start(page, site_output, base_url, how, f"q={word}")
        assert shown_ids(page) == [ref]
        shown = page.locator("#search-results .result-excerpt")
        if how == "file":
            assert shown.inner_text() == excerpt
            assert page.locator("#search-results mark").count() == 0
            return
        page.wait_for_function("document.querySelector('#search-results .result-excerpt mark') !== null")
        assert [mark.lower() for mark in page.locator("#search-results mark").all_inner_texts()][:1] == [word]
        closer = shown.inner_text()
        assert closer != excerpt
        assert len(closer) <= 240 + 4
        assert closer.startswith("… ")
        body = " ".join(cables_body(site_output, ref).split())
        assert closer[2:].removesuffix(" …") in body


def test_an_id_asked_for_reads_no_twin(browser, base_url, site_output):
    """A reference ID asked for shows that cable first: no excerpt is worth a twin's bytes."""
    refid = sorted((site_output / "cable").rglob("*.html"))[4].stem
    word, holder, _ = word_past_the_excerpt(site_output)
    twins_read: list[str] = []
    with Visit(browser) as page:
        page.on("request", lambda request: twins_read.extend([request.url] if request.url.endswith(".json") else []))
        start(page, site_output, base_url, "http", f"q={refid}")
        assert shown_ids(page)[0] == refid
        ask(page, word)  # the same page asked for a word then: its one result's twin is read
        page.wait_for_function("document.querySelector('#search-results .result-excerpt mark') !== null")
    assert [url.rpartition("/")[2] for url in twins_read] == [f"{holder}.json"]


def cables_body(output: Path, ref: str) -> str:
    return twins(output)[ref]["body"]


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("width", WIDTHS)
def test_and_phrase_exclude_and_prefix(browser, base_url, site_output, how, width):
    cables = twins(site_output)
    with Visit(browser, width) as page:
        start(page, site_output, base_url, how)
        ask(page, "prime minister")
        both = {ref for ref, twin in cables.items() if {"prime", "minister"} <= words_of(twin)}
        assert count_in(status(page)) == len(both)
        assert set(shown_ids(page)) <= both
        ask(page, '"prime minister"')
        phrase = {
            ref
            for ref, twin in cables.items()
            if "prime minister" in " ".join(split_words(twin["body"] + " " + twin["subject"]))
        }
        assert count_in(status(page)) == len(phrase)
        assert set(shown_ids(page)) <= phrase
        ask(page, "prime -minister")
        alone = {ref for ref, twin in cables.items() if "prime" in words_of(twin) and "minister" not in words_of(twin)}
        assert (count_in(status(page)) if alone else 0) == len(alone)
        ask(page, "ambass*")
        prefixed = {ref for ref, twin in cables.items() if any(w.startswith("ambass") for w in words_of(twin))}
        assert count_in(status(page)) == len(prefixed)
        marks = page.locator("#search-results mark").all_inner_texts()
        assert marks
        assert all(mark.lower().startswith("ambass") for mark in marks)


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("width", WIDTHS)
def test_a_reference_id_typed_loosely_is_the_first_result_and_opens_the_cable(
    browser, base_url, site_output, how, width
):
    cable_page = sorted((site_output / "cable").rglob("*.html"))[4]
    refid = cable_page.stem
    year, rest = refid[:2], refid[2:]
    post = rest.rstrip("0123456789")
    with Visit(browser, width) as page:
        start(page, site_output, base_url, how)
        ask(page, f"{year} {post.lower()} 00{rest[len(post) :]}")
        assert shown_ids(page)[0] == refid
        page.locator("#search-results .result a").first.click()
        page.wait_for_load_state()
        assert page.locator("article.cable").get_attribute("data-refid") == refid


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("width", WIDTHS)
def test_more_sort_filters_counts_url_and_history(browser, base_url, site_output, how, width):
    cables = twins(site_output)
    holding = sorted(
        (ref for ref, twin in cables.items() if "the" in words_of(twin)), key=lambda r: cables[r]["created"]
    )
    assert len(holding) > 20
    with Visit(browser, width) as page:
        start(page, site_output, base_url, how, "q=the")
        assert len(shown_ids(page)) == 20
        page.click("#search-more")
        page.wait_for_function("document.querySelectorAll('#search-results .result').length > 20")
        assert len(shown_ids(page)) == min(40, len(holding))
        page.select_option("#search-sort", "newest")
        page.wait_for_function(DONE)
        page.wait_for_function("document.querySelectorAll('#search-results .result').length === 20")
        created = [cables[ref]["created"] for ref in shown_ids(page)]
        assert created == sorted(created, reverse=True)
        assert created[0] == cables[holding[-1]]["created"]
        assert parse_qs(urlsplit(page.url).query)["sort"] == ["newest"]
        page.select_option("#search-sort", "oldest")
        page.wait_for_function(DONE)
        page.wait_for_function("document.querySelectorAll('#search-results .result').length === 20")
        created = [cables[ref]["created"] for ref in shown_ids(page)]
        assert created == sorted(created)
        # An origin's count, and the filter narrowing to it.
        origin = cables[holding[0]]["origin"]
        expected = sum(cables[ref]["origin"] == origin for ref in holding)
        label = page.locator("#search-origin option", has_text=origin).inner_text()
        assert label == f"{origin} ({expected})"
        page.select_option("#search-origin", origin)
        page.wait_for_function(DONE)
        page.wait_for_function(f"document.querySelectorAll('#search-results .result').length === {min(expected, 20)}")
        assert {cables[ref]["origin"] for ref in shown_ids(page)} == {origin}
        query = parse_qs(urlsplit(page.url).query)
        assert query["origin"] == [origin]
        assert query["q"] == ["the"]
        assert query["sort"] == ["oldest"]
        # A year range.
        year = cables[holding[0]]["created"][:4]
        page.select_option("#search-origin", "")
        page.wait_for_function(DONE)
        page.fill("#search-from", year)
        page.fill("#search-to", year)
        page.dispatch_event("#search-to", "change")
        page.wait_for_function(DONE)
        in_year = [ref for ref in holding if cables[ref]["created"][:4] == year]
        assert count_in(status(page)) == len(in_year)
        # Back and forward restore what the URL says (each change above was a step of history:
        # the origin, no origin, the first year, the last year).
        for _ in range(3):
            page.go_back()
        page.wait_for_url(re.compile(r".*origin=Embassy.*"))
        page.wait_for_function(
            "o => document.getElementById('search-origin').value === o && document.querySelectorAll('#search-results .result').length > 0",
            arg=origin,
        )
        assert {cables[ref]["origin"] for ref in shown_ids(page)} == {origin}
        page.go_forward()
        page.wait_for_function("document.getElementById('search-origin').value === ''")
        assert "origin=" not in page.url
        # A shared URL gives the same page.
        with Visit(browser) as other:
            other.goto(page.url)
            other.wait_for_function(DONE)
            assert status(other) == status(page)


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("width", WIDTHS)
def test_a_tag_filter_reads_the_tags_when_opened(browser, base_url, site_output, how, width):
    cables = twins(site_output)
    with Visit(browser, width) as page:
        start(page, site_output, base_url, how, "q=ambassador")
        page.click("#search-tags summary")
        page.wait_for_function("document.querySelectorAll('#search-tag option').length > 1")
        option = page.locator("#search-tag option").nth(1).inner_text()
        tag, count = re.fullmatch(r"(.+) \((\d+)\)", option).groups()
        page.select_option("#search-tag", tag)
        page.wait_for_function(DONE)
        assert count_in(status(page)) == int(count)
        assert all(tag in cables[ref]["tags"] for ref in shown_ids(page))
        assert parse_qs(urlsplit(page.url).query)["tag"] == [tag]


@pytest.mark.parametrize("how", ["http", "file"])
def test_the_results_are_announced_to_screen_readers(browser, base_url, site_output, how):
    with Visit(browser) as page:
        start(page, site_output, base_url, how, "q=ambassador")
        live = page.locator("#search-status")
        assert live.get_attribute("aria-live") == "polite"
        assert live.get_attribute("role") == "status"
        assert "match" in live.inner_text()


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_the_page_says_so_and_offers_the_id_box(browser, base_url, site_output, how, width):
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        start(page, site_output, base_url, how)
        note = page.locator(".search-nojs")
        assert "Search needs JavaScript" in note.inner_text()
        assert "reference ID" in note.inner_text()
        assert page.locator("form.goto input").is_visible()
        assert not page.locator("#search").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_search_page_with_results_has_no_serious_axe_violation(browser, base_url, site_output, scheme, width):
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        start(page, site_output, base_url, "http", "q=ambassador")
        page.click("#search-tags summary")
        assert serious(axe_api.Axe().run(page)) == []
    finally:
        page.close()


# -- issue 28, item 12: cable text is text on the search page ---------------------------------

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(2)>',
    "</script><script>alert(3)</script>",
    "javascript:alert(4)",
    "<iframe src=javascript:alert(5)>",
    "' onmouseover='alert(6)",
    "<a href=javascript:alert(7)>x</a>",
]


FILLER = "The delegation raised the matter again at length. " * 6


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory) -> Path:
    cables = []
    for n, payload in enumerate(PAYLOADS, start=1):
        body = (
            BODY.replace("TAGS: PREL PGOV IT", f"TAGS: PREL {payload}")
            .replace("SUBJECT: A TEST CABLE", f"SUBJECT: ZEBRA {payload}")
            .replace("First paragraph.", f"Zebra crossing {payload} here. {FILLER}")
            .replace("Second paragraph.", f"Okapi {payload} sighted.")  # past the excerpt: from the twin
        )
        cables.append(
            cable(
                f"09ROME{n}",
                "2010-12-01 00:00",
                origin=f"Embassy {payload}",
                classification=f"SECRET {payload}",
                body=body,
            )
        )
    site = write_site(tmp_path_factory.mktemp("hostile") / "site", cables)
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    report = build(site, "2011-01-01 00:00", clean=False, search=True)
    assert [p for p in problems(report) if p.severity == "error"] == []
    return site / "output"


@pytest.mark.parametrize("how", ["http", "file"])
def test_payloads_in_every_field_are_shown_as_text_and_never_run(browser, hostile_output, how):
    with served(hostile_output) as url, Visit(browser) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for query in ("q=zebra", "q=zebra&sort=newest", "q=zebr*", 'q="zebra crossing"', "q=okapi"):
            start(page, hostile_output, url, how, query)
            if query == "q=okapi" and how == "http":  # every excerpt is then made from a twin's text
                page.wait_for_function("document.querySelectorAll('#search-results mark').length === 7")
                assert "Okapi <img src=x onerror=alert(1)> sighted." in page.locator("#search-results").inner_text()
            page.click("#search-tags summary")
            page.wait_for_function("document.querySelectorAll('#search-tag option').length > 1")
            for result in page.locator("#search-results .result a").all():
                result.hover()
            assert (
                page.locator(
                    "#search-results img, #search-results svg, #search-results iframe, #search-results script"
                ).count()
                == 0
            )
            assert page.locator("#search option img, #search option svg").count() == 0
            text = page.locator("#search").inner_text()
            assert "<img src=x onerror=alert(1)>" in text
        assert dialogs == []


def test_words_shaped_like_an_id_no_cable_has_are_searched_as_words(browser, base_url, site_output):
    cables = twins(site_output)
    holding = {ref for ref, twin in cables.items() if {"09", "ambassador", "1"} <= words_of(twin)}
    assert holding
    with Visit(browser) as page:
        start(page, site_output, base_url, "http")
        ask(page, "09 ambassador 1")
        assert count_in(status(page)) == len(holding)


def test_the_page_reads_meta_js_alone_first_and_no_list_of_prefixes(browser, base_url, site_output):
    """meta.js names every segment's dictionary files: one round trip, then a word's files."""
    asked: list[str] = []
    with Visit(browser) as page:
        page.on("request", lambda request: asked.append(request.url.partition("/search/")[2]))
        start(page, site_output, base_url, "http", "q=ambassador")
        assert count_in(status(page)) > 0
    index = [name for name in asked if name]
    assert index[0] == "meta.js"
    assert not any("prefixes" in name for name in index)
    assert any(name.startswith("base/w/") for name in index)
