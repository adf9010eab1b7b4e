"""Search tokens: a batch of cables -> one run of postings in numpy columns, sorted by stem (run in workers).

A cable's words are one stream (ID and subject, TAGS, body, FIELD_GAP apart), each word mapped
to a stem number local to the batch. The batch's streams are then grouped by stem with one
stable sort in numpy, so a posting's positions come out in order without a Python loop over
the ~1,000 words of every cable. The parent gives the local stems their global numbers.
"""

from __future__ import annotations

import itertools
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sitegen.search.words import Stemmer, folded_id, split_words

# Weighted term frequency: an occurrence in the ID counts 8 times, in the subject 4, in the TAGS 2.
ID_WEIGHT, SUBJECT_WEIGHT, TAGS_WEIGHT = 8, 4, 2
FIELD_GAP = 4  # positions skipped between fields, so a phrase never spans two
MAX_POSITION = 65535  # positions are u16: words past this in a huge cable are not indexed
GAP = -1  # the stem number of the positions between fields
_GAP = [GAP] * FIELD_GAP

Column = npt.NDArray[Any]  # a numpy column (its dtype said where it is made)


@dataclass
class Run:
    """The postings of a batch of cables, by (local stem, cable): each posting's cable, its
    number of positions, its weighted term frequency, and all positions in the same order."""

    stems: list[str]  # local stem number -> stem
    surfaces: dict[str, str]  # every surface word of the batch that is not its own stem -> stem
    lengths: Column  # u32 per cable: its words (for BM25's length norm)
    stem: Column  # i32 per posting: its local stem
    doc: Column  # u32: its cable, numbered in the segment
    count: Column  # u16: its positions
    weight: Column  # u32: weighted term frequency
    positions: Column  # u16


@dataclass
class Tokeniser:
    """Surface words -> stems, each surface stemmed once per process (workers each keep one)."""

    stemmer: Stemmer = field(default_factory=Stemmer)

    def run(
        self, texts: list[tuple[str, str, tuple[str, ...], str]], first_doc: int, hidden: frozenset[int] = frozenset()
    ) -> Run:
        """The run of `texts` ((reference ID, subject, tags, body) in id order from `first_doc`).
        Its surfaces are only those the cables not `hidden` write: a spelling only a hidden
        entry used (a word a revision redacted) must not reach the dictionary, though its stem
        may, for another cable."""
        batch = _Batch(self.stemmer, first_doc)
        shown: set[str] | None = set() if any(first_doc <= at < first_doc + len(texts) for at in hidden) else None
        for doc, (reference_id, subject, tags, body) in enumerate(texts, start=first_doc):
            words = batch.add(doc, reference_id, subject, tags, body)
            if shown is not None and doc not in hidden:
                shown.update(words)
        if shown is not None:
            batch.surfaces = {surface: stem for surface, stem in batch.surfaces.items() if surface in shown}
        return batch.finish()


class _Batch:
    def __init__(self, stemmer: Stemmer, first_doc: int):
        self.stemmer = stemmer
        self.first_doc = first_doc
        self.stems: list[str] = []
        self.stem_number: dict[str, int] = {"": GAP}
        self.number = _Numbers(self)  # surface -> local stem number
        self.surfaces: dict[str, str] = {}
        self.tokens = array("i")  # the batch's streams, one after another
        self.streams: list[int] = []  # per cable: its stream's length (as indexed)
        self.lengths: list[int] = []
        self.boosts: tuple[list[int], list[int], list[int]] = ([], [], [])  # stem, doc, extra weight

    def number_of(self, surface: str) -> int:
        stem = self.stemmer.stem(surface) if surface else ""
        if stem != surface:
            self.surfaces[surface] = stem
        found = self.stem_number.get(stem)
        if found is None:
            found = self.stem_number[stem] = len(self.stems)
            self.stems.append(stem)
        self.number[surface] = found
        return found

    def add(self, doc: int, reference_id: str, subject: str, tags: tuple[str, ...], body: str) -> Iterator[str]:
        """Add one cable; returns its surface words (read only where a batch hides a cable)."""
        number = self.number.__getitem__
        head_words = [folded_id(reference_id), *split_words(subject)]
        tags_split = [word for tag in tags for word in split_words(tag)]
        head = list(map(number, head_words))
        tag_words = list(map(number, tags_split))
        body_words = split_words(body)
        start = len(self.tokens)
        self.tokens.extend(head)
        self.tokens.extend(_GAP)
        self.tokens.extend(tag_words)
        self.tokens.extend(_GAP)
        self.tokens.extend(map(number, body_words))
        del self.tokens[start + MAX_POSITION :]  # words past this are not indexed (a cable of 65,000 words)
        # What an ID, subject or TAGS word adds, of the words within MAX_POSITION.
        extra = Counter(head[1:MAX_POSITION])
        for stem in extra:
            extra[stem] *= SUBJECT_WEIGHT - 1
        for stem in tag_words[: max(0, MAX_POSITION - len(head) - FIELD_GAP)]:
            extra[stem] += TAGS_WEIGHT - 1
        extra[head[0]] += ID_WEIGHT - 1
        for stem, weight in extra.items():
            if stem != GAP:
                self.boosts[0].append(stem)
                self.boosts[1].append(doc)
                self.boosts[2].append(weight)
        self.streams.append(len(self.tokens) - start)
        self.lengths.append(len(head) + len(tag_words) + len(body_words))
        return itertools.chain(head_words, tags_split, body_words)

    def finish(self) -> Run:
        docs = np.arange(self.first_doc, self.first_doc + len(self.streams), dtype=np.uint32)
        streams = np.array(self.streams, dtype=np.int64)
        tokens = np.frombuffer(self.tokens, dtype=np.intc)
        doc = np.repeat(docs, streams)
        # Each token's position in its cable's stream (< MAX_POSITION: 16 bits).
        position = np.arange(len(tokens), dtype=np.uint32).astype(np.uint16)
        position -= np.repeat((np.cumsum(streams) - streams).astype(np.uint16), streams)
        kept = tokens != GAP
        tokens, doc, position = tokens[kept], doc[kept], position[kept]
        # By stem, each stem's in cable then position order (a radix sort when they fit 16 bits).
        order = np.argsort(tokens.astype(np.uint16) if len(self.stems) <= 1 << 16 else tokens, kind="stable")
        tokens, doc, position = tokens[order], doc[order], position[order]
        first = np.ones(len(tokens), dtype=bool)
        first[1:] = (tokens[1:] != tokens[:-1]) | (doc[1:] != doc[:-1])
        starts_at = np.flatnonzero(first)
        count = np.diff(np.append(starts_at, len(tokens))).astype(np.uint16)
        stem, posting_doc = tokens[starts_at], doc[starts_at]
        weight = count.astype(np.uint32)
        _add_boosts(weight, stem, posting_doc, self.boosts)
        return Run(
            self.stems,
            self.surfaces,
            np.array(self.lengths, dtype=np.uint32),
            stem,
            posting_doc,
            count,
            weight,
            position,
        )


class _Numbers(dict[str, int]):
    """Surface word -> local stem number: a plain dict look-up (in C) for every word met before."""

    def __init__(self, batch: _Batch):
        super().__init__()
        self.batch = batch

    def __missing__(self, surface: str) -> int:
        return self.batch.number_of(surface)


def _add_boosts(weight: Column, stem: Column, doc: Column, boosts: tuple[list[int], list[int], list[int]]) -> None:
    """Add each (stem, cable)'s extra weight (its ID, subject and TAGS words) to its posting."""
    if not boosts[0]:
        return
    keys = (stem.astype(np.int64) << 32) | doc.astype(np.int64)
    wanted = (np.array(boosts[0], dtype=np.int64) << 32) | np.array(boosts[1], dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found = keys[at] == wanted  # a word cut off past MAX_POSITION has no posting
    np.add.at(weight, at[found], np.array(boosts[2], dtype=np.uint32)[found])
