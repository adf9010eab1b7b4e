"""Search reader: the index files in an output -> Python values, read as search.js reads them (for check and tests)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen import urls
from sitegen.search.segment import DOCS_BLOCK, MAX_PREFIX
from sitegen.search.words import split_words

_PUT = re.compile(r'sitegenSearch\.put\(("(?:[^"\\]|\\.)*"),(.*)\);\n\Z', re.S)


class IndexError_(ValueError):
    """An index file that is not what the build writes."""


def read_script(path: Path) -> tuple[str, Any]:
    """The key and data of one index file."""
    match = _PUT.match(path.read_text(encoding="ascii"))
    if match is None:
        raise IndexError_(f"not an index file: {path}")
    return json.loads(match[1]), json.loads(match[2])


def decode_varints(data: str) -> list[int]:
    values, value, shift = [], 0, 0
    for byte in base64.b64decode(data):
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            values.append(value)
            value, shift = 0, 0
    return values


@dataclass(frozen=True)
class Posting:
    doc: int
    impact: int
    positions: tuple[int, ...]


@dataclass(frozen=True)
class SegmentInfo:
    name: str
    first: int
    count: int


class IndexReader:
    """The search index of a built output."""

    def __init__(self, output: Path):
        self.folder = output / urls.SEARCH_FOLDER
        _, self.meta = read_script(self.folder / "meta.js")
        self.segments = [SegmentInfo(s["name"], s["first"], s["count"]) for s in self.meta["segments"]]

    def load(self, key: str) -> Any:
        found_key, data = read_script(self.folder / f"{key}.js")
        if found_key != key:
            raise IndexError_(f"{key}.js holds {found_key!r}")
        return data

    def prefixes(self, segment: str) -> list[str]:
        return next(list(s["prefixes"]) for s in self.meta["segments"] if s["name"] == segment)

    def cables(self) -> Iterator[tuple[int, list[str]]]:
        """Every cable's id and result line [ID, subject, origin, classification, created, url, excerpt];
        not the hidden entries (a cable revised or withdrawn since its segment was written),
        whose line is empty."""
        for segment in self.segments:
            for block in range(0, segment.count, DOCS_BLOCK):
                for offset, row in enumerate(self.load(f"{segment.name}/c/{block // DOCS_BLOCK}")):
                    if row[0]:
                        yield segment.first + block + offset, row

    def dictionary(self, segment: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for prefix in self.prefixes(segment):
            yield prefix, self.load(f"{segment}/w/{prefix}")

    def words(self) -> set[str]:
        """Every surface word and stem the dictionaries hold."""
        found: set[str] = set()
        for segment in self.segments:
            for _, data in self.dictionary(segment.name):
                found |= data["w"].keys() | data["s"].keys()
        return found

    def _dictionary_for(self, segment: str, word: str) -> dict[str, Any] | None:
        prefixes = set(self.prefixes(segment))
        for length in range(min(len(word), MAX_PREFIX), 0, -1):
            if word[:length] in prefixes:
                data: dict[str, Any] = self.load(f"{segment}/w/{word[:length]}")
                return data
        return None

    def postings(self, word: str) -> list[Posting]:
        """Every posting of a surface word's stem, in every segment (by impact, as stored)."""
        found: list[Posting] = []
        for segment in self.segments:
            data = self._dictionary_for(segment.name, word)
            if data is None:
                continue
            stem = data["w"].get(word, word)
            stems = self._dictionary_for(segment.name, stem) if stem != word else data
            if stems is None or stem not in stems["s"]:
                continue
            _, chunks, inline = stems["s"][stem]
            for k in range(len(chunks)):
                if inline:
                    ids, impacts, positions = inline
                else:
                    ids, impacts = self.load(f"{segment.name}/p/{stem[:2]}/{stem}.{k}")
                    positions = self.load(f"{segment.name}/q/{stem[:2]}/{stem}.{k}")
                found += _postings(segment.first, ids, impacts, positions)
        return found

    def search(self, text: str) -> list[int]:
        """The ids of the cables holding every word of `text`, best first (as the page ranks)."""
        scores: dict[int, int] | None = None
        for word in split_words(text):
            here = {posting.doc: posting.impact for posting in self.postings(word)}
            scores = here if scores is None else {d: s + here[d] for d, s in scores.items() if d in here}
        return sorted(scores or {}, key=lambda doc: (-(scores or {})[doc], -doc))


def _postings(first: int, ids: str, impacts: str, positions: str) -> list[Posting]:
    docs, doc = [], first
    for delta in decode_varints(ids):
        doc += delta
        docs.append(doc)
    impact_bytes = base64.b64decode(impacts)
    raw = decode_varints(positions)
    out, at = [], 0
    for index, doc in enumerate(docs):
        count = raw[at]
        at += 1
        where, position = [], 0
        for delta in raw[at : at + count]:
            position += delta
            where.append(position)
        at += count
        out.append(Posting(doc, impact_bytes[index], tuple(where)))
    return out
