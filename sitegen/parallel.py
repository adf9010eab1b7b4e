"""Parallel: batches of work -> results, on a pool of forked worker processes; shared by build and check.

A job's context (the renderer, the catalogue, the set of files a check knows) is handed to the
pool when it starts and reaches each batch as the function's first argument: forked workers
share it copy-on-write instead of receiving a pickled copy per batch. Where the platform cannot
fork (Windows), the work runs in this process, one batch after another.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

Item = TypeVar("Item")
Batch = TypeVar("Batch")
Result = TypeVar("Result")

# The context of the pool this worker process belongs to, installed when the worker starts.
_installed: Any = None


def worker_count(requested: int) -> int:
    """`requested` workers, or one per core for 0."""
    return requested if requested > 0 else (os.cpu_count() or 1)


def batches(items: list[Item], size: int) -> list[list[Item]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def map_batches(
    function: Callable[[Any, Batch], Result], context: Any, work: list[Batch], jobs: int
) -> Iterator[Result]:
    """`function(context, batch)` for each batch, on `jobs` forked workers when there is more
    than one of each. Yields the results in order, so the caller can let go of one before the
    next arrives."""
    if jobs > 1 and len(work) > 1 and "fork" in multiprocessing.get_all_start_methods():
        # Frozen objects are left alone by the garbage collector, so forked workers do not
        # touch (and so copy) the pages holding the parent's data.
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(jobs, initializer=_install, initargs=(context,)) as pool:
                yield from pool.imap(functools.partial(_call, function), work, chunksize=1)
        finally:
            gc.unfreeze()
    else:
        for batch in work:
            yield function(context, batch)


def _install(context: Any) -> None:
    global _installed
    _installed = context
    gc.enable()


def _call(function: Callable[[Any, Batch], Result], batch: Batch) -> Result:
    return function(_installed, batch)
