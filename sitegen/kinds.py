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
        PageKind("origin", "listing.html", ("page_size",), lists="origin", section="origins"),
        PageKind("tag", "listing.html", ("tag_descriptions", "page_size"), lists="tag", section="tags"),
        PageKind("classification", "listing.html", ("page_size",), lists="classification", section="classifications"),
        PageKind("month", "listing.html", ("page_size",), lists="month", section="dates"),
        PageKind("release", "listing.html", ("page_size",), lists="release", section="releases"),
        PageKind("classification-index", "groups.html", section="classifications"),
        PageKind("date-index", "groups.html", section="dates"),
        PageKind("release-index", "groups.html", section="releases"),
        PageKind("releases-feed", config=("feed_size",), feed=True),
        PageKind("origin-feed", config=("feed_size",), lists="origin", feed=True),
        PageKind("tag-feed", config=("feed_size",), lists="tag", feed=True),
        PageKind("page", "page.html"),
        PageKind("article", "page.html", section="articles"),
        PageKind("articles", "articles.html", section="articles"),
        PageKind("sitemap"),
        PageKind("sitemap-index"),
    )
}

# Derived from KINDS, for the places that ask one question of every kind.
LISTING_KINDS = tuple(kind.name for kind in KINDS.values() if kind.lists and not kind.feed)
FEED_FACET_KINDS = {kind.name: kind.lists for kind in KINDS.values() if kind.feed and kind.lists}
TEMPLATE_BY_KIND = {kind.name: kind.template for kind in KINDS.values() if kind.template}
CONFIG_BY_KIND = {kind.name: kind.config for kind in KINDS.values() if kind.config}
