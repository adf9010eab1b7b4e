"""Page keys: a planned page -> a hash of exactly what the page shows; an unchanged key is an unchanged page.

A build renders a page only when its key differs from the one the last build saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from sitegen.catalogue import Catalogue, index_letter, origin_letter
from sitegen.config import Config
from sitegen.kinds import KINDS, LISTING_KINDS, NEWEST_SHOWN
from sitegen.plan import PagePlan, listed


def _key_digest(parts: list[str]) -> str:
    # SHA-256 for the reason sitegen.builder hashes files with it: faster than BLAKE2 on CPUs with SHA instructions.
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


class PageKeys:
    """Computes each page's key from exactly what the page shows.

    `digests` maps a reference ID to the hash of its cable file, which covers every field
    the catalogue keeps of it; `fixed` holds, per kind, the hash of the code, templates,
    config and shared chrome the kind depends on.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        config: Config,
        digests: Mapping[str, str],
        fixed: dict[str, str],
        documents: dict[str, str],
        urls: list[str],
    ):
        self.catalogue = catalogue
        self.config = config
        self.digests = digests
        self.fixed = fixed
        self.documents = documents
        self.sitemap = _key_digest(urls)

    def key(self, plan: PagePlan) -> str:
        parts = [plan.kind, plan.url, plan.name, str(plan.number), str(plan.pages), self.fixed.get(plan.kind, "")]
        parts += self._inputs(plan, self.config.page_size, self.config.feed_size)
        return _key_digest(parts)

    def _entries(self, ids: Iterable[str]) -> list[str]:
        # A cable's digest hashes its file, which names its reference ID: the digest alone is enough.
        return list(map(self.digests.__getitem__, ids))

    def _listing(self, plan: PagePlan, page_size: int) -> list[str]:
        """What a listing page shows of its facet: an overview its count, months and newest
        cables; a month's page only that month's cables on it (so it changes only when they do);
        a release day's page its count and its cables."""
        kind = KINDS[plan.kind]
        facet = self.catalogue.indexes()[LISTING_KINDS[plan.kind]][plan.name]
        shown = self._entries(listed(plan, facet, page_size))
        if kind.listing == "overview":
            return [facet.slug, facet.label, *(f"{month}:{count}" for month, count in facet.by_month), *shown]
        if kind.listing == "month":
            first, end = facet.month_span(plan.month)
            return [facet.slug, facet.label, str(end - first), *shown]
        return [facet.slug, facet.label, str(len(facet.reference_ids)), *shown]

    def _archive_overview(self) -> list[str]:
        """What the creation-date index shows: every month's count and the newest cables."""
        months = sorted(self.catalogue.months.items(), reverse=True)
        newest = self.catalogue.newest(NEWEST_SHOWN)
        return [*(f"{month}:{len(facet.reference_ids)}" for month, facet in months), *self._entries(newest)]

    def _inputs(self, plan: PagePlan, page_size: int, feed_size: int) -> list[str]:
        catalogue = self.catalogue
        kind = plan.kind
        if kind == "cable":
            entry = catalogue.cables[plan.name]
            older, newer = catalogue.neighbours(entry)
            refs = [
                ref if ref not in catalogue.cables else f"{ref}:{self.digests[ref]}"
                for ref in catalogue.visible_references(entry)
            ]
            return [
                self.digests[plan.name],
                *refs,
                "|",
                *self._entries(catalogue.backlinks.get(plan.name, ())),
                "|",
                *self._entries([ref for ref in (older, newer) if ref]),
                *(f"{catalogue.tags[tag].slug}:{catalogue.tags[tag].label}" for tag in entry.tags),
                catalogue.origins[entry.origin].slug,
                catalogue.classifications[entry.classification].slug,
            ]
        if kind in LISTING_KINDS:
            return self._listing(plan, page_size)
        if kind in ("origin-letter", "tag-letter", "origin-index", "tag-index"):
            facets, letter_of = (
                (catalogue.origins, origin_letter) if kind.startswith("origin") else (catalogue.tags, index_letter)
            )
            filed = catalogue.letters(facets, letter_of)
            present = "".join(letter for letter, items in sorted(filed.items()) if items)
            if kind.endswith("-index"):  # each letter's count
                return [present, *(f"{letter}:{len(items)}" for letter, items in sorted(filed.items()))]
            lettered = map(facets.__getitem__, filed.get(plan.name, []))
            return [present, *(f"{f.name}:{f.label}:{f.slug}:{len(f.reference_ids)}" for f in lettered)]
        if kind == "id-shard":
            return [f"{ref}:{catalogue.cables[ref].created[:7]}" for ref in catalogue.posts()[plan.name]]
        if kind == "releases-feed":
            return self._entries(catalogue.feed())
        if kind in ("origin-feed", "tag-feed"):
            facet_kind = kind.split("-")[0]
            label = catalogue.indexes()[facet_kind][plan.name].label  # in the feed's title
            return [label, *self._entries(catalogue.feed(facet_kind, plan.name))]
        if kind == "home":
            parts = [str(catalogue.released_count), str(catalogue.total)]
            if catalogue.releases:
                day, facet = next(iter(catalogue.releases.items()))
                shown = facet.reference_ids[: self.config.latest_release_size]
                parts += [day, str(len(facet.reference_ids)), *self._entries(shown)]
            return parts
        if kind == "date-index":
            return self._archive_overview()
        if kind in ("classification-index", "release-index"):
            facets = catalogue.classifications if kind == "classification-index" else catalogue.releases
            return [f"{name}:{facet.slug}:{len(facet.reference_ids)}" for name, facet in facets.items()]
        if kind in ("sitemap", "sitemap-index"):
            return [self.sitemap]
        if kind in ("page", "article", "articles"):
            return [self.documents.get(f"{kind}:{plan.name}", ""), self.documents.get("mentions", "")]
        return []
