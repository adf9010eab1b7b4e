"""Build: sequences the steps (config, cables -> catalogue, documents, plan, render, write) and runs them on every core.

Parallel work goes to a process pool. On Linux the pool forks after the catalogue is built,
so workers share it copy-on-write instead of receiving a pickled copy per task. The manifest
(sitegen.manifest) makes a build incremental: unchanged cable files are not read again and
pages whose key is unchanged are not rendered again.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import multiprocessing
import os
import re
import secrets
import sqlite3
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import jinja2

try:
    import fcntl
except ImportError:  # Windows: builds of one output are not guarded against each other there
    fcntl = None  # type: ignore[assignment]

from sitegen.catalogue import (
    CableEntry,
    Catalogue,
    build_catalogue,
    entry_fields,
    entry_from_cable,
    entry_from_fields,
    published_articles,
)
from sitegen.config import CONFIG_NAME, Config, load_config, parse_moment
from sitegen.manifest import Manifest, SourceState
from sitegen.model import Problem
from sitegen.parse import parse_cable
from sitegen.plan import (
    PageKeys,
    PagePlan,
    affected_plans,
    facet_names,
    facet_slugs,
    feed_plan,
    listing_plan_showing,
    plan_site,
    sitemap_urls,
)
from sitegen.render.markup import REFERENCE_IN_PROSE
from sitegen.render.site import BUILTIN_TEMPLATES, Rendered, SiteRenderer, code_fingerprint
from sitegen.search import bundle_size, index_site, remove_index, search_available
from sitegen.sources.cablefile import CableFileError, file_reference_id
from sitegen.sources.cablefile import parse_cable as parse_cable_file
from sitegen.sources.pages import Document, read_documents
from sitegen.stored import StoredCatalogue, same_place, store_catalogue, store_entries
from sitegen.write import BUILTIN_STATIC, OutputError, Staging, copy_static, remove_tree, staging_folder

SCAN_BATCH = 400
QUICK_FILES = 64  # more changed files than this go the general way, which reads them on every core
RENDER_BATCH = 200
STATIC_PAGE = "static/"  # the manifest's name for the static files, kept like a page


class BuildBusy(RuntimeError):
    """Another build of the same output folder holds the lock."""


@dataclass
class BuildOptions:
    site_dir: Path
    output_dir: Path | None = None
    as_of: str | None = None  # YYYY-MM-DD HH:MM; None: the config's as_of, else now
    strict: bool = False
    jobs: int = 0  # 0: one per core
    full: bool = False  # ignore the manifest: read, render and write everything
    search: bool | None = None  # index with Pagefind; None: when Pagefind is installed
    memory: BuildMemory | None = None  # a process that builds again and again (serve) keeps one


@dataclass
class BuildMemory:
    """What a process keeps of its last build of an output, so that its next build need not
    load it from the manifest again (1.8 s at 251,287 cables): every cable file's state and
    every page's key and files, as the manifest holds them. Trusted only while the manifest's
    generation is the one saved with them: a build by another process moves it."""

    generation: str = ""
    sources: dict[str, SourceState] = field(default_factory=dict)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)

    def holds(self, manifest: Manifest) -> bool:
        return bool(self.generation) and self.generation == manifest.meta("generation")


@dataclass
class BuildReport:
    """What a build did; `problems` holds every problem found, errors and warnings."""

    output_dir: Path
    as_of: str = ""
    cables: int = 0
    released: int = 0
    pages: int = 0
    rendered: int = 0
    files: int = 0
    removed: int = 0
    sources_read: int = 0
    incremental: bool = False
    quick: bool = False  # built from the stored catalogue: no cable moved in any index
    search_seconds: float = 0.0
    search_bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failed: bool = False
    output: str = "unchanged"  # then "replaced" by the new site, or "partly updated" by a failed commit

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def resolve_as_of(option: str | None, config: Config) -> str:
    if option:
        return option
    if config.as_of:
        return parse_moment(config.as_of, end_of_day=True) or ""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M")


def _jobs(requested: int) -> int:
    return requested if requested > 0 else (os.cpu_count() or 1)


def _digest(data: bytes) -> str:
    # SHA-256, not BLAKE2: CPUs of this decade (x86 SHA extensions, ARMv8 crypto) hash a
    # 10 KB cable file with it in ~10 us against 17-20, and a full build hashes every file.
    return hashlib.sha256(data).hexdigest()[:24]


# -- worker side ------------------------------------------------------------------------------
# A forked worker finds the renderer and staging folder here, set by the parent just before
# the pool starts: process-wide state by necessity, written once per build.

_worker: dict = {}


@dataclass(frozen=True, slots=True)
class _ScanTask:
    path: str  # a string, not a Path: tasks travel to the workers pickled, a Path costs its parts
    shown: str
    size: int
    mtime_ns: int
    known_digest: str | None
    known_entry: CableEntry | None


def _scan_batch(tasks: list[_ScanTask]) -> list[tuple[str, SourceState, Problem | None]]:
    """Read, hash and (if its bytes changed) parse each cable file into its catalogue entry."""
    results: list[tuple[str, SourceState, Problem | None]] = []
    for task in tasks:
        try:
            with open(task.path, "rb") as file:
                data = file.read()
        except OSError as error:
            why = error.strerror
            if os.path.islink(task.path) and not os.path.exists(task.path):
                why = f"a symbolic link to {os.readlink(task.path)}, which does not exist"
            results.append(
                (
                    task.shown,
                    SourceState(task.size, task.mtime_ns, "", None),
                    Problem(task.shown, 0, f"cannot read: {why}"),
                )
            )
            continue
        digest = _digest(data)
        if digest == task.known_digest and task.known_entry is not None:
            results.append((task.shown, SourceState(task.size, task.mtime_ns, digest, task.known_entry), None))
            continue
        try:
            record = parse_cable_file(data)
        except CableFileError as error:
            results.append(
                (
                    task.shown,
                    SourceState(task.size, task.mtime_ns, digest, None),
                    Problem(task.shown, error.line, str(error)),
                )
            )
            continue
        if file_reference_id(task.path) != record.reference_id:
            problem = Problem(task.shown, 1, f"Reference-ID {record.reference_id} does not match the file name")
            results.append((task.shown, SourceState(task.size, task.mtime_ns, digest, None), problem))
            continue
        entry = entry_from_cable(parse_cable(record, with_blocks=False), task.shown)
        results.append((task.shown, SourceState(task.size, task.mtime_ns, digest, entry), None))
    return results


# A page to render: its plan and the key its last build had ("" for none; None in a full build,
# which renders every page whatever its key).
RenderTask = tuple[PagePlan, str | None]


def _render_batch(
    tasks: list[RenderTask],
) -> tuple[list[tuple[str, tuple[str, ...] | None] | None], list[tuple[str, Problem]]]:
    """Key each page and render those whose key differs from the last build's into the staging
    folder. Returns, in batch order, each page's (key, files) (files None when just the plan's
    URL, to keep what travels back small), or None for a page left as it was; and the problems,
    each with the URL of the page that met it.
    Keys are computed here, on every core, rather than in the parent: a release keys tens of
    thousands of candidate pages."""
    renderer: SiteRenderer = _worker["renderer"]
    staging: Staging = _worker["staging"]
    keys: PageKeys = _worker["keys"]
    done: list[tuple[str, tuple[str, ...] | None] | None] = []
    problems: list[tuple[str, Problem]] = []
    for plan, previous_key in tasks:
        key = keys.key(plan)
        if key == previous_key:
            done.append(None)
            continue
        rendered: Rendered = renderer.render(plan)
        for url, data in rendered.files:
            if not staging.unchanged(url, data):
                staging.write(url, data)
        problems.extend((plan.url, problem) for problem in rendered.problems)
        files = tuple(url for url, _ in rendered.files)
        done.append((key, None if files == (plan.url,) else files))
    return done, problems


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _map(function, batches: list, jobs: int) -> Iterator:
    """Run `function` over batches, on a forked pool when there is more than one of each; yields
    each batch's result in order, so the caller can let go of one before the next arrives."""
    if jobs > 1 and len(batches) > 1:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        # Frozen objects are left alone by the garbage collector, so forked workers do not
        # touch (and so copy) the pages holding the parent's catalogue.
        gc.freeze()
        try:
            with multiprocessing.get_context(method).Pool(jobs, initializer=gc.enable) as pool:
                yield from pool.imap(function, batches, chunksize=1)
        finally:
            gc.unfreeze()
    else:
        yield from map(function, batches)


# -- the steps ---------------------------------------------------------------------------------


@dataclass
class Scan:
    entries: list[CableEntry]
    digests: dict[str, str]
    problems: list[Problem]
    changed: dict[str, SourceState]
    removed: list[str]
    read: int


FileStat = tuple[str, int, int]  # a cable file's path, size and mtime in nanoseconds
# A folder holding cable files: its path, a digest of its files' stats, and those stats.
FolderStats = tuple[str, str, list[FileStat]]


def _is_cable_file(entry: os.DirEntry) -> bool:
    name = entry.name
    return name.endswith(".txt") and not name.startswith(".") and entry.is_file()


def _is_broken_cable_link(entry: os.DirEntry) -> bool:
    name = entry.name
    return name.endswith(".txt") and not name.startswith(".") and entry.is_symlink() and not entry.is_file()


def _folder_stats(directory: str, entries: list[os.DirEntry]) -> FolderStats | None:
    files = [(e.path, stat.st_size, stat.st_mtime_ns) for e in filter(_is_cable_file, entries) for stat in (e.stat(),)]
    # A link to nowhere is kept, with stats no file has, so that the scan reports it unreadable
    # (every build, until it is fixed) rather than skip it unseen.
    if broken := [(e.path, -1, 0) for e in filter(_is_broken_cable_link, entries)]:
        files = sorted(files + broken)
    if not files:
        return None
    # marshal serialises the list at C speed; its format can change between Python versions,
    # which only costs one ordinary incremental build after an upgrade.
    return directory, hashlib.blake2b(marshal.dumps(files), digest_size=16).hexdigest(), files


def _listing(directory: str) -> list[os.DirEntry]:
    with os.scandir(directory) as listing:
        return sorted(listing, key=lambda e: e.name)


def _stats_under(folders: list[str]) -> list[list[FolderStats]]:
    """The folders holding cable files under each of `folders`, with their files' stats, each
    in path order. Strings and tuples rather than Path and stat objects: at 251,287 files the
    difference is felt in a no-op build."""
    found = []
    for folder in folders:
        groups: list[FolderStats] = []
        stack = [folder]
        while stack:
            directory = stack.pop()
            entries = _listing(directory)
            stack.extend(e.path for e in reversed(entries) if e.is_dir(follow_symlinks=False))
            if group := _folder_stats(directory, entries):
                groups.append(group)
        found.append(groups)
    return found


def cable_file_stats(content_dir: Path, jobs: int) -> list[FolderStats]:
    """Every folder of cable files with each file's size and mtime, in path order: one stat per
    file, the most a no-op build can do. With two cores or more, a forked helper stats every
    other top folder (a year) while this process stats the rest: the stat calls are most of a
    no-op build."""
    root = content_dir / "cables"
    if not root.is_dir():
        return []
    entries = _listing(str(root))
    top = [group] if (group := _folder_stats(str(root), entries)) else []
    folders = [e.path for e in entries if e.is_dir(follow_symlinks=False)]
    if jobs < 2 or len(folders) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return top + [stats for groups in _stats_under(folders) for stats in groups]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        theirs = pool.apply_async(_stats_under, (folders[1::2],))
        mine = _stats_under(folders[0::2])
        found: list = [None] * len(folders)
        found[0::2], found[1::2] = mine, theirs.get()
    return top + [stats for groups in found for stats in groups]


def folder_digests(site_dir: Path, folders: list[FolderStats]) -> dict[str, str]:
    """Each cable folder (relative to the site, with forward slashes) -> the digest of its files'
    stats: what the manifest keeps to tell next time which folders hold no change at all."""
    prefix = len(str(site_dir)) + 1
    return {path[prefix:].replace(os.sep, "/"): digest for path, digest, _ in folders}


def scan_cables(
    site_dir: Path,
    jobs: int,
    known: dict[str, SourceState],
    folders: list[FolderStats] | None = None,
    known_folders: dict[str, str] | None = None,
) -> Scan:
    """Every cable file -> its catalogue entry. Files whose size and mtime are as the manifest
    has them are not read; others are read and hashed, and parsed only if their bytes changed.

    `known_folders` holds each folder's stats digest as of `known`: a folder whose digest is
    the same holds the same files with the same stats, so its entries are taken as they are,
    without a look at each file. Files of the other folders are told apart by set operations
    on (path, size, mtime), and only the changed few are sorted. Entries come in no particular
    order (every index sorts its own)."""
    prefix = len(str(site_dir)) + 1
    folders = folders if folders is not None else cable_file_stats(site_dir / "content", jobs)
    now = folder_digests(site_dir, folders)
    same = {folder for folder, digest in now.items() if (known_folders or {}).get(folder) == digest}
    kept: list[SourceState] = []
    suspects: dict[str, SourceState] = {}  # known files in folders that changed or vanished, or with a problem
    for shown, state in known.items():
        if state.entry is not None and shown.rpartition("/")[0] in same:
            kept.append(state)
        else:
            suspects[shown] = state
    on_disk = {
        (path_text[prefix:].replace(os.sep, "/"), size, mtime_ns)
        for folder, (_, _, files) in zip(now, folders, strict=True)
        if folder not in same
        for path_text, size, mtime_ns in files
    }
    # A file with a problem is read again, even in a folder with no change: its problem is
    # reported by every build until it is fixed.
    on_disk |= {
        (shown, state.size, state.mtime_ns)
        for shown, state in suspects.items()
        if state.entry is None and shown.rpartition("/")[0] in same
    }
    remembered = {(shown, state.size, state.mtime_ns) for shown, state in suspects.items() if state.entry is not None}
    kept += [suspects[shown] for shown, _, _ in on_disk & remembered]
    tasks = [
        _ScanTask(
            os.path.join(site_dir, shown),
            shown,
            size,
            mtime_ns,
            suspects[shown].digest if shown in suspects else None,
            suspects[shown].entry if shown in suspects else None,
        )
        for shown, size, mtime_ns in sorted(on_disk - remembered)
    ]
    read: dict[str, tuple[SourceState, Problem | None]] = {}
    changed: dict[str, SourceState] = {}
    for batch in _map(_scan_batch, list(_batches(tasks, SCAN_BATCH)), jobs):
        for shown, state, problem in batch:
            if state.entry is not None:  # each arrives with its own copies of shared strings
                state = SourceState(
                    state.size, state.mtime_ns, state.digest, entry_from_fields(entry_fields(state.entry))
                )
            read[shown] = (state, problem)
            if known.get(shown) != state:
                changed[shown] = state
    removed = sorted(set(suspects) - {shown for shown, _, _ in on_disk})
    scan = Scan([], {}, [], changed, removed, len(tasks))
    scan.problems = [problem for _, problem in read.values() if problem]
    states = kept + [state for state, _ in read.values() if state.entry is not None]
    entries = [state.entry for state in states if state.entry is not None]  # all of them: kept ones have entries
    if len({entry.reference_id for entry in entries}) != len(entries):
        states, entries = _without_duplicates(states, scan.problems)
    scan.entries = entries
    scan.digests = {entry.reference_id: state.digest for entry, state in zip(entries, states, strict=True)}
    return scan


def _without_duplicates(
    states: list[SourceState], problems: list[Problem]
) -> tuple[list[SourceState], list[CableEntry]]:
    """The files' states and entries when two files hold one reference ID: the first in path
    order keeps it, each later one is a problem."""
    owner: dict[str, str] = {}
    kept: list[SourceState] = []
    entries = {id(state): state.entry for state in states if state.entry is not None}
    for state in sorted(states, key=lambda state: entries[id(state)].source):
        reference_id, shown = entries[id(state)].reference_id, entries[id(state)].source
        if reference_id in owner:
            problems.append(Problem(shown, 1, f"{reference_id} is also in {owner[reference_id]}"))
            continue
        owner[reference_id] = shown
        kept.append(state)
    problems.sort(key=lambda problem: problem.path)
    return kept, [entries[id(state)] for state in kept]


def _changed_entries(scan: Scan, known: dict[str, SourceState], old_as_of: str, as_of: str) -> list[CableEntry]:
    """Old and new entries of every cable whose file changed, vanished or broke, and of every
    cable whose release moment lies between the last build's as-of and this one's."""
    entries: list[CableEntry] = []
    for path in [*scan.changed, *scan.removed]:
        old, new = known.get(path), scan.changed.get(path)
        if old and new and old.digest == new.digest:
            continue  # touched, same bytes
        entries += [state.entry for state in (old, new) if state and state.entry]
    low, high = sorted((old_as_of, as_of))
    entries += [entry for entry in scan.entries if entry.released and low < entry.released <= high]
    return entries


def _document_digests(pages: list[Document], articles: list[Document], catalogue: Catalogue) -> dict[str, str]:
    """What the page keys of documents depend on: their text, the article list, and the state
    (linked, withheld, unknown) of every reference ID their text could mention."""
    found: dict[str, str] = {}
    mentioned: set[str] = set()
    for kind, documents in (("page", pages), ("article", articles)):
        for document in documents:
            found[f"{kind}:{document.slug}"] = _digest(repr(document).encode("utf-8", "surrogateescape"))
            mentioned.update(re.findall(REFERENCE_IN_PROSE, document.markdown))
    found["articles:"] = _digest(repr([(a.slug, a.title, a.date, a.summary) for a in articles]).encode())
    states = [
        f"{ref}:{catalogue.cables[ref].url}"
        if ref in catalogue.cables
        else f"{ref}:{'withheld' if ref in catalogue.withheld else '-'}"
        for ref in sorted(mentioned)
    ]
    found["mentions"] = _digest("\n".join(states).encode())
    return found


def build_site(options: BuildOptions) -> BuildReport:
    """Build the site into output/ (or options.output_dir); the output changes only if the build succeeds."""
    started = time.perf_counter()
    site_dir = options.site_dir.resolve()
    output_dir = (options.output_dir or site_dir / "output").resolve()
    report = BuildReport(output_dir)
    config, problems = load_config(site_dir)
    report.problems += problems
    jobs = _jobs(options.jobs)
    report.as_of = resolve_as_of(options.as_of, config)
    if options.search is None:
        options = replace(options, search=search_available())

    try:
        manifest = Manifest.for_site(site_dir, output_dir)
    except (OSError, sqlite3.Error) as error:
        report.problems.append(_output_problem(error, site_dir, Manifest.path_for(site_dir, output_dir)))
        report.failed = True
        return report
    # One build at a time per output: a second one would delete the first one's staging folder.
    with open(manifest.path.with_suffix(".lock"), "w") as lock:
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            manifest.close()
            raise BuildBusy(f"another build of {output_dir} is running") from None
        collecting = gc.isenabled()
        # The parent allocates a few objects per cable (entries, index lists, plans) and frees
        # almost none: the cyclic collector would walk them again and again for nothing (a
        # third of a one-cable rebuild at 251,287 cables). Workers collect as usual.
        gc.disable()
        try:
            _build(options, site_dir, output_dir, config, jobs, manifest, report)
        except jinja2.TemplateError as error:
            # A template that does not parse or render stops the build before anything is
            # swapped in: the output stays as it was, and the problem names the template.
            report.problems.append(_template_problem(error, site_dir))
            report.failed = True
        except (OSError, sqlite3.Error) as error:
            # A full disk or a folder that cannot be written; the staging folder goes at once
            # rather than sit on a full disk until the next build.
            remove_tree(staging_folder(output_dir))
            report.problems.append(_output_problem(error, site_dir, manifest.path))
            report.failed = True
            if isinstance(error, OutputError):
                report.output = "partly updated"
        finally:
            manifest.close()
            if collecting:
                gc.enable()
    report.seconds = time.perf_counter() - started
    return report


def _output_problem(error: OSError | sqlite3.Error, site_dir: Path, manifest_path: Path) -> Problem:
    """A failure to write the output or the manifest, naming the file (from the site folder when
    inside it). SQLite's errors name no file: they come from the manifest."""
    if isinstance(error, OSError):
        where, why = (os.fsdecode(error.filename) if error.filename else ""), error.strerror or str(error)
    else:
        where, why = str(manifest_path), f"{error} (the build cache)"
    if where and Path(where).is_relative_to(site_dir):
        where = os.path.relpath(where, site_dir)
    return Problem(where, 0, f"cannot write: {why}")


_TEMPLATE_FRAME = re.compile(r'File "([^"]+\.(?:html|xml|txt))", line (\d+)')


def _template_problem(error: jinja2.TemplateError, site_dir: Path) -> Problem:
    """The template and line an error comes from. A syntax error carries them; an error while
    rendering shows them in its traceback (Jinja puts template lines there), which a worker
    process sends back as text."""
    where, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    if not where:
        frames = [(f.filename, f.lineno) for f in traceback.extract_tb(error.__traceback__)]
        frames += [(name, int(number)) for name, number in _TEMPLATE_FRAME.findall(str(error.__cause__ or ""))]
        frames = [(name, number) for name, number in frames if name.endswith((".html", ".xml", ".txt"))]
        where, line = frames[-1] if frames else ("templates", 0)
    if os.path.isabs(where) and Path(where).is_relative_to(site_dir):
        where = os.path.relpath(where, site_dir)
    return Problem(where, line or 0, f"template error: {error.message or error}")


def inputs_fingerprint(site_dir: Path, search: bool) -> str:
    """A hash of every input except the cable files: code, templates, static files, config,
    documents, and whether the site has search (a page links to it or not)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code_fingerprint().encode())
    digest.update(b"search" if search else b"no search")
    roots = [
        BUILTIN_TEMPLATES,
        BUILTIN_STATIC,
        site_dir / "templates",
        site_dir / "static",
        site_dir / "content" / "pages",
        site_dir / "content" / "articles",
    ]
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if path.is_file():
                digest.update(str(path).encode() + b"\0" + path.read_bytes())
    config = site_dir / CONFIG_NAME
    if config.exists():
        digest.update(config.read_bytes())
    return digest.hexdigest()


def _remember(
    memory: BuildMemory,
    generation: str,
    known: dict[str, SourceState],
    scan: Scan,
    previous: dict[str, tuple[str, str]],
    written: dict[str, tuple[str, tuple[str, ...]]],
    gone_pages: list[str],
) -> None:
    """Keep in `memory` what the manifest now holds, as save_sources and save_pages left it."""
    sources = dict(known)
    sources.update(scan.changed)
    for path in scan.removed:
        sources.pop(path, None)
    pages = dict(previous)
    pages.update((url, (key, "\n".join(files))) for url, (key, files) in written.items())
    for url in gone_pages:
        pages.pop(url, None)
    memory.generation, memory.sources, memory.pages = generation, sources, pages


def _release_set_unchanged(moments: list[str], old_as_of: str, new_as_of: str) -> bool:
    """True when no cable's release moment lies between the last build's as-of and this one's."""
    low, high = sorted((old_as_of, new_as_of))
    return not any(low < moment <= high for moment in moments)


def _nothing_changed(manifest: Manifest, as_of: str, inputs: str, sources: str) -> bool:
    """The quick test a no-op rebuild needs: same inputs, same cable files (by size and mtime),
    and no release crossing between the two as-of moments. Costs one stat per cable file."""
    old_as_of = manifest.meta("as_of")
    if manifest.meta("inputs") != inputs or old_as_of is None:
        return False
    moments = json.loads(manifest.meta("release_moments") or "[]")
    if not _release_set_unchanged(moments, old_as_of, as_of):
        return False
    return manifest.meta("sources") == sources


def _stats_digest(folders: list[FolderStats]) -> str:
    """One hash of every cable file's path, size and mtime (by way of each folder's digest):
    comparing it with the last build's spares loading a row per file from the manifest."""
    return hashlib.blake2b(marshal.dumps([(path, digest) for path, digest, _ in folders]), digest_size=16).hexdigest()


def _repeat_noop(site_dir: Path, manifest: Manifest, report: BuildReport, inputs: str, sources: str) -> bool:
    """If nothing changed since the last build, fill the report from it and say so."""
    if not _nothing_changed(manifest, report.as_of, inputs, sources):
        return False
    _, page_problems = read_documents(site_dir / "content" / "pages", site_dir, require_date=False)
    _, article_problems = read_documents(site_dir / "content" / "articles", site_dir, require_date=True)
    if page_problems or article_problems:
        return False  # let the full path report them
    counts = json.loads(manifest.meta("counts") or "{}")
    report.cables, report.released = counts.get("cables", 0), counts.get("released", 0)
    report.pages = counts.get("pages", 0)
    report.notes.append("nothing changed since the last build")
    _carry_page_problems(manifest, report, {}, {}, lambda url: True)
    return True


def _carry_page_problems(
    manifest: Manifest,
    report: BuildReport,
    fresh: dict[str, list[Problem]],
    rendered: dict,
    still_planned: Callable[[str], bool],
) -> str:
    """Report again what pages not rendered this time met when they last were (a warning about
    an article must not vanish from the next CI log while the article is unchanged); returns
    the problems by page URL to store for the next build."""
    stored = json.loads(manifest.meta("page_problems") or "{}")
    carried = {
        url: [Problem(*fields) for fields in problems]
        for url, problems in stored.items()
        if url not in rendered and still_planned(url)
    }
    for problems in carried.values():
        report.problems += problems
    merged = {**carried, **fresh}
    return json.dumps({url: [astuple(p) for p in merged[url]] for url in sorted(merged)})


def _render(
    tasks: list[RenderTask],
    renderer: SiteRenderer,
    keys: PageKeys,
    staging: Staging,
    jobs: int,
    report: BuildReport,
    page_problems: dict[str, list[Problem]],
):
    """Render the pages whose key changed into the staging folder; returns url -> (key, files)
    of the pages rendered. Their problems go into the report and into `page_problems` by URL."""
    _worker.update(renderer=renderer, keys=keys, staging=staging)
    batches = list(_batches(tasks, RENDER_BATCH))
    written: dict[str, tuple[str, tuple[str, ...]]] = {}
    try:
        for batch, (done, batch_problems) in zip(batches, _map(_render_batch, batches, jobs), strict=True):
            for url, problem in batch_problems:
                report.problems.append(problem)
                page_problems.setdefault(url, []).append(problem)
            for (plan, _), result in zip(batch, done, strict=True):
                if result is not None:
                    key, files = result
                    written[plan.url] = (key, files or (plan.url,))
    finally:
        _worker.clear()
    return written


def _stale_files(previous: dict, written: dict, planned: set[str]) -> tuple[list[str], set[str]]:
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


def _update_search(output_dir: Path, report: BuildReport) -> None:
    started = time.perf_counter()
    indexed, message = index_site(output_dir)
    report.search_seconds = time.perf_counter() - started
    if indexed:
        report.search_bytes = bundle_size(output_dir)
    else:
        report.problems.append(Problem("pagefind", 0, f"search index not updated: {message}", "warning"))


# -- the quick path: cables changed in what they say, not in where they sit ---------------------


def _quick_changes(
    site_dir: Path, manifest: Manifest, folders: list[FolderStats]
) -> tuple[dict[str, SourceState], list[CableEntry]] | None:
    """The new states of the cable files that changed since the last build, and the new entries
    of those whose bytes changed; None when the quick path cannot take the change: a file
    added, removed or broken, a cable moved in any index, or more files than QUICK_FILES."""
    known_folders = json.loads(manifest.meta("folders") or "{}")
    now = folder_digests(site_dir, folders)
    if not known_folders or now.keys() != known_folders.keys():
        return None
    tasks: list[_ScanTask] = []
    old: dict[str, tuple[str, CableEntry | None]] = {}
    for (folder, digest), (_, _, files) in zip(now.items(), folders, strict=True):
        if known_folders[folder] == digest:
            continue
        rows = manifest.folder_sources(folder)
        if rows.keys() != {os.path.basename(path) for path, _, _ in files}:
            return None
        for path, size, mtime_ns in files:
            name, known_size, known_mtime, digest_then, fields = rows[os.path.basename(path)]
            if (size, mtime_ns) != (known_size, known_mtime):
                shown = f"{folder}/{name}"
                old[shown] = (digest_then, entry_from_fields(fields) if fields else None)
                tasks.append(_ScanTask(path, shown, size, mtime_ns, *old[shown]))
        # A release touches most folders: give up at once rather than unpack every folder's rows.
        if len(tasks) > QUICK_FILES:
            return None
    if not tasks:
        return None
    states: dict[str, SourceState] = {}
    entries: list[CableEntry] = []
    for task in tasks:  # one at a time: the first cable that moved settles it
        [(shown, state, problem)] = _scan_batch([task])
        digest_then, before = old[shown]
        if problem or before is None or state.entry is None or not same_place(before, state.entry):
            return None
        if state.digest != digest_then:
            entries.append(state.entry)
        states[shown] = state
    return states, entries


def _quick_plans(catalogue: StoredCatalogue, config: Config, entries: list[CableEntry]) -> list[PagePlan]:
    """The pages that can show what changed in these entries when none of them moved: as
    affected_plans, narrowed to the one page of each listing that holds the cable."""
    cables: dict[str, None] = {}
    plans: dict[str, PagePlan] = {"index.html": PagePlan("index.html", "home")}
    plans["feed/releases.rss"] = PagePlan("feed/releases.rss", "releases-feed")
    facets = catalogue.indexes()
    for entry in entries:
        reference_id = entry.reference_id
        cables.update(dict.fromkeys([reference_id, *entry.references, *catalogue.backlinks.get(reference_id, ())]))
        cables.update(dict.fromkeys(ref for ref in catalogue.neighbours(entry) if ref))
        for kind, names in facet_names(entry).items():
            for name in sorted(names):
                facet = facets[kind][name]
                plan = listing_plan_showing(kind, facet, config.page_size, reference_id)
                plans[plan.url] = plan
                if kind in ("origin", "tag"):
                    plan = feed_plan(kind, facet)
                    plans[plan.url] = plan
    shown = [catalogue.cables[ref] for ref in cables if ref in catalogue.cables]
    return [PagePlan(entry.url, "cable", entry.reference_id) for entry in shown] + list(plans.values())


@dataclass
class _QuickBuild:
    """The quick path of one build: taken if every cable that changed sits where it sat in
    every index, feed and link (the usual correction: a subject, a paragraph). At 251,287
    cables it skips loading every file's state, indexing every entry and planning every page."""

    options: BuildOptions
    site_dir: Path
    output_dir: Path
    config: Config
    jobs: int
    manifest: Manifest
    report: BuildReport
    inputs: str  # this build's inputs_fingerprint
    folders: list[FolderStats]
    sources: str  # this build's _stats_digest

    def run(self) -> bool:
        """Rebuild from the stored catalogue; False, having changed nothing, when the general path must run."""
        old_as_of = self.manifest.meta("as_of")
        if (
            self.options.full
            or self.manifest.meta("inputs") != self.inputs
            or self.manifest.meta("code") != code_fingerprint()
            or not self.manifest.meta("sources")  # the last build met a broken file: it is read again
            or old_as_of is None
            or not _release_set_unchanged(
                json.loads(self.manifest.meta("release_moments") or "[]"), old_as_of, self.report.as_of
            )
        ):
            return False
        found = _quick_changes(self.site_dir, self.manifest, self.folders)
        if found is None:
            return False
        states, entries = found
        changed = {entry.reference_id: (entry, states[entry.source].digest) for entry in entries}
        catalogue = StoredCatalogue.usable(self.manifest.path, self.report.as_of, changed)
        if catalogue is None:
            return False
        try:
            return self._render_and_save(catalogue, states)
        finally:
            catalogue.close()

    def _render_and_save(self, catalogue: StoredCatalogue, states: dict[str, SourceState]) -> bool:
        """The quick path's render and save, once the change is known to leave every cable in place."""
        pages, page_problems = read_documents(self.site_dir / "content" / "pages", self.site_dir, require_date=False)
        articles, article_problems = read_documents(
            self.site_dir / "content" / "articles", self.site_dir, require_date=True
        )
        if page_problems or article_problems:
            return False  # the general path reports them (and fails a strict build)
        articles = published_articles(articles, self.report.as_of)
        shown = [entry for entry, _ in catalogue.changed.values() if entry.reference_id in catalogue.cables]
        plans = _quick_plans(catalogue, self.config, shown) if shown else []
        search = bool(self.options.search)
        staging = Staging.begin(self.output_dir, overlay=True)
        assets = copy_static(self.site_dir, staging)
        renderer = SiteRenderer(self.config, catalogue, self.site_dir, pages, articles, assets, [], search)
        old_fixed = json.loads(self.manifest.meta("fixed") or "{}")
        fingerprints = renderer.fingerprints(sorted(old_fixed))
        if fingerprints != old_fixed:
            staging.abandon()  # search turned on or off: every page of a kind changes
            return False
        keys = PageKeys(catalogue, self.config, catalogue.digests, fingerprints, {}, [])
        memory = (
            self.options.memory
            if self.options.memory is not None and self.options.memory.holds(self.manifest)
            else None
        )
        if memory is not None:
            previous = {plan.url: memory.pages[plan.url] for plan in plans if plan.url in memory.pages}
        else:
            previous = self.manifest.page_keys(plan.url.rpartition("/")[0] for plan in plans)
        tasks: list[RenderTask] = [(plan, previous.get(plan.url, ("",))[0]) for plan in plans]
        fresh: dict[str, list[Problem]] = {}
        written = _render(tasks, renderer, keys, staging, self.jobs, self.report, fresh)
        kept_problems = _carry_page_problems(self.manifest, self.report, fresh, written, lambda url: True)
        if self.options.strict and self.report.problems:
            staging.abandon()
            self.report.failed = True
            return True
        self.report.rendered = len(written)
        _, stale = _stale_files(previous, written, set(previous))
        counts = json.loads(self.manifest.meta("counts") or "{}")
        self.report.quick = self.report.incremental = True
        self.report.cables, self.report.released = counts.get("cables", 0), counts.get("released", 0)
        self.report.pages, self.report.sources_read = counts.get("pages", 0), len(states)
        self.report.removed = len(stale)
        self.manifest.set_meta(state="building", folders="")
        if self.options.memory is not None:
            self.options.memory.generation = ""
        moved = staging.commit(sorted(stale))
        self.report.output = "replaced"
        self.report.notes += staging.notes
        self.report.files = moved if moved >= 0 else sum(len(files) for _, files in written.values())
        if search and (any(url.startswith("cable/") for url in written) or not (self.output_dir / "pagefind").is_dir()):
            _update_search(self.output_dir, self.report)
        self.manifest.save_sources(states, [])
        self.manifest.save_pages(written, [], replace_all=False)
        store_entries(self.manifest, [catalogue.changed[entry.reference_id] for entry in shown])
        generation = secrets.token_hex(8)
        if memory is not None:
            _remember(
                memory,
                generation,
                memory.sources,
                Scan([], {}, [], states, [], 0),
                memory.pages,
                written,
                [],
            )
        self.manifest.set_meta(
            state="clean",
            as_of=self.report.as_of,
            sources=self.sources,
            folders=json.dumps(folder_digests(self.site_dir, self.folders), sort_keys=True),
            generation=generation,
            page_problems=kept_problems,
        )
        return True


def _build(
    options: BuildOptions,
    site_dir: Path,
    output_dir: Path,
    config: Config,
    jobs: int,
    manifest: Manifest,
    report: BuildReport,
) -> BuildReport:
    interrupted = manifest.meta("state") == "building"
    if interrupted:
        report.notes.append("the previous build was interrupted; rebuilding the whole site to repair the output")
    incremental = (
        not options.full
        and not interrupted
        and manifest.meta("state") == "clean"
        and manifest.meta("output") == str(output_dir)
        and output_dir.is_dir()
    )
    report.incremental = incremental
    inputs = inputs_fingerprint(site_dir, bool(options.search))
    leftover = output_dir.with_name(f".{output_dir.name}.building").exists()
    folders = cable_file_stats(site_dir / "content", jobs)
    sources = _stats_digest(folders)
    if (
        incremental
        and not leftover
        and not report.problems
        and _repeat_noop(site_dir, manifest, report, inputs, sources)
    ):
        report.failed = options.strict and bool(report.problems)  # problems it still has, reported again
        return report
    if (
        incremental
        and not leftover
        and not report.problems
        and _QuickBuild(options, site_dir, output_dir, config, jobs, manifest, report, inputs, folders, sources).run()
    ):
        return report

    code = code_fingerprint()
    # Entries parsed by another version of sitegen are parsed again: its parser may differ.
    memory = options.memory if options.memory is not None and options.memory.holds(manifest) else None
    if options.full or manifest.meta("code") != code:
        known = {}
    else:
        known = memory.sources if memory else manifest.sources()
    # Folder digests describe the sources table as the last build left it, so they count only with it.
    known_folders = json.loads(manifest.meta("folders") or "{}") if known else {}
    scan = scan_cables(site_dir, jobs, known, folders, known_folders)
    report.problems += scan.problems
    report.sources_read = scan.read
    catalogue = build_catalogue(scan.entries, report.as_of, config.total_cables, config.feed_size)
    report.cables, report.released = len(scan.entries), catalogue.released_count

    pages, problems = read_documents(site_dir / "content" / "pages", site_dir, require_date=False)
    report.problems += problems
    articles, problems = read_documents(site_dir / "content" / "articles", site_dir, require_date=True)
    report.problems += problems
    articles = published_articles(articles, report.as_of)
    if options.strict and report.problems:
        report.failed = True  # nothing rendered, nothing written: the output stays as it was
        return report

    staging = Staging.begin(output_dir, overlay=incremental)
    if staging.discarded_leftover and not interrupted:
        report.notes.append("an unfinished staging folder from an earlier build was discarded")
    assets = copy_static(site_dir, staging)
    search = bool(options.search)
    plans = plan_site(catalogue, config, pages, articles, search)
    urls = sitemap_urls(plans)
    renderer = SiteRenderer(config, catalogue, site_dir, pages, articles, assets, urls, search)
    fingerprints = renderer.fingerprints(sorted({plan.kind for plan in plans}))
    keys = PageKeys(catalogue, config, scan.digests, fingerprints, _document_digests(pages, articles, catalogue), urls)
    previous = (memory.pages if memory else manifest.page_keys()) if incremental else {}
    changed: list[CableEntry] = []
    if not incremental:
        tasks: list[RenderTask] = [(plan, None) for plan in plans]
    else:
        old_fixed = json.loads(manifest.meta("fixed") or "{}")
        kinds_changed = {kind for kind, value in fingerprints.items() if old_fixed.get(kind) != value}
        changed = _changed_entries(scan, known, manifest.meta("as_of") or "", report.as_of)
        old_slugs = json.loads(manifest.meta("slugs") or "{}")
        candidates = affected_plans(plans, catalogue, changed, old_slugs, kinds_changed, previous)
        tasks = [(plan, previous.get(plan.url, ("",))[0]) for plan in candidates]

    fresh: dict[str, list[Problem]] = {}
    written = _render(tasks, renderer, keys, staging, jobs, report, fresh)
    planned = {plan.url for plan in plans}
    kept_problems = _carry_page_problems(manifest, report, fresh, written, planned.__contains__)
    report.pages, report.rendered = len(plans), len(written)
    written[STATIC_PAGE] = (
        hashlib.sha256(repr(sorted(assets.items())).encode()).hexdigest(),
        tuple(sorted(assets.values())),
    )
    if options.strict and report.problems:
        staging.abandon()
        report.failed = True
        return report

    gone_pages, stale = _stale_files(previous, written, planned | {STATIC_PAGE})
    report.removed = len(stale)
    # Until the sources table is saved, the folder digests of the last build no longer describe it.
    manifest.set_meta(state="building", output=str(output_dir), folders="")
    if options.memory is not None:
        options.memory.generation = ""  # nor does the memory, until this build is saved whole
    moved = staging.commit(sorted(stale))
    report.output = "replaced"
    report.notes += staging.notes
    report.files = moved if moved >= 0 else sum(len(files) for _, files in written.values())
    cables_changed = gone_pages or any(url.startswith("cable/") for url in written)
    if search and (not incremental or cables_changed or not (output_dir / "pagefind").is_dir()):
        _update_search(output_dir, report)
    elif not search:
        remove_index(output_dir)  # no page links to it any more, and it would go stale
    # A build that knew no file (the first, --full, a new sitegen) read them all: what it
    # read replaces the table, so no file deleted meanwhile lingers there.
    manifest.save_sources(scan.changed, scan.removed, replace_all=not known)
    manifest.save_pages(written, gone_pages, replace_all=not incremental)
    store_catalogue(manifest, catalogue, scan.digests, changed if incremental and known else None)
    generation = secrets.token_hex(8)
    if options.memory is not None:
        _remember(options.memory, generation, known, scan, previous, written, gone_pages)
    moments = json.dumps(sorted({entry.released for entry in scan.entries if entry.released}))
    counts = json.dumps({"cables": report.cables, "released": report.released, "pages": report.pages})
    # Files with problems are read again next time, so their presence rules out the no-op path.
    if scan.problems:
        sources = ""
    manifest.set_meta(
        state="clean",
        as_of=report.as_of,
        inputs=inputs,
        release_moments=moments,
        counts=counts,
        sources=sources,
        code=code,
        fixed=json.dumps(fingerprints, sort_keys=True),
        slugs=json.dumps(facet_slugs(catalogue), sort_keys=True),
        folders=json.dumps(folder_digests(site_dir, folders), sort_keys=True),
        generation=generation,
        page_problems=kept_problems,
    )
    return report
