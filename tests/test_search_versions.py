"""The search index across versions: a revised or withdrawn cable masks its older entry from a small segment of its day (issue 34)."""

from __future__ import annotations

import base64
from array import array
from pathlib import Path

from click.testing import CliRunner

from sitegen.check import check_output
from sitegen.cli import main
from sitegen.model import CableRecord
from sitegen.search.index import BASE, plan_segments
from sitegen.search.reader import IndexReader
from sitegen.search.segment import DOCS_BLOCK, Member
from sitegen.sources.cablefile import format_cable, read_cable_file
from sitegen.versions import withdrawal
from tests.sites import build
from tests.test_search import AS_OF, INDEXED, index_tree, site  # noqa: F401 (the site fixture)

WITHHELD = frozenset({"09MADRID2", "09MADRID3"})


def cable_path(root: Path, reference_id: str) -> Path:
    return next((root / "content" / "cables").rglob(f"{reference_id}.txt"))


def plant(root: Path, reference_id: str, old: str, new: str) -> None:
    path = cable_path(root, reference_id)
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


def found(output: Path, text: str) -> list[str]:
    reader = IndexReader(output)
    ids = {doc: row[0] for doc, row in reader.cables()}
    return [ids[doc] for doc in reader.search(text)]


def revise(root: Path, reference_id: str, note: str, day: str = "2011-02-01") -> None:
    """`sitegen revise`, as a publisher records a correction released on `day`."""
    args = ["revise", reference_id, "--note", note, "--released", day, "--site", str(root)]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output


def assert_as_fresh(root: Path, folder: str, tree: dict[str, bytes]) -> None:
    """A full build into `folder` gives the index `tree` (what the incremental build left)."""
    build(root, AS_OF, root / folder, full=True, **INDEXED)
    assert index_tree(root / folder) == tree


def assert_keeps_not_even_its_day(output: Path, ids_before: dict[int, str]) -> None:
    """A hidden entry's line and facets say nothing of it: not its ID, not even its created
    day (an empty line with a day would say a cable of that day was taken down)."""
    reader = IndexReader(output)
    shown = {doc for doc, _ in reader.cables()}
    hidden = set(ids_before) - shown
    assert hidden, "no entry was hidden"
    for segment in reader.segments:
        days = array("H", base64.b64decode(reader.load(f"{segment.name}/f")["day"]))
        for doc in hidden & set(range(segment.first, segment.first + segment.count)):
            block, offset = divmod(doc - segment.first, DOCS_BLOCK)
            assert reader.load(f"{segment.name}/c/{block}")[offset] == [""] * 7
            assert days[doc - segment.first] == 0


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in set(before) | set(after) if before.get(path) != after.get(path)}


def test_a_cable_revised_later_is_held_in_its_first_segment_and_current_in_its_days():
    members = [Member(f"09ROME{n}", f"2009-01-0{n} 00:00", "2010-11-28", "d") for n in range(1, 9)]
    members[2] = members[2]._replace(changed="2011-02-01")
    segments = plan_segments(members)
    assert [(s.name, len(s.members)) for s in segments] == [(BASE, 8), ("r2011-02-01", 1)]
    assert segments[0].held == frozenset({"09ROME3"})
    assert [m.reference_id for m in segments[1].members] == ["09ROME3"]
    assert segments[1].held == frozenset()
    # A withdrawal: held in the base (hidden), in no later segment.
    members[2] = members[2]._replace(withdrawn=True)
    assert [(s.name, len(s.members), s.held) for s in plan_segments(members)] == [(BASE, 8, frozenset({"09ROME3"}))]
    # Once the base is cut after the change, the cable is in it as it is now, or not at all.
    members += [Member(f"09PARIS{n}", "2009-02-01 00:00", "2011-03-01", "d") for n in range(1, 5)]
    assert [(s.name, len(s.members), s.held) for s in plan_segments(members)] == [(BASE, 11, frozenset())]


def test_a_revised_base_cable_is_current_in_a_small_segment_of_its_day_and_hidden_in_the_base(site):  # noqa: F811
    plant(site, "09ROME3", "First paragraph.", "First paragraph on narwhals.")
    build(site, AS_OF, **INDEXED)
    output = site / "output"
    before = index_tree(output)
    revise(site, "09ROME3", "corrected")
    plant(site, "09ROME3", "narwhals", "walruses")
    report = build(site, AS_OF, **INDEXED)
    assert report.search_rewritten == 2  # the base is read again, its older entry hidden
    after = index_tree(output)
    changed = changed_files(before, after)
    assert "r2011-02-01/f.js" in changed
    assert all(p.startswith(("base/", "r2011-02-01/")) or p == "meta.js" for p in changed), changed
    # Of the base's chunks, only those of the older entry's words change.
    assert not any(p.startswith("base/p/") and "paragraph" not in p and "narwhal" not in p for p in changed)
    assert found(output, "narwhal") == []
    assert found(output, "walrus") == ["09ROME3"]
    assert found(output, "09rome3") == ["09ROME3"]
    lines = [row for _, row in IndexReader(output).cables() if row[0] == "09ROME3"]
    assert len(lines) == 1
    assert "walrus" in lines[0][6]
    assert "narwhal" not in lines[0][6]
    assert check_output(output, WITHHELD).defects == {}
    assert_as_fresh(site, "fresh", after)
    # Another cable corrected in place (a quick build: it takes the index's cables from the
    # record) leaves the revised cable held in the base and current in its day's segment.
    build(site, AS_OF, **INDEXED)  # the build into fresh/ left the site's cache to it
    plant(site, "09PARIS1", "Fishing quotas", "Fishing quotas and seals")
    report = build(site, AS_OF, **INDEXED)
    assert report.quick
    assert report.search_rewritten == 1
    again = index_tree(output)
    assert all(p.startswith("r2010-12-05/") or p == "meta.js" for p in changed_files(after, again))
    assert found(output, "seal") == ["09PARIS1"]
    assert found(output, "narwhal") == []
    assert_as_fresh(site, "fresh2", again)


def test_a_withdrawn_base_cable_leaves_no_word_or_line_in_any_file_and_no_other_score_moves(site):  # noqa: F811
    """The embargo: a withdrawn cable's words and excerpt leave the files of the segment that
    held it (read again, its statistics steady), and no other segment is written."""
    plant(site, "09ROME3", "First paragraph.", "First paragraph on narwhals.")
    build(site, AS_OF, **INDEXED)
    output = site / "output"
    assert found(output, "narwhal") == ["09ROME3"]
    before = index_tree(output)
    ids_before = {doc: row[0] for doc, row in IndexReader(output).cables()}
    scores = {posting.doc: posting.impact for posting in IndexReader(output).postings("paragraph")}
    path = cable_path(site, "09ROME3")
    first, rest = path.read_bytes().split(b"\n", 1)
    path.write_bytes(first + b"\nWithdrawn: 2011-02-02 00:00\n" + rest)
    report = build(site, AS_OF, **INDEXED)
    assert report.search_rewritten == 1
    after = index_tree(output)
    changed = changed_files(before, after)
    assert all(p.startswith("base/") or p == "meta.js" for p in changed), changed
    assert not any(p.startswith("base/p/") and "paragraph" not in p and "narwhal" not in p for p in changed)
    for name, data in after.items():
        assert b"narwhal" not in data, name
        assert b"09rome3" not in data.lower(), name
    kept = {posting.doc: posting.impact for posting in IndexReader(output).postings("paragraph")}
    assert kept == {doc: impact for doc, impact in scores.items() if doc in kept}
    assert len(kept) == len(scores) - 1
    assert found(output, "narwhal") == []
    assert found(output, "09rome3") == []
    assert found(output, "paragraph")
    assert "09ROME3" not in found(output, "paragraph")
    assert "09ROME3" not in [row[0] for _, row in IndexReader(output).cables()]
    assert_keeps_not_even_its_day(output, ids_before)
    assert check_output(output, WITHHELD).defects == {}
    assert_as_fresh(site, "fresh", after)
    # Another cable of the base corrected in place: a quick build reads the base again, the
    # withdrawn cable still hidden in it.
    build(site, AS_OF, **INDEXED)  # the build into fresh/ left the site's cache to it
    plant(site, "09ROME5", "Second paragraph.", "Second paragraph on seals.")
    report = build(site, AS_OF, **INDEXED)
    assert report.quick
    assert found(output, "seal") == ["09ROME5"]
    assert found(output, "narwhal") == []
    assert_as_fresh(site, "fresh2", index_tree(output))
    # As of before the withdrawal, the cable is found again.
    build(site, "2011-01-15 00:00", site / "then", full=True, **INDEXED)
    assert found(site / "then", "narwhal") == ["09ROME3"]


def test_a_revision_that_redacts_a_word_leaves_it_in_no_index_file(site):  # noqa: F811
    """A publisher revises a cable to X out a source's name: the older text leaves the files of
    the segment that held it (as a withdrawal's does, no other score moving), and the new text
    is found in its day's segment."""
    plant(site, "09ROME3", "First paragraph.", "First paragraph names Zanzibarova.")
    build(site, AS_OF, **INDEXED)
    output = site / "output"
    assert found(output, "zanzibarova") == ["09ROME3"]
    scores = {posting.doc: posting.impact for posting in IndexReader(output).postings("paragraph")}
    before = index_tree(output)
    revise(site, "09ROME3", "redacted")
    plant(site, "09ROME3", "names Zanzibarova.", "names XXXXXXXXXXX and walruses.")
    build(site, AS_OF, **INDEXED)
    after = index_tree(output)
    for name, data in after.items():
        assert b"zanzibarov" not in data.lower(), name
    changed = changed_files(before, after)
    assert all(p.startswith(("base/", "r2011-02-01/")) or p == "meta.js" for p in changed), changed
    assert not any(p.startswith("base/p/") and "paragraph" not in p and "zanzibar" not in p for p in changed)
    assert found(output, "zanzibarova") == []
    assert found(output, "walrus") == ["09ROME3"]
    assert found(output, "09rome3") == ["09ROME3"]
    kept = {posting.doc: posting.impact for posting in IndexReader(output).postings("paragraph")}
    assert {doc: impact for doc, impact in kept.items() if doc in scores} == {
        doc: impact for doc, impact in scores.items() if doc in kept
    }
    assert check_output(output, WITHHELD).defects == {}
    assert_as_fresh(site, "fresh", after)
    # Another cable corrected in place, on the quick path: the older text stays out.
    build(site, AS_OF, **INDEXED)  # the build into fresh/ left the site's cache to it
    plant(site, "09ROME5", "Second paragraph.", "Second paragraph on seals.")
    report = build(site, AS_OF, **INDEXED)
    assert report.quick
    again = index_tree(output)
    assert found(output, "seal") == ["09ROME5"]
    for name, data in again.items():
        assert b"zanzibarov" not in data.lower(), name
    assert_as_fresh(site, "fresh2", again)


def test_a_second_revision_leaves_the_first_ones_text_in_no_index_file(site):  # noqa: F811
    """The first revision's text sat in its day's segment: the second takes it out of there too."""
    build(site, AS_OF, **INDEXED)
    output = site / "output"
    for day, old, new in [
        ("2011-02-01", "First paragraph.", "First paragraph names Kestrelovich."),
        ("2011-02-05", "names Kestrelovich.", "names XXXXXXXXXXX."),
    ]:
        revise(site, "09ROME3", "redacted", day)
        plant(site, "09ROME3", old, new)
        build(site, AS_OF, **INDEXED)
        assert found(output, "kestrelovich") == (["09ROME3"] if day == "2011-02-01" else [])
    assert found(output, "09rome3") == ["09ROME3"]
    for name, data in index_tree(output).items():
        assert b"kestrelovich" not in data.lower(), name
    assert [row[0] for _, row in IndexReader(output).cables()].count("09ROME3") == 1
    assert check_output(output, WITHHELD).defects == {}
    assert_as_fresh(site, "fresh", index_tree(output))


def test_a_redacted_word_whose_stem_another_cable_holds_leaves_no_spelling_in_the_dictionary(site):  # noqa: F811
    """The dictionary maps each spelling to its stem: a spelling only the hidden older entry
    used goes with it, though the stem stays for the cable that still holds it."""
    plant(site, "09ROME3", "First paragraph.", "First paragraph names Hendersonians.")
    plant(site, "09ROME5", "Second paragraph.", "Second paragraph names Hendersonian.")
    build(site, AS_OF, **INDEXED)
    output = site / "output"
    assert b"hendersonians" in b"".join(index_tree(output).values())
    revise(site, "09ROME3", "redacted")
    plant(site, "09ROME3", "names Hendersonians.", "names XXXXXXXXXXXXX.")
    report = build(site, AS_OF, **INDEXED)
    assert report.quick
    after = index_tree(output)
    for name, data in after.items():
        assert b"hendersonians" not in data.lower(), name
    assert found(output, "hendersonian") == ["09ROME5"]
    assert_as_fresh(site, "fresh", after)


def test_a_withdrawal_whose_date_is_corrected_indexes_on_the_quick_path_as_a_full_build(site):  # noqa: F811
    """The search members of withdrawn cables are made by one rule on both paths: a withdrawal
    stamp corrected (a cable file changed, its listings unmoved) leaves the index as a fresh
    build makes it."""
    build(site, AS_OF, **INDEXED)
    path = cable_path(site, "09ROME3")
    record = read_cable_file(path)
    assert isinstance(record, CableRecord)
    path.write_bytes(format_cable(withdrawal(record, "pulled", "2011-02-01 00:00")))
    build(site, AS_OF, **INDEXED)
    path.write_text(path.read_text().replace("2011-02-01 00:00", "2010-11-28 12:00"))
    report = build(site, AS_OF, **INDEXED)
    assert report.quick
    assert_as_fresh(site, "fresh", index_tree(site / "output"))
    assert found(site / "output", "09rome3") == []
