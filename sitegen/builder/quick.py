"""Quick path: a few thousand changed cables -> only the pages showing them, from the stored catalogue.

Taken when up to QUICK_FILES cable files changed, came or went, none broken, and the templates
and config are as they were. A correction that leaves every cable where it sat (a subject, a
paragraph) re-renders the pages showing it. A release, a cable withheld again or deleted, a new
file or a changed tag moves cables: the stored catalogue's rows they were and are in are edited
in place (StoredCatalogue.move) and only the pages those rows show are planned: the month pages
of the lists they enter or leave, the overviews, feeds, letter and index pages, their
neighbours', citations' and their own pages, the sitemap. At 251,287 cables it skips loading
every file's state, indexing every entry and planning every page.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen import urls
from sitegen.builder.changes import document_digests, release_set_unchanged
from sitegen.builder.publish import AllPagesBut, BuildRun, RenderContext, RenderTask, SearchInput, publish
from sitegen.catalogue import (
    OTHER_LETTER,
    CableEntry,
    Facet,
    entry_from_fields,
    index_letter,
    origin_letter,
    published_articles,
)
from sitegen.config import Config
from sitegen.incremental.keys import PageKeys
from sitegen.incremental.manifest import BuildMeta, Manifest, SourceState
from sitegen.incremental.reach import facet_names
from sitegen.incremental.stored import SLUGGED_KINDS, Moved, StoredCatalogue, same_place, store_entries, store_moved
from sitegen.kinds import FEED_FACET_KINDS, LISTING_KINDS, NEWEST_SHOWN
from sitegen.parallel import batches, map_batches
from sitegen.plan import (
    PagePlan,
    feed_plan,
    letters_used,
    listed,
    listing_plans_showing,
    month_plans,
    release_plans,
    sitemap_plans,
    sitemap_urls,
)
from sitegen.render.site import SiteRenderer, code_fingerprint
from sitegen.search import Member, read_record
from sitegen.sources.pages import Document, read_documents
from sitegen.sources.scan import FolderStats, ScanTask, folder_digests, read_files
from sitegen.write import Staging, copy_static

QUICK_FILES = 5000  # more files changed, come or gone than this go the general way
READ_ALONE = 64  # more changed files than this are read on every core
READ_BATCH = 100


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
        found = quick_changes(self.run.layout.site, self.run.manifest, meta, self.folders, self.run.jobs)
        if found is None:
            return False
        states = found.states
        changed = {entry.reference_id: (entry, states[entry.source].digest) for entry in found.entries}
        catalogue = StoredCatalogue.usable(self.run.manifest.path, self.run.report.as_of, changed)
        if catalogue is None:
            return False
        try:
            if found.clashes(catalogue):
                return False
            if not self.run.config.total_cables:  # the counter's total is every cable file
                catalogue.total += found.counted()
            if found.moves and not meta.slugs:
                return False  # a manifest from before slugs were kept
            moved = catalogue.move(found.moves, meta.slugs) if found.moves else None
            if found.moves and moved is None:
                return False
            search = None
            if self.run.search:
                members = quick_members(self.run.layout.search_record, catalogue, moved)
                if members is None:
                    return False
                search = SearchInput(members, catalogue.cables.__getitem__)
            return self._render_and_save(catalogue, found, meta, moved, search)
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
            # The quick path takes the search index's cables from its record: there must be one.
            and (not self.run.search or self.run.layout.search_record.exists())
        )

    def _render_and_save(
        self,
        catalogue: StoredCatalogue,
        found: QuickChanges,
        meta: BuildMeta,
        moved: Moved | None,
        search: SearchInput | None,
    ) -> bool:
        """The quick path's render and save, once the change is known to leave every cable in
        place (`moved` None) or the stored catalogue has moved the cables that moved."""
        run, layout, states = self.run, self.run.layout, found.states
        pages, page_problems = read_documents(layout.pages, layout.site, require_date=False)
        articles, article_problems = read_documents(layout.articles, layout.site, require_date=True)
        if page_problems or article_problems:
            return False  # the general path reports them (and fails a strict build)
        articles = published_articles(articles, run.report.as_of)
        shown = [entry for entry, _ in catalogue.changed.values() if entry.reference_id in catalogue.cables]
        plans = {plan.url: plan for plan in quick_plans(catalogue, run.config, shown)} if shown else {}
        memory = run.memory()
        gone: set[str] = set()
        sitemap: list[str] = []
        documents: dict[str, str] = {}
        every_page: dict[str, tuple[str, str]] | None = None
        if moved is not None:
            more, gone = moved_plans(catalogue, run.config, moved, pages, articles)
            plans.update((plan.url, plan) for plan in more)
            # The sitemap lists every page: the last build's, less those gone, with those new.
            every_page = memory.pages if memory is not None else run.manifest.page_keys()
            sitemap = sitemap_urls({*(url for url in every_page if url not in gone), *plans})
            for plan in sitemap_plans(len(sitemap)):
                plans[plan.url] = plan
            gone |= {url for url in every_page if SITEMAP_PART.fullmatch(url) and url not in plans}
            documents = document_digests(pages, articles, catalogue)
            if not {plan.kind for plan in plans.values()} <= meta.fixed.keys():
                return False  # a kind of page the last build had none of: the general path keys it
        staging = Staging.begin(layout.output, overlay=True)
        assets = copy_static(layout.site, staging)
        renderer = SiteRenderer(run.config, catalogue, layout.site, pages, articles, assets, sitemap, run.search)
        fingerprints = renderer.fingerprints(sorted(meta.fixed))
        if fingerprints != meta.fixed:
            staging.abandon()  # a template or the config a kind reads changed: every page of it
            return False
        catalogue.preload(listed_cables(catalogue, plans.values(), run.config.page_size))
        keys = PageKeys(catalogue, run.config, catalogue.digests, fingerprints, documents, sitemap)
        wanted = [*plans, *gone]
        if every_page is not None or memory is not None:
            known = every_page if every_page is not None else memory.pages  # type: ignore[union-attr]
            previous = {url: known[url] for url in wanted if url in known}
        else:
            previous = run.manifest.page_keys(url.rpartition("/")[0] for url in wanted)
        tasks: list[RenderTask] = [(plan, previous.get(plan.url, ("",))[0]) for plan in plans.values()]
        context = RenderContext(renderer, keys, staging)
        planned = AllPagesBut(gone) if moved is not None else None
        published = publish(run, staging, context, tasks, previous, planned, search)
        if published is None:
            return True  # --strict met a problem: reported, nothing changed
        report = run.report
        report.quick = report.incremental = True
        report.moved = len(moved.rows) if moved else 0
        report.cables, report.released = meta.counts.get("cables", 0) + found.counted(), catalogue.released_count
        new_pages = sum(url not in previous for url in plans) - sum(url in previous for url in gone)
        report.pages, report.sources_read = meta.counts.get("pages", 0) + new_pages, len(states)
        run.manifest.save_sources(states, found.removed)
        run.manifest.save_pages(published.written, published.gone_pages, replace_all=False)
        store_entries(run.manifest, [catalogue.changed[entry.reference_id] for entry in shown])
        if moved is not None:
            store_moved(run.manifest, catalogue, moved)
        generation = secrets.token_hex(8)
        if memory is not None:
            sources = {**memory.sources, **states}
            for path in found.removed:
                del sources[path]
            memory.remember(generation, sources, memory.pages, published.written, published.gone_pages)
        moments = {state.entry.released for state in states.values() if state.entry and state.entry.released}
        run.manifest.save_meta(
            state="clean",
            as_of=report.as_of,
            sources=self.sources,
            folders=folder_digests(layout.site, self.folders),
            generation=generation,
            page_problems=published.kept_problems,
            # A superset (a moment no cable holds any more stays): it only sends a build the general way.
            release_moments=sorted(moments.union(meta.release_moments)),
            counts={"cables": report.cables, "released": report.released, "pages": report.pages},
            slugs=moved.slugs(meta.slugs) if moved is not None else meta.slugs,
        )
        return True


def quick_members(record_path: Path, catalogue: StoredCatalogue, moved: Moved | None) -> list[Member] | None:
    """The released cables the search index is to hold once this build is published: those its
    record holds, with the new digests of the cables changed in place, less the cables moved
    out and with those moved in (None: no usable record)."""
    record = read_record(record_path)
    if record is None:
        return None
    members = {member.reference_id: member for member in record.members}
    for reference_id, (entry, digest) in catalogue.changed.items():
        if reference_id in members:
            members[reference_id] = Member(reference_id, entry.created, entry.release_day, digest)
    for reference_id, row in (moved.rows if moved is not None else {}).items():
        if row is None:
            members.pop(reference_id, None)
        else:
            entry, digest = row
            members[reference_id] = Member(reference_id, entry.created, entry.release_day, digest)
    return list(members.values())


@dataclass
class QuickChanges:
    """The cable files that changed since the last build, read."""

    states: dict[str, SourceState]  # path -> its new state
    entries: list[CableEntry]  # new entries of the cables whose bytes changed and that stayed in place
    # (old entry, new entry, new digest) of the others: None for a cable that came or went
    moves: list[tuple[CableEntry | None, CableEntry | None, str]]
    removed: list[str]  # the paths of the files gone

    def counted(self) -> int:
        """How many more cable files there are than the last build had."""
        return sum(new is not None for _, new, _ in self.moves) - sum(old is not None for old, _, _ in self.moves)

    def clashes(self, catalogue: StoredCatalogue) -> bool:
        """Whether a cable come holds a reference ID another file holds (the general path
        reports which)."""
        going = {old.reference_id for old, new, _ in self.moves if old is not None and new is None}
        coming = [new.reference_id for old, new, _ in self.moves if new is not None and old is None]
        held = [ref for ref in coming if ref not in going and (ref in catalogue.cables or ref in catalogue.withheld)]
        return bool(held) or len(set(coming)) != len(coming)


def quick_changes(
    site_dir: Path, manifest: Manifest, meta: BuildMeta, folders: list[FolderStats], jobs: int
) -> QuickChanges | None:
    """The cable files that changed, appeared or vanished since the last build, read; None when
    the quick path cannot take the change: a file broken, or more files than QUICK_FILES."""
    if not meta.folders:
        return None
    now = folder_digests(site_dir, folders)
    files_of = {folder: files for folder, (_, _, files) in zip(now, folders, strict=True)}
    tasks: list[ScanTask] = []
    old: dict[str, tuple[str | None, CableEntry | None]] = {}
    found = QuickChanges({}, [], [], [])
    for folder in sorted(now.keys() | meta.folders.keys()):
        if now.get(folder) == meta.folders.get(folder):
            continue
        rows = manifest.folder_sources(folder) if folder in meta.folders else {}
        files = files_of.get(folder, [])
        for name in sorted(rows.keys() - {os.path.basename(path) for path, _, _ in files}):
            fields = rows[name][4]
            if fields is None:
                return None
            found.removed.append(f"{folder}/{name}")
            found.moves.append((entry_from_fields(fields), None, ""))
        for path, size, mtime_ns in files:
            name = os.path.basename(path)
            row = rows.get(name)
            if row is None or (size, mtime_ns) != (row[1], row[2]):
                shown = f"{folder}/{name}"
                old[shown] = (row[3], entry_from_fields(row[4]) if row[4] else None) if row else (None, None)
                tasks.append(ScanTask(path, shown, size, mtime_ns, *old[shown]))
        if len(tasks) + len(found.removed) > QUICK_FILES:
            return None
    if not tasks and not found.removed:
        return None
    work = batches(tasks, READ_BATCH)
    for results in map_batches(read_files, None, work, jobs if len(tasks) > READ_ALONE else 1):
        for shown, state, problem in results:
            digest_then, before = old[shown]
            if problem or state.entry is None or (digest_then is not None and before is None):
                return None
            found.states[shown] = state
            if state.digest == digest_then:
                continue
            if before is None:  # a new file
                found.moves.append((None, state.entry, state.digest))
            elif before.reference_id != state.entry.reference_id:  # one cable gone, another come
                found.moves += [(before, None, ""), (None, state.entry, state.digest)]
            elif same_place(before, state.entry):
                found.entries.append(state.entry)
            else:
                found.moves.append((before, state.entry, state.digest))
    return found


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
        cables.update(
            dict.fromkeys([reference_id, *catalogue.cited(entry), *catalogue.backlinks.get(reference_id, ())])
        )
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


def listed_cables(catalogue: StoredCatalogue, plans: Iterable[PagePlan], page_size: int) -> Iterator[str]:
    """The cables the listing pages and feeds among `plans` show: loaded in bulk before the
    pages are rendered (StoredCatalogue.preload). Cable pages read their few rows themselves."""
    indexes = catalogue.indexes()
    for plan in plans:
        if plan.kind in LISTING_KINDS:
            yield from listed(plan, indexes[LISTING_KINDS[plan.kind]][plan.name], page_size)
        elif plan.kind in FEED_FACET_KINDS:
            yield from catalogue.feed(FEED_FACET_KINDS[plan.kind], plan.name)
        elif plan.kind == "releases-feed":
            yield from catalogue.feed()


LETTER_OF = {"origin": origin_letter, "tag": index_letter}
SITEMAP_PART = re.compile(r"sitemap-\d+\.xml")


def moved_plans(
    catalogue: StoredCatalogue, config: Config, moved: Moved, pages: list[Document], articles: list[Document]
) -> tuple[list[PagePlan], set[str]]:
    """The pages that can show what StoredCatalogue.move changed, and the pages gone with it: as
    affected_plans would find them, from the rows moved rather than from every plan."""
    plans: dict[str, PagePlan] = {}
    gone: set[str] = set(moved.gone)

    def add(more: Iterable[PagePlan]) -> None:
        plans.update((plan.url, plan) for plan in more)

    add(PagePlan(catalogue.cables[ref].url, "cable", ref) for ref in sorted(moved.shown) if ref in catalogue.cables)
    for (kind, name), (before, after) in moved.facets.items():
        for month in moved.months.get((kind, name), ()):
            now = _month_pages(kind, after, month, config.page_size)
            add(now)
            gone |= {plan.url for plan in _month_pages(kind, before, month, config.page_size)} - {p.url for p in now}
        if after is not None and kind in FEED_FACET_KINDS.values():
            add([feed_plan(kind, after)])
        if after is not None and kind in SLUGGED_KINDS:
            add([PagePlan(urls.facet_index(kind, after.slug), kind, name)])
        elif before is not None and kind in SLUGGED_KINDS:
            gone.add(urls.facet_index(kind, before.slug))
            if kind in FEED_FACET_KINDS.values():
                gone.add(feed_plan(kind, before).url)
        if kind in ("origin", "tag"):
            letter = LETTER_OF[kind](name)
            add([PagePlan(urls.letter_page(kind, letter), f"{kind}-letter", letter)])
    for kind in ("origin", "tag"):
        if moved.appeared_or_vanished(kind):  # a letter may fill or empty: every letter bar shows it
            facets = catalogue.indexes()[kind]
            used = letters_used(facets, LETTER_OF[kind])
            add(PagePlan(urls.letter_page(kind, letter), f"{kind}-letter", letter) for letter in used)
            if OTHER_LETTER not in used:
                gone.add(urls.letter_page(kind, OTHER_LETTER))
    for post, ids in moved.posts.items():
        if ids:
            add([PagePlan(urls.id_shard(post), "id-shard", post)])
        else:
            gone.add(urls.id_shard(post))
    add(
        [
            PagePlan(urls.HOME, "home"),
            PagePlan(urls.RELEASES_FEED, "releases-feed"),
            PagePlan(urls.DATE_INDEX, "date-index"),
            PagePlan(urls.RELEASE_INDEX, "release-index"),
            PagePlan(urls.CLASSIFICATION_INDEX, "classification-index"),
            PagePlan(urls.letter_index("origin"), "origin-index"),
            PagePlan(urls.letter_index("tag"), "tag-index"),
            PagePlan(urls.ARTICLES_INDEX, "articles"),
        ]
    )
    add(PagePlan(urls.document(document.slug), "page", document.slug) for document in pages)
    add(PagePlan(urls.article(document.slug), "article", document.slug) for document in articles)
    return list(plans.values()), gone - plans.keys()


def _month_pages(kind: str, facet: Facet | None, month: str, page_size: int) -> list[PagePlan]:
    """The pages of a facet's month (of a release day: all its pages); none without the facet."""
    if facet is None:
        return []
    if kind == "release":
        return release_plans(facet, page_size)
    start, end = facet.month_span(month)
    return month_plans(kind, facet, month, end - start, page_size) if end > start else []
