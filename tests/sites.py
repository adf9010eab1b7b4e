"""Small site folders written by tests (cable files from records, pages, articles), the one way
tests build them, and the one check that an output equals a full build's."""

from __future__ import annotations

import difflib
import shutil
from dataclasses import replace
from pathlib import Path

from sitegen.builder import BuildOptions, BuildReport, build_site
from sitegen.catalogue import CableEntry
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


AS_OF = "2011-01-01 00:00"


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


def catalogue_entry(reference_id: str, released: str = "2010-12-01 00:00", **fields) -> CableEntry:
    """A catalogue entry of an invented cable: Embassy Rome, SECRET, tagged PREL, created
    2009-05-01, unless `fields` say otherwise."""
    values = dict(
        reference_id=reference_id,
        source=f"content/cables/{reference_id}.txt",
        created="2009-05-01 10:00",
        released=released,
        classification="SECRET",
        origin="Embassy Rome",
        subject="",
        summary="",
        eo="",
        tags=("PREL",),
        references=(),
        references_raw="",
    )
    values.update(fields)
    return CableEntry(**values)


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


def build(site: Path, as_of: str = AS_OF, output: Path | None = None, *, clean: bool = True, **options) -> BuildReport:
    """Build `site` into `output` (its output/ by default) as tests do: one job and no search
    index unless `options` say otherwise. A build with errors fails the test, naming them,
    unless `clean` is False (the test then looks at the report itself)."""
    options.setdefault("jobs", 1)
    options.setdefault("search", False)
    report = build_site(BuildOptions(site, output or site / "output", as_of, **options))
    if clean:
        assert report.errors == [], f"the build had errors: {report.errors}"
    return report


def tree_differences(output: Path, expected: Path, shown: int = 12) -> list[str]:
    """What differs between two folders, a line a file (first the paths one lacks, then the files
    whose bytes differ), and the first lines that differ in the first such text file."""
    ours, theirs = tree(output), tree(expected)
    lines = [f"missing: {path}" for path in sorted(theirs.keys() - ours.keys())]
    lines += [f"extra: {path}" for path in sorted(ours.keys() - theirs.keys())]
    differ = [path for path in sorted(ours.keys() & theirs.keys()) if ours[path] != theirs[path]]
    lines += [f"differs: {path}" for path in differ]
    lines = lines[:shown] + ([f"... and {len(lines) - shown} more"] if len(lines) > shown else [])
    if differ:
        old = theirs[differ[0]].decode(errors="replace").splitlines()
        new = ours[differ[0]].decode(errors="replace").splitlines()
        unified = difflib.unified_diff(old, new, "full build", "this build", n=1, lineterm="")
        lines += [f"in {differ[0]}:", *list(unified)[2:14]]
    return lines


def assert_same_tree(output: Path, expected: Path) -> None:
    """The two folders hold the same files with the same bytes; a failure lists what differs."""
    differences = tree_differences(output, expected)
    assert not differences, "\n".join([f"{output} differs from {expected}:", *differences])


def assert_equals_full_build(
    site: Path, as_of: str = AS_OF, output: Path | None = None, *, keys: bool = True, **options
) -> None:
    """`output` (the site's output/ by default) equals, byte for byte, a full build of the same
    inputs into a fresh folder beside the site; with `keys`, so does every page key the
    manifest holds. A failure names the files (or keys) that differ."""
    output = output or site / "output"
    fresh = site.parent / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    build(site, as_of, fresh, clean=False, full=True, **options)  # the same inputs, problems and all
    assert_same_tree(output, fresh)
    if keys:
        ours, theirs = page_keys(site, output), page_keys(site, fresh)
        wrong = sorted(url for url in ours.keys() | theirs.keys() if ours.get(url) != theirs.get(url))
        assert not wrong, f"{len(wrong)} page keys differ from a full build's: {wrong[:12]}"
