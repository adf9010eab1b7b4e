"""Faults on demand: a build killed dead, or held, at a named point of its commit, for tests/test_faults.py.

A kill after a wall-clock delay lands wherever a machine of that speed happens to be; a named
point lands where the test means, on any machine. `SITEGEN_STOP_AT=<name>` names the point to
die at. `SITEGEN_HOLD_AT=<name>:<file>` holds the build there (its output's lock held) until
`<file>` exists, having written `<file>.held` to say it waits: a second build can then be
started while the first is known to hold the lock.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

STOP_AT = "SITEGEN_STOP_AT"
HOLD_AT = "SITEGEN_HOLD_AT"
HOLD_LIMIT_SECONDS = 300  # a test that never lets go must not leave a build waiting forever


def checkpoint(name: str) -> None:
    """Kill this process here, as an OOM killer would (no cleanup, no finally), or hold it here,
    when the environment names this point; otherwise nothing."""
    if os.environ.get(STOP_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    point, _, release = os.environ.get(HOLD_AT, "").partition(":")
    if point == name and release:
        _hold_until(Path(release))


def _hold_until(release: Path) -> None:
    Path(f"{release}.held").touch()
    deadline = time.monotonic() + HOLD_LIMIT_SECONDS
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
