"""Golden files: a cable page, its JSON twin and the release feed, byte for byte.

A change to markup shows up here as a diff to review. After an intended change, regenerate
with: SITEGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_render_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.sites import build, cable, write_site

GOLDEN = Path(__file__).parent / "golden"
FILES = ["cable/2009/01/09ROME1.html", "cable/2009/01/09ROME1.json", "feed/releases.rss"]


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    site = write_site(
        tmp_path_factory.mktemp("golden") / "site",
        [
            cable("09ROME1", "2010-12-01 00:00", references="09ROME2"),
            cable("09ROME2", "2010-12-01 00:00", references="09ROME1"),
        ],
    )
    (site / "sitegen.toml").write_text('title = "Golden"\nbase_url = "https://golden.example/"\n')
    build(site, "2011-01-01 00:00")
    return site / "output"


@pytest.mark.parametrize("name", FILES)
def test_rendered_file_matches_its_golden_copy(output, name):
    golden = GOLDEN / name.replace("/", "__")
    produced = (output / name).read_bytes()
    if os.environ.get("SITEGEN_UPDATE_GOLDEN"):
        golden.write_bytes(produced)
    assert golden.exists(), f"no golden copy yet: run with SITEGEN_UPDATE_GOLDEN=1 to write {golden.name}"
    assert produced.decode() == golden.read_text(), f"{name} differs from {golden.name} (regenerate if intended)"
