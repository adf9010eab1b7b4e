"""Quick files: the cable files changed, come or gone since the last build -> their old and new entries, read, for the quick path.

Each file is sorted as the general path sorts it (builder/changes.py): changed in place
(stays_in_place) or moved, a cable come or gone. Only the folders whose stats differ from the
last build's are listed, and only their files whose size or mtime differ are read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.builder.changes import release_moments, version_moments
from sitegen.builder.publish import BuildRun
from sitegen.catalogue import CableEntry, entry_from_fields
from sitegen.incremental.edit import Move
from sitegen.incremental.manifest import BuildMeta, FileRow, SourceState
from sitegen.incremental.shown import Edit
from sitegen.incremental.stored import StoredCatalogue, stays_in_place
from sitegen.parallel import batches, map_batches
from sitegen.sources.scan import FileStat, FolderStats, ScanTask, folder_digests, read_files

READ_ALONE = 64  # more changed files than this are read on every core
READ_BATCH = 100


@dataclass
class QuickChanges:
    """The cable files that changed since the last build, read."""

    states: dict[str, SourceState]  # path -> its new state
    # (old entry, new entry, new digest) of the cables whose bytes changed and that stayed in
    # place (stays_in_place), then of the others: None for a cable that came or went
    edits: list[Edit]
    moves: list[Move]
    removed: list[str]  # the paths of the files gone

    def release_moments(self, before: dict[str, int]) -> dict[str, int]:
        """BuildMeta.release_moments once these changes are in (a cable changed in place may
        have been revised or withdrawn)."""
        changed = [*self.edits, *self.moves]
        return release_moments(before, (old for old, _, _ in changed), (new for _, new, _ in changed))

    def version_moments(self, before: dict[str, list[str]], site_dir: Path) -> dict[str, list[str]]:
        """BuildMeta.version_moments once these changes are in (a cable revised gains a version)."""
        changed = [*self.edits, *self.moves]
        return version_moments(before, site_dir, (old for old, _, _ in changed), (new for _, new, _ in changed))

    def counted(self) -> int:
        """How many more cable files there are than the last build had."""
        return sum(new is not None for _, new, _ in self.moves) - sum(old is not None for old, _, _ in self.moves)

    def clashes(self, catalogue: StoredCatalogue) -> bool:
        """Whether a cable come holds a reference ID another file holds (the general path
        reports which)."""
        going = {old.reference_id for old, new, _ in self.moves if old is not None and new is None}
        coming = [new.reference_id for old, new, _ in self.moves if new is not None and old is None]
        held = [
            ref
            for ref in coming
            if ref not in going and (ref in catalogue.cables or ref in catalogue.withheld or ref in catalogue.removed)
        ]
        return bool(held) or len(set(coming)) != len(coming)


def quick_changes(run: BuildRun, meta: BuildMeta, folders: list[FolderStats], limit: int) -> QuickChanges | None:
    """The cable files that changed, appeared or vanished since the last build, read; None when
    the quick path cannot take the change: a file broken, or more files than `limit`."""
    if not meta.folders or meta.as_of is None:
        return None
    tasks: list[ScanTask] = []
    found = QuickChanges({}, [], [], [])
    for folder, files in _changed_folders(run.layout.site, meta, folders):
        rows = run.manifest.folder_sources(folder) if folder in meta.folders else {}
        if not _note_vanished(folder, rows, files, found):
            return None
        tasks += _files_to_read(folder, rows, files)
        if len(tasks) + len(found.removed) > limit:
            return None
    if not tasks and not found.removed:
        return None
    return found if _read_changed(tasks, found, run.jobs, (meta.as_of, run.report.as_of)) else None


def _changed_folders(
    site_dir: Path, meta: BuildMeta, folders: list[FolderStats]
) -> Iterator[tuple[str, list[FileStat]]]:
    """Each cable folder whose files' stats differ from the last build's (or that came or went),
    in order, with its files now."""
    now = folder_digests(site_dir, folders)
    files_of = {folder: files for folder, (_, _, files) in zip(now, folders, strict=True)}
    for folder in sorted(now.keys() | meta.folders.keys()):
        if now.get(folder) != meta.folders.get(folder):
            yield folder, files_of.get(folder, [])


def _note_vanished(folder: str, rows: dict[str, FileRow], files: list[FileStat], found: QuickChanges) -> bool:
    """Adds the folder's files gone since the last build to `found`; False when one of them had
    no entry (the general path handles a broken file gone)."""
    for name in sorted(rows.keys() - {os.path.basename(path) for path, _, _ in files}):
        fields = rows[name][4]
        if fields is None:
            return False
        found.removed.append(f"{folder}/{name}")
        found.moves.append((entry_from_fields(fields), None, ""))
    return True


def _files_to_read(folder: str, rows: dict[str, FileRow], files: list[FileStat]) -> Iterator[ScanTask]:
    """A task for each of the folder's files that is new or whose size or mtime changed, carrying
    its digest and entry at the last build."""
    for path, size, mtime_ns in files:
        name = os.path.basename(path)
        row = rows.get(name)
        if row is None or (size, mtime_ns) != (row[1], row[2]):
            known = (row[3], entry_from_fields(row[4]) if row[4] else None) if row else (None, None)
            yield ScanTask(path, f"{folder}/{name}", size, mtime_ns, *known)


def _read_changed(tasks: list[ScanTask], found: QuickChanges, jobs: int, moments: tuple[str, str]) -> bool:
    """Reads the changed files into `found`; False when one is broken or its last entry is lost.
    `moments`: the last build's as-of and this one's."""
    old = {task.shown: (task.known_digest, task.known_entry) for task in tasks}
    work = batches(tasks, READ_BATCH)
    for results in map_batches(read_files, None, work, jobs if len(tasks) > READ_ALONE else 1):
        for shown, state, problem in results:
            digest_then, before = old[shown]
            if problem or state.entry is None or (digest_then is not None and before is None):
                return False
            found.states[shown] = state
            if state.digest != digest_then:
                _note_read(found, before, state.entry, state.digest, moments)
    return True


def _note_read(
    found: QuickChanges, before: CableEntry | None, entry: CableEntry, digest: str, moments: tuple[str, str]
) -> None:
    """Adds one changed file read to `found`: an entry edited in place, or a cable moved."""
    if before is None:  # a new file
        found.moves.append((None, entry, digest))
    elif before.reference_id != entry.reference_id:  # one cable gone, another come
        found.moves += [(before, None, ""), (None, entry, digest)]
    elif stays_in_place(before, entry, *moments):
        found.edits.append((before, entry, digest))
    else:
        found.moves.append((before, entry, digest))
