"""Search hide: a segment's files in the output and its newly hidden cables -> the files a re-read would write, the other cables not read again.

A cable revised or withdrawn after its segment was written is hidden there (index.hidden_cables).
It still counts in the statistics, so every other posting keeps its impact, and a stem's chunks
and entry are a function of its remaining postings alone (postings.write_scored). So only what
the hidden cables touched is made again, from the files in place and their own older text:

  p/, q/   the chunks of the stems they held: decoded, their postings dropped, encoded again
  w/       the dictionary: those stems' entries; a spelling that no visible cable writes goes
           (settled by reading the cables that hold its stem, at most `scan_limit` of them)
  c/       their result lines emptied;  f.js, t.js  their facets emptied, the names renumbered

The bytes are those `segment.index_segment` writes with the new hidden set. Whatever cannot be
shown to give them (a file missing or not as the build writes it, a spelling too costly to
settle, in a later segment a stem the base lacks, whose idf the hiding would move) is Refused:
the caller reads the segment again.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import os
import sys
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sitegen import parallel
from sitegen.search.files import DOCS_BLOCK, HIDDEN_LINE, Facets, dictionary_files, line_files, script
from sitegen.search.postings import Postings, decode_chunk, scored, unvarints, write_scored
from sitegen.search.segment import TEXT_DIGEST, CableSource, IndexedCable, Put, SegmentFiles, text_digest
from sitegen.search.tokens import Column, Tokeniser
from sitegen.search.words import folded_id, split_words

SCAN_LIMIT = 2_000  # cables read at most to settle which spellings stay; past it, a re-read
SCAN_GROUP = 16  # cables read at a time while settling a spelling
REWRITE_BATCH = 1_000_000  # postings a worker rewrites at a time
LIKENESS_DF = 2_000  # stems held by fewer cables say which cables are like the hidden ones
NEAR_STEMS = 64  # of a hidden cable's, the rarest that find the cables most like it
NEAR = 256  # cables read first, per hidden cable writing a spelling, to settle it
Files = list[tuple[str, bytes]]


@dataclass(frozen=True)
class Hiding:
    """A segment whose files in place differ from what it must be only by more hidden cables."""

    name: str
    source: CableSource  # its cables, read as the segment sees them (a held one as it stood)
    before: frozenset[int]  # the places hidden in the files in place
    after: frozenset[int]  # those to hide: `before` and more
    folder: Path  # the output's search folder
    prefixes: list[str]  # the dictionary's in place
    long: frozenset[int]  # SegmentFiles.long of the files in place
    texts: bytes  # SegmentFiles.texts of the files in place
    base_df: Mapping[str, int] | None = None  # a later segment's: the base's counts (idf_of)
    scan_limit: int = SCAN_LIMIT
    jobs: int = 1  # processes that rewrite the stems' chunks


@dataclass(frozen=True)
class Refused:
    """Why a segment is read again rather than edited."""

    reason: str


class _NotAsWritten(ValueError):
    """A file in place that is not what the build writes."""


def hide_in_segment(hiding: Hiding, put: Put) -> SegmentFiles | Refused:
    """The segment's files with `hiding.after` hidden: those that change handed to `put`, all of
    them named in the result; or why not. Every file is read and checked before any is put,
    save the stems' chunks, rewritten a batch at a time: a chunk found broken there refuses
    after earlier batches were put, stems the re-read then writes again."""
    if not hiding.before < hiding.after or max(hiding.after) >= len(hiding.source):
        return Refused("no cable of it newly hidden")
    try:
        return _hide(hiding, put)
    except (OSError, ValueError) as error:  # json, base64 and LEB128's errors are ValueErrors
        return Refused(f"its files in place: {error}")
    except (TypeError, KeyError, IndexError, AttributeError) as error:  # JSON of another shape than the build's
        return Refused(f"its files in place are not as the build writes them ({error!r})")


def _hide(hiding: Hiding, put: Put) -> SegmentFiles | Refused:
    newly = {at: hiding.source.cables(at, at + 1)[0] for at in sorted(hiding.after - hiding.before)}
    changed = _read_otherwise(hiding, newly)
    if changed:
        return Refused(f"{changed} is read now otherwise than it was indexed: its older postings are unknown")
    holds, writers = _hidden_words(newly)
    if hiding.base_df is not None:
        lacking = sorted(stem for stem in holds if not hiding.base_df.get(stem))
        if lacking:
            return Refused(f"{len(lacking)} stems of its hidden cables (such as {lacking[0]!r}) not in the base")
    entries, surfaces, old_names = _read_dictionary(hiding)
    missing = old_names - _present(hiding)
    if missing:
        return Refused(f"{len(missing)} of its files are not in the output, such as {min(missing)}")
    unlisted = sorted(holds.keys() - entries.keys())
    if unlisted:
        return Refused(f"{len(unlisted)} stems of its hidden cables (such as {unlisted[0]!r}) not in its dictionary")
    # What stays is known before any chunk is read: a stem stays while a cable not hidden holds it.
    staying = {stem for stem, entry in entries.items() if stem not in holds or _df(entry) > len(holds[stem])}
    asked = {word: surfaces[word] for word in writers if surfaces.get(word) in staying}
    gone = _Scan(hiding, entries, holds, writers).unwritten(asked)
    if isinstance(gone, Refused):
        return gone
    files = _lines(hiding) + _facets(hiding)  # read (and checked) before anything is handed on
    written = SegmentFiles(long=sorted(hiding.long), texts=hiding.texts)
    emit = written.sink(put)
    found = _rewrite(hiding, holds, entries, emit)
    if found.keys() != holds.keys() & staying:
        raise _NotAsWritten("the stems left are not those the entries said")
    entries = {stem: entry for stem, entry in entries.items() if stem not in holds} | found
    surfaces = {word: stem for word, stem in surfaces.items() if stem in entries and word not in gone}
    dictionary = list(dictionary_files(hiding.name, surfaces, entries))
    for path, data in files + dictionary:
        emit(path, data)
    written.prefixes = sorted(path[len(hiding.name) + 3 : -3] for path, _ in dictionary)
    written.names |= _lines_and_facets(hiding) | _entry_files(hiding.name, entries)
    return written


def _df(entry: str) -> int:
    return int(entry[1 : entry.index(",")])


@dataclass(frozen=True)
class _Rewriting:
    """What the workers rewriting the hidden cables' stems read (forked: nothing is copied)."""

    hiding: Hiding
    holds: dict[str, Column]
    entries: dict[str, str]
    hidden: Column  # hiding.after, sorted


def _rewrite(hiding: Hiding, holds: dict[str, Column], entries: dict[str, str], put: Put) -> dict[str, str]:
    """The chunk files of the stems the newly hidden cables hold, without their postings (to
    `put`, a batch of stems at a time, on `hiding.jobs` workers), and those stems' entries."""
    batches: list[list[str]] = []
    size = 0
    for stem in sorted(holds):
        if not batches or size > REWRITE_BATCH:
            batches.append([])
            size = 0
        batches[-1].append(stem)
        size += _df(entries[stem]) if stem in entries else 0
    found: dict[str, str] = {}
    for files, batch_entries in parallel.map_batches(
        _rewrite_batch, _Rewriting(hiding, holds, entries, np.array(sorted(hiding.after))), batches, hiding.jobs
    ):
        for path, data in files:
            put(path, data)
        found.update(batch_entries)
    return found


def _rewrite_batch(context: _Rewriting, stems: list[str]) -> tuple[Files, dict[str, str]]:
    """A worker's share: a batch of stems decoded, the hidden cables' postings dropped, and
    chunked and encoded again as write_block does."""
    hiding, kept = context.hiding, []
    for stem in stems:
        postings = _decode(hiding, stem, context.entries.get(stem))
        if not np.isin(context.holds[stem], postings.doc).all():
            raise _NotAsWritten(f"the postings of {stem!r} lack a hidden cable's")
        kept.append(postings.without(context.hidden))
    files: Files = []
    return files, write_scored(hiding.name, scored(kept), stems, _append_to(files))


def _read_otherwise(hiding: Hiding, newly: dict[int, IndexedCable]) -> str | None:
    """The first newly hidden cable whose text, read now, is not the one the files in place
    were made from (its file edited or unreadable since): which stems it held is then unknown,
    and only a re-read drops them all."""
    if len(hiding.texts) != TEXT_DIGEST * len(hiding.source):
        return "the text of every cable"
    for at, cable in newly.items():
        if text_digest(cable) != hiding.texts[TEXT_DIGEST * at : TEXT_DIGEST * (at + 1)]:
            return cable.reference_id
    return None


def _hidden_words(newly: dict[int, IndexedCable]) -> tuple[dict[str, Column], dict[str, list[int]]]:
    """The stems the newly hidden cables (by place) hold postings of, and the spellings they
    write that are not their stems; each with those cables."""
    holds: dict[str, list[int]] = {}
    spelled: dict[str, list[int]] = {}
    tokeniser = Tokeniser()
    for at, cable in newly.items():
        run = tokeniser.run([(cable.reference_id, cable.subject, cable.tags, cable.body)], at)
        for number in np.unique(run.stem).tolist():
            holds.setdefault(run.stems[number], []).append(at)
        for word in run.surfaces:
            spelled.setdefault(word, []).append(at)
    return {stem: np.array(docs, dtype=np.int64) for stem, docs in holds.items()}, spelled


def _load(hiding: Hiding, key: str) -> tuple[bytes, Any]:
    """A file's bytes and its data, as `sitegenSearch.put(key, data)` holds them."""
    data = (hiding.folder / f"{key}.js").read_bytes()
    head = f'sitegenSearch.put("{key}",'.encode("ascii")
    if not data.startswith(head) or not data.endswith(b");\n"):
        raise _NotAsWritten(f"{key}.js is not an index file of {key}")
    return data, json.loads(data[len(head) : -3])


def _read_dictionary(hiding: Hiding) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """The dictionary in place: each stem's entry (compact JSON), the spellings, and the
    paths of the files it and its chunks are in. Made again from what was read, it must be
    the same bytes (so nothing of it was lost in the reading)."""
    entries: dict[str, str] = {}
    surfaces: dict[str, str] = {}
    old: Files = []
    for prefix in hiding.prefixes:
        key = f"{hiding.name}/w/{prefix}"
        data, found = _load(hiding, key)
        if not isinstance(found, dict) or not isinstance(found.get("s"), dict) or not isinstance(found.get("w"), dict):
            raise _NotAsWritten(f"{key}.js is no dictionary")
        entries.update((stem, json.dumps(entry, separators=(",", ":"))) for stem, entry in found["s"].items())
        surfaces.update(found["w"])
        old.append((f"{key}.js", data))
    if list(dictionary_files(hiding.name, surfaces, entries)) != old:
        raise _NotAsWritten("the dictionary is not as the build writes it")
    old_names = {path for path, _ in old} | _entry_files(hiding.name, entries) | _lines_and_facets(hiding)
    return entries, surfaces, old_names


def _entry_files(segment: str, entries: Mapping[str, str]) -> set[str]:
    """The chunk files of the stems whose postings are not inline ([df, chunks, 0])."""
    return {
        f"{segment}/{kind}/{stem[:2]}/{stem}.{k}.js"
        for stem, entry in entries.items()
        if entry.endswith(",0]")
        for k in range(entry.count("[") - 2)
        for kind in ("p", "q")
    }


def _decode(hiding: Hiding, stem: str, entry: str | None) -> Postings:
    """A stem's postings, from its inline entry or its chunk files."""
    if entry is None:
        raise _NotAsWritten(f"no entry for {stem!r}, which a hidden cable holds")
    df, summary, inline = _entry_parts(json.loads(entry))
    if inline:
        chunks = [_chunk(*inline)]
    else:
        chunks = [_chunk_file(hiding, stem, k) for k in range(len(summary))]
    for (size, best), chunk in zip(summary, chunks, strict=True):
        if len(chunk.doc) != size or int(chunk.impact.max()) != best:
            raise _NotAsWritten(f"the chunks of {stem!r} are not as its entry says")
    postings = Postings.joined(chunks)
    if (
        len(postings.doc) != df
        or postings.doc.min() < 0
        or postings.doc.max() >= len(hiding.source)
        or _repeats(postings.doc, len(chunks))
    ):
        raise _NotAsWritten(f"the postings of {stem!r} are not as its entry says")
    return postings


def _ids(hiding: Hiding, stem: str, entry: str) -> Column:
    """A stem's cables, from its entry or its chunks' ids (not their positions)."""
    _, summary, inline = _entry_parts(json.loads(entry))
    if inline:
        texts = [inline[0]]
    else:
        texts = [_ids_of(_load(hiding, f"{hiding.name}/p/{stem[:2]}/{stem}.{k}")[1]) for k in range(len(summary))]
    docs = np.concatenate([np.cumsum(unvarints(_bytes(text))) for text in texts])
    if len(docs) and not 0 <= docs.min() <= docs.max() < len(hiding.source):
        raise _NotAsWritten(f"the ids of {stem!r} are not the segment's")
    return docs


def _ids_of(chunk: object) -> str:
    if not (isinstance(chunk, list) and len(chunk) == 2 and all(isinstance(s, str) for s in chunk)):
        raise _NotAsWritten("a chunk is not as the build writes it")
    return str(chunk[0])


def _repeats(doc: Column, chunks: int) -> bool:
    """Whether a cable has two postings of the stem (each chunk's ids are checked ascending)."""
    if chunks == 1:
        return False
    seen = np.zeros(int(doc.max()) + 1, dtype=np.int64)
    np.add.at(seen, doc, 1)
    return bool(seen.max() > 1)


def _entry_parts(entry: object) -> tuple[int, list[tuple[int, int]], list[str] | None]:
    """[df, [[count, best impact], ...], inline postings or 0], checked."""
    if not isinstance(entry, list) or len(entry) != 3 or not isinstance(entry[0], int):
        raise _NotAsWritten(f"an entry not as the build writes it: {entry!r:.80}")
    df, summary, inline = entry
    if not isinstance(summary, list) or not summary or not all(_is_pair(pair) for pair in summary):
        raise _NotAsWritten(f"an entry not as the build writes it: {entry!r:.80}")
    if inline != 0 and not (isinstance(inline, list) and len(inline) == 3 and all(isinstance(s, str) for s in inline)):
        raise _NotAsWritten(f"an entry not as the build writes it: {entry!r:.80}")
    return df, [(size, best) for size, best in summary], inline or None


def _is_pair(pair: object) -> bool:
    return isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, int) for n in pair)


def _chunk_file(hiding: Hiding, stem: str, k: int) -> Postings:
    _, ids = _load(hiding, f"{hiding.name}/p/{stem[:2]}/{stem}.{k}")
    _, positions = _load(hiding, f"{hiding.name}/q/{stem[:2]}/{stem}.{k}")
    _ids_of(ids)
    if not isinstance(positions, str):
        raise _NotAsWritten(f"the positions of chunk {k} of {stem!r} are not as the build writes them")
    return _chunk(ids[0], ids[1], positions)


def _chunk(ids: str, impacts: str, positions: str) -> Postings:
    return decode_chunk(_bytes(ids), _bytes(impacts), _bytes(positions))


def _bytes(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise _NotAsWritten(f"not base64: {error}") from None


def _append_to(files: Files) -> Put:
    def put(path: str, data: bytes) -> None:
        files.append((path, data))

    return put


@dataclass
class _Scan:
    """Which spellings some visible cable writes, read from the cables that hold their stems
    (and the long ones, which may write a word past their last indexed position)."""

    hiding: Hiding
    entries: dict[str, str]
    holds: dict[str, Column]  # the stems the newly hidden cables hold
    writers: dict[str, list[int]]  # each spelling asked about: the newly hidden cables writing it
    read: set[int] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    likeness: Column | None = None  # _likeness, made when first asked
    near: dict[int, list[int]] = field(default_factory=dict)  # _likest's, per hidden cable
    rare: dict[str, Column] = field(default_factory=dict)  # the rarer stems' cables, once read
    rarest: dict[int, list[str]] | None = None  # _rarest_stems, made when first asked
    # The last stem asked about: its cables, and those ordered by likeness (for its other spellings).
    holding: tuple[str, Column, list[int]] = ("", np.zeros(0, dtype=np.int64), [])

    def unwritten(self, words: dict[str, str]) -> set[str] | Refused:
        """Of the spellings (-> their stems), those no visible cable writes; Refused past the limit."""
        gone = set()
        for stem, word in sorted((stem, word) for word, stem in words.items()):  # a stem's spellings together
            if word in self.written:
                continue
            waiting = self._holders(word, stem)
            while word not in self.written:
                group = list(
                    itertools.islice(waiting, max(0, min(SCAN_GROUP, self.hiding.scan_limit - len(self.read))))
                )
                if not group:
                    if next(waiting, None) is not None:
                        return Refused(
                            f"settling the spelling {word!r} takes more than {self.hiding.scan_limit} cables"
                        )
                    gone.add(word)
                    break
                self._read(group)
        return gone

    def _holders(self, word: str, stem: str) -> Iterator[int]:
        """The cables that may write `word`, a spelling of `stem`: the long ones; then those
        holding the stem, first those most like the hidden cables writing it (most likely to
        write it too), then those most like the hidden cables as a whole."""
        if self.holding[0] != stem:
            docs = _ids(self.hiding, stem, self.entries[stem])
            if self.likeness is None:
                self.likeness = self._likeness()
            self.holding = (stem, docs, docs[np.argsort(-self.likeness[docs], kind="stable")].tolist())
        _, docs, likest = self.holding
        near = np.array([doc for cable in self.writers[word] for doc in self._likest(cable)], dtype=np.int64)
        order = itertools.chain(sorted(self.hiding.long), near[np.isin(near, docs)].tolist(), likest)
        hidden, offered = self.hiding.after, set()
        for doc in order:
            if doc not in hidden and doc not in self.read and doc not in offered:
                offered.add(doc)
                yield doc

    def _likest(self, cable: int) -> list[int]:
        """The NEAR cables most like a hidden one: sharing most of its rarest stems, each
        weighing 1 / its count (a copy, a reply, a cable of the same post on the same story)."""
        found = self.near.get(cable)
        if found is None:
            if self.rarest is None:
                self.rarest = self._rarest_stems()
            score = np.zeros(len(self.hiding.source), dtype=np.float64)
            for stem in self.rarest.get(cable, [])[:NEAR_STEMS]:
                docs = self._rare_ids(stem)
                score[docs] += 1.0 / len(docs)
            score[cable] = 0.0
            top = np.flatnonzero(score)
            top = top[np.argsort(-score[top], kind="stable")][:NEAR]
            found = self.near[cable] = top.tolist()
        return found

    def _rarest_stems(self) -> dict[int, list[str]]:
        """Per hidden cable, its stems held by at most LIKENESS_DF cables, rarest first."""
        rarest: dict[int, list[str]] = {}
        counted = sorted((_df(self.entries[stem]), stem) for stem in self.holds if stem in self.entries)
        for df, stem in counted:
            if df <= LIKENESS_DF:
                for cable in self.holds[stem].tolist():
                    rarest.setdefault(cable, []).append(stem)
        return rarest

    def _likeness(self) -> Column:
        """Per cable, the rarer stems it shares with the hidden cables, each weighing 1 / its
        count: a cable much like them (on their subject, from their post) likely writes their
        spellings."""
        likeness = np.zeros(len(self.hiding.source), dtype=np.float64)
        for stem in self.holds:
            if stem in self.entries and _df(self.entries[stem]) <= LIKENESS_DF:
                docs = self._rare_ids(stem)
                likeness[docs] += 1.0 / len(docs)
        return likeness

    def _rare_ids(self, stem: str) -> Column:
        found = self.rare.get(stem)
        if found is None:
            found = self.rare[stem] = _ids(self.hiding, stem, self.entries[stem]).astype(np.int32)
        return found

    def _read(self, docs: list[int]) -> None:
        self.read.update(docs)
        for doc in docs:
            for cable in self.hiding.source.cables(doc, doc + 1):
                self.written.update(_words(cable))


def _words(cable: IndexedCable) -> Iterator[str]:
    """Every word a cable writes, as the Tokeniser reads it (tokens._Batch.add: its ID, subject,
    TAGS and body), not stemmed: a spelling is asked for, not its stem."""
    yield folded_id(cable.reference_id)
    yield from split_words(cable.subject)
    for tag in cable.tags:
        yield from split_words(tag)
    yield from split_words(cable.body)


def _lines(hiding: Hiding) -> Files:
    """The blocks of result lines holding newly hidden cables, their lines emptied as
    line_files writes a hidden entry's."""
    (_, data), *_ = line_files(hiding.name, 0, [HIDDEN_LINE])
    empty = json.loads(data[data.index(b",") + 1 : -3])[0]
    files: Files = []
    newly = sorted(hiding.after - hiding.before)
    for block, places in itertools.groupby(newly, key=lambda at: at // DOCS_BLOCK):
        key = f"{hiding.name}/c/{block}"
        data, rows = _load(hiding, key)
        size = min(DOCS_BLOCK, len(hiding.source) - block * DOCS_BLOCK)
        if not isinstance(rows, list) or len(rows) != size or script(key, rows) != data:
            raise _NotAsWritten(f"{key}.js is not as the build writes it")
        for at in places:
            rows[at % DOCS_BLOCK] = empty
        files.append((f"{key}.js", script(key, rows)))
    return files


def _facets(hiding: Hiding) -> Files:
    """f.js and t.js made again: every cable's origin, classification, day and tags as the files
    in place hold them, the newly hidden ones' as a hidden entry's, numbered by first use. Made
    with the cables hidden before alone, they must be the files in place."""
    columns = _facet_columns(hiding)
    old = [(f"{hiding.name}/{key}.js", _load(hiding, f"{hiding.name}/{key}")[0]) for key in ("f", "t")]
    if _facet_files(hiding.name, columns, hiding.before) != old:
        raise _NotAsWritten("the facets are not as the build writes them")
    return _facet_files(hiding.name, columns, hiding.after)


def _facet_files(
    segment: str, columns: tuple[list[str], list[str], list[int], list[list[str]]], hidden: frozenset[int]
) -> Files:
    origins, classes, days, tags = columns
    facets = Facets()
    for at, (origin, classification, day, tagged) in enumerate(zip(origins, classes, days, tags, strict=True)):
        if at in hidden:
            facets.add([HIDDEN_LINE])
            continue
        facets.origins.append(facets.number("origin", origin))
        facets.classes.append(facets.number("classification", classification))
        facets.days.append(day)
        facets.tags.append(len(tagged))
        facets.tags.extend(facets.number("tag", tag) for tag in tagged)
    return list(facets.files(segment))


def _facet_columns(hiding: Hiding) -> tuple[list[str], list[str], list[int], list[list[str]]]:
    """Per cable, its origin, classification, day and tags, from f.js and t.js in place."""
    _, found = _load(hiding, f"{hiding.name}/f")
    _, tagged = _load(hiding, f"{hiding.name}/t")
    try:
        names, origin, classes = found["names"], _column(found["origin"]), _column(found["classification"])
        origins = [names["origin"][n] for n in origin]
        classifications = [names["classification"][n] for n in classes]
        days, tag_names, tag_column = list(_column(found["day"])), tagged["names"], _column(tagged["tags"])
        tags, at = [], 0
        while at < len(tag_column):
            tags.append([tag_names[n] for n in tag_column[at + 1 : at + 1 + tag_column[at]]])
            at += 1 + tag_column[at]
    except (KeyError, IndexError, TypeError) as error:
        raise _NotAsWritten(f"the facets are not as the build writes them ({error!r})") from None
    size = len(hiding.source)
    if not len(origins) == len(classifications) == len(days) == len(tags) == size or at != len(tag_column):
        raise _NotAsWritten("the facets do not hold every cable")
    return origins, classifications, days, tags


def _column(text: object) -> array[int]:
    if not isinstance(text, str):
        raise _NotAsWritten("a facet column is not base64")
    column = array("H", _bytes(text))
    if sys.byteorder != "little":
        column.byteswap()
    return column


def _lines_and_facets(hiding: Hiding) -> set[str]:
    lines = {f"{hiding.name}/c/{block}.js" for block in range(-(-len(hiding.source) // DOCS_BLOCK))}
    return lines | {f"{hiding.name}/f.js", f"{hiding.name}/t.js"}


def _present(hiding: Hiding) -> set[str]:
    """The segment's files in the output."""
    root = str(hiding.folder / hiding.name)
    return {
        f"{hiding.name}{directory[len(root) :]}/{name}".replace(os.sep, "/")
        for directory, _, found in os.walk(root)
        for name in found
    }
