"""The cable body as a page shows it: TAGS linked as written, redactions marked, text unchanged;
and share links that need the page's address, which only base_url gives."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

from sitegen.check import check_output
from sitegen.parse import parse_body
from sitegen.render.markup import body_html, count_redactions
from tests.sites import BODY, build, cable, write_site

AS_OF = "2011-01-01 00:00"
TAG_PAGES = {"PREL": "t/prel.html", "PGOV": "t/pgov.html", "KDEM": "t/kdem.html", "SMITH, JOHN": "t/smith-john.html"}


def rendered(body: str, tags: tuple[str, ...] = ()) -> str:
    record = replace(cable("09ROME1", "2010-12-01 00:00"), body=body)
    text = parse_body(record)
    return str(body_html(text.blocks, text.text_references, lambda ref: None, [(tag, TAG_PAGES[tag]) for tag in tags]))


def shown_text(markup: str) -> str:
    """What a reader sees: the markup without its elements, unescaped (the ¶ marks aside)."""
    return html.unescape(re.sub(r"<a class=\"par-anchor\"[^>]*>¶</a>|<[^>]+>", "", markup))


def test_each_tag_on_the_tags_line_links_to_its_page_as_written():
    markup = rendered(BODY.replace("TAGS: PREL PGOV IT", "TAGS: PREL, PGOV, KDEM"), ("PREL", "PGOV", "KDEM"))
    assert re.findall(r'<a class="tag" href="([^"]+)"[^>]*>([^<]+)</a>', markup) == [
        ("t/prel.html", "PREL"),
        ("t/pgov.html", "PGOV"),
        ("t/kdem.html", "KDEM"),
    ]


def test_tags_over_two_lines_and_a_person_tag_link_and_prose_after_the_tags_does_not():
    body = "E.O. 12958: DECL: 01/01/2019\nTAGS: PREL PGOV\n     KDEM (SMITH, JOHN)\nSUBJECT: PREL AND PGOV MEET\n\n1. (C) KDEM again.\n"
    markup = rendered(body, ("PREL", "PGOV", "KDEM", "SMITH, JOHN"))
    assert len(re.findall(r'<a class="tag"', markup)) == 4
    assert "SUBJECT: PREL AND PGOV MEET" in shown_text(markup)
    assert '">PREL</a> AND' not in markup
    assert "KDEM again" in markup
    assert "again" not in markup.split('class="tag"')[-1].split("</a>")[0]


def test_a_tag_not_written_as_read_stays_text_and_a_body_without_tags_is_unchanged():
    glued = rendered(BODY.replace("TAGS: PREL PGOV IT", "TAGS: PRELPGOV"), ("PREL", "PGOV"))
    assert 'class="tag"' not in glued
    assert 'class="tag"' not in rendered(BODY.replace("TAGS: PREL PGOV IT\n", ""), ("PREL",))


@pytest.mark.parametrize(
    "written, marks",
    [
        ("Contact XXXXXXXXXXXX said so.", ["XXXXXXXXXXXX"]),
        ("withXXXXXXXXXXXX and XXXXXXXXXXXXsaid", ["XXXXXXXXXXXX", "XXXXXXXXXXXX"]),
        ("(XXXXXXXXXXXXX) protect", ["XXXXXXXXXXXXX"]),
        ("the FY XXXX budget and room XXX", []),  # written placeholders, not redactions
    ],
)
def test_redactions_are_marked_and_the_text_stays_as_written(written, marks):
    body = f"1. (C) {written}\n\n2. (C) Next.\n"
    markup = rendered(body)
    assert re.findall(r'<span class="redacted" title="Redacted by the publisher[^"]*">(X+)</span>', markup) == marks
    assert shown_text(markup) == body
    assert count_redactions(body) == len(marks)


def _site(tmp_path, base_url: str):
    body = BODY.replace("2. (C) Second paragraph.", "2. (C) XXXXXXXXXXXX told us.")
    site = write_site(tmp_path / "site", [replace(cable("09ROME1", "2010-12-01 00:00"), body=body)])
    (site / "sitegen.toml").write_text(f'title = "T"\nbase_url = "{base_url}"\n' if base_url else 'title = "T"\n')
    return site


def test_without_base_url_the_build_warns_once_leaves_out_link_only_shares_and_check_says_so(tmp_path):
    site = _site(tmp_path, "")
    report = build(site, AS_OF, clean=False)
    warnings = [p for p in report.problems if "base_url" in p.message]
    assert len(warnings) == 1
    assert warnings[0].severity == "warning"
    assert warnings[0].path == "sitegen.toml"
    page = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_text()
    shares = re.findall(r'class="share share-(\w+)"', page)
    assert sorted(set(shares)) == ["bluesky", "mastodon", "twitter"]
    assert len(shares) == 6
    audit = check_output(site / "output")
    assert audit.ok
    assert list(audit.warnings) == ["share links carry no page URL (set base_url in sitegen.toml)"]


def test_with_base_url_every_share_link_carries_the_page_url_and_nothing_is_said(tmp_path):
    site = _site(tmp_path, "https://cables.example.org/")
    report = build(site, AS_OF, clean=False)
    assert report.problems == []
    page = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_text()
    hrefs = re.findall(r'class="share share-\w+" href="([^"]+)"', page)
    assert len(hrefs) == 10
    assert all("https%3A%2F%2Fcables.example.org%2Fcable%2F2009%2F01%2F09ROME1.html" in href for href in hrefs)
    assert not check_output(site / "output").warnings


def test_the_json_twin_keeps_the_body_as_written(tmp_path):
    site = _site(tmp_path, "")
    build(site, AS_OF)
    twin = (site / "output" / "cable" / "2009" / "01" / "09ROME1.json").read_text()
    assert "2. (C) XXXXXXXXXXXX told us." in twin
    assert "redacted" not in twin


def test_each_written_line_is_a_span_and_the_text_is_unchanged():
    body = "1. (C) First line of the paragraph\nsecond line, & <b>not markup</b>\n\n2. (U) Another."
    markup = rendered(body)
    assert shown_text(markup) == body
    first = re.search(r'<span class="par" id="par1">(.*?)</span></span>', markup, re.S)
    assert first is not None
    assert markup.count('<span class="line">') == 3
    assert "&lt;b&gt;not markup&lt;/b&gt;" in markup


def test_a_link_across_a_line_break_is_closed_and_reopened_so_the_spans_nest():
    from sitegen.render.markup import in_line_spans

    spanned = in_line_spans('see <a class="ref" href="x.html">GUANGZHOU\n20753</a> and XX')
    assert spanned == (
        '<span class="line">see <a class="ref" href="x.html">GUANGZHOU</a></span>\n'
        '<span class="line"><a class="ref" href="x.html">20753</a> and XX</span>'
    )
    assert in_line_spans('<span class="line-anchor" id="a"></span>one\ntwo').count('id="a"') == 1
    assert in_line_spans("") == ""
