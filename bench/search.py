"""Search at size: index the whole archive in shards, re-index after a release, query in a browser.

    python bench/search.py --cables 50000 [--results bench/RESULTS.md]

Uses the corpus and output of bench/run.py (made if missing). Rows:
- indexing the whole archive (`build --search` over a built site): wall seconds, peak memory of
  all processes together (sampled from /proc), bundle size, shards;
- re-indexing after a release of HELD_BACK cables (`release` + `build --search`);
- a word search in headless Chromium over http: seconds from typing to the first result, cold
  (first query of the page) and warm, medians over several words; and whether an ID query's
  first result is that cable.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import statistics
import subprocess
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from run import AS_OF, HELD_BACK, prepare_corpus, sitegen_command, strip_release

# Words of bench/synth.py's sentences, from one in most cables to one in a few.
WORDS = ["minister", "embassy", "inflation", "helicopters", "elections", "counterfeiters", "demonstration"]
SEARCH_LINE = re.compile(r"search index: (\d+) of (\d+) shards indexed anew, ([\d,]+) bytes, in ([\d.]+)s")


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


def build_with_search(site: Path, output: Path) -> tuple[float, float, dict[str, float]]:
    """`sitegen build --search`: wall seconds, peak MB of its process tree, and its search line."""
    command = [*sitegen_command(), "build", "--site", str(site), "--output", str(output), "--as-of", AS_OF, "--search"]
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
        search = {
            "reindexed": float(found[1]),
            "shards": float(found[2]),
            "bytes": float(found[3].replace(",", "")),
            "seconds": float(found[4]),
        }
    return wall, peak / 1024, search


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def query_times(output: Path, refid: str) -> tuple[list[float], list[float], bool]:
    """Seconds from typing a word to its first result: on a fresh page (cold) and again (warm);
    and whether the ID query's first result is that cable."""
    from playwright.sync_api import sync_playwright

    server, base = serve(output)
    cold, warm = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for word in WORDS:
                page = browser.new_page()
                page.goto(base + "search.html")
                page.wait_for_selector(".pagefind-ui__search-input")
                for times in (cold, warm):
                    page.fill(".pagefind-ui__search-input", "")
                    page.wait_for_selector(".pagefind-ui__result", state="detached")
                    started = time.perf_counter()
                    page.fill(".pagefind-ui__search-input", word)
                    page.wait_for_selector(".pagefind-ui__result-link", timeout=60000)
                    # Pagefind waits 300 ms after the last key before it searches: not the index's time.
                    times.append(time.perf_counter() - started - 0.3)
                page.close()
            page = browser.new_page()
            page.goto(base + "search.html")
            page.fill(".pagefind-ui__search-input", refid)
            page.wait_for_selector(".pagefind-ui__result-link", timeout=60000)
            first = page.locator(".pagefind-ui__result-link").first.inner_text()
            browser.close()
    finally:
        server.shutdown()
    return cold, warm, first.startswith(refid + ":")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cables", type=int, default=20000)
    parser.add_argument("--output", type=Path, help="a built output of the corpus (default: bench/run.py's)")
    parser.add_argument("--results", type=Path, help="also append the table to this markdown file")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    site = prepare_corpus(args.cables)
    output = args.output or Path("/dev/shm/sitegen-bench") / f"output-{args.cables}"
    rows: list[tuple[str, str]] = []

    # The whole archive: built without search (which drops any index), then with it.
    command = [*sitegen_command(), "build", "--site", str(site), "--output", str(output), "--as-of", AS_OF]
    subprocess.run([*command, "--no-search"], check=True, capture_output=True)
    wall, peak, search = build_with_search(site, output)
    rows.append(("index the whole archive: search s (build s)", f"{search['seconds']:.0f} ({wall:.0f})"))
    rows.append(("index the whole archive: peak MB, all processes together", f"{peak:.0f}"))
    rows.append(("search bundle: MB / shards", f"{search['bytes'] / 1e6:.0f} / {search['shards']:.0f}"))

    refid = sorted((output / "cable").rglob("*.html"))[len(WORDS)].stem
    cold, warm, id_first = query_times(output, refid)
    rows.append(
        (
            f"word search, first result (medians of {len(WORDS)} words): cold s / warm s",
            f"{statistics.median(cold):.2f} / {statistics.median(warm):.2f}",
        )
    )
    rows.append(("slowest word, cold s", f"{max(cold):.2f}"))
    rows.append(("an ID query's first result is that cable", "yes" if id_first else "NO"))

    held = site / "held-back.txt"
    held_ids = set(held.read_text().split())
    held_paths = [p for p in (site / "content" / "cables").rglob("*.txt") if p.stem in held_ids]
    started = time.perf_counter()
    subprocess.run([*sitegen_command(), "release", "2012-06-01", "--ids", str(held), "--site", str(site)], check=True)
    wall, peak, search = build_with_search(site, output)
    rows.append(
        (
            f"release of {HELD_BACK} (release + build --search): wall s / search s / shards re-indexed",
            f"{time.perf_counter() - started:.1f} / {search['seconds']:.1f} / {search['reindexed']:.0f}",
        )
    )
    rows.append((f"release of {HELD_BACK}: peak MB, all processes together", f"{peak:.0f}"))
    for path in held_paths:
        strip_release(path)
    build_with_search(site, output)

    table = [f"### search at {args.cables:,} cables ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores)", ""]
    table += ["| figure | value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]
    text = "\n".join(table) + "\n"
    print(text)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
