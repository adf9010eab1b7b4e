"""Render cost on one core: microseconds a page, by page kind (this is not a test).

    python bench/render_speed.py SITE [--as-of "2013-01-01 23:59"] [--pages 1500] [--rounds 5]

Scans SITE and plans its pages as a build does, then renders an evenly spread sample of up
to --pages pages of each kind in this process (no pool, nothing written) --rounds times and
prints the median microseconds a page of each kind. A whole build is too noisy on a shared
machine to tell a 5 % change; this times only rendering, in one process, so that two versions
run one after the other (`PYTHONPATH=old-checkout python bench/render_speed.py ...`) compare.
"""

from __future__ import annotations

import argparse
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
from sitegen.catalogue import build_catalogue, published_articles  # noqa: E402
from sitegen.config import load_config  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--as-of", default="2013-01-01 23:59")
    parser.add_argument("--pages", type=int, default=1500, help="pages rendered of each kind, at most")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    config, _ = load_config(args.site)
    scan = scan_cables(args.site, 1, {})
    catalogue = build_catalogue(scan.entries, args.as_of, config.total_cables, config.feed_size)
    pages, _ = read_documents(args.site / "content" / "pages", args.site, require_date=False)
    articles, _ = read_documents(args.site / "content" / "articles", args.site, require_date=True)
    articles = published_articles(articles, args.as_of)
    plans = plan_site(catalogue, config, pages, articles, False)
    assets = asset_urls(args.site)
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
