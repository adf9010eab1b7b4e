"""build --verify: after an incremental build, every page whose key says it is unchanged is
rendered afresh and compared with output/; a page that differs is named."""

from __future__ import annotations

import dataclasses

from click.testing import CliRunner

from sitegen import kinds
from sitegen.builder import BuildOptions, build_site
from sitegen.builder.verify import verify_output
from sitegen.cli import main
from tests.sites import BODY, PUBLISHED_CONFIG, cable, write_site

AS_OF = "2011-01-01 00:00"


def small_site(root):
    records = [
        cable("09ROME1", "2010-12-01 00:00"),
        cable("09ROME2", "2010-12-01 00:00", created="2009-01-02 00:00"),
        cable("09ROME3", None, created="2009-01-03 00:00"),
    ]
    site = write_site(root, records)
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    return site


def build(site, as_of=AS_OF):
    options = BuildOptions(site, site / "output", as_of, jobs=1, search=False)
    report = build_site(options)
    assert not report.failed, report.problems
    return options, report


def test_an_incremental_build_verifies_clean(tmp_path):
    site = small_site(tmp_path / "site")
    build(site)
    (site / "content" / "cables" / "2009" / "01" / "09ROME2.txt").write_text(
        (site / "content" / "cables" / "2009" / "01" / "09ROME2.txt").read_text().replace("A TEST CABLE", "CORRECTED")
    )
    options, report = build(site)
    assert report.incremental
    assert verify_output(options, report.as_of) == []


def test_a_page_edited_behind_its_key_is_named(tmp_path):
    site = small_site(tmp_path / "site")
    options, report = build(site)
    home = site / "output" / "index.html"
    home.write_bytes(home.read_bytes() + b"<!-- edited -->")
    problems = verify_output(options, report.as_of)
    assert [problem.path for problem in problems] == ["index.html"]
    assert "differs from a fresh render" in problems[0].message


def test_a_kind_whose_key_omits_what_it_shows_is_caught(tmp_path, monkeypatch):
    """The home page shows the number of cables released; a home kind that declares it reads
    nothing keeps its key when a cable is released, so the build leaves the old page."""
    site = small_site(tmp_path / "site")
    monkeypatch.setitem(kinds.KINDS, "home", dataclasses.replace(kinds.KINDS["home"], reads=()))
    build(site)
    write_site(site, [cable("09ROME3", "2010-12-15 00:00", created="2009-01-03 00:00")])  # released now
    options, report = build(site)
    assert report.incremental
    problems = verify_output(options, report.as_of)
    assert "index.html" in [problem.path for problem in problems]


def test_the_command_exits_1_naming_the_page(tmp_path):
    site = small_site(tmp_path / "site")
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-01-01", "--no-search", "--jobs", "1"])
    assert first.exit_code == 0, first.output
    feed = site / "output" / "feed" / "releases.rss"
    feed.write_bytes(feed.read_bytes().replace(b"<rss", b'<rss data-stale="1"', 1))
    result = runner.invoke(
        main, ["build", "--site", str(site), "--as-of", "2011-01-01", "--no-search", "--jobs", "1", "--verify"]
    )
    assert result.exit_code == 1
    assert "feed/releases.rss" in result.output


def test_a_cable_whose_tags_are_cut_at_another_cables_phrase_verifies_clean(tmp_path):
    """A TAGS run is cut at the phrases other released cables write (phrases.py): the build keys
    such a cable by its tags as cut, and verify must key it the same way (builder/keying.py), or
    it names pages that are right."""
    run = "PREL PGOV IT ITALIAN POLITICS IRAQI FREEDOM NATIONAL VOTE"
    records = [
        cable("09ROME1", "2010-12-01 00:00", body=BODY.replace("TAGS: PREL PGOV IT", "TAGS: PREL, ITALIAN POLITICS")),
        cable(
            "09ROME2",
            "2010-12-01 00:00",
            created="2009-01-02 00:00",
            body=BODY.replace("TAGS: PREL PGOV IT", f"TAGS: {run}"),
        ),
    ]
    assert "TAGS: PREL PGOV IT" in BODY
    site = write_site(tmp_path / "site", records)
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    options, report = build(site)
    assert (site / "output" / "tag" / "italian-politics" / "index.html").exists()
    assert verify_output(options, report.as_of) == []
