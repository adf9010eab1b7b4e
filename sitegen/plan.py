"""Plan: the catalogue and documents -> every page to write, each with its URL, kind and subject.

The plan holds no markup and reads no files; render turns each PagePlan into bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sitegen.catalogue import LETTERS, OTHER_LETTER, Catalogue, Facet, index_letter, origin_letter
from sitegen.config import Config
from sitegen.sources.pages import Document

SITEMAP_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class PagePlan:
    """One unit of rendering: `kind` says which renderer, `name` what it is about, `number` which page."""

    url: str
    kind: str
    name: str = ""
    number: int = 1
    pages: int = 1


def listing_url(prefix: str, number: int) -> str:
    """`origin/embassy-athens/` page 1 -> `.../index.html`, page 3 -> `.../page-3.html`."""
    return f"{prefix}index.html" if number == 1 else f"{prefix}page-{number}.html"


def page_count(items: int, page_size: int) -> int:
    return max(1, math.ceil(items / page_size))


def _listings(kind: str, prefix: str, facet: Facet, page_size: int) -> list[PagePlan]:
    pages = page_count(len(facet.reference_ids), page_size)
    return [PagePlan(listing_url(prefix, n), kind, facet.name, n, pages) for n in range(1, pages + 1)]


def letters_used(names, letter_of) -> list[str]:
    used = {letter_of(name) for name in names}
    return list(LETTERS) + ([OTHER_LETTER] if OTHER_LETTER in used else [])


def plan_site(catalogue: Catalogue, config: Config, pages: list[Document], articles: list[Document]) -> list[PagePlan]:
    """Every page of the site, in a stable order."""
    size = config.page_size
    plans = [PagePlan("index.html", "home"), PagePlan("404.html", "not-found"), PagePlan("robots.txt", "robots")]
    for entry in catalogue.cables.values():
        plans.append(PagePlan(entry.url, "cable", entry.reference_id))
    for letter in letters_used(catalogue.origins, origin_letter):
        plans.append(PagePlan(f"origin/{letter}.html", "origin-letter", letter))
    for facet in catalogue.origins.values():
        plans += _listings("origin", f"origin/{facet.slug}/", facet, size)
        plans.append(PagePlan(f"feed/origin/{facet.slug}.rss", "origin-feed", facet.name))
    for letter in letters_used(catalogue.tags, index_letter):
        plans.append(PagePlan(f"tag/{letter}.html", "tag-letter", letter))
    for facet in catalogue.tags.values():
        plans += _listings("tag", f"tag/{facet.slug}/", facet, size)
        plans.append(PagePlan(f"feed/tag/{facet.slug}.rss", "tag-feed", facet.name))
    plans.append(PagePlan("classification/index.html", "classification-index"))
    for facet in catalogue.classifications.values():
        plans += _listings("classification", f"classification/{facet.slug}/", facet, size)
    plans.append(PagePlan("date/index.html", "date-index"))
    for facet in catalogue.months.values():
        plans += _listings("month", f"date/{facet.name[:4]}/{facet.name[5:7]}/", facet, size)
    plans.append(PagePlan("release/index.html", "release-index"))
    for facet in catalogue.releases.values():
        plans += _listings("release", f"release/{facet.name}/", facet, size)
    plans.append(PagePlan("feed/releases.rss", "releases-feed"))
    for document in pages:
        plans.append(PagePlan(f"{document.slug}.html", "page", document.slug))
    plans.append(PagePlan("articles/index.html", "articles"))
    for document in articles:
        plans.append(PagePlan(f"articles/{document.slug}.html", "article", document.slug))
    sitemaps = page_count(len(sitemap_urls(plans)), SITEMAP_LIMIT)
    if sitemaps == 1:
        plans.append(PagePlan("sitemap.xml", "sitemap", "", 1, 1))
    else:
        plans.append(PagePlan("sitemap.xml", "sitemap-index", "", 1, sitemaps))
        plans += [PagePlan(f"sitemap-{n}.xml", "sitemap", "", n, sitemaps) for n in range(1, sitemaps + 1)]
    return plans


def sitemap_urls(plans: list[PagePlan]) -> list[str]:
    """The HTML pages a sitemap lists, in plan order."""
    return [plan.url for plan in plans if plan.url.endswith(".html") and plan.kind != "not-found"]
