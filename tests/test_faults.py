"""Faults while building: killed, out of disk, read-only output, two at once. After each, the next
build's output equals a clean full build's (diff -r), and no message is a traceback."""

from __future__ import annotations

import fcntl
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.layout import SiteLayout
from tests.sites import BODY, cable, write_site

AS_OF = "2011-01-01"


@pytest.fixture
def site(tmp_path) -> Path:
    """A site big enough that a build takes a second or so, to be interrupted part way."""
    cables = [
        cable(f"09ROME{n}", "2010-12-01 00:00", created=f"2009-{n % 12 + 1:02d}-01 00:00", references="09ROME1")
        for n in range(1, 401)
    ]
    return write_site(tmp_path / "site", cables)


def sitegen(site: Path, *arguments: str, prefix: list[str] = (), **popen) -> subprocess.Popen:
    command = [*prefix, sys.executable, "-m", "sitegen", *arguments, "--site", str(site)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


def build(site: Path, *arguments: str, prefix: list[str] = (), **popen) -> tuple[int, str]:
    process = sitegen(site, "build", "--as-of", AS_OF, "--no-search", *arguments, prefix=prefix, **popen)
    output, _ = process.communicate(timeout=300)
    assert "Traceback" not in output, output
    return process.returncode, output


def assert_equals_a_clean_full_build(site: Path) -> None:
    fresh = site.parent / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    code, output = build(site, "--full", "--output", str(fresh))
    assert code == 0, output
    diff = subprocess.run(["diff", "-r", "-q", str(site / "output"), str(fresh)], capture_output=True, text=True)
    assert diff.returncode == 0, diff.stdout[:2000]
    assert not [p.name for p in site.iterdir() if p.name.startswith(".output.")]


def edit_one_cable(site: Path, n: int) -> None:
    path = next((site / "content").rglob(f"09ROME{n}.txt"))
    path.write_bytes(path.read_bytes().replace(b"Second paragraph.", b"Second paragraph, edited %d." % n, 1))


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 3.0])
def test_a_build_killed_at_any_moment_is_repaired_by_the_next(site, delay):
    assert build(site)[0] == 0
    edit_one_cable(site, 7)
    (site / "content" / "cables" / "2009" / "03" / "09ROME2.txt").unlink(missing_ok=True)
    process = sitegen(site, "build", "--as-of", AS_OF, "--no-search", "--full", start_new_session=True)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, as an OOM killer or a CI timeout would
    process.communicate()
    code, output = build(site)
    assert code == 0, output
    assert_equals_a_clean_full_build(site)


def _file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize(
    "limit, file, why",
    [
        (4096, ".sitegen-cache/manifest-", "disk I/O error (the build cache)"),  # the manifest grows first
        (1 << 20, ".output.building/cable/2009/01/09ROME999.html", "File too large"),  # a 2 MB cable page
    ],
)
def test_a_full_disk_names_the_file_removes_the_staging_folder_and_leaves_the_output(site, limit, file, why):
    """`ulimit -f` stands in for a full disk: a write past the limit fails as one would."""
    write_site(site, [cable("09ROME999", "2010-12-01 00:00", body=BODY + "A long paragraph.\n" * 120_000)])
    assert build(site)[0] == 0
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    edit_one_cable(site, 7)
    code, output = build(site, "--full", preexec_fn=_file_size_limit(limit))
    assert code == 1
    assert f"error: {file}" in output and f"cannot write: {why}" in output, output
    assert "left unchanged" in output, output
    assert not (site / ".output.building").exists()
    assert {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()} == before
    code, output = build(site)
    assert code == 0, output
    assert_equals_a_clean_full_build(site)


def _wait_until_locked(site: Path, build_process: subprocess.Popen, seconds: float = 60) -> None:
    """Until the build holds its output's lock (a fixed sleep was too short on a loaded machine)."""
    lock = SiteLayout.of(site).lock
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and build_process.poll() is None:
        if lock.exists():
            with open(lock) as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return
                fcntl.flock(handle, fcntl.LOCK_UN)
        time.sleep(0.01)
    raise AssertionError("the first build never held its lock")


def test_two_builds_at_once_one_is_refused_and_the_output_is_whole(site):
    first = sitegen(site, "build", "--as-of", AS_OF, "--no-search")
    _wait_until_locked(site, first)
    code, output = build(site)
    assert code == 2 and "another build" in output
    assert first.wait(timeout=300) == 0
    edit_one_cable(site, 9)
    runs = [sitegen(site, "build", "--as-of", AS_OF, "--no-search") for _ in range(2)]
    codes = sorted(run.wait(timeout=300) for run in runs)
    assert codes[0] == 0 and codes[1] in (0, 2)  # the second waits its turn or is refused, never both run
    assert build(site)[0] == 0
    assert_equals_a_clean_full_build(site)


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
    assert build(site)[0] == 0
    subprocess.run(["chmod", "-R", "a-w", str(site / "output")], check=True)
    edit_one_cable(site, 7)
    code, output = build(site, *(["--full"] if kind == "full" else []), prefix=_as_a_user())
    if kind == "full":
        # The new output is swapped in by renaming; the old one is made writable to be deleted.
        assert code == 0, output
    else:
        assert code == 1 and "cannot write: Permission denied" in output and "left unchanged" in output, output
        assert not (site / ".output.building").exists()
    code, output = build(site, prefix=_as_a_user())
    assert code == 0, output
    assert_equals_a_clean_full_build(site)
