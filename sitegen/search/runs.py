"""Search runs: the runs of a segment's batches -> column files on disk -> the postings of a block of stems at a time.

At 251,287 cables a segment holds ~147 million postings and ~250 million positions: more than
the memory a build may take. Each batch's run is renumbered to the segment's stems, ordered by
them, appended to four column files, and let go; what stays in memory is, per run, where each
stem's postings start. A block of stems is then read back from every run at once (a slice of
each file), and the runs, each in cable order, are merged by one stable sort.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sitegen.search.tokens import Column, Run

# Postings and positions read back at a time: ~100 MB of columns and their sorts while scored
# (a stem with more, such as "the", is a block of its own).
BLOCK_SIZE = 2_000_000
_COLUMNS = {"doc": np.uint32, "count": np.uint16, "weight": np.uint32, "positions": np.uint16}


@dataclass
class _Spilled:
    """Where one run's stems sit in the column files (its stems by global number)."""

    stems: Column  # i32, ascending
    postings: Column  # i64: the first posting of each stem, and one past the last
    positions: Column  # i64: the same in the positions file


@dataclass
class Block:
    """Every posting of the stems in [low, high), ordered by (stem, cable)."""

    low: int
    high: int
    stem: Column  # i32 global stem number
    doc: Column
    count: Column
    weight: Column
    positions: Column  # each posting's, in the postings' order


@dataclass
class RunStore:
    """The segment's stems (numbered as first met), surface words and lengths, and its spilled runs."""

    # A plain path, removed by close() alone: a TemporaryDirectory's copy in a forked worker
    # could remove it when collected there.
    folder: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="sitegen-search-"))
    stems: list[str] = field(default_factory=list)
    number: dict[str, int] = field(default_factory=dict)
    surfaces: dict[str, str] = field(default_factory=dict)
    lengths: list[Column] = field(default_factory=list)
    spilled: list[_Spilled] = field(default_factory=list)
    df: Column = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # postings per stem
    occurrences: Column = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # positions per stem
    postings: int = 0
    positions: int = 0

    def path(self, column: str) -> str:
        return os.path.join(self.folder, column)

    def add(self, run: Run) -> None:
        """Renumber a run to the segment's stems, order it by them and append it to the files."""
        self.surfaces.update(run.surfaces)
        self.lengths.append(run.lengths)
        numbers = np.array([self._number(stem) for stem in run.stems], dtype=np.int32)
        if len(self.df) < len(self.stems):
            more = np.zeros(len(self.stems) - len(self.df), dtype=np.int64)
            self.df, self.occurrences = np.concatenate([self.df, more]), np.concatenate([self.occurrences, more])
        if not len(run.stem):
            return
        starts = np.flatnonzero(np.diff(run.stem, prepend=-1))  # each local stem's first posting
        sizes = np.diff(np.append(starts, len(run.stem)))
        counts = np.add.reduceat(run.count.astype(np.int64), starts)
        position_starts = np.cumsum(counts) - counts
        stems = numbers[run.stem[starts]]
        order = np.argsort(stems)  # stems are distinct: any sort gives the same order
        take = gather(starts[order], sizes[order])
        take_positions = gather(position_starts[order], counts[order])
        for column, values in (
            ("doc", run.doc[take]),
            ("count", run.count[take]),
            ("weight", run.weight[take]),
            ("positions", run.positions[take_positions]),
        ):
            with open(self.path(column), "ab") as stream:
                stream.write(np.ascontiguousarray(values, dtype=_COLUMNS[column]).tobytes())
        self.df[stems] += sizes
        self.occurrences[stems] += counts
        self.spilled.append(
            _Spilled(
                stems[order],
                self.postings + np.append(0, np.cumsum(sizes[order])),
                self.positions + np.append(0, np.cumsum(counts[order])),
            )
        )
        self.postings += len(run.stem)
        self.positions += int(counts.sum())

    def _number(self, stem: str) -> int:
        found = self.number.get(stem)
        if found is None:
            found = self.number[stem] = len(self.stems)
            self.stems.append(stem)
        return found

    def all_lengths(self) -> Column:
        return np.concatenate(self.lengths) if self.lengths else np.zeros(0, dtype=np.uint32)

    def blocks(self) -> list[tuple[int, int]]:
        """The blocks of stems (by number, low to high) of about BLOCK_SIZE postings and
        positions each, that together hold every stem."""
        bounds = np.cumsum(self.df + self.occurrences)
        found, low = [], 0
        while low < len(self.stems):
            done = bounds[low - 1] if low else 0
            high = max(int(np.searchsorted(bounds, done + BLOCK_SIZE, side="right")), low + 1)
            found.append((low, high))
            low = high
        return found

    def read(self, low: int, high: int) -> Block:
        """Every posting of the stems numbered low to high, from every run."""
        parts: dict[str, list[Column]] = {name: [] for name in (*_COLUMNS, "stem")}
        for spilled in self.spilled:
            a, b = np.searchsorted(spilled.stems, [low, high])
            if a == b:
                continue
            sizes = np.diff(spilled.postings[a : b + 1])
            parts["stem"].append(np.repeat(spilled.stems[a:b], sizes))
            for column, where in (("doc", spilled.postings), ("count", spilled.postings), ("weight", spilled.postings)):
                parts[column].append(self._slice(column, int(where[a]), int(where[b])))
            parts["positions"].append(self._slice("positions", int(spilled.positions[a]), int(spilled.positions[b])))
        if not parts["stem"]:
            empty = np.zeros(0, dtype=np.int32)
            return Block(low, high, empty, empty, empty, empty, empty)
        stem = np.concatenate(parts["stem"])
        count = np.concatenate(parts["count"])
        order = np.argsort(stem, kind="stable")  # the runs come in cable order: (stem, cable)
        starts = np.cumsum(count, dtype=np.int64) - count
        positions = np.concatenate(parts["positions"])[gather(starts[order], count[order].astype(np.int64))]
        return Block(
            low,
            high,
            stem[order],
            np.concatenate(parts["doc"])[order],
            count[order],
            np.concatenate(parts["weight"])[order],
            positions,
        )

    def _slice(self, column: str, start: int, stop: int) -> Column:
        dtype = np.dtype(_COLUMNS[column])
        with open(self.path(column), "rb") as stream:
            stream.seek(start * dtype.itemsize)
            return np.fromfile(stream, dtype=dtype, count=stop - start)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def run_store(spill: Path | None) -> RunStore:
    """A store spilling into a new folder inside `spill` (made if need be), else in the
    system's temp folder."""
    if spill is None:
        return RunStore()
    spill.mkdir(parents=True, exist_ok=True)
    return RunStore(tempfile.mkdtemp(prefix="segment-", dir=spill))


def gather(starts: Column, sizes: Column) -> Column:
    """The indexes of the ranges [start, start + size), one after another."""
    sizes = sizes.astype(np.int64)
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(sizes) - sizes
    indexes: Column = np.arange(total, dtype=np.int64) + np.repeat(starts.astype(np.int64) - offsets, sizes)
    return indexes
