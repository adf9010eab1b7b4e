"""RSS 2.0 and Atom feeds of released cables, with feedgen; every date comes from the data, never the clock."""

from __future__ import annotations

import functools
import html
import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from sitegen import urls
from sitegen.catalogue import CableEntry
from sitegen.config import Config
from sitegen.kinds import FAMILIES, kind_of
from sitegen.plan import PagePlan
from sitegen.render.page import PageBase, Rendered

EPOCH = "1970-01-01 00:00"
# Characters XML 1.0 cannot hold: control characters, and the surrogates that stand for a
# cable's bytes that are not UTF-8. lxml refuses them (the whole feed would fail).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text a feed can hold: each character XML cannot hold becomes U+FFFD, the replacement
    character (the cable's page still shows the text exactly as written)."""
    return _NOT_XML.sub("\ufffd", text)


@functools.lru_cache(maxsize=4096)
def _feed_time(text: str) -> datetime:
    # Cached: cables are released in batches that share a moment, and a cable is in several feeds.
    return datetime.strptime(text or EPOCH, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def cable_feed(config: Config, entries: list[CableEntry], title: str, feed_url: str, kind: str) -> bytes:
    """A feed of `entries` (newest first) written at `feed_url`; `kind` is `rss` or `atom`.

    Links are absolute when the site has a base URL, else relative to the feed's own folder.
    """
    root = config.base_url or "../" * feed_url.count("/")
    feed = FeedGenerator()
    feed.id(urls.absolute(config, feed_url) or f"urn:sitegen:{feed_url}")
    feed.title(xml_text(title))
    description = xml_text(config.tagline or title)
    # RSS's channel description is HTML to a reader (as an item's is, below): escaped as HTML
    # here, then as XML by feedgen. Atom's subtitle is text (type="text"): escaped once.
    feed.description(html.escape(description, quote=False) if kind == "rss" else description)
    feed.language(config.language)
    feed.link(href=f"{root}{urls.HOME}", rel="alternate")
    if config.base_url:
        feed.link(href=urls.absolute(config, feed_url), rel="self")
    newest = max((entry.released for entry in entries), default=EPOCH)
    feed.lastBuildDate(_feed_time(newest))
    feed.updated(_feed_time(newest))
    for entry in entries:
        item = feed.add_entry(order="append")
        link = f"{root}{entry.url}"
        # Atom's id must be a URI (RSS's guid is its twin in feedgen): the page's address, or
        # without a base_url a URN naming the cable, never the bare ID.
        item.guid(
            urls.absolute(config, entry.url) or f"urn:cable:{entry.reference_id}",
            permalink=bool(config.base_url),
        )
        item.title(xml_text(f"{entry.reference_id}: {entry.subject}" if entry.subject else entry.reference_id))
        item.link(href=link)
        summary = entry.summary or entry.subject or entry.reference_id
        # A description is HTML to a feed reader: cable text is escaped as HTML here, and the
        # feed then escapes that HTML as XML. Escaped once, `<script>` in a subject ran.
        description = f"{entry.origin}, {entry.classification}, created {entry.created[:10]}. {summary}"
        item.summary(xml_text(html.escape(description, quote=False)), type="html")  # RSS: description
        item.published(_feed_time(entry.released))
        item.updated(_feed_time(entry.released))
        if entry.tags:  # in one call: feedgen redoes its RSS category list on every call
            item.category([{"term": xml_text(tag)} for tag in entry.tags])
    written: bytes = feed.rss_str(pretty=True) if kind == "rss" else feed.atom_str(pretty=True)
    return written


class FeedPages(PageBase):
    """Renders the feeds of releases, of an origin and of a tag."""

    def _releases_feed(self, plan: PagePlan) -> Rendered:
        entries = self._entries(self.catalogue.feed())
        title = f"{self.config.title}: latest releases"
        rss = cable_feed(self.config, entries, title, plan.url, "rss")
        atom = cable_feed(self.config, entries, title, urls.RELEASES_ATOM, "atom")
        return Rendered([(plan.url, rss), (urls.RELEASES_ATOM, atom)])

    def _facet_feed(self, plan: PagePlan) -> Rendered:
        """The feed of a facet's newest releases, for each family with one (kinds.FacetFamily.feed)."""
        family = FAMILIES[kind_of(plan.kind).family or ""]
        facet = self.catalogue.indexes()[family.kind][plan.name]
        entries = self._entries(self.catalogue.feed(family.kind, facet.name))
        title = f"{self.config.title}: cables {family.phrase.format(name=facet.name, label=facet.label)}"
        return self._one(plan, cable_feed(self.config, entries, title, plan.url, "rss"))
