"""Small site folders written by tests: cable files from records, pages, articles."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sitegen.incremental.manifest import Manifest
from sitegen.model import CableRecord
from sitegen.sources.cablefile import cable_path, format_cable

BODY = """C O N F I D E N T I A L SECTION 01 OF 01 ROME 000001

E.O. 12958: DECL: 01/01/2019
TAGS: PREL PGOV IT
SUBJECT: A TEST CABLE

REF: 09 ROME 2

1. (C) Summary: First paragraph. End summary.

2. (C) Second paragraph.
"""

HEADER = "VZCZCXRO0001\nRR RUEHWEB\nDE RUEHRO #0001/01 0010000\nZNY CCCCC ZZH\nR 010000Z JAN 09\nFM AMEMBASSY ROME\nTO RUEHC/SECSTATE WASHDC 0001"


def cable(reference_id: str, released: str | None, **changes) -> CableRecord:
    record = CableRecord(
        reference_id=reference_id,
        sequence="1",
        created="2009-01-01 00:00",
        released=released,
        classification="CONFIDENTIAL",
        origin="Embassy Rome",
        references="",
        header=HEADER,
        body=BODY,
    )
    return replace(record, **changes)


def write_site(
    root: Path, cables: list[CableRecord], pages: dict[str, str] | None = None, articles: dict[str, str] | None = None
) -> Path:
    for record in cables:
        path = cable_path(root / "content", record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(format_cable(record))
    for folder, documents in (("pages", pages or {}), ("articles", articles or {})):
        for name, text in documents.items():
            path = root / "content" / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return root


# A site with this config gets no build warning (a site without base_url is warned that its share
# links carry no page URL; tests/test_render_body.py tests that).
PUBLISHED_CONFIG = 'title = "Test"\nbase_url = "https://cables.example.org/"\n'


def problems(report) -> list:
    """A build's problems but the warning every site without base_url gets."""
    return [p for p in report.problems if not p.message.startswith("base_url is not set")]


def all_bytes(output: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file())


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def page_keys(site: Path, output: Path) -> dict[str, str]:
    """The key the manifest holds for each page of one output."""
    manifest = Manifest.for_site(site, output)
    try:
        return {url: key for url, (key, _) in manifest.page_keys().items()}
    finally:
        manifest.close()
