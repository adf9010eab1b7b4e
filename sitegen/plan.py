"""Plan: the catalogue and documents -> every page to write, each with its URL, kind and subject.

The plan holds no markup and reads no files; render turns each PagePlan into bytes.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Container, Iterable, Mapping
from typing import NamedTuple

from sitegen import urls
from sitegen.catalogue import LETTERS, OTHER_LETTER, CableEntry, Catalogue, Facet, index_letter, origin_letter
from sitegen.config import Config
from sitegen.kinds import FEED_FACET_KINDS, LISTING_KINDS
from sitegen.sources.pages import Document

SITEMAP_LIMIT = 50_000


class PagePlan(NamedTuple):
    """One unit of rendering: `kind` says which renderer, `name` what it is about, `number` which page.

    A named tuple, as CableEntry is: a build plans one per page, ~305,000 at full size."""

    url: str
    kind: str
    name: str = ""
    number: int = 1
    pages: int = 1


def listing_url(prefix: str, number: int) -> str:
    """`origin/embassy-athens/` page 1 -> `.../index.html`, page 3 -> `.../page-3.html`."""
    return urls.listing_page(prefix, number)


def page_count(items: int, page_size: int) -> int:
    return max(1, math.ceil(items / page_size))


def listing_prefix(kind: str, facet: Facet) -> str:
    """The folder of a listing's pages: `origin/embassy-athens/`, `date/2009/03/`, `release/2010-11-28/`."""
    if kind == "month":
        return urls.month_folder(facet.name)
    if kind == "release":
        return urls.release_folder(facet.name)
    return urls.facet_folder(kind, facet.slug)


def listing_plans(kind: str, facet: Facet, page_size: int) -> list[PagePlan]:
    """Every page of one listing, page 1 first."""
    prefix = listing_prefix(kind, facet)
    pages = page_count(len(facet.reference_ids), page_size)
    return [PagePlan(listing_url(prefix, n), kind, facet.name, n, pages) for n in range(1, pages + 1)]


def listing_plan_showing(kind: str, facet: Facet, page_size: int, reference_id: str) -> PagePlan:
    """The page of a listing that shows one of its cables."""
    number = facet.reference_ids.index(reference_id) // page_size + 1
    pages = page_count(len(facet.reference_ids), page_size)
    return PagePlan(listing_url(listing_prefix(kind, facet), number), kind, facet.name, number, pages)


def feed_plan(kind: str, facet: Facet) -> PagePlan:
    """The feed of an origin's or a tag's newest releases."""
    return PagePlan(urls.facet_feed(kind, facet.slug), f"{kind}-feed", facet.name)


def letters_used(names, letter_of) -> list[str]:
    used = {letter_of(name) for name in names}
    return list(LETTERS) + ([OTHER_LETTER] if OTHER_LETTER in used else [])


def plan_site(
    catalogue: Catalogue, config: Config, pages: list[Document], articles: list[Document], search: bool = False
) -> list[PagePlan]:
    """Every page of the site, in a stable order."""
    size = config.page_size
    plans = [PagePlan(urls.HOME, "home"), PagePlan(urls.NOT_FOUND, "not-found"), PagePlan(urls.ROBOTS, "robots")]
    if search:
        plans.append(PagePlan(urls.SEARCH, "search"))
    for entry in catalogue.cables.values():
        plans.append(PagePlan(entry.url, "cable", entry.reference_id))
    for letter in letters_used(catalogue.origins, origin_letter):
        plans.append(PagePlan(urls.letter_page("origin", letter), "origin-letter", letter))
    for facet in catalogue.origins.values():
        plans += listing_plans("origin", facet, size)
        plans.append(feed_plan("origin", facet))
    for letter in letters_used(catalogue.tags, index_letter):
        plans.append(PagePlan(urls.letter_page("tag", letter), "tag-letter", letter))
    for facet in catalogue.tags.values():
        plans += listing_plans("tag", facet, size)
        plans.append(feed_plan("tag", facet))
    plans.append(PagePlan(urls.CLASSIFICATION_INDEX, "classification-index"))
    for facet in catalogue.classifications.values():
        plans += listing_plans("classification", facet, size)
    plans.append(PagePlan(urls.DATE_INDEX, "date-index"))
    for facet in catalogue.months.values():
        plans += listing_plans("month", facet, size)
    plans.append(PagePlan(urls.RELEASE_INDEX, "release-index"))
    for facet in catalogue.releases.values():
        plans += listing_plans("release", facet, size)
    plans.append(PagePlan(urls.RELEASES_FEED, "releases-feed"))
    for document in pages:
        plans.append(PagePlan(urls.document(document.slug), "page", document.slug))
    plans.append(PagePlan(urls.ARTICLES_INDEX, "articles"))
    for document in articles:
        plans.append(PagePlan(urls.article(document.slug), "article", document.slug))
    sitemaps = page_count(len(sitemap_urls(plans)), SITEMAP_LIMIT)
    if sitemaps == 1:
        plans.append(PagePlan(urls.SITEMAP, "sitemap", "", 1, 1))
    else:
        plans.append(PagePlan(urls.SITEMAP, "sitemap-index", "", 1, sitemaps))
        plans += [PagePlan(f"sitemap-{n}.xml", "sitemap", "", n, sitemaps) for n in range(1, sitemaps + 1)]
    return plans


def sitemap_urls(plans: list[PagePlan]) -> list[str]:
    """The HTML pages a sitemap lists, in plan order."""
    return [plan.url for plan in plans if plan.url.endswith(".html") and plan.kind != "not-found"]


# -- page keys: what each page shows, hashed; an unchanged key means an unchanged page ----------


def _key_digest(parts: list[str]) -> str:
    # SHA-256 for the reason sitegen.build hashes files with it: faster than BLAKE2 on CPUs with SHA instructions.
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

    def _entries(self, ids) -> list[str]:
        # A cable's digest hashes its file, which names its reference ID: the digest alone is enough.
        return list(map(self.digests.__getitem__, ids))

    def _facet_page(self, facet: Facet, plan: PagePlan, page_size: int) -> list[str]:
        start = (plan.number - 1) * page_size
        return [
            facet.slug,
            str(len(facet.reference_ids)),
            *self._entries(facet.reference_ids[start : start + page_size]),
        ]

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
                *(catalogue.tags[tag].slug for tag in entry.tags),
                catalogue.origins[entry.origin].slug,
                catalogue.classifications[entry.classification].slug,
            ]
        if kind in LISTING_KINDS:
            return self._facet_page(catalogue.indexes()[kind][plan.name], plan, page_size)
        if kind in ("origin-letter", "tag-letter"):
            facets, letter_of = (
                (catalogue.origins, origin_letter) if kind == "origin-letter" else (catalogue.tags, index_letter)
            )
            filed = catalogue.letters(facets, letter_of)
            present = "".join(letter for letter, items in sorted(filed.items()) if items)
            return [present, *(f"{f.name}:{f.slug}:{len(f.reference_ids)}" for f in filed.get(plan.name, []))]
        if kind == "releases-feed":
            return self._entries(catalogue.feed())
        if kind in ("origin-feed", "tag-feed"):
            return self._entries(catalogue.feed(kind.split("-")[0], plan.name))
        if kind == "home":
            parts = [str(catalogue.released_count), str(catalogue.total)]
            if catalogue.releases:
                day, facet = next(iter(catalogue.releases.items()))
                shown = facet.reference_ids[: self.config.latest_release_size]
                parts += [day, str(len(facet.reference_ids)), *self._entries(shown)]
            return parts
        if kind in ("classification-index", "date-index", "release-index"):
            facets = {
                "classification-index": catalogue.classifications,
                "date-index": catalogue.months,
                "release-index": catalogue.releases,
            }[kind]
            return [f"{name}:{facet.slug}:{len(facet.reference_ids)}" for name, facet in facets.items()]
        if kind in ("sitemap", "sitemap-index"):
            return [self.sitemap]
        if kind in ("page", "article", "articles"):
            return [self.documents.get(f"{kind}:{plan.name}", ""), self.documents.get("mentions", "")]
        return []


# -- which pages a change can reach: the pages whose keys an incremental build recomputes -------


def facet_names(entry: CableEntry) -> dict[str, set[str]]:
    """The listings a cable appears in, by kind."""
    return {
        "origin": {entry.origin},
        "tag": set(entry.tags),
        "classification": {entry.classification},
        "month": {entry.created[:7]},
        "release": {entry.release_day} if entry.released else set(),
    }


def facet_slugs(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """Name -> slug of the facets whose slugs pages link to (kept between builds to see a slug move)."""
    return {
        "origin": {name: f.slug for name, f in catalogue.origins.items()},
        "tag": {name: f.slug for name, f in catalogue.tags.items()},
        "classification": {name: f.slug for name, f in catalogue.classifications.items()},
    }


def _origin_slot(catalogue: Catalogue, entry: CableEntry) -> list[str]:
    """The released cables of `entry`'s origin on either side of where it sorts: its neighbours
    whether or not it is still in that list (moved, withheld or deleted)."""
    facet = catalogue.origins.get(entry.origin)
    if facet is None:
        return []
    ids = facet.reference_ids  # newest first: descending (created, reference ID)
    position = (entry.created, entry.reference_id)
    low, high = 0, len(ids)
    while low < high:
        middle = (low + high) // 2
        other = catalogue.cables[ids[middle]]
        if (other.created, other.reference_id) > position:
            low = middle + 1
        else:
            high = middle
    return list(ids[max(0, low - 1) : low + 2])


def affected_plans(
    plans: list[PagePlan],
    catalogue: Catalogue,
    changed: Iterable[CableEntry],
    old_slugs: dict[str, dict[str, str]],
    kinds_changed: set[str],
    previous_urls: Container[str],
) -> list[PagePlan]:
    """The plans whose keys can differ from the last build's, given the entries of every cable
    that changed, appeared, vanished or crossed the embargo (old and new versions alike).

    A superset by design: every index page (a few hundred: cheap to key), every page and the
    feed of a listing a changed cable is or was in, and the cable pages that show a changed
    cable: itself, the cables it cites and that cite it, its origin neighbours old and new.
    Pages of kinds whose templates or config changed, and pages never built, are all in.
    """
    changed = list(changed)
    dirty_ids = {entry.reference_id for entry in changed}
    cables: set[str] = set(dirty_ids)
    listings: dict[str, set[str]] = {kind: set() for kind in LISTING_KINDS}
    for entry in changed:
        cables.update(entry.references)
        cables.update(_origin_slot(catalogue, entry))
        for kind, names in facet_names(entry).items():
            listings[kind] |= names
    # Cables citing a changed one show its subject or link: one cheap pass over every entry.
    cables.update(ref for ref, entry in catalogue.cables.items() if not dirty_ids.isdisjoint(entry.references))
    facets_by_kind = {"origin": catalogue.origins, "tag": catalogue.tags, "classification": catalogue.classifications}
    for kind, slugs in facet_slugs(catalogue).items():
        for name, slug in slugs.items():
            if old_slugs.get(kind, {}).get(name) != slug:  # a new facet, or one whose slug moved
                listings[kind].add(name)
                cables.update(facets_by_kind[kind][name].reference_ids)

    def affected(plan: PagePlan) -> bool:
        if plan.kind in kinds_changed or plan.url not in previous_urls:
            return True
        if plan.kind == "cable":
            return plan.name in cables
        if plan.kind in listings:
            return plan.name in listings[plan.kind]
        if plan.kind in FEED_FACET_KINDS:
            return plan.name in listings[FEED_FACET_KINDS[plan.kind]]
        return True

    return [plan for plan in plans if affected(plan)]
