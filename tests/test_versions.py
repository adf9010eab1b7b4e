"""Versions on disk: a later dump keeps each released cable's earlier version, marks removals,
and export still gives the current dump; `revise`, `release` and `history` by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.sources.cablefile import read_cable_file
from sitegen.versions import read_history_file
from tests.sites import PUBLISHED_CONFIG, all_bytes, assert_equals_full_build, build, problems
from tests.versions_story import CORRECTED, FIRST, KEPT, LIFTED, LONGER, NEW, REMOVED, SECOND, write_dumps


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def cable_file(site: Path, reference_id: str) -> Path:
    return next((site / "content" / "cables").rglob(f"{reference_id}.txt"))


def history(site: Path, reference_id: str) -> list[Path]:
    return sorted((site / "content" / "history" / reference_id).glob("*.txt"))


def imported_twice(site: Path, tmp_path: Path, released: str | None = SECOND) -> tuple[Path, Path]:
    a, b = write_dumps(tmp_path)
    run("import", str(a), "--site", str(site), "--released", FIRST)
    extra = ["--released", released] if released else []
    run("import", str(b), "--site", str(site), "--note", "second release", *extra)
    return a, b


def test_a_later_dump_keeps_earlier_versions_and_marks_the_removed(tmp_path):
    site = tmp_path / "site"
    _, b = imported_twice(site, tmp_path)
    for ref in (LIFTED, CORRECTED, LONGER):
        record = read_cable_file(cable_file(site, ref))
        assert record.released == f"{FIRST} 00:00"  # first published then, still
        assert record.extra_field("Revised") == f"{SECOND} 00:00"
        assert record.extra_field("Revision-Note") == "second release"
        [earlier] = history(site, ref)
        old = read_history_file(earlier)
        assert old.extra_field("Superseded") == f"{SECOND} 00:00"
        assert old.extra_field("Revised") is None
        assert old.body != record.body
    assert history(site, KEPT) == []
    assert read_cable_file(cable_file(site, KEPT)).extra_field("Revised") is None
    removed = read_cable_file(cable_file(site, REMOVED))
    assert removed.extra_field("Withdrawn") == f"{SECOND} 00:00"
    assert removed.extra_field("Withdrawal-Note") == "second release"
    assert "XXXX" not in removed.body
    assert removed.body
    assert read_cable_file(cable_file(site, NEW)).released == f"{SECOND} 00:00"
    out = tmp_path / "back.csv"
    run("export", str(out), "--site", str(site))
    assert out.read_bytes() == b.read_bytes()


def test_importing_the_same_dump_again_changes_nothing(tmp_path):
    site = tmp_path / "site"
    _, b = imported_twice(site, tmp_path)
    before = {p: p.read_bytes() for p in (site / "content").rglob("*.txt")}
    result = run("import", str(b), "--site", str(site), "--note", "again", "--released", "2011-03-01")
    assert {p: p.read_bytes() for p in (site / "content").rglob("*.txt")} == before
    assert "0 written" in result.output


def test_a_revision_without_a_date_waits_for_release(tmp_path):
    site = tmp_path / "site"
    imported_twice(site, tmp_path, released=None)
    assert read_cable_file(cable_file(site, LIFTED)).extra_field("Revised") == "pending"
    assert read_history_file(history(site, LIFTED)[0]).extra_field("Superseded") == "pending"
    assert read_cable_file(cable_file(site, REMOVED)).extra_field("Withdrawn") == "pending"
    assert read_cable_file(cable_file(site, NEW)).released is None
    result = run("release", "2011-02-03", LIFTED, REMOVED, NEW, "--site", str(site))
    assert "2 pending changes (revisions, withdrawals) stamped" in result.output
    assert read_cable_file(cable_file(site, LIFTED)).extra_field("Revised") == "2011-02-03 00:00"
    assert read_history_file(history(site, LIFTED)[0]).extra_field("Superseded") == "2011-02-03 00:00"
    assert read_cable_file(cable_file(site, REMOVED)).extra_field("Withdrawn") == "2011-02-03 00:00"
    assert read_cable_file(cable_file(site, NEW)).released == "2011-02-03 00:00"
    assert read_cable_file(cable_file(site, CORRECTED)).extra_field("Revised") == "pending"


def test_revise_keeps_the_version_before_a_hand_edit_and_history_shows_the_diff(tmp_path):
    site = tmp_path / "site"
    a, _ = write_dumps(tmp_path)
    run("import", str(a), "--site", str(site), "--released", FIRST)
    path = cable_file(site, KEPT)
    run("revise", KEPT, "--note", "a typo fixed", "--site", str(site))
    path.write_bytes(path.read_bytes().replace(b"Second paragraph.", b"Second paragraph, fixed."))
    assert read_cable_file(path).extra_field("Revised") == "pending"
    run("release", "2011-01-05", KEPT, "--site", str(site))
    [kept] = history(site, KEPT)
    assert b"Second paragraph.\n" in kept.read_bytes()
    assert b"Superseded: 2011-01-05 00:00" in kept.read_bytes()
    shown = run("history", KEPT, "--site", str(site)).output
    assert f"version 1: released {FIRST} 00:00, superseded 2011-01-05 00:00" in shown
    assert "version 2: released 2011-01-05 00:00: a typo fixed" in shown
    assert "-2. (C) Second paragraph.\n+2. (C) Second paragraph, fixed.\n" in shown


def _restamp(path: Path, field: str, value: str) -> int:
    """Give a file's version stamp `field` a new value; the line it is on."""
    lines = path.read_bytes().split(b"\n")
    line = next(n for n, text in enumerate(lines) if text.startswith(f"{field}:".encode()))
    lines[line] = f"{field}: {value}".encode()
    path.write_bytes(b"\n".join(lines))
    return line + 1


def _story_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    imported_twice(site, tmp_path)
    return site


@pytest.mark.parametrize("value", ["2011-02-30 00:00", "2011-02-01", "soon", "2011-02-01 00:00 UTC"])
def test_a_malformed_revision_stamp_is_a_problem_and_the_revision_is_not_shown(tmp_path, value):
    site = _story_site(tmp_path)
    line = _restamp(cable_file(site, LIFTED), "Revised", value)
    expected = f"content/cables/2009/01/{LIFTED}.txt:{line}: Revised {value!r} is neither a real date"
    for _ in range(2):  # the second build reads nothing new: the problem is reported again
        report = build(site, "2011-06-01 00:00", clean=False)
        assert [str(p) for p in problems(report) if p.path.endswith(f"{LIFTED}.txt")] == [
            next(str(p) for p in problems(report) if str(p).startswith(expected))
        ]
        page = (site / "output" / "cable" / "2009" / "01" / f"{LIFTED}.html").read_text()
        assert "XXXXXXXXXXXX" in page  # the version released before the revision
        assert b"THE MAYOR" not in all_bytes(site / "output")
    assert_equals_full_build(site, "2011-06-01 00:00")
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--strict"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert expected in result.output


def test_a_malformed_withdrawal_stamp_is_a_problem_and_the_cable_stays_as_released(tmp_path):
    site = _story_site(tmp_path)
    line = _restamp(cable_file(site, REMOVED), "Withdrawn", "2011-02-01 25:00")
    report = build(site, "2011-06-01 00:00", clean=False)
    assert f"content/cables/2009/04/{REMOVED}.txt:{line}: Withdrawn '2011-02-01 25:00' is neither" in "\n".join(
        map(str, problems(report))
    )
    assert "removed" not in (site / "output" / "cable" / "2009" / "04" / f"{REMOVED}.html").read_text().lower()
    assert_equals_full_build(site, "2011-06-01 00:00")


def test_a_malformed_superseded_stamp_in_a_history_file_is_a_problem_naming_it(tmp_path):
    site = _story_site(tmp_path)
    [earlier] = history(site, LIFTED)
    line = _restamp(earlier, "Superseded", "later")
    expected = f"content/history/{LIFTED}/1.txt:{line}: Superseded 'later' is neither"
    for _ in range(2):
        report = build(site, "2011-06-01 00:00", clean=False)
        assert expected in "\n".join(map(str, problems(report)))
    shown = CliRunner().invoke(main, ["history", LIFTED, "--site", str(site)])
    assert f"1.txt:{line}: Superseded 'later' is neither" in shown.output
    assert "Traceback" not in shown.output
