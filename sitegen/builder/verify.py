"""Verify: a built output and its build cache -> the pages whose bytes differ from a fresh render though their keys promise not.

`sitegen build --verify` runs it after a build. An incremental build renders a page only when
its key (incremental/keys.py: what its kind declares it reads) differs from the last build's; a
kind that shows something its key does not read, or a reach that misses a page, leaves a stale
page behind without a word. Here every page is planned and keyed from the cable files read
afresh; each whose key is the one the build saved is rendered into memory (its static files into
a scratch folder) and compared byte for byte with output/.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sitegen.builder.keying import document_keys, keyed_catalogue, kinds_to_fingerprint
from sitegen.builder.report import BuildOptions
from sitegen.catalogue import published_articles
from sitegen.config import load_config
from sitegen.incremental.keys import PageKeys
from sitegen.incremental.manifest import Manifest
from sitegen.layout import SiteLayout
from sitegen.model import Problem
from sitegen.parallel import batches, map_batches, worker_count
from sitegen.plan import PagePlan, plan_site, sitemap_urls
from sitegen.render.site import OutputParts, SiteRenderer
from sitegen.sources.pages import read_documents
from sitegen.sources.scan import scan_cables
from sitegen.write import Staging, copy_static

VERIFY_BATCH = 200


@dataclass(frozen=True)
class _Check:
    """What a worker renders and compares with; handed to the pool once."""

    renderer: SiteRenderer
    keys: PageKeys
    output: Path


def verify_output(options: BuildOptions, as_of: str) -> list[Problem]:
    """Every page of the output at `options` whose bytes differ from a fresh render as of
    `as_of` though its saved key says it is unchanged, and every page whose saved key is not
    the one its inputs give (a build that stopped short of saving)."""
    layout = SiteLayout.of(options.site_dir, options.output_dir)
    config, _ = load_config(layout.site)
    jobs = worker_count(options.jobs)
    scan = scan_cables(layout.site, jobs, {})
    catalogue = keyed_catalogue(layout.site, scan, as_of, config)
    pages, _ = read_documents(layout.pages, layout.site, require_date=False)
    articles, _ = read_documents(layout.articles, layout.site, require_date=True)
    articles = published_articles(articles, as_of)
    manifest = Manifest(layout.manifest)
    try:
        saved = manifest.page_keys()
    finally:
        manifest.close()
    with tempfile.TemporaryDirectory(prefix="sitegen-verify-") as scratch:
        staging = Staging.begin(Path(scratch) / "output")
        assets = copy_static(layout.site, staging)
        plans = plan_site(catalogue, config, pages, articles, options.search)
        urls = sitemap_urls(plan.url for plan in plans)
        renderer = SiteRenderer(
            config, catalogue, layout.site, pages, articles, OutputParts(assets, urls, options.search)
        )
        fingerprints = renderer.fingerprints(kinds_to_fingerprint(plans))
        _, documents = document_keys(pages, articles, catalogue)
        keys = PageKeys(catalogue, config, scan.digests, fingerprints, documents, urls)
        tasks = [(plan, saved.get(plan.url, ("",))[0]) for plan in plans]
        problems: list[Problem] = []
        for found in map_batches(
            _check_batch, _Check(renderer, keys, layout.output), batches(tasks, VERIFY_BATCH), jobs
        ):
            problems += found
        staging.abandon()
    return problems


def _check_batch(check: _Check, tasks: list[tuple[PagePlan, str]]) -> list[Problem]:
    problems = []
    for plan, saved_key in tasks:
        if check.keys.key(plan) != saved_key:
            problems.append(Problem(plan.url, 0, "its key is not the one the build saved: the build left it stale"))
            continue
        for url, data in check.renderer.render(plan).files:
            path = check.output / url
            if not path.is_file() or path.read_bytes() != data:
                problems.append(
                    Problem(url, 0, f"differs from a fresh render, though its key says it is unchanged ({plan.kind})")
                )
    return problems
