"""Versions in the build: each cable as it stood at `--as-of` (a later revision or withdrawal not
yet applied), by the incremental path as by a full build, audited by `check` and the audit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.builder import BuildOptions
from sitegen.builder.verify import verify_output
from sitegen.cli import main
from tests.sites import PUBLISHED_CONFIG, assert_equals_full_build, build
from tests.versions_story import CORRECTED, FIRST, KEPT, LIFTED, LONGER, NEW, REMOVED, SECOND, write_dumps

REPO = Path(__file__).resolve().parent.parent
AUDIT = REPO.parent / "shared" / "tools" / "audit.py"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def story_site(tmp_path) -> Path:
    site = tmp_path / "site"
    a, b = write_dumps(tmp_path)
    site.mkdir()
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    assert run("import", str(a), "--site", str(site), "--released", FIRST).exit_code == 0
    assert (
        run("import", str(b), "--site", str(site), "--note", "lifted, corrected", "--released", SECOND).exit_code == 0
    )
    return site


def page(output: Path, month: str, reference_id: str) -> str:
    return (output / "cable" / "2009" / month / f"{reference_id}.html").read_text()


def audited(site: Path, as_of: str) -> None:
    result = run("check", str(site / "output"), "--site", str(site), "--as-of", as_of)
    assert result.exit_code == 0, result.output
    if AUDIT.exists():  # the independent audit, when it is beside this checkout
        audit = subprocess.run([sys.executable, str(AUDIT), str(site / "output")], capture_output=True, text=True)
        assert audit.returncode == 0, audit.stdout + audit.stderr


def test_as_of_the_first_release_the_site_shows_dump_a(story_site):
    output = story_site / "output"
    build(story_site, f"{FIRST} 23:59")
    assert "XXXXXXXXXXXX" in page(output, "01", LIFTED)
    assert "A TEST CABEL" in page(output, "02", CORRECTED)
    assert "left out" not in page(output, "03", LONGER)
    assert REMOVED in page(output, "04", REMOVED)
    assert not list(output.rglob(f"{NEW}.html"))
    assert_equals_full_build(story_site, f"{FIRST} 23:59")
    audited(story_site, f"{FIRST} 23:59")


@pytest.mark.parametrize("order", [(f"{FIRST} 23:59", f"{SECOND} 23:59"), (f"{SECOND} 23:59", f"{FIRST} 23:59")])
def test_each_date_shows_the_versions_current_then_incrementally_too(story_site, order):
    output = story_site / "output"
    for as_of in (*order, "2011-01-15 00:00", order[1]):
        build(story_site, as_of)
        later = as_of >= SECOND
        assert ("XXXXXXXXXXXX" in page(output, "01", LIFTED)) is not later
        assert ("A TEST CABEL" in page(output, "02", CORRECTED)) is not later
        assert ("left out" in page(output, "03", LONGER)) is later
        assert bool(list(output.rglob(f"{NEW}.html"))) is later
        assert_equals_full_build(story_site, as_of)
        options = BuildOptions(story_site, output, as_of, jobs=1, search=False)
        assert verify_output(options, as_of) == []  # every page kept is as its key says
        audited(story_site, as_of)


def test_a_pending_revision_is_never_shown(story_site):
    path = next((story_site / "content" / "cables").rglob(f"{LIFTED}.txt"))
    path.write_bytes(path.read_bytes().replace(f"Revised: {SECOND} 00:00".encode(), b"Revised: pending"))
    build(story_site, "2030-01-01 00:00")
    assert "XXXXXXXXXXXX" in page(story_site / "output", "01", LIFTED)


def _links_to(output: Path, target: str) -> list[str]:
    """The files of the output that name `target` (a cable's page file name)."""
    return sorted(
        p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file() and target.encode() in p.read_bytes()
    )


def test_the_story_of_a_second_release(story_site):
    """Dump A released and built, then dump B: the pages, history pages, diffs, release lists,
    changes feed and twins say exactly what B changed."""
    output = story_site / "output"
    build(story_site, f"{SECOND} 23:59", search=True)
    for month, ref in (("01", LIFTED), ("02", CORRECTED), ("03", LONGER)):
        shown = page(output, month, ref)
        assert f'First published <time datetime="{FIRST}T00:00:00Z">{FIRST}</time>; modified' in shown
        assert f'<a href="{ref}-history.html">' in shown
        twin = json.loads((output / "cable" / "2009" / month / f"{ref}.json").read_text())
        assert [(v["version"], v["released"][:10], v["note"]) for v in twin["versions"]] == [
            (1, FIRST, ""),
            (2, SECOND, "lifted, corrected"),
        ]
        assert twin["versions"][0]["text"] == f"{ref}-history.html#v1"
    history = (output / "cable" / "2009" / "01" / f"{LIFTED}-history.html").read_text()
    assert (
        '<del><span class="visually-hidden">[removed: </span>XXXXXXXXXXXX<span class="visually-hidden">]</span></del>'
        in history
    )
    assert (
        '<ins><span class="visually-hidden">[added: </span>THE MAYOR<span class="visually-hidden">]</span></ins>'
        in history
    )
    assert "0 redactions" in history
    assert "1 redaction (" in history
    corrected = (output / "cable" / "2009" / "02" / f"{CORRECTED}-history.html").read_text()
    assert re.search(
        r'<tr class="changed"><th scope="row">Subject</th><td>A TEST <del>.*CABEL.*</del><ins>.*CABLE.*</ins>',
        corrected,
    )
    longer = (output / "cable" / "2009" / "03" / f"{LONGER}-history.html").read_text()
    assert re.search(
        r"<ins><span class=\"visually-hidden\">\[added: </span>[^<]*A paragraph the first release left out", longer
    )
    assert "First published" not in page(output, "05", KEPT)
    assert not (output / "cable" / "2009" / "05" / f"{KEPT}-history.html").exists()
    removed = page(output, "04", REMOVED)
    assert '<meta name="robots" content="noindex">' in removed
    assert f'removed from the archive on <time datetime="{SECOND}T00:00:00Z">{SECOND}</time>' in removed
    assert "lifted, corrected" in removed
    assert "Second paragraph" not in removed
    assert _links_to(output, f"{REMOVED}.html") == [
        f"cable/2009/04/{REMOVED}.html",  # its own share links
        "feed/changes.atom",
        f"release/{FIRST}/index.html",
        f"release/{SECOND}/index.html",
        "sitemap.xml",  # kept there so that search engines come back, read `noindex` and drop it
    ]
    assert not [p for p in (output / "search").rglob("*") if p.is_file() and REMOVED.encode() in p.read_bytes()]
    second = (output / "release" / SECOND / "index.html").read_text()
    modified = second.split("Modified in this release")[1].split("</section>")[0]
    assert re.findall(r"09ROME\d+(?=</a>)", modified) == [LIFTED, CORRECTED, LONGER]
    assert re.findall(r"09ROME\d+(?=</a>)", second.split("Removed in this release")[1].split("</section>")[0]) == [
        REMOVED
    ]
    assert NEW in second
    first = (output / "release" / FIRST / "index.html").read_text()
    assert REMOVED in first.split("Published here, removed since")[1]
    feed = (output / "feed" / "changes.atom").read_text()
    assert re.findall(r"<title>(09ROME\d) (\w+)", feed) == [
        (REMOVED, "removed"), (LONGER, "modified"), (CORRECTED, "modified"), (LIFTED, "modified"),
    ]  # fmt: skip


def _add_field(path: Path, field: str) -> None:
    """A field added to a cable file's fields (after its first line)."""
    first, rest = path.read_bytes().split(b"\n", 1)
    path.write_bytes(first + b"\n" + field.encode() + b"\n" + rest)


def test_a_day_that_only_modifies_or_removes_cables_has_its_release_page(story_site):
    """A release that adds no cable still lists what it modified and removed, once its day has
    come: as of before it, no page and no row; built incrementally as a full build."""
    output = story_site / "output"
    assert (
        run("revise", KEPT, "--note", "a typo fixed", "--released", "2011-03-01", "--site", str(story_site)).exit_code
        == 0
    )
    kept = next((story_site / "content" / "cables").rglob(f"{KEPT}.txt"))
    kept.write_bytes(kept.read_bytes().replace(b"Second paragraph.", b"Second paragraph, fixed."))
    _add_field(next((story_site / "content" / "cables").rglob(f"{NEW}.txt")), "Withdrawn: 2011-03-05 00:00")
    for as_of in ("2011-02-15 00:00", "2011-06-01 00:00", "2011-03-02 00:00", "2011-02-15 00:00"):
        build(story_site, as_of)
        index = (output / "release" / "index.html").read_text()
        for day, heading, ref in (
            ("2011-03-01", "Modified in this release", KEPT),
            ("2011-03-05", "Removed in this release", NEW),
        ):
            shown = day <= as_of
            assert (output / "release" / day / "index.html").exists() is shown, (as_of, day)
            assert (f"release/{day}/" in index) is shown
            if shown:
                release = (output / "release" / day / "index.html").read_text()
                assert heading in release
                assert ref in release
                assert "0 cables" in release
        assert_equals_full_build(story_site, as_of)
        audited(story_site, as_of)


def test_a_release_day_whose_only_new_cable_is_deleted_keeps_its_page_of_changes(story_site):
    """SECOND released NEW and modified three cables: NEW's file deleted (a quick build), the
    day's page stays, of 0 cables, listing what it modified; NEW back, it lists NEW again."""
    output, as_of = story_site / "output", f"{SECOND} 23:59"
    build(story_site, as_of)
    new = next((story_site / "content" / "cables").rglob(f"{NEW}.txt"))
    kept = new.read_bytes()
    new.unlink()
    for _ in range(2):
        build(story_site, as_of)
        release = (output / "release" / SECOND / "index.html").read_text()
        assert "Modified in this release" in release
        assert (NEW in release) is new.exists()
        assert ("0 cables" in release) is not new.exists()
        assert f"release/{SECOND}/" in (output / "release" / "index.html").read_text()
        assert_equals_full_build(story_site, as_of)
        new.write_bytes(kept)
