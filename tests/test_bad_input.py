"""Bad input: hostile cable text is shown as text; broken files are reported by file and line; --strict fails whole."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import feedparser
import markupsafe
import pytest
from click.testing import CliRunner

from sitegen.cli import main
from tests.sites import BODY, PUBLISHED_CONFIG, build, cable, problems, write_site

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> &#x3C;b&#x3E; </pre></div>'


def test_hostile_cable_text_is_escaped_everywhere(tmp_path):
    body = BODY.replace("SUBJECT: A TEST CABLE", f"SUBJECT: {HOSTILE}") + f"\n3. (C) {HOSTILE}\n"
    site = write_site(
        tmp_path / "site",
        [cable("09ROME1", "2010-12-01 00:00", body=body, header=HOSTILE, origin="Embassy <b>Rome</b>")],
    )
    report = build(site, "2011-01-01 00:00", clean=False, search=True)
    assert problems(report) == []
    out = site / "output"
    for path in out.rglob("*"):
        if path.suffix in (".html", ".rss", ".atom", ".xml"):
            text = path.read_text()
            assert "<script>alert" not in text, path
            assert "<img src=x" not in text, path
            assert "<b>Rome</b>" not in text, path
    page = (out / "cable" / "2009" / "01" / "09ROME1.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&amp;#x3C;b&amp;#x3E;" in page  # shown as the characters written, not decoded
    twin = json.loads((out / "cable" / "2009" / "01" / "09ROME1.json").read_text())
    assert HOSTILE in twin["body"]
    assert twin["header"] == HOSTILE


def test_control_characters_and_bytes_not_utf8_in_a_subject_reach_the_feeds_as_replacements(tmp_path):
    """XML cannot hold an escape character, a NUL or a byte that is not UTF-8; the cable's page shows them as
    written, and each feed shows U+FFFD in their place instead of failing the build."""
    site = write_site(
        tmp_path / "site",
        [cable("09ROME1", "2010-12-01 00:00", body=BODY.replace("A TEST CABLE", "A\x1bTEST\udcffCABLE\x00"))],
    )
    report = build(site, "2011-01-01 00:00", clean=False)
    assert problems(report) == []
    out = site / "output"
    feeds = [*out.glob("feed/*.*"), *out.glob("feed/*/*.rss")]
    assert len(feeds) >= 4
    for feed in feeds:
        items = [item.findtext("title") for item in ElementTree.parse(feed).iter("item")]
        items += [entry.findtext(f"{ATOM}title") for entry in ElementTree.parse(feed).iter(f"{ATOM}entry")]
        assert items == ["09ROME1: A\ufffdTEST\ufffdCABLE\ufffd"], feed
    page = (out / "cable" / "2009" / "01" / "09ROME1.html").read_bytes()
    assert b"A\x1bTEST\xffCABLE\x00" in page


def test_broken_cable_and_page_are_reported_and_the_rest_builds(tmp_path):
    site = write_site(
        tmp_path / "site",
        [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2010-12-01 00:00")],
        pages={"about.md": "---\ntitle: About\nthis line is wrong\n---\n\nText\n"},
        articles={
            "good.md": "---\ntitle: Good\ndate: 2010-12-01\n---\n\nFine.\n",
            "bad.md": "---\ntitle: Bad\ndate: soon\n---\n",
        },
    )
    broken = next((site / "content" / "cables").rglob("09ROME2.txt"))
    broken.write_bytes(broken.read_bytes().replace(b"Created: 2009-01-01 00:00", b"Created: January 2009"))
    report = build(site, "2011-01-01 00:00", clean=False, search=True)
    messages = sorted(str(problem) for problem in problems(report))
    assert messages == [
        "content/articles/bad.md:3: date 'soon' is not a real date YYYY-MM-DD",
        "content/cables/2009/01/09ROME2.txt:3: Created 'January 2009' is not a real date and time YYYY-MM-DD HH:MM",
        "content/pages/about.md:3: front matter line is not 'key: value': 'this line is wrong'",
    ]
    out = site / "output"
    assert (out / "cable" / "2009" / "01" / "09ROME1.html").exists()
    assert (out / "articles" / "good.html").exists()
    assert not (out / "about.html").exists()
    assert not (out / "articles" / "bad.html").exists()


def test_strict_build_lists_every_problem_and_leaves_the_old_output(tmp_path):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01"]).exit_code == 0
    before = (site / "output" / "index.html").read_bytes()
    write_site(site, [cable("09ROME2", "2010-12-01 00:00")], pages={"a.md": "no front matter\n", "b.md": "---\n---\n"})
    result = runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01", "--strict"])
    assert result.exit_code == 1
    assert "content/pages/a.md:1:" in result.output
    assert "content/pages/b.md:1:" in result.output
    assert "left unchanged" in result.output
    assert (site / "output" / "index.html").read_bytes() == before
    assert not list(site.glob(".output.*"))


@pytest.mark.parametrize(
    "template, line, jobs",
    [("{% extends 'base.html' %}\n{% block main %}{% if %}{% endblock %}\n", 2, "1"),
     ("{% extends 'base.html' %}\n{% block main %}\n{{ no_such.thing }}{% endblock %}\n", 3, "2")],
)  # fmt: skip
def test_template_error_names_the_template_and_line_and_leaves_the_old_output(
    tmp_path, monkeypatch, template, line, jobs
):
    monkeypatch.setattr("sitegen.builder.publish.RENDER_BATCH", 2)  # several batches: with --jobs 2 a worker renders
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01"]).exit_code == 0
    before = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_bytes()
    (site / "templates").mkdir()
    (site / "templates" / "cable.html").write_text(template)
    (site / "content" / "cables" / "2009" / "01" / "09ROME1.txt").write_bytes(
        (site / "content" / "cables" / "2009" / "01" / "09ROME1.txt").read_bytes().replace(b"A TEST", b"AN EDITED")
    )
    result = runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01", "--jobs", jobs])
    assert result.exit_code == 1, result.output
    assert f"templates/cable.html:{line}: template error" in result.output
    assert "Traceback" not in result.output
    assert "left unchanged" in result.output
    assert (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_bytes() == before


@pytest.mark.parametrize(
    "template, line, why",
    [("{% extends 'base.html' %}\n{% block main %}\n<p>\n{{ 1 / 0 }}</p>{% endblock %}\n", 4, "division by zero"),
     ("{% extends 'base.html' %}\n{% block main %}\n{{ config.no_such_key.upper() }}{% endblock %}\n", 3,
      "no attribute 'no_such_key'"),
     ("{% extends 'base.html' %}\n{% block main %}\n\n{{ 3 | no_such_filter }}{% endblock %}\n", 4,
      "No filter named 'no_such_filter'"),
     ("{% extends 'base.html' %}\n{% block main %}{% for %}{% endblock %}\n", 2, "Expected an expression")],
)  # fmt: skip
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_template_that_fails_names_itself_its_line_and_the_page_it_was_rendering(
    tmp_path, monkeypatch, template, line, why, jobs
):
    """Issue 31: the template and line were recovered by regex from a worker's traceback text,
    and no page was named. Errors raised at render time (any exception from template code, as
    1 / 0 is) are caught there, on the worker."""
    monkeypatch.setattr("sitegen.builder.publish.RENDER_BATCH", 2)  # several batches: with --jobs 2 a worker renders
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])
    (site / "templates").mkdir()
    (site / "templates" / "cable.html").write_text(template)
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01", "--jobs", jobs])
    assert result.exit_code == 1, result.output
    errors = [text for text in result.output.splitlines() if text.startswith("error: ")]
    assert len(errors) == 1, result.output
    assert errors[0].startswith(f"error: templates/cable.html:{line}: template error: "), errors
    assert why in errors[0]
    # A syntax error fails the build before any page renders: it names the pages that read it.
    page = "read by the cable pages" if "for %" in template else "rendering cable/2009/01/09ROME1.html"
    assert errors[0].endswith(f"({page})"), errors
    assert "Traceback" not in result.output
    assert not (site / "output").exists()


def test_bad_config_key_is_reported_with_its_line(tmp_path):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])
    (site / "sitegen.toml").write_text('title = "X"\npage_sise = 20\n')
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01"])
    assert "sitegen.toml:2: unknown key 'page_sise'" in result.output


def test_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--site", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(main, ["build", "--site", str(tmp_path), "--as-of", "tomorrow"]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_header_box_shows_the_header_exactly(tmp_path):
    import html
    import re

    for header in ("\nVZCZC1\nRR X\n\n", "VZCZC1\nRR X"):
        site = write_site(tmp_path / f"site{len(header)}", [cable("09ROME1", "2010-12-01 00:00", header=header)])
        build(site, "2011-01-01 00:00", clean=False)
        page = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_text()
        box = re.search(r'<pre class="cable-header"[^>]*>\n(.*?)</pre>', page, re.S).group(1)
        assert html.unescape(re.sub(r"<[^>]+>", "", box)) == header


def test_two_files_with_one_reference_id_are_reported_every_build(tmp_path):
    """The first file in path order keeps the ID; the other is a problem naming both, in a full
    build and again in the incremental builds after it, until it is fixed."""
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2010-12-01 00:00")])
    first = site / "content" / "cables" / "2009" / "01" / "09ROME1.txt"
    copy = site / "content" / "cables" / "2009" / "02" / "09ROME1.txt"
    copy.parent.mkdir()
    copy.write_bytes(first.read_bytes().replace(b"A TEST CABLE", b"THE COPY"))
    for _ in range(2):
        report = build(site, "2011-01-01 00:00", clean=False, search=True)
        assert [str(p) for p in problems(report)] == [
            "content/cables/2009/02/09ROME1.txt:1: 09ROME1 is also in content/cables/2009/01/09ROME1.txt"
        ]
        assert report.cables == 2
        page = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_text()
        assert "THE COPY" not in page
    copy.unlink()
    report = build(site, "2011-01-01 00:00", clean=False, search=True)
    assert problems(report) == []
    assert report.cables == 2


def _all_text(output) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file())


@pytest.mark.parametrize(
    "field, value",
    [
        ("Released", "2011-02-30 10:00"),
        ("Released", "2010-13-45 99:99"),
        ("Released", "\uff12\uff10\uff11\uff10-12-01 00:00"),  # full-width digits
        ("Created", "2005-02-30 10:00"),
        ("Created", "0999-01-01 00:00"),
    ],
)
def test_an_impossible_date_in_a_cable_file_is_a_problem_and_never_published(tmp_path, field, value):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME7", "2010-12-01 00:00")])
    path = next((site / "content" / "cables").rglob("09ROME7.txt"))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith(f"{field}:"))
    path.write_bytes(
        b"".join(
            f"{field}: {value}\n".encode() if text.startswith(f"{field}:".encode()) else text
            for text in path.read_bytes().splitlines(keepends=True)
        )
    )
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"content/cables/2009/01/09ROME7.txt:{line}: {field} '{value}' is not a real date" in result.output
    output = _all_text(site / "output")
    assert b"09ROME1" in output
    assert b"09ROME7" not in output
    assert value.encode() not in output


@pytest.mark.parametrize("field", ["Origin", "Classification"])
def test_bytes_not_utf8_in_a_cable_files_field_are_a_problem_and_later_builds_work(tmp_path, field):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2010-12-01 00:00")])
    path = next((site / "content" / "cables").rglob("09ROME2.txt"))
    path.write_bytes(path.read_bytes().replace(f"{field}: ".encode(), f"{field}: \xff\xfe ".encode("latin-1"), 1))
    for full in (False, False, True):
        arguments = ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"] + (["--full"] * full)
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output, result.output
        assert "09ROME2.txt:" in result.output
        assert "not UTF-8" in result.output
        assert (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").exists()
        assert not (site / "output" / "cable" / "2009" / "01" / "09ROME2.html").exists()


def test_an_error_exits_1_a_warning_exits_0_and_strict_lists_every_problem(tmp_path):
    cables = [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2011-12-01 00:00")]
    site = write_site(
        tmp_path / "site", cables, articles={"a.md": "---\ntitle: A\ndate: 2010-12-01\n---\n\nSee 09ROME2.\n"}
    )
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    runner = CliRunner()
    build = ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"]
    warned = runner.invoke(main, build)
    assert warned.exit_code == 0
    assert "warning: content/articles/a.md" in warned.output
    assert runner.invoke(main, [*build, "--strict"]).exit_code == 1
    for n in range(3, 64):
        write_site(site, [cable(f"09ROME{n}", "2010-12-01 00:00", created="2009-01-01 00:00")])
        path = next((site / "content" / "cables").rglob(f"09ROME{n}.txt"))
        path.write_bytes(path.read_bytes().replace(b"Created: 2009-01-01 00:00", b"Created: soon"))
    failed = runner.invoke(main, build)
    assert failed.exit_code == 1
    assert failed.output.count("error: content/cables/") == 50
    assert "12 more problems (--strict lists them all)" in failed.output
    strict = runner.invoke(main, [*build, "--strict"])
    assert strict.exit_code == 1
    assert strict.output.count("error: content/cables/") == 61


def test_a_link_to_nowhere_or_a_folder_named_md_is_a_problem_and_the_rest_builds(tmp_path):
    site = write_site(
        tmp_path / "site",
        [cable("09ROME1", "2010-12-01 00:00")],
        pages={"about.md": "---\ntitle: About\n---\n\nHello.\n"},
        articles={"good.md": "---\ntitle: Good\ndate: 2010-12-01\n---\n\nFine.\n"},
    )
    (site / "content" / "pages" / "gone.md").symlink_to("../../nowhere.md")
    (site / "content" / "articles" / "folder.md").mkdir()
    (site / "content" / "cables" / "2009" / "01" / "09ROME2.txt").symlink_to("missing.txt")
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "content/pages/gone.md:0: cannot read: a symbolic link to ../../nowhere.md, which does not exist"
        in result.output
    )
    assert "content/articles/folder.md:0: cannot read: Is a directory" in result.output
    assert "content/cables/2009/01/09ROME2.txt:0: cannot read: a symbolic link to missing.txt" in result.output
    output = site / "output"
    assert (output / "about.html").exists()
    assert (output / "articles" / "good.html").exists()
    assert (output / "cable" / "2009" / "01" / "09ROME1.html").exists()
    again = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert again.exit_code == 1
    assert "09ROME2.txt:0: cannot read" in again.output


class _Elements(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.tags: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def _elements_in(detail) -> list[str]:
    """The HTML elements a feed reader would make of a value feedparser read."""
    return _Elements(detail.value).tags if detail.type in ("text/html", "application/xhtml+xml") else []


def test_no_feed_carries_an_element_from_cable_text(tmp_path):
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)><b>bold</b>"
    body = BODY.replace("SUBJECT: A TEST CABLE", f"SUBJECT: A {hostile} CABLE").replace(
        "Summary: First paragraph.", f"Summary: First {hostile} paragraph."
    )
    site = write_site(
        tmp_path / "site",
        [
            cable(
                "09ROME1",
                "2010-12-01 00:00",
                body=body,
                origin=f"Embassy {hostile}",
                classification=f"SECRET {hostile}",
            )
        ],
    )
    build(site, "2011-01-01 00:00", clean=False)
    feeds = sorted((site / "output" / "feed").rglob("*.*"))
    assert {p.suffix for p in feeds} == {".rss", ".atom"}
    assert len(feeds) >= 5
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.bozo_exception)
        [entry] = parsed.entries
        details = [entry.title_detail, entry.summary_detail, *entry.get("content", [])]
        for detail in details:
            assert _elements_in(detail) == [], (path, detail)
        shown = " ".join(_text(detail) for detail in details)
        assert "<script>alert(1)</script>" in shown, (path, shown)
        assert "Embassy <script>" in shown, (path, shown)


def _text(detail) -> str:
    """What a reader shows of a value: HTML decoded to its text, plain text as it is."""
    if detail.type == "text/plain":
        return detail.value
    return html.unescape(re.sub(r"<[^>]*>", "", detail.value))


def _init_site_with(tmp_path, records):
    """A fresh `sitegen init` site holding these cables."""
    site = tmp_path / "site"
    assert CliRunner().invoke(main, ["init", str(site)]).exit_code == 0
    return write_site(site, records)


def _set_field(site, reference_id: str, field: str, value: str) -> int:
    """Give a cable file's field a new value; the line it is on."""
    path = next((site / "content" / "cables").rglob(f"{reference_id}.txt"))
    lines = path.read_bytes().split(b"\n")
    line = next(n for n, text in enumerate(lines) if text.startswith(f"{field}:".encode()))
    lines[line] = f"{field}: {value}".encode() if value else f"{field}:".encode()
    path.write_bytes(b"\n".join(lines))
    return line + 1


@pytest.mark.parametrize("released", ["2010-12-01 00:00", None])
@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_created_is_a_problem_in_build_and_export_never_a_crash(tmp_path, released, value):
    """Issue 28: `Created:` with no value crashed build and export (`time data ''`), left
    `.output.building` behind, and was taken in silence for a cable not yet released."""
    site = _init_site_with(tmp_path, [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME7", released)])
    line = _set_field(site, "09ROME7", "Created", value)
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    assert f"content/cables/2009/01/09ROME7.txt:{line}: Created is empty" in result.output
    assert (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").exists()
    assert not list(site.glob(".output.*"))
    exported = runner.invoke(main, ["export", str(tmp_path / "back.csv"), "--site", str(site)])
    assert exported.exit_code == 1, exported.exception
    assert isinstance(exported.exception, SystemExit), exported.exception
    assert f"09ROME7.txt:{line}: Created is empty" in exported.output
    assert b"09ROME1" in (tmp_path / "back.csv").read_bytes()


@pytest.mark.parametrize("field", ["Origin", "Classification"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_origin_or_classification_in_a_cable_file_is_a_problem(tmp_path, field, value):
    """Issue 28: an empty Origin published `Cables from ` at slug `x`, and links with no text."""
    site = _init_site_with(tmp_path, [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME7", "2010-12-01 00:00")])
    line = _set_field(site, "09ROME7", field, value)
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    assert f"content/cables/2009/01/09ROME7.txt:{line}: {field} is empty" in result.output
    output = site / "output"
    assert not (output / "cable" / "2009" / "01" / "09ROME7.html").exists()
    assert not (output / "origin" / "x").exists()
    assert not (output / "classification" / "x").exists()
    assert b"Cables from <" not in _all_text(output)
    assert b"09ROME1" in _all_text(output)


@pytest.mark.parametrize(
    "value",
    ["2010-02-30", "2010-13-45", "\uff12\uff10\uff11\uff10-12-01", "2010-1\uff12-01", "0999-01-01", "2010-1-1"],
    ids=["feb-30", "month-13", "full-width", "one-full-width-digit", "year-999", "unpadded"],
)
def test_an_impossible_article_date_is_a_problem_with_file_and_line(tmp_path, value):
    """Issue 28: `2010-02-30` and `2010-13-45` were published (the second sorting as newest),
    and a full-width date kept its article unpublished with no problem reported. Articles follow
    the cable moments' rule: ASCII digits naming a day that exists, from year 1000 on."""
    site = _init_site_with(tmp_path, [cable("09ROME1", "2010-12-01 00:00")])
    write_site(
        site,
        [],
        articles={
            "good.md": "---\ntitle: Good\ndate: 2010-12-01\n---\n\nFine.\n",
            "odd.md": f"---\ntitle: Odd\nsummary: s\ndate: {value}\n---\n\nText.\n",
        },
    )
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    assert f"content/articles/odd.md:4: date {value!r} is not a real date YYYY-MM-DD" in result.output
    output = site / "output"
    assert (output / "articles" / "good.html").exists()
    assert not (output / "articles" / "odd.html").exists()


def test_a_page_or_article_whose_url_is_a_built_in_page_is_an_error_naming_both(tmp_path):
    """Issue 28: content/pages/index.md, search.md, 404.md and articles/index.md replaced the
    home, search, 404 and article index pages in silence, and the sitemap listed them twice."""
    site = _init_site_with(tmp_path, [cable("09ROME1", "2010-12-01 00:00")])
    taking = "---\ntitle: Taking its place\ndate: 2010-12-01\n---\n\nIMPOSTOR\n"
    write_site(
        site,
        [],
        pages={"index.md": taking, "search.md": taking, "404.md": taking, "fine.md": taking},
        articles={"index.md": taking},
    )
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    for source, url, built_in in (
        ("content/pages/index.md", "index.html", "the home page"),
        ("content/pages/search.md", "search.html", "the search page"),
        ("content/pages/404.md", "404.html", "the 404 page"),
        ("content/articles/index.md", "articles/index.html", "the article index"),
    ):
        assert f"{source}:0: its URL {url} is {built_in}'s, which sitegen makes" in result.output
    output = site / "output"
    for page in ("index.html", "search.html", "404.html", "articles/index.html"):
        assert b"IMPOSTOR" not in (output / page).read_bytes(), page
    assert b"IMPOSTOR" in (output / "fine.html").read_bytes()
    locs = re.findall(r"<loc>([^<]*)</loc>", (output / "sitemap.xml").read_text())
    assert len(locs) == len(set(locs))


def test_config_text_is_text_in_every_page_and_feed(tmp_path):
    """Issue 28: the tagline was live HTML in the RSS channel's description."""
    hostile = '<img src=x onerror=alert(1)><b>bold</b> & "quoted"'
    site = _init_site_with(tmp_path, [cable("09ROME1", "2010-12-01 00:00")])
    (site / "sitegen.toml").write_text(
        f"title = '''Archive {hostile}'''\ntagline = '''Line {hostile}'''\n"
        f"[[support_links]]\ntitle = '''Give {hostile}'''\nurl = \"https://example.org/give\"\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 0, result.output
    output = site / "output"
    pages = [p for p in output.rglob("*") if p.suffix in (".html", ".rss", ".atom", ".xml", ".js", ".json")]
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text, path
        assert "<b>bold" not in text, path
    feeds = sorted((output / "feed").rglob("*.*"))
    assert len(feeds) >= 4
    for path in feeds:
        # The description (RSS) or subtitle (Atom) is HTML to a reader. Titles are plain text, as the
        # cables' are (feedparser guesses HTML in an RSS title holding <b>; RSS 2.0 says text).
        detail = feedparser.parse(path.read_bytes()).feed.subtitle_detail
        assert _elements_in(detail) == [], (path, detail)
        assert hostile in _text(detail), (path, detail)
    home = (output / "index.html").read_text(encoding="utf-8")
    assert str(markupsafe.escape(f"Line {hostile}")) in home


def test_bytes_not_utf8_in_a_subject_are_replacement_characters_outside_the_cable_text(tmp_path):
    """Issue 28: such bytes reached listing pages raw (index.html was not valid UTF-8). Every page
    shows U+FFFD in their place; the cable's own text box, and the export, keep them as written."""
    body = (
        BODY.replace("SUBJECT: A TEST CABLE", "SUBJECT: CAF\udce9 TALKS \udcff")
        .replace("TAGS: PREL PGOV IT", "TAGS: PREL PGOV IT (SM\udcffITH, JOHN)")
        .replace("Summary: First paragraph.", "Summary: First \udce9 paragraph.")
    )
    site = _init_site_with(
        tmp_path, [cable("09ROME1", "2010-12-01 00:00", body=body), cable("09ROME2", "2010-12-01 00:00", references="")]
    )
    cited = body.replace("REF: 09 ROME 2", "REF: 09 ROME 1")  # 09ROME2 cites 09ROME1: a backlink shows its subject
    write_site(site, [cable("09ROME2", "2010-12-01 00:00", body=cited)])
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 0, result.output
    output = site / "output"
    page_url = "cable/2009/01/09ROME1.html"
    for path in sorted(output.rglob("*")):
        if path.is_file() and path.relative_to(output).as_posix() not in (page_url, "cable/2009/01/09ROME2.html"):
            path.read_bytes().decode("utf-8")  # strict: raises on a byte that is not UTF-8
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "CAF\ufffd TALKS \ufffd" in home
    page = (output / page_url).read_bytes()
    box = re.search(rb'<div class="cable-body">.*?</div>\n</article>', page, re.S)
    assert box
    assert b"CAF\xe9 TALKS \xff" in box.group(0)
    outside = page[: box.start()] + page[box.end() :]
    text = outside.decode("utf-8")  # the title, heading, tags and meta hold no raw byte
    assert "<title>09ROME1: CAF\ufffd TALKS \ufffd" in text
    twin = json.loads((output / "cable" / "2009" / "01" / "09ROME1.json").read_text(encoding="utf-8"))
    assert twin["subject"] == "CAF\ufffd TALKS \ufffd"
    back = tmp_path / "back.csv"
    assert CliRunner().invoke(main, ["export", str(back), "--site", str(site)]).exit_code == 0
    assert b"SUBJECT: CAF\xe9 TALKS \xff" in back.read_bytes()


SCRIPT_LINKS = (
    "[plain](javascript:alert(1))\n\n"
    "[cased](JaVaScRiPt:alert(2))\n\n"
    "[spaced]( javascript:alert(3))\n\n"
    "[entity](java&#x09;script:alert(4))\n\n"
    "[by reference][r]\n\n"
    "![image](javascript:alert(5))\n\n"
    "[vb](vbscript:msgbox(6))\n\n"
    "[fine](https://example.org/ok) and [relative](about.html) and [mail](mailto:desk@example.org)\n\n"
    "[r]: javascript:alert(7)\n"
)


def _hrefs(page: str) -> list[str]:
    return [html.unescape(value) for value in re.findall(r'(?:href|src)="([^"]*)"', page)]


@pytest.mark.parametrize("raw_html", [None, "true", "false"])
def test_javascript_links_in_markdown_are_dropped_whatever_raw_html_says(tmp_path, raw_html):
    """Issue 28: `[x](javascript:...)` in a page or an article was published as a live link."""
    site = _init_site_with(tmp_path, [cable("09ROME1", "2010-12-01 00:00")])
    (site / "sitegen.toml").write_text(f"[markdown]\nraw_html = {raw_html}\n" if raw_html else "")
    write_site(
        site,
        [],
        pages={"links.md": f"---\ntitle: Links\n---\n\n{SCRIPT_LINKS}"},
        articles={"links.md": f"---\ntitle: Links\ndate: 2010-12-01\n---\n\n{SCRIPT_LINKS}"},
    )
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 0, result.output
    for url in ("links.html", "articles/links.html"):
        page = (site / "output" / url).read_text(encoding="utf-8")
        hrefs = _hrefs(page)
        assert not [h for h in hrefs if re.sub(r"[\x00-\x20]", "", h).lower().startswith(("javascript:", "vbscript:"))]
        assert {"https://example.org/ok", "about.html", "mailto:desk@example.org"} <= set(hrefs)
        for text in ("plain", "cased", "spaced", "entity", "by reference", "vb"):
            assert f">{text}<" in page or f"{text}</" in page, text  # the words stay, as text


def test_raw_html_false_shows_html_in_markdown_as_text_and_init_sets_it(tmp_path):
    """Issue 28: raw HTML in markdown passed through. `[markdown] raw_html = false` (what `init`
    writes) shows it as text; a site without the key keeps HTML possible, as it was."""
    body = 'Intro.\n\n<div class="box"><script>alert(1)</script></div>\n\nSome <b>bold</b> <img src=x onerror=alert(2)> text.\n'
    site = _init_site_with(tmp_path, [cable("09ROME1", "2010-12-01 00:00")])
    assert "[markdown]\nraw_html = false" in (site / "sitegen.toml").read_text()
    write_site(site, [], pages={"raw.md": f"---\ntitle: Raw\n---\n\n{body}"})
    build = ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"]
    assert CliRunner().invoke(main, build).exit_code == 0
    page = (site / "output" / "raw.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "<b>bold</b>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    config = (site / "sitegen.toml").read_text().replace("raw_html = false", "raw_html = true")
    (site / "sitegen.toml").write_text(config)
    assert CliRunner().invoke(main, build).exit_code == 0  # the key changed: the pages are made again
    page = (site / "output" / "raw.html").read_text(encoding="utf-8")
    assert '<div class="box"><script>alert(1)</script></div>' in page
    assert "<b>bold</b>" in page


def test_a_cable_file_whose_reference_id_is_not_canonical_is_a_problem_naming_the_canonical_one(tmp_path):
    """Issue 28: one spelling of an ID everywhere. A file written by hand as 09ROME0042 would be
    published at a URL the ID box never reaches; it is reported with the spelling to use."""
    site = _init_site_with(tmp_path, [cable("09ROME1", "2010-12-01 00:00")])
    folder = site / "content" / "cables" / "2009" / "01"
    text = (folder / "09ROME1.txt").read_bytes().replace(b"Reference-ID: 09ROME1", b"Reference-ID: 09ROME0042")
    (folder / "09ROME0042.txt").write_bytes(text)
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    assert (
        "content/cables/2009/01/09ROME0042.txt:1: Reference-ID 09ROME0042 is written canonically 09ROME42"
        in result.output
    )


def test_an_imported_id_with_zeros_is_published_where_the_id_box_looks(tmp_path):
    site = tmp_path / "site"
    assert CliRunner().invoke(main, ["init", str(site)]).exit_code == 0
    dump = tmp_path / "cables.csv"
    dump.write_bytes(
        b'"1","1/2/2009 4:05","09ROME0042","Embassy Rome","SECRET","","H","1. (C) Text.\n"\n'
        b'"2","1/3/2009 4:05","09A2B7","Embassy Rome","SECRET","09ROME0042","H","REF: 09 ROME 42\n"\n'
    )
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(dump), "--site", str(site), "--released", "2010-12-01"]).exit_code == 0
    assert runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"]).exit_code == 0
    output = site / "output"
    assert (output / "cable" / "2009" / "01" / "09ROME42.html").exists()
    assert '"09ROME42":"2009/01"' in (output / "ids" / "ROME.js").read_text()
    assert '"09A2B7":"2009/01"' in (output / "ids" / "A2B.js").read_text()
    citing = json.loads((output / "cable" / "2009" / "01" / "09A2B7.json").read_text())
    assert citing["references"] == ["09ROME42"]
    assert citing["references_raw"] == "09ROME0042"
