"""Incremental builds: only what changed is read and rendered, and the result equals a full build."""

from __future__ import annotations

import gc
import os
import random
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen.builder import BuildMemory, cable_file_stats
from sitegen.incremental.manifest import Manifest
from sitegen.model import CableRecord
from sitegen.parse import parse_cable
from sitegen.sources.cablefile import cable_path, format_cable
from tests.sites import BODY, assert_equals_full_build, build, cable, problems, tree, write_site


@pytest.fixture
def site(tmp_path) -> Path:
    cables = [cable(f"09ROME{n}", "2010-12-01 00:00", references="09ROME1" if n > 1 else "") for n in range(1, 6)]
    cables += [
        cable("09PARIS1", "2010-12-05 00:00", origin="Embassy Paris"),
        cable("09PARIS2", "2011-06-01 00:00", origin="Embassy Paris"),
    ]
    return write_site(tmp_path / "site", cables, pages={"about.md": "---\ntitle: About\n---\n\nSee 09ROME1.\n"})


def test_noop_rebuild_renders_nothing_and_touches_nothing(site):
    first = build(site)
    assert not first.incremental
    assert first.rendered == first.pages
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    second = build(site)
    assert second.incremental
    assert second.rendered == 0
    assert second.sources_read == 0
    assert second.files == 0
    assert mtimes == {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}


def test_touched_but_unchanged_file_is_read_not_reparsed_or_rendered(site):
    build(site)
    path = next((site / "content").rglob("09ROME3.txt"))
    path.write_bytes(path.read_bytes())
    report = build(site)
    assert report.sources_read == 1
    assert report.rendered == 0


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
    assert_equals_full_build(site)


def test_release_and_re_embargo_add_and_remove_pages(site):
    build(site)
    page = site / "output" / "cable" / "2009" / "01" / "09PARIS2.html"
    assert not page.exists()
    build(site, "2011-07-01 00:00")
    assert page.exists()
    assert page.with_suffix(".json").exists()
    assert_equals_full_build(site, "2011-07-01 00:00")
    report = build(site, "2010-12-02 00:00")
    assert report.removed > 0
    assert not page.exists()
    assert not (site / "output" / "cable" / "2009" / "01" / "09PARIS1.html").exists()
    assert not (site / "output" / "origin" / "embassy-paris").exists()
    assert_equals_full_build(site, "2010-12-02 00:00")


def test_deleted_cable_file_removes_its_pages(site):
    build(site)
    next((site / "content").rglob("09ROME5.txt")).unlink()
    build(site)
    assert not list((site / "output").rglob("09ROME5*"))
    assert_equals_full_build(site)


def test_template_change_rerenders_exactly_the_pages_that_use_it(site):
    first = build(site)
    (site / "templates").mkdir()
    counts = (Path(__file__).parent.parent / "sitegen" / "theme" / "templates" / "counts.html").read_text()
    (site / "templates" / "counts.html").write_text(counts.replace("<h1>", '<h1 class="custom">'))
    report = build(site)
    assert report.rendered == 2  # the classification and release indexes
    assert 'class="custom"' in (site / "output" / "release" / "index.html").read_text()
    assert 'class="custom"' not in (site / "output" / "date" / "index.html").read_text()
    assert first.pages == report.pages


def test_config_change_rerenders_the_pages_that_read_that_key(site):
    build(site)
    (site / "sitegen.toml").write_text("feed_size = 2\n")
    report = build(site)
    feeds = [p for p in (site / "output" / "feed").rglob("*") if p.is_file()]
    assert report.rendered == len(feeds) - 1  # one plan writes both releases.rss and releases.atom
    assert_equals_full_build(site)


def test_interrupted_build_is_repaired_by_the_next_and_said_so(site):
    build(site)
    manifest = Manifest.for_site(site, site / "output")
    manifest.set_meta(state="building")
    manifest.close()
    (site / "output" / "index.html").write_text("half-written")
    report = build(site)
    assert not report.incremental
    assert report.rendered == report.pages
    assert any("interrupted" in note for note in report.notes)
    assert_equals_full_build(site)


def test_leftover_staging_folder_is_discarded(site):
    build(site)
    leftover = site / ".output.building"
    leftover.mkdir()
    (leftover / "junk.html").write_text("x")
    report = build(site)
    assert not leftover.exists()
    assert not (site / "output" / "junk.html").exists()
    assert any("discarded" in note for note in report.notes)


def test_same_output_after_a_series_of_incremental_builds(site):
    build(site, "2010-12-02 00:00")
    build(site, "2010-12-06 00:00")
    record = replace(cable("09ROME9", "2010-12-03 00:00", references="09ROME2"), created="2009-02-01 00:00")
    path = cable_path(site / "content", record)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(format_cable(record))
    build(site, "2010-12-06 00:00")
    assert_equals_full_build(site, "2010-12-06 00:00")


def test_search_turned_off_then_on_again_is_a_change(site):
    output = site / "output"
    build(site, search=True)
    build(site, search=False)  # as `serve` builds
    assert not (output / "search.html").exists()
    assert not (output / "search").exists()
    assert b"search.html" not in (output / "index.html").read_bytes()
    report = build(site, search=True)
    assert "nothing changed since the last build" not in report.notes
    assert (output / "search.html").exists()
    assert (output / "search" / "meta.js").exists()
    assert b"search.html" in (output / "index.html").read_bytes()


def test_a_second_build_of_the_same_output_is_refused_while_one_runs(site):
    import fcntl

    from sitegen.builder import BuildBusy

    build(site)
    manifest = Manifest.for_site(site, site / "output")
    with open(manifest.path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(BuildBusy):
            build(site)
    manifest.close()
    assert build(site).incremental


def test_cable_file_stats_are_the_same_whether_one_or_two_processes_walk(site):
    cables = site / "content" / "cables"
    (cables / "loose.txt").write_text("x")
    (cables / "2010" / "12" / "deep").mkdir(parents=True)
    (cables / "2010" / "12" / "deep" / "10ROME1.txt").write_text("y")
    (cables / "2009" / ".hidden.txt").write_text("z")
    one, two = cable_file_stats(site / "content", 1), cable_file_stats(site / "content", 2)
    assert one == two
    stats = [stat for _, _, files in one for stat in files]
    paths = [path for path, _, _ in stats]
    assert paths[0].endswith("loose.txt")
    assert not any(".hidden" in path for path in paths)
    assert len(paths) == 9
    assert all(size > 0 and mtime > 0 for _, size, mtime in stats)
    for folder, digest, files in one:  # each folder's own files, in name order, under one digest
        assert [os.path.dirname(path) for path, _, _ in files] == [folder] * len(files)
        assert files == sorted(files)
        assert len(digest) == 32
    assert len({digest for _, digest, _ in one}) == len(one)


def test_entries_parsed_by_another_version_of_sitegen_are_parsed_again(site):
    build(site)
    manifest = Manifest.for_site(site, site / "output")
    manifest.set_meta(code="an older sitegen", inputs="made with an older sitegen")
    manifest.close()
    report = build(site)
    assert report.sources_read == 7  # read and parsed again (the same parser here: nothing to render)
    assert_equals_full_build(site)


def test_a_manifest_of_an_older_schema_is_replaced_not_misread(site):
    path = Manifest.for_site(site, site / "output").path
    path.unlink()
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE sources (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT, entry BLOB);
            CREATE TABLE pages (url TEXT PRIMARY KEY, key TEXT, files TEXT);
            INSERT INTO meta VALUES ('schema', '4'), ('state', 'clean');
            """
        )
    report = build(site)
    assert not report.incremental
    assert report.sources_read == 7
    assert build(site).incremental


def test_the_garbage_collector_is_back_on_after_a_build_even_a_failed_one(site, monkeypatch):
    assert gc.isenabled()
    build(site)
    assert gc.isenabled()
    (site / "templates").mkdir()
    (site / "templates" / "cable.html").write_text("{% broken")
    assert build(site, clean=False).failed
    assert gc.isenabled()

    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("sitegen.builder.pipeline.plan_site", crash)
    with pytest.raises(RuntimeError):
        build(site)
    assert gc.isenabled()


def test_edits_to_real_cables_rebuild_exactly_what_a_full_build_would(tmp_path, corpus_records):
    """The propagation rules against the real dump's shapes (person tags, odd origins, REF lines
    naming cables of the corpus), spread over years and two release days."""
    rng = random.Random(7)
    records = [
        replace(
            record,
            created=f"{2003 + number % 8}-{1 + number % 12:02d}-{1 + number % 28:02d} 10:00",
            released=("2010-11-28 00:00", "2010-12-05 00:00", None)[number % 3],
        )
        for number, record in enumerate(corpus_records)
    ]
    site = write_site(tmp_path / "site", records)
    build(site)
    cited = {ref for record in records for ref in parse_cable(record, with_blocks=False).references}
    chosen = rng.sample(records, 24)
    for number, record in enumerate(chosen):
        path = cable_path(site / "content", record)
        if number < 4:
            path.unlink()
            continue
        if number < 12:
            record = replace(record, released=None if record.released else "2010-12-01 00:00")
        elif number < 18:
            record = replace(record, origin=rng.choice(records).origin, created="2006-06-06 06:06")
        else:
            record = replace(record, body=record.body.replace("TAGS", "TAGS PREL KPAO", 1))
        path.unlink()
        new_path = cable_path(site / "content", record)
        new_path.parent.mkdir(parents=True, exist_ok=True)
        new_path.write_bytes(format_cable(record))
    untouched = [r for r in records if r not in chosen]
    withheld = [r for r in untouched if r.reference_id in cited and r.released][:3]
    assert len(withheld) == 3  # cables others cite go back under embargo
    for record in withheld:
        cable_path(site / "content", record).write_bytes(format_cable(replace(record, released=None)))
    report = build(site)
    assert report.incremental
    assert 0 < report.rendered < report.pages
    assert_equals_full_build(site)


def test_only_folders_whose_stats_changed_are_looked_into(site):
    """A folder whose files all keep their size and mtime is taken from the manifest whole; a
    broken file there is still read (and reported) by every build; a change in another folder,
    a new folder and a vanished one are all found."""
    build(site)
    cables = site / "content" / "cables"
    broken = cables / "2007" / "05" / "07ROME9.txt"
    broken.parent.mkdir(parents=True)
    broken.write_text("not a cable\n")
    report = build(site, clean=False)
    assert [p.path for p in problems(report)] == ["content/cables/2007/05/07ROME9.txt"]
    moved = cables / "2009" / "01" / "09PARIS1.txt"
    record = replace(parse_cable_file_of(moved), created="2008-03-01 00:00")
    moved.unlink()
    (cables / "2008" / "03").mkdir(parents=True)
    (cables / "2008" / "03" / "09PARIS1.txt").write_bytes(format_cable(record))
    report = build(site, clean=False)
    assert [p.path for p in problems(report)] == ["content/cables/2007/05/07ROME9.txt"]
    assert report.sources_read == 2  # the moved cable and the broken file, nothing else
    assert (site / "output" / "cable" / "2008" / "03" / "09PARIS1.html").exists()
    assert not (site / "output" / "cable" / "2009" / "01" / "09PARIS1.html").exists()
    shutil.rmtree(cables / "2007")
    shutil.rmtree(cables / "2008")
    report = build(site)
    assert report.cables == 6
    assert not (site / "output" / "cable" / "2008").exists()
    assert_equals_full_build(site)


def parse_cable_file_of(path: Path) -> CableRecord:
    from sitegen.sources.cablefile import parse_cable_file as parse_file

    return parse_file(path.read_bytes())


def test_a_remembered_build_is_used_only_while_no_other_build_came_between(site, monkeypatch):
    """serve keeps its last build in memory; a build by another process (here: one without the
    memory) makes that memory stale, and the next build reads the manifest instead. Each edit
    goes the general way, which indexes every cable (the quick path loads neither)."""
    monkeypatch.setattr("sitegen.builder.quick.QUICK_FILES", 0)
    memory = BuildMemory()
    build(site, memory=memory)
    rome2 = site / "content" / "cables" / "2009" / "01" / "09ROME2.txt"
    rome2.write_bytes(rome2.read_bytes().replace(b"A TEST CABLE", b"FIRST EDIT"))
    with monkeypatch.context() as patched:
        patched.setattr(Manifest, "sources", lambda self: pytest.fail("loaded despite the memory"))
        patched.setattr(Manifest, "page_keys", lambda self: pytest.fail("loaded despite the memory"))
        assert build(site, memory=memory).rendered > 0
    rome2.write_bytes(rome2.read_bytes().replace(b"FIRST EDIT", b"SECOND EDIT"))
    build(site)  # another process: the memory no longer describes the manifest
    rome2.write_bytes(rome2.read_bytes().replace(b"SECOND EDIT", b"THIRD EDIT"))
    loads = []
    original = Manifest.sources
    monkeypatch.setattr(Manifest, "sources", lambda self: loads.append(1) or original(self))
    build(site, memory=memory)
    assert loads == [1]
    assert "THIRD EDIT" in (site / "output" / "cable" / "2009" / "01" / "09ROME2.html").read_text()
    assert_equals_full_build(site)
    # A build that reads every file (--full) leaves the manifest holding exactly those files,
    # and the memory with it.
    (site / "content" / "cables" / "2009" / "01" / "09ROME3.txt").unlink()
    build(site, full=True, memory=memory)
    manifest = Manifest.for_site(site, site / "output")
    assert sorted(manifest.sources()) == sorted(memory.sources)
    assert "content/cables/2009/01/09ROME3.txt" not in memory.sources
    assert memory.sources == manifest.sources()
    assert memory.pages == manifest.page_keys()
    manifest.close()


def test_a_known_warning_is_reported_by_every_build_until_it_is_fixed(site, monkeypatch):
    article = site / "content" / "articles" / "early.md"
    article.parent.mkdir(parents=True)
    article.write_text("---\ntitle: Early\ndate: 2010-12-01\n---\n\nSee 09PARIS2.\n")
    warning = "content/articles/early.md"

    def warned(report) -> bool:
        return any(p.path == warning and p.severity == "warning" for p in report.problems)

    assert warned(build(site, full=True))
    assert warned(build(site))  # nothing changed
    edit = next((site / "content").rglob("09ROME3.txt"))
    edit.write_bytes(edit.read_bytes().replace(b"Second paragraph.", b"Second paragraph, corrected."))
    report = build(site)  # the quick path: one cable's text
    assert report.quick
    assert warned(report)
    (next((site / "content").rglob("09ROME5.txt"))).unlink()
    report = build(site)  # the quick path: a cable gone
    assert report.quick
    assert warned(report)
    monkeypatch.setattr("sitegen.builder.quick.QUICK_FILES", 0)
    edit.write_bytes(edit.read_bytes().replace(b"corrected", b"corrected again"))
    report = build(site)  # the general path
    assert not report.quick
    assert warned(report)
    monkeypatch.undo()
    article.write_text("---\ntitle: Early\ndate: 2010-12-01\n---\n\nSee 09ROME1.\n")
    assert not warned(build(site))
    assert not warned(build(site))


def test_a_release_of_a_fuller_person_spelling_and_a_posts_second_spelling_equals_a_full_build(site, monkeypatch):
    """Issue 30: the general path's reach finds every page a person's label or a cite's chosen
    spelling shows on, when a release brings one into the catalogue and when it goes again."""
    monkeypatch.setattr("sitegen.builder.quick.QUICK_FILES", 0)  # the general path, whatever the change
    person = BODY.replace("TAGS: PREL PGOV IT", "TAGS: OVIP ({}), PREL").replace("REF: 09 ROME 2", "REF: UNESCO 7")
    later = "2011-06-01 00:00"
    records = [
        cable("09ROME20", "2010-12-01 00:00", body=person.format("ROE, RICHARD")),
        cable("09ROME21", "2010-12-01 00:00", created="2009-02-01 00:00", body=person.format("Roe, Richard")),
        cable("09ROME22", later, body=person.format("ROE, RICHARD M.")),
        cable("09UNESCOPARIS7", later, origin="Mission UNESCO"),
    ]
    write_site(site, records)
    build(site)
    page = next((site / "output" / "cable").rglob("09ROME20.html")).read_text()
    assert "ROE, RICHARD M." not in page
    assert "09UNESCOPARIS7" not in page
    released = build(site, as_of="2011-07-01 00:00")  # both released
    assert released.incremental
    assert not released.quick
    page = next((site / "output" / "cable").rglob("09ROME21.html")).read_text()
    assert "ROE, RICHARD M." in page
    assert "09UNESCOPARIS7.html" in page
    assert_equals_full_build(site, "2011-07-01 00:00")
    withdrawn = build(site)  # and back under embargo
    assert withdrawn.incremental
    assert not withdrawn.quick
    assert not any(b"RICHARD M." in data or b"09UNESCOPARIS7" in data for data in tree(site / "output").values())
    assert_equals_full_build(site)
