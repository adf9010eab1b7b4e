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
Postings live in `array`s while a segment is built (never a list of objects per posting):
at 251,287 cables there are ~147 million of them.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from sitegen.search.words import Stemmer, folded_id, split_words

# Weighted term frequency: an occurrence in the ID counts 8 times, in the subject 4, in the TAGS 2.
ID_WEIGHT, SUBJECT_WEIGHT, TAGS_WEIGHT = 8, 4, 2
K1, B = 1.2, 0.75
SCORE_SCALE = 8.0  # impact = round(score * SCORE_SCALE), 1..255: scores run to ~30
FIELD_GAP = 4  # positions skipped between fields, so a phrase never spans two
MAX_POSITION = 65535  # positions are u16: words past this in a huge cable are not indexed
FIRST_CHUNK = 128  # a stem's first chunk: more than a page of results
CHUNK_GROWTH = 8  # each chunk after holds 8 times as many as the one before
INLINE_POSTINGS = 48  # a stem this rare keeps its postings in the dictionary file
DOCS_BLOCK = 8  # cables per file of result lines: 20 results read at most 20 files of ~4 KB
DICT_TARGET = 48_000  # bytes: a dictionary file bigger than this is split by a longer prefix
# Reference IDs are words, unique and sharing long prefixes (09STATE...): at 251,287 cables the
# file of 09st held 560 KB while the split stopped at 4 characters.
MAX_PREFIX = 12
EXCERPT_CHARS = 240
_FIRST_PARAGRAPH = re.compile(r"^[ \t]*1\.[ \t]", re.M)
_SUBJECT_LINE = re.compile(r"^[ \t]*SUBJECT:.*$", re.M)
_SPACES = re.compile(r"\s+")


class Member(NamedTuple):
    """A released cable as the index sees it: enough to place it and to know it changed."""

    reference_id: str
    created: str
    release_day: str
    digest: str  # of its cable file


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


@dataclass
class Statistics:
    """The statistics scores are computed with: the base segment's, held between its rebuilds
    so that a release does not rescore (and rewrite) the whole index."""

    documents: int
    average_length: float
    df: dict[str, int] = field(default_factory=dict)

    def idf(self, stem: str, local_df: int) -> float:
        df = self.df.get(stem) or local_df
        n = max(self.documents, df)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass
class _Postings:
    """One stem's postings in a segment, in the order cables were added (created order)."""

    docs: array[int] = field(default_factory=lambda: array("I"))
    counts: array[int] = field(default_factory=lambda: array("H"))  # positions per posting
    positions: array[int] = field(default_factory=lambda: array("H"))
    # The few postings of a word in the ID, subject or TAGS: their index and the weight they add
    # (kept apart: ~14 a cable, against ~585 postings a cable with none).
    boosted: array[int] = field(default_factory=lambda: array("I"))
    boosts: array[int] = field(default_factory=lambda: array("I"))


class _StemCache(dict[str, str]):
    def __init__(self, stemmer: Stemmer):
        super().__init__()
        self.stemmer = stemmer

    def __missing__(self, word: str) -> str:
        stem = self.stemmer.stem(word) if word else ""
        self[word] = stem
        return stem


@dataclass
class SegmentIndex:
    """The inverted index of one segment, built cable by cable."""

    first: int
    stemmer: Stemmer
    postings: dict[str, _Postings] = field(default_factory=dict)
    lengths: array[int] = field(default_factory=lambda: array("I"))

    def __post_init__(self) -> None:
        self.stems = _StemCache(self.stemmer)  # every surface word seen -> its stem

    def add(self, cable: IndexedCable) -> None:
        """Index the next cable (cables come in created order: its id is the count so far).
        The cable's words are one stream (ID and subject, TAGS, body, FIELD_GAP apart); each
        stem's positions are found by sorting the stream's indexes by stem, in C, rather than
        by a Python loop over every word (a cable has ~1,000)."""
        doc = len(self.lengths)
        head = [folded_id(cable.reference_id), *split_words(cable.subject)]
        tags = [word for tag in cable.tags for word in split_words(tag)]
        body = split_words(cable.body)
        stem_of = self.stems.__getitem__
        gap = [""] * FIELD_GAP
        stream = list(map(stem_of, [*head, *gap, *tags, *gap, *body]))
        if len(stream) > MAX_POSITION:
            del stream[MAX_POSITION:]  # words past this are not indexed (a cable of 65,000 words)
        order = sorted(range(len(stream)), key=stream.__getitem__)
        extra = Counter(stream[1 : len(head)])
        for stem in extra:
            extra[stem] *= SUBJECT_WEIGHT - 1
        for stem in stream[len(head) + FIELD_GAP : len(head) + FIELD_GAP + len(tags)]:
            extra[stem] += TAGS_WEIGHT - 1
        extra[stream[0]] += ID_WEIGHT - 1
        table = self.postings
        for stem, group in itertools.groupby(order, key=stream.__getitem__):
            if not stem:
                continue  # the gaps between fields
            positions = list(group)
            entry = table.get(stem)
            if entry is None:
                entry = table[stem] = _Postings()
            if stem in extra:
                entry.boosted.append(len(entry.docs))
                entry.boosts.append(extra[stem])
            entry.docs.append(doc)
            entry.counts.append(len(positions))
            entry.positions.extend(positions)
        self.lengths.append(len(head) + len(tags) + len(body))

    def statistics(self) -> Statistics:
        count = len(self.lengths)
        average = sum(self.lengths) / count if count else 1.0
        return Statistics(count, average or 1.0, {stem: len(entry.docs) for stem, entry in self.postings.items()})


def body_excerpt(body: str) -> str:
    """The text a result shows under its subject: from the first numbered paragraph (else after
    the SUBJECT line, else the start), whitespace collapsed, cut at a word."""
    start = _FIRST_PARAGRAPH.search(body)
    if start is None:
        start = _SUBJECT_LINE.search(body)
        at = start.end() if start else 0
    else:
        at = start.start()
    text = _SPACES.sub(" ", body[at : at + EXCERPT_CHARS * 2]).strip()
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def readable(text: str) -> str:
    """Bytes that are not UTF-8 (held as surrogate escapes) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def script(key: str, data: object) -> bytes:
    """A classic script handing `data` to the search page: loadable from file:// and over http."""
    payload = json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return f"sitegenSearch.put({json.dumps(key)},{payload});\n".encode("ascii")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def varints(values: Iterable[int]) -> bytes:
    """LEB128: small numbers in one byte (the deltas of sorted ids and positions mostly are)."""
    values = list(values)
    if not values or max(values) < 0x80:
        return bytes(values)
    out = bytearray()
    for value in values:
        while value >= 0x80:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out)


def deltas(sorted_values: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *sorted_values], sorted_values, strict=False)]


def stem_prefix(stem: str) -> str:
    """The folder a stem's chunk files sit in: its first two characters."""
    return stem[:2]


def chunk_sizes(total: int) -> list[int]:
    sizes, size, left = [], FIRST_CHUNK, total
    while left > 0:
        sizes.append(min(size, left))
        left -= size
        size *= CHUNK_GROWTH
    return sizes


# Where a segment's files go as they are made: (path under the search folder, bytes). Each is
# handed on at once rather than held: at 251,287 cables they are ~1.5 GB.
Put = Callable[[str, bytes], None]


@dataclass
class SegmentFiles:
    """What was written of a segment: its files' paths and bytes, and its dictionary's prefixes."""

    names: set[str] = field(default_factory=set)
    size: int = 0
    prefixes: list[str] = field(default_factory=list)

    def sink(self, put: Put) -> Put:
        def record(path: str, data: bytes) -> None:
            self.names.add(path)
            self.size += len(data)
            put(path, data)

        return record


def write_segment(
    name: str, index: SegmentIndex, cables: list[IndexedCable], statistics: Statistics, put: Put
) -> SegmentFiles:
    """Every file of a segment, from its index and the cables in id order (each `body` cut to
    its excerpt: the whole text is in the index)."""
    written = SegmentFiles()
    emit = written.sink(put)
    stems_entry: dict[str, list[object]] = {}
    scale = K1 * B / statistics.average_length
    norms = [K1 * (1 - B) + scale * length for length in index.lengths]
    for stem in sorted(index.postings):
        stems_entry[stem] = _write_stem(name, stem, index, statistics, norms, emit)
        del index.postings[stem]  # scored and written: its arrays can go
    for path, data in (*_dictionary_files(name, index, stems_entry), *_docs_files(name, cables)):
        emit(path, data)
        if path.startswith(f"{name}/w/"):
            written.prefixes.append(path[len(name) + 3 : -3])
    for path, data in _facets_files(name, cables):
        emit(path, data)
    written.prefixes.sort()
    return written


def _write_stem(
    segment: str, stem: str, index: SegmentIndex, statistics: Statistics, norms: list[float], put: Put
) -> list[object]:
    """Score a stem's postings, order them by impact, cut them into chunks: the chunk files go
    to `put`; returns the dictionary's entry [df, [[count, best impact], ...], inline]."""
    entry = index.postings[stem]
    docs, counts = entry.docs, entry.counts
    df = len(docs)
    weights = counts.tolist()  # weighted term frequencies
    for i, boost in zip(entry.boosted, entry.boosts, strict=True):
        weights[i] += boost
    factor = SCORE_SCALE * statistics.idf(stem, df) * (K1 + 1)
    impacts = [min(255, max(1, round(factor * w / (w + norms[d])))) for d, w in zip(docs, weights, strict=True)]
    starts = list(itertools.accumulate(counts, initial=0))
    positions = entry.positions.tolist()
    # Each posting's positions as deltas: the first from 0, the others from the one before.
    steps = [b - a for a, b in zip([0, *positions], positions, strict=False)]
    for i in range(df):
        steps[starts[i]] = positions[starts[i]]
    # Best first; of equal impacts the newest first, as the page breaks ties, so that a cable
    # not yet read can only tie the twentieth result and lose.
    order = sorted(range(df), key=lambda i: (-impacts[i], -docs[i])) if df > FIRST_CHUNK else range(df)
    summary: list[object] = []
    inline: list[str] = []
    at = 0
    for k, size in enumerate(chunk_sizes(df)):
        chunk = sorted(order[at : at + size])  # by id: cables are in created order
        at += size
        ids = [docs[i] for i in chunk]
        chunk_impacts = bytes([impacts[i] for i in chunk])
        where: list[int] = []
        for i in chunk:
            where.append(counts[i])
            where += steps[starts[i] : starts[i + 1]]
        summary.append([len(chunk), max(chunk_impacts)])
        parts = [b64(varints(deltas(ids))), b64(chunk_impacts)]
        if df <= INLINE_POSTINGS:
            inline = [*parts, b64(varints(where))]
            continue
        key = f"{segment}/p/{stem_prefix(stem)}/{stem}.{k}"
        put(key + ".js", script(key, parts))
        key = f"{segment}/q/{stem_prefix(stem)}/{stem}.{k}"
        put(key + ".js", script(key, b64(varints(where))))
    return [df, summary, inline or 0]


def _dictionary_files(segment: str, index: SegmentIndex, stems: dict[str, list[object]]) -> Iterator[tuple[str, bytes]]:
    """The dictionary, split by prefix: a 2-character prefix's file, split by 3 and then 4
    characters while it is bigger than DICT_TARGET. A word shorter than its group's prefix
    stays in the file of its own length's prefix. The browser takes the longest listed prefix."""
    words: dict[str, list[tuple[str, object]]] = {}  # entries by the word they are found under
    for surface, stem in index.stems.items():
        if surface and surface != stem:
            words.setdefault(surface, []).append(("w", stem))
    for stem, entry in stems.items():
        words.setdefault(stem, []).append(("s", entry))

    # Each word's bytes in its file: a rare stem's entry holds its postings (up to ~2 KB).
    weight = {word: sum(len(word) + 6 + len(json.dumps(value)) for _, value in found) for word, found in words.items()}

    def size(group: list[str]) -> int:
        return sum(map(weight.__getitem__, group))

    def split(prefix: str, group: list[str]) -> Iterator[tuple[str, list[str]]]:
        if len(prefix) >= MAX_PREFIX or size(group) <= DICT_TARGET:
            yield prefix, group
            return
        longer: dict[str, list[str]] = {}
        here = []
        for word in group:
            if len(word) > len(prefix):
                longer.setdefault(word[: len(prefix) + 1], []).append(word)
            else:
                here.append(word)
        if here:
            yield prefix, here
        for sub in sorted(longer):
            yield from split(sub, longer[sub])

    groups: dict[str, list[str]] = {}
    for word in sorted(words):
        groups.setdefault(word[:2], []).append(word)
    for prefix in sorted(groups):
        for file_prefix, group in split(prefix, groups[prefix]):
            data: dict[str, dict[str, object]] = {"w": {}, "s": {}}
            for word in group:
                for kind, value in words[word]:
                    data[kind][word] = value
            key = f"{segment}/w/{file_prefix}"
            yield key + ".js", script(key, data)


def _docs_files(segment: str, cables: list[IndexedCable]) -> Iterator[tuple[str, bytes]]:
    for block in range(0, len(cables), DOCS_BLOCK):
        rows = [
            [
                cable.reference_id,
                readable(cable.subject),
                readable(cable.origin),
                readable(cable.classification),
                cable.created[:10],
                cable.url,
                readable(cable.body),  # already the excerpt (index_segment keeps no more)
            ]
            for cable in cables[block : block + DOCS_BLOCK]
        ]
        key = f"{segment}/c/{block // DOCS_BLOCK}"
        yield key + ".js", script(key, rows)


def _facets_files(segment: str, cables: list[IndexedCable]) -> Iterator[tuple[str, bytes]]:
    """Per cable, by id, as little-endian arrays in base64: in f.js its origin and classification
    (indexes into the segment's lists of names) and created day (days since 1900-01-01: sorting
    and the year range); in t.js its tags (a count, then the tags' indexes), read only when the
    reader opens the tag filter."""
    names: dict[str, dict[str, int]] = {"origin": {}, "classification": {}, "tag": {}}

    def number(kind: str, value: str) -> int:
        table = names[kind]
        return table.setdefault(readable(value), len(table))

    origins, classes, days, tags = array("H"), array("H"), array("H"), array("H")
    for cable in cables:
        origins.append(number("origin", cable.origin))
        classes.append(number("classification", cable.classification))
        days.append(_day_number(cable.created))
        tags.append(len(cable.tags))
        tags.extend(number("tag", tag) for tag in cable.tags)
    data = {
        "names": {kind: list(names[kind]) for kind in ("origin", "classification")},
        "origin": _little_endian(origins),
        "classification": _little_endian(classes),
        "day": _little_endian(days),
    }
    yield f"{segment}/f.js", script(f"{segment}/f", data)
    tag_data = {"names": list(names["tag"]), "tags": _little_endian(tags)}
    yield f"{segment}/t.js", script(f"{segment}/t", tag_data)


def _little_endian(column: array[int]) -> str:
    if sys.byteorder != "little":
        column = array(column.typecode, column)
        column.byteswap()
    return b64(column.tobytes())


def _day_number(created: str) -> int:
    """Days since 1900-01-01 (0 before it), as u16: to the year 2079."""
    days = _days_from_civil(int(created[:4]), int(created[5:7]), int(created[8:10])) - _days_from_civil(1900, 1, 1)
    return max(0, min(days, 65535))


def _days_from_civil(year: int, month: int, day: int) -> int:
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe


def index_segment(
    name: str,
    first: int,
    cables: Iterable[IndexedCable],
    statistics: Statistics | None,
    stemmer: Stemmer,
    put: Put,
) -> tuple[SegmentFiles, Statistics]:
    """Index the cables (in created order) and write the segment's files to `put`;
    `statistics` None: this is the base segment, scored with its own statistics, which it
    returns for the others."""
    index = SegmentIndex(first, stemmer)
    kept: list[IndexedCable] = []
    for cable in cables:
        index.add(cable)
        kept.append(
            IndexedCable(
                cable.reference_id,
                cable.created,
                cable.subject,
                cable.origin,
                cable.classification,
                cable.tags,
                cable.url,
                body_excerpt(cable.body),
            )
        )
    own = index.statistics()
    written = write_segment(name, index, kept, statistics or own, put)
    return written, statistics or own
