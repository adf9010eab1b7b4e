"""The build's memory between runs: a SQLite file in the site's cache folder (never in output/).

It keeps, for each cable file, its size, mtime, content hash and catalogue entry (so an
unchanged file is neither read nor parsed again), for each page its key and the files it
wrote (so an unchanged page is not rendered again and a vanished one can be removed), and the
catalogue itself a row per cable, index and cited cable (sitegen.incremental.stored reads it back lazily).

Cable files are kept a folder (content/cables/YYYY/MM) a row: the folder's files as one
marshal blob of plain tuples; pages likewise, a URL folder a row. Loading 251,287 states is
then a few hundred rows and C-level decoding rather than a row and an unpickling per file.
A build that changed a few files or pages adds a row for each to the `changes` table, read
over the folder rows, rather than rewriting the folders: a release of 1,000 cables touches
most of the 540 folders of the full archive, and rewriting them took 2.5 s. Once the changes
pass CHANGES_KEPT they are folded into their folders' rows.
"""

from __future__ import annotations

import json
import marshal
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from sitegen.catalogue import CableEntry, entry_fields, entry_from_fields
from sitegen.layout import SiteLayout

# The tables' shape, and marshal's format (it can change with the Python version): a manifest
# written under either other is dropped and rebuilt, never misread.
SCHEMA_VERSION = f"17/marshal{marshal.version}"
# A file's row inside its folder's blob: (file name, size, mtime_ns, digest, entry fields or None).
FileRow = tuple[str, int, int, str, tuple[Any, ...] | None]
# A page's row inside its URL folder's blob: (URL, key, the files it wrote joined by newlines).
PageRow = tuple[str, str, str]
_Row = TypeVar("_Row", FileRow, PageRow)


class _FolderTable(str, Generic[_Row]):
    """A table kept a folder a row (its name, as SQL spells it), typed by the rows it holds."""


_SOURCES: _FolderTable[FileRow] = _FolderTable("sources")
_PAGES: _FolderTable[PageRow] = _FolderTable("pages")
# Rows kept in the changes table before they are folded into their folders: reading them
# over the folders costs a few microseconds each in every build that loads a whole table.
CHANGES_KEPT = 20_000


class SourceState(NamedTuple):
    """A cable file as the last build saw it (a named tuple, as CableEntry is: one per file)."""

    size: int
    mtime_ns: int
    digest: str
    entry: CableEntry | None  # None: the file had a problem (it is read again next time)


@dataclass
class BuildMeta:
    """What the manifest remembers of the last build besides its files and pages: its meta
    table, a row per field (lists and dicts kept as JSON). Read whole with Manifest.build_meta,
    written a few fields at a time with Manifest.save_meta."""

    state: str = ""  # "building" from the moment a build starts to change what is saved, "clean" once saved whole
    output: str = ""  # the output folder the manifest describes
    as_of: str | None = None  # the moment the last build published as of; None: no build yet
    inputs: str = ""  # inputs_fingerprint: code, templates, static files, config, documents, search on or off
    code: str = ""  # code_fingerprint: entries parsed by another sitegen are parsed again
    sources: str = ""  # the digest of every cable file's stats; "" when a file had a problem (read it again)
    folders: dict[str, str] = field(default_factory=dict)  # each cable folder's stats digest, as `sources` holds it
    # Every release moment in the archive, with how many cable files hold it (builder/changes.py).
    release_moments: dict[str, int] = field(default_factory=dict)
    # Per revised cable, the moments its earlier versions name (its file names only the latest).
    version_moments: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # cables, released and pages, for the report
    fixed: dict[str, str] = field(default_factory=dict)  # per page kind: what its pages share (templates, config)
    slugs: dict[str, dict[str, str]] = field(default_factory=dict)  # each facet's slug: one moving re-keys its kind
    generation: str = ""  # changes with every save: a process's BuildMemory is good while it matches
    page_problems: dict[str, list[list[Any]]] = field(default_factory=dict)  # by page URL: reported again until fixed
    # Per reference ID, the digest of the published articles citing it (citations.py): an article
    # change reaches the cable pages whose digest moved.
    cited: dict[str, str] = field(default_factory=dict)


_META_JSON = frozenset(f.name for f in fields(BuildMeta) if f.type.startswith(("dict", "list")))


def is_damaged(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is damaged (garbage, cut short), not busy or on a full disk."""
    return getattr(error, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def set_aside(path: Path) -> Path:
    """Move a damaged manifest (and its write-ahead log) out of the way, kept for a look; returns
    where it went. The next build starts a new one, as after --full."""
    aside = path.with_name(path.name + ".unreadable")
    for suffix in ("", "-wal", "-shm"):
        damaged = path.with_name(path.name + suffix)
        if damaged.exists():
            os.replace(damaged, aside.with_name(aside.name + suffix))
    return aside


class Manifest:
    """Source states and page keys of the last completed build."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.changes_kept = CHANGES_KEPT
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        if self.meta("schema") != SCHEMA_VERSION:
            self.reset()

    @classmethod
    def for_site(cls, site_dir: Path, output_dir: Path | None = None) -> Manifest:
        """The manifest of builds of this site into this output folder (each output has its own)."""
        return cls(SiteLayout.of(site_dir, output_dir).manifest)

    def reset(self) -> None:
        """Forget everything (and recreate the tables: an older schema may have other columns)."""
        with self.db:
            self.db.executescript(
                f"""
                DROP TABLE IF EXISTS sources;
                DROP TABLE IF EXISTS pages;
                DROP TABLE IF EXISTS cables;
                DROP TABLE IF EXISTS facets;
                DROP TABLE IF EXISTS backlinks;
                DROP TABLE IF EXISTS changes;
                DELETE FROM meta;
                CREATE TABLE sources (folder TEXT PRIMARY KEY, packed BLOB);
                CREATE TABLE pages (folder TEXT PRIMARY KEY, packed BLOB);
                CREATE TABLE cables (name TEXT PRIMARY KEY, packed BLOB);
                CREATE TABLE facets (name TEXT PRIMARY KEY, packed BLOB);
                CREATE TABLE backlinks (name TEXT PRIMARY KEY, packed BLOB);
                CREATE TABLE changes (tbl TEXT, folder TEXT, key TEXT, packed BLOB, PRIMARY KEY (tbl, folder, key));
                INSERT INTO meta VALUES ('schema', '{SCHEMA_VERSION}');
                """
            )

    def close(self) -> None:
        self.db.close()

    # -- meta ------------------------------------------------------------------------------

    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, **values: str) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def build_meta(self) -> BuildMeta:
        """The whole meta table as a BuildMeta (a field not saved, or saved empty, keeps its default)."""
        known = {f.name for f in fields(BuildMeta)}
        values: dict[str, Any] = {}
        for name, value in self.db.execute("SELECT name, value FROM meta"):
            if name not in known or value is None or (name in _META_JSON and not value):
                continue
            values[name] = json.loads(value) if name in _META_JSON else value
        return BuildMeta(**values)

    def save_meta(self, **values: Any) -> None:
        """Save these BuildMeta fields (names checked: a typo must not save a field no one reads)."""
        unknown = values.keys() - {f.name for f in fields(BuildMeta)}
        if unknown:
            raise TypeError(f"not fields of BuildMeta: {sorted(unknown)}")
        self.set_meta(
            **{
                name: json.dumps(value, sort_keys=True) if name in _META_JSON else value
                for name, value in values.items()
            }
        )

    # -- sources ---------------------------------------------------------------------------

    def sources(self) -> dict[str, SourceState]:
        states = {}
        for folder, rows in self._all_rows(_SOURCES):
            prefix = folder + "/"
            for name, size, mtime_ns, digest, entry in rows:
                states[prefix + name] = SourceState(size, mtime_ns, digest, entry_from_fields(entry) if entry else None)
        return states

    def folder_sources(self, folder: str) -> dict[str, FileRow]:
        """File name -> row of each file the last build saw in one folder (entries left as tuples)."""
        return self._folder_rows(_SOURCES, folder)

    def release_dates(self) -> dict[str, str]:
        """Reference ID -> release moment ("" for none) of every readable cable file."""
        released_at = CableEntry._fields.index("released")
        return {entry[0]: entry[released_at] for _, rows in self._all_rows(_SOURCES) for *_, entry in rows if entry}

    def save_sources(self, changed: dict[str, SourceState], removed: Iterable[str], replace_all: bool = False) -> None:
        """Record the files that changed and forget the removed ones; with `replace_all`, the
        changed files are all there is (a build that read every file)."""
        touched: dict[str, dict[str, FileRow | None]] = defaultdict(dict)
        for path, state in changed.items():
            folder, _, name = path.rpartition("/")
            entry = entry_fields(state.entry) if state.entry else None
            touched[folder][name] = (name, state.size, state.mtime_ns, state.digest, entry)
        for path in removed:
            folder, _, name = path.rpartition("/")
            touched[folder][name] = None
        self._rewrite_folders(_SOURCES, touched, replace_all)

    # -- pages -----------------------------------------------------------------------------

    def page_keys(self, folders: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
        """URL -> (key, the files it wrote joined by newlines: split only where needed), of
        every page or of the pages in `folders` (URL folders, as save_pages files them)."""
        if folders is None:
            rows = (row for _, folder_rows in self._all_rows(_PAGES) for row in folder_rows)
        else:
            rows = (row for folder in set(folders) for row in self._folder_rows(_PAGES, folder).values())
        return {url: (key, files) for url, key, files in rows}

    def save_pages(
        self, written: dict[str, tuple[str, tuple[str, ...]]], removed: Iterable[str], replace_all: bool
    ) -> None:
        """Record the pages rendered and forget the removed ones; with `replace_all`, the pages
        written are all there is. A page's folder is its URL's."""
        touched: dict[str, dict[str, PageRow | None]] = defaultdict(dict)
        for url, (key, files) in written.items():
            touched[url.rpartition("/")[0]][url] = (url, key, "\n".join(files))
        for url in removed:
            touched[url.rpartition("/")[0]][url] = None
        self._rewrite_folders(_PAGES, touched, replace_all)

    # -- the stored catalogue: a marshal blob per cable, index and cited cable (sitegen.incremental.stored) --

    def stored(self, table: str, name: str) -> Any:  # whatever save_stored was given: marshal keeps any
        """The value kept under `name` in a catalogue table (cables, facets, backlinks), or None."""
        found = self._blob(table, name)
        return marshal.loads(found) if found is not None else None

    def save_stored(self, table: str, values: Mapping[str, Any], replace_all: bool = False) -> None:
        """Keep each value under its name (None: forget the name); with `replace_all`, these are all there is."""
        with self.db:
            if replace_all:
                self.db.execute(f"DELETE FROM {table}")
            self.db.executemany(
                f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                ((name, marshal.dumps(value)) for name, value in values.items() if value is not None),
            )
            self.db.executemany(
                f"DELETE FROM {table} WHERE name = ?", ((name,) for name, value in values.items() if value is None)
            )

    # -- folder rows -----------------------------------------------------------------------

    def _rewrite_folders(
        self, table: _FolderTable[_Row], touched: dict[str, dict[str, _Row | None]], replace_all: bool
    ) -> None:
        """Apply `touched` (folder -> row key -> row, None to forget it) to a table's folders: as
        rows of the changes table while they are few, else by rewriting each folder's row (and
        every folder with changes kept, which are then folded in). A folder left with none is dropped."""
        with self.db:
            if replace_all:
                self.db.execute(f"DELETE FROM {table}")
                self.db.execute("DELETE FROM changes WHERE tbl = ?", (table,))
                self._write_folders(table, touched)
                return
            (kept,) = self.db.execute("SELECT count(*) FROM changes WHERE tbl = ?", (table,)).fetchone()
            if kept + sum(map(len, touched.values())) <= self.changes_kept:
                self.db.executemany(
                    "INSERT OR REPLACE INTO changes VALUES (?, ?, ?, ?)",
                    (
                        (table, folder, key, marshal.dumps(row))
                        for folder, updates in touched.items()
                        for key, row in updates.items()
                    ),
                )
                return
            folded = {folder for (folder,) in self.db.execute("SELECT folder FROM changes WHERE tbl = ?", (table,))}
            merged: dict[str, dict[str, _Row | None]] = {}
            for folder in folded | touched.keys():
                rows: dict[str, _Row | None] = dict(self._folder_rows(table, folder))
                rows.update(touched.get(folder, {}))
                merged[folder] = rows
            self.db.execute("DELETE FROM changes WHERE tbl = ?", (table,))
            self._write_folders(table, merged)

    def _write_folders(self, table: _FolderTable[_Row], folders: dict[str, dict[str, _Row | None]]) -> None:
        for folder, rows in folders.items():
            kept = sorted(row for row in rows.values() if row is not None)
            if kept:
                self.db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", (folder, marshal.dumps(kept)))
            else:
                self.db.execute(f"DELETE FROM {table} WHERE folder = ?", (folder,))

    def _blob(self, table: str, key: str) -> bytes | None:
        column = "folder" if table in (_SOURCES, _PAGES) else "name"
        found: tuple[bytes] | None = self.db.execute(
            f"SELECT packed FROM {table} WHERE {column} = ?", (key,)
        ).fetchone()
        return found[0] if found else None

    def _folder_rows(self, table: _FolderTable[_Row], folder: str) -> dict[str, _Row]:
        """Row key -> row of one folder, its changes applied."""
        found = self._blob(table, folder)
        rows: dict[str, _Row] = {row[0]: row for row in marshal.loads(found)} if found is not None else {}
        changes = self.db.execute("SELECT key, packed FROM changes WHERE tbl = ? AND folder = ?", (table, folder))
        return _applied(rows, {key: marshal.loads(packed) for key, packed in changes})

    def _all_rows(self, table: _FolderTable[_Row]) -> Iterator[tuple[str, list[_Row]]]:
        """Each folder of a table with its rows, in key order, its changes applied."""
        changes: dict[str, dict[str, _Row | None]] = defaultdict(dict)
        for folder, key, packed in self.db.execute("SELECT folder, key, packed FROM changes WHERE tbl = ?", (table,)):
            changes[folder][key] = marshal.loads(packed)
        for folder, blob in self.db.execute(f"SELECT folder, packed FROM {table}"):
            rows: list[_Row] = marshal.loads(blob)
            if folder in changes:
                rows = sorted(_applied({row[0]: row for row in rows}, changes.pop(folder)).values())
            yield folder, rows
        for folder, updates in changes.items():  # folders that only changes hold so far
            if rows := sorted(_applied({}, updates).values()):
                yield folder, rows


def _applied(rows: dict[str, _Row], changes: dict[str, _Row | None]) -> dict[str, _Row]:
    """`rows` with `changes` applied in place (None: the row goes)."""
    for key, row in changes.items():
        if row is None:
            rows.pop(key, None)
        else:
            rows[key] = row
    return rows
