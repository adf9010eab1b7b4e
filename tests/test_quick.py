"""The quick path: a change to a few cables (in place, or moving between listings the site has)
is rebuilt from the stored catalogue, and its output equals a full build's; a file added or
removed, a new listing or more files than it takes go the general path."""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.builder import BuildMemory
from sitegen.cli import main
from sitegen.incremental.manifest import Manifest
from sitegen.model import CableRecord
from sitegen.sources.cablefile import cable_path, format_cable
from tests.sites import AS_OF, BODY, assert_equals_full_build, build, cable, tree, write_site

ORIGINS = ["Embassy Rome", "Embassy Paris", "Embassy Athens"]
TAGS = ["PREL", "PGOV", "ECON", "PHUM", "MARR"]


def record_for(number: int, rng: random.Random, known: list[str]) -> CableRecord:
    """Cables spread over three origins, five tags, two months and two release days, citing
    earlier ones: small listings of several pages each (page_size is 4). The first five are released."""
    tags = " ".join(rng.sample(TAGS, rng.randint(1, 3)))
    return replace(
        cable(f"09ROME{number}", rng.choice(["2010-11-28 00:00", "2010-12-05 00:00", None]) if number > 5 else AS_OF),
        created=f"2009-0{rng.randint(1, 2)}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:00",
        origin=rng.choice(ORIGINS),
        references="|".join(rng.sample(known, min(len(known), rng.randint(0, 2)))),
        body=BODY.replace("TAGS: PREL PGOV IT", f"TAGS: {tags}").replace("A TEST CABLE", f"CABLE NUMBER {number}"),
    )


def quick_site(root: Path) -> Path:
    """Forty cables (record_for), a page citing one, listings of four cables a page."""
    rng = random.Random(11)
    records: list[CableRecord] = []
    for number in range(1, 41):
        records.append(record_for(number, rng, [r.reference_id for r in records]))
    root = write_site(root, records, pages={"about.md": "---\ntitle: About\n---\n\nSee 09ROME3.\n"})
    (root / "sitegen.toml").write_text('title = "Test"\npage_size = 4\nfeed_size = 5\nlatest_release_size = 6\n')
    return root


@pytest.fixture
def site(tmp_path) -> Path:
    return quick_site(tmp_path / "site")


def cable_file(site: Path, reference_id: str) -> Path:
    return next((site / "content" / "cables").rglob(f"{reference_id}.txt"))


def edit(site: Path, reference_id: str, old: bytes, new: bytes) -> None:
    path = cable_file(site, reference_id)
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def test_a_new_subject_takes_the_quick_path_and_reaches_every_page_that_shows_it(site):
    build(site)
    cited = "09ROME3"  # released, and cited by later cables: their pages show its subject
    assert any(b"09ROME3" in p.read_bytes() for p in (site / "content" / "cables").rglob("*.txt") if p.stem != cited)
    edit(site, cited, b"SUBJECT: CABLE NUMBER 3", b"SUBJECT: A CORRECTED <SUBJECT> & MORE")
    report = build(site)
    assert report.quick
    assert 0 < report.rendered < 30
    pages = [p for p in (site / "output").rglob("*.html") if "A CORRECTED &lt;SUBJECT&gt; &amp; MORE" in p.read_text()]
    assert len(pages) > 3  # its page, listings, citing cables
    assert_equals_full_build(site)


def test_a_site_folder_named_with_uri_characters_takes_the_quick_path(tmp_path, site):
    """The stored catalogue is opened by a URI: `#` or `?` in a folder name must stay part of the path."""
    odd = tmp_path / "cables #2 ?draft" / "site"
    shutil.copytree(site, odd)
    build(odd)
    edit(odd, "09ROME3", b"SUBJECT: CABLE NUMBER 3", b"SUBJECT: CORRECTED")
    assert build(odd).quick
    page = next((odd / "output" / "cable").rglob("09ROME3.html"))
    assert "CORRECTED" in page.read_text()


def test_the_summary_line_says_which_path_a_build_took(site):
    def summary() -> str:
        arguments = ["build", "--site", str(site), "--as-of", AS_OF, "--jobs", "1", "--no-search"]
        return CliRunner().invoke(main, arguments, catch_exceptions=False).output.splitlines()[-1]

    assert summary().startswith("full build: ")
    edit(site, "09ROME3", b"SUBJECT: CABLE NUMBER 3", b"SUBJECT: CORRECTED")
    assert summary().startswith("incremental build (quick: no cable moved): ")
    edit(site, "09ROME3", b"TAGS: ", b"TAGS: ZZNEW ")
    assert summary().startswith("incremental build (quick: 1 cable moved in the listings): ")
    edit(site, "09ROME3", b"TAGS: ZZNEW ", b"TAGS: PREL_ PREL ")  # a slug another tag has: numbered
    assert summary().startswith("incremental build (quick: 1 cable moved in the listings): ")
    config = site / "sitegen.toml"
    config.write_text(config.read_text().replace("feed_size = 5", "feed_size = 6"))  # every feed: the general path
    assert summary().startswith("incremental build: ")


def test_a_corrected_paragraph_changes_its_page_alone(site):
    build(site)
    released = next(
        p.stem for p in sorted((site / "content" / "cables").rglob("*.txt")) if b"Released: 2010" in p.read_bytes()
    )
    edit(site, released, b"Second paragraph.", b"Second paragraph, corrected.")
    report = build(site)
    # The pages listing it are keyed by its file's digest, so rendered again, and left as they were.
    assert report.quick
    assert report.sources_read == 1
    assert report.files == 2
    assert_equals_full_build(site)


def test_a_cable_under_embargo_edited_changes_no_page(site):
    build(site)
    before = tree(site / "output")
    withheld = next(
        p.stem for p in sorted((site / "content" / "cables").rglob("*.txt")) if b"Released:" not in p.read_bytes()
    )
    edit(site, withheld, b"SUBJECT: CABLE", b"SUBJECT: SECRET CABLE")
    report = build(site)
    assert report.quick
    assert report.rendered == 0
    assert tree(site / "output") == before
    assert_equals_full_build(site)


def set_field(site: Path, reference_id: str, name: str, value: str | None) -> None:
    """Give a cable file's field `name` a new value (None: remove the field)."""
    path = cable_file(site, reference_id)
    lines = path.read_bytes().split(b"\n")
    head = lines[: lines.index(b"")]
    kept = [line for line in head if not line.startswith(name.encode() + b": ")]
    if value is not None:
        kept.insert(1, f"{name}: {value}".encode())
    path.write_bytes(b"\n".join(kept + lines[len(head) :]))


def field(site: Path, reference_id: str, name: str) -> str | None:
    for line in cable_file(site, reference_id).read_text().splitlines():
        if line.startswith(f"{name}: "):
            return line.split(": ", 1)[1]
        if not line:
            return None
    return None


@pytest.mark.parametrize(
    "name, value",
    [
        ("Created", "2008-07-04 12:00"),  # another month: a month no listing had yet
        ("Created", "2009-02-27 23:00"),  # another place in the same months' listings
        ("Origin", "other origin"),  # from one origin's listings to another's
        ("Classification", "UNCLASSIFIED"),
        ("Released", None),  # withheld again: gone from every listing, page and feed
    ],
    ids=["created-new-month", "created", "origin", "classification", "withheld"],
)
def test_a_cable_that_moves_between_existing_listings_takes_the_quick_path(site, name, value):
    build(site)
    if name == "Origin":  # another origin the site already has
        value = next(origin for origin in ORIGINS if origin != field(site, "09ROME5", "Origin"))
    if name == "Classification":  # a level another cable already has
        set_field(site, "09ROME4", "Classification", "UNCLASSIFIED")
        build(site)
    set_field(site, "09ROME5", name, value)
    report = build(site)
    assert report.quick
    assert report.moved == 1
    assert_equals_full_build(site)


def test_a_release_takes_the_quick_path_and_equals_a_full_build(site):
    build(site)
    waiting = [f"09ROME{n}" for n in range(6, 41) if field(site, f"09ROME{n}", "Released") is None]
    assert len(waiting) >= 4
    for reference_id in waiting:
        set_field(site, reference_id, "Released", "2010-12-20 00:00")
    report = build(site)
    assert report.quick
    assert report.moved == len(waiting)
    assert report.released == 40
    assert (site / "output" / "release" / "2010-12-20" / "index.html").is_file()
    assert_equals_full_build(site)
    full = build(site, output=site.parent / "fresh", full=True)
    assert report.pages == full.pages
    assert report.cables == full.cables
    for reference_id in waiting[:2]:  # and back under embargo: the day's pages go with them
        set_field(site, reference_id, "Released", None)
    report = build(site)
    assert report.quick
    assert report.moved == 2
    assert_equals_full_build(site)


@pytest.mark.parametrize(
    "name, value",
    [("Origin", "Embassy Nowhere"), ("Classification", "TOP SECRET"), ("TAGS", "KDEM")],
    ids=["new-origin", "new-classification", "new-tag"],
)
def test_a_cable_opening_a_new_listing_takes_the_quick_path_and_it_leaves_with_the_cable(site, name, value):
    build(site)
    if name == "TAGS":
        edit(site, "09ROME5", b"TAGS: ", f"TAGS: {value} ".encode())
    else:
        set_field(site, "09ROME5", name, value)
    report = build(site)
    assert report.quick
    assert report.moved == 1
    assert_equals_full_build(site)
    set_field(site, "09ROME5", "Released", None)  # its only cable withheld: the listing goes
    report = build(site)
    assert report.quick
    assert report.moved == 1
    assert_equals_full_build(site)


def test_a_listing_whose_slug_clashes_is_numbered_by_the_quick_path_as_a_full_build_numbers_it(site):
    """Slugs are given in name order, a clash numbered: `PREL_` is `prel-2` beside `PREL`, and
    `PREL/` (between them) takes `prel-2` and moves `PREL_` to `prel-3`, until it goes again."""
    build(site)
    tag = site / "output" / "tag"
    edit(site, "09ROME5", b"TAGS: ", b"TAGS: PREL_ PREL ")
    report = build(site)
    assert report.quick
    assert report.moved == 1
    assert_equals_full_build(site)
    assert (tag / "prel-2" / "index.html").is_file()
    edit(site, "09ROME4", b"TAGS: ", b"TAGS: PREL/ PREL ")  # moves PREL_'s slug: all its pages move
    report = build(site)
    assert report.quick
    assert_equals_full_build(site)
    assert "PREL_" in (tag / "prel-3" / "index.html").read_text()
    assert (site / "output" / "feed" / "tag" / "prel-3.rss").is_file()
    set_field(site, "09ROME4", "Released", None)  # PREL/ goes: PREL_ is prel-2 again
    report = build(site)
    assert report.quick
    assert_equals_full_build(site)
    assert not (tag / "prel-3").exists()
    assert not (site / "output" / "feed" / "tag" / "prel-3.rss").exists()
    set_field(site, "09ROME5", "Released", None)
    report = build(site)
    assert report.quick
    assert_equals_full_build(site)
    assert not (tag / "prel-2").exists()


def test_more_changed_files_than_the_quick_path_takes_go_the_general_way(site, monkeypatch):
    monkeypatch.setattr("sitegen.builder.quick.QUICK_FILES", 2)
    build(site)
    for number in (3, 4):
        edit(site, f"09ROME{number}", b"SUBJECT: CABLE NUMBER", b"SUBJECT: CORRECTED CABLE NUMBER")
    assert build(site).quick  # two: within the bound
    for number in (3, 4, 5):
        edit(site, f"09ROME{number}", b"SUBJECT: ", b"SUBJECT: AGAIN ")
    report = build(site)
    assert report.incremental
    assert not report.quick
    assert report.sources_read == 3
    assert_equals_full_build(site)


def test_added_and_removed_files_take_the_quick_path_and_equal_a_full_build(site):
    build(site)
    counted = build(site).cables
    for reference_id in ("09ROME7", "09ROME2"):  # one waiting or not, one released
        cable_file(site, reference_id).unlink()
    report = build(site)
    assert report.quick
    assert report.cables == counted - 2
    assert not list((site / "output").rglob("09ROME2.*"))
    assert_equals_full_build(site)
    rng = random.Random(2)
    for number, released in ((41, "2010-12-05 00:00"), (42, None), (43, "2010-12-20 00:00")):
        added = replace(record_for(number, rng, ["09ROME3", "09ROME4"]), released=released)
        cable_path(site / "content", added).parent.mkdir(parents=True, exist_ok=True)
        cable_path(site / "content", added).write_bytes(format_cable(added))
    report = build(site)
    assert report.quick
    assert report.moved == 2
    assert report.cables == counted + 1
    assert_equals_full_build(site)
    # 09ROME7's ID comes back in another folder, and a file comes with an ID another holds.
    back = replace(record_for(7, rng, []), created="2008-05-05 05:00", released="2010-12-05 00:00")
    cable_path(site / "content", back).parent.mkdir(parents=True, exist_ok=True)
    cable_path(site / "content", back).write_bytes(format_cable(back))
    assert build(site).quick
    assert_equals_full_build(site)


def test_a_cable_cited_but_not_released_deleted_or_added_changes_the_pages_citing_it(site):
    """A released cable's page leaves out the IDs of cables under embargo (DESIGN.md) and shows
    those no file holds as written: deleting or adding the file of one it cites changes it."""
    build(site)
    waiting = next(f"09ROME{n}" for n in range(6, 41) if field(site, f"09ROME{n}", "Released") is None)
    set_field(site, "09ROME3", "References", waiting)
    build(site)
    page = site / "output" / "cable" / field(site, "09ROME3", "Created")[:7].replace("-", "/") / "09ROME3.json"
    assert waiting not in page.read_text()
    held = cable_file(site, waiting).read_bytes()
    cable_file(site, waiting).unlink()
    assert build(site).quick
    assert waiting in page.read_text()
    assert_equals_full_build(site)
    cable_file_path = site / "content" / "cables" / "2009" / "03" / f"{waiting}.txt"
    cable_file_path.parent.mkdir(parents=True, exist_ok=True)
    cable_file_path.write_bytes(held)
    assert build(site).quick
    assert waiting not in page.read_text()
    assert_equals_full_build(site)


def test_a_file_holding_an_id_another_holds_or_broken_takes_the_general_path(site):
    build(site)
    twin = replace(record_for(3, random.Random(1), []), created="2008-01-01 00:00", released=AS_OF)
    cable_path(site / "content", twin).parent.mkdir(parents=True, exist_ok=True)
    cable_path(site / "content", twin).write_bytes(format_cable(twin))
    report = build(site, clean=False)
    assert not report.quick
    assert any("09ROME3 is also in" in problem.message for problem in report.problems)
    cable_path(site / "content", twin).unlink()
    build(site)
    edit(site, "09ROME8", b"Reference-ID: 09ROME8", b"Reference-ID: 09ROME88")
    report = build(site, clean=False)
    assert not report.quick
    assert report.errors
    assert_equals_full_build(site)


def _clashing_tag(data, step, rng):
    """A new listing whose slug another has: numbered."""
    tag = rng.choice(TAGS)
    return data.replace(b"TAGS: ", f"TAGS: {tag}{rng.choice('_/')} {tag} ".encode(), 1)


def _released(data, step, rng):
    """Released later, or released at all."""
    data = data.replace(b"Released: 2010-11-28", b"Released: 2010-12-05", 1)
    if b"Released: " not in data:
        data = data.replace(b"\n", b"\nReleased: 2010-12-12 00:00\n", 1)
    return data


# The random story's actions on a cable file: its bytes, edited (the step's number and the
# story's random draws at hand). "feed size" edits the config, "add" adds a file: see the story.
CABLE_EDITS = {
    "subject": lambda data, step, rng: data.replace(b"SUBJECT: ", f"SUBJECT: STEP {step} ".encode(), 1),
    "paragraph": lambda data, step, rng: data.replace(
        b"First paragraph.", f"First paragraph, step {step}.".encode(), 1
    ),
    "tags": lambda data, step, rng: data.replace(b"TAGS: ", f"TAGS: {rng.choice(TAGS)} ".encode(), 1),
    # a listing no cable was in
    "new tag": lambda data, step, rng: data.replace(b"TAGS: ", f"TAGS: NEW{step} ".encode(), 1),
    "clashing tag": _clashing_tag,
    "feed size": lambda data, step, rng: data,
    "release": _released,
    "withhold": lambda data, step, rng: b"\n".join(
        line for line in data.split(b"\n") if not line.startswith(b"Released: ")
    ),
    "created": lambda data, step, rng: data.replace(b"Created: 2009-0", b"Created: 2008-1", 1),
    "touch": lambda data, step, rng: data,
}


def _random_change(site, step, rng):
    """One step of the random story: a cable file edited, the feed size changed (the config
    every feed reads: the general path), or a new file added (every other time, a file gone too)."""
    path = rng.choice(sorted((site / "content" / "cables").rglob("*.txt")))
    data = path.read_bytes()
    action = rng.choice([*CABLE_EDITS, "add"])
    if action == "add":
        added = replace(record_for(100 + step, rng, ["09ROME3"]), released=rng.choice([None, "2010-12-05 00:00"]))
        cable_path(site / "content", added).write_bytes(format_cable(added))
        if step % 2:
            path.unlink()
        return
    data = CABLE_EDITS[action](data, step, rng)
    if action == "feed size":
        config = site / "sitegen.toml"
        config.write_text(re.sub(r"feed_size = \d+", f"feed_size = {step % 3 + 4}", config.read_text()))
    path.write_bytes(data)


@pytest.mark.parametrize("remembering", [False, True], ids=["from-manifest", "from-memory"])
def test_quick_and_general_builds_in_turn_keep_the_stored_catalogue_true(site, remembering):
    """After each random edit, whichever path took it, every key and byte equals a full build's."""
    memory = BuildMemory() if remembering else None
    rng = random.Random(5)
    build(site, memory=memory)
    quick = moved = 0
    for step in range(24):
        _random_change(site, step, rng)
        report = build(site, memory=memory)
        quick += report.quick
        moved += bool(report.moved)
        if memory is not None:
            manifest = Manifest.for_site(site, site / "output")
            assert memory.sources == manifest.sources(), f"step {step}"
            assert memory.pages == manifest.page_keys(), f"step {step}"
            manifest.close()
        assert_equals_full_build(site)
    assert 0 < moved < quick < 24


def test_turning_search_on_is_not_taken_for_a_quick_change(site):
    build(site)
    edit(site, "09ROME9", b"SUBJECT: ", b"SUBJECT: AGAIN ")
    report = build(site, search=True)
    assert not report.quick


def test_real_cables_edited_in_place_rebuild_as_a_full_build_would(tmp_path, corpus_records):
    """Subjects and paragraphs of the real dump's cables changed in place: the quick path
    against real shapes (odd origins, person tags, REF lines naming corpus cables)."""
    records = [
        replace(record, released=("2010-11-28 00:00", "2010-12-05 00:00", None)[number % 3])
        for number, record in enumerate(corpus_records)
    ]
    site = write_site(tmp_path / "site", records)
    build(site)
    rng = random.Random(3)
    for record in rng.sample(records, 6):
        path = cable_path(site / "content", record)
        text = record.body.replace("SUBJECT:", "SUBJECT: CORRECTED", 1).replace("1. ", "1. (Corrected) ", 1)
        path.write_bytes(format_cable(replace(record, body=text)))
        report = build(site)
        assert report.quick, record.reference_id
    assert_equals_full_build(site)


def test_quick_pages_rendered_by_forked_workers_read_the_stored_catalogue_safely(site, monkeypatch):
    """More pages than one batch go to a forked pool: each worker opens its own connection to
    the manifest rather than sharing its parent's."""
    monkeypatch.setattr("sitegen.builder.publish.RENDER_BATCH", 2)
    build(site)
    edit(site, "09ROME3", b"SUBJECT: ", b"SUBJECT: FORKED ")
    report = build(site, jobs=2)
    assert report.quick
    assert report.errors == []
    assert report.rendered > 4
    assert_equals_full_build(site)


def add_cable(site: Path, record: CableRecord) -> None:
    path = cable_path(site / "content", record)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(format_cable(record))


def twin(site: Path, reference_id: str) -> str:
    return next((site / "output" / "cable").rglob(f"{reference_id}.json")).read_text()


PATHS = ["quick", "general", "general-then-quick"]


def take_path(path: str, monkeypatch) -> None:
    """`general`: no change takes the quick path, so the general path's reach is what is tested;
    `general-then-quick`: the first change only, so the quick path then reads the rows the
    general path stored."""
    if path.startswith("general"):
        monkeypatch.setattr("sitegen.builder.quick.QUICK_FILES", 0)


def assert_path(report, path: str, monkeypatch) -> str:
    """Check the path a build took; returns the path the next build is to take."""
    assert report.incremental
    assert report.quick == (path == "quick")
    if path == "general-then-quick":
        monkeypatch.undo()
        return "quick"
    return path


def person_cable(number: int, spelling: str, released: str | None, month: int) -> CableRecord:
    return replace(
        cable(f"09ROME{number}", released, created=f"2009-0{month}-1{number % 10} 10:00"),
        body=BODY.replace("TAGS: PREL PGOV IT", f"TAGS: OVIP ({spelling}), PREL"),
    )


@pytest.mark.parametrize("path", PATHS)
def test_a_release_bringing_a_persons_fuller_spelling_relabels_every_page_of_the_person(site, path, monkeypatch):
    """Issue 30, form 16: one tag and slug per person, labelled with the fullest spelling a
    released cable writes; it comes with the cable writing it and goes with it."""
    for number in range(50, 56):  # six cables over two months: the tag has month pages (page_size 4)
        add_cable(site, person_cable(number, "DOE, JANE", AS_OF, 1 + number % 2))
    add_cable(site, person_cable(56, "DOE, JANE Q.", None, 2))
    build(site)
    take_path(path, monkeypatch)
    overview = site / "output" / "tag" / "doe-jane" / "index.html"
    assert "Cables tagged DOE, JANE<" in overview.read_text()
    set_field(site, "09ROME56", "Released", "2010-12-20 00:00")
    report = build(site)
    path = assert_path(report, path, monkeypatch)
    assert "Cables tagged DOE, JANE Q.<" in overview.read_text()
    assert "DOE, JANE Q." in (site / "output" / "tag" / "doe-jane" / "2009-01.html").read_text()
    assert "DOE, JANE Q." in next((site / "output" / "cable").rglob("09ROME50.html")).read_text()
    assert_equals_full_build(site)
    set_field(site, "09ROME56", "Released", None)  # withheld again: its spelling leaves every page
    report = build(site)
    path = assert_path(report, path, monkeypatch)
    assert not any(b"JANE Q." in data for data in tree(site / "output").values())
    assert_equals_full_build(site)


@pytest.mark.parametrize("path", PATHS)
def test_a_release_bringing_a_posts_second_spelling_moves_the_cites_to_it(site, path, monkeypatch):
    """Issue 30, form 4: `UNESCO 7` may be 09UNESCOPARISFR7 (the parser's choice) or
    09UNESCOPARIS7; it links, and is a backlink of, the one released (the parser's if both are)."""
    citing = replace(
        cable("09ROME60", AS_OF, created="2009-02-11 10:00"),
        body=BODY.replace("REF: 09 ROME 2", "REF: A. UNESCO 7 B. TAIPEI 12"),
    )
    add_cable(site, citing)
    add_cable(site, cable("09UNESCOPARIS7", None, created="2009-01-05 10:00"))
    add_cable(site, cable("09AITTAIPEI12", AS_OF, created="2009-01-06 10:00"))  # the other spelling, released
    build(site)
    take_path(path, monkeypatch)
    assert '"09UNESCOPARISFR7","09AITTAIPEI12"' in twin(site, "09ROME60")
    assert "09ROME60" in next((site / "output" / "cable").rglob("09AITTAIPEI12.html")).read_text()
    set_field(site, "09UNESCOPARIS7", "Released", "2010-12-20 00:00")
    report = build(site)
    path = assert_path(report, path, monkeypatch)
    assert '"09UNESCOPARIS7","09AITTAIPEI12"' in twin(site, "09ROME60")
    assert "09ROME60" in next((site / "output" / "cable").rglob("09UNESCOPARIS7.html")).read_text()
    assert_equals_full_build(site)
    add_cable(site, cable("09UNESCOPARISFR7", "2010-12-20 00:00", created="2009-01-07 10:00"))  # both: the parser's
    path = assert_path(build(site), path, monkeypatch)
    assert '"09UNESCOPARISFR7","09AITTAIPEI12"' in twin(site, "09ROME60")
    assert_equals_full_build(site)
    for reference_id in ("09UNESCOPARISFR7", "09UNESCOPARIS7"):  # both withdrawn, one after the other
        set_field(site, reference_id, "Released", None)
        path = assert_path(build(site), path, monkeypatch)
        assert_equals_full_build(site)
    assert not any(b"09UNESCOPARIS7" in data for data in tree(site / "output").values())


def tag_page(site: Path, slug: str) -> Path:
    return site / "output" / "tag" / slug / "index.html"


@pytest.mark.parametrize("path", ["quick", "general"])
def test_a_release_bringing_a_phrase_cuts_again_the_runs_split_into_its_words(site, path, monkeypatch):
    """Issue 30, form 16: a run of TAGS words too long for one phrase keeps whole a phrase a
    released cable writes. A release bringing the phrase changes the tags of a cable whose file
    did not change: the quick path cannot tell which, so the general path builds it."""
    writer = BODY.replace("TAGS: PREL PGOV IT", "TAGS: PREL, ITALIAN POLITICS, IT")
    split = BODY.replace("TAGS: PREL PGOV IT", "TAGS: PREL PGOV IT ITALIAN POLITICS IRAQI FREEDOM NATIONAL VOTE")
    add_cable(site, cable("09ROME60", None, body=writer))
    add_cable(site, cable("09ROME61", AS_OF, created="2009-02-03 10:00", body=split))
    build(site)
    take_path(path, monkeypatch)
    assert "09ROME61" in tag_page(site, "italian").read_text()
    assert not tag_page(site, "italian-politics").exists()
    set_field(site, "09ROME60", "Released", "2010-12-20 00:00")
    report = build(site)
    assert report.incremental
    assert not report.quick
    assert "09ROME61" in tag_page(site, "italian-politics").read_text()
    assert '"ITALIAN POLITICS","IRAQI"' in twin(site, "09ROME61")
    assert not tag_page(site, "italian").exists()
    assert tag_page(site, "iraqi").exists()
    assert_equals_full_build(site)
    edit(site, "09ROME61", b"SUBJECT: A TEST", b"SUBJECT: AN EDITED TEST")  # its tags as the catalogue cut them
    assert build(site).incremental
    assert "AN EDITED TEST" in tag_page(site, "italian-politics").read_text()
    assert_equals_full_build(site)
    edit(site, "09ROME3", b"SUBJECT: ", b"SUBJECT: EDITED ")  # no phrase, no run: the quick path
    assert build(site).quick == (path == "quick")
    assert_equals_full_build(site)
    set_field(site, "09ROME60", "Released", None)  # withheld again: its phrase goes, the run is words
    report = build(site)
    assert report.incremental
    assert not report.quick
    assert "09ROME61" in tag_page(site, "italian").read_text()
    assert not tag_page(site, "italian-politics").exists()
    assert '"ITALIAN","POLITICS"' in twin(site, "09ROME61")  # its tags; its TAGS line shows as written
    assert_equals_full_build(site)
