"""Kinds: every kind of page, one object each: how it is planned, what its key reads, which changes reach it, its renderer.

Planning, keying (incremental/keys.py), the reach of a change (incremental/reach.py) and
rendering (render/site.py) all ask here, and none of them names a kind on its own: a new kind
of page starts with a record below (see ARCHITECTURE.md). An origin's, a tag's and a
classification's pages are one family each (FacetFamily): overview, months, days, letters, feed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.config import chrome_keys, keys_read_by

# What a kind's key reads besides the fixed part (code, template, config): the names of the
# readers in incremental/keys.py (INPUTS), which checks at import that each is there.
CABLE, LISTING, LETTERS, LETTER_COUNTS, POST_IDS, FEED = "cable", "listing", "letters", "letter-counts", "post", "feed"
HOME, ARCHIVE, COUNTS, SITEMAP_URLS, DOCUMENT, MENTIONS = "home", "archive", "counts", "sitemap", "document", "mentions"
CITED_IN = "cited-in"  # the published articles citing a cable (citations.py): its page lists them
REMOVED, CHANGES = "removed", "changes"  # a removed cable (its entry and file); the revisions and removals

# Which changes reach a kind's pages (incremental/reach.py, pages_reached):
REACH_NONE = "none"  # no cable change: only its template, config or being new (404, robots, search)
REACH_CABLE = "cable"  # the cable pages that show a changed cable: itself, cited, citing, neighbours
REACH_LISTING = "listing"  # the listing pages that show a changed cable (its months, its overview)
REACH_FEED = "facet-feed"  # the feed of a facet a changed cable is or was in
REACH_LETTER = "letter"  # the letter page of a facet touched; all of them when a facet came or went
REACH_POST = "post"  # the ID shard of a post that gained or lost a released cable
REACH_EDIT = "edit"  # any change of a cable (the home page, the releases feed)
REACH_NEWEST = "newest"  # a cable moved, or one of the archive's newest changed
REACH_MOVE = "move"  # a cable moved between listings (the tables of counts)
REACH_DOCUMENTS = "documents"  # the documents changed, or a cable they may mention moved
REACH_PAGES = "pages"  # pages came or went (the sitemap)
REACH_VERSIONS = "versions"  # a cable revised or removed: its history or removed page (reach.versions_reached)


@dataclass(frozen=True)
class PageKind:
    name: str
    renderer: str  # the SiteRenderer method that renders its pages
    reads: tuple[str, ...] = ()  # what its key hashes of the data (the names above)
    reach: str = REACH_NONE  # which changes reach its pages (the REACH_ names above)
    template: str | None = None  # None: made without a page template (feeds, sitemaps, robots.txt)
    lists: str | None = None  # the facet kind whose cables it lists, a page or a feed at a time
    # How a listing shows its facet (DESIGN.md, "Listings stay put"): "overview" (one page: every
    # cable of a small facet; a big one's count, months and newest cables), "month" (every cable
    # of one creation month), "calendar" (a busy month's days, with counts), "day" (every cable of
    # one creation day of a busy month), "count" (a release day, page_size a page).
    listing: str = ""
    feed: bool = False
    section: str | None = None  # the menu item its pages are under (marked aria-current there)
    family: str | None = None  # the FacetFamily (its facet kind) whose pages these are

    @property
    def config(self) -> tuple[str, ...]:
        """The config keys its pages read, besides the chrome's: each key says who reads it (config.py)."""
        return keys_read_by(self)


@dataclass(frozen=True)
class FacetFamily:
    """The pages of one kind of facet: an overview each (`<kind>/<slug>/index.html`), a page per
    creation month (a busy month's a calendar, with a page per day), and optionally letter pages
    and a feed each."""

    kind: str  # the facet kind (Catalogue.indexes) and the first part of its URLs
    phrase: str  # what its cables are, after "Cables ": `from {name}`, `tagged {label}`
    section: str
    lettered: bool = False  # an A-Z index and a page per letter
    feed: bool = False  # a feed of each facet's newest releases
    own_column: bool = True  # its listings leave out the column every row would repeat
    described: bool = False  # its pages show a description (tags: `[tag_descriptions]`)

    def kinds(self) -> list[PageKind]:
        kind, section = self.kind, self.section
        family = [
            PageKind(kind, "_facet_overview", (LISTING,), REACH_LISTING, "facet.html", kind, "overview",
                     section=section, family=kind),
            PageKind(f"{kind}-month", "_bucket_month", (LISTING,), REACH_LISTING, "listing.html", kind, "month",
                     section=section, family=kind),
            PageKind(f"{kind}-calendar", "_bucket_calendar", (LISTING,), REACH_LISTING, "calendar.html", kind,
                     "calendar", section=section, family=kind),
            PageKind(f"{kind}-day", "_bucket_day", (LISTING,), REACH_LISTING, "listing.html", kind, "day",
                     section=section, family=kind),
        ]  # fmt: skip
        if self.lettered:
            family += [
                PageKind(f"{kind}-index", "_letter_index", (LETTER_COUNTS,), REACH_MOVE, "letter-index.html",
                         section=section, family=kind),
                PageKind(f"{kind}-letter", "_letters", (LETTERS,), REACH_LETTER, "letters.html",
                         section=section, family=kind),
            ]  # fmt: skip
        if self.feed:
            family.append(PageKind(f"{kind}-feed", "_facet_feed", (FEED,), REACH_FEED, lists=kind, feed=True,
                                   family=kind))  # fmt: skip
        return family


FAMILIES = {
    family.kind: family
    for family in (
        FacetFamily("origin", "from {name}", "origins", lettered=True, feed=True),
        FacetFamily("tag", "tagged {label}", "tags", lettered=True, feed=True, own_column=False, described=True),
        FacetFamily("classification", "classified {name}", "classifications", feed=True),
    )
}

# The config keys every page with the site's chrome (header, sidebar, footer) shows.
CHROME_CONFIG = chrome_keys()

KINDS: dict[str, PageKind] = {
    kind.name: kind
    for kind in (
        PageKind("home", "_home", (HOME,), REACH_EDIT, "home.html"),
        PageKind("not-found", "_not_found", template="404.html"),
        PageKind("robots", "_robots"),
        PageKind("search", "_search", template="search.html", section="search"),
        PageKind("cable", "_cable", (CABLE, CITED_IN), REACH_CABLE, "cable.html"),
        *(kind for family in FAMILIES.values() for kind in family.kinds()),
        PageKind("month", "_bucket_month", (LISTING,), REACH_LISTING, "listing.html", "month", "month", section="dates"),
        PageKind("calendar", "_bucket_calendar", (LISTING,), REACH_LISTING, "calendar.html", "month", "calendar",
                 section="dates"),
        PageKind("day", "_bucket_day", (LISTING,), REACH_LISTING, "listing.html", "month", "day", section="dates"),
        PageKind("release", "_release", (LISTING, CHANGES), REACH_LISTING, "listing.html", "release", "count",
                 section="releases"),
        PageKind("classification-index", "_classification_index", (COUNTS,), REACH_MOVE, "counts.html",
                 section="classifications"),
        PageKind("date-index", "_date_index", (ARCHIVE,), REACH_NEWEST, "facet.html", section="dates"),
        PageKind("release-index", "_release_index", (COUNTS,), REACH_MOVE, "counts.html", section="releases"),
        PageKind("releases-feed", "_releases_feed", (FEED,), REACH_EDIT, feed=True),
        PageKind("id-shard", "_id_shard", (POST_IDS,), REACH_POST),  # ids/<POST>.js, for the header's ID box
        PageKind("page", "_page", (DOCUMENT, MENTIONS), REACH_DOCUMENTS, "page.html"),
        PageKind("article", "_article", (DOCUMENT, MENTIONS), REACH_DOCUMENTS, "page.html", section="articles"),
        PageKind("articles", "_articles", (DOCUMENT, MENTIONS), REACH_DOCUMENTS, "articles.html",
                 section="articles"),
        PageKind("sitemap", "_sitemap", (SITEMAP_URLS,), REACH_PAGES),
        PageKind("sitemap-index", "_sitemap_index", (SITEMAP_URLS,), REACH_PAGES),
    )
}  # fmt: skip

# A cable's versions (versions.py, render/versions.py): the page of its versions beside it, the
# page a removed cable's URL shows, and the feed of revisions and removals.
KINDS.update(
    (kind.name, kind)
    for kind in (
        PageKind("cable-history", "_cable_history", (CABLE,), REACH_VERSIONS, "cable-history.html"),
        PageKind("cable-removed", "_cable_removed", (REMOVED,), REACH_VERSIONS, "cable-removed.html"),
        PageKind("changes-feed", "_changes_feed", (CHANGES,), REACH_VERSIONS, feed=True),
    )
)


def kind_of(name: str) -> PageKind:
    """The kind of a planned page; a name no record has is a bug, never a page keyed on nothing."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown page kind {name!r}: add a PageKind to sitegen/kinds.py") from None


# The catalogue's indexes (Catalogue.indexes), each a dict of facets by name.
FACET_KINDS = ("origin", "tag", "classification", "month", "release")
# Facets shown at most this many of their newest cables on their overview page.
NEWEST_SHOWN = 10

# Derived from KINDS, for the places that ask one question of every kind.
# (facet kind, listing) -> the kind of those pages: ("tag", "day") -> "tag-day", ("month", "day") -> "day".
BUCKET_KINDS = {(kind.lists, kind.listing): kind.name for kind in KINDS.values() if kind.lists and not kind.feed}


def bucket_kind(facet_kind: str, listing: str) -> str:
    """The kind of a listing's month page ("month"), busy month's calendar ("calendar") or day page ("day")."""
    return BUCKET_KINDS[(facet_kind, listing)]


LISTING_KINDS = {kind.name: kind.lists for kind in KINDS.values() if kind.lists and not kind.feed}
FEED_FACET_KINDS = {kind.name: kind.lists for kind in KINDS.values() if kind.feed and kind.lists}
TEMPLATE_BY_KIND = {kind.name: kind.template for kind in KINDS.values() if kind.template}
CONFIG_BY_KIND = {kind.name: kind.config for kind in KINDS.values() if kind.config}
