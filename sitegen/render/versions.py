"""Version pages: a cable's history (each version with a word diff against the one before), the
page a removed cable's URL shows, and the feed of changes (feed/changes.atom)."""

from __future__ import annotations

import html
import os
from pathlib import Path

from feedgen.feed import FeedGenerator

from sitegen import urls
from sitegen.catalogue_versions import MODIFIED
from sitegen.model import CableRecord, Problem
from sitegen.plan import PagePlan
from sitegen.render.cable import CablePages, _json_bytes
from sitegen.render.feeds import _feed_time, xml_text
from sitegen.render.history import shown_versions, version_views
from sitegen.render.page import Rendered, iso
from sitegen.sources.cablefile import read_cable_file
from sitegen.versions import WITHDRAWAL_NOTE


class VersionPages(CablePages):
    """Renders `cable-history`, `cable-removed` and `changes-feed` pages."""

    def _cable_history(self, plan: PagePlan) -> Rendered:
        entry = self.catalogue.cables[plan.name]
        versions = shown_versions(Path(self.site_dir), entry)
        html = self._page_html(
            "cable-history.html",
            plan,
            title=f"{entry.reference_id}: every version",
            cable=entry,
            cable_name=entry.url.rsplit("/", 1)[-1],
            versions=version_views(versions),
        )
        return self._one(plan, html)

    def _cable_removed(self, plan: PagePlan) -> Rendered:
        entry = self.catalogue.removed[plan.name]
        record = read_cable_file(os.path.join(self.site_dir, entry.source), entry.source)
        if isinstance(record, Problem):
            return Rendered([], [record])
        note = record.extra_field(WITHDRAWAL_NOTE) or ""
        html = self._page_html(
            "cable-removed.html",
            plan,
            title=f"{entry.reference_id}: removed",
            cable=entry,
            withdrawn_iso=iso(entry.withdrawn),
            note=note,
            shares=self._shares(entry, plan.url),
            json_name=urls.cable_twin(plan.url).rsplit("/", 1)[-1],
            release_url=urls.listing_page(urls.release_folder(entry.release_day), 1),
        )
        twin = {
            "reference_id": entry.reference_id,
            "created": iso(entry.created),
            "released": iso(entry.released),
            "removed": iso(entry.withdrawn),
            "removal_note": note,
        }
        return Rendered([(plan.url, html), (urls.cable_twin(plan.url), _json_bytes(twin))])

    def _changes_feed(self, plan: PagePlan) -> Rendered:
        """The latest revisions and removals (at most feed_size), each linking its history or removed page."""
        config, catalogue, site_dir = self.config, self.catalogue, Path(self.site_dir)
        root = config.base_url or "../" * plan.url.count("/")
        feed = FeedGenerator()
        feed.id(urls.absolute(config, plan.url) or f"urn:sitegen:{plan.url}")
        feed.title(xml_text(f"{config.title}: cables modified and removed"))
        feed.link(href=f"{root}{urls.HOME}", rel="alternate")
        if config.base_url:
            feed.link(href=urls.absolute(config, plan.url), rel="self")
        changes = catalogue.changes[: catalogue.feed_size]
        feed.updated(_feed_time(changes[0][0] if changes else ""))
        for moment, ref, kind in changes:
            if kind == MODIFIED:
                entry = catalogue.cables[ref]
                url = urls.cable_history(entry.created, ref)
                notes = {v.released: v.note for v in shown_versions(site_dir, entry)}
                note = notes.get(moment, "")
            else:
                entry = catalogue.removed[ref]
                url = entry.url
                record = read_cable_file(os.path.join(site_dir, entry.source), entry.source)
                note = record.extra_field(WITHDRAWAL_NOTE) or "" if isinstance(record, CableRecord) else ""
            item = feed.add_entry(order="append")
            item.id(f"urn:sitegen:{kind}:{ref}:{moment.replace(' ', 'T')}")
            item.title(xml_text(f"{ref} {kind}" + (f": {entry.subject}" if entry.subject else "")))
            item.link(href=f"{root}{url}")
            item.summary(xml_text(html.escape(note or f"{ref} {kind} on {moment[:10]}", quote=False)), type="html")
            item.published(_feed_time(moment))
            item.updated(_feed_time(moment))
        return self._one(plan, feed.atom_str(pretty=True))
