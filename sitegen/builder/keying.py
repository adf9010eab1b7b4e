"""Keying: the catalogue, the digests and the document keys a full set of page keys is derived from.

The general path (pipeline.py) and `build --verify` (verify.py) both plan and key every page from
the cable files; they call these so that verify keys a page exactly as the build did (a rule
added to one and not the other would make verify report pages that are right, or miss stale ones).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sitegen.builder.changes import document_digests
from sitegen.catalogue import BuiltCatalogue, Catalogue, build_catalogue
from sitegen.citations import citation_digests, cited_in, cited_keys
from sitegen.config import Config
from sitegen.kinds import BUCKET_KINDS, KINDS, REACH_VERSIONS
from sitegen.phrases import cut_digests
from sitegen.plan import PagePlan
from sitegen.sources.history import earlier_entries, version_digests
from sitegen.sources.pages import Document
from sitegen.sources.scan import Scan


def keyed_catalogue(site: Path, scan: Scan, as_of: str, config: Config) -> BuiltCatalogue:
    """The catalogue of the scanned cables as of `as_of`; the scan's digests become what page
    keys read of each cable: its file, its earlier versions, and its tags as cut at the phrases
    other cables write."""
    catalogue = build_catalogue(scan.entries, as_of, config.total_cables, config.feed_size, earlier_entries(site))
    scan.digests.update(version_digests(site, catalogue.cables, scan.digests))
    scan.digests.update(cut_digests(catalogue.cables, scan.digests))
    return catalogue


_VERSION_KINDS = {kind.name for kind in KINDS.values() if kind.reach == REACH_VERSIONS}


def kinds_to_fingerprint(plans: Iterable[PagePlan]) -> list[str]:
    """The kinds planned, every kind a listing's month may turn into and every page of versions,
    planned or not: the quick path takes a change that makes the first calendar or day page, or
    the first revision or removal (it keys only kinds fingerprinted)."""
    return sorted({plan.kind for plan in plans} | set(BUCKET_KINDS.values()) | _VERSION_KINDS)


def document_keys(
    pages: list[Document], articles: list[Document], catalogue: Catalogue
) -> tuple[dict[str, str], dict[str, str]]:
    """Each cable's citations' digest (what BuildMeta keeps), and the documents' digests with
    those citations (what PageKeys reads)."""
    cited = citation_digests(cited_in(articles))
    return cited, document_digests(pages, articles, catalogue) | cited_keys(cited)
