"""The quick path takes versions: a re-release of modified cables, a pending revision, a
withdrawal are rebuilt from the stored catalogue, with the general path's rules
(catalogue_versions.current_versions), and the output equals a full build's; and so does the
general path's (`path`: which one each build after the first takes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.builder import BuildOptions
from sitegen.builder.verify import verify_output
from sitegen.cli import main
from sitegen.model import CableRecord
from sitegen.sources.cablefile import format_cable, read_cable_file
from sitegen.versions import withdrawal
from tests.sites import assert_equals_full_build, build
from tests.test_quick import cable_file, edit, field, quick_site

LATER = "2011-03-01 00:00"  # after every release and revision below
REVISED_ON = "2011-02-01"


@pytest.fixture
def site(tmp_path) -> Path:
    root = quick_site(tmp_path / "site")
    build(root, LATER)
    return root


@pytest.fixture(params=["quick", "general"])
def path(request, monkeypatch) -> str:
    if request.param == "general":  # no change takes the quick path: the general path's reach is tested
        monkeypatch.setattr("sitegen.builder.quick.QUICK_FILES", 0)
    return request.param


def released(site: Path, count: int) -> list[str]:
    """`count` released cables, spread over the archive."""
    found = [f"09ROME{n}" for n in range(1, 41) if field(site, f"09ROME{n}", "Released")]
    return found[:: max(1, len(found) // count)][:count]


def run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def revise(site: Path, reference_id: str, old: bytes, new: bytes) -> None:
    """`sitegen revise` (the version kept, `Revised: pending`), then the file edited."""
    run("revise", reference_id, "--note", "corrected", "--site", str(site))
    edit(site, reference_id, old, new)


def release(site: Path, *reference_ids: str) -> None:
    run("release", REVISED_ON, *reference_ids, "--site", str(site))


def assert_equals_full(site: Path, path: str, moved: int | None = None) -> None:
    """The build after a change takes `path` and equals a full build; `build --verify` is clean."""
    report = build(site, LATER)
    assert report.quick == (path == "quick"), f"the change did not take the {path} path"
    if moved is not None and path == "quick":
        assert report.moved == moved
    assert_equals_full_build(site, LATER)
    options = BuildOptions(site, site / "output", LATER, jobs=1, search=False)
    assert verify_output(options, LATER) == []


def test_a_re_release_of_modified_cables_on_a_day_of_its_own_equals_a_full_build(site, path):
    cables = released(site, 4)
    for number, reference_id in enumerate(cables):
        if number % 2:
            revise(site, reference_id, b"SUBJECT: CABLE NUMBER", b"SUBJECT: CORRECTED CABLE NUMBER")
        else:
            revise(site, reference_id, b"First paragraph.", b"First paragraph, a redaction lifted.")
    release(site, *cables)
    assert_equals_full(site, path, moved=0)
    output = site / "output"
    assert (output / "release" / REVISED_ON / "index.html").is_file()  # a day that only modified cables
    assert all(list(output.rglob(f"{ref}-history.html")) for ref in cables)
    assert all(ref in (output / "feed" / "changes.atom").read_text() for ref in cables)


def test_a_pending_revision_then_its_release_equal_a_full_build(site, path):
    cable = released(site, 1)[0]
    revise(site, cable, b"SUBJECT: CABLE NUMBER", b"SUBJECT: CORRECTED CABLE NUMBER")
    assert_equals_full(site, path)  # pending: the page shows the version released
    assert "CORRECTED" not in next((site / "output" / "cable").rglob(f"{cable}.html")).read_text()
    release(site, cable)
    assert_equals_full(site, path)
    assert "CORRECTED" in next((site / "output" / "cable").rglob(f"{cable}.html")).read_text()


def test_a_second_revision_and_one_that_moves_the_cable_equal_a_full_build(site, path):
    first, second = released(site, 2)
    revise(site, first, b"First paragraph.", b"First paragraph, once.")
    release(site, first)
    assert_equals_full(site, path)
    revise(site, first, b"First paragraph, once.", b"First paragraph, twice.")
    revise(site, second, b"TAGS: ", b"TAGS: ZZNEW ")  # a tag no cable had: a new listing
    run("release", "2011-02-15", first, second, "--site", str(site))
    assert_equals_full(site, path, moved=1)
    # A third, pending: the version shown is now read from history, and the release pages of
    # both earlier revisions list it with its digest.
    revise(site, first, b"First paragraph, twice.", b"First paragraph, thrice.")
    assert_equals_full(site, path)


@pytest.mark.parametrize("day", ["pending", "2011-02-01 00:00"])
def test_a_withdrawal_pending_or_stamped_equals_a_full_build(site, path, day):
    cable = released(site, 1)[0]
    file = cable_file(site, cable)
    record = read_cable_file(file)
    assert isinstance(record, CableRecord)
    file.write_bytes(format_cable(withdrawal(record, "pulled", None if day == "pending" else day)))
    assert_equals_full(site, path, moved=0 if day == "pending" else 1)
    if day == "pending":  # stamped by `sitegen release`: the cable then leaves its listings
        release(site, cable)
        assert_equals_full(site, path, moved=1)
    assert "removed" in next((site / "output" / "cable").rglob(f"{cable}.html")).read_text()


def test_a_revised_cable_deleted_equals_a_full_build(site, path):
    cable = released(site, 1)[0]
    revise(site, cable, b"First paragraph.", b"First paragraph, corrected.")
    release(site, cable)
    build(site, LATER)
    cable_file(site, cable).unlink()
    build(site, LATER)
    assert_equals_full_build(site, LATER)


BEFORE_M2, AFTER_M2 = "2011-01-20 00:00", "2011-02-10 00:00"  # either side of REVISED_ON only


@pytest.mark.parametrize("third", ["pending", "2011-02-20"])
def test_as_of_crossing_a_revision_only_history_holds_shows_the_version_current_then(site, path, third):
    """A cable's second version (released REVISED_ON) lives only in history once a third is
    made: its moment still counts, so a build moved across it is no no-op (a page kept stale,
    or an embargo breach), and each build equals a full one at its moment."""
    cable = released(site, 1)[0]
    revise(site, cable, b"First paragraph.", b"First paragraph, once.")
    release(site, cable)
    build(site, LATER)
    revise(site, cable, b"First paragraph, once.", b"First paragraph, twice.")
    if third != "pending":
        run("release", third, cable, "--site", str(site))
    assert_equals_full(site, path)
    for as_of, shown in ((AFTER_M2, b"once."), (BEFORE_M2, b"First paragraph. End"), (AFTER_M2, b"once.")):
        build(site, as_of)
        page = next((site / "output" / "cable").rglob(f"{cable}.html")).read_bytes()
        assert shown in page, as_of
        assert b"twice." not in page, as_of
        assert_equals_full_build(site, as_of)
        options = BuildOptions(site, site / "output", as_of, jobs=1, search=False)
        assert verify_output(options, as_of) == []
        run("check", str(site / "output"), "--site", str(site), "--as-of", as_of)


def test_a_no_op_reads_no_history_file(site, monkeypatch):
    """The moments of earlier versions are the manifest's: a no-op build parses no version."""
    cable = released(site, 1)[0]
    revise(site, cable, b"First paragraph.", b"First paragraph, once.")
    release(site, cable)
    revise(site, cable, b"First paragraph, once.", b"First paragraph, twice.")
    build(site, LATER)

    def unread(path: Path) -> None:
        raise AssertionError(f"a no-op read {path}")

    monkeypatch.setattr("sitegen.sources.history.read_history_file", unread)
    assert "nothing changed since the last build" in build(site, AFTER_M2).notes
