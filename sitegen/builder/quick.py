"""Quick path: a few thousand changed cables -> only the pages showing them, from the stored catalogue.

Taken when up to QUICK_FILES cable files changed, came or went, none broken, and the templates
and config are as they were. A correction that leaves every cable where it sat (a subject, a
paragraph) re-renders the pages showing it. A release, a cable withheld again or deleted, a new
file or a changed tag moves cables: the stored catalogue's rows they were and are in are edited
in place (StoredCatalogue.move) and only the pages those rows show are planned: the month pages
of the lists they enter or leave, the overviews, feeds, letter and index pages, their
neighbours', citations' and their own pages, the sitemap. A revision, withdrawal or
re-release is taken too: the version each changed cable shows is found by the general path's
rule (incremental/shown.py). At 251,287 cables it skips loading every file's state, indexing
every entry and planning every page. quick_files.py finds and reads the files changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import urls
from sitegen.builder.changes import document_digests, moments_crossed
from sitegen.builder.publish import (
    AllPagesBut,
    BuildRun,
    PageWork,
    RenderContext,
    RenderTask,
    Saved,
    SearchInput,
    render_and_save,
)
from sitegen.builder.quick_files import QuickChanges, quick_changes
from sitegen.catalogue import (
    articles_crossed,
    published_articles,
)
from sitegen.catalogue_versions import release_facet
from sitegen.citations import citation_digests, citations_changed, cited_in, cited_keys
from sitegen.incremental.edit import Moved
from sitegen.incremental.keys import PageKeys
from sitegen.incremental.manifest import BuildMeta
from sitegen.incremental.reach import CatalogueDiff, pages_reached
from sitegen.incremental.shown import ShownChanges, moved_id, shown_changes
from sitegen.incremental.stored import StoredCatalogue, store_entries, store_moved, store_summary
from sitegen.kinds import FACET_KINDS, FEED_FACET_KINDS, LISTING_KINDS
from sitegen.plan import (
    PagePlan,
    listed,
    sitemap_plans,
    sitemap_urls,
)
from sitegen.render.site import OutputParts, SiteRenderer, code_fingerprint
from sitegen.sources.pages import Document, read_documents
from sitegen.sources.scan import FolderStats, folder_digests
from sitegen.write import Staging, copy_static

if TYPE_CHECKING:
    from sitegen.search import Member

QUICK_FILES = 5000  # more files changed, come or gone than this go the general way


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
        found = quick_changes(self.run, meta, self.folders, QUICK_FILES)
        if found is None:
            return False
        catalogue = StoredCatalogue.usable(self.run.manifest.path, self.run.report.as_of)
        if catalogue is None:
            return False
        try:
            shown = shown_changes(catalogue, found.edits, found.moves, self.run.layout.site)
            if shown is None or found.clashes(catalogue) or not catalogue.edit_in_place(shown.in_place):
                return False
            if not self.run.config.total_cables:  # the counter's total is every cable file
                catalogue.total += found.counted()
            if shown.moves and not meta.slugs:
                return False  # a manifest from before slugs were kept
            moved = catalogue.move(shown.moves, meta.slugs) if shown.moves else None
            if shown.moves and moved is None:
                return False
            catalogue.put_versions(shown.removed, shown.changes)
            search = None
            if self.run.search:
                from sitegen.search import entries_of  # numpy's import: only a build with search pays it

                members = quick_members(self.run.layout.search_record, catalogue, moved)
                if members is None:
                    return False
                search = SearchInput(members, entries_of(catalogue.cables, catalogue.removed))
            return self._render_and_save(catalogue, found, meta, shown, moved, search)
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
            and isinstance(meta.release_moments, dict)  # a manifest from before moments were counted
            and not moments_crossed(meta, self.run.report.as_of)
            # The quick path takes the search index's cables from its record: there must be one.
            and (not self.run.search or self.run.layout.search_record.exists())
        )

    def _render_and_save(
        self,
        catalogue: StoredCatalogue,
        found: QuickChanges,
        meta: BuildMeta,
        shown: ShownChanges,
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
        if articles_crossed(articles, meta.as_of, run.report.as_of):
            return False  # the general path publishes (or withdraws) the article and its citations
        articles = published_articles(articles, run.report.as_of)
        cited = citation_digests(cited_in(articles))
        memory = run.memory()
        every_page = memory.pages if memory is not None else None
        diff = quick_diff(found, meta, shown, moved)
        if diff.pages_moved and every_page is None:
            every_page = run.manifest.page_keys()
        diff.shown |= citations_changed(meta.cited, cited)  # none, but after a manifest that kept none
        reached = self._plan(catalogue, diff, meta, pages, articles, every_page)
        if reached is None:
            return False
        plans, gone, sitemap = reached
        documents = document_digests(pages, articles, catalogue) if diff.pages_moved else {}
        documents |= cited_keys(cited)
        staging = Staging.begin(layout.output, overlay=True)
        assets = copy_static(layout.site, staging)
        renderer = SiteRenderer(
            run.config, catalogue, layout.site, pages, articles, OutputParts(assets, sitemap, run.search)
        )
        fingerprints = renderer.fingerprints(sorted(meta.fixed))
        if fingerprints != meta.fixed:
            staging.abandon()  # a template or the config a kind reads changed: every page of it
            return False
        catalogue.preload(listed_cables(catalogue, plans.values(), run.config.page_size))
        keys = PageKeys(catalogue, run.config, catalogue.digests, fingerprints, documents, sitemap)
        wanted = [*plans, *gone]
        if every_page is not None:
            previous = {url: every_page[url] for url in wanted if url in every_page}
        else:
            previous = run.manifest.page_keys(url.rpartition("/")[0] for url in wanted)
        tasks: list[RenderTask] = [(plan, previous.get(plan.url, ("",))[0]) for plan in plans.values()]
        new_pages = sum(url not in previous for url in plans) - sum(url in previous for url in gone)
        self._report(catalogue, found, meta, moved, new_pages)
        context = RenderContext(renderer, keys, staging)
        planned = AllPagesBut(gone) if diff.pages_moved else None
        saved = Saved(
            states,
            found.removed,
            lambda: self._store(catalogue, moved, shown.versions),
            {
                "sources": self.sources,
                "folders": folder_digests(layout.site, self.folders),
                "release_moments": found.release_moments(meta.release_moments),
                "version_moments": found.version_moments(meta.version_moments, layout.site),
                "slugs": moved.slugs(meta.slugs) if moved is not None else meta.slugs,
                "cited": cited,
            },
            memory.sources if memory is not None else None,
            memory.pages if memory is not None else None,
        )
        render_and_save(run, context, PageWork(tasks, previous, planned), search, saved)
        return True  # published, or --strict met a problem: reported, nothing changed

    def _plan(
        self,
        catalogue: StoredCatalogue,
        diff: CatalogueDiff,
        meta: BuildMeta,
        pages: list[Document],
        articles: list[Document],
        every_page: dict[str, tuple[str, str]] | None,
    ) -> tuple[dict[str, PagePlan], set[str], list[str]] | None:
        """The pages the change reaches, the pages gone and the sitemap's URLs; None when a kind
        of page the last build had none of is reached (the general path keys it)."""
        reach = pages_reached(diff, catalogue, self.run.config.page_size, pages, articles)
        plans, gone = reach.plans, reach.gone
        sitemap: list[str] = []
        if reach.kinds and every_page is not None:
            # The sitemap lists every page: the last build's, less those gone, with those new.
            sitemap = sitemap_urls({*(url for url in every_page if url not in gone), *plans})
            for plan in sitemap_plans(len(sitemap)):
                plans[plan.url] = plan
            gone |= {url for url in every_page if urls.SITEMAP_PART.fullmatch(url) and url not in plans}
        if not {plan.kind for plan in plans.values()} <= meta.fixed.keys():
            return None
        return plans, gone, sitemap

    def _report(
        self, catalogue: StoredCatalogue, found: QuickChanges, meta: BuildMeta, moved: Moved | None, new_pages: int
    ) -> None:
        report = self.run.report
        report.quick = report.incremental = True
        report.moved = len(moved.rows) if moved else 0
        report.cables, report.released = meta.counts.get("cables", 0) + found.counted(), catalogue.released_count
        report.pages, report.sources_read = meta.counts.get("pages", 0) + new_pages, len(found.states)

    def _store(self, catalogue: StoredCatalogue, moved: Moved | None, versions: bool) -> None:
        """Keep the rows of the cables changed in place and those StoredCatalogue.move edited,
        and the catalogue's removed cables and changes when a version changed."""
        changed = [row for row in catalogue.changed.values() if row[0].reference_id in catalogue.cables]
        store_entries(self.run.manifest, changed)
        if moved is not None:
            store_moved(self.run.manifest, catalogue, moved)
        elif versions:
            store_summary(self.run.manifest, catalogue)


def quick_members(record_path: Path, catalogue: StoredCatalogue, moved: Moved | None) -> list[Member] | None:
    """The released cables the search index is to hold once this build is published: those its
    record holds, with the cables changed in place as they are now, less the cables moved out
    and with those moved in; and every cable withdrawn as the catalogue has it now (its older
    entry hidden), each made as the general path makes it (search_members). None: no usable
    record."""
    from sitegen.search import member_of, read_record, withdrawn_member  # numpy's import: only with search

    record = read_record(record_path)
    if record is None:
        return None
    members = {member.reference_id: member for member in record.members if not member.withdrawn}
    for reference_id, (entry, digest) in catalogue.changed.items():
        if reference_id in members:
            members[reference_id] = member_of(entry, digest)
    for reference_id, row in (moved.rows if moved is not None else {}).items():
        if row is not None:
            members[reference_id] = member_of(*row)
        else:
            members.pop(reference_id, None)
    members.update((ref, withdrawn_member(entry)) for ref, entry in catalogue.removed.items())
    return list(members.values())


def quick_diff(found: QuickChanges, meta: BuildMeta, shown: ShownChanges, moved: Moved | None) -> CatalogueDiff:
    """The quick path's diff: the files changed in place and moved, as the general path's diff
    holds them (builder/changes.py), with the versions shown that moved besides (a revision
    released: its earlier version out, the new one in), and what StoredCatalogue.move did."""
    diff = CatalogueDiff(meta.as_of or "", edited=[new for _, new, _ in found.edits])
    diff.replaced = [old for old, _, _ in found.edits]
    diff.moved = [(old, new) for old, new, _ in found.moves]
    files_moved = {entry.reference_id for pair in diff.moved for entry in pair if entry is not None}
    diff.moved += [(move[0], move[1]) for move in shown.moves if moved_id(move) not in files_moved]
    diff.pages_moved = bool(diff.moved) or shown.versions
    diff.change_days = shown.change_days
    if moved is not None:
        diff.months = moved.months
        diff.before = {listing: before for listing, (before, _) in moved.facets.items()}
        diff.came_or_went = {kind for kind in FACET_KINDS if moved.appeared_or_vanished(kind)}
        diff.posts = set(moved.posts)
        diff.shown, diff.moves_shown = set(moved.shown), True
    return diff


def listed_cables(catalogue: StoredCatalogue, plans: Iterable[PagePlan], page_size: int) -> Iterator[str]:
    """The cables the listing pages and feeds among `plans` show: loaded in bulk before the
    pages are rendered (StoredCatalogue.preload). Cable pages read their few rows themselves."""
    indexes = catalogue.indexes()
    for plan in plans:
        if plan.kind in LISTING_KINDS:
            kind = LISTING_KINDS[plan.kind]
            facet = release_facet(catalogue, plan.name) if kind == "release" else indexes[kind][plan.name]
            yield from listed(plan, facet, page_size)
        elif plan.kind in FEED_FACET_KINDS:
            yield from catalogue.feed(FEED_FACET_KINDS[plan.kind], plan.name)
        elif plan.kind == "releases-feed":
            yield from catalogue.feed()
