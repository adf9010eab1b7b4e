"""The no-op build: nothing changed is told from the cable files' stats and the other inputs'
digests, without importing the renderer or the search index, and any change is still noticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.sources import scan
from tests.sites import build, cable, write_site

# What a no-op build must not import: they cost most of its time at 50,000 cables.
HEAVY = ("jinja2", "markdown", "pygments", "feedgen", "numpy", "sitegen.render.site", "sitegen.search")

NOOP_IN_A_PROCESS = """
import sys
from pathlib import Path
from sitegen.builder import BuildOptions, build_site
site = Path(sys.argv[1])
report = build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1, search=True))
assert "nothing changed since the last build" in report.notes, report.notes
print(" ".join(sorted(m for m in sys.argv[2:] if m in sys.modules)))
"""


@pytest.fixture
def site(tmp_path) -> Path:
    cables = [cable(f"09ROME{n}", "2010-12-01 00:00") for n in range(1, 4)]
    return write_site(tmp_path / "site", cables, pages={"about.md": "---\ntitle: About\n---\n\nSee 09ROME1.\n"})


def test_a_noop_build_imports_no_renderer_and_no_search_index(site):
    build(site, search=True)
    result = subprocess.run(
        [sys.executable, "-c", NOOP_IN_A_PROCESS, str(site), *HEAVY], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []


NOOP = "nothing changed since the last build"


def _rome(site: Path, number: int) -> Path:
    (path,) = (site / "content" / "cables").rglob(f"09ROME{number}.txt")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cable_edited_in_place_is_noticed(site, jobs):
    build(site, jobs=jobs)
    path = _rome(site, 2)
    path.write_bytes(path.read_bytes().replace(b"SUBJECT: A TEST CABLE", b"SUBJECT: A CABLE EDITED IN PLACE"))
    report = build(site, jobs=jobs)
    assert NOOP not in report.notes
    assert b"A CABLE EDITED IN PLACE" in (site / "output" / "cable" / "2009" / "01" / "09ROME2.html").read_bytes()


def test_a_cable_touched_is_read_again_and_changes_no_page(site):
    build(site)
    path = _rome(site, 3)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    report = build(site)
    assert NOOP not in report.notes
    assert (report.sources_read, report.rendered) == (1, 0)
    assert NOOP in build(site).notes  # its new mtime kept: the next build is a no-op again


def test_a_cable_come_or_gone_in_a_folder_is_noticed(site):
    build(site)
    path = _rome(site, 3)
    data = path.read_bytes()
    path.unlink()
    assert build(site).cables == 2
    path.write_bytes(data)
    assert build(site).cables == 3


def test_a_folders_digest_depends_on_its_stats_only():
    """marshal (from version 3) writes a string held elsewhere too as a reference, and one held
    once as itself: equal stats must give one digest whoever else holds their strings."""
    path = "content/cables/2009/01/09ROME1" + ".txt"
    held_once = [("content/cables/2009/01/09ROME1" + ".txt", 2464, 1796607048408286916)]
    held_twice = [(path, 2464, 1796607048408286916)]
    assert held_once == held_twice
    assert scan._digest(held_once) == scan._digest(held_twice)
