"""Search at size, on real-shaped text: index the archive, re-index after a release, query in Chromium.

    python bench/search.py --cables 50000 [--results bench/RESULTS.md]

The corpus is the 835 real cables of ../shared/corpus replicated to N with new reference IDs
(../shared/tools/replicate_corpus.py: 585 distinct words a cable, as real cables have),
imported once into bench/real-N/ with HELD_BACK of them held back. Rows:
- the whole archive: `sitegen build` (search on, the default) from nothing: the index's own
  seconds (from the build's line), the build's wall seconds, the peak memory of all its
  processes together (sampled from /proc), the bundle's bytes and files;
- a release of HELD_BACK (`release` + `build`): the index's seconds, and how many of the
  index files it changed (added, changed or removed), against all of them;
- queries in headless Chromium, over a local http server and from file://: milliseconds from
  navigating to search.html?q=... to the first result shown, cold (a fresh browser context:
  empty cache) and warm (the same URL again in that context), medians of RUNS; and the bytes
  of index files the page read before its first result (over http).

`--index-only` skips the site: the real cables are replicated to N in memory and indexed by
the writer alone, in this process (its time and peak memory are the index's own), into a copy
of a built output's search page, where the same queries are timed. At 251,287 cables this
measures the index at full size without importing and rendering a quarter of a million
pages.

`--compare OUTPUT...` times the queries alone in built outputs (say one with the search page
before a change and one after, over the same index), taking turns in every run so that they
share the machine's load; beside each time, the page's own (from its navigation's start to the
first result, without Playwright's round trips).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from run import AS_OF, BENCH, HELD_BACK, hold_back, sitegen_command, strip_release

sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH.parent / "tests"))

from sitegen.model import CableRecord
from sitegen.parse import parse_cable
from sitegen.search.hide import Hiding, Refused, hide_in_segment
from sitegen.search.index import FORMAT, meta_script, plan_segments
from sitegen.search.reader import IndexReader
from sitegen.search.segment import IndexedCable, Member, SegmentFiles, Work, index_segment
from sitegen.sources.dump import DumpRow, parse_dump_date, read_rows

CORPUS = BENCH.parent.parent / "shared" / "corpus" / "cables.csv"
REPLICATE = BENCH.parent.parent / "shared" / "tools" / "replicate_corpus.py"
RUNS = 3
DAY_CABLES = 1_000  # --days: the cables a later release day holds
SEARCH_LINE = re.compile(r"search index: (\d+) of (\d+) segments written anew, ([\d,]+) bytes, in ([\d.]+)s")
FIRST_RESULT = "document.querySelector('#search-results .result') !== null"


def prepare_real_corpus(count: int) -> Path:
    """bench/real-N: N real-shaped cables, of which HELD_BACK have no release date yet."""
    site = BENCH / f"real-{count}"
    marker = site / "held-back.txt"
    if marker.exists():
        return site
    shutil.rmtree(site, ignore_errors=True)
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text('title = "Search bench"\nbase_url = "https://bench.example/"\n')
    csv = site / "cables.csv"
    subprocess.run([sys.executable, str(REPLICATE), str(CORPUS), str(count), str(csv)], check=True)
    subprocess.run(
        [*sitegen_command(), "import", str(csv), "--released", "2010-11-28", "--site", str(site)],
        check=True,
        capture_output=True,
    )
    csv.unlink()
    hold_back(site)
    return site


def tree_rss_kb(root: int) -> int:
    """The resident memory of a process and all its descendants, in KB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, parent = int(entry), int(fields.get("PPid", "0").strip())
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def build(site: Path, output: Path, *extra: str) -> tuple[float, float, dict[str, float]]:
    """`sitegen build`: wall seconds, peak MB of its process tree, and its search line."""
    command = [*sitegen_command(), "build", "--site", str(site), "--output", str(output), "--as-of", AS_OF, *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.2)
    reader.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit("".join(lines))
    found = next((SEARCH_LINE.search(line) for line in lines if SEARCH_LINE.search(line)), None)
    search = {}
    if found:
        search = {"rewritten": float(found[1]), "segments": float(found[2]), "seconds": float(found[4])}
    return wall, peak / 1024, search


def index_files(output: Path) -> dict[str, str]:
    return {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (output / "search").rglob("*")
        if p.is_file()
    }


def queries(output: Path) -> dict[str, str]:
    """One query of each row of the issue's table, chosen from the index itself."""
    reader = IndexReader(output)
    total = reader.meta["total"]

    def df(word: str) -> int:
        return len({posting.doc for posting in reader.postings(word)})

    common = [w for w in ("government", "said", "minister", "official", "embassy") if df(w) > total / 2]
    word = common[0] if common else "the"
    pair = (common[1] if len(common) > 1 else "the") + " " + word
    rows = list(reader.cables())
    ident = rows[len(rows) // 3][1][0]
    # Replicated text has no word in fewer cables than its copies: the rarest of these.
    rare = min(
        (w for w in ("helicopters", "counterfeit", "ombudsman", "plutonium", "sardines", "zanzibar") if df(w)),
        key=df,
    )
    return {
        "one word in more than half of the cables": word,
        "two common words (AND)": pair,
        "a two-word quoted phrase of common words": '"prime minister"',
        "a rare word": rare,
        "an ID": ident,
    }


# When the first result appears by the page's own clock (from its navigation's start): what
# the page costs, without the time Playwright takes to ask for the navigation and to see it.
SEEN_FIRST = """
window.sitegenBenchFirst = null;
new MutationObserver(function (changes, observer) {
  if (document.querySelector('#search-results .result')) {
    window.sitegenBenchFirst = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


@dataclass
class Timed:
    """One query's times in one output: ms to the first result, cold and warm, as the bench sees
    them and by the page's clock; the bytes of index files read by then."""

    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    cold_page: list[float] = field(default_factory=list)
    warm_page: list[float] = field(default_factory=list)
    read: list[int] = field(default_factory=list)

    def medians(self) -> tuple[float, float, int, float, float]:
        median = statistics.median
        return (
            median(self.cold),
            median(self.warm),
            int(median(self.read)),
            median(self.cold_page),
            median(self.warm_page),
        )


def query_times(output: Path, asked: dict[str, str], how: str) -> dict[str, tuple[float, float, int]]:
    """Per query: median ms to the first result cold and warm, and the bytes read (http)."""
    timed = compare_times([output], asked, how)[0]
    return {name: found.medians()[:3] for name, found in timed.items()}


def compare_times(outputs: list[Path], asked: dict[str, str], how: str) -> list[dict[str, Timed]]:
    """The queries in each output, the outputs taking turns in every run (so they share the
    machine's load): cold is a fresh browser context (empty cache), warm the same URL again."""
    from contextlib import ExitStack
    from urllib.parse import quote

    from conftest import served
    from playwright.sync_api import sync_playwright

    found: list[dict[str, Timed]] = [{name: Timed() for name in asked} for _ in outputs]
    with ExitStack() as stack, sync_playwright() as playwright:
        roots = [
            stack.enter_context(served(output)) + "search.html" if how == "http" else (output / "search.html").as_uri()
            for output in outputs
        ]
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, query in asked.items():
            for _ in range(RUNS):
                for root, timed in zip(roots, found, strict=True):
                    time_once(browser, f"{root}?q={quote(query)}", timed[name])
        browser.close()
    return found


def time_once(browser: Any, url: str, timed: Timed) -> None:
    context = browser.new_context()
    context.add_init_script(SEEN_FIRST)
    page = context.new_page()
    for times, own in ((timed.cold, timed.cold_page), (timed.warm, timed.warm_page)):
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(FIRST_RESULT, timeout=120000, polling=10)
        times.append((time.perf_counter() - started) * 1000)
        own.append(page.evaluate("window.sitegenBenchFirst"))
        if times is timed.cold:
            timed.read.append(page.evaluate("sitegenSearch.bytesAtFirst()"))
    context.close()


def replicated_cables(count: int) -> list[IndexedCable]:
    """The real cables, copy k of each with the ID YYPOST<k><number> (as replicate_corpus.py
    names them), in created order."""
    replicas = Replicas(count)
    return replicas.cables(0, count)


class Replicas:
    """The replicated cables as the writer reads a segment's: made a range at a time, in
    created order, as a build reads cable files (holding all 251,287 in the parent would have
    the forked workers copy their pages as they read them)."""

    def __init__(self, count: int, later: int = 0, days: int = 1):
        with open(CORPUS, "rb") as stream:
            rows = [row for row in read_rows(stream, "cables.csv") if isinstance(row, DumpRow)]
        self.originals = []
        for row in rows:
            _, created, reference_id, origin, classification, references, header, body = row.fields
            moment = parse_dump_date(created) or "2009-01-01 00:00"
            record = CableRecord(
                reference_id, "1", moment, "2010-11-28 00:00", classification, origin, references, header, body
            )
            cable = parse_cable(record, with_blocks=False)
            self.originals.append((reference_id, moment, cable.subject, origin, classification, cable.tags, body))
        order = sorted(range(count), key=lambda n: (self.moment(n), self.copy_id(n)))
        # The `later` cables of later release days are taken evenly across the archive and dealt
        # to the `days` in turn, each day's in created order after the base's: a release is a
        # sample of every year and post (the newest 1,000 in created order are copies of four).
        taken = set(range(count // 2 // later, count, count // later)[:later]) if later else set()
        picks = [n for at, n in enumerate(order) if at in taken]
        self.order = [n for at, n in enumerate(order) if at not in taken]
        for day in range(days):
            self.order += picks[day::days]

    def moment(self, n: int) -> str:
        """Copy k of a cable is created k days after it: the copies of one cable would otherwise
        sit side by side in created order (ids), and a rare word's 20 results would read two or
        three files of result lines where a real archive, its cables years apart, reads up to 20."""
        moment = self.originals[n % len(self.originals)][1]
        shifted = datetime.strptime(moment, "%Y-%m-%d %H:%M") + timedelta(days=n // len(self.originals))
        return shifted.strftime("%Y-%m-%d %H:%M")

    def copy_id(self, n: int) -> str:
        reference_id = self.originals[n % len(self.originals)][0]
        post = re.match(r"\d{2}([A-Z]+?)\d+$", reference_id)
        number = reference_id[2 + len(post[1]) :] if post else str(n)
        return f"{reference_id[:2]}{post[1] if post else 'X'}{10 + n // len(self.originals)}{number}"

    def __len__(self) -> int:
        return len(self.order)

    def cables(self, start: int, stop: int) -> list[IndexedCable]:
        made = []
        for n in self.order[start:stop]:
            _, _, subject, origin, classification, tags, body = self.originals[n % len(self.originals)]
            moment = self.moment(n)
            copy = self.copy_id(n)
            url = f"cable/{moment[:4]}/{moment[5:7]}/{copy}.html"
            made.append(IndexedCable(copy, moment, subject, origin, classification, tags, url, body))
        return made


def tree_pss_kb(root: int) -> int:
    """The proportional memory of this process and its direct workers: pages a forked worker
    shares with its parent counted once, split between them (RSS counts them in each)."""
    total = 0
    for pid in [root, *(int(p) for p in Path(f"/proc/{root}/task/{root}/children").read_text().split())]:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total


class PeakMemory:
    """The peak memory of this process and its workers together, sampled from /proc: the sum
    of their RSS, and the sum of their PSS."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while self.running:
            self.peak_kb = max(self.peak_kb, tree_rss_kb(os.getpid()))
            self.peak_pss_kb = max(self.peak_pss_kb, tree_pss_kb(os.getpid()))
            time.sleep(0.2)

    def stop(self) -> tuple[float, float]:
        self.running = False
        self.thread.join()
        return self.peak_kb / 1024, self.peak_pss_kb / 1024


@dataclass(frozen=True)
class Range:
    """A range of the replicated cables: a segment's."""

    replicas: Replicas
    start: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.start

    def cables(self, start: int, stop: int) -> list[IndexedCable]:
        return self.replicas.cables(self.start + start, self.start + stop)


class Counted:
    """A segment's cables, counting those read."""

    def __init__(self, cables: Range) -> None:
        self.source, self.read = cables, 0

    def __len__(self) -> int:
        return len(self.source)

    def cables(self, start: int, stop: int) -> list[IndexedCable]:
        self.read += stop - start
        return self.source.cables(start, stop)


def index_only(
    count: int, page_from: Path | None, output: Path, jobs: int, later_days: int = 0, hide: tuple[int, ...] = (1,)
) -> list[tuple[str, str]]:
    """Index N replicated cables into `output` (with `page_from`'s search page), on `jobs`
    processes: the last DAY_CABLES x `later_days` of them (in created order) in segments of
    later release days, as a site has between two cuts of its base."""
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    if page_from:
        shutil.copy(page_from / "search.html", output / "search.html")
        shutil.copytree(page_from / "static", output / "static")
    cables = Replicas(count, DAY_CABLES * later_days, max(later_days, 1))
    before = tree_rss_kb(os.getpid()) / 1024
    memory = PeakMemory()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    folder = output / "search"

    digests: dict[str, bytes] = {}

    def put(name: str, data: bytes) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digests[name] = hashlib.sha1(data).digest()

    days = [f"2012-06-{day + 1:02d}" for day in range(later_days)]
    in_base = count - DAY_CABLES * later_days
    written, base_statistics = index_segment("base", Range(cables, 0, in_base), None, put, Work(jobs))
    seconds = time.perf_counter() - started
    prefixes = {"base": written.prefixes}
    day_costs: list[tuple[float, float, int]] = []  # per later day: wall s, CPU s, files written
    for at, day in enumerate(days):
        start = in_base + at * DAY_CABLES
        later = Range(cables, start, start + DAY_CABLES)
        day_started, cpu = time.perf_counter(), cpu_seconds()
        day_files = index_segment(f"r{day}", later, base_statistics, put, Work(jobs))[0]
        day_costs.append((time.perf_counter() - day_started, cpu_seconds() - cpu, len(day_files.names)))
        prefixes[f"r{day}"] = day_files.prefixes
    peak, peak_pss = memory.stop()
    load = max(load, os.getloadavg()[0])
    members = [
        Member(c.reference_id, c.created, "2010-11-28" if n < in_base else days[(n - in_base) // DAY_CABLES], "")
        for n, c in enumerate(cables.cables(0, count))
    ]
    segments = plan_segments(members)
    assert [s.name for s in segments] == list(prefixes), "the days must stay apart from the base"
    put("meta.js", meta_script(segments, prefixes))
    files = list(folder.rglob("*.js"))
    size = sum(path.stat().st_size for path in files)
    base = Range(cables, 0, in_base)
    rows = [row for n in hide for row in hidden_rows(base, jobs, digests, folder, written, n)] if later_days else []
    if day_costs:
        # A release's share: its segment's files and meta.js, against the index after it.
        walls, cpus, written_files = zip(*day_costs, strict=True)
        rows.append(
            (
                f"a release day of {DAY_CABLES:,} (spread over the archive) into a base of {in_base:,}, its own"
                f" segment: wall s / CPU s, median of {len(days)} days",
                f"{statistics.median(walls):.1f} / {statistics.median(cpus):.1f}",
            )
        )
        rows.append(
            (
                "  its files written (its segment and meta.js) / the index's files, the largest day",
                f"{max(written_files) + 1:,} / {len(files):,} ({(max(written_files) + 1) / len(files):.1%})",
            )
        )
    return rows + [
        (
            f"index {in_base:,} cables (the base), the writer alone (format {FORMAT}, --jobs {jobs}): s (load average)",
            f"{seconds:.0f} ({load:.1f})",
        ),
        (
            "its peak memory MB, all processes: RSS summed / PSS summed (the cables' text held before)",
            f"{peak:.0f} / {peak_pss:.0f} ({before:.0f})",
        ),
        ("index bundle: MB / files", f"{size / 1e6:.0f} / {len(files):,}"),
    ]


def hidden_rows(
    base: Range, jobs: int, written: dict[str, bytes], folder: Path, files: SegmentFiles, hide: int
) -> list[tuple[str, str]]:
    """What revising or withdrawing `hide` base cables (spread over it) costs
    (`index.hidden_cables`), both ways in one run: the base read again with them hidden, its
    files compared with those written (not replaced); and the edit of the files in place
    (hide.py), whose files must be the re-read's."""
    step = len(base) // hide
    hidden = frozenset(range(step // 2, step * hide, step))
    changed: set[str] = set()
    again_digests: dict[str, bytes] = {}

    def compare(name: str, data: bytes) -> None:
        again_digests[name] = hashlib.sha1(data).digest()
        if written.get(name) != again_digests[name]:
            changed.add(name)

    cpu = cpu_seconds()
    started = time.perf_counter()
    again, _ = index_segment("base", base, None, compare, Work(jobs), hidden)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    before = {name for name in written if name.startswith("base/")}
    changed |= before - again.names
    rows = [
        (
            f"{hide:,} base cables revised or withdrawn: the base ({len(base):,}) read again, them hidden: s (CPU s)",
            f"{seconds:.1f} ({cpu:.1f})",
        ),
        ("  its index files changed / the base's", f"{len(changed):,} / {len(before):,}"),
    ]
    put: dict[str, bytes] = {}

    def keep(name: str, data: bytes) -> None:
        put[name] = hashlib.sha1(data).digest()

    source = Counted(base)
    long = frozenset(files.long)
    hiding = Hiding("base", source, frozenset(), hidden, folder, files.prefixes, long, files.texts, jobs=jobs)
    cpu = cpu_seconds()
    started = time.perf_counter()
    edited = hide_in_segment(hiding, keep)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if isinstance(edited, Refused):
        return [*rows, ("  the edit of its files in place (hide.py): refused", edited.reason)]
    differ = {
        name for name in edited.names | again.names if put.get(name, written.get(name)) != again_digests.get(name)
    }
    new = {name for name, digest in put.items() if written.get(name) != digest}
    return [
        *rows,
        (
            "  the edit of its files in place instead (hide.py): s (CPU s) / cables read",
            f"{seconds:.1f} ({cpu:.1f}) / {source.read:,}",
        ),
        (
            "  the edit's files handed on / changed / differing from the re-read's",
            f"{len(put):,} / {len(new) + len(before - edited.names):,} / {len(differ)}",
        ),
    ]


def cpu_seconds() -> float:
    """This process's CPU seconds and those of its workers that have ended."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cables", type=int, default=50000)
    parser.add_argument("--results", type=Path, help="also append the table to this markdown file")
    parser.add_argument("--index-only", action="store_true", help="index in this process, without a site (see above)")
    parser.add_argument("--page-from", type=Path, help="--index-only: a built output whose search page to use")
    parser.add_argument("--jobs", type=int, default=2, help="--index-only: processes that tokenise")
    parser.add_argument("--days", type=int, default=0, help="--index-only: later release days of 1,000 each")
    parser.add_argument("--hide", default="1", help="--index-only --days: base cables revised, say 1,10,100")
    parser.add_argument("--no-queries", action="store_true", help="--index-only: time the writer alone")
    parser.add_argument("--built", action="store_true", help="the output is built: skip the whole build's rows")
    parser.add_argument(
        "--compare",
        type=Path,
        nargs="+",
        metavar="OUTPUT",
        help="time the queries alone in these built outputs (each with its own search page), taking turns",
    )
    parser.add_argument("--runs", type=int, default=RUNS, help="runs of each query (medians are reported)")
    args = parser.parse_args()
    if args.index_only and not args.no_queries and not args.page_from:
        # Without a search page every query waits out its timeout on a 404 (a run lost so).
        parser.error("--index-only times queries in a search page: give --page-from OUTPUT (or --no-queries)")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    globals()["RUNS"] = args.runs
    if args.compare:
        report(
            f"search queries over {len(args.compare)} outputs, {args.runs} runs",
            compare_rows(args.compare),
            args.results,
        )
        return
    if args.index_only:
        output = Path("/dev/shm/sitegen-bench") / f"index-only-{args.cables}"
        output = output.with_name(f"{output.name}-{args.days}days") if args.days else output
        rows = index_only(
            args.cables, args.page_from, output, args.jobs, args.days, tuple(int(n) for n in args.hide.split(","))
        )
        if args.no_queries:
            report(f"search at {args.cables:,} real-shaped cables, index only", rows, args.results)
            return
        asked = queries(output)
        for how in ("http", "file"):
            rows += query_rows(output, asked, how)
        report(f"search at {args.cables:,} real-shaped cables, index only", rows, args.results)
        return
    site = prepare_real_corpus(args.cables)
    output = Path("/dev/shm/sitegen-bench") / f"real-{args.cables}"
    rows = []

    if not args.built:
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    wall, peak, search = build(site, output)
    files = index_files(output)
    size = sum((output / name).stat().st_size for name in files)
    if args.built:
        search["seconds"] = 0.0  # this build found the index in place: only its size counts
    rows.append(("index the whole archive: index s (whole build s)", f"{search['seconds']:.0f} ({wall:.0f})"))
    rows.append(("whole build: peak MB, all processes together", f"{peak:.0f}"))
    rows.append(
        ("index bundle: MB / files / segments", f"{size / 1e6:.0f} / {len(files):,} / {search['segments']:.0f}")
    )

    asked = queries(output)
    for how in ("http", "file"):
        rows += query_rows(output, asked, how)

    held = site / "held-back.txt"
    held_ids = set(held.read_text().split())
    held_paths = [p for p in (site / "content" / "cables").rglob("*.txt") if p.stem in held_ids]
    started = time.perf_counter()
    subprocess.run([*sitegen_command(), "release", "2012-06-01", "--ids", str(held), "--site", str(site)], check=True)
    wall, peak, search = build(site, output)
    after = index_files(output)
    changed = sum(files.get(name) != digest for name, digest in after.items()) + len(files.keys() - after.keys())
    rows.append(
        (
            f"release of {HELD_BACK} (release + build): wall s / index s / segments written",
            f"{time.perf_counter() - started:.1f} / {search['seconds']:.1f} / {search['rewritten']:.0f}",
        )
    )
    rows.append(
        (
            f"release of {HELD_BACK}: index files changed / all",
            f"{changed:,} / {len(after):,} ({changed / len(after):.1%})",
        )
    )
    rows.append((f"release of {HELD_BACK}: peak MB, all processes together", f"{peak:.0f}"))
    for path in held_paths:
        strip_release(path)
    build(site, output)

    report(f"search at {args.cables:,} real-shaped cables", rows, args.results)


def query_rows(output: Path, asked: dict[str, str], how: str) -> list[tuple[str, str]]:
    rows = []
    for name, (cold, warm, read) in query_times(output, asked, how).items():
        downloaded = f" / {read / 1e3:.0f} KB" if how == "http" else ""
        rows.append(
            (
                f"{how}: {name} (`{asked[name]}`): first results warm ms / cold ms"
                + (" / read" if how == "http" else ""),
                f"{warm:.0f} / {cold:.0f}{downloaded}",
            )
        )
    return rows


def compare_rows(outputs: list[Path]) -> list[tuple[str, str]]:
    """The queries of the first output's index, timed in every output (over http, then file://)."""
    asked = queries(outputs[0])
    rows = []
    for how in ("http", "file"):
        for output, timed in zip(outputs, compare_times(outputs, asked, how), strict=True):
            for name, found in timed.items():
                cold, warm, read, cold_page, warm_page = found.medians()
                rows.append(
                    (
                        f"{output.name}, {how}: {name} (`{asked[name]}`): warm / cold ms (by the page's clock) / read",
                        f"{warm:.0f} / {cold:.0f} ({warm_page:.0f} / {cold_page:.0f}) / {read / 1e3:.0f} KB",
                    )
                )
    return rows


def report(title: str, rows: list[tuple[str, str]], results: Path | None) -> None:
    table = [f"### {title} ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores)", ""]
    table += ["| figure | value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]
    text = "\n".join(table) + "\n"
    print(text)
    if results:
        with open(results, "a", encoding="utf-8") as stream:
            stream.write("\n" + text)


if __name__ == "__main__":
    main()
