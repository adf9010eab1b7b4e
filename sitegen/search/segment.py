"""Search segment: the released cables of one segment, with their text -> the index files of that segment.

A segment numbers its cables in created order (from `first`, so ids are unique across the
segments), scores every (word, cable) pair once with the archive's statistics (BM25 over the
fields, the ID and subject weighted above the TAGS and those above the body) and writes:

  w/<prefix>.js    the dictionary: surface word -> stem, stem -> its count and chunks
  p/<xy>/<stem>.<k>.js   chunk k of a stem's postings, best scores first across chunks
  q/<xy>/<stem>.<k>.js   the word positions of the same postings (read for phrases only)
  c/<block>.js     the result lines of 8 cables (ID, subject, origin, date, excerpt)
  f.js, t.js       per cable: origin, classification, created day; its tags

Every file is a classic script (`sitegenSearch.put(key, data)`), so search works from file://.
At 251,287 cables there are ~147 million postings: batches of cables are tokenised (on `jobs`
worker processes, in order), each batch's postings spilled to disk as numpy columns
(runs.py), then read back a block of stems at a time, scored and encoded (postings.py).
The bytes depend on the cables alone, never on the batches or the workers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np

from sitegen import parallel
from sitegen.catalogue import CableEntry
from sitegen.catalogue_versions import version_moment
from sitegen.model import Problem
from sitegen.search.files import (
    DOCS_BLOCK,
    HIDDEN_LINE,
    MAX_PREFIX,
    Facets,
    Line,
    body_excerpt,
    dictionary_files,
    line_files,
    script,
)
from sitegen.search.postings import Idf, idf_of, norms, write_block
from sitegen.search.runs import Block, RunStore, run_store
from sitegen.search.tokens import FIELD_GAP, MAX_POSITION, Column, Run, Tokeniser
from sitegen.sources.cablefile import read_cable_file
from sitegen.sources.history import earlier_entries

__all__ = ["DOCS_BLOCK", "MAX_PREFIX", "IndexedCable", "Member", "Put", "SegmentFiles", "Statistics", "Work", "script"]

BATCH = 1_024  # cables a worker tokenises at a time (a multiple of DOCS_BLOCK): ~60 MB while it does


class Member(NamedTuple):
    """A released cable as the index sees it: enough to place it and to know it changed."""

    reference_id: str
    created: str
    release_day: str
    digest: str  # of its cable file
    changed: str = ""  # the day its version was released, or it was withdrawn ("" if never)
    withdrawn: bool = False  # withdrawn by the build's moment: found by no word and no ID


@dataclass(frozen=True)
class IndexedCable:
    """What a segment reads of one cable: its catalogue fields and its body text (never the
    routing header)."""

    reference_id: str
    created: str
    subject: str
    origin: str
    classification: str
    tags: tuple[str, ...]
    url: str
    body: str


class CableSource(Protocol):
    """A segment's cables in created order, read a range at a time (in a worker: forked, it
    holds what it needs to read them, and only the range's text is ever in memory)."""

    def __len__(self) -> int: ...

    def cables(self, start: int, stop: int) -> list[IndexedCable]: ...


@dataclass
class Statistics:
    """The statistics scores are computed with: the base segment's, held between its rebuilds
    so that a release does not rescore (and rewrite) the whole index."""

    documents: int
    average_length: float
    df: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Work:
    """How a segment is indexed: on `jobs` processes, its runs spilled into `spill`."""

    jobs: int = 1
    spill: Path | None = None


# Where a segment's files go as they are made: (path under the search folder, bytes). Each is
# handed on at once rather than held: at 251,287 cables they are ~1.5 GB.
Put = Callable[[str, bytes], None]


@dataclass
class SegmentFiles:
    """What was written of a segment: its files' paths and bytes, and its dictionary's prefixes."""

    names: set[str] = field(default_factory=set)
    size: int = 0
    prefixes: list[str] = field(default_factory=list)
    # The cables whose words past MAX_POSITION are not indexed: a spelling they write there
    # has no posting of theirs (hide.py asks which cables write a spelling).
    long: list[int] = field(default_factory=list)
    # Each cable's text_digest, in order: an edit hides a cable only if it reads the text indexed.
    texts: bytes = b""

    def sink(self, put: Put) -> Put:
        def record(path: str, data: bytes) -> None:
            self.names.add(path)
            self.size += len(data)
            put(path, data)

        return record


TEXT_DIGEST = 8  # bytes of a cable's text_digest


def text_digest(cable: IndexedCable) -> bytes:
    """What the index reads of a cable (its ID, subject, TAGS and body: the Tokeniser's input)."""
    text = "\x1f".join([cable.reference_id, cable.subject, "\x1e".join(cable.tags), cable.body])
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=TEXT_DIGEST).digest()


def _tokenise(
    context: tuple[CableSource, Tokeniser, frozenset[int]], span: tuple[int, int]
) -> tuple[Run, list[Line], bytes]:
    """A worker's share: the run of a range of cables, their result lines (a hidden cable's is
    empty: it keeps its id, and nothing of it, not even its day) and their text digests."""
    source, tokeniser, hidden = context
    cables = source.cables(*span)
    run = tokeniser.run([(c.reference_id, c.subject, c.tags, c.body) for c in cables], span[0], hidden)
    lines = [
        HIDDEN_LINE
        if at in hidden
        else Line(c.reference_id, c.created, c.subject, c.origin, c.classification, c.tags, c.url, body_excerpt(c.body))
        for at, c in enumerate(cables, start=span[0])
    ]
    return run, lines, b"".join(map(text_digest, cables))


@dataclass(frozen=True)
class _Scoring:
    name: str
    store: RunStore
    idf: Idf
    norm: Column
    hidden: Column  # the cables whose postings are left out (index_segment's `hidden`), sorted


def _score_block(context: _Scoring, span: tuple[int, int]) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    """A worker's share: the chunk files and dictionary entries of a block of stems."""
    files: list[tuple[str, bytes]] = []
    block = context.store.read(*span)
    if len(context.hidden):
        block = _without(block, context.hidden)
    entries = write_block(context.name, block, context.store.stems, context.idf, context.norm, _append_to(files))
    return files, entries


def _without(block: Block, hidden: Column) -> Block:
    """A block less the postings of the hidden cables (and their positions)."""
    keep = ~np.isin(block.doc, hidden)
    positions = np.repeat(keep, block.count.astype(np.int64))
    return Block(
        block.low,
        block.high,
        block.stem[keep],
        block.doc[keep],
        block.count[keep],
        block.weight[keep],
        block.positions[positions],
    )


def _append_to(files: list[tuple[str, bytes]]) -> Put:
    def put(path: str, data: bytes) -> None:
        files.append((path, data))

    return put


def index_segment(
    name: str,
    source: CableSource,
    statistics: Statistics | None,
    put: Put,
    work: Work | None = None,
    hidden: frozenset[int] = frozenset(),
) -> tuple[SegmentFiles, Statistics]:
    """Index the cables (in created order) and write the segment's files to `put`;
    `statistics` None: this is the base segment, scored with its own statistics, which it
    returns for the others. The runs spill into a folder inside `work.spill` (the system's
    temp folder if None), removed when done or failed. The `hidden` cables (by their place in
    `source`: withdrawn since the segment was cut) count in the statistics, so that no other
    cable's score moves, but no word, posting, line or facet of theirs is written."""
    jobs, spill = (work.jobs, work.spill) if work else (1, None)
    written = SegmentFiles()
    emit = written.sink(put)
    store = run_store(spill)
    facets = Facets()
    texts = bytearray()
    try:
        spans = [(start, min(start + BATCH, len(source))) for start in range(0, len(source), BATCH)]
        for run, lines, digests in parallel.map_batches(_tokenise, (source, Tokeniser(), hidden), spans, jobs):
            first = len(facets.days)
            texts += digests
            store.add(run)
            facets.add(lines)
            for path, data in line_files(name, first, lines):
                emit(path, data)
        lengths = store.all_lengths()
        written.long = np.flatnonzero(lengths.astype(np.int64) + 2 * FIELD_GAP > MAX_POSITION).tolist()
        count = len(lengths)
        average = (int(lengths.sum()) / count if count else 1.0) or 1.0
        df = dict(zip(store.stems, store.df.tolist(), strict=True))
        own = Statistics(count, average, {stem: n for stem, n in df.items() if n})
        scoring = statistics or own
        idf = idf_of(scoring.documents, scoring.df)
        norm = norms(lengths, scoring.average_length)
        entries: dict[str, str] = {}
        scoring_context = _Scoring(name, store, idf, norm, np.array(sorted(hidden), dtype=np.int64))
        for files, found in parallel.map_batches(_score_block, scoring_context, store.blocks(), jobs):
            for path, data in files:
                emit(path, data)
            entries.update(found)
    finally:
        store.close()
    surfaces = store.surfaces  # those the cables not hidden write (Tokeniser.run)
    if hidden:  # a stem only hidden cables hold is no word of the segment
        surfaces = {word: stem for word, stem in surfaces.items() if stem in entries}
    for path, data in dictionary_files(name, surfaces, entries):
        emit(path, data)
        written.prefixes.append(path[len(name) + 3 : -3])
    for path, data in facets.files(name):
        emit(path, data)
    written.prefixes.sort()
    written.texts = bytes(texts)
    return written, scoring


@dataclass(frozen=True)
class CableFiles:
    """A segment's cables, their text read from their files a range at a time (in the worker
    that tokenises them). A file that cannot be read now (the build reports it) is indexed by
    its catalogue fields alone."""

    members: tuple[Member, ...]
    site_dir: Path
    entry_of: Callable[[str], CableEntry]
    held: frozenset[str] = frozenset()  # read as they stood at the end of `last` (Segment.held)
    last: str = ""

    def __len__(self) -> int:
        return len(self.members)

    def cables(self, start: int, stop: int) -> list[IndexedCable]:
        return [self._cable(member) for member in self.members[start:stop]]

    def _cable(self, member: Member) -> IndexedCable:
        entry = self.entry_of(member.reference_id)
        if member.reference_id in self.held:
            entry = version_as_of(entry, self.last, self.site_dir)
        record = read_cable_file(os.path.join(self.site_dir, entry.source), entry.source)
        body = "" if isinstance(record, Problem) else record.body
        return IndexedCable(
            entry.reference_id,
            entry.created,
            entry.subject,
            entry.origin,
            entry.classification,
            entry.tags,
            entry.url,
            body,
        )


def version_as_of(entry: CableEntry, day: str, site_dir: Path) -> CableEntry:
    """A cable's version current at the end of `day` (from its history); with no such version
    on disk, its oldest kept (or the entry itself): the same whichever build asks."""
    if version_moment(entry)[:10] <= day:
        return entry
    versions = earlier_entries(site_dir)(entry)
    for version in versions:
        if version_moment(version)[:10] <= day:
            return version
    return versions[-1] if versions else entry
