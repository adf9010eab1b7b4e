"""The search index's writer alone: scores, impact order and chunks, and the same bytes whatever its batches, blocks or jobs."""

from __future__ import annotations

import math
import random
import tempfile
from pathlib import Path

import pytest

from sitegen.search import runs, segment
from sitegen.search.index import meta_script, plan_segments
from sitegen.search.postings import FIRST_CHUNK
from sitegen.search.reader import IndexReader
from sitegen.search.segment import IndexedCable, Member, Work, index_segment
from sitegen.search.words import Stemmer, folded_id, split_words

COMMON = [f"{a}{b}" for a in ("trade", "fish", "oil", "vote") for b in ("", "s", "ed")]
RARER = [f"{a}{b}" for a in ("ka", "lo", "mi", "re", "su", "ta") for b in ("bar", "dun", "pex", "vol", "zim")]


def corpus(count: int, seed: int = 7) -> list[IndexedCable]:
    """Cables of varied length whose words repeat, so common stems have more than one chunk
    and many equal impacts."""
    rng = random.Random(seed)
    cables = []
    for n in range(count):
        body = " ".join(rng.choice(COMMON if rng.random() < 0.05 else RARER) for _ in range(rng.randint(3, 120)))
        subject = " ".join(rng.choice(COMMON + RARER) for _ in range(rng.randint(1, 4)))
        tags = tuple(rng.choice(("ETRD", "PGOV", "trade fish")) for _ in range(rng.randint(0, 2)))
        created = f"2009-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00"
        cables.append(IndexedCable(f"09ROME{n}", created, subject, "Embassy Rome", "SECRET", tags, f"c/{n}.html", body))
    return sorted(cables, key=lambda cable: (cable.created, cable.reference_id))


class Held:
    def __init__(self, cables: list[IndexedCable]):
        self.held = cables

    def __len__(self) -> int:
        return len(self.held)

    def cables(self, start: int, stop: int) -> list[IndexedCable]:
        return self.held[start:stop]


def write_index(cables: list[IndexedCable], output: Path, jobs: int = 1) -> dict[str, bytes]:
    files: dict[str, bytes] = {}

    def put(path: str, data: bytes) -> None:
        assert path not in files, path
        files[path] = data

    written, _ = index_segment("base", Held(cables), None, put, Work(jobs))
    put(
        "meta.js",
        meta_script(
            plan_segments([Member(c.reference_id, c.created, "2010-11-28", "") for c in cables]),
            {"base": written.prefixes},
        ),
    )
    for path, data in files.items():
        (output / "search" / path).parent.mkdir(parents=True, exist_ok=True)
        (output / "search" / path).write_bytes(data)
    return files


def expected_impacts(cables: list[IndexedCable], word: str) -> dict[int, int]:
    """BM25 over the fields, by the book: an occurrence in the ID counts 8, the subject 4, the TAGS 2."""
    stem_of = Stemmer().stem
    target = stem_of(word)
    lengths, weights = [], {}
    for doc, cable in enumerate(cables):
        head = [folded_id(cable.reference_id), *split_words(cable.subject)]
        tags = [w for tag in cable.tags for w in split_words(tag)]
        body = split_words(cable.body)
        lengths.append(len(head) + len(tags) + len(body))
        weight = sum(
            field_weight * sum(stem_of(w) == target for w in words)
            for field_weight, words in ((8, head[:1]), (4, head[1:]), (2, tags), (1, body))
        )
        if weight:
            weights[doc] = weight
    average = sum(lengths) / len(lengths)
    df = len(weights)
    idf = math.log(1 + (len(cables) - df + 0.5) / (df + 0.5))
    found = {}
    for doc, weight in weights.items():
        norm = 1.2 * 0.25 + 1.2 * 0.75 / average * lengths[doc]
        found[doc] = min(255, max(1, round(8.0 * idf * 2.2 * weight / (weight + norm))))
    return found


@pytest.fixture
def written(tmp_path) -> tuple[list[IndexedCable], IndexReader]:
    cables = corpus(400)
    write_index(cables, tmp_path)
    return cables, IndexReader(tmp_path)


@pytest.mark.parametrize("word", ["trades", "fish", "kabar", "etrd", "09rome17"])
def test_every_impact_is_bm25_over_the_weighted_fields(written, word):
    cables, reader = written
    found = {posting.doc: posting.impact for posting in reader.postings(word)}
    assert found == expected_impacts(cables, word)


def test_a_common_words_first_chunk_holds_its_best_postings_and_the_newest_of_equals(written):
    cables, reader = written
    postings = reader.postings("oil")
    assert len(postings) > FIRST_CHUNK
    best = sorted(postings, key=lambda p: (-p.impact, -p.doc))[:FIRST_CHUNK]
    first = postings[:FIRST_CHUNK]
    assert {p.doc for p in first} == {p.doc for p in best}
    assert [p.doc for p in first] == sorted(p.doc for p in first)  # a chunk is in cable order
    ties = [p for p in postings if p.impact == best[-1].impact]
    assert len(ties) > len([p for p in best if p.impact == best[-1].impact])  # the cut falls among equals


def test_positions_are_every_occurrence_of_the_stem_in_the_cables_stream(written):
    cables, reader = written
    posting = next(p for p in reader.postings("vote") if p.doc == 5)
    cable = cables[5]
    stem_of = Stemmer().stem
    stream = [folded_id(cable.reference_id), *split_words(cable.subject), *[""] * 4]
    stream += [w for tag in cable.tags for w in split_words(tag)] + [""] * 4 + split_words(cable.body)
    assert list(posting.positions) == [i for i, w in enumerate(stream) if w and stem_of(w) == stem_of("vote")]


def test_the_same_bytes_whatever_the_batches_the_blocks_or_the_jobs(tmp_path, monkeypatch):
    cables = corpus(300, seed=11)
    whole = write_index(cables, tmp_path / "one")
    monkeypatch.setattr(segment, "BATCH", 16)  # 19 runs, spilled and merged
    monkeypatch.setattr(runs, "BLOCK_SIZE", 500)  # many blocks of stems
    assert write_index(cables, tmp_path / "many", jobs=1) == whole
    assert write_index(cables, tmp_path / "two", jobs=2) == whole


def test_words_are_whole_runs_of_letters_and_digits_up_to_32():
    assert split_words("straße x " + "a" * 33 + " " + "b" * 32 + " ٣4 ok") == ["stra", "e", "x", "b" * 32, "4", "ok"]
    assert split_words("caf\udce9 n\u0303") == ["caf", "n"]


def test_the_runs_spilled_to_disk_are_removed_once_written_even_by_workers(tmp_path, monkeypatch):
    made: list[Path] = []
    make = tempfile.mkdtemp

    def mkdtemp(**options: str) -> str:
        made.append(Path(make(dir=tmp_path, **options)))
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(segment, "BATCH", 16)
    write_index(corpus(100), tmp_path / "out", jobs=2)
    assert len(made) == 1
    assert not made[0].exists()


class Failing(Held):
    """Cables whose third batch cannot be read: the writer stops half way."""

    def cables(self, start: int, stop: int) -> list[IndexedCable]:
        if start >= 32:
            raise OSError("the disk went away")
        return super().cables(start, stop)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_runs_spill_into_the_folder_given_and_leave_it_empty_on_success_and_failure(
    tmp_path, monkeypatch, spill_folders, jobs
):
    spill = tmp_path / ".output.search-runs"
    seen = spill_folders
    monkeypatch.setattr(segment, "BATCH", 16)
    index_segment("base", Held(corpus(100)), None, lambda path, data: None, Work(jobs, spill))
    assert seen
    assert {folder.parent for folder in seen} == {spill}
    assert not spill.exists() or not any(spill.iterdir())
    seen.clear()
    with pytest.raises(OSError, match="went away"):
        index_segment("base", Failing(corpus(100)), None, lambda path, data: None, Work(jobs, spill))
    assert seen
    assert {folder.parent for folder in seen} == {spill}
    assert not spill.exists() or not any(spill.iterdir())
