"""Changes: what differs from the last build -> whether to build at all, and which cables and pages it reaches.

A no-op build is told by three digests (inputs, cable file stats, moments crossed); an
incremental one learns the old and new entries of every cable that changed, and what the
keys of documents depend on.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from sitegen.catalogue import CableEntry, Catalogue
from sitegen.catalogue_versions import Earlier, current_versions
from sitegen.fingerprint import BUILTIN_TEMPLATES, code_fingerprint
from sitegen.incremental.manifest import BuildMeta, SourceState
from sitegen.incremental.reach import CatalogueDiff, note_slugs
from sitegen.incremental.stored import stays_in_place
from sitegen.layout import SiteLayout
from sitegen.model import REFERENCE_IN_PROSE
from sitegen.sources.history import history_moments
from sitegen.sources.pages import Document
from sitegen.sources.scan import Scan, file_digest
from sitegen.versions import is_pending
from sitegen.write import BUILTIN_STATIC


def inputs_fingerprint(layout: SiteLayout, search: bool) -> str:
    """A hash of every input except the cable files: code, templates, static files, config,
    documents, and whether the site has search (a page links to it or not)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code_fingerprint().encode())
    digest.update(b"search" if search else b"no search")
    roots: list[Path] = [
        BUILTIN_TEMPLATES,
        BUILTIN_STATIC,
        layout.templates,
        layout.static,
        layout.pages,
        layout.articles,
    ]
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if path.is_file():
                digest.update(str(path).encode() + b"\0" + path.read_bytes())
    if layout.config.exists():
        digest.update(layout.config.read_bytes())
    return digest.hexdigest()


def release_moments(
    before: dict[str, int], gone: Iterable[CableEntry | None], come: Iterable[CableEntry | None]
) -> dict[str, int]:
    """Every release moment in the archive, with how many cable files hold it (BuildMeta): the
    last build's less those of the entries gone, with those of the entries come. Exact, so a
    moment no file holds any more never sends a build the general way."""
    moments = Counter(before)
    moments.subtract(moment for entry in gone if entry is not None for moment in _moments(entry))
    moments.update(moment for entry in come if entry is not None for moment in _moments(entry))
    return {moment: count for moment, count in sorted(moments.items()) if count > 0}


def _moments(entry: CableEntry) -> tuple[str, ...]:
    """The moments a cable's file names at which what the site shows of it changes: its release,
    and its revision and withdrawal (versions.py; a pending or malformed one is no moment)."""
    moments = (entry.released, entry.revised, entry.withdrawn)
    return tuple(moment for moment in moments if moment and not is_pending(moment))


class EarlierVersions(NamedTuple):
    """What the general path's diff reads of the earlier versions: their entries (asked of the
    few cables crossed) and the moments each revised cable's name (version_moments)."""

    earlier: Earlier | None
    moments: dict[str, list[str]]


def _version_shown(entry: CableEntry, as_of: str, earlier: Earlier | None) -> CableEntry:
    held, removed, _ = current_versions([entry], as_of, earlier)
    return held[0] if held else removed[entry.reference_id]


def version_moments(
    before: dict[str, list[str]], site_dir: Path, gone: Iterable[CableEntry | None], come: Iterable[CableEntry | None]
) -> dict[str, list[str]]:
    """The moments each revised cable's earlier versions name, by reference ID (BuildMeta): the
    last build's less those of the cables gone, with those of the cables come, read again (a
    revision adds a version to the history). Only revised cables' histories are read: a few."""
    moments = dict(before)
    for entry in gone:
        if entry is not None:
            moments.pop(entry.reference_id, None)
    for entry in come:
        if entry is not None and (found := history_moments(site_dir, entry)):
            moments[entry.reference_id] = found
    return dict(sorted(moments.items()))


def moments_crossed(meta: BuildMeta, as_of: str) -> bool:
    """Whether a moment at which what the site shows changes lies between the last build's
    as-of and this one's: a cable file's release, revision or withdrawal, or one its earlier
    versions name (a file revised again names only its latest revision, or a pending one)."""
    low, high = sorted((meta.as_of or "", as_of))
    return any(low < moment <= high for moment in chain(meta.release_moments, *meta.version_moments.values()))


def nothing_changed(meta: BuildMeta, as_of: str, inputs: str, sources: str) -> bool:
    """The quick test a no-op rebuild needs: same inputs, same cable files (by size and mtime),
    and no moment crossed between the two as-of moments. Costs one stat per cable file."""
    if meta.inputs != inputs or meta.as_of is None:
        return False
    if moments_crossed(meta, as_of):
        return False
    return meta.sources == sources


def catalogue_diff(
    scan: Scan,
    known: dict[str, SourceState],
    meta: BuildMeta,
    as_of: str,
    catalogue: Catalogue,
    versions: EarlierVersions | None = None,
) -> CatalogueDiff:
    """The general path's diff: from the old and new entries of every cable whose file changed,
    vanished or broke, and of every cable whose release moment lies between the last build's
    as-of and this one's, or an earlier version's (`versions`); and from the slugs the last
    build kept. The documents and the pages
    may have changed too: the general path does not know they have not."""
    old_as_of = meta.as_of or ""
    diff = CatalogueDiff(old_as_of, documents=True, pages_moved=True)
    for path in [*scan.changed, *scan.removed]:
        old, new = known.get(path), scan.changed.get(path)
        if old and new and old.digest == new.digest:
            continue  # touched, same bytes
        before, after = old.entry if old else None, new.entry if new else None
        if before and after and stays_in_place(before, after, old_as_of, as_of):
            diff.edited.append(after)
            diff.replaced.append(before)
        elif before or after:
            diff.moved.append((before, after))
    low, high = sorted((old_as_of, as_of))
    diff.moved += [(entry, entry) for entry in scan.entries if entry.released and low < entry.released <= high]
    diff.moved += versions_crossed(scan.entries, old_as_of, as_of, versions or EarlierVersions(None, {}))
    for pair in diff.moved:  # a person's fullest spelling may have come or gone, and its label with it
        diff.whole |= {("tag", tag) for entry in pair if entry for tag, _ in entry.person_spellings}
    note_slugs(diff, catalogue, meta.slugs)
    return diff


def versions_crossed(
    entries: list[CableEntry], old_as_of: str, as_of: str, versions: EarlierVersions
) -> list[tuple[CableEntry, CableEntry]]:
    """The cables revised or withdrawn between the two as-of moments, by their file or by an
    earlier version: the version each build shows, as a move (a withdrawal takes the cable out
    of every listing)."""
    low, high = sorted((old_as_of, as_of))
    crossed: list[tuple[CableEntry, CableEntry]] = []
    for entry in entries:
        moments = (entry.revised, entry.withdrawn, *versions.moments.get(entry.reference_id, ()))
        if any(moment and low < moment <= high for moment in moments):
            before, after = (_version_shown(entry, moment, versions.earlier) for moment in (old_as_of, as_of))
            crossed.append((before, after))
    return crossed


def document_digests(pages: list[Document], articles: list[Document], catalogue: Catalogue) -> dict[str, str]:
    """What the page keys of documents depend on: their text, the article list, and the state
    (linked, withheld, unknown) of every reference ID their text could mention."""
    found: dict[str, str] = {}
    mentioned: set[str] = set()
    for kind, documents in (("page", pages), ("article", articles)):
        for document in documents:
            found[f"{kind}:{document.slug}"] = file_digest(repr(document).encode("utf-8", "surrogateescape"))
            mentioned.update(re.findall(REFERENCE_IN_PROSE, document.markdown))
    found["articles:"] = file_digest(repr([(a.slug, a.title, a.date, a.summary) for a in articles]).encode())
    states = [
        f"{ref}:{catalogue.cables[ref].url}"
        if ref in catalogue.cables
        else f"{ref}:{'withheld' if ref in catalogue.withheld else '-'}"
        for ref in sorted(mentioned)
    ]
    found["mentions"] = file_digest("\n".join(states).encode())
    return found
