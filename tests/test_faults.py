"""Faults while building: killed, out of disk, read-only output, two at once. After each, the next
build's output equals a clean full build's, and no message is a traceback."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.faults import STOP_AT
from sitegen.layout import SiteLayout
from tests.conftest import wait_until
from tests.sites import AS_OF, BODY, assert_equals_full_build, cable, tree, write_site


@pytest.fixture
def site(tmp_path) -> Path:
    """Forty cables over twelve months, all citing the first: enough pages to commit in steps."""
    cables = [
        cable(f"09ROME{n}", "2010-12-01 00:00", created=f"2009-{n % 12 + 1:02d}-01 00:00", references="09ROME1")
        for n in range(1, 41)
    ]
    return write_site(tmp_path / "site", cables)


def sitegen(site: Path, *arguments: str, prefix: list[str] = (), **popen) -> subprocess.Popen:
    command = [*prefix, sys.executable, "-m", "sitegen", *arguments, "--site", str(site)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


def cli_build(site: Path, *arguments: str, prefix: list[str] = (), **popen) -> tuple[int, str]:
    """`sitegen build` in a process of its own (what a fault stops is a process); its exit code and output."""
    process = sitegen(site, "build", "--as-of", AS_OF, "--no-search", *arguments, prefix=prefix, **popen)
    output, _ = process.communicate(timeout=300)
    assert "Traceback" not in output, output
    return process.returncode, output


def assert_recovered(site: Path) -> None:
    """The output equals a clean full build's, and nothing of a build is left beside it."""
    assert_equals_full_build(site)
    assert not [p.name for p in site.iterdir() if p.name.startswith(".output.")]


def edit_one_cable(site: Path, n: int) -> None:
    path = next((site / "content").rglob(f"09ROME{n}.txt"))
    path.write_bytes(path.read_bytes().replace(b"Second paragraph.", b"Second paragraph, edited %d." % n, 1))


def stopped_at(site: Path, point: str, *arguments: str) -> None:
    """A build killed at `point` (sitegen/faults.py), and its workers with it, as an OOM killer
    or a CI timeout would; the build must have got there."""
    environment = {**os.environ, STOP_AT: point}
    process = sitegen(
        site, "build", "--as-of", AS_OF, "--no-search", *arguments, env=environment, start_new_session=True
    )
    output, _ = process.communicate(timeout=300)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # any worker left behind
    assert process.returncode == -signal.SIGKILL, f"the build never reached {point}: {output}"


# What output/ holds when a build is killed at each point: the old site, the new one whole, or
# (a full build between its two renames) nothing, with the old site kept beside it.
STOPS = [
    ("full", "staged", "old"),
    ("full", "swapping", "gone"),
    ("full", "swapped", "new"),
    ("full", "committed", "new"),
    ("incremental", "staged", "old"),
    ("incremental", "moving", "part"),
    ("incremental", "committed", "new"),
]


@pytest.mark.parametrize("kind, point, left", STOPS, ids=[f"{kind}-{point}" for kind, point, _ in STOPS])
def test_a_build_killed_at_each_point_of_its_commit_is_repaired_by_the_next(site, kind, point, left):
    assert cli_build(site)[0] == 0
    old = tree(site / "output")
    edit_one_cable(site, 7)
    (site / "content" / "cables" / "2009" / "03" / "09ROME2.txt").unlink()
    stopped_at(site, point, *(["--full"] if kind == "full" else []))
    if left == "old":
        assert tree(site / "output") == old
    elif left == "new":
        assert_equals_full_build(site, keys=False)  # the manifest is not saved yet: the keys are old
    elif left == "gone":
        assert not (site / "output").exists()
        assert tree(SiteLayout.of(site).old_output) == old
    code, output = cli_build(site)
    assert code == 0, output
    assert_recovered(site)


def _file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize(
    "limit, file, why",
    [
        (4096, ".sitegen-cache/manifest-", "disk I/O error (the build cache)"),  # the manifest grows first
        (
            1 << 20,
            "output/cable/2009/01/09ROME999.html",
            "File too large",
        ),  # a 2 MB cable page, named where it was going
    ],
)
def test_a_full_disk_names_the_file_removes_the_staging_folder_and_leaves_the_output(site, limit, file, why):
    """`ulimit -f` stands in for a full disk: a write past the limit fails as one would."""
    write_site(site, [cable("09ROME999", "2010-12-01 00:00", body=BODY + "A long paragraph.\n" * 120_000)])
    assert cli_build(site)[0] == 0
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    edit_one_cable(site, 7)
    code, output = cli_build(site, "--full", preexec_fn=_file_size_limit(limit))
    assert code == 1
    assert f"error: {file}" in output, output
    assert f"cannot write: {why}" in output, output
    assert "left unchanged" in output, output
    assert not (site / ".output.building").exists()
    assert {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()} == before
    code, output = cli_build(site)
    assert code == 0, output
    assert_recovered(site)


@pytest.fixture
def big_site(tmp_path) -> Path:
    """Four hundred cables: a build that holds its lock long enough to be seen holding it."""
    cables = [cable(f"09ROME{n}", "2010-12-01 00:00", created=f"2009-{n % 12 + 1:02d}-01 00:00") for n in range(1, 401)]
    return write_site(tmp_path / "site", cables)


def test_two_builds_at_once_one_is_refused_and_the_output_is_whole(big_site, tmp_path):
    site = big_site
    release = tmp_path / "go-on"
    held = {**os.environ, "SITEGEN_HOLD_AT": f"staged:{release}"}
    first = sitegen(site, "build", "--as-of", AS_OF, "--no-search", env=held)
    wait_until(lambda: Path(f"{release}.held").exists() or first.poll() is not None, "the first build to hold")
    assert first.poll() is None, first.communicate()[0]
    code, output = cli_build(site)
    assert code == 2
    assert "another build" in output
    release.touch()
    assert first.wait(timeout=300) == 0
    edit_one_cable(site, 9)
    runs = [sitegen(site, "build", "--as-of", AS_OF, "--no-search") for _ in range(2)]
    codes = sorted(run.wait(timeout=300) for run in runs)
    assert codes[0] == 0
    assert codes[1] in (0, 2)
    assert cli_build(site)[0] == 0
    assert_recovered(site)


def _as_a_user() -> list[str]:
    """A command prefix under which file modes hold: root ignores them, so as root the build runs
    without the capabilities that override them (it still owns the files, as a user would)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv (util-linux) to drop the capabilities that ignore file modes")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


@pytest.mark.parametrize("kind", ["full", "incremental"])
def test_a_read_only_output_is_said_and_the_next_build_recovers(site, kind):
    assert cli_build(site)[0] == 0
    subprocess.run(["chmod", "-R", "a-w", str(site / "output")], check=True)
    edit_one_cable(site, 7)
    code, output = cli_build(site, *(["--full"] if kind == "full" else []), prefix=_as_a_user())
    if kind == "full":
        # The new output is swapped in by renaming; the old one is made writable to be deleted.
        assert code == 0, output
    else:
        assert code == 1, output
        assert "cannot write: Permission denied" in output, output
        assert "left unchanged" in output, output
        # The message names the file in output/ that could not be replaced, not the staged one, gone by now.
        assert "error: output/" in output, output
        assert ".output.building" not in output, output
        assert not (site / ".output.building").exists()
    code, output = cli_build(site, prefix=_as_a_user())
    assert code == 0, output
    assert_recovered(site)


# -- never destroy what is not ours (issue 28) -------------------------------------------------


@pytest.fixture
def small_site(tmp_path) -> Path:
    """A few cables, a template override and a note beside the site: what a careless --output could delete."""
    cables = [cable(f"09ROME{n}", "2010-12-01 00:00", created=f"2009-0{n}-01 00:00") for n in range(1, 4)]
    site = write_site(tmp_path / "site", cables)
    (site / "templates").mkdir()
    (site / "templates" / "footer.html").write_text("<footer>ours</footer>\n")
    (tmp_path / "notes.txt").write_text("notes\n")
    return site


def _everything(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "target, why",
    [
        ("..", "contains the site folder"),
        (".", "is the site folder"),
        ("content", "is the site's content folder"),
        ("content/cables", "inside the site's content folder"),
        ("templates", "is the site's templates folder"),
        ("sitegen.toml", "is the site's config file"),
    ],
)
def test_an_output_that_holds_or_sits_in_the_sources_is_refused(small_site, target, why):
    before = _everything(small_site.parent)
    code, output = cli_build(small_site, "--output", str(small_site / target))
    assert code == 2, output
    assert why in output, output
    assert "choose another --output" in output, output
    assert _everything(small_site.parent) == before


def test_an_existing_folder_no_build_made_is_refused_and_left_alone(small_site, tmp_path):
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "letter.txt").write_text("mine\n")
    code, output = cli_build(small_site, "--output", str(foreign))
    assert code == 2, output
    assert "was not made by sitegen build" in output, output
    assert "empty it" in output, output
    assert _everything(foreign) == {"letter.txt": b"mine\n"}
    empty = tmp_path / "empty"
    empty.mkdir()
    code, output = cli_build(small_site, "--output", str(empty))  # an empty folder holds nothing to lose
    assert code == 0, output
    (empty / "index.html").unlink()
    code, output = cli_build(small_site, "--output", str(empty), "--full")  # what a build made stays its own
    assert code == 0, output
    assert (empty / "index.html").is_file()


def test_an_output_built_before_outputs_were_marked_is_still_ours(small_site):
    assert cli_build(small_site)[0] == 0
    mark = next(p for p in (small_site / "output").iterdir() if p.name.startswith(".sitegen"))
    mark.unlink()  # as an output built by an earlier sitegen: the manifest still records it
    code, output = cli_build(small_site, "--full")
    assert code == 0, output
    assert mark.is_file()


@pytest.mark.parametrize("damage", ["garbage", "half"])
def test_a_corrupted_manifest_is_set_aside_and_the_build_goes_on(small_site, damage):
    assert cli_build(small_site)[0] == 0
    manifest = SiteLayout.of(small_site).manifest
    data = manifest.read_bytes()
    manifest.write_bytes(os.urandom(4096) if damage == "garbage" else data[: len(data) // 2])
    for wal in manifest.parent.glob(manifest.name + "-*"):
        wal.unlink()
    check = sitegen(small_site, "check")  # reads the cable files instead
    text, _ = check.communicate(timeout=120)
    assert check.returncode == 0, text
    assert "Traceback" not in text, text
    edit_one_cable(small_site, 2)
    for arguments in ((), ("--full",)):
        code, output = cli_build(small_site, *arguments)
        assert code == 0, output
    manifest.write_bytes(b"not a database at all " * 200)
    code, output = cli_build(small_site)
    assert code == 0, output
    assert "unreadable" in output, output
    assert "set aside" in output, output
    assert "rebuilt whole" in output, output
    assert list(manifest.parent.glob("*.unreadable"))
    assert_recovered(small_site)


def test_a_failed_build_leaves_a_read_only_site_folder_read_only(small_site):
    prefix = _as_a_user()
    assert cli_build(small_site)[0] == 0
    small_site.chmod(0o555)
    try:
        mode = small_site.stat().st_mode
        code, output = cli_build(small_site, "--full", prefix=prefix)  # its staging folder cannot be made
        assert code == 1, output
        assert "Permission denied" in output, output
        assert small_site.stat().st_mode == mode
    finally:
        small_site.chmod(0o755)


def test_a_symbolic_link_loop_is_a_problem_and_the_rest_builds(small_site):
    looping = small_site / "content" / "cables" / "2009" / "01" / "09ROME1.txt"
    looping.unlink()
    looping.symlink_to("09ROME1.txt")
    code, output = cli_build(small_site)
    assert code == 1, output
    assert "content/cables/2009/01/09ROME1.txt:0: cannot read: a symbolic link that loops" in output, output
    assert (small_site / "output" / "cable" / "2009" / "02" / "09ROME2.html").is_file()


def test_a_folder_behind_a_symbolic_link_is_reported_not_skipped(small_site):
    month = small_site / "content" / "cables" / "2009" / "02"
    moved = small_site / "elsewhere" / "02"
    moved.parent.mkdir()
    month.rename(moved)
    month.symlink_to(moved)
    code, output = cli_build(small_site)
    assert code == 1, output
    assert "content/cables/2009/02:0: a symbolic link to a folder, not followed" in output, output
    assert (small_site / "output" / "cable" / "2009" / "01" / "09ROME1.html").is_file()


def test_a_damaged_manifest_is_no_way_past_the_output_guard(small_site, tmp_path):
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "letter.txt").write_text("mine\n")
    manifest = SiteLayout.of(small_site, foreign).manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_bytes(b"not a database at all " * 200)
    code, output = cli_build(small_site, "--output", str(foreign))
    assert code == 2, output
    assert "was not made by sitegen build" in output, output
    assert _everything(foreign) == {"letter.txt": b"mine\n"}
