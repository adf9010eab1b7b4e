"""Kinds: every kind of page, one record each: its template, the config keys it reads, what it lists.

Planning, keying, the reach of a change and rendering all ask here: a new kind of page starts
with a record below (see ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageKind:
    name: str
    template: str | None = None  # None: made without a page template (feeds, sitemaps, robots.txt)
    config: tuple[str, ...] = ()  # the config keys its pages read, besides the chrome's (CHROME_CONFIG)
    lists: str | None = None  # the facet kind whose cables it lists, a page or a feed at a time
    # How a listing shows its facet: "overview" (one page: its count, months and newest cables),
    # "month" (one creation month's cables a page set at a time), "count" (page_size a page).
    listing: str = ""
    feed: bool = False
    section: str | None = None  # the menu item its pages are under (marked aria-current there)


# The config keys every page with the site's chrome (header, sidebar, footer) shows.
CHROME_CONFIG = ("title", "tagline", "language", "base_url", "support_links", "community_links", "explainer")

KINDS: dict[str, PageKind] = {
    kind.name: kind
    for kind in (
        PageKind("home", "home.html", ("latest_release_size", "total_cables")),
        PageKind("not-found", "404.html"),
        PageKind("robots"),
        PageKind("search", "search.html", section="search"),
        PageKind("cable", "cable.html", ("hashtags", "share_targets", "mastodon_instance", "tag_descriptions")),
        PageKind("origin-index", "letter-index.html", section="origins"),
        PageKind("tag-index", "letter-index.html", section="tags"),
        PageKind("origin-letter", "letters.html", section="origins"),
        PageKind("tag-letter", "letters.html", ("tag_descriptions",), section="tags"),
        PageKind("origin", "facet.html", (), "origin", "overview", section="origins"),
        PageKind("origin-month", "listing.html", ("page_size",), "origin", "month", section="origins"),
        PageKind("tag", "facet.html", ("tag_descriptions",), "tag", "overview", section="tags"),
        PageKind("tag-month", "listing.html", ("tag_descriptions", "page_size"), "tag", "month", section="tags"),
        PageKind("classification", "facet.html", (), "classification", "overview", section="classifications"),
        PageKind(
            "classification-month", "listing.html", ("page_size",), "classification", "month", section="classifications"
        ),
        PageKind("month", "listing.html", ("page_size",), "month", "month", section="dates"),
        PageKind("release", "listing.html", ("page_size",), "release", "count", section="releases"),
        PageKind("classification-index", "counts.html", section="classifications"),
        PageKind("date-index", "facet.html", section="dates"),
        PageKind("release-index", "counts.html", section="releases"),
        PageKind("releases-feed", config=("feed_size",), feed=True),
        PageKind("origin-feed", config=("feed_size",), lists="origin", feed=True),
        PageKind("tag-feed", config=("feed_size",), lists="tag", feed=True),
        PageKind("id-shard"),  # ids/<POST>.js, for the header's ID box
        PageKind("page", "page.html", ("markdown",)),
        PageKind("article", "page.html", ("markdown",), section="articles"),
        PageKind("articles", "articles.html", section="articles"),
        PageKind("sitemap"),
        PageKind("sitemap-index"),
    )
}

# The catalogue's indexes (Catalogue.indexes), each a dict of facets by name.
FACET_KINDS = ("origin", "tag", "classification", "month", "release")
# Facets shown at most this many of their newest cables on their overview page.
NEWEST_SHOWN = 10

# Derived from KINDS, for the places that ask one question of every kind.
LISTING_KINDS = {kind.name: kind.lists for kind in KINDS.values() if kind.lists and not kind.feed}
FEED_FACET_KINDS = {kind.name: kind.lists for kind in KINDS.values() if kind.feed and kind.lists}
TEMPLATE_BY_KIND = {kind.name: kind.template for kind in KINDS.values() if kind.template}
CONFIG_BY_KIND = {kind.name: kind.config for kind in KINDS.values() if kind.config}
