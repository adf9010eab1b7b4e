"""Build: sequences the steps (config, cables -> catalogue, documents, plan, render, write) and runs them on every core.

Parallel work goes to a process pool. On Linux the pool forks after the catalogue is built,
so workers share it copy-on-write instead of receiving a pickled copy per task.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sitegen.archive import cable_files
from sitegen.catalogue import CableEntry, Catalogue, build_catalogue, entry_from_cable, published_articles
from sitegen.config import Config, load_config, parse_moment
from sitegen.model import Problem
from sitegen.parse import parse_cable
from sitegen.plan import PagePlan, plan_site, sitemap_urls
from sitegen.render.site import Rendered, SiteRenderer
from sitegen.sources.cablefile import read_cable_file
from sitegen.sources.pages import read_documents
from sitegen.write import Staging, copy_static

SCAN_BATCH = 400
RENDER_BATCH = 200


@dataclass
class BuildOptions:
    site_dir: Path
    output_dir: Path | None = None
    as_of: str | None = None  # YYYY-MM-DD HH:MM; None: the config's as_of, else now
    strict: bool = False
    jobs: int = 0  # 0: one per core


@dataclass
class BuildReport:
    """What a build did; `problems` holds every problem found, errors and warnings."""

    output_dir: Path
    as_of: str = ""
    cables: int = 0
    released: int = 0
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failed: bool = False

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


# -- worker side: one renderer per process, set up once -------------------------------------

_worker: dict = {}


def _scan_batch(task: tuple[Path, list[Path]]) -> tuple[list[CableEntry], list[Problem]]:
    """Read and parse (without paragraphs) a batch of cable files into catalogue entries."""
    site_dir, paths = task
    entries: list[CableEntry] = []
    problems: list[Problem] = []
    for path in paths:
        shown = str(path.relative_to(site_dir))
        record = read_cable_file(path, shown)
        if isinstance(record, Problem):
            problems.append(record)
            continue
        entries.append(entry_from_cable(parse_cable(record, with_blocks=False), shown))
    return entries, problems


def _render_batch(plans: list[PagePlan]) -> tuple[int, list[Problem]]:
    """Render a batch of pages and write them into the staging folder; returns (files, problems)."""
    renderer: SiteRenderer = _worker["renderer"]
    staging: Staging = _worker["staging"]
    files = 0
    problems: list[Problem] = []
    for plan in plans:
        rendered: Rendered = renderer.render(plan)
        for url, data in rendered.files:
            staging.write(url, data)
            files += 1
        problems.extend(rendered.problems)
    return files, problems


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pool(jobs: int):
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method).Pool(jobs)


# -- the build ------------------------------------------------------------------------------


def scan_cables(site_dir: Path, jobs: int) -> tuple[list[CableEntry], list[Problem]]:
    """Every cable file -> its catalogue entry, in parallel; duplicate IDs are problems."""
    paths = list(cable_files(site_dir / "content"))
    tasks = [(site_dir, batch) for batch in _batches(paths, SCAN_BATCH)]
    entries: list[CableEntry] = []
    problems: list[Problem] = []
    if jobs > 1 and len(tasks) > 1:
        with _pool(jobs) as pool:
            results = pool.map(_scan_batch, tasks)
    else:
        results = [_scan_batch(task) for task in tasks]
    seen: dict[str, str] = {}
    for batch_entries, batch_problems in results:
        problems.extend(batch_problems)
        for entry in batch_entries:
            if entry.reference_id in seen:
                problems.append(Problem(entry.source, 1, f"{entry.reference_id} is also in {seen[entry.reference_id]}"))
                continue
            seen[entry.reference_id] = entry.source
            entries.append(entry)
    return entries, problems


def build_site(options: BuildOptions) -> BuildReport:
    """Build the site into output/ (or options.output_dir); the old output is replaced only on success."""
    started = time.perf_counter()
    site_dir = options.site_dir.resolve()
    output_dir = (options.output_dir or site_dir / "output").resolve()
    report = BuildReport(output_dir)
    config, problems = load_config(site_dir)
    report.problems += problems
    jobs = _jobs(options.jobs)
    report.as_of = resolve_as_of(options.as_of, config)

    entries, problems = scan_cables(site_dir, jobs)
    report.problems += problems
    catalogue: Catalogue = build_catalogue(entries, report.as_of, config.total_cables)
    report.cables, report.released = len(entries), catalogue.released_count
    del entries

    pages, problems = read_documents(site_dir / "content" / "pages", site_dir, require_date=False)
    report.problems += problems
    articles, problems = read_documents(site_dir / "content" / "articles", site_dir, require_date=True)
    report.problems += problems
    articles = published_articles(articles, report.as_of)

    staging = Staging.begin(output_dir)
    if staging.discarded_leftover:
        report.notes.append("a previous build was interrupted; its unfinished output was discarded and rebuilt")
    assets = copy_static(site_dir, staging)
    plans = plan_site(catalogue, config, pages, articles)
    renderer = SiteRenderer(config, catalogue, site_dir, pages, articles, assets, sitemap_urls(plans))
    _worker.update(renderer=renderer, staging=staging)
    try:
        batches = list(_batches(plans, RENDER_BATCH))
        if jobs > 1 and len(batches) > 1:
            with _pool(jobs) as pool:
                results = pool.map(_render_batch, batches, chunksize=1)
        else:
            results = [_render_batch(batch) for batch in batches]
    finally:
        _worker.clear()
    for files, batch_problems in results:
        report.files += files
        report.problems += batch_problems
    report.files += len(assets)

    if options.strict and report.problems:
        staging.abandon()
        report.failed = True
    else:
        staging.commit()
    report.seconds = time.perf_counter() - started
    return report
