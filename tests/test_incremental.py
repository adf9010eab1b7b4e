"""Incremental builds: only what changed is read and rendered, and the result equals a full build."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build_site
from sitegen.manifest import Manifest
from sitegen.search import search_available
from sitegen.sources.cablefile import cable_path, format_cable
from tests.sites import cable, write_site

AS_OF = "2011-01-01 00:00"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path) -> Path:
    cables = [cable(f"09ROME{n}", "2010-12-01 00:00", references="09ROME1" if n > 1 else "") for n in range(1, 6)]
    cables += [
        cable("09PARIS1", "2010-12-05 00:00", origin="Embassy Paris"),
        cable("09PARIS2", "2011-06-01 00:00", origin="Embassy Paris"),
    ]
    return write_site(tmp_path / "site", cables, pages={"about.md": "---\ntitle: About\n---\n\nSee 09ROME1.\n"})


def build(site: Path, as_of: str = AS_OF, **options):
    options.setdefault("search", False)
    report = build_site(BuildOptions(site, site / "output", as_of, jobs=1, **options))
    assert report.errors == []
    return report


def full_build_equals_incremental(site: Path, as_of: str = AS_OF) -> None:
    fresh = site.parent / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    build_site(BuildOptions(site, fresh, as_of, jobs=1, full=True, search=False))
    assert tree(site / "output") == tree(fresh)


def test_noop_rebuild_renders_nothing_and_touches_nothing(site):
    first = build(site)
    assert not first.incremental and first.rendered == first.pages
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    second = build(site)
    assert second.incremental and second.rendered == 0 and second.sources_read == 0 and second.files == 0
    assert mtimes == {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}


def test_touched_but_unchanged_file_is_read_not_reparsed_or_rendered(site):
    build(site)
    path = next((site / "content").rglob("09ROME3.txt"))
    path.write_bytes(path.read_bytes())
    report = build(site)
    assert report.sources_read == 1 and report.rendered == 0


def test_editing_one_cable_rerenders_its_page_and_the_lists_that_show_it(site):
    build(site)
    path = next((site / "content").rglob("09ROME3.txt"))
    path.write_bytes(path.read_bytes().replace(b"SUBJECT: A TEST CABLE", b"SUBJECT: AN EDITED CABLE"))
    other = site / "output" / "cable" / "2009" / "01" / "09ROME4.html"
    before = other.stat().st_mtime_ns
    report = build(site)
    assert report.sources_read == 1
    assert 0 < report.rendered < report.pages / 2
    assert "AN EDITED CABLE" in (site / "output" / "cable" / "2009" / "01" / "09ROME3.html").read_text()
    assert other.stat().st_mtime_ns == before
    full_build_equals_incremental(site)


def test_release_and_re_embargo_add_and_remove_pages(site):
    build(site)
    page = site / "output" / "cable" / "2009" / "01" / "09PARIS2.html"
    assert not page.exists()
    build(site, "2011-07-01 00:00")
    assert page.exists() and page.with_suffix(".json").exists()
    full_build_equals_incremental(site, "2011-07-01 00:00")
    report = build(site, "2010-12-02 00:00")
    assert report.removed > 0
    assert not page.exists() and not (site / "output" / "cable" / "2009" / "01" / "09PARIS1.html").exists()
    assert not (site / "output" / "origin" / "embassy-paris").exists()
    full_build_equals_incremental(site, "2010-12-02 00:00")


def test_deleted_cable_file_removes_its_pages(site):
    build(site)
    next((site / "content").rglob("09ROME5.txt")).unlink()
    build(site)
    assert not list((site / "output").rglob("09ROME5*"))
    full_build_equals_incremental(site)


def test_template_change_rerenders_exactly_the_pages_that_use_it(site):
    first = build(site)
    (site / "templates").mkdir()
    groups = (Path(__file__).parent.parent / "sitegen" / "theme" / "templates" / "groups.html").read_text()
    (site / "templates" / "groups.html").write_text(groups.replace("<h1>", '<h1 class="custom">'))
    report = build(site)
    assert report.rendered == 3  # the classification, creation-date and release indexes
    assert 'class="custom"' in (site / "output" / "date" / "index.html").read_text()
    assert first.pages == report.pages


def test_config_change_rerenders_the_pages_that_read_that_key(site):
    build(site)
    (site / "sitegen.toml").write_text("feed_size = 2\n")
    report = build(site)
    feeds = [p for p in (site / "output" / "feed").rglob("*") if p.is_file()]
    assert report.rendered == len(feeds) - 1  # one plan writes both releases.rss and releases.atom
    full_build_equals_incremental(site)


def test_interrupted_build_is_repaired_by_the_next_and_said_so(site):
    build(site)
    manifest = Manifest.for_site(site, site / "output")
    manifest.set_meta(state="building")
    manifest.close()
    (site / "output" / "index.html").write_text("half-written")
    report = build(site)
    assert not report.incremental and report.rendered == report.pages
    assert any("interrupted" in note for note in report.notes)
    full_build_equals_incremental(site)


def test_leftover_staging_folder_is_discarded(site):
    build(site)
    leftover = site / ".output.building"
    leftover.mkdir()
    (leftover / "junk.html").write_text("x")
    report = build(site)
    assert not leftover.exists() and not (site / "output" / "junk.html").exists()
    assert any("discarded" in note for note in report.notes)


def test_same_output_after_a_series_of_incremental_builds(site):
    build(site, "2010-12-02 00:00")
    build(site, "2010-12-06 00:00")
    record = replace(cable("09ROME9", "2010-12-03 00:00", references="09ROME2"), created="2009-02-01 00:00")
    path = cable_path(site / "content", record)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(format_cable(record))
    build(site, "2010-12-06 00:00")
    full_build_equals_incremental(site, "2010-12-06 00:00")


@pytest.mark.skipif(not search_available(), reason="Pagefind is not installed")
def test_search_index_is_rebuilt_only_when_cable_pages_change(site):
    build(site, search=True)
    entry = site / "output" / "pagefind" / "pagefind-entry.json"
    assert entry.exists()
    before = entry.stat().st_mtime_ns
    report = build(site, search=True)
    assert report.search_seconds == 0 and entry.stat().st_mtime_ns == before
    build(site, "2011-07-01 00:00", search=True)  # 09PARIS2 is released: its page joins the index
    assert entry.stat().st_mtime_ns != before
    fragments = b"".join(p.read_bytes() for p in (site / "output" / "pagefind" / "fragment").iterdir())
    assert fragments  # compressed, so the ID is not searched for here; the browser test searches by ID


def test_a_second_build_of_the_same_output_is_refused_while_one_runs(site):
    import fcntl

    from sitegen.build import BuildBusy

    build(site)
    manifest = Manifest.for_site(site, site / "output")
    with open(manifest.path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(BuildBusy):
            build(site)
    manifest.close()
    assert build(site).incremental
