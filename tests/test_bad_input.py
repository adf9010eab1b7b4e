"""Bad input: hostile cable text is shown as text; broken files are reported by file and line; --strict fails whole."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from sitegen.build import BuildOptions, build_site
from sitegen.cli import main
from tests.sites import BODY, cable, write_site

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> &#x3C;b&#x3E; </pre></div>'


def test_hostile_cable_text_is_escaped_everywhere(tmp_path):
    body = BODY.replace("SUBJECT: A TEST CABLE", f"SUBJECT: {HOSTILE}") + f"\n3. (C) {HOSTILE}\n"
    site = write_site(
        tmp_path / "site",
        [cable("09ROME1", "2010-12-01 00:00", body=body, header=HOSTILE, origin="Embassy <b>Rome</b>")],
    )
    report = build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1))
    assert report.problems == []
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
    assert report.problems == []
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
    messages = sorted(str(problem) for problem in report.problems)
    assert messages == [
        "content/articles/bad.md:3: date 'soon' is not YYYY-MM-DD",
        "content/cables/2009/01/09ROME2.txt:3: Created 'January 2009' is not YYYY-MM-DD HH:MM",
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
    monkeypatch.setattr("sitegen.build.RENDER_BATCH", 2)  # several batches: with --jobs 2 a worker renders
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
        assert [str(p) for p in report.problems] == [
            "content/cables/2009/02/09ROME1.txt:1: 09ROME1 is also in content/cables/2009/01/09ROME1.txt"
        ]
        assert report.cables == 2
        page = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_text()
        assert "THE COPY" not in page
    copy.unlink()
    report = build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1))
    assert report.problems == [] and report.cables == 2
