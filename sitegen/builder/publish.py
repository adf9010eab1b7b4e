"""Publish: the pages a build plans -> files in a staging folder -> output/, indexed, and saved for next time.

Both of a build's paths end in render_and_save: the general one (pipeline.py) and the quick one
(quick.py) render the pages whose key changed on every core, stop on --strict, put the staging
folder in place with the search index's changed files, mark the manifest while they save, and
save what the next build needs.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Container, Iterable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen import urls
from sitegen.builder.report import BuildMemory, BuildOptions, BuildReport
from sitegen.config import Config
from sitegen.incremental.keys import PageKeys
from sitegen.incremental.manifest import Manifest, SourceState
from sitegen.layout import SiteLayout
from sitegen.model import Problem
from sitegen.parallel import batches, map_batches
from sitegen.plan import PagePlan
from sitegen.urls import SEARCH_FOLDER
from sitegen.write import Staging

if TYPE_CHECKING:  # the renderer and the search index are imported where they are used: see pipeline.py
    from sitegen.render.site import Rendered, SiteRenderer
    from sitegen.search import IndexUpdate, Member
    from sitegen.search.index import EntryOf

RENDER_BATCH = 200
STATIC_PAGE = f"{urls.STATIC_FOLDER}/"  # the manifest's name for the static files, kept like a page

# A page to render: its plan and the key its last build had ("" for none; None in a full build,
# which renders every page whatever its key).
RenderTask = tuple[PagePlan, str | None]
# What a build wrote: each page's URL -> (its key, the files it wrote).
Written = dict[str, tuple[str, tuple[str, ...]]]


@dataclass
class BuildRun:
    """One build's context, as every step of it needs it."""

    options: BuildOptions
    layout: SiteLayout
    config: Config
    jobs: int
    manifest: Manifest
    report: BuildReport

    @property
    def search(self) -> bool:
        return bool(self.options.search)

    def memory(self) -> BuildMemory | None:
        """The process's memory of the last build, if it still describes the manifest."""
        memory = self.options.memory
        return memory if memory is not None and memory.holds(self.manifest) else None


@dataclass(frozen=True)
class RenderContext:
    """What a worker renders with; handed to the pool once, shared by its forked workers."""

    renderer: SiteRenderer
    keys: PageKeys
    staging: Staging


@dataclass(frozen=True)
class PageWork:
    """The pages a build renders and the two sets publish weighs them against: they travel
    together from the plan to publish."""

    tasks: list[RenderTask]  # the pages to render, each with its key at the last build
    previous: dict[str, tuple[str, str]]  # each page's key and files as the last build left them
    planned: Container[str] | None  # every page the build plans (None: the same pages as before)


@dataclass
class Published:
    """What publish() did: the pages rendered, the pages gone, the problems to keep."""

    written: Written
    gone_pages: list[str]
    kept_problems: dict[str, list[list[Any]]]  # for BuildMeta.page_problems
    previous: dict[str, tuple[str, str]]  # each page's key and files as the last build left them


class AllPagesBut:
    """Every page the last build had, but these: what a build plans when it planned only the
    pages a change reaches (publish's `planned`)."""

    def __init__(self, gone: Iterable[str]):
        self.gone = frozenset(gone)

    def __contains__(self, url: object) -> bool:
        return url not in self.gone


@dataclass
class Saved:
    """What a build keeps for the next besides its pages, as its path knows it."""

    sources: dict[str, SourceState]  # the states of the cable files read
    removed: list[str]  # the paths of the cable files gone
    store_catalogue: Callable[[], None]  # keeps the catalogue's rows that changed (all of them)
    meta: dict[str, Any]  # the BuildMeta fields the path decides (each path its own)
    known: dict[str, SourceState] | None  # every file's state before: kept in the process's memory (None: not kept)
    pages_before: dict[str, tuple[str, str]] | None = None  # every page's before (None: publish's `previous`)
    replace_sources: bool = False  # the states read replace the table (a build that knew no file)
    replace_pages: bool = False  # the pages written replace the table (a build that planned every page)


def render_and_save(
    run: BuildRun,
    context: RenderContext,
    work: PageWork,
    search: SearchInput | None,
    saved: Saved,
    extra_pages: Written | None = None,
) -> Published | None:
    """Both paths' last step: render and publish (see publish), then save what the next build
    needs: every file's state, every page's key, the catalogue, BuildMeta; and keep them in the
    process's memory. None: --strict met a problem, nothing published or saved."""
    published = publish(run, context, work, search, extra_pages)
    if published is None:
        return None
    manifest, report = run.manifest, run.report
    manifest.save_sources(saved.sources, saved.removed, replace_all=saved.replace_sources)
    manifest.save_pages(published.written, published.gone_pages, replace_all=saved.replace_pages)
    saved.store_catalogue()
    generation = secrets.token_hex(8)
    memory = run.options.memory
    if memory is not None and saved.known is not None:
        sources = {**saved.known, **saved.sources}
        for path in saved.removed:
            sources.pop(path, None)
        pages = published.previous if saved.pages_before is None else saved.pages_before
        memory.remember(generation, sources, pages, published.written, published.gone_pages)
    manifest.save_meta(
        state="clean",
        as_of=report.as_of,
        generation=generation,
        page_problems=published.kept_problems,
        counts={"cables": report.cables, "released": report.released, "pages": report.pages},
        **saved.meta,
    )
    return published


def publish(
    run: BuildRun,
    context: RenderContext,
    work: PageWork,
    search: SearchInput | None,
    extra_pages: Written | None = None,
) -> Published | None:
    """Render the work's tasks, then (unless --strict meets a problem: None, the output
    untouched) put the context's staging folder in place with the search index's changed files,
    dropping the files of pages gone or no longer written.
    `search` is the released cables the index is to hold (None: a build without search);
    `extra_pages` are recorded as written without rendering (the static files)."""
    staging, tasks, previous, planned = context.staging, work.tasks, work.previous, work.planned
    fresh: dict[str, list[Problem]] = {}
    written = render_pages(run, context, tasks, fresh)
    run.report.rendered = len(written)
    kept = carry_page_problems(
        run.manifest, run.report, fresh, written, planned.__contains__ if planned is not None else None
    )
    written.update(extra_pages or {})
    if run.options.strict and run.report.problems:
        staging.abandon()
        run.report.failed = True
        return None
    gone_pages, stale = stale_files(previous, written, planned if planned is not None else set(previous))
    run.report.removed = len(stale)
    # Until this build is saved whole, what the manifest (and a process's memory) holds of the
    # folders no longer describes them.
    run.manifest.save_meta(state="building", output=str(run.layout.output), folders={})
    if run.options.memory is not None:
        run.options.memory.forget()
    index = stage_search_index(run, staging, search) if search is not None else None
    stale |= stale_search_files(run, staging, index)
    moved = staging.commit(sorted(stale))
    run.report.output = "replaced"
    run.report.notes += staging.notes
    run.report.files = moved if moved >= 0 else sum(len(files) for _, files in written.values())
    if index is not None:
        from sitegen.search.index import write_record  # numpy's import: only a build with search pays it

        write_record(run.layout.search_record, index.record)
    elif not run.search:
        run.layout.search_record.unlink(missing_ok=True)
    return Published(written, gone_pages, kept, previous)


def render_pages(
    run: BuildRun, context: RenderContext, tasks: list[RenderTask], fresh: dict[str, list[Problem]]
) -> Written:
    """Render the pages whose key changed into the staging folder; returns url -> (key, files)
    of the pages rendered. Their problems go into the report and into `fresh` by URL."""
    work = batches(tasks, RENDER_BATCH)
    written: Written = {}
    for batch, (done, batch_problems) in zip(work, map_batches(render_batch, context, work, run.jobs), strict=True):
        for url, problem in batch_problems:
            run.report.problems.append(problem)
            fresh.setdefault(url, []).append(problem)
        for (plan, _), result in zip(batch, done, strict=True):
            if result is not None:
                key, files = result
                written[plan.url] = (key, files or (plan.url,))
    return written


def render_batch(
    context: RenderContext, tasks: list[RenderTask]
) -> tuple[list[tuple[str, tuple[str, ...] | None] | None], list[tuple[str, Problem]]]:
    """Key each page and render those whose key differs from the last build's into the staging
    folder. Returns, in batch order, each page's (key, files) (files None when just the plan's
    URL, to keep what travels back small), or None for a page left as it was; and the problems,
    each with the URL of the page that met it.
    Keys are computed here, on every core, rather than in the parent: a release keys tens of
    thousands of candidate pages."""
    done: list[tuple[str, tuple[str, ...] | None] | None] = []
    problems: list[tuple[str, Problem]] = []
    for plan, previous_key in tasks:
        key = context.keys.key(plan)
        if key == previous_key:
            done.append(None)
            continue
        rendered: Rendered = context.renderer.render(plan)
        for url, data in rendered.files:
            if not context.staging.unchanged(url, data):
                context.staging.write(url, data)
        problems.extend((plan.url, problem) for problem in rendered.problems)
        files = tuple(url for url, _ in rendered.files)
        done.append((key, None if files == (plan.url,) else files))
    return done, problems


def carry_page_problems(
    manifest: Manifest,
    report: BuildReport,
    fresh: dict[str, list[Problem]],
    rendered: Written,
    still_planned: Callable[[str], bool] | None,
) -> dict[str, list[list[Any]]]:
    """Report again what pages not rendered this time met when they last were (a warning about
    an article must not vanish from the next CI log while the article is unchanged); returns
    the problems by page URL to store for the next build (BuildMeta.page_problems)."""
    stored = manifest.build_meta().page_problems
    carried = {
        url: [Problem(*fields) for fields in problems]
        for url, problems in stored.items()
        if url not in rendered and (still_planned is None or still_planned(url))
    }
    for problems in carried.values():
        report.problems += problems
    merged = {**carried, **fresh}
    return {url: [list(astuple(p)) for p in merged[url]] for url in sorted(merged)}


def stale_files(
    previous: dict[str, tuple[str, str]], written: Written, planned: Container[str]
) -> tuple[list[str], set[str]]:
    """Pages no longer planned, and files no page writes any more: the pages of a cable withdrawn
    or back under embargo, or a file a re-rendered page no longer produces (an old stylesheet)."""
    gone_pages = [url for url in previous if url not in planned]

    def files_of(url: str) -> set[str]:
        return set(filter(None, previous[url][1].split("\n")))

    stale = {f for url in gone_pages for f in files_of(url)}
    for url, (_, files) in written.items():
        if url in previous:
            stale |= files_of(url) - set(files)
    stale -= {f for _, files in written.values() for f in files}
    return gone_pages, stale


@dataclass(frozen=True)
class SearchInput:
    """The released cables the search index is to hold, and where to read each one's entry."""

    members: list[Member]
    entry_of: EntryOf


def stage_search_index(run: BuildRun, staging: Staging, search: SearchInput) -> IndexUpdate:
    """Write the search index's segments that changed into the staging folder (each file only
    if its bytes differ from the output's)."""
    from sitegen.search import IndexOutput, update_index  # numpy's import: only a build with search pays it

    started = time.perf_counter()
    output = run.layout.output

    def present(segment: str) -> bool:
        return staging.overlay and (output / SEARCH_FOLDER / segment / "f.js").is_file()

    def stage(url: str, data: bytes) -> None:
        if not staging.unchanged(url, data):
            staging.write(url, data)

    index = update_index(
        search.members,
        run.layout.search_record,
        run.layout.site,
        search.entry_of,
        IndexOutput(present, stage, run.layout.search_runs, output / SEARCH_FOLDER),
        run.jobs,
    )
    report = run.report
    report.search_seconds = time.perf_counter() - started
    report.search_segments, report.search_rewritten = index.segments, index.rewritten
    report.search_edited = index.edited
    report.search_bytes = index.size
    return index


def stale_search_files(run: BuildRun, staging: Staging, index: IndexUpdate | None) -> set[str]:
    """In an incremental build, the index files in the output that no segment kept or written
    anew holds any more (every one of them when the site has no search now)."""
    folder = run.layout.output / SEARCH_FOLDER
    if not staging.overlay or not folder.is_dir():
        return set()
    kept = set(index.kept) if index is not None else set()
    stale = set()
    for directory, _, files in os.walk(folder):
        relative = Path(directory).relative_to(run.layout.output).as_posix()
        segment = relative.split("/")[1] if "/" in relative else ""
        if segment in kept:
            continue
        for name in files:
            url = f"{relative}/{name}"
            if index is None or url not in index.names:
                stale.add(url)
    return stale
