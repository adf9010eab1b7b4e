"""The search index: words, segments, what a build writes and rewrites, the embargo, and check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.check import check_output
from sitegen.search.index import BASE, MAX_DELTAS, plan_segments
from sitegen.search.reader import IndexReader
from sitegen.search.segment import Member, body_excerpt
from sitegen.search.words import Stemmer, fold, folded_id, split_words
from tests.sites import BODY, PUBLISHED_CONFIG, build, cable, problems, tree, write_site

AS_OF = "2011-06-01 00:00"


# -- words ----------------------------------------------------------------------------------


def test_words_are_folded_to_lower_case_without_accents():
    assert fold("Ré SUMÉ Ñandú") == "re sume nandu"
    assert split_words("The PRIME-minister's Café, 1.(C)") == ["the", "prime", "minister", "s", "cafe", "1", "c"]


def test_an_id_is_one_word_and_a_word_with_a_digit_is_its_own_stem():
    assert folded_id("09ROME42") == "09rome42"
    stemmer = Stemmer()
    assert stemmer.stem("embassies") == stemmer.stem("embassy")
    assert stemmer.stem("09rome42") == "09rome42"


def test_the_excerpt_starts_at_the_first_numbered_paragraph_not_the_preamble():
    assert body_excerpt(BODY).startswith("1. (C) Summary: First paragraph.")
    assert "TAGS" not in body_excerpt(BODY)
    assert "C O N F I D" not in body_excerpt(BODY)
    assert body_excerpt("SUBJECT: X\n\nplain text\nhere") == "plain text here"


# -- segments --------------------------------------------------------------------------------


def members(days: dict[str, int]) -> list[Member]:
    return [
        Member(f"09X{day.replace('-', '')}N{n}", f"2009-01-{1 + n % 28:02d} 00:00", day, "d")
        for day, count in days.items()
        for n in range(count)
    ]


def test_the_first_release_is_the_base_and_small_releases_after_it_are_their_own_segments():
    segments = plan_segments(members({"2010-11-28": 100, "2010-12-05": 10, "2011-01-10": 5}))
    assert [(s.name, s.first, len(s.members)) for s in segments] == [
        (BASE, 0, 100),
        ("r2010-12-05", 100, 10),
        ("r2011-01-10", 110, 5),
    ]
    # Each segment numbers its cables in created order.
    for segment in segments:
        assert list(segment.members) == sorted(segment.members, key=lambda m: (m.created, m.reference_id))


def test_a_new_release_leaves_every_segment_before_it_as_it_was():
    days = {"2010-11-28": 100, "2010-12-05": 10}
    before = plan_segments(members(days))
    after = plan_segments(members({**days, "2011-01-10": 5}))
    assert after[: len(before)] == before


def test_the_base_absorbs_the_releases_after_it_once_they_grow_past_their_share_or_number():
    big = plan_segments(members({"2010-11-28": 100, "2010-12-05": 20, "2011-01-10": 10}))
    assert [s.name for s in big] == [BASE]  # 30 > 25% of 100
    many = plan_segments(members({"2010-11-28": 1000, **{f"2011-01-{d:02d}": 1 for d in range(1, MAX_DELTAS + 2)}}))
    assert [s.name for s in many] == [BASE]


def test_no_released_cable_is_no_segment():
    assert plan_segments([]) == []


# -- what a build writes ---------------------------------------------------------------------

PLANTED = "zanzibarquux"  # a word only withheld cables hold
UNCITING = BODY.replace("REF: 09 ROME 2\n\n", "")


def uncited(reference_id: str, released: str | None, origin: str = "Embassy Rome", **changes):
    return cable(reference_id, released, origin=origin, **{"body": UNCITING, **changes})


@pytest.fixture
def site(tmp_path) -> Path:
    cables = [uncited(f"09ROME{n}", "2010-11-28 00:00", created=f"2009-01-{n:02d} 10:00") for n in range(1, 9)]
    cables += [uncited("09ROME20", "2010-11-28 00:00")]
    cables += [
        uncited(
            "09PARIS1",
            "2010-12-05 00:00",
            "Embassy Paris",
            body=UNCITING.replace("First paragraph.", "Fishing quotas and the prime minister's café."),
        )
    ]
    cables += [
        uncited(
            "09MADRID2",
            None,
            "Embassy Madrid",
            body=UNCITING.replace("First paragraph.", f"The {PLANTED} affair."),
            classification=f"SECRET {PLANTED.upper()}",
        )
    ]
    cables += [uncited("09MADRID3", "2011-09-01 00:00", "Embassy Madrid", body=UNCITING.replace("Second", PLANTED))]
    root = write_site(tmp_path / "site", cables)
    (root / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    return root


# These sites are built as a publisher would: two jobs, the search index written.
INDEXED = {"jobs": 2, "search": True}


def index_tree(output: Path) -> dict[str, bytes]:
    return tree(output / "search")


def release(site: Path, reference_id: str, moment: str) -> None:
    for path in (site / "content" / "cables").rglob(f"{reference_id}.txt"):
        text = path.read_text()
        if "Released:" in text:
            lines = [f"Released: {moment}" if line.startswith("Released:") else line for line in text.split("\n")]
            path.write_text("\n".join(lines))
        else:
            path.write_text(
                text.replace(f"Reference-ID: {reference_id}\n", f"Reference-ID: {reference_id}\nReleased: {moment}\n")
            )


def test_the_index_holds_every_released_cable_once_in_created_order(site):
    build(site, AS_OF, **INDEXED)
    reader = IndexReader(site / "output")
    cables = list(reader.cables())
    ids = [row[0] for _, row in cables]
    assert sorted(ids) == sorted([f"09ROME{n}" for n in range(1, 9)] + ["09ROME20", "09PARIS1"])
    assert [doc for doc, _ in cables] == list(range(len(cables)))
    base = [row for _, row in cables[:9]]
    assert [row[4] for row in base] == sorted(row[4] for row in base)
    assert [s.name for s in reader.segments] == [BASE, "r2010-12-05"]


def test_search_is_on_by_default_and_check_finds_the_index_agrees_with_the_pages(site):
    build(site, AS_OF, **INDEXED)
    assert (site / "output" / "search.html").exists()
    assert (site / "output" / "search" / "meta.js").exists()
    report = check_output(site / "output", frozenset({"09MADRID2", "09MADRID3"}))
    assert report.defects == {}
    assert report.figures["search index cables"] == 10


def test_words_planted_only_in_withheld_cables_are_in_no_index_file(site):
    build(site, AS_OF, **INDEXED)
    for path, data in index_tree(site / "output").items():
        assert PLANTED.encode() not in data.lower(), path
        assert b"madrid" not in data.lower(), path
    assert PLANTED not in IndexReader(site / "output").words()


def test_a_released_cable_is_found_by_its_words_its_id_and_its_stems(site):
    build(site, AS_OF, **INDEXED)
    reader = IndexReader(site / "output")
    ids = {doc: row[0] for doc, row in reader.cables()}
    assert [ids[doc] for doc in reader.search("cafe")] == ["09PARIS1"]
    assert [ids[doc] for doc in reader.search("Café")] == ["09PARIS1"]
    assert [ids[doc] for doc in reader.search("09rome20")] == ["09ROME20"]
    assert ids[reader.search("quota")[0]] in {"09ROME20", "09PARIS1"}


def test_a_word_in_the_subject_outranks_the_same_word_in_the_body(site):
    path = next((site / "content" / "cables").rglob("09ROME20.txt"))
    path.write_text(path.read_text().replace("SUBJECT: A TEST CABLE", "SUBJECT: FISHING QUOTAS"))
    build(site, AS_OF, **INDEXED)
    reader = IndexReader(site / "output")
    ids = {doc: row[0] for doc, row in reader.cables()}
    assert [ids[doc] for doc in reader.search("fishing quotas")] == ["09ROME20", "09PARIS1"]


def test_a_release_writes_one_new_segment_and_a_quick_build_equals_a_full_one(site):
    build(site, AS_OF, **INDEXED)
    before = index_tree(site / "output")
    release(site, "09MADRID3", "2011-05-01 00:00")
    report = build(site, AS_OF, **INDEXED)
    assert report.quick
    assert report.search_rewritten == 1
    assert report.search_segments == 3
    after = index_tree(site / "output")
    changed = {path for path in after if before.get(path) != after[path]}
    assert all(path.startswith("r2011-05-01/") or path == "meta.js" for path in changed), changed
    assert {path for path in before if path not in after} == set()
    assert PLANTED in IndexReader(site / "output").words()
    build(site, AS_OF, site / "fresh", full=True, **INDEXED)
    assert index_tree(site / "fresh") == after


def test_the_index_is_the_same_bytes_whatever_jobs(site):
    build(site, AS_OF, site / "one", search=True)
    build(site, AS_OF, site / "two", **INDEXED)
    assert index_tree(site / "one") == index_tree(site / "two")


def test_a_corrected_cable_rewrites_its_segment_alone_and_a_no_op_nothing(site):
    build(site, AS_OF, **INDEXED)
    before = index_tree(site / "output")
    path = next((site / "content" / "cables").rglob("09PARIS1.txt"))
    path.write_text(path.read_text().replace("Second paragraph.", "Second paragraph about walruses."))
    report = build(site, AS_OF, **INDEXED)
    assert report.search_rewritten == 1
    after = index_tree(site / "output")
    assert all(p.startswith("r2010-12-05/") or p == "meta.js" for p in after if before.get(p) != after[p])
    assert "walrus" in IndexReader(site / "output").words()
    build(site, AS_OF, site / "fresh", full=True, **INDEXED)
    assert index_tree(site / "fresh") == after


def test_a_cable_withheld_again_leaves_the_index_with_its_words(site):
    path = next((site / "content" / "cables").rglob("09PARIS1.txt"))
    build(site, AS_OF, **INDEXED)
    assert "cafe" in IndexReader(site / "output").words()
    path.write_text("\n".join(line for line in path.read_text().split("\n") if not line.startswith("Released:")))
    build(site, AS_OF, **INDEXED)
    assert "cafe" not in IndexReader(site / "output").words()
    assert not (site / "output" / "search" / "r2010-12-05").exists()
    build(site, AS_OF, site / "fresh", full=True, **INDEXED)
    assert index_tree(site / "fresh") == index_tree(site / "output")


def test_a_segment_lost_from_the_output_is_written_again(site):
    build(site, AS_OF, **INDEXED)
    before = index_tree(site / "output")
    shutil.rmtree(site / "output" / "search" / "r2010-12-05")
    path = next((site / "content" / "cables").rglob("09ROME1.txt"))
    path.write_text(path.read_text().replace("Second paragraph.", "Second paragraph again."))
    build(site, AS_OF, **INDEXED)
    after = index_tree(site / "output")
    lost = {path: data for path, data in before.items() if path.startswith("r2010-12-05/")}
    assert lost
    assert {path: after.get(path) for path in lost} == lost


def test_search_turned_off_removes_the_index_and_on_again_writes_it(site):
    build(site, AS_OF, **INDEXED)
    build(site, AS_OF, jobs=2)
    assert not (site / "output" / "search").exists()
    assert not (site / "output" / "search.html").exists()
    build(site, AS_OF, **INDEXED)
    assert (site / "output" / "search" / "meta.js").exists()
    assert check_output(site / "output").defects == {}


def test_check_reports_an_index_that_disagrees_with_the_pages(site):
    build(site, AS_OF, **INDEXED)
    output = site / "output"
    page = next(output.glob("cable/2009/01/09ROME1.html"))
    page.unlink()
    page.with_suffix(".json").unlink()
    (output / "search" / "base" / "stray.js").write_text("x")
    defects = check_output(output).defects
    assert defects["search index lists a cable without its page"] == ["09ROME1 -> cable/2009/01/09ROME1.html"]
    assert defects["search index file no segment lists"] == ["search/base/stray.js"]


def test_check_finds_a_withheld_id_among_the_index_words(site):
    build(site, AS_OF, **INDEXED)
    dictionary = site / "output" / "search" / "base" / "w" / "09.js"
    dictionary.write_text(dictionary.read_text().replace('"09rome1"', '"09madrid2"', 1))
    defects = check_output(site / "output", frozenset({"09MADRID2"})).defects
    assert "09MADRID2 in the search index's words" in defects["unreleased cable appears in output"]


def test_a_site_config_with_the_retired_shard_size_still_builds_with_a_warning(site):
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG + "search_shard_cables = 3\n")
    report = build(site, AS_OF, search=True)
    assert [p.severity for p in problems(report)] == ["warning"]
    assert "no longer used" in problems(report)[0].message


def test_a_build_spills_the_index_runs_beside_its_output_and_removes_them(tmp_path, spill_folders):
    from sitegen.layout import SiteLayout

    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2010-12-01 00:00")])
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    seen = spill_folders
    build(site, **INDEXED)
    spill = SiteLayout.of(site).search_runs
    assert spill.parent == SiteLayout.of(site).output.parent
    assert seen
    assert {folder.parent for folder in seen} == {spill}
    assert not spill.exists()


def test_meta_lists_each_segments_dictionary_prefixes_even_of_segments_kept_from_before(site):
    """The page's first round trip is meta.js alone: it names every segment's dictionary files."""
    build(site, AS_OF, **INDEXED)
    release(site, "09MADRID3", "2011-05-01 00:00")
    build(site, AS_OF, **INDEXED)  # the base and r2010-12-05 kept: their prefixes from the record
    output = site / "output" / "search"
    reader = IndexReader(site / "output")
    assert [s.name for s in reader.segments] == [BASE, "r2010-12-05", "r2011-05-01"]
    for segment in reader.meta["segments"]:
        files = sorted(path.stem for path in (output / segment["name"] / "w").glob("*.js"))
        assert segment["prefixes"] == files
    assert not list(output.rglob("prefixes.js"))
