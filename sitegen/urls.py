"""URLs: every path a page has in output/, relative to its root; the only place one is spelled.

Strings in, strings out: the planner, the renderer, the checker and the build ask here.
The cable path is the original Cablegate site's, so links made to it then keep working.
"""

from __future__ import annotations

import re
from typing import Protocol


class HasBaseURL(Protocol):
    """A site's Config, as far as joining URLs goes (urls.py imports no config)."""

    @property
    def base_url(self) -> str: ...


def absolute(site: HasBaseURL | str, url: str) -> str:
    """The address `url` (a page's path in output/) has once the site is published at its base
    URL (`site` is the Config, or the base URL itself, which ends in "/"); empty when the site
    has none, so its pages hold no absolute address."""
    base_url = site if isinstance(site, str) else site.base_url
    return base_url + url if base_url else ""


HOME = "index.html"
NOT_FOUND = "404.html"
ROBOTS = "robots.txt"
SEARCH = "search.html"
SEARCH_FOLDER = "search"  # the search index's files (sitegen.search)
SITEMAP = "sitemap.xml"  # the sitemap, or past SITEMAP_LIMIT URLs the index of its parts
RELEASES_FEED = "feed/releases.rss"
RELEASES_ATOM = "feed/releases.atom"
CLASSIFICATION_INDEX = "classification/index.html"
DATE_INDEX = "date/index.html"
RELEASE_INDEX = "release/index.html"
ARTICLES_INDEX = "articles/index.html"
INDEX = "index.html"  # the page a folder's URL opens

# A cable page as check.py finds it among the files of an output.
CABLE_PAGE = re.compile(r"cable/\d{4}/\d{2}/([0-9]{2}[A-Z][A-Z0-9\-]*[0-9]+)\.html")


CABLE_FOLDER = "cable"
STATIC_FOLDER = "static"  # the theme's and the site's static files, CSS and scripts fingerprinted
# The folders at the site's root that hold pages: the 404 page finds the root of the address it
# is served at by the last of these in the path (a host serves it at any depth).
PAGE_FOLDERS = ("cable", "origin", "tag", "classification", "date", "release", "articles", "feed", "ids", "static")


# A part of a sitemap too long for one file (sitemap_part), as the quick path finds them among
# the last build's pages.
SITEMAP_PART = re.compile(r"sitemap-[0-9]+\.xml")


def sitemap_part(number: int) -> str:
    """Part `number` (from 1) of a sitemap split into an index and parts: `sitemap-2.xml`."""
    return f"sitemap-{number}.xml"


def cable(created: str, reference_id: str) -> str:
    """`cable/2006/09/06GUANGZHOU29875.html`, from the created moment `2006-09-12 07:32`."""
    return f"{CABLE_FOLDER}/{created[:4]}/{created[5:7]}/{reference_id}.html"


def cable_twin(cable_url: str) -> str:
    """The JSON twin beside a cable page."""
    return cable_url[: -len(".html")] + ".json"


def facet_folder(kind: str, slug: str) -> str:
    """An origin's, a tag's or a classification's folder: `origin/embassy-athens/`."""
    return f"{kind}/{slug}/"


DATE_FOLDER = "date/"  # the whole archive by creation month and day, as a big facet's listing is


def facet_index(kind: str, slug: str) -> str:
    """A facet's own page (its count, its months, its newest cables): `origin/embassy-athens/index.html`."""
    return f"{facet_folder(kind, slug)}{INDEX}"


def month_page(folder: str, month: str) -> str:
    """The cables created in `month` that a listing in `folder` holds (a busy month: its calendar):
    `tag/prel/2009-03.html`. Keyed by creation date, never paged by a running count, so a release
    rewrites only the months its cables were created in."""
    return f"{folder}{month}.html"


def day_page(folder: str, day: str) -> str:
    """The cables created on `day` that a listing in `folder` holds, a busy month's day: `tag/prel/2009-03-05.html`."""
    return f"{folder}{day}.html"


def month_cell(folder: str, month: str) -> str:
    """A month's cell in the chart of the overview of the listing in `folder` (there while the
    listing has month pages, for every month of each year it shows): `tag/prel/index.html#m2009-03`.
    A month page's previous and next month link here, whether or not those months hold cables."""
    return f"{folder}{INDEX}#{month_anchor(month)}"


def month_anchor(month: str) -> str:
    return f"m{month}"


def day_cell(folder: str, day: str) -> str:
    """A day's cell in its month's calendar (every day of the month has one): `tag/prel/2009-03.html#d2009-03-05`.
    A day page's previous and next day link here, whether or not those days hold cables."""
    return f"{month_page(folder, day[:7])}#{day_anchor(day)}"


def day_anchor(day: str) -> str:
    return f"d{day}"


def release_folder(day: str) -> str:
    """A release day's folder: `release/2010-11-28/`."""
    return f"release/{day}/"


def listing_page(folder: str, number: int) -> str:
    """Page `number` of a release day's listing in `folder`: page 1 is its index, page 3 `page-3.html`."""
    return f"{folder}{INDEX}" if number == 1 else f"{folder}page-{number}.html"


def letter_index(kind: str) -> str:
    """Every letter of origins or tags, with how many are filed under each: `tag/index.html`."""
    return f"{kind}/{INDEX}"


def letter_page(kind: str, letter: str) -> str:
    """The origins or tags filed under one letter: `tag/P.html`."""
    return f"{kind}/{letter}.html"


def facet_feed(kind: str, slug: str) -> str:
    """The feed of an origin's or a tag's newest releases: `feed/tag/prel.rss`."""
    return f"feed/{kind}/{slug}.rss"


def post_of(reference_id: str) -> str:
    """The post code of a reference ID: `06TBILISI619` -> `TBILISI` (goto.js reads IDs the same way)."""
    return reference_id[2:].rstrip("0123456789")


def id_shard(post: str) -> str:
    """The classic script mapping a post's released reference IDs to their pages' month folders:
    `ids/TBILISI.js`. A script, not JSON: the header's ID box loads it from file:// too."""
    return f"ids/{post}.js"


def static_file(name: str) -> str:
    """A static file as pages link it: `static/site.3f2a9c1e.css`."""
    return f"{STATIC_FOLDER}/{name}"


def document(slug: str) -> str:
    """A markdown page: `understanding-cables.html`."""
    return f"{slug}.html"


def article(slug: str) -> str:
    return f"articles/{slug}.html"


# -- a cable's versions (versions.py): its history page beside it, and the feed of changes ----

CHANGES_FEED = "feed/changes.atom"  # the revisions and removals, latest first


def cable_history(created: str, reference_id: str) -> str:
    """The page of a cable's versions, beside its page: `cable/2009/01/09ROME1-history.html`."""
    return cable(created, reference_id)[: -len(".html")] + "-history.html"
