"""Check: audit a built output folder (links, fragments, the cable page contract, feeds, sitemap, search index, embargo, folder sizes).

Reads only the built files (and, for the embargo, the site's cable files). Pages are read
with regular expressions rather than a full HTML parser and in parallel: the check must
stay fast on a 251,287-cable site.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

from sitegen import urls
from sitegen.archive import cable_files
from sitegen.check.pages import (
    _ID,
    CABLE_PAGE,
    FEED_SUFFIXES,
    _check_batch,
    _Output,
    _PageResult,
    reference_ids_in,
)
from sitegen.check.report import CheckReport
from sitegen.check.search import check_search_index
from sitegen.check.sitemaps import _sitemap_locs
from sitegen.config import load_config, resolve_as_of
from sitegen.incremental.manifest import Manifest
from sitegen.layout import SiteLayout
from sitegen.model import CableRecord
from sitegen.parallel import batches, map_batches, worker_count
from sitegen.sources.cablefile import read_cable_file

__all__ = ["CheckReport", "check_output", "is_built_site", "reference_ids_in", "withheld_ids"]


NETLIFY_FOLDER_LIMIT = 54_000


BATCH = 500


def check_output(root: Path, withheld: frozenset[str] = frozenset(), jobs: int = 0) -> CheckReport:
    """Audit the built site in `root`; `withheld` holds reference IDs that must appear nowhere."""
    report = CheckReport()
    files, per_folder = _files(root)
    for folder, count in per_folder.items():
        if count > NETLIFY_FOLDER_LIMIT:
            report.add(
                f"folder with more than {NETLIFY_FOLDER_LIMIT:,} entries (Netlify's limit)", f"{folder}: {count:,}"
            )
    output = _Output(str(root), frozenset(files), frozenset(ref.encode() for ref in withheld))
    pages = [name for name in files if name.endswith(".html")]
    feeds = [name for name in files if name.endswith(FEED_SUFFIXES)]
    report.figures["files"] = len(files)
    report.figures["html pages"] = len(pages)
    locs = _sitemap_locs(root, report)
    to_read = files if withheld else pages + feeds
    work = batches(to_read, BATCH)
    results = [r for batch in map_batches(_check_batch, output, work, worker_count(jobs)) for r in batch]
    cable_pages = {page for page in pages if CABLE_PAGE.fullmatch(page)}
    for page in sorted(cable_pages):
        if urls.cable_twin(page) not in output.existing:
            report.add("cable page without its .json twin", page)
    _report_results(root, output, results, report)
    report.figures["cable pages"] = len(cable_pages)
    report.figures["feeds"] = len(feeds)
    if not feeds:
        report.add("no feed in output", "-")
    if locs is not None:
        listed = set(locs)
        report.figures["sitemap entries"] = len(listed)
        for loc in sorted(listed - output.existing):
            report.add("sitemap entry without a page", loc)
        for page in sorted(cable_pages - listed):
            report.add("cable page missing from the sitemap", page)
    removed = {result.page for result in results if result.removed}  # removed cables: in no search index
    check_search_index(root, files, cable_pages - removed, withheld, report)
    if withheld:
        report.figures["unreleased IDs checked"] = len(withheld)
    return report


def _files(root: Path) -> tuple[list[str], Counter[str]]:
    """Every file under `root` (relative, with forward slashes, sorted), and the entries of each folder."""
    files: list[str] = []
    per_folder: Counter[str] = Counter()
    for directory, folders, names in os.walk(root):
        folders.sort()
        relative = os.path.relpath(directory, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        per_folder[prefix or "./"] += len(names) + len(folders)
        files += [prefix + name for name in sorted(names)]
    return files, per_folder


def _report_results(root: Path, output: _Output, results: list[_PageResult], report: CheckReport) -> None:
    """Add what the pages' checks found, and check the fragments that point into other pages."""
    cross: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for result in results:
        report.figures["feed items"] += result.feed_items
        for kind, example in result.defects:
            report.add(kind, example)
        for kind, example in result.warnings:
            report.warn(kind, example)
        for target, fragment in result.cross_fragments:
            cross[target].append((result.page, fragment))
        for reference_id in result.withheld:
            report.add("unreleased cable appears in output", f"{reference_id} in {result.page}")
    for target, sources in cross.items():
        if target not in output.existing:
            continue
        ids = {m.decode() for m in _ID.findall((root / target).read_bytes())}
        for source, fragment in sources:
            if fragment not in ids:
                report.add("missing fragment target", f"{source} -> {target}#{fragment}")


def is_built_site(root: Path) -> bool:
    return (root / urls.HOME).is_file()


def withheld_ids(site_dir: Path, output_dir: Path, as_of: str | None) -> tuple[frozenset[str], str]:
    """The reference IDs of cables in the site not released as of the output's build (or `as_of`).

    Uses what the last build of that output remembers (its as-of moment and every cable's
    entry) when it can, else reads the cable files.
    """
    moment = as_of
    released: dict[str, str] = {}
    if SiteLayout.of(site_dir, output_dir).manifest.exists():
        try:
            manifest = Manifest.for_site(site_dir, output_dir)
            try:
                moment = moment or manifest.meta("as_of")
                released = manifest.release_dates()
            finally:
                manifest.close()
        except sqlite3.DatabaseError:  # damaged: the cable files say the same, more slowly
            moment, released = as_of, {}
    if not released:
        for path in cable_files(SiteLayout.of(site_dir).content):
            record = read_cable_file(path)
            if isinstance(record, CableRecord):
                released[record.reference_id] = record.released or ""
    moment = moment or resolve_as_of(None, load_config(site_dir)[0])
    return frozenset(ref for ref, when in released.items() if not when or when > moment), moment
