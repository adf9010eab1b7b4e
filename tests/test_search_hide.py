"""Hiding cables in a segment already written: its files edited from the output equal those a full re-read writes, or the edit falls back."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

import sitegen.search
from sitegen.check import check_output
from sitegen.search import hide
from sitegen.search.hide import Hiding, Refused, hide_in_segment
from sitegen.search.index import IndexUpdate
from sitegen.search.segment import IndexedCable, SegmentFiles, Statistics, index_segment
from sitegen.search.tokens import MAX_POSITION
from tests.sites import build
from tests.test_search import AS_OF, INDEXED, index_tree, site  # noqa: F401 (the site fixture)
from tests.test_search_versions import WITHHELD, assert_as_fresh, cable_path, found, plant, revise
from tests.test_search_writer import Held

COUNT = 1_300  # "the" in every cable: three chunks (128, 1,024, the rest)
FILLERS = ["talks", "talked", "talking", "embassy", "embassies", "minister", "ministers", "oil", "fish", "vote"]
ORIGINS = ["Embassy Rome", "Embassy Paris", "Embassy Madrid", "Consulate Milan", "Embassy Bern"]
TAGS = ["PREL", "PGOV", "ETRD", "ECON", "PHUM"]
LONG = 700  # a cable whose words past MAX_POSITION are not indexed: it writes "zebras" only there
ZEBRAS = 900  # the other cable writing "zebras" ("zebra" in a few more)
WALRUS = [n * 26 + 3 for n in range(49)]  # exactly 49 postings: one hidden, the stem goes inline
HENDERSONIANS = 40  # the one cable spelling "hendersonians"; "hendersonian" in 60 others


def cable_at(n: int, rng: random.Random) -> IndexedCable:
    words = ["the"] * rng.randint(1, 4) + [rng.choice(FILLERS) for _ in range(rng.randint(2, 30))]
    words += [f"x{n}", f"unique{chr(97 + n % 26)}{chr(97 + n // 26 % 26)}{chr(97 + n // 676)}"]
    if n % 7 == 0:
        words += ["inquiry"] * rng.randint(1, 3)  # ~186 postings: two chunks
    if n in WALRUS:
        words.append("walrus")
    if n % 20 == 1:
        words.append("hendersonian")
    if n == HENDERSONIANS:
        words.append("hendersonians")
    if n % 100 == 5:
        words.append("zebra")
    if n == ZEBRAS:
        words.append("zebras")
    if n % 3 == 0:
        words.append("w")  # a stem of one letter, chunked: its chunk files are p/w/w.0.js
    rng.shuffle(words)
    if n == LONG:
        words += ["filler"] * MAX_POSITION + ["zebras"]
    subject = " ".join(rng.choice(FILLERS + ["talks", "the"]) for _ in range(rng.randint(1, 4)))
    tags = tuple(rng.sample(TAGS, rng.randint(0, 2)))
    created = f"2009-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00"
    origin, classification = ORIGINS[n % 5 if n % 3 else 0], ["SECRET", "CONFIDENTIAL", "UNCLASSIFIED"][n % 3]
    return IndexedCable(f"09ROME{n}", created, subject, origin, classification, tags, f"c/{n}.html", " ".join(words))


@pytest.fixture(scope="module")
def cables() -> list[IndexedCable]:
    rng = random.Random(11)
    return [cable_at(n, rng) for n in range(COUNT)]  # numbered as written: a segment's order


def written(cables: list[IndexedCable], hidden: frozenset[int], statistics: Statistics | None = None):
    files: dict[str, bytes] = {}
    done, _ = index_segment("base", Held(cables), statistics, files.__setitem__, hidden=hidden)
    return files, done


def edit(tmp: Path, before: tuple[dict[str, bytes], SegmentFiles], hiding: dict) -> tuple[object, dict[str, bytes]]:
    """The edit of the files `before` (written into `tmp`), and the segment's files after it:
    those it wrote, and those of its names it left as they were."""
    files, done = before
    for path, data in files.items():
        (tmp / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp / path).write_bytes(data)
    put: dict[str, bytes] = {}
    options = {"name": "base", "folder": tmp, "prefixes": done.prefixes, "long": frozenset(done.long)}
    options |= {"texts": done.texts, **hiding}
    result = hide_in_segment(Hiding(**options), put.__setitem__)
    if isinstance(result, Refused):
        return result, {}
    assert set(put) <= result.names
    return result, {path: put[path] if path in put else files[path] for path in result.names}


def hidden_sets(seed: int) -> tuple[frozenset[int], frozenset[int]]:
    rng = random.Random(seed)
    before = frozenset(rng.sample(range(COUNT), rng.randint(0, 3)))
    more = {rng.choice(WALRUS), rng.randrange(COUNT)} | set(rng.sample(range(COUNT), rng.randint(0, 2)))
    return before, before | more


CASES = [
    (frozenset(), frozenset({HENDERSONIANS})),  # its spelling goes, its stem stays
    (frozenset(), frozenset({ZEBRAS})),  # "zebras" stays: the long cable writes it past its cut
    (frozenset({ZEBRAS}), frozenset({ZEBRAS, LONG})),  # now it goes
    (frozenset({WALRUS[0]}), frozenset({WALRUS[0], WALRUS[1], 5, 0})),
    *(hidden_sets(seed) for seed in range(4)),
]


@pytest.mark.parametrize("before, after", CASES)
def test_hiding_cables_by_editing_the_files_gives_the_bytes_of_a_full_reread(tmp_path, cables, before, after):
    source = Held(cables)
    result, edited = edit(tmp_path, written(cables, before), {"source": source, "before": before, "after": after})
    expected, done = written(cables, after)
    assert not isinstance(result, Refused), result
    assert sorted(edited) == sorted(expected)
    assert [path for path in expected if edited[path] != expected[path]] == []
    assert result.prefixes == done.prefixes


def test_the_same_bytes_on_two_workers_and_many_batches_of_stems(tmp_path, cables, monkeypatch):
    monkeypatch.setattr(hide, "REWRITE_BATCH", 100)
    before, after = hidden_sets(9)
    hiding = {"source": Held(cables), "before": before, "after": after, "jobs": 2}
    result, edited = edit(tmp_path, written(cables, before), hiding)
    expected, _ = written(cables, after)
    assert not isinstance(result, Refused), result
    assert edited == expected


def test_the_edit_reads_only_the_hidden_cables_and_the_few_that_settle_their_spellings(tmp_path, cables):
    read: list[int] = []

    class Counted(Held):
        def cables(self, start: int, stop: int) -> list[IndexedCable]:
            read.extend(range(start, stop))
            return super().cables(start, stop)

    after = frozenset({HENDERSONIANS, WALRUS[2]})
    result, _ = edit(
        tmp_path, written(cables, frozenset()), {"source": Counted(cables), "before": frozenset(), "after": after}
    )
    assert not isinstance(result, Refused), result
    assert set(after) <= set(read)
    assert len(read) < 100


@pytest.mark.parametrize("limit, why", [(10, "spelling"), (0, "spelling")])
def test_a_spelling_that_would_take_too_many_cables_to_settle_falls_back(tmp_path, cables, limit, why):
    # "hendersonians" is written by no other cable: proving it takes all 60 holders of its stem.
    hiding = {"source": Held(cables), "before": frozenset(), "after": frozenset({HENDERSONIANS}), "scan_limit": limit}
    result, _ = edit(tmp_path, written(cables, frozenset()), hiding)
    assert isinstance(result, Refused)
    assert why in result.reason


def test_a_missing_or_broken_file_falls_back_never_a_traceback(tmp_path, cables):
    before = written(cables, frozenset())
    hiding = {"source": Held(cables), "before": frozenset(), "after": frozenset({WALRUS[0]})}
    files, done = before
    read = ["base/p/th/the.1.js", "base/q/th/the.2.js", "base/f.js", "base/t.js", "base/c/0.js"]
    read += [f"base/w/{done.prefixes[0]}.js"]
    for path in [*read, "base/c/100.js", "base/p/in/inquiri.1.js"]:  # the last two are not read
        broken = dict(files)
        del broken[path]
        result, _ = edit(tmp_path / path.replace("/", "-") / "gone", (broken, done), hiding)
        assert isinstance(result, Refused), path
    for path in read:
        broken = dict(files)
        broken[path] = files[path][:-9] + b"garbage\n"
        result, _ = edit(tmp_path / path.replace("/", "-") / "bad", (broken, done), hiding)
        assert isinstance(result, Refused), path
        assert "in place" in result.reason


def test_a_hidden_cable_read_now_otherwise_than_indexed_falls_back(tmp_path, cables):
    # Its file edited (or unreadable) since: the stems its older text held are unknown, and an
    # edit dropping only those of the text read now would leave "walrus" with its posting.
    before = written(cables, frozenset())
    now = list(cables)
    now[WALRUS[0]] = replace(cables[WALRUS[0]], body=cables[WALRUS[0]].body.replace("walrus", ""))
    hiding = {"source": Held(now), "before": frozenset(), "after": frozenset({WALRUS[0]})}
    result, _ = edit(tmp_path, before, hiding)
    assert isinstance(result, Refused)
    assert "09ROME3 is read now otherwise" in result.reason


def test_facets_or_words_of_another_shape_fall_back_never_a_traceback(tmp_path, cables):
    before = written(cables, frozenset())
    files, done = before
    hiding = {"source": Held(cables), "before": frozenset(), "after": frozenset({WALRUS[0]})}
    facets = files["base/f.js"]
    dictionary = next(path for path in files if path.startswith("base/w/") and b'"talks":"talk"' in files[path])
    for path, data in [
        ("base/f.js", facets.replace(b'"origin":["', b'"origin":[1,"', 1)),
        (dictionary, files[dictionary].replace(b'"talks":"talk"', b'"talks":1')),
    ]:
        assert data != files[path]
        result, _ = edit(tmp_path / path.replace("/", "-"), ({**files, path: data}, done), hiding)
        assert isinstance(result, Refused), path


def test_in_a_later_segment_a_stem_the_base_lacks_would_move_other_scores_so_it_falls_back(tmp_path, cables):
    base = Statistics(5000, 20.0, {"the": 4000, "talk": 900, "embassi": 300, "walrus": 60})
    before = written(cables, frozenset(), base)
    hiding = {"source": Held(cables), "before": frozenset(), "after": frozenset({WALRUS[0]}), "base_df": base.df}
    result, _ = edit(tmp_path / "a", before, hiding)
    assert isinstance(result, Refused)  # its "x3" and unique word are no stems of the base
    assert "base" in result.reason


# -- in a built site -------------------------------------------------------------------------


@pytest.fixture
def updates(monkeypatch) -> list[IndexUpdate]:
    """Each build's IndexUpdate."""
    seen: list[IndexUpdate] = []
    update_index = sitegen.search.update_index

    def recorded(*args, **kwargs) -> IndexUpdate:
        seen.append(update_index(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(sitegen.search, "update_index", recorded)
    return seen


def test_a_revised_base_cable_is_hidden_in_the_base_by_an_edit_as_a_full_build_makes_it(site, updates):  # noqa: F811
    plant(site, "09ROME3", "First paragraph.", "First paragraph names Zanzibarova on walruses.")
    plant(site, "09ROME5", "Second paragraph.", "Second paragraph on walruses.")
    build(site, AS_OF, **INDEXED)
    revise(site, "09ROME3", "redacted")
    plant(site, "09ROME3", "names Zanzibarova on walruses.", "names XXXXXXXXXXX.")
    report = build(site, AS_OF, **INDEXED)
    assert updates[-1].edited == ["base"], updates[-1].refused
    assert report.search_edited == ["base"]  # the build's message says so
    output = site / "output"
    after = index_tree(output)
    for name, data in after.items():
        assert b"zanzibarov" not in data.lower(), name
    assert found(output, "walrus") == ["09ROME5"]
    assert check_output(output, WITHHELD).defects == {}
    assert_as_fresh(site, "fresh", after)
    assert updates[-1].edited == []


def test_a_withdrawn_base_cable_is_hidden_by_an_edit_and_a_missing_file_falls_back(site, updates):  # noqa: F811
    plant(site, "09ROME3", "First paragraph.", "First paragraph on narwhals.")
    build(site, AS_OF, **INDEXED)
    path = cable_path(site, "09ROME3")
    first, rest = path.read_bytes().split(b"\n", 1)
    path.write_bytes(first + b"\nWithdrawn: 2011-02-02 00:00\n" + rest)
    build(site, AS_OF, **INDEXED)
    assert updates[-1].edited == ["base"], updates[-1].refused
    output = site / "output"
    assert found(output, "narwhal") == []
    assert check_output(output, WITHHELD).defects == {}
    assert_as_fresh(site, "fresh", index_tree(output))
    # A second withdrawal whose segment's files are not all in the output: read again.
    build(site, AS_OF, **INDEXED)  # the build into fresh/ left the site's cache to it
    next((output / "search" / "base" / "c").glob("*.js")).unlink()
    path = cable_path(site, "09ROME5")
    first, rest = path.read_bytes().split(b"\n", 1)
    path.write_bytes(first + b"\nWithdrawn: 2011-02-03 00:00\n" + rest)
    build(site, AS_OF, **INDEXED)
    assert updates[-1].edited == []
    assert "base" in updates[-1].refused
    assert check_output(output, WITHHELD).defects == {}
    assert_as_fresh(site, "fresh2", index_tree(output))
