"""The build's memory between runs: a SQLite file in the site's cache folder (never in output/).

It keeps, for each cable file, its size, mtime, content hash and catalogue entry (so an
unchanged file is neither read nor parsed again), and for each page its key and the files it
wrote (so an unchanged page is not rendered again and a vanished one can be removed).
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.catalogue import CableEntry, entry_fields, entry_from_fields

CACHE_DIR = ".sitegen-cache"
# Entries are stored as plain tuples: unpickling 251,287 dataclasses costs seconds, tuples a fraction.
SCHEMA_VERSION = "5"


@dataclass(frozen=True, slots=True)
class SourceState:
    size: int
    mtime_ns: int
    digest: str
    entry: CableEntry | None  # None: the file had a problem (it is read again next time)


class Manifest:
    """Source states and page keys of the last completed build."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        if self.meta("schema") != SCHEMA_VERSION:
            self.reset()

    @classmethod
    def for_site(cls, site_dir: Path, output_dir: Path | None = None) -> Manifest:
        """The manifest of builds of this site into this output folder (each output has its own)."""
        output = (output_dir or site_dir / "output").resolve()
        name = hashlib.sha256(str(output).encode()).hexdigest()[:12]
        return cls(site_dir / CACHE_DIR / f"manifest-{name}.sqlite")

    def reset(self) -> None:
        """Forget everything (and recreate the tables: an older schema may have other columns)."""
        with self.db:
            self.db.executescript(
                f"""
                DROP TABLE IF EXISTS sources;
                DROP TABLE IF EXISTS pages;
                DELETE FROM meta;
                CREATE TABLE sources (
                    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT,
                    reference_id TEXT, released TEXT, entry BLOB
                );
                CREATE TABLE pages (url TEXT PRIMARY KEY, key TEXT, files TEXT);
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

    # -- sources ---------------------------------------------------------------------------

    def sources(self) -> dict[str, SourceState]:
        states = {}
        for path, size, mtime_ns, digest, entry in self.db.execute(
            "SELECT path, size, mtime_ns, digest, entry FROM sources"
        ):
            states[path] = SourceState(
                size, mtime_ns, digest, entry_from_fields(pickle.loads(entry)) if entry else None
            )
        return states

    def release_dates(self) -> dict[str, str]:
        """Reference ID -> release moment ("" for none) of every readable cable file, without
        loading their entries."""
        rows = self.db.execute("SELECT reference_id, released FROM sources WHERE entry IS NOT NULL")
        return dict(rows.fetchall())

    def save_sources(self, changed: dict[str, SourceState], removed: Iterable[str], replace_all: bool = False) -> None:
        """Record the files that changed and forget the removed ones; with `replace_all`, the
        changed files are all there is (a build that read every file)."""
        with self.db:
            if replace_all:
                self.db.execute("DELETE FROM sources")
            self.db.executemany("DELETE FROM sources WHERE path = ?", ((path,) for path in removed))
            self.db.executemany(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        path,
                        s.size,
                        s.mtime_ns,
                        s.digest,
                        s.entry.reference_id if s.entry else None,
                        s.entry.released if s.entry else None,
                        pickle.dumps(entry_fields(s.entry), protocol=5) if s.entry else None,
                    )
                    for path, s in changed.items()
                ),
            )

    # -- pages -----------------------------------------------------------------------------

    def page_keys(self) -> dict[str, tuple[str, str]]:
        """URL -> (key, the files it wrote joined by newlines: split only where needed)."""
        return {url: (key, files) for url, key, files in self.db.execute("SELECT url, key, files FROM pages")}

    def save_pages(
        self, written: dict[str, tuple[str, tuple[str, ...]]], removed: Iterable[str], replace_all: bool
    ) -> None:
        with self.db:
            if replace_all:
                self.db.execute("DELETE FROM pages")
            self.db.executemany("DELETE FROM pages WHERE url = ?", ((url,) for url in removed))
            self.db.executemany(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
                ((url, key, "\n".join(files)) for url, (key, files) in written.items()),
            )
