"""Search files: a segment's cables and stems -> its dictionary, result lines and facet columns.

w/<prefix>.js    the dictionary: surface word -> stem, stem -> its count and chunks
c/<block>.js     the result lines of 8 cables (ID, subject, origin, date, excerpt)
f.js, t.js       per cable: origin, classification, created day; its tags
"""

from __future__ import annotations

import base64
import json
import re
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

DOCS_BLOCK = 8  # cables per file of result lines: 20 results read at most 20 files of ~4 KB
DICT_TARGET = 48_000  # bytes: a dictionary file bigger than this is split by a longer prefix
# Reference IDs are words, unique and sharing long prefixes (09STATE...): at 251,287 cables the
# file of 09st held 560 KB while the split stopped at 4 characters.
MAX_PREFIX = 12
EXCERPT_CHARS = 240
_FIRST_PARAGRAPH = re.compile(r"^[ \t]*1\.[ \t]", re.M)
_SUBJECT_LINE = re.compile(r"^[ \t]*SUBJECT:.*$", re.M)
_SPACES = re.compile(r"\s+")


class Line(NamedTuple):
    """What a result shows of a cable, and what it is filtered by."""

    reference_id: str
    created: str
    subject: str
    origin: str
    classification: str
    tags: tuple[str, ...]
    url: str
    excerpt: str


# A hidden entry's line (a cable revised or withdrawn since its segment was written): no ID, no
# text, not even its created day, which would say that a cable of that day was taken down. No
# word finds it, so no result, sort or filter ever reads it.
HIDDEN_LINE = Line("", "", "", "", "", (), "", "")


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


def dictionary_files(segment: str, surfaces: dict[str, str], stems: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    """The dictionary, split by prefix: a 2-character prefix's file, split by 3 and then 4
    characters while it is bigger than DICT_TARGET. A word shorter than its group's prefix
    stays in the file of its own length's prefix. The browser takes the longest listed prefix.
    `stems` holds each stem's entry as compact JSON (at 251,287 cables, ~290,000 of them: as
    lists they took more memory than their text)."""
    weight = _word_weights(surfaces, stems)
    groups: dict[str, list[str]] = {}
    for word in sorted(weight):
        groups.setdefault(word[:2], []).append(word)
    for prefix in sorted(groups):
        for file_prefix, group in _split_group(prefix, groups[prefix], weight):
            found = ",".join(f'"{word}":{stems[word]}' for word in group if word in stems)
            seen = ",".join(f'"{word}":"{surfaces[word]}"' for word in group if word in surfaces)
            key = f"{segment}/w/{file_prefix}"
            # What `script(key, {"s": ..., "w": ...})` writes, keys sorted, without the lists.
            yield key + ".js", f'sitegenSearch.put("{key}",{{"s":{{{found}}},"w":{{{seen}}}}});\n'.encode("ascii")


def _word_weights(surfaces: dict[str, str], stems: dict[str, str]) -> dict[str, int]:
    """Each word's bytes in its dictionary file, as `json.dumps` would space them (", "): a rare
    stem's entry holds its postings (up to ~2 KB). Words and stems are a-z and 0-9: no escapes."""
    weight = dict.fromkeys(surfaces.keys() | stems.keys(), 0)
    for surface, stem in surfaces.items():
        weight[surface] += len(surface) + 6 + len(stem) + 2
    for stem, entry in stems.items():
        weight[stem] += len(stem) + 6 + len(entry) + entry.count(",")
    return weight


def _split_group(prefix: str, group: list[str], weight: dict[str, int]) -> Iterator[tuple[str, list[str]]]:
    """A prefix's words, as one file or split by one more character (recursively) while the
    file would be bigger than DICT_TARGET; the words no longer than the prefix stay in its file."""
    if len(prefix) >= MAX_PREFIX or sum(map(weight.__getitem__, group)) <= DICT_TARGET:
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
        yield from _split_group(sub, longer[sub], weight)


def line_files(segment: str, first: int, cables: list[Line]) -> Iterator[tuple[str, bytes]]:
    """The result lines of cables numbered from `first` (a multiple of DOCS_BLOCK)."""
    for block in range(0, len(cables), DOCS_BLOCK):
        rows = [
            [
                cable.reference_id,
                readable(cable.subject),
                readable(cable.origin),
                readable(cable.classification),
                cable.created[:10],
                cable.url,
                readable(cable.excerpt),
            ]
            for cable in cables[block : block + DOCS_BLOCK]
        ]
        key = f"{segment}/c/{(first + block) // DOCS_BLOCK}"
        yield key + ".js", script(key, rows)


@dataclass
class Facets:
    """Per cable, by id, as little-endian arrays in base64: in f.js its origin and classification
    (indexes into the segment's lists of names) and created day (days since 1900-01-01: sorting
    and the year range); in t.js its tags (a count, then the tags' indexes), read only when the
    reader opens the tag filter."""

    names: dict[str, dict[str, int]] = field(default_factory=lambda: {"origin": {}, "classification": {}, "tag": {}})
    origins: array[int] = field(default_factory=lambda: array("H"))
    classes: array[int] = field(default_factory=lambda: array("H"))
    days: array[int] = field(default_factory=lambda: array("H"))
    tags: array[int] = field(default_factory=lambda: array("H"))

    def number(self, kind: str, value: str) -> int:
        table = self.names[kind]
        return table.setdefault(readable(value), len(table))

    def add(self, cables: list[Line]) -> None:
        for cable in cables:
            self.origins.append(self.number("origin", cable.origin))
            self.classes.append(self.number("classification", cable.classification))
            self.days.append(_day_number(cable.created))
            self.tags.append(len(cable.tags))
            self.tags.extend(self.number("tag", tag) for tag in cable.tags)

    def files(self, segment: str) -> Iterator[tuple[str, bytes]]:
        data = {
            "names": {kind: list(self.names[kind]) for kind in ("origin", "classification")},
            "origin": _little_endian(self.origins),
            "classification": _little_endian(self.classes),
            "day": _little_endian(self.days),
        }
        yield f"{segment}/f.js", script(f"{segment}/f", data)
        tag_data = {"names": list(self.names["tag"]), "tags": _little_endian(self.tags)}
        yield f"{segment}/t.js", script(f"{segment}/t", tag_data)


def _little_endian(column: array[int]) -> str:
    if sys.byteorder != "little":
        column = array(column.typecode, column)
        column.byteswap()
    return b64(column.tobytes())


def _day_number(created: str) -> int:
    """Days since 1900-01-01 (0 before it, and for a hidden entry), as u16: to the year 2079."""
    if not created:
        return 0
    days = _days_from_civil(int(created[:4]), int(created[5:7]), int(created[8:10])) - _days_from_civil(1900, 1, 1)
    return max(0, min(days, 65535))


def _days_from_civil(year: int, month: int, day: int) -> int:
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe
