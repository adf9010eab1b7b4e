"""Quick path: a correction to a few cables -> only the pages showing them, from the stored catalogue.

Taken when every cable that changed sits where it sat in every index, feed and link (the
usual correction: a subject, a paragraph). At 251,287 cables it skips loading every file's
state, indexing every entry and planning every page (1.8 s against 7 s for the general path).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sitegen import urls
from sitegen.build.changes import release_set_unchanged
from sitegen.build.publish import BuildRun, RenderContext, RenderTask, publish
from sitegen.catalogue import CableEntry, entry_from_fields, published_articles
from sitegen.config import Config
from sitegen.incremental.keys import PageKeys
from sitegen.incremental.manifest import BuildMeta, Manifest, SourceState
from sitegen.incremental.reach import facet_names
from sitegen.incremental.stored import StoredCatalogue, same_place, store_entries
from sitegen.kinds import NEWEST_SHOWN
from sitegen.plan import PagePlan, feed_plan, listing_plans_showing
from sitegen.render.site import SiteRenderer, code_fingerprint
from sitegen.sources.pages import read_documents
from sitegen.sources.scan import FolderStats, ScanTask, folder_digests, read_files
from sitegen.write import Staging, copy_static

QUICK_FILES = 64  # more changed files than this go the general way, which reads them on every core


@dataclass
class QuickBuild:
    """The quick path of one build."""

    run: BuildRun
    inputs: str  # this build's inputs_fingerprint
    folders: list[FolderStats]
    sources: str  # this build's stats_digest

    def attempt(self) -> bool:
        """Rebuild from the stored catalogue; False, having changed nothing, when the general path must run."""
        meta = self.run.manifest.build_meta()
        if not self._same_build_otherwise(meta):
            return False
        found = quick_changes(self.run.layout.site, self.run.manifest, meta, self.folders)
        if found is None:
            return False
        states, entries = found
        changed = {entry.reference_id: (entry, states[entry.source].digest) for entry in entries}
        catalogue = StoredCatalogue.usable(self.run.manifest.path, self.run.report.as_of, changed)
        if catalogue is None:
            return False
        try:
            return self._render_and_save(catalogue, states, meta)
        finally:
            catalogue.close()

    def _same_build_otherwise(self, meta: BuildMeta) -> bool:
        """Whether all but a few cable files are as the last build had them: same inputs and
        code, no file with a problem, no release crossing between the two as-of moments."""
        return (
            not self.run.options.full
            and meta.inputs == self.inputs
            and meta.code == code_fingerprint()
            and bool(meta.sources)  # the last build met a broken file: it is read again
            and meta.as_of is not None
            and release_set_unchanged(meta.release_moments, meta.as_of, self.run.report.as_of)
            # The quick path keeps the search shards' cables as recorded: there must be a record.
            and (not self.run.search or self.run.layout.search_record.exists())
        )

    def _render_and_save(self, catalogue: StoredCatalogue, states: dict[str, SourceState], meta: BuildMeta) -> bool:
        """The quick path's render and save, once the change is known to leave every cable in place."""
        run, layout = self.run, self.run.layout
        pages, page_problems = read_documents(layout.pages, layout.site, require_date=False)
        articles, article_problems = read_documents(layout.articles, layout.site, require_date=True)
        if page_problems or article_problems:
            return False  # the general path reports them (and fails a strict build)
        articles = published_articles(articles, run.report.as_of)
        shown = [entry for entry, _ in catalogue.changed.values() if entry.reference_id in catalogue.cables]
        plans = quick_plans(catalogue, run.config, shown) if shown else []
        staging = Staging.begin(layout.output, overlay=True)
        assets = copy_static(layout.site, staging)
        renderer = SiteRenderer(run.config, catalogue, layout.site, pages, articles, assets, [], run.search)
        fingerprints = renderer.fingerprints(sorted(meta.fixed))
        if fingerprints != meta.fixed:
            staging.abandon()  # a template or the config a kind reads changed: every page of it
            return False
        keys = PageKeys(catalogue, run.config, catalogue.digests, fingerprints, {}, [])
        memory = run.memory()
        if memory is not None:
            previous = {plan.url: memory.pages[plan.url] for plan in plans if plan.url in memory.pages}
        else:
            previous = run.manifest.page_keys(plan.url.rpartition("/")[0] for plan in plans)
        tasks: list[RenderTask] = [(plan, previous.get(plan.url, ("",))[0]) for plan in plans]
        published = publish(run, staging, RenderContext(renderer, keys, staging), tasks, previous, None, None)
        if published is None:
            return True  # --strict met a problem: reported, nothing changed
        run.report.quick = run.report.incremental = True
        run.report.cables, run.report.released = meta.counts.get("cables", 0), meta.counts.get("released", 0)
        run.report.pages, run.report.sources_read = meta.counts.get("pages", 0), len(states)
        run.manifest.save_sources(states, [])
        run.manifest.save_pages(published.written, [], replace_all=False)
        store_entries(run.manifest, [catalogue.changed[entry.reference_id] for entry in shown])
        generation = secrets.token_hex(8)
        if memory is not None:
            memory.remember(generation, {**memory.sources, **states}, memory.pages, published.written)
        run.manifest.save_meta(
            state="clean",
            as_of=run.report.as_of,
            sources="" if run.report.search_unfinished else self.sources,
            folders=folder_digests(layout.site, self.folders),
            generation=generation,
            page_problems=published.kept_problems,
        )
        return True


def quick_changes(
    site_dir: Path, manifest: Manifest, meta: BuildMeta, folders: list[FolderStats]
) -> tuple[dict[str, SourceState], list[CableEntry]] | None:
    """The new states of the cable files that changed since the last build, and the new entries
    of those whose bytes changed; None when the quick path cannot take the change: a file
    added, removed or broken, a cable moved in any index, or more files than QUICK_FILES."""
    now = folder_digests(site_dir, folders)
    if not meta.folders or now.keys() != meta.folders.keys():
        return None
    tasks: list[ScanTask] = []
    old: dict[str, tuple[str, CableEntry | None]] = {}
    for (folder, digest), (_, _, files) in zip(now.items(), folders, strict=True):
        if meta.folders[folder] == digest:
            continue
        rows = manifest.folder_sources(folder)
        if rows.keys() != {os.path.basename(path) for path, _, _ in files}:
            return None
        for path, size, mtime_ns in files:
            name, known_size, known_mtime, digest_then, fields = rows[os.path.basename(path)]
            if (size, mtime_ns) != (known_size, known_mtime):
                shown = f"{folder}/{name}"
                old[shown] = (digest_then, entry_from_fields(fields) if fields else None)
                tasks.append(ScanTask(path, shown, size, mtime_ns, *old[shown]))
        # A release touches most folders: give up at once rather than unpack every folder's rows.
        if len(tasks) > QUICK_FILES:
            return None
    if not tasks:
        return None
    states: dict[str, SourceState] = {}
    entries: list[CableEntry] = []
    for task in tasks:  # one at a time: the first cable that moved settles it
        [(shown, state, problem)] = read_files(None, [task])
        digest_then, before = old[shown]
        if problem or before is None or state.entry is None or not same_place(before, state.entry):
            return None
        if state.digest != digest_then:
            entries.append(state.entry)
        states[shown] = state
    return states, entries


def quick_plans(catalogue: StoredCatalogue, config: Config, entries: list[CableEntry]) -> list[PagePlan]:
    """The pages that can show what changed in these entries when none of them moved: as
    affected_plans, narrowed to the page of each listing that holds the cable (and its overview)."""
    cables: dict[str, None] = {}
    plans: dict[str, PagePlan] = {urls.HOME: PagePlan(urls.HOME, "home")}
    plans[urls.RELEASES_FEED] = PagePlan(urls.RELEASES_FEED, "releases-feed")
    if not {entry.reference_id for entry in entries}.isdisjoint(catalogue.newest(NEWEST_SHOWN)):
        plans[urls.DATE_INDEX] = PagePlan(urls.DATE_INDEX, "date-index")
    facets = catalogue.indexes()
    for entry in entries:
        reference_id = entry.reference_id
        cables.update(dict.fromkeys([reference_id, *entry.references, *catalogue.backlinks.get(reference_id, ())]))
        cables.update(dict.fromkeys(ref for ref in catalogue.neighbours(entry) if ref))
        for kind, names in facet_names(entry).items():
            for name in sorted(names):
                facet = facets[kind][name]
                for plan in listing_plans_showing(kind, facet, config.page_size, reference_id):
                    plans[plan.url] = plan
                if kind in ("origin", "tag"):
                    plan = feed_plan(kind, facet)
                    plans[plan.url] = plan
    shown = [catalogue.cables[ref] for ref in cables if ref in catalogue.cables]
    return [PagePlan(entry.url, "cable", entry.reference_id) for entry in shown] + list(plans.values())
