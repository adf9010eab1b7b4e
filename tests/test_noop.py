"""The no-op build: nothing changed is told from the cable files' stats and the other inputs'
digests, without importing the renderer or the search index, and any change is still noticed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
