"""Bad input: hostile cable text is shown as text; broken files are reported by file and line; --strict fails whole."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import feedparser
import pytest
from click.testing import CliRunner

from sitegen.build import BuildOptions, build_site
from sitegen.cli import main
from tests.sites import BODY, PUBLISHED_CONFIG, cable, problems, write_site

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> &#x3C;b&#x3E; </pre></div>'


def test_hostile_cable_text_is_escaped_everywhere(tmp_path):
    body = BODY.replace("SUBJECT: A TEST CABLE", f"SUBJECT: {HOSTILE}") + f"\n3. (C) {HOSTILE}\n"
    site = write_site(
        tmp_path / "site",
        [cable("09ROME1", "2010-12-01 00:00", body=body, header=HOSTILE, origin="Embassy <b>Rome</b>")],
    )
    report = build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1))
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
    assert HOSTILE in twin["body"] and twin["header"] == HOSTILE


def test_control_characters_and_bytes_not_utf8_in_a_subject_reach_the_feeds_as_replacements(tmp_path):
    """XML cannot hold an escape character, a NUL or a byte that is not UTF-8; the cable's page shows them as
    written, and each feed shows U+FFFD in their place instead of failing the build."""
    site = write_site(
        tmp_path / "site",
        [cable("09ROME1", "2010-12-01 00:00", body=BODY.replace("A TEST CABLE", "A\x1bTEST\udcffCABLE\x00"))],
    )
    report = build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1, search=False))
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
    report = build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1))
    messages = sorted(str(problem) for problem in problems(report))
    assert messages == [
        "content/articles/bad.md:3: date 'soon' is not YYYY-MM-DD",
        "content/cables/2009/01/09ROME2.txt:3: Created 'January 2009' is not a real date and time YYYY-MM-DD HH:MM",
        "content/pages/about.md:3: front matter line is not 'key: value': 'this line is wrong'",
    ]
    out = site / "output"
    assert (out / "cable" / "2009" / "01" / "09ROME1.html").exists()
    assert (out / "articles" / "good.html").exists()
    assert not (out / "about.html").exists() and not (out / "articles" / "bad.html").exists()


def test_strict_build_lists_every_problem_and_leaves_the_old_output(tmp_path):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01"]).exit_code == 0
    before = (site / "output" / "index.html").read_bytes()
    write_site(site, [cable("09ROME2", "2010-12-01 00:00")], pages={"a.md": "no front matter\n", "b.md": "---\n---\n"})
    result = runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01", "--strict"])
    assert result.exit_code == 1
    assert "content/pages/a.md:1:" in result.output and "content/pages/b.md:1:" in result.output
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
    monkeypatch.setattr("sitegen.build.publish.RENDER_BATCH", 2)  # several batches: with --jobs 2 a worker renders
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
    assert "Traceback" not in result.output and "left unchanged" in result.output
    assert (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_bytes() == before


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
        build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1, search=False))
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
        report = build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1))
        assert [str(p) for p in problems(report)] == [
            "content/cables/2009/02/09ROME1.txt:1: 09ROME1 is also in content/cables/2009/01/09ROME1.txt"
        ]
        assert report.cables == 2
        page = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_text()
        assert "THE COPY" not in page
    copy.unlink()
    report = build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1))
    assert problems(report) == [] and report.cables == 2


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
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"content/cables/2009/01/09ROME7.txt:{line}: {field} '{value}' is not a real date" in result.output
    output = _all_text(site / "output")
    assert b"09ROME1" in output and b"09ROME7" not in output
    assert value.encode() not in output


@pytest.mark.parametrize("field", ["Origin", "Classification"])
def test_bytes_not_utf8_in_a_cable_files_field_are_a_problem_and_later_builds_work(tmp_path, field):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2010-12-01 00:00")])
    path = next((site / "content" / "cables").rglob("09ROME2.txt"))
    path.write_bytes(path.read_bytes().replace(f"{field}: ".encode(), f"{field}: \xff\xfe ".encode("latin-1"), 1))
    for full in (False, False, True):
        arguments = ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"] + (["--full"] * full)
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert "09ROME2.txt:" in result.output and "not UTF-8" in result.output
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
    assert warned.exit_code == 0 and "warning: content/articles/a.md" in warned.output
    assert runner.invoke(main, [*build, "--strict"]).exit_code == 1
    for n in range(3, 64):
        write_site(site, [cable(f"09ROME{n}", "2010-12-01 00:00", created="2009-01-01 00:00")])
        path = next((site / "content" / "cables").rglob(f"09ROME{n}.txt"))
        path.write_bytes(path.read_bytes().replace(b"Created: 2009-01-01 00:00", b"Created: soon"))
    failed = runner.invoke(main, build)
    assert failed.exit_code == 1
    assert (
        failed.output.count("error: content/cables/") == 50
        and "12 more problems (--strict lists them all)" in failed.output
    )
    strict = runner.invoke(main, [*build, "--strict"])
    assert strict.exit_code == 1 and strict.output.count("error: content/cables/") == 61


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
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        "content/pages/gone.md:0: cannot read: a symbolic link to ../../nowhere.md, which does not exist"
        in result.output
    )
    assert "content/articles/folder.md:0: cannot read: Is a directory" in result.output
    assert "content/cables/2009/01/09ROME2.txt:0: cannot read: a symbolic link to missing.txt" in result.output
    output = site / "output"
    assert (output / "about.html").exists() and (output / "articles" / "good.html").exists()
    assert (output / "cable" / "2009" / "01" / "09ROME1.html").exists()
    again = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert again.exit_code == 1 and "09ROME2.txt:0: cannot read" in again.output


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
    build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1, search=False))
    feeds = sorted((site / "output" / "feed").rglob("*.*"))
    assert {p.suffix for p in feeds} == {".rss", ".atom"} and len(feeds) >= 5  # site-wide, per origin, per tag
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.bozo_exception)
        [entry] = parsed.entries
        details = [entry.title_detail, entry.summary_detail, *entry.get("content", [])]
        for detail in details:
            assert _elements_in(detail) == [], (path, detail)
        shown = " ".join(_Text(detail) for detail in details)
        assert "<script>alert(1)</script>" in shown and "Embassy <script>" in shown, (path, shown)


def _Text(detail) -> str:
    """What a reader shows of a value: HTML decoded to its text, plain text as it is."""
    if detail.type == "text/plain":
        return detail.value
    return html.unescape(re.sub(r"<[^>]*>", "", detail.value))
