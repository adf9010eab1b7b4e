"""Render cost on one core: microseconds a page, by page kind (this is not a test).

    python bench/render_speed.py SITE [--as-of "2013-01-01 23:59"] [--pages 1500] [--rounds 5]
    python bench/render_speed.py SITE --mix 3000


Scans SITE and plans its pages as a build does, then renders an evenly spread sample of up
to --pages pages of each kind in this process (no pool, nothing written) --rounds times and
prints the median microseconds a page of each kind. A whole build is too noisy on a shared
machine to tell a 5 % change; this times only rendering, in one process, so that two versions
run one after the other (`PYTHONPATH=old-checkout python bench/render_speed.py ...`) compare.

--mix N says where a full build's render time goes: N pages taken evenly from every page the
build plans (so in the build's own mix of kinds), each keyed, rendered and written to a scratch
folder as a worker does (publish.render_batch), under cProfile, once a page of each kind has
compiled its templates (the rows of the lists sampled are seldom in the row cache yet, where
most would be in a full build: the row cache's share is an upper bound); the time inside each part
(Jinja and the compiled templates, the row cache, sitegen's renderers, the cable text's
parser, the keys, writing) is summed from each function's own time and printed with its share.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so that another checkout can be timed

from sitegen.builder import scan_cables  # noqa: E402
from sitegen.builder.publish import RenderContext, render_batch  # noqa: E402
from sitegen.catalogue import build_catalogue, published_articles  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.incremental.keys import PageKeys  # noqa: E402
from sitegen.plan import plan_site  # noqa: E402
from sitegen.render.site import OutputParts, SiteRenderer  # noqa: E402
from sitegen.sources.pages import read_documents  # noqa: E402
from sitegen.write import Staging, copy_static  # noqa: E402


def sample(plans: list, per_kind: int) -> dict[str, list]:
    by_kind = defaultdict(list)
    for plan in plans:
        by_kind[plan.kind].append(plan)
    return {kind: found[:: max(1, len(found) // per_kind)][:per_kind] for kind, found in sorted(by_kind.items())}


def asset_urls(site: Path) -> dict[str, str]:
    """The static files' URLs the pages link to (staged in a scratch folder, then dropped)."""
    with tempfile.TemporaryDirectory() as scratch:
        staging = Staging.begin(Path(scratch) / "output")
        assets = copy_static(site, staging)
        staging.abandon()
    return assets


# Where a function's own time is counted, by the first of these its file's path holds.
PARTS = (
    (".html", "Jinja: compiled templates"),
    (".xml", "Jinja: compiled templates"),
    ("/jinja2/", "Jinja: runtime"),
    ("/markupsafe/", "Jinja: escaping (markupsafe)"),
    ("sitegen/render/rows.py", "row cache (render/rows.py)"),
    ("sitegen/parse/", "cable text parser"),
    ("sitegen/incremental/keys.py", "page keys"),
    ("sitegen/write.py", "writing (write.py)"),
    ("/pygments/", "Pygments (cable header)"),
    ("sitegen/render/", "sitegen renderers"),
    ("sitegen/", "sitegen, other"),
)


def part_of(path: str, name: str) -> str:
    if name in ("<built-in method posix.open>", "<built-in method posix.replace>", "<built-in method posix.write>"):
        return "writing (system calls)"
    for marker, part in PARTS:
        if marker in path:
            return part
    return "Python and the rest"


def mix_profile(renderer: SiteRenderer, plans: list, keys_of: tuple, pages: int) -> None:
    """Key, render and write `pages` plans taken evenly from all, under cProfile; print each part's share."""
    chosen = plans[:: max(1, len(plans) // pages)][:pages]
    fingerprints = renderer.fingerprints(sorted({plan.kind for plan in plans}))
    catalogue, config, digests = keys_of
    keys = PageKeys(catalogue, config, digests, fingerprints, {}, [])
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as scratch:
        staging = Staging.begin(Path(scratch) / "output")
        context = RenderContext(renderer, keys, staging)
        # A worker compiles each template once for tens of thousands of pages: not counted.
        for plan in {plan.kind: plan for plan in reversed(plans)}.values():
            renderer.render(plan)
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        render_batch(context, [(plan, None) for plan in chosen])
        profile.disable()
        wall = time.perf_counter() - started
        staging.abandon()
    totals: dict[str, float] = defaultdict(float)
    for (path, _, name), (_, _, own, _, _) in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]
        totals[part_of(path, name)] += own
    spent = sum(totals.values())
    print(f"{len(chosen)} pages, {wall / len(chosen) * 1e6:.0f} us a page (profiled: {spent / len(chosen) * 1e6:.0f})")
    for part, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"{part:34s} {seconds / len(chosen) * 1e6:7.0f} us {seconds / spent:6.1%}")
    print("the largest single functions:")
    pstats.Stats(profile).sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--as-of", default="2013-01-01 23:59")
    parser.add_argument("--pages", type=int, default=1500, help="pages rendered of each kind, at most")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mix", type=int, default=0, help="profile this many pages of the build's mix instead")
    args = parser.parse_args()
    args.site = args.site.resolve()  # the scan names files relative to the site as given: one spelling
    config, _ = load_config(args.site)
    scan = scan_cables(args.site, 1, {})
    catalogue = build_catalogue(scan.entries, args.as_of, config.total_cables, config.feed_size)
    pages, _ = read_documents(args.site / "content" / "pages", args.site, require_date=False)
    articles, _ = read_documents(args.site / "content" / "articles", args.site, require_date=True)
    articles = published_articles(articles, args.as_of)
    plans = plan_site(catalogue, config, pages, articles, False)
    assets = asset_urls(args.site)
    if args.mix:
        renderer = SiteRenderer(config, catalogue, args.site, pages, articles, OutputParts(assets, []))
        mix_profile(renderer, plans, (catalogue, config, scan.digests), args.mix)
        return
    chosen = sample(plans, args.pages)
    timings: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.rounds):
        # A fresh renderer each round: rows cached in one round would make the next one's lists free.
        renderer = SiteRenderer(config, catalogue, args.site, pages, articles, OutputParts(assets, []))
        for kind, kind_plans in chosen.items():
            started = time.perf_counter()
            for plan in kind_plans:
                renderer.render(plan)
            timings[kind].append((time.perf_counter() - started) / len(kind_plans) * 1e6)
    print(f"{'kind':22s} {'pages':>6s} {'us/page (median of ' + str(args.rounds) + ')':>24s}")
    for kind, kind_plans in chosen.items():
        print(f"{kind:22s} {len(kind_plans):6d} {statistics.median(timings[kind]):24.0f}")


if __name__ == "__main__":
    main()
