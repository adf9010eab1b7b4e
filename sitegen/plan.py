"""Plan: the catalogue and documents -> every page to write, each with its URL, kind and subject.

The plan holds no markup and reads no files; render turns each PagePlan into bytes. What a page
shows, hashed, is its key (incremental/keys.py); which pages a change reaches, incremental/reach.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from sitegen import urls
from sitegen.catalogue import CableEntry, Catalogue
from sitegen.config import Config
from sitegen.facets import LETTERS, OTHER_LETTER, Facet, index_letter, origin_letter
from sitegen.kinds import FAMILIES, NEWEST_SHOWN, kind_of
from sitegen.sources.pages import Document

SITEMAP_LIMIT = 50_000
# The kinds of a single page, planned whatever the catalogue holds (search: when the site has it).
ONE_PAGE = {
    "home": urls.HOME,
    "not-found": urls.NOT_FOUND,
    "robots": urls.ROBOTS,
    "search": urls.SEARCH,
    "classification-index": urls.CLASSIFICATION_INDEX,
    "date-index": urls.DATE_INDEX,
    "release-index": urls.RELEASE_INDEX,
    "releases-feed": urls.RELEASES_FEED,
    **{f"{family.kind}-index": urls.letter_index(family.kind) for family in FAMILIES.values() if family.lettered},
}
# The letter an origin or a tag is filed under on its family's letter pages.
LETTER_OF: dict[str, Callable[[str], str]] = {"origin": origin_letter, "tag": index_letter}


class PagePlan(NamedTuple):
    """One unit of rendering: `kind` says which renderer, `name` what it is about, `number` which page.
    A listing paged by creation month names the month (`2009-03`) in `month`.

    A named tuple, as CableEntry is: a build plans one per page, ~305,000 at full size."""

    url: str
    kind: str
    name: str = ""
    number: int = 1
    pages: int = 1
    month: str = ""


def page_count(items: int, page_size: int) -> int:
    return max(1, math.ceil(items / page_size))


def listing_folder(kind: str, facet: Facet) -> str:
    """The folder of a listing's pages: `origin/embassy-athens/`, `date/`, `release/2010-11-28/`."""
    if kind == "month":
        return urls.DATE_FOLDER
    if kind == "release":
        return urls.release_folder(facet.name)
    return urls.facet_folder(kind, facet.slug)


def month_plans(kind: str, facet: Facet, month: str, count: int, page_size: int) -> list[PagePlan]:
    """Every page of the cables of one facet created in one month (`count` of them), page 1 first."""
    folder, pages = listing_folder(kind, facet), page_count(count, page_size)
    plan_kind = kind if kind == "month" else f"{kind}-month"
    return [
        PagePlan(urls.month_page(folder, month, n), plan_kind, facet.name, n, pages, month) for n in range(1, pages + 1)
    ]


def facet_plans(kind: str, facet: Facet, page_size: int) -> list[PagePlan]:
    """An origin's, a tag's or a classification's overview, then each of its months' pages, newest first."""
    plans = [facet_overview(kind, facet)]
    for month, count in facet.by_month:
        plans += month_plans(kind, facet, month, count, page_size)
    return plans


def release_plans(facet: Facet, page_size: int) -> list[PagePlan]:
    """Every page of one release day's listing, page 1 first: a release day is published whole,
    so it is paged by a running count."""
    folder, pages = urls.release_folder(facet.name), page_count(len(facet.reference_ids), page_size)
    return [PagePlan(urls.listing_page(folder, n), "release", facet.name, n, pages) for n in range(1, pages + 1)]


def listing_plans_showing(kind: str, facet: Facet, page_size: int, entry: CableEntry) -> list[PagePlan]:
    """The pages of a listing that show one of its cables: the page of its month (or of its
    release day) holding it, and the facet's overview, which may show it among the newest."""
    position = _position(facet, entry)
    if kind == "release":
        plans = release_plans(facet, page_size)
        return [plans[position // page_size]]
    month = facet.month_of(position)
    start, end = facet.month_span(month)
    month_pages = month_plans(kind, facet, month, end - start, page_size)
    shown = [month_pages[(position - start) // page_size]]
    return shown if kind == "month" else [facet_overview(kind, facet), *shown]


def _position(facet: Facet, entry: CableEntry) -> int:
    """Where a cable of a facet sits in it: looked for among its month's (a facet of 100,000
    cables is walked a month long), else among all (a list not in creation order)."""
    start, end = facet.month_span(entry.created[:7])
    try:
        return facet.reference_ids.index(entry.reference_id, start, end)
    except ValueError:
        return facet.reference_ids.index(entry.reference_id)


def facet_overview(kind: str, facet: Facet) -> PagePlan:
    """An origin's, a tag's or a classification's own page."""
    return PagePlan(urls.facet_index(kind, facet.slug), kind, facet.name)


def whole_month_plans(kind: str, facet: Facet | None, month: str, page_size: int) -> list[PagePlan]:
    """Every page of a facet's month (of a release day: all its pages); none without the facet."""
    if facet is None:
        return []
    if kind == "release":
        return release_plans(facet, page_size)
    start, end = facet.month_span(month)
    return month_plans(kind, facet, month, end - start, page_size) if end > start else []


def listed(plan: PagePlan, facet: Facet, page_size: int) -> tuple[str, ...]:
    """The reference IDs a listing page shows of its facet: an overview its newest, a month's
    page its part of that month, a release day's page its part of the day."""
    listing = kind_of(plan.kind).listing
    if listing == "overview":
        return facet.reference_ids[:NEWEST_SHOWN]
    start = (plan.number - 1) * page_size
    first, end = facet.month_span(plan.month) if listing == "month" else (0, len(facet.reference_ids))
    return facet.reference_ids[first + start : min(end, first + start + page_size)]


def feed_plan(kind: str, facet: Facet) -> PagePlan:
    """The feed of an origin's or a tag's newest releases."""
    return PagePlan(urls.facet_feed(kind, facet.slug), f"{kind}-feed", facet.name)


def letters_used(names: Iterable[str], letter_of: Callable[[str], str]) -> list[str]:
    used = {letter_of(name) for name in names}
    return list(LETTERS) + ([OTHER_LETTER] if OTHER_LETTER in used else [])


def plan_site(
    catalogue: Catalogue, config: Config, pages: list[Document], articles: list[Document], search: bool = False
) -> list[PagePlan]:
    """Every page of the site, in a stable order."""
    size = config.page_size
    plans = [PagePlan(url, kind) for kind, url in ONE_PAGE.items() if search or kind != "search"]
    for entry in catalogue.cables.values():
        plans.append(PagePlan(entry.url, "cable", entry.reference_id))
    indexes = catalogue.indexes()
    for family in FAMILIES.values():
        plans += family_plans(family.kind, indexes[family.kind], size)
    for month, facet in sorted(catalogue.months.items(), reverse=True):
        plans += month_plans("month", facet, month, len(facet.reference_ids), size)
    for facet in catalogue.releases.values():
        plans += release_plans(facet, size)
    for post in catalogue.posts():
        plans.append(PagePlan(urls.id_shard(post), "id-shard", post))
    plans += document_plans(pages, articles)
    plans += version_plans(catalogue)
    return plans + sitemap_plans(len(sitemap_urls(plan.url for plan in plans)))


def document_plans(pages: list[Document], articles: list[Document]) -> list[PagePlan]:
    """The markdown pages, the article list and the articles."""
    plans = [PagePlan(urls.document(document.slug), "page", document.slug) for document in pages]
    plans.append(PagePlan(urls.ARTICLES_INDEX, "articles"))
    return plans + [PagePlan(urls.article(document.slug), "article", document.slug) for document in articles]


def letter_plans(kind: str, facets: Iterable[str]) -> list[PagePlan]:
    """A lettered family's page per letter (the other letter's when used)."""
    letters = letters_used(facets, LETTER_OF[kind])
    return [PagePlan(urls.letter_page(kind, letter), f"{kind}-letter", letter) for letter in letters]


def family_plans(kind: str, facets: Mapping[str, Facet], page_size: int) -> list[PagePlan]:
    """Every page of a family of facets (kinds.FacetFamily): its letters, then each facet's
    overview, month pages and feed."""
    family = FAMILIES[kind]
    plans = letter_plans(kind, facets) if family.lettered else []
    for facet in facets.values():
        plans += facet_plans(kind, facet, page_size)
        if family.feed:
            plans.append(feed_plan(kind, facet))
    return plans


def sitemap_plans(count: int) -> list[PagePlan]:
    """The sitemap of `count` URLs: one file, or an index and a part per SITEMAP_LIMIT URLs."""
    sitemaps = page_count(count, SITEMAP_LIMIT)
    if sitemaps == 1:
        return [PagePlan(urls.SITEMAP, "sitemap", "", 1, 1)]
    parts = [PagePlan(urls.sitemap_part(n), "sitemap", "", n, sitemaps) for n in range(1, sitemaps + 1)]
    return [PagePlan(urls.SITEMAP, "sitemap-index", "", 1, sitemaps), *parts]


def sitemap_urls(page_urls: Iterable[str]) -> list[str]:
    """The HTML pages a sitemap lists, sorted: a build that plans only what changed makes the
    same list from the last build's pages."""
    return sorted(url for url in page_urls if url.endswith(".html") and url != urls.NOT_FOUND)


def version_plans(catalogue: Catalogue) -> list[PagePlan]:
    """The history page of each cable shown at a revision, the page of each cable removed, and
    the feed of changes once there is one (versions.py)."""
    plans = [
        PagePlan(urls.cable_history(entry.created, entry.reference_id), "cable-history", entry.reference_id)
        for entry in catalogue.cables.values()
        if entry.revised
    ]
    plans += [PagePlan(entry.url, "cable-removed", ref) for ref, entry in catalogue.removed.items()]
    return plans + ([PagePlan(urls.CHANGES_FEED, "changes-feed")] if catalogue.changes else [])
