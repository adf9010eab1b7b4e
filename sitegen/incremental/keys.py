"""Page keys: a planned page -> a hash of exactly what the page shows; an unchanged key is an unchanged page.

A build renders a page only when its key differs from the one the last build saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping

from sitegen import kinds
from sitegen.catalogue import Catalogue
from sitegen.catalogue_versions import release_days, release_facet
from sitegen.citations import cited_key
from sitegen.config import Config
from sitegen.facets import Facet
from sitegen.kinds import KINDS, NEWEST_SHOWN, kind_of
from sitegen.plan import LETTER_OF, PagePlan, has_months, listed


def _key_digest(parts: list[str]) -> str:
    # SHA-256, as sources/scan.py hashes cable files: faster than BLAKE2 on CPUs with SHA instructions.
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


class PageKeys:
    """Computes each page's key from exactly what the page shows.

    `digests` maps a reference ID to the hash of its cable file, which covers every field
    the catalogue keeps of it; `fixed` holds, per kind, the hash of the code, templates,
    config and shared chrome the kind depends on; `documents`, what documents' keys and the
    "Cited in articles" of cable pages depend on (builder/changes.document_digests, citations.cited_keys).
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
        """The hash of the plan and of each input its kind declares it reads (kinds.py)."""
        parts = [plan.kind, plan.url, plan.name, str(plan.number), str(plan.pages), self.fixed.get(plan.kind, "")]
        for name in kind_of(plan.kind).reads:
            parts += INPUTS[name](self, plan)
        return _key_digest(parts)

    def _entries(self, ids: Iterable[str]) -> list[str]:
        # A cable's digest hashes its file, which names its reference ID: the digest alone is enough.
        return list(map(self.digests.__getitem__, ids))

    def _listing(self, plan: PagePlan) -> list[str]:
        """What a listing page shows of its facet (plan.listed): an overview its count, months and
        newest cables (a small facet's: all its cables); a month's or a day's page only its own
        cables, a calendar only its days' counts (so each changes only when its bucket does); a
        release day's page its count and its cables."""
        kind = kind_of(plan.kind)
        if plan.kind == "release":  # a day of changes only lists no cable
            facet = release_facet(self.catalogue, plan.name)
        else:
            facet = self.catalogue.indexes()[kind.lists or ""][plan.name]
        size = self.config.page_size
        shown = self._entries(listed(plan, facet, size))
        if kind.listing == "overview":
            if not has_months(plan.kind, facet, size):
                return [facet.slug, facet.label, "all", *shown]
            return [facet.slug, facet.label, *(f"{month}:{count}" for month, count in facet.by_month), *shown]
        if kind.listing in ("month", "day"):
            return [facet.slug, facet.label, *shown]
        if kind.listing == "calendar":
            return [facet.slug, facet.label, *(f"{day}:{count}" for day, count in facet.days(plan.month))]
        return [facet.slug, facet.label, str(len(facet.reference_ids)), *shown]

    def _archive_overview(self, plan: PagePlan) -> list[str]:
        """What the creation-date index shows: every month's count and the newest cables."""
        months = sorted(self.catalogue.months.items(), reverse=True)
        newest = self.catalogue.newest(NEWEST_SHOWN)
        return [*(f"{month}:{len(facet.reference_ids)}" for month, facet in months), *self._entries(newest)]

    def _cable(self, plan: PagePlan) -> list[str]:
        """A cable page: its file, the references it shows (linked or not), the cables citing it,
        its origin neighbours, and its tags', origin's and classification's slugs and labels."""
        catalogue = self.catalogue
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

    def _lettered(self, plan: PagePlan) -> tuple[Mapping[str, Facet], dict[str, list[str]], str]:
        family = kind_of(plan.kind).family or ""
        facets = self.catalogue.indexes()[family]
        filed = self.catalogue.letters(facets, LETTER_OF[family])
        present = "".join(letter for letter, items in sorted(filed.items()) if items)
        return facets, filed, present

    def _letter_counts(self, plan: PagePlan) -> list[str]:
        """An A-Z index: the letters present and each one's count."""
        _, filed, present = self._lettered(plan)
        return [present, *(f"{letter}:{len(items)}" for letter, items in sorted(filed.items()))]

    def _letters(self, plan: PagePlan) -> list[str]:
        """A letter page: the letters present and each facet under its letter."""
        facets, filed, present = self._lettered(plan)
        lettered = map(facets.__getitem__, filed.get(plan.name, []))
        return [present, *(f"{f.name}:{f.label}:{f.slug}:{len(f.reference_ids)}" for f in lettered)]

    def _post_ids(self, plan: PagePlan) -> list[str]:
        catalogue = self.catalogue
        return [f"{ref}:{catalogue.cables[ref].created[:7]}" for ref in catalogue.posts()[plan.name]]

    def _feed(self, plan: PagePlan) -> list[str]:
        """A feed: its cables; a facet's its label too (in the feed's title)."""
        facet_kind = kind_of(plan.kind).lists
        if facet_kind is None:
            return self._entries(self.catalogue.feed())
        label = self.catalogue.indexes()[facet_kind][plan.name].label
        return [label, *self._entries(self.catalogue.feed(facet_kind, plan.name))]

    def _home(self, plan: PagePlan) -> list[str]:
        catalogue = self.catalogue
        parts = [str(catalogue.released_count), str(catalogue.total)]
        if catalogue.releases:
            day, facet = next(iter(catalogue.releases.items()))
            shown = facet.reference_ids[: self.config.latest_release_size]
            parts += [day, str(len(facet.reference_ids)), *self._entries(shown)]
        return parts

    def _counts(self, plan: PagePlan) -> list[str]:
        """A table of counts: each classification's or release day's."""
        if plan.kind == "classification-index":
            facets = self.catalogue.classifications
        else:  # every release day, and each day of changes only (of no cable)
            facets = {day: release_facet(self.catalogue, day) for day in release_days(self.catalogue)}
        return [f"{name}:{facet.slug}:{len(facet.reference_ids)}" for name, facet in facets.items()]

    def _sitemap(self, plan: PagePlan) -> list[str]:
        return [self.sitemap]

    def _document(self, plan: PagePlan) -> list[str]:
        return [self.documents.get(f"{plan.kind}:{plan.name}", "")]

    def _mentions(self, plan: PagePlan) -> list[str]:
        return [self.documents.get("mentions", "")]

    def _cited_in(self, plan: PagePlan) -> list[str]:
        """A cable page's "Cited in articles": the title, date and file of each article citing it."""
        return [self.documents.get(cited_key(plan.name), "")]

    def _removed(self, plan: PagePlan) -> list[str]:
        """A removed cable's page: its entry (ID, dates) and its file (the reason)."""
        entry = self.catalogue.removed[plan.name]
        return [repr(tuple(entry)), self.digests[plan.name] if plan.name in self.digests else ""]

    def _changes(self, plan: PagePlan) -> list[str]:
        """The changes feed (every change, each cable's file: its reasons), or a release page
        (the changes of its day, and the cables it published that are removed since, as entries:
        a quick build's stored catalogue holds no removed cable's file digest)."""
        catalogue = self.catalogue
        if plan.kind == "release":
            day = plan.name
            changes = [change for change in catalogue.changes if change[0][:10] == day]
            gone = [repr(tuple(entry)) for entry in catalogue.removed.values() if entry.release_day == day]
            modified = sorted({ref for _, ref, _ in changes if ref in catalogue.cables})
            return [repr(changes), *gone, "|", *self._entries(modified)]
        named = sorted({ref for _, ref, _ in catalogue.changes})
        return [repr(catalogue.changes), *(f"{ref}:{self.digests[ref]}" for ref in named if ref in self.digests)]


# What each name a kind `reads` (kinds.py) hashes: the key is derived from the kind's declaration.
INPUTS: dict[str, Callable[[PageKeys, PagePlan], list[str]]] = {
    kinds.CABLE: PageKeys._cable,
    kinds.LISTING: PageKeys._listing,
    kinds.LETTERS: PageKeys._letters,
    kinds.LETTER_COUNTS: PageKeys._letter_counts,
    kinds.POST_IDS: PageKeys._post_ids,
    kinds.FEED: PageKeys._feed,
    kinds.HOME: PageKeys._home,
    kinds.ARCHIVE: PageKeys._archive_overview,
    kinds.COUNTS: PageKeys._counts,
    kinds.SITEMAP_URLS: PageKeys._sitemap,
    kinds.DOCUMENT: PageKeys._document,
    kinds.MENTIONS: PageKeys._mentions,
    kinds.CITED_IN: PageKeys._cited_in,
    kinds.REMOVED: PageKeys._removed,
    kinds.CHANGES: PageKeys._changes,
}
_UNREAD = {name for kind in KINDS.values() for name in kind.reads} - INPUTS.keys()
if _UNREAD:  # a kind declares an input no reader hashes: its pages would never be rendered again
    raise ImportError(f"page kinds read inputs incremental/keys.py has no reader for: {sorted(_UNREAD)}")
