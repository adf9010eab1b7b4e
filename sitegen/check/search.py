"""Check the search index: output/search/ -> defects where it disagrees with the cable pages or lists a withheld cable.

The index must hold every cable page of the output once, with that page's URL and ID, and
nothing else; every file its dictionaries name must exist and no file may lie outside them;
no withheld reference ID may be a word of it.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sitegen import urls
from sitegen.check.report import CheckReport
from sitegen.search.reader import IndexReader
from sitegen.search.segment import DOCS_BLOCK
from sitegen.search.words import folded_id


def check_search_index(
    root: Path,
    root_files: Collection[str],
    cable_pages: Collection[str],
    withheld: Collection[str],
    report: CheckReport,
) -> None:
    """Audit output/search (in the output `root`, whose files are `root_files`) against its cable pages."""
    index_files = {name for name in root_files if name.startswith(urls.SEARCH_FOLDER + "/")}
    if not index_files:
        if urls.SEARCH in root_files:
            report.add("search page without its index", urls.SEARCH)
        return
    try:
        reader = IndexReader(root)
        expected = _files_expected(reader, report)
        indexed = _cables_indexed(reader, report)
        words = reader.words()
    except (OSError, ValueError, KeyError, TypeError) as error:
        report.add("search index unreadable", f"{type(error).__name__}: {error}")
        return
    _check_cables(indexed, set(cable_pages), report)
    for name in sorted(expected - index_files):
        report.add("search index file missing", name)
    for name in sorted(index_files - expected):
        report.add("search index file no segment lists", name)
    for reference_id in sorted(withheld):
        if folded_id(reference_id) in words:
            report.add("unreleased cable appears in output", f"{reference_id} in the search index's words")
    report.figures["search index files"] = len(index_files)
    report.figures["search index cables"] = len(indexed)


def _files_expected(reader: IndexReader, report: CheckReport) -> set[str]:
    """The index files its segments name; a segment whose first cable id does not follow the
    last one's is reported."""
    expected = {f"{urls.SEARCH_FOLDER}/meta.js"}
    next_id = 0
    for segment in reader.segments:
        if segment.first != next_id:
            report.add("search index: cable ids not contiguous", f"{segment.name} starts at {segment.first}")
        next_id = segment.first + segment.count
        expected |= _segment_files(reader, segment.name)
    return expected


def _cables_indexed(reader: IndexReader, report: CheckReport) -> dict[str, str]:
    """Reference ID -> URL of each cable the index lists; a cable listed twice is reported."""
    indexed: dict[str, str] = {}
    for _, (reference_id, _, _, _, _, url, _) in reader.cables():
        if url in indexed.values() or reference_id in indexed:
            report.add("search index lists a cable twice", reference_id)
        indexed[reference_id] = url
    return indexed


def _check_cables(indexed: dict[str, str], pages: set[str], report: CheckReport) -> None:
    """Reports each cable the index lists without its page, and each cable page it misses."""
    for reference_id, url in sorted(indexed.items()):
        match = urls.CABLE_PAGE.fullmatch(url)
        if url not in pages or match is None or match[1] != reference_id:
            report.add("search index lists a cable without its page", f"{reference_id} -> {url}")
    for page in sorted(pages - set(indexed.values())):
        report.add("cable page missing from the search index", page)


def _segment_files(reader: IndexReader, segment: str) -> set[str]:
    """The files a segment's dictionaries and counts name."""
    folder = f"{urls.SEARCH_FOLDER}/{segment}"
    files = {f"{folder}/f.js", f"{folder}/t.js"}
    count = next(s.count for s in reader.segments if s.name == segment)
    files |= {f"{folder}/c/{block}.js" for block in range((count + DOCS_BLOCK - 1) // DOCS_BLOCK)}
    for prefix, data in reader.dictionary(segment):
        files.add(f"{folder}/w/{prefix}.js")
        for stem, (_, chunks, inline) in data["s"].items():
            if inline:
                continue
            for k in range(len(chunks)):
                files.add(f"{folder}/p/{stem[:2]}/{stem}.{k}.js")
                files.add(f"{folder}/q/{stem[:2]}/{stem}.{k}.js")
    return files
