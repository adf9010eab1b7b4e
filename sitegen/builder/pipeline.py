"""Pipeline: a site folder -> output/, as a short list of named steps; the general path of every build.

    config -> what changed (a no-op? the quick path?) -> scan the cable files -> catalogue ->
    documents -> plan -> key and render what changed -> publish (commit, index) -> save

The manifest (sitegen.incremental.manifest) makes a build incremental: unchanged cable files are not read
again and pages whose key is unchanged are not rendered again. On Linux the render pool forks
after the catalogue is built, so workers share it copy-on-write.
"""

from __future__ import annotations

import gc
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: builds of one output are not guarded against each other there
    fcntl = None  # type: ignore[assignment]

from sitegen.builder.changes import (
    EarlierVersions,
    catalogue_diff,
    inputs_fingerprint,
    nothing_changed,
    release_moments,
    version_moments,
)
from sitegen.builder.keying import document_keys, keyed_catalogue, kinds_to_fingerprint
from sitegen.builder.publish import (
    STATIC_PAGE,
    BuildRun,
    PageWork,
    RenderContext,
    RenderTask,
    Saved,
    SearchInput,
    Written,
    render_and_save,
)
from sitegen.builder.report import BuildBusy, BuildOptions, BuildRefused, BuildReport
from sitegen.catalogue import CableEntry, Catalogue, articles_crossed, published_articles
from sitegen.citations import citations_changed
from sitegen.config import load_config, resolve_as_of, share_link_warning
from sitegen.fingerprint import code_fingerprint
from sitegen.incremental.keys import PageKeys
from sitegen.incremental.manifest import BuildMeta, Manifest, SourceState, is_damaged, set_aside
from sitegen.incremental.reach import facet_slugs, pages_reached, plans_to_key
from sitegen.incremental.stored import recut_entries, store_catalogue
from sitegen.layout import SiteLayout
from sitegen.model import Problem
from sitegen.parallel import worker_count
from sitegen.plan import plan_site, sitemap_urls
from sitegen.render.failures import TemplateFailed
from sitegen.sources.history import earlier_entries, history_problems
from sitegen.sources.pages import Document, read_documents
from sitegen.sources.scan import FolderStats, Scan, cable_file_stats, folder_digests, scan_cables, stats_digest
from sitegen.write import OutputError, Staging, copy_static, remove_tree


def build_site(options: BuildOptions) -> BuildReport:
    """Build the site into output/ (or options.output_dir); the output changes only if the build succeeds.

    Raises BuildRefused, before anything is written, for an output that is not this build's to
    replace, and BuildBusy while another build of it runs."""
    started = time.perf_counter()
    layout = SiteLayout.of(options.site_dir, options.output_dir)
    if clash := layout.output_clash():
        raise BuildRefused(f"{clash}; a build replaces its output whole, so choose another --output")
    config, config_problems = load_config(layout.site)
    as_of = resolve_as_of(options.as_of, config)
    report = _new_report(layout, config_problems + share_link_warning(config, layout.config), as_of)
    try:
        layout.cache.mkdir(parents=True, exist_ok=True)
        lock = open(layout.lock, "w")
    except OSError as error:
        return _failed(report, _output_problem(error, layout))
    # One build at a time per output: a second one would delete the first one's staging folder.
    with lock:
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy(f"another build of {layout.output} is running") from None
        # A damaged manifest is set aside once, found on opening or part way; a second is a failure.
        for first in (True, False):
            try:
                manifest = Manifest(layout.manifest)
                _refuse_a_foreign_output(layout, manifest)
            except (OSError, sqlite3.Error) as error:
                if isinstance(error, sqlite3.Error) and is_damaged(error) and first:
                    report.notes.append(_set_aside_note(layout))
                    continue
                return _failed(report, _output_problem(error, layout))
            run = BuildRun(options, layout, config, worker_count(options.jobs), manifest, report)
            if not _build_reporting_failures(run):
                break
            if not first:
                return _failed(report, _output_problem(sqlite3.DatabaseError("damaged again"), layout))
            # The manifest turned out damaged part way: start again without it, from a clean report.
            notes = report.notes + [_set_aside_note(layout)]
            report = _new_report(layout, config_problems + share_link_warning(config, layout.config), as_of)
            report.notes = notes
    report.seconds = time.perf_counter() - started
    return report


def _new_report(layout: SiteLayout, problems: list[Problem], as_of: str) -> BuildReport:
    report = BuildReport(layout.output)
    report.problems += problems
    report.as_of = as_of
    return report


def _failed(report: BuildReport, problem: Problem) -> BuildReport:
    report.problems.append(problem)
    report.failed = True
    return report


def _refuse_a_foreign_output(layout: SiteLayout, manifest: Manifest) -> None:
    """Refuse an existing output a sitegen build did not make: it has no mark, and no manifest
    records it (outputs built before they were marked are recorded there)."""
    output = layout.output
    if not output.exists() and not output.is_symlink():
        return
    if not output.is_dir():
        manifest.close()
        raise BuildRefused(f"{output} exists and is not a folder; choose another --output")
    if layout.output_mark.is_file() or manifest.meta("output") == str(output) or not any(output.iterdir()):
        return
    manifest.close()
    raise BuildRefused(
        f"{output} exists and was not made by sitegen build (it has no {layout.output_mark.name}); "
        "a build replaces its output whole, so empty it, delete it, or choose another --output"
    )


def _set_aside_note(layout: SiteLayout) -> str:
    aside = set_aside(layout.manifest)
    shown = os.path.relpath(aside, layout.site)
    return (
        f"the build cache {os.path.relpath(layout.manifest, layout.site)} was unreadable (damaged); "
        f"set aside as {shown} (delete it when you like), and the site rebuilt whole"
    )


def _build_reporting_failures(run: BuildRun) -> bool:
    """Run the build; a template that fails or an output that cannot be written ends it as a
    problem, with the output as it was (or, past the commit, as the report says). Returns True
    when the manifest was found damaged part way: the build must start again without it."""
    collecting = gc.isenabled()
    # The parent allocates a few objects per cable (entries, index lists, plans) and frees
    # almost none: the cyclic collector would walk them again and again for nothing (a
    # third of a one-cable rebuild at 251,287 cables). Workers collect as usual.
    gc.disable()
    try:
        _build(run)
    except TemplateFailed as failed:  # raised where the template failed: it names the page
        run.report.problems.append(failed.problem)
        run.report.failed = True
    except (OSError, sqlite3.Error) as error:
        # A full disk or a folder that cannot be written; the staging folder goes at once
        # rather than sit on a full disk until the next build.
        remove_tree(run.layout.staging)
        if isinstance(error, sqlite3.Error) and is_damaged(error):
            return True
        run.report.problems.append(_output_problem(error, run.layout))
        run.report.failed = True
        if isinstance(error, OutputError):
            run.report.output = "partly updated"
    finally:
        run.manifest.close()
        if collecting:
            gc.enable()
    return False


@dataclass
class _Site:
    """What the general path reads before it plans: the cables and the documents."""

    scan: Scan
    known: dict[str, SourceState]
    catalogue: Catalogue
    pages: list[Document]
    articles: list[Document]


def _build(run: BuildRun) -> None:
    """The build, step by step."""
    meta = run.manifest.build_meta()
    incremental = _incremental(run, meta)
    inputs = inputs_fingerprint(run.layout, run.search)
    folders = cable_file_stats(run.layout.content, run.jobs)
    sources = stats_digest(folders)
    # A config error (a bad key) takes the general path, which reports it; a warning does not.
    config_errors = any(problem.severity == "error" for problem in run.report.problems)
    if incremental and not run.layout.staging.exists() and not config_errors:
        if _repeat_noop(run, meta, inputs, sources):
            return
        # Imported once a page is to be rendered: a no-op build imports no renderer, no search
        # index (Jinja, Pygments, Markdown, feedgen, numpy: ~0.3 s of a 0.5 s no-op at 50,000 cables).
        from sitegen.builder.quick import QuickBuild

        if QuickBuild(run, inputs, folders, sources).attempt():
            return
    site = _read_site(run, meta, folders)
    if run.options.strict and run.report.problems:
        run.report.failed = True  # nothing rendered, nothing written: the output stays as it was
        return
    staging = Staging.begin(run.layout.output, overlay=incremental)
    if staging.discarded_leftover and meta.state != "building":
        run.report.notes.append("an unfinished staging folder from an earlier build was discarded")
    # Files with problems are read again next time: no no-op (or quick) path until then.
    meta_fields = {
        "inputs": inputs,
        "code": code_fingerprint(),
        "sources": "" if site.scan.problems else sources,
        "folders": folder_digests(run.layout.site, folders),
        "release_moments": release_moments({}, [], site.scan.entries),
        "version_moments": version_moments({}, run.layout.site, [], site.scan.entries),
        "slugs": facet_slugs(site.catalogue),
    }
    _render_site(run, meta, incremental, site, staging, meta_fields)


def _incremental(run: BuildRun, meta: BuildMeta) -> bool:
    """Whether this build may start from the last one: not --full, not after an interrupted
    build (which it then repairs, saying so), and with the output the manifest describes."""
    interrupted = meta.state == "building"
    if interrupted:
        run.report.notes.append("the previous build was interrupted; rebuilding the whole site to repair the output")
    run.report.incremental = (
        not run.options.full
        and not interrupted
        and meta.state == "clean"
        and meta.output == str(run.layout.output)
        and run.layout.output.is_dir()
    )
    return run.report.incremental


def _repeat_noop(run: BuildRun, meta: BuildMeta, inputs: str, sources: str) -> bool:
    """If nothing changed since the last build, fill the report from it and say so."""
    if not nothing_changed(meta, run.report.as_of, inputs, sources):
        return False
    _, page_problems = read_documents(run.layout.pages, run.layout.site, require_date=False)
    articles, article_problems = read_documents(run.layout.articles, run.layout.site, require_date=True)
    if page_problems or article_problems:
        return False  # let the full path report them
    if articles_crossed(articles, meta.as_of, run.report.as_of):
        return False  # an article's day came (or went): it and the cables it cites change
    run.report.cables, run.report.released = meta.counts.get("cables", 0), meta.counts.get("released", 0)
    run.report.pages = meta.counts.get("pages", 0)
    run.report.notes.append("nothing changed since the last build")
    for problems in meta.page_problems.values():  # known problems, reported again until fixed
        run.report.problems += [Problem(*fields) for fields in problems]
    run.report.failed = run.options.strict and bool(run.report.problems)
    return True


def _read_site(run: BuildRun, meta: BuildMeta, folders: list[FolderStats]) -> _Site:
    """Scan the cable files (reading only those that changed), build the catalogue, read the documents."""
    memory = run.memory()
    # Entries parsed by another version of sitegen are parsed again: its parser may differ.
    if run.options.full or meta.code != code_fingerprint():
        known: dict[str, SourceState] = {}
    else:
        known = memory.sources if memory else run.manifest.sources()
    # Folder digests describe the sources table as the last build left it, so they count only with it.
    scan = scan_cables(run.layout.site, run.jobs, known, folders, meta.folders if known else {})
    run.report.problems += scan.problems
    run.report.sources_read = scan.read
    catalogue = keyed_catalogue(run.layout.site, scan, run.report.as_of, run.config)
    history = history_problems(run.layout.site, catalogue.cables)
    scan.problems += history  # as a broken cable file's: the next build reads the site again
    run.report.problems += history
    run.report.cables, run.report.released = len(scan.entries), catalogue.released_count
    pages, problems = read_documents(run.layout.pages, run.layout.site, require_date=False)
    run.report.problems += problems
    articles, problems = read_documents(run.layout.articles, run.layout.site, require_date=True)
    run.report.problems += problems
    return _Site(scan, known, catalogue, pages, published_articles(articles, run.report.as_of))


def _render_site(
    run: BuildRun, meta: BuildMeta, incremental: bool, site: _Site, staging: Staging, meta_fields: dict[str, Any]
) -> None:
    """Plan every page, key them, render those whose key changed, publish and save."""
    from sitegen.render.site import OutputParts, SiteRenderer  # see _build

    assets = copy_static(run.layout.site, staging)
    plans = plan_site(site.catalogue, run.config, site.pages, site.articles, run.search)
    urls = sitemap_urls(plan.url for plan in plans)
    renderer = SiteRenderer(
        run.config, site.catalogue, run.layout.site, site.pages, site.articles, OutputParts(assets, urls, run.search)
    )
    fingerprints = renderer.fingerprints(kinds_to_fingerprint(plans))
    cited, documents = document_keys(site.pages, site.articles, site.catalogue)
    keys = PageKeys(site.catalogue, run.config, site.scan.digests, fingerprints, documents, urls)
    memory = run.memory()
    previous = (memory.pages if memory else run.manifest.page_keys()) if incremental else {}
    changed: list[CableEntry] | None = None  # None: every row of the catalogue is stored
    if not incremental:
        tasks: list[RenderTask] = [(plan, None) for plan in plans]
    else:
        kinds_changed = {kind for kind, value in fingerprints.items() if meta.fixed.get(kind) != value}
        diff = catalogue_diff(
            site.scan,
            site.known,
            meta,
            run.report.as_of,
            site.catalogue,
            EarlierVersions(earlier_entries(run.layout.site), meta_fields["version_moments"]),
        )
        diff.moved += recut_entries(run.manifest, site.catalogue, diff.entries())  # tags cut at other cables' phrases
        diff.shown |= citations_changed(meta.cited, cited)  # the cables an article cites or cited
        changed = diff.entries() if site.known else None
        reach = pages_reached(diff, site.catalogue, run.config.page_size, site.pages, site.articles)
        candidates = plans_to_key(plans, reach, kinds_changed, previous)
        tasks = [(plan, previous.get(plan.url, ("",))[0]) for plan in candidates]
    run.report.pages = len(plans)
    static: Written = {
        STATIC_PAGE: (hashlib.sha256(repr(sorted(assets.items())).encode()).hexdigest(), tuple(sorted(assets.values())))
    }
    planned = {plan.url for plan in plans} | {STATIC_PAGE}
    search = None
    if run.search:
        from sitegen.search import entries_of, search_members  # see _build

        catalogue = site.catalogue
        members = search_members(catalogue.cables, site.scan.digests, catalogue.removed)
        search = SearchInput(members, entries_of(catalogue.cables, catalogue.removed))
    saved = Saved(
        site.scan.changed,
        site.scan.removed,
        lambda: store_catalogue(run.manifest, site.catalogue, site.scan.digests, changed),
        {**meta_fields, "fixed": fingerprints, "cited": cited},
        site.known,
        # A build that knew no file (the first, --full, a new sitegen) read them all: what it
        # read replaces the table, so no file deleted meanwhile lingers there.
        replace_sources=not site.known,
        replace_pages=not incremental,
    )
    context = RenderContext(renderer, keys, staging)
    render_and_save(run, context, PageWork(tasks, previous, planned), search, saved, static)


def _output_problem(error: OSError | sqlite3.Error, layout: SiteLayout) -> Problem:
    """A failure to write the output or the manifest, naming the file (from the site folder when
    inside it). SQLite's errors name no file: they come from the manifest."""
    if isinstance(error, OSError):
        # A rename names its target second: the file in output/ that could not be replaced.
        named = error.filename2 or error.filename
        where, why = (os.fsdecode(named) if named else ""), error.strerror or str(error)
        where = _in_output(where, layout)
    else:
        where, why = str(layout.manifest), f"{error} (the build cache)"
    if where and Path(where).is_relative_to(layout.site):
        where = os.path.relpath(where, layout.site)
    return Problem(where, 0, f"cannot write: {why}")


def _in_output(path: str, layout: SiteLayout) -> str:
    """A staged file by the output file it was to become: the staging folder is gone by the
    time the message is read."""
    staging = str(layout.staging)
    if path == staging or path.startswith(staging + os.sep):
        return str(layout.output) + path[len(staging) :]
    return path
