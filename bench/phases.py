"""Where one build's time goes in the parent process, step by step (this is not a test).

    python bench/phases.py SITE OUTPUT [--as-of "2013-01-01 23:59"] [--jobs 0]

Runs one build of SITE into OUTPUT with each step of sitegen.builder timed in place (stats,
manifest loads, scan, catalogue, planning, rendering, saving) and prints the seconds of each,
in the order they ran. Edit a cable first to time a one-cable rebuild. The first build after
a change to sitegen's code is a full one (a new version re-renders everything): run it twice.
For the workers' side, sample the whole build with py-spy (`pip install -e '.[dev]'`):
`py-spy record -s -f raw -o profile.txt -- sitegen build ...`.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen import builder, write  # noqa: E402
from sitegen.builder import pipeline, publish, quick  # noqa: E402
from sitegen.incremental import manifest, stored  # noqa: E402

# Each step is timed where it is looked up: a module's function as its callers find it there.
STEPS = {
    pipeline: [
        "inputs_fingerprint",
        "cable_file_stats",
        "scan_cables",
        "keyed_catalogue",
        "read_documents",
        "plan_site",
        "sitemap_urls",
        "catalogue_diff",
        "pages_reached",
        "store_catalogue",
        "copy_static",
    ],
    publish: ["publish", "render_pages", "stale_files"],
    quick: ["quick_changes", "pages_reached", "copy_static", "read_documents"],
    stored.StoredCatalogue: ["usable"],
    manifest.Manifest: ["sources", "page_keys", "save_sources", "save_pages", "save_stored"],
    write.Staging: ["begin", "commit"],
}


def timed(owner, name: str, spent: list[tuple[str, float]]) -> None:
    """Replace owner.name with a wrapper that records its seconds in `spent` (a class method is
    taken bound to its class, so the wrapper calls it as it was called)."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append((name, time.perf_counter() - started))

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--as-of", default="2013-01-01 23:59")
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    spent: list[tuple[str, float]] = []
    for owner, names in STEPS.items():
        for name in names:
            timed(owner, name, spent)
    started = time.perf_counter()
    report = builder.build_site(builder.BuildOptions(args.site, args.output, args.as_of, jobs=args.jobs, search=False))
    total = time.perf_counter() - started
    for name, seconds in spent:
        print(f"{name:20s} {seconds:7.2f}")
    kind = "quick" if report.quick else "incremental" if report.incremental else "full"
    print(f"{'build (' + kind + ')':20s} {total:7.2f}   {report.rendered} of {report.pages} pages rendered")


if __name__ == "__main__":
    main()
