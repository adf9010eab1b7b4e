"""Scan: the cable files on disk -> their catalogue entries, reading only what changed since the last build.

A build first stats every file (one stat each: most of a no-op build), folder by folder; a
folder whose stats digest is as the manifest has it is taken as it was. Files that changed
are read and hashed on every core, and parsed only if their bytes changed.
"""

from __future__ import annotations

import hashlib
import marshal
import multiprocessing
import os
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from sitegen.catalogue import CableEntry, entry_fields, entry_from_cable, entry_from_fields
from sitegen.incremental.manifest import SourceState
from sitegen.layout import SiteLayout, cables_folder
from sitegen.model import Problem
from sitegen.parallel import batches, map_batches
from sitegen.parse import parse_cable
from sitegen.sources.cablefile import CableFileError, file_reference_id, parse_cable_file, unreadable
from sitegen.versions import is_malformed_stamp, stamp_problem

SCAN_BATCH = 400


def file_digest(data: bytes) -> str:
    # SHA-256, not BLAKE2: CPUs of this decade (x86 SHA extensions, ARMv8 crypto) hash a
    # 10 KB cable file with it in ~10 us against 17-20, and a full build hashes every file.
    return hashlib.sha256(data).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class ScanTask:
    path: str  # a string, not a Path: tasks travel to the workers pickled, a Path costs its parts
    shown: str
    size: int
    mtime_ns: int
    known_digest: str | None
    known_entry: CableEntry | None


def read_files(_context: None, tasks: list[ScanTask]) -> list[tuple[str, SourceState, Problem | None]]:
    """Read, hash and (if its bytes changed) parse each cable file into its catalogue entry."""
    results: list[tuple[str, SourceState, Problem | None]] = []
    for task in tasks:
        try:
            with open(task.path, "rb") as file:
                data = file.read()
        except OSError as error:
            unread = SourceState(task.size, task.mtime_ns, "", None)
            results.append((task.shown, unread, Problem(task.shown, 0, unreadable(task.path, error))))
            continue
        digest = file_digest(data)
        if digest == task.known_digest and task.known_entry is not None:
            state = SourceState(task.size, task.mtime_ns, digest, task.known_entry)
            results.append((task.shown, state, _stamp_problem(task.known_entry, data, task.shown)))
            continue
        try:
            record = parse_cable_file(data)
        except CableFileError as error:
            results.append(
                (
                    task.shown,
                    SourceState(task.size, task.mtime_ns, digest, None),
                    Problem(task.shown, error.line, str(error)),
                )
            )
            continue
        if file_reference_id(task.path) != record.reference_id:
            problem = Problem(task.shown, 1, f"Reference-ID {record.reference_id} does not match the file name")
            results.append((task.shown, SourceState(task.size, task.mtime_ns, digest, None), problem))
            continue
        entry = entry_from_cable(parse_cable(record, with_blocks=False), task.shown)
        results.append(
            (task.shown, SourceState(task.size, task.mtime_ns, digest, entry), _stamp_problem(entry, data, task.shown))
        )
    return results


def _stamp_problem(entry: CableEntry, data: bytes, shown: str) -> Problem | None:
    """A malformed revision or withdrawal stamp: reported every build until fixed, the cable kept
    (its change treated as pending: catalogue_versions.py holds the version released before)."""
    if not _has_bad_stamp(entry):
        return None  # nearly every cable: no stamp
    return stamp_problem(data, shown, " (treated as pending: the change is not shown)")


@dataclass
class Scan:
    entries: list[CableEntry]
    digests: dict[str, str]
    problems: list[Problem]
    changed: dict[str, SourceState]
    removed: list[str]
    read: int


FileStat = tuple[str, int, int]  # a cable file's path, size and mtime in nanoseconds


# A folder holding cable files: its path, a digest of its files' stats, and those stats.
FolderStats = tuple[str, str, list[FileStat]]


def _file_stat(entry: os.DirEntry[str], path: str) -> FileStat | None:
    """A cable file's path, size and mtime; None for what is not a cable file.

    A link that leads nowhere or loops, or a link to a folder (not followed: it could lead out
    of the site, or back into it), gets stats no file has, so that the scan reports it (every
    build, until it is fixed) rather than skip it unseen."""
    name = entry.name
    if name.startswith("."):
        return None
    try:
        if name.endswith(".txt") and entry.is_file():
            stat = entry.stat()
            return path, stat.st_size, stat.st_mtime_ns
        linked = entry.is_symlink() and (name.endswith(".txt") or entry.is_dir())
    except OSError:  # a link that loops cannot be followed to tell what it is
        linked = True
    return (path, -1, 0) if linked else None


# Listed by an open folder, a folder's files are stat'ed by name relative to it (fstatat)
# rather than by their whole path, which the kernel would walk again for each file: a sixth
# less of a no-op build's CPU. Where the system cannot list an open folder, by path.
_BY_FOLDER = os.scandir in os.supports_fd
_NAME = attrgetter("name")


def _folder(directory: str) -> tuple[list[str], FolderStats | None]:
    """One folder: its subfolders, in name order, and its cable files' stats (None: it has none)."""
    handle = os.open(directory, os.O_RDONLY) if _BY_FOLDER else None
    try:
        with os.scandir(directory if handle is None else handle) as listing:
            entries = sorted(listing, key=_NAME)
        prefix = directory + os.sep
        files: list[FileStat] = []
        for entry in entries:
            found = _file_stat(entry, prefix + entry.name)
            if found is not None:
                files.append(found)
        # Asked while the folder is open: where the listing gives no file types, DirEntry
        # looks each one up relative to it.
        folders = [prefix + entry.name for entry in entries if entry.is_dir(follow_symlinks=False)]
    finally:
        if handle is not None:
            os.close(handle)
    if not files:
        return folders, None
    return folders, (directory, _digest(files), files)


def _digest(values: list[Any]) -> str:
    """A digest of plain values. marshal serialises them at C speed; its format can change
    between Python versions, which only costs one ordinary incremental build after an upgrade.
    Version 2, the last without references: from version 3 on, a string or number held twice
    elsewhere (a refcount) is written as a reference, so that equal lists could differ in bytes."""
    return hashlib.blake2b(marshal.dumps(values, 2), digest_size=16).hexdigest()


def _stats_under(folders: list[str]) -> list[list[FolderStats]]:
    """The folders holding cable files under each of `folders`, with their files' stats, each
    in path order. Strings and tuples rather than Path and stat objects: at 251,287 files the
    difference is felt in a no-op build."""
    found = []
    for folder in folders:
        groups: list[FolderStats] = []
        stack = [folder]
        while stack:
            subfolders, group = _folder(stack.pop())
            stack.extend(reversed(subfolders))
            if group is not None:
                groups.append(group)
        found.append(groups)
    return found


# A FolderStats with its files' stats as marshal wrote them for its digest: what the helper
# sends back, bytes the pipe copies, rather than a list of tuples pickled and unpickled (a
# tenth of a second at 251,287 files, while this process waits).
_Packed = tuple[str, str, bytes]


def _packed_stats_under(folders: list[str]) -> list[list[_Packed]]:
    return [
        [(path, digest, marshal.dumps(files)) for path, digest, files in groups] for groups in _stats_under(folders)
    ]


def cable_file_stats(content_dir: Path, jobs: int) -> list[FolderStats]:
    """Every folder of cable files with each file's size and mtime, in path order: one stat per
    file, the most a no-op build can do. With two cores or more, a forked helper stats every
    other top folder (a year) while this process stats the rest: the stat calls are most of a
    no-op build."""
    root = cables_folder(content_dir)
    if not root.is_dir():
        return []
    folders, group = _folder(str(root))
    top = [group] if group is not None else []
    if jobs < 2 or len(folders) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return top + [stats for groups in _stats_under(folders) for stats in groups]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        theirs = pool.apply_async(_packed_stats_under, (folders[1::2],))
        mine = _stats_under(folders[0::2])
        found: list[list[FolderStats]] = [[] for _ in folders]
        found[0::2] = mine
        found[1::2] = [
            [(path, digest, marshal.loads(files)) for path, digest, files in groups] for groups in theirs.get()
        ]
    return top + [stats for groups in found for stats in groups]


def folder_digests(site_dir: Path, folders: list[FolderStats]) -> dict[str, str]:
    """Each cable folder (relative to the site, with forward slashes) -> the digest of its files'
    stats: what the manifest keeps to tell next time which folders hold no change at all."""
    prefix = len(str(site_dir)) + 1
    return {path[prefix:].replace(os.sep, "/"): digest for path, digest, _ in folders}


def scan_cables(
    site_dir: Path,
    jobs: int,
    known: dict[str, SourceState],
    folders: list[FolderStats] | None = None,
    known_folders: dict[str, str] | None = None,
) -> Scan:
    """Every cable file -> its catalogue entry. Files whose size and mtime are as the manifest
    has them are not read; others are read and hashed, and parsed only if their bytes changed.

    `known_folders` holds each folder's stats digest as of `known`: a folder whose digest is
    the same holds the same files with the same stats, so its entries are taken as they are,
    without a look at each file. Files of the other folders are told apart by set operations
    on (path, size, mtime), and only the changed few are sorted. Entries come in no particular
    order (every index sorts its own)."""
    folders = folders if folders is not None else cable_file_stats(SiteLayout.of(site_dir).content, jobs)
    now = folder_digests(site_dir, folders)
    same = {folder for folder, digest in now.items() if (known_folders or {}).get(folder) == digest}
    kept, suspects = _split_known(known, same)
    on_disk = _files_to_compare(site_dir, now, folders, same, suspects)
    remembered = {(shown, state.size, state.mtime_ns) for shown, state in suspects.items() if not _has_problem(state)}
    kept += [suspects[shown] for shown, _, _ in on_disk & remembered]
    tasks = _tasks(site_dir, on_disk - remembered, suspects)
    read, changed = _read_changed(tasks, known, jobs)
    removed = sorted(set(suspects) - {shown for shown, _, _ in on_disk})
    return _scan_of(kept, read, Scan([], {}, [], changed, removed, len(tasks)))


# A file as the scan compares it: its path under the site, size and mtime.
_Seen = tuple[str, int, int]


def _split_known(known: dict[str, SourceState], same: set[str]) -> tuple[list[SourceState], dict[str, SourceState]]:
    """The known files kept as they are (a folder with the same stats digest), and the suspects:
    known files in folders that changed or vanished, or with a problem."""
    kept: list[SourceState] = []
    suspects: dict[str, SourceState] = {}
    for shown, state in known.items():
        if not _has_problem(state) and shown.rpartition("/")[0] in same:
            kept.append(state)
        else:
            suspects[shown] = state
    return kept, suspects


def _files_to_compare(
    site_dir: Path, now: dict[str, str], folders: list[FolderStats], same: set[str], suspects: dict[str, SourceState]
) -> set[_Seen]:
    """The files of the folders that changed, as found on disk, and the files with a problem."""
    prefix = len(str(site_dir)) + 1
    on_disk = {
        (path_text[prefix:].replace(os.sep, "/"), size, mtime_ns)
        for folder, (_, _, files) in zip(now, folders, strict=True)
        if folder not in same
        for path_text, size, mtime_ns in files
    }
    # A file with a problem is read again, even in a folder with no change: its problem is
    # reported by every build until it is fixed.
    on_disk |= {
        (shown, state.size, state.mtime_ns)
        for shown, state in suspects.items()
        if _has_problem(state) and shown.rpartition("/")[0] in same
    }
    return on_disk


def _has_problem(state: SourceState) -> bool:
    """A file that did not read, or whose revision or withdrawal stamp is malformed."""
    entry = state.entry
    return entry is None or bool(entry.revised or entry.withdrawn) and _has_bad_stamp(entry)


def _has_bad_stamp(entry: CableEntry) -> bool:
    return is_malformed_stamp(entry.revised) or is_malformed_stamp(entry.withdrawn)


def _tasks(site_dir: Path, to_read: set[_Seen], suspects: dict[str, SourceState]) -> list[ScanTask]:
    """A task per file to read, in path order, with what the manifest knew of it."""
    return [
        ScanTask(
            os.path.join(site_dir, shown),
            shown,
            size,
            mtime_ns,
            suspects[shown].digest if shown in suspects else None,
            suspects[shown].entry if shown in suspects else None,
        )
        for shown, size, mtime_ns in sorted(to_read)
    ]


def _scan_of(kept: list[SourceState], read: dict[str, tuple[SourceState, Problem | None]], scan: Scan) -> Scan:
    """`scan` completed with the entries of the files kept and read, their problems, and a
    problem for each reference ID that more than one file holds."""
    scan.problems = [problem for _, problem in read.values() if problem]
    states = kept + [state for state, _ in read.values() if state.entry is not None]
    entries = [state.entry for state in states if state.entry is not None]  # all of them: kept ones have entries
    if len({entry.reference_id for entry in entries}) != len(entries):
        states, entries, duplicates = _without_duplicates(states)
        scan.problems = sorted(scan.problems + duplicates, key=lambda problem: problem.path)
    scan.entries = entries
    scan.digests = {entry.reference_id: state.digest for entry, state in zip(entries, states, strict=True)}
    return scan


def _read_changed(
    tasks: list[ScanTask], known: dict[str, SourceState], jobs: int
) -> tuple[dict[str, tuple[SourceState, Problem | None]], dict[str, SourceState]]:
    """Read the files of `tasks` on every core: each file's state and problem, and the states
    that differ from what the manifest knew."""
    read: dict[str, tuple[SourceState, Problem | None]] = {}
    changed: dict[str, SourceState] = {}
    for batch in map_batches(read_files, None, batches(tasks, SCAN_BATCH), jobs):
        for shown, state, problem in batch:
            if state.entry is not None:  # each arrives with its own copies of shared strings
                state = SourceState(
                    state.size, state.mtime_ns, state.digest, entry_from_fields(entry_fields(state.entry))
                )
            read[shown] = (state, problem)
            if known.get(shown) != state:
                changed[shown] = state
    return read, changed


def _without_duplicates(states: list[SourceState]) -> tuple[list[SourceState], list[CableEntry], list[Problem]]:
    """The files' states and entries when two files hold one reference ID: the first in path
    order keeps it, and each later one is a problem."""
    owner: dict[str, str] = {}
    kept: list[SourceState] = []
    problems: list[Problem] = []
    entries = {id(state): state.entry for state in states if state.entry is not None}
    for state in sorted(states, key=lambda state: entries[id(state)].source):
        reference_id, shown = entries[id(state)].reference_id, entries[id(state)].source
        if reference_id in owner:
            problems.append(Problem(shown, 1, f"{reference_id} is also in {owner[reference_id]}"))
            continue
        owner[reference_id] = shown
        kept.append(state)
    return kept, [entries[id(state)] for state in kept], problems


def stats_digest(folders: list[FolderStats]) -> str:
    """One hash of every cable file's path, size and mtime (by way of each folder's digest):
    comparing it with the last build's spares loading a row per file from the manifest."""
    return _digest([(path, digest) for path, digest, _ in folders])
