"""Search: index the released cable pages with Pagefind, in shards, after the output is in place.

Pagefind holds every page it indexes in memory until it writes (about 38 bytes for each byte of
cable text: 1.8 GB for 4,500 synthetic cables), so one index of 251,287 cables would need ~100
GB. The pages are indexed in shards of at most `search_shard_cables` cables, each by its own Pagefind
process, and the search page merges them (Pagefind's `mergeIndex`). Two processes of 4,000
synthetic cables (10.4 KB of text each; the public dump's average 6.8 KB) peak at ~3.2 GB
together: the config's `search_shard_cables` defaults to 4,000.

Shards follow the order of release: release days in order, a day's cables by URL, packed into
shards of up to `search_shard_cables` (a bigger day is cut). A new release fills the last shard or opens
new ones, so it re-indexes one or two shards, never the archive; a correction re-indexes the
shard holding it. Creation-date shards would not do: a release's cables are created across the
years, so it would touch every shard.

Pagefind reads only pages in output/, so embargoed cables (which have none) are never indexed.
The bundle is assembled beside the output (shards indexed anew, the others linked from the
bundle in place) and swapped in whole.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.layout import OLD_SEARCH, SEARCH_STAGING, SEARCH_WORK, beside_output

if TYPE_CHECKING:
    from sitegen.catalogue import Catalogue

BUNDLE = "pagefind"
SHARD_LIST = "shards.js"  # the shard names, for the search page (a classic script: works from any folder)
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")
INDEX_PROCESSES = 2  # Pagefind uses ~1.5 cores alone; two at once index ~1.4x faster
RECORD_VERSION = 3  # 3 adds each shard's release days; 2 is read (its shards are kept)

# The metadata table of the cable page (data-pagefind-ignore="index") and the filters in it.
META_TABLE = re.compile(rb'<table class="cable-meta" data-pagefind-ignore="index">.*?</table>', re.DOTALL)
FILTER = re.compile(rb'data-pagefind-filter="[^"]*"[^>]*>[^<]*')
MARK = re.compile(rb'(?:data-pagefind-[a-z-]+|\bid)="[^"]*"')
TAG = re.compile(rb"<(/?h[1-6])\b[^>]*>|<[^>]*>")  # a heading's tag is kept, bare; any other goes

# A released cable as search sees it: (its release day, its page's URL).
Member = tuple[str, str]


@dataclass(frozen=True)
class Shard:
    name: str  # the bundle's folder: the first release day, and which part of it when a day is cut
    urls: tuple[str, ...]
    days: tuple[tuple[str, int], ...] = ()  # the release day of its pages, as runs: (day, how many)

    def members(self) -> list[Member]:
        days = [day for day, count in self.days for _ in range(count)]
        return list(zip(days, self.urls, strict=True))


@dataclass
class Indexed:
    """What one update of the search bundle did."""

    ok: bool
    shards: int = 0  # shards in the bundle
    reindexed: int = 0  # shards indexed anew by this update
    message: str = ""


def search_available() -> bool:
    """Pagefind's Python package with its binary (`pip install 'pagefind[bin]'`)."""
    return importlib.util.find_spec("pagefind") is not None and (
        importlib.util.find_spec("pagefind_bin") is not None
        or importlib.util.find_spec("pagefind_bin_extended") is not None
    )


def indexed_part(page: bytes) -> bytes:
    """What Pagefind reads of a cable page, to tell whether its index must be made again: the
    text of its `<article>` (the page contract's wrapper, marked data-pagefind-body) with its
    headings, its data-pagefind-* attributes and its ids (the anchors of sub-results); of the
    metadata table (not indexed) only the filters. The whole page when a theme has no article.
    A release changes much around older cables (cited by, previous and next, a reference now a
    link) but not this."""
    start, end = page.find(b"<article"), page.rfind(b"</article>")
    if not 0 <= start < end:
        return page
    article = META_TABLE.sub(lambda table: b"\n".join(FILTER.findall(table[0])), page[start:end], count=1)
    marks = b"\n".join(MARK.findall(article))
    text = TAG.sub(lambda tag: b"<" + tag[1] + b">" if tag[1] else b"", article)
    return marks + b"\n" + text


def search_members(catalogue: Catalogue) -> list[Member]:
    """The released cables, each with its release day: what the index holds."""
    return [(entry.released[:10], entry.url) for entry in catalogue.cables.values()]


def plan_shards(members: Iterable[Member], size: int) -> list[Shard]:
    """Release days in order, packed into shards of at most `size` cables; a day that does not
    fit in the open shard starts the next one, a day bigger than `size` is cut into parts."""
    shards: list[Shard] = []
    name, urls, days = "", list[str](), list[tuple[str, int]]()  # the open shard

    def close() -> None:
        nonlocal name, urls, days
        if urls:
            shards.append(Shard(name, tuple(urls), tuple(days)))
        name, urls, days = "", [], []

    for day, group in itertools.groupby(sorted(members), key=lambda member: member[0]):
        day_urls = [url for _, url in group]
        if urls and len(urls) + len(day_urls) > size:
            close()
        for part, start in enumerate(range(0, len(day_urls), size), start=1):
            if not urls:
                name = f"r{day}" if part == 1 else f"r{day}-{part}"
            part_urls = day_urls[start : start + size]
            urls += part_urls
            days.append((day, len(part_urls)))
            if len(urls) >= size:
                close()
    close()
    return shards


def update_index(
    output_dir: Path,
    record_path: Path,
    members: list[Member] | None,
    changed: set[str],
    jobs: int,
    shard_size: int,
) -> Indexed:
    """Bring output/pagefind up to date: index anew the shards holding a page in `changed` (its
    indexed text changed), whose cables are not those recorded, whose bundle is missing or
    whose last indexing did not finish; link the others as they are. `members` None: the same released
    cables as the last update (the quick path's promise)."""
    record = read_record(record_path)
    if members is None:
        if record is None:
            return Indexed(False, message="no record of the last index; run `sitegen build --full`")
        shards = record.shard_list()
    else:
        shards = plan_shards(members, shard_size)
    if not shards:
        remove_index(output_dir)
        write_record(record_path, Record({}, set()))
        return Indexed(True)
    bundle = output_dir / BUNDLE
    recorded = record or Record({}, set())
    stale = [
        shard
        for shard in shards
        if recorded.shards.get(shard.name) != list(shard.urls)
        or shard.name in recorded.stale
        or not (bundle / shard.name / "pagefind.js").exists()
        or not changed.isdisjoint(shard.urls)
    ]
    shard_urls = {shard.name: list(shard.urls) for shard in shards}
    shard_days = {shard.name: [list(run) for run in shard.days] for shard in shards}
    if not stale and all((bundle / name).exists() for name in (SHARD_LIST, *UI_FILES)):
        if recorded.days != shard_days:  # a cable released on another day, in the same shard
            write_record(record_path, Record(shard_urls, set(), shard_days))
        return Indexed(True, len(shards))
    # Until the new bundle is in place, the record says which shards it has yet to index.
    write_record(record_path, Record(shard_urls, {shard.name for shard in stale}, shard_days))
    try:
        failure = assemble_bundle(output_dir, shards, stale, jobs)
    except OSError as error:
        failure = f"{error.strerror or error} ({error.filename or output_dir})"
    if failure:
        return Indexed(False, message=failure)
    write_record(record_path, Record(shard_urls, set(), shard_days))
    return Indexed(True, len(shards), len(stale))


def assemble_bundle(output_dir: Path, shards: list[Shard], stale: list[Shard], jobs: int) -> str:
    """Index the stale shards and link the others into a new bundle beside the output, then swap
    it in whole; returns "" or what failed (the bundle in place is then left as it was)."""
    bundle = output_dir / BUNDLE
    fresh = beside_output(output_dir, SEARCH_STAGING)
    work = beside_output(output_dir, SEARCH_WORK)
    for folder in (fresh, work):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        fresh.mkdir()
        failures = index_shards(output_dir, stale, fresh, work, jobs)
        if failures:
            return failures[0]
        anew = {shard.name for shard in stale}
        for shard in shards:
            if shard.name not in anew:
                shutil.copytree(bundle / shard.name, fresh / shard.name, copy_function=_link_or_copy)
        for name in UI_FILES:
            shutil.copyfile(fresh / shards[0].name / name, fresh / name)
        (fresh / SHARD_LIST).write_text(shard_list_script(shards), encoding="utf-8")
        swap_in(fresh, output_dir)
        return ""
    finally:
        for folder in (fresh, work):
            shutil.rmtree(folder, ignore_errors=True)


def index_shards(output_dir: Path, shards: list[Shard], fresh: Path, work: Path, jobs: int) -> list[str]:
    """Index each shard into fresh/<name>, INDEX_PROCESSES at a time; returns what failed."""

    def index(shard: Shard) -> str:
        return index_shard(output_dir, shard, work / shard.name, fresh / shard.name)

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, INDEX_PROCESSES))) as pool:
        return [failure for failure in pool.map(index, shards) if failure]


def index_shard(output_dir: Path, shard: Shard, work: Path, target: Path) -> str:
    """Pagefind over a tree of links to the shard's pages alone (so it walks only them and their
    URLs stay those of the site); returns "" or what went wrong."""
    site = work / "site"
    for url in shard.urls:
        link = site / url
        link.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(str(output_dir / url), str(link))
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(target), "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    shutil.rmtree(work, ignore_errors=True)
    if result.returncode != 0 or not (target / "pagefind.js").exists():
        return f"shard {shard.name}: " + (result.stderr or result.stdout).strip()[-2000:]
    return ""


def shard_list_script(shards: list[Shard]) -> str:
    names = json.dumps([shard.name for shard in shards])
    return (
        "// The search index's shards (written by sitegen): the search page merges these Pagefind bundles.\n"
        f"window.sitegenSearchShards = {names};\n"
    )


def swap_in(fresh: Path, output_dir: Path) -> None:
    target = output_dir / BUNDLE
    old = beside_output(output_dir, OLD_SEARCH)
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def _link_or_copy(source: str, destination: str) -> None:
    """A hard link (the files are never written in place: a new bundle replaces the folder);
    a copy where the file system has none."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


@dataclass
class Record:
    """What the search bundle in place holds: each shard's cable pages, and the shards an
    unfinished update has yet to index. Kept in the site's cache, beside the manifest."""

    shards: dict[str, list[str]]
    stale: set[str]
    days: dict[str, list[Any]] | None = None  # each shard's Shard.days; None in a record of version 2

    def shard_list(self) -> list[Shard]:
        days = self.days or {}
        return [Shard(name, tuple(urls), tuple(map(tuple, days.get(name, ())))) for name, urls in self.shards.items()]


def read_record(path: Path) -> Record | None:
    """The record the last update left (None: none, or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") not in (2, RECORD_VERSION):
        return None
    return Record(data["shards"], set(data["stale"]), data.get("days"))


def recorded_members(path: Path) -> list[Member] | None:
    """The released cables the index in place holds, with their release days; None when the
    record cannot say (none, an unfinished update, a record of version 2)."""
    record = read_record(path)
    if record is None or record.stale or record.days is None:
        return None
    shards = record.shard_list()
    if any(sum(count for _, count in shard.days) != len(shard.urls) for shard in shards):
        return None  # shards kept from a record of version 2, whose days were never known
    return [member for shard in shards for member in shard.members()]


def write_record(path: Path, record: Record) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    data = {"version": RECORD_VERSION, "shards": record.shards, "stale": sorted(record.stale), "days": record.days}
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)


def bundle_size(output_dir: Path) -> int:
    return sum(p.stat().st_size for p in (output_dir / BUNDLE).rglob("*") if p.is_file())


def remove_index(output_dir: Path) -> None:
    """Delete the search bundle of a site built without search (or with nothing to search)."""
    shutil.rmtree(output_dir / BUNDLE, ignore_errors=True)
