"""Citations: the published articles -> the articles citing each cable, as its page lists them ("Cited in articles").

An article cites a cable when its markdown names the reference ID by the pattern the article
renderer links (model.REFERENCE_IN_PROSE), read over the whole text: an ID in a code
block counts too, as it does for the documents' keys (builder/changes.document_digests).
A cable page's key hashes its citations' digest (`citation_digests`, `cited_keys`), which the manifest keeps
(BuildMeta.cited), so that a build learns which cable pages an article change reaches: those
whose digest differs (`citations_changed`).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sitegen import urls
from sitegen.model import REFERENCE_IN_PROSE
from sitegen.sources.pages import Document

_MENTION = re.compile(REFERENCE_IN_PROSE)


@dataclass(frozen=True, order=True)
class Citation:
    """What a cable page shows of an article citing it; ordered as the page lists them."""

    date: str
    title: str
    slug: str

    @property
    def url(self) -> str:
        return urls.article(self.slug)


def cited_in(articles: Iterable[Document]) -> dict[str, tuple[Citation, ...]]:
    """Reference ID -> the articles naming it, oldest first (then by title, then by file name).
    Pass the published articles only: an article dated after the build's moment cites nothing yet."""
    citing: dict[str, set[Citation]] = defaultdict(set)
    for article in articles:
        citation = Citation(article.date, article.title, article.slug)
        for reference_id in _MENTION.findall(article.markdown):
            citing[reference_id].add(citation)
    return {reference_id: tuple(sorted(found)) for reference_id, found in sorted(citing.items())}


def citation_digests(cited: Mapping[str, tuple[Citation, ...]]) -> dict[str, str]:
    """Reference ID -> a hash of what its page shows of the articles citing it."""
    return {
        reference_id: hashlib.sha256(
            "\x1e".join(f"{c.date}\x1f{c.slug}\x1f{c.title}" for c in citations).encode("utf-8", "surrogateescape")
        ).hexdigest()[:16]
        for reference_id, citations in cited.items()
    }


def cited_key(reference_id: str) -> str:
    """Where a cable's citation digest sits among the documents' digests that page keys read."""
    return f"cited:{reference_id}"


def cited_keys(digests: Mapping[str, str]) -> dict[str, str]:
    """The citation digests as page keys read them, beside the documents' (keys.PageKeys)."""
    return {cited_key(reference_id): digest for reference_id, digest in digests.items()}


def citations_changed(before: Mapping[str, str], after: Mapping[str, str]) -> set[str]:
    """The reference IDs whose citing articles differ between two builds' digests."""
    return {
        reference_id
        for reference_id in before.keys() | after.keys()
        if before.get(reference_id) != after.get(reference_id)
    }
