"""Faults on demand: a build killed dead at a named point of its commit, for tests/test_faults.py.

A kill after a wall-clock delay lands wherever a machine of that speed happens to be; a named
point lands where the test means, on any machine. `SITEGEN_STOP_AT=<name>` names the point.
"""

from __future__ import annotations

import os
import signal

STOP_AT = "SITEGEN_STOP_AT"


def checkpoint(name: str) -> None:
    """Kill this process here, as an OOM killer would (no cleanup, no finally), when the
    environment names this point; otherwise nothing."""
    if os.environ.get(STOP_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)
