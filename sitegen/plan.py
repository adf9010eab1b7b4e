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
from sitegen.catalogue_versions import release_days, release_facet
from sitegen.config import Config
from sitegen.facets import LETTERS, OTHER_LETTER, Facet, index_letter, origin_letter
from sitegen.kinds import FAMILIES, NEWEST_SHOWN, bucket_kind, kind_of
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
    A listing's month page names its month (`2009-03`) in `month`, a day page its day too (`2009-03-05`).

    A named tuple, as CableEntry is: a build plans one per page, ~305,000 at full size."""

    url: str
    kind: str
    name: str = ""
    number: int = 1
    pages: int = 1
    month: str = ""
    day: str = ""


def page_count(items: int, page_size: int) -> int:
    return max(1, math.ceil(items / page_size))


def listing_folder(kind: str, facet: Facet) -> str:
    """The folder of a listing's pages: `origin/embassy-athens/`, `date/`, `release/2010-11-28/`."""
    if kind == "month":
        return urls.DATE_FOLDER
    if kind == "release":
        return urls.release_folder(facet.name)
    return urls.facet_folder(kind, facet.slug)


def has_months(kind: str, facet: Facet, page_size: int) -> bool:
    """Whether a listing has month pages: the archive by date always (each cable page links its
    month), a facet only when it holds more than page_size cables (else its overview lists all)."""
    return kind == "month" or len(facet.reference_ids) > page_size


def is_calendar(count: int, page_size: int) -> bool:
    """Whether a month of `count` cables is shown as its calendar, with a page per day."""
    return count > page_size


def month_plans(kind: str, facet: Facet, month: str, page_size: int) -> list[PagePlan]:
    """The pages of the cables of one facet created in one month: its list; or, a busy month,
    its calendar and a page per day that holds cables, newest first. None for a month without."""
    folder, (start, end) = listing_folder(kind, facet), facet.month_span(month)
    if start == end:
        return []
    if not is_calendar(end - start, page_size):
        return [PagePlan(urls.month_page(folder, month), bucket_kind(kind, "month"), facet.name, month=month)]
    day_kind = bucket_kind(kind, "day")
    return [
        PagePlan(urls.month_page(folder, month), bucket_kind(kind, "calendar"), facet.name, month=month),
        *(
            PagePlan(urls.day_page(folder, day), day_kind, facet.name, month=month, day=day)
            for day, _ in facet.days(month)
        ),
    ]


def facet_plans(kind: str, facet: Facet, page_size: int) -> list[PagePlan]:
    """An origin's, a tag's or a classification's overview, then (a big one) its months' pages, newest first."""
    plans = [facet_overview(kind, facet)]
    if has_months(kind, facet, page_size):
        for month, _ in facet.by_month:
            plans += month_plans(kind, facet, month, page_size)
    return plans


def release_plans(facet: Facet, page_size: int) -> list[PagePlan]:
    """Every page of one release day's listing, page 1 first: a release day is published whole,
    so it is paged by a running count."""
    folder, pages = urls.release_folder(facet.name), page_count(len(facet.reference_ids), page_size)
    return [PagePlan(urls.listing_page(folder, n), "release", facet.name, n, pages) for n in range(1, pages + 1)]


def listing_plans_showing(kind: str, facet: Facet, page_size: int, entry: CableEntry) -> list[PagePlan]:
    """The pages of a listing that show one of its cables, which stays where it was: the page of
    its month or day (of its release day) holding it, and the facet's overview, which may show
    it among the newest (a small facet's: among all)."""
    position = _position(facet, entry)
    if kind == "release":
        plans = release_plans(facet, page_size)
        return [plans[position // page_size]]
    overview = [] if kind == "month" else [facet_overview(kind, facet)]
    if not has_months(kind, facet, page_size):
        return overview
    day = facet.day_of(position)
    month = month_plans(kind, facet, day[:7], page_size)  # its list, or its calendar (counts only) and days
    return overview + [plan for plan in month if plan.day == day or kind_of(plan.kind).listing == "month"]


def _position(facet: Facet, entry: CableEntry) -> int:
    """Where a cable of a facet sits in it: looked for among its day's (a facet of 100,000
    cables is walked a day long), else among all (a list not in creation order)."""
    start, end = facet.day_span(entry.created[:10])
    try:
        return facet.reference_ids.index(entry.reference_id, start, end)
    except ValueError:
        return facet.reference_ids.index(entry.reference_id)


def facet_overview(kind: str, facet: Facet) -> PagePlan:
    """An origin's, a tag's or a classification's own page."""
    return PagePlan(urls.facet_index(kind, facet.slug), kind, facet.name)


def whole_month_plans(kind: str, facet: Facet | None, month: str, page_size: int) -> list[PagePlan]:
    """Every page of a facet's month (its list, or its calendar and days; of a release day: all
    its pages); none without the facet or its month pages."""
    if facet is None:
        return []
    if kind == "release":
        return release_plans(facet, page_size)
    return month_plans(kind, facet, month, page_size) if has_months(kind, facet, page_size) else []


def listed(plan: PagePlan, facet: Facet, page_size: int) -> tuple[str, ...]:
    """The reference IDs a listing page shows of its facet: an overview its newest (a small
    facet's: all), a month's page that month's, a day's page that day's, a calendar none, a
    release day's page its part of the day."""
    listing = kind_of(plan.kind).listing
    if listing == "overview":
        small = not has_months(plan.kind, facet, page_size)
        return facet.reference_ids if small else facet.reference_ids[:NEWEST_SHOWN]
    if listing in ("month", "day"):
        first, end = facet.month_span(plan.month) if listing == "month" else facet.day_span(plan.day)
        return facet.reference_ids[first:end]
    if listing == "calendar":
        return ()
    start = (plan.number - 1) * page_size
    return facet.reference_ids[start : min(len(facet.reference_ids), start + page_size)]


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
        plans += month_plans("month", facet, month, size)
    for day in release_days(catalogue):
        plans += release_plans(release_facet(catalogue, day), size)
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
