"""Embargo: a cable not released as of the build appears nowhere in the output."""

from __future__ import annotations

import pytest

from sitegen.sources.cablefile import read_cable_file
from tests.conftest import REPO, sample_site
from tests.sites import all_bytes, build, cable, problems, write_site


def _released_map() -> dict[str, str | None]:
    return {p.stem: read_cable_file(p).released for p in (REPO / "content" / "cables").rglob("*.txt")}


def _withdrawn_map() -> dict[str, str]:
    """The sample's cables removed since their release (versions.py), with when."""
    files = (read_cable_file(p) for p in (REPO / "content" / "cables").rglob("*.txt"))
    return {record.reference_id: moment for record in files if (moment := record.extra_field("Withdrawn"))}


@pytest.mark.parametrize(
    "as_of", ["2010-11-27 00:00", "2010-11-28 18:00", "2010-12-05 00:00", "2011-01-20 00:00", "2030-01-01 00:00"]
)
def test_unreleased_cables_appear_in_no_output_file(tmp_path, as_of):
    out = tmp_path / "output"
    report = build(sample_site(tmp_path / "site"), as_of, out, clean=False, search=True)
    withheld = [ref for ref, released in _released_map().items() if not released or released > as_of]
    removed = [ref for ref, moment in _withdrawn_map().items() if moment <= as_of]
    released = [ref for ref, moment in _released_map().items() if moment and moment <= as_of and ref not in removed]
    assert withheld, "the sample site keeps some cables unreleased"
    assert report.released == len(released)
    data = all_bytes(out)
    leaked = [ref for ref in withheld if ref.encode() in data]
    assert leaked == []
    for ref in released:
        assert ref.encode() in data
    home = (out / "index.html").read_text()
    assert f"<strong>{len(released)}</strong> / 50" in home


def test_links_to_withheld_cables_are_plain_text_and_backlinks_vanish(tmp_path):
    site = write_site(
        tmp_path / "site",
        [
            cable("09ROME1", "2010-12-01 00:00", references="09ROME2|09ROME3"),
            cable("09ROME2", "2011-06-01 00:00", references="09ROME1"),
            cable("09ROME3", None),
        ],
        articles={"a.md": "---\ntitle: A\ndate: 2010-12-02\n---\n\nSee [[09ROME1]] and [[09ROME2]].\n"},
    )
    report = build(site, "2011-01-01 00:00", clean=False, search=True)
    data = all_bytes(site / "output")
    assert b"09ROME2" not in data
    assert b"09ROME3" not in data
    assert [p.message for p in problems(report) if p.severity == "warning"] == [
        "mentions 09ROME2, which is not released as of 2011-01-01 00:00: shown as [not yet released]"
    ]
    assert [p for p in report.problems if p.severity == "error"] == []
    article = (site / "output" / "articles" / "a.html").read_text()
    assert 'href="../cable/2009/01/09ROME1.html"' in article
    assert "[not yet released]" in article
    build(site, "2011-07-01 00:00", search=True)
    page = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_text()
    assert 'href="../../../cable/2009/01/09ROME2.html"' in page  # released now: linked, and a backlink
    assert "Referenced by" in page
    assert b"09ROME3" not in all_bytes(site / "output")


def test_cable_with_no_release_date_is_never_published(tmp_path):
    site = write_site(tmp_path / "site", [cable("09ROME1", None)])
    build(site, "2099-01-01 00:00", search=True)
    assert not list((site / "output").rglob("09ROME1*"))
    assert b"09ROME1" not in all_bytes(site / "output")
