"""The published site end to end: links, the cable page contract, feeds, escaping, determinism."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from sitegen.facets import slugify
from tests.conftest import REPO, cable_pages, sample_site
from tests.htmlwalk import html_pages, read_page, resolve_link
from tests.sites import build

AS_OF = "2011-03-01 00:00"
META_LABELS = ["Reference ID", "Created", "Released", "Classification", "Origin"]


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory) -> Path:
    site = sample_site(tmp_path_factory.mktemp("site"))
    out = site / "output"
    report = build(site, AS_OF, out, clean=False, jobs=2, search=True)
    assert report.problems == [], report.problems
    return out


@pytest.fixture(scope="module")
def pages(sample_output):
    return html_pages(sample_output)


def test_sample_site_builds_with_no_problem_and_every_released_cable_has_a_page(sample_output):
    cables = sorted(p.stem for p in cable_pages(sample_output))
    released = []
    for path in (REPO / "content" / "cables").rglob("*.txt"):
        fields = dict(line.split(": ", 1) for line in path.read_text().split("\n\n", 1)[0].splitlines())
        if fields.get("Released", "9999") <= AS_OF and fields.get("Withdrawn", "9999") > AS_OF:
            released.append(path.stem)
    assert cables == sorted(released)


def test_no_broken_internal_link_or_fragment(sample_output, pages):
    existing = {p.relative_to(sample_output).as_posix() for p in sample_output.rglob("*") if p.is_file()}
    checked = 0
    for page, facts in pages.items():
        for _tag, url, _attrs in facts.links:
            target, fragment = resolve_link(page, url)
            if target is None:
                continue
            assert target in existing, f"{page} links to missing {url}"
            if fragment:
                assert fragment in pages[target].ids, f"{page} links to missing fragment {url}"
            checked += 1
    assert checked > 1000


def test_cable_pages_meet_the_contract(sample_output, pages):
    shown = {p.relative_to(sample_output).as_posix() for p in cable_pages(sample_output)}
    contract = {page: facts for page, facts in pages.items() if page in shown}
    assert contract
    for page, facts in contract.items():
        refid = Path(page).stem
        articles = [attrs for tag, attrs in facts.elements if tag == "article"]
        assert articles[0]["data-refid"] == refid
        assert "cable" in articles[0]["class"].split()
        text = "".join(facts.text)
        for label in META_LABELS:
            assert label in text
        assert facts.with_class("cable-meta")
        assert facts.with_class("cable-header")
        assert facts.with_class("cable-body")
        par_ids = [attrs["id"] for attrs in facts.with_class("par")]
        assert par_ids
        assert len(par_ids) == len(set(par_ids)) == len(set(facts.ids) & set(par_ids))
        anchors = {attrs["href"] for attrs in facts.with_class("par-anchor")}
        assert anchors == {f"#{par}" for par in par_ids}
        shares = [attrs["href"] for attrs in facts.with_class("share")]
        assert len(shares) == 10  # near the top and at the end
        for href in shares:
            assert "cablegate" in href, href
            assert refid in href, href
            assert "cables.example.org" in href, href
        twin = json.loads((sample_output / page).with_suffix(".json").read_text())
        assert twin["reference_id"] == refid
        for key in (
            "created",
            "released",
            "classification",
            "origin",
            "subject",
            "tags",
            "references",
            "references_raw",
            "summary",
            "paragraphs",
            "header",
            "body",
        ):
            assert key in twin
        assert [p["id"] for p in twin["paragraphs"]] == par_ids
        feeds = [attrs for tag, attrs in facts.elements if tag == "link" and attrs.get("type") == "application/rss+xml"]
        assert feeds
        assert facts.title.startswith(f"{refid}: {twin['subject']}")


def test_paragraph_ids_follow_the_cables_numbering(sample_output):
    page = cable_pages(sample_output)[0]
    facts = read_page(page)
    numbered = [
        attrs["id"] for attrs in facts.with_class("par") if attrs["id"].startswith("par") and "-" not in attrs["id"]
    ]
    assert numbered[:3] == ["par1", "par2", "par3"]


def test_every_feed_parses_and_lists_only_released_cables(sample_output):
    feeds = sorted(sample_output.rglob("*.rss")) + sorted(sample_output.rglob("*.atom"))
    assert len(feeds) > 10
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.bozo_exception)
        assert parsed.entries, feed
        for entry in parsed.entries:
            assert entry.published_parsed[:3] <= (2011, 3, 1)


def test_each_classification_has_a_feed_of_its_own_cables_linked_from_its_page(sample_output):
    classifications = sorted((sample_output / "classification").glob("*/index.html"))
    assert len(classifications) >= 3
    for overview in classifications:
        slug = overview.parent.name
        feed = sample_output / "feed" / "classification" / f"{slug}.rss"
        linked = [
            attrs["href"]
            for tag, attrs in read_page(overview).elements
            if tag == "link" and attrs.get("type") == "application/rss+xml"
        ]
        assert f"../../feed/classification/{slug}.rss" in linked
        parsed = feedparser.parse(feed.read_bytes())
        assert parsed.entries
        for item in parsed.entries:
            page = sample_output / urlsplit(item.link).path.lstrip("/")
            twin = json.loads(page.with_suffix(".json").read_text())
            assert slugify(twin["classification"]) == slug


def test_origins_are_filed_under_the_first_letter_of_their_place(sample_output, pages):
    def origin_names(letter):
        return "".join(pages[f"origin/{letter}.html"].text)

    assert "Embassy Athens" in origin_names("A")
    assert "Consulate Guangzhou" in origin_names("G")
    assert "Secretary of State" in origin_names("S")
    assert "Embassy Athens" not in origin_names("E")
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        assert f"origin/{letter}.html" in pages


def test_same_input_gives_the_same_bytes_whatever_the_number_of_workers(tmp_path, sample_output):
    other = tmp_path / "one-worker"
    build(sample_output.parent, AS_OF, other, search=True)

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    first, second = files(sample_output), files(other)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert any(name.startswith("search/") for name in first)  # the search index included


def test_list_rows_kept_or_dropped_give_the_same_bytes(tmp_path, sample_output, monkeypatch):
    """A cable's row is rendered once and reused in every list it is in; keeping a single row
    (so nearly every row is rendered again) must not change a byte."""
    from sitegen.render import rows

    monkeypatch.setattr(rows, "ROWS_KEPT", 1)
    other = tmp_path / "rows-dropped"
    build(sample_output.parent, AS_OF, other, search=True)
    lists = [p for p in other.rglob("*.html") if '<table class="cable-list">' in p.read_text()]
    assert len(lists) > 20
    for page in lists:
        assert page.read_bytes() == (sample_output / page.relative_to(other)).read_bytes(), page


def test_shared_audit_finds_no_defect(sample_output):
    audit = REPO.parent / "shared" / "tools" / "audit.py"
    if not audit.exists():
        pytest.skip(f"the independent audit is not beside this checkout ({audit})")
    result = subprocess.run([sys.executable, str(audit), str(sample_output)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sitemap_splits_into_an_index_past_its_limit(tmp_path, monkeypatch):
    from sitegen import plan

    monkeypatch.setattr(plan, "SITEMAP_LIMIT", 40)
    out = tmp_path / "out"
    build(sample_site(tmp_path / "site"), AS_OF, out, search=True)
    index = (out / "sitemap.xml").read_text()
    assert "<sitemapindex" in index
    parts = sorted(out.glob("sitemap-*.xml"))
    assert len(parts) >= 3
    assert f"sitemap-{len(parts)}.xml" in index
    listed = [line for part in parts for line in part.read_text().splitlines() if line.startswith("<url>")]
    pages = [p for p in out.rglob("*.html") if p.name != "404.html"]
    assert len(listed) == len(pages)
    assert all(len(p.read_text().splitlines()) <= 40 + 3 for p in parts)


def test_not_found_page_links_from_the_site_root(sample_output):
    """Relative to the root, never to base_url (a mirror's 404 must not lead to the original
    host): a script in its head makes the root, found in the address, the page's base."""
    page = (sample_output / "404.html").read_text()
    assert '<a href="index.html">Go to the home page</a>' in page
    assert 'href="https://cables.example.org/static/' not in page
    assert "https://cables.example.org/index.html" not in page
    assert page.index("base.href = ") < page.index('<link rel="stylesheet"')


def test_the_latest_release_of_one_cable_says_one_cable(tmp_path):
    from tests.sites import cable, write_site

    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2010-11-01 00:00")])
    build(site, "2011-01-01 00:00")
    home = (site / "output" / "index.html").read_text()
    assert "2010-12-01</time> (1 cable)</h2>" in home


@pytest.mark.parametrize("kind", ["origin", "tag"])
def test_origin_and_tag_folders_open_on_an_a_to_z_of_their_letters(sample_output, kind):
    page = (sample_output / kind / "index.html").read_text()
    letters = re.findall(rf'<li><a href="(?:\.\./)?{kind}/([A-Z#]|OTHER)\.html">', page) or re.findall(
        r'<li><a href="([A-Z])\.html">', page
    )
    assert letters, page[:2000]
    for letter in letters:
        assert (sample_output / kind / f"{letter}.html").exists()
    sitemap = (sample_output / "sitemap.xml").read_text()
    assert f"{kind}/index.html" in sitemap


@pytest.mark.parametrize(
    "page, current",
    [
        ("tag/index.html", "Tag A-Z"),
        ("origin/A.html", "Origin A-Z"),
        ("date/index.html", "Creation date"),
        ("release/index.html", "Latest releases"),
        ("classification/index.html", "Classification"),
        ("articles/index.html", "Articles"),
        ("understanding-cables.html", "Understanding cables"),
        ("index.html", None),
    ],
)
def test_the_menu_marks_the_section_a_page_is_in(sample_output, page, current):
    html = (sample_output / page).read_text()
    nav = html[html.index('<nav class="browse"') : html.index("</nav>", html.index('<nav class="browse"'))]
    marked = re.findall(r'aria-current="true">([^<]+)</a>', nav)
    assert marked == ([current] if current else [])
