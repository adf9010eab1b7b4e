"""The search index in shards: how cables are packed, and what a build re-indexes."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build_site
from sitegen.layout import SiteLayout
from sitegen.search import indexed_part, plan_shards, read_record, search_available
from sitegen.sources.cablefile import cable_path, format_cable
from tests.sites import BODY, PUBLISHED_CONFIG, cable, listed_shards, problems, write_site

needs_pagefind = pytest.mark.skipif(not search_available(), reason="Pagefind is not installed")


def members(days: dict[str, int]) -> list[tuple[str, str]]:
    """`count` cables released on each day, with distinct page URLs."""
    return [
        (day, f"cable/2009/01/09X{day.replace('-', '')}{n}.html") for day, count in days.items() for n in range(count)
    ]


def test_shards_follow_the_release_days_in_order_and_never_exceed_their_size():
    shards = plan_shards(members({"2010-12-01": 2, "2010-11-28": 3, "2010-12-05": 2, "2011-01-10": 1}), 4)
    assert all(len(shard.urls) <= 4 for shard in shards)
    # A day that does not fit in the open shard starts the next: 3, then 2 + 2 (full), then 1.
    assert [len(shard.urls) for shard in shards] == [3, 4, 1]
    assert [shard.name for shard in shards] == ["r2010-11-28", "r2010-12-01", "r2011-01-10"]


def test_a_day_bigger_than_a_shard_is_cut_in_parts_named_after_it():
    shards = plan_shards(members({"2010-11-28": 9, "2010-12-01": 1}), 4)
    assert [(shard.name, len(shard.urls)) for shard in shards] == [
        ("r2010-11-28", 4),
        ("r2010-11-28-2", 4),
        ("r2010-11-28-3", 2),  # the day's last part, and the next day, which fits
    ]
    urls = [url for shard in shards for url in shard.urls]
    assert len(urls) == len(set(urls)) == 10


def test_a_new_release_leaves_every_shard_but_the_last_as_it_was():
    before = plan_shards(members({"2010-11-28": 9, "2010-12-01": 3, "2010-12-05": 2}), 4)
    after = plan_shards(members({"2010-11-28": 9, "2010-12-01": 3, "2010-12-05": 2, "2011-01-10": 5}), 4)
    assert after[: len(before) - 1] == before[:-1]
    assert len(after) > len(before)


def test_no_released_cable_is_no_shard():
    assert plan_shards([], 4) == []


PAGE = (
    b'<nav>menu</nav><article class="cable" data-pagefind-body><h1>09ROME1 SUBJECT</h1>'
    b'<table class="cable-meta" data-pagefind-ignore="index"><tr><td>2009-01-01</td></tr>'
    b'<tr><td><a href="o/" data-pagefind-filter="origin">Embassy Rome</a></td></tr>'
    b"<tr><td>REFS</td></tr></table>"
    b'<div class="cable-body"><span class="par" id="par1">1. (C) Text, see 09MADRID2.</span></div>'
    b'</article><section class="backlinks">CITED</section>'
)


def test_what_is_indexed_of_a_page_is_its_article_with_the_filters_of_its_metadata():
    same = [
        PAGE.replace(b"CITED", b"09PARIS1, 09PARIS2"),  # "Referenced by", outside the article
        PAGE.replace(b"REFS", b'<a href="x.html">09MADRID2</a>'),  # a reference released
        PAGE.replace(b"menu", b"other menu"),
        PAGE.replace(b"see 09MADRID2", b'see <a class="ref" href="x.html">09MADRID2</a>'),  # now a link
    ]
    assert all(indexed_part(page) == indexed_part(PAGE) for page in same)
    different = [
        PAGE.replace(b"Text,", b"Text, corrected,"),
        PAGE.replace(b"SUBJECT", b"ANOTHER SUBJECT"),
        PAGE.replace(b">Embassy Rome<", b">Embassy Paris<"),  # a filter
        PAGE.replace(b'id="par1"', b'id="par2"'),  # an anchor
        PAGE.replace(b"<h1>", b'<h1 data-pagefind-weight="10">'),
        PAGE.replace(b"<h1>09ROME1 SUBJECT</h1>", b"<h2>09ROME1 SUBJECT</h2>"),
    ]
    assert all(indexed_part(page) != indexed_part(PAGE) for page in different)
    themed = PAGE.replace(b"<article", b"<main").replace(b"</article>", b"</main>")
    assert indexed_part(themed) == themed  # no article: the whole page counts


# -- what a build re-indexes -------------------------------------------------------------------

AS_OF = "2011-03-01 00:00"


# Cables citing none: a release then changes no page of an older cable (its backlinks).
UNCITING = BODY.replace("REF: 09 ROME 2\n\n", "")


def uncited(reference_id: str, released: str | None, origin: str = "Embassy Rome"):
    return cable(reference_id, released, origin=origin, body=UNCITING)


@pytest.fixture
def site(tmp_path) -> Path:
    cables = [uncited(f"09ROME{n}", "2010-11-28 00:00") for n in range(1, 6)]
    cables += [uncited(f"09PARIS{n}", "2010-12-05 00:00", "Embassy Paris") for n in range(1, 3)]
    # 09PARIS3 cites 09MADRID2, not yet released: its reference becomes a link on release.
    cables += [
        cable("09PARIS3", "2010-12-05 00:00", origin="Embassy Paris", body=BODY.replace("09 ROME 2", "09 MADRID 2"))
    ]
    cables += [uncited("09MADRID1", "2011-02-01 00:00", "Embassy Madrid")]
    cables += [uncited("09MADRID2", None, "Embassy Madrid")]  # not released yet
    root = write_site(tmp_path / "site", cables)
    (root / "sitegen.toml").write_text(PUBLISHED_CONFIG + "search_shard_cables = 3\n")
    return root


def build(site: Path, **options):
    report = build_site(BuildOptions(site, site / "output", AS_OF, jobs=2, search=True, **options))
    assert problems(report) == []
    return report


def shard_files(output: Path) -> dict[str, int]:
    """Every file of every shard, with its inode: a shard left alone keeps its files' inodes."""
    bundle = output / "pagefind"
    return {p.relative_to(bundle).as_posix(): p.stat().st_ino for p in bundle.glob("r*/**/*") if p.is_file()}


def shards_of(site: Path) -> dict[str, list[str]]:
    record = read_record(SiteLayout(site, site / "output").search_record)
    assert record is not None and not record.stale
    return record.shards


def reindexed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The shards whose files are new (or gone)."""
    names = {path.split("/")[0] for path in before.keys() | after.keys()}
    return {
        name
        for name in names
        if {p: i for p, i in before.items() if p.startswith(name + "/")}
        != {p: i for p, i in after.items() if p.startswith(name + "/")}
    }


@needs_pagefind
def test_the_bundle_holds_a_shard_per_release_run_and_only_released_cables(site):
    report = build(site)
    output = site / "output"
    shards = shards_of(site)
    assert list(shards) == ["r2010-11-28", "r2010-11-28-2", "r2010-12-05", "r2011-02-01"]
    assert [len(urls) for urls in shards.values()] == [3, 2, 3, 1]
    assert report.search_shards == report.search_reindexed == 4
    assert listed_shards(output) == list(shards)
    for name in shards:
        assert (output / "pagefind" / name / "pagefind-entry.json").exists()
    assert (output / "pagefind" / "pagefind-ui.js").exists()
    indexed = {url for urls in shards.values() for url in urls}
    assert indexed == {p.relative_to(output).as_posix() for p in (output / "cable").rglob("*.html")}
    assert not any("MADRID2" in url for url in indexed)
    assert not list(site.glob(".output.*"))  # nothing left beside the output


@needs_pagefind
def test_a_release_indexes_only_the_shards_it_fills(site):
    build(site)
    before = shard_files(site / "output")
    citing = (site / "output" / "cable" / "2009" / "01" / "09PARIS3.html").read_bytes()
    released = uncited("09MADRID2", "2011-02-01 00:00", "Embassy Madrid")
    cable_path(site / "content", released).write_bytes(format_cable(released))
    report = build(site)
    assert (
        b'09MADRID2.html">09 MADRID 2</a>' in (site / "output" / "cable" / "2009" / "01" / "09PARIS3.html").read_bytes()
    )
    assert b'09MADRID2.html">09 MADRID 2</a>' not in citing  # its page changed, not its shard:
    assert report.search_reindexed == 1 and report.search_shards == 4
    assert reindexed(before, shard_files(site / "output")) == {"r2011-02-01"}
    assert any("09MADRID2" in url for url in shards_of(site)["r2011-02-01"])
    # Taken by the quick path, which knew the index's cables from the record, not from every
    # entry: the record is the one a full build makes.
    assert report.quick and report.moved == 1
    build_site(BuildOptions(site, site / "fresh", AS_OF, jobs=2, search=True, full=True))
    assert read_record(SiteLayout(site, site / "output").search_record) == read_record(
        SiteLayout(site, site / "fresh").search_record
    )


@needs_pagefind
def test_a_release_citing_older_cables_changes_their_pages_but_not_their_shards(site):
    build(site)
    before = shard_files(site / "output")
    cited = (site / "output" / "cable" / "2009" / "01" / "09ROME2.html").read_bytes()
    citing = cable("09MADRID2", "2011-02-01 00:00", origin="Embassy Madrid")  # its REF: 09 ROME 2
    cable_path(site / "content", citing).write_bytes(format_cable(citing))
    build(site)
    assert (site / "output" / "cable" / "2009" / "01" / "09ROME2.html").read_bytes() != cited  # "Referenced by"
    assert reindexed(before, shard_files(site / "output")) == {"r2011-02-01"}


@needs_pagefind
def test_a_corrected_cable_reindexes_its_shard_alone_and_a_no_op_none(site):
    build(site)
    before = shard_files(site / "output")
    report = build(site)
    assert report.search_reindexed == 0 and shard_files(site / "output") == before
    record = uncited("09PARIS2", "2010-12-05 00:00", "Embassy Paris")
    corrected = record.body.replace("Second paragraph.", "Second paragraph, corrected.")
    cable_path(site / "content", record).write_bytes(format_cable(replace(record, body=corrected)))
    report = build(site)
    assert report.quick  # a correction takes the quick path, which keeps the shards as recorded
    assert reindexed(before, shard_files(site / "output")) == {"r2010-12-05"}


@needs_pagefind
def test_a_withheld_cable_leaves_the_index_and_its_shard_alone_is_redone(site):
    build(site)
    before = shard_files(site / "output")
    withheld = uncited("09ROME5", None)
    cable_path(site / "content", withheld).write_bytes(format_cable(withheld))
    build(site)
    shards = shards_of(site)
    assert not any("09ROME5" in url for urls in shards.values() for url in urls)
    assert reindexed(before, shard_files(site / "output")) == {"r2010-11-28-2"}


@needs_pagefind
def test_a_shard_lost_from_the_output_is_indexed_again_by_the_next_build_that_changes_a_cable(site):
    build(site)
    shutil.rmtree(site / "output" / "pagefind" / "r2010-12-05")
    released = uncited("09MADRID2", "2011-02-01 00:00", "Embassy Madrid")
    cable_path(site / "content", released).write_bytes(format_cable(released))
    report = build(site)
    assert report.search_reindexed == 2
    assert (site / "output" / "pagefind" / "r2010-12-05" / "pagefind.js").exists()


@needs_pagefind
def test_cable_pages_rendered_again_to_the_same_bytes_are_not_indexed_again(site):
    build(site)
    before = shard_files(site / "output")
    builtin = Path(__file__).resolve().parent.parent / "sitegen" / "theme" / "templates" / "cable.html"
    (site / "templates").mkdir()
    (site / "templates" / "cable.html").write_text(builtin.read_text() + "{# a comment: same bytes #}\n")
    report = build(site)
    assert report.rendered >= 9  # the 9 released cable pages rendered again...
    assert report.search_reindexed == 0 and shard_files(site / "output") == before  # ...none indexed again


@needs_pagefind
def test_a_failed_indexing_is_a_warning_leaves_the_bundle_and_is_finished_next_time(site, monkeypatch):
    import sitegen.search

    build(site)
    before = shard_files(site / "output")
    released = uncited("09MADRID2", "2011-02-01 00:00", "Embassy Madrid")
    cable_path(site / "content", released).write_bytes(format_cable(released))
    monkeypatch.setattr(sitegen.search, "index_shard", lambda *args: "shard r2011-02-01: Pagefind ran out of memory")
    report = build_site(BuildOptions(site, site / "output", AS_OF, jobs=2, search=True))
    assert [p.message for p in problems(report)] == [
        "search index not updated: shard r2011-02-01: Pagefind ran out of memory"
    ]
    assert problems(report)[0].severity == "warning" and report.errors == []
    assert shard_files(site / "output") == before  # the bundle in place, as it was
    assert not list(site.glob(".output.*"))
    monkeypatch.undo()
    report = build(site)  # nothing else changed: the shard left unfinished is indexed now
    assert report.search_reindexed == 1
    assert any("09MADRID2" in url for url in shards_of(site)["r2011-02-01"])
