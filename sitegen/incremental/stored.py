"""Stored catalogue: the last build's catalogue kept in the manifest row by row, and read back a row at a time.

A build whose changes leave every cable where it was in every index (a corrected subject or
paragraph: the usual correction) re-renders a dozen pages, which show a few hundred entries
of the catalogue. Loading all 251,287 entries and indexing them again to find those took
most of such a build; a StoredCatalogue loads only the rows the pages ask for.

A release, a withheld cable or a changed tag moves cables between indexes: StoredCatalogue.move
edits the rows those cables are and were in (a facet's list, its months, the backlinks, the
counts) in place, with build_catalogue's rules (incremental/edit.py), so that a release of 1,000
cables reads and writes the few thousand rows it touches, never all 251,287 entries.

Rows (in the manifest's tables `cables`, `facets` and `backlinks`):
  cables     reference ID -> (entry fields, digest of its file): released cables only
  facets     "kind:name" -> (slug, reference IDs newest first, their release moments, their days,
             the spellings written of it with their counts: a person tag's);
             "post:CODE" -> the released reference IDs of a post, sorted (the ID box's shard);
             ""          -> the catalogue's own values (counts, withheld IDs, facet names in order)
  backlinks  cited reference ID -> citing reference IDs, as Catalogue.backlinks holds them
"""

from __future__ import annotations

import marshal
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from sitegen import urls
from sitegen.catalogue import CableEntry, Catalogue, entry_fields, entry_from_fields, facet_names
from sitegen.catalogue_versions import Change, published, released_by
from sitegen.facets import Facet
from sitegen.incremental.edit import SLUGGED_KINDS as SLUGGED_KINDS  # kept importable here, as Moved is
from sitegen.incremental.edit import CatalogueEdit, Move, Moved
from sitegen.incremental.manifest import Manifest
from sitegen.kinds import FACET_KINDS
from sitegen.parse.references import spellings_of
from sitegen.phrases import cuts_runs

PRELOAD_QUERY = 500  # reference IDs asked for in one query (SQLite allows 999 parameters by default)
SUMMARY = ""  # the facets table's row holding the catalogue's own values
POST = "post"  # the facets table's rows of each post's reference IDs: "post:TBILISI"
STRUCTURE = (
    "reference_id", "source", "created", "released", "classification", "origin", "tags", "references",
    "person_spellings", "reference_spellings",
)  # fmt: skip
_STRUCTURE_AT = tuple(CableEntry._fields.index(name) for name in STRUCTURE)
Value = TypeVar("Value")


def same_place(old: CableEntry, new: CableEntry) -> bool:
    """Whether two versions of a cable sit in the same place in every index, feed and link
    (they may differ in what is shown: subject, summary, E.O. line, the raw references)."""
    return all(old[at] == new[at] for at in _STRUCTURE_AT)


def stays_in_place(old: CableEntry, new: CableEntry, old_as_of: str, as_of: str) -> bool:
    """Whether a cable file's change leaves the cable where it sat: in the same place in every
    index, and published (released, not removed) by this build as by the last, or by neither.
    Both paths sort a changed file by this rule (builder/changes.py, builder/quick.py)."""
    return same_place(old, new) and published(old, old_as_of) == published(new, as_of)


def _summary(catalogue: Catalogue, digests: Mapping[str, str]) -> dict[str, Any]:
    """The catalogue's own values; a removed cable's row holds its file's digest, which its
    page's key and the changes feed's read (no `cables` row holds it)."""
    return {
        "total": catalogue.total,
        "released": catalogue.released_count,
        "feed_size": catalogue.feed_size,
        "withheld": tuple(sorted(catalogue.withheld)),
        "split_words": tuple(sorted(catalogue.split_words)),
        "names": {kind: tuple(facets) for kind, facets in catalogue.indexes().items()},
        "removed": {ref: (entry_fields(entry), digests.get(ref, "")) for ref, entry in catalogue.removed.items()},
        "changes": catalogue.changes,
    }


def store_catalogue(
    manifest: Manifest,
    catalogue: Catalogue,
    digests: Mapping[str, str],
    changed: Iterable[CableEntry] | None = None,
) -> None:
    """Keep the catalogue in the manifest. `changed`: the old and new entries of every cable
    that changed since the stored catalogue was saved (as affected_plans takes them), so that
    only their rows are written; None: write every row."""
    cables, backlinks = catalogue.cables, catalogue.backlinks
    facets_by_kind = catalogue.indexes()
    ids: Collection[str]
    cited: Collection[str]
    facet_keys: Collection[tuple[str, str]]
    if changed is None:
        ids, cited = cables.keys(), backlinks.keys()
        facet_keys = [(kind, name) for kind, facets in facets_by_kind.items() for name in facets]
    else:
        changed = list(changed)
        ids = {entry.reference_id for entry in changed}
        cited = _cited_rows(changed, ids)
        facet_keys = _facet_rows_touched(manifest, facets_by_kind, changed)
    facet_rows: dict[str, object] = {SUMMARY: _summary(catalogue, digests)}
    for kind, name in facet_keys:
        facet = facets_by_kind[kind].get(name)
        facet_rows[f"{kind}:{name}"] = facet and _facet_row(facet)
    posts = catalogue.posts()
    post_names = posts.keys() if changed is None else {urls.post_of(ref) for ref in ids}
    for post in post_names:
        facet_rows[f"{POST}:{post}"] = posts.get(post)
    replace_all = changed is None
    manifest.save_stored(
        "cables",
        {ref: (entry_fields(cables[ref]), digests[ref]) if ref in cables else None for ref in ids},
        replace_all,
    )
    manifest.save_stored("facets", facet_rows, replace_all)
    manifest.save_stored("backlinks", {ref: backlinks.get(ref) for ref in cited}, replace_all)


def recut_entries(
    manifest: Manifest, catalogue: Catalogue, changed: list[CableEntry]
) -> list[tuple[CableEntry | None, CableEntry | None]]:
    """(old, new) entries, as stored and as cut now (phrases.final_tags), of the cables with
    TAGS runs that changed (`changed` gives them as parsed) or whose cut changed with another
    cable's phrase, their file as it was: moved, for the pages showing their tags."""
    changed_ids = {entry.reference_id for entry in changed}
    found: list[tuple[CableEntry | None, CableEntry | None]] = []
    runs = {entry.reference_id for entry in changed if entry.tag_runs}
    for reference_id in sorted(runs | {ref for ref, entry in catalogue.cables.items() if entry.tag_runs}):
        stored = entry_from_fields(row[0]) if (row := manifest.stored("cables", reference_id)) else None
        now = catalogue.cables.get(reference_id)
        if reference_id in changed_ids or (stored and now and stored.tags != now.tags):
            if stored is not None or now is not None:
                found.append((stored, now))
    return found


def _cited_rows(changed: list[CableEntry], ids: set[str]) -> set[str]:
    """The backlinks rows changed cables can alter: their own, those of what they cite (a cite in
    its post's other spelling moves between the two spellings' rows: catalogue.cited_ids)."""
    cited = ids | {ref for entry in changed for ref in entry.references}
    cited |= {ref for entry in changed for spellings in entry.reference_spellings for ref in spellings}
    return cited | {spelling for ref in ids for spelling in spellings_of(ref)}


def _facet_rows_touched(
    manifest: Manifest, facets_by_kind: Mapping[str, Mapping[str, Facet]], changed: list[CableEntry]
) -> set[tuple[str, str]]:
    """The facets rows changed cables can alter: those they are and were in, and every one of a
    kind whose names changed (a slug may move)."""
    old_names = (manifest.stored("facets", SUMMARY) or {}).get("names", {})
    touched: set[tuple[str, str]] = set()
    for kind in FACET_KINDS:
        if set(old_names.get(kind, ())) != set(facets_by_kind[kind]):
            touched |= {(kind, name) for name in (*old_names.get(kind, ()), *facets_by_kind[kind])}
    return touched | {(kind, name) for entry in changed for kind, names in facet_names(entry).items() for name in names}


def _facet_row(facet: Facet) -> tuple[object, ...]:
    return (facet.slug, facet.reference_ids, facet.moments, facet.by_day, facet.spellings)


def store_entries(manifest: Manifest, changed: Iterable[tuple[CableEntry, str]]) -> None:
    """Keep new versions (entry, file digest) of released cables that stayed in place
    (same_place): their indexes, backlinks and counts are as stored, only their own rows change."""
    manifest.save_stored("cables", {entry.reference_id: (entry_fields(entry), digest) for entry, digest in changed})


def store_summary(manifest: Manifest, catalogue: StoredCatalogue) -> None:
    """Keep the catalogue's own values: the cables removed and the changes made, after a build
    that revised or withdrew cables in place (store_moved keeps them after a move)."""
    manifest.save_stored("facets", {SUMMARY: _summary(catalogue, catalogue.digests)})


def store_moved(manifest: Manifest, catalogue: StoredCatalogue, moved: Moved) -> None:
    """Keep the rows StoredCatalogue.move edited: those of the cables moved, of the facets and
    posts they left or entered, of the cables they cite, and the catalogue's own values."""
    cables = {ref: row and (entry_fields(row[0]), row[1]) for ref, row in moved.rows.items()}
    facet_rows: dict[str, object] = {SUMMARY: _summary(catalogue, catalogue.digests)}
    for (kind, name), (_, after) in moved.facets.items():
        facet_rows[f"{kind}:{name}"] = after and _facet_row(after)
    for post, ids in moved.posts.items():
        facet_rows[f"{POST}:{post}"] = ids or None
    manifest.save_stored("cables", cables)
    manifest.save_stored("facets", facet_rows)
    manifest.save_stored("backlinks", {cited: citing or None for cited, citing in moved.backlinks.items()})


class _Rows(Mapping[str, Value]):
    """A read-only mapping whose values are loaded a key at a time (None: no such key) and kept.
    Listing it asks `names` for the stored keys (a table's: a query over every row)."""

    def __init__(self, load: Callable[[str], Value | None], names: Callable[[], Iterable[str]]):
        self._load = load
        self._names = names
        self._found: dict[str, Value | None] = {}

    def put(self, key: str, value: Value | None) -> None:
        """The row of `key` as this build has it (None: gone), whatever is stored."""
        self._found[key] = value

    def missing(self, keys: Iterable[str]) -> list[str]:
        """Those of `keys` not loaded yet."""
        return [key for key in keys if key not in self._found]

    def __getitem__(self, key: str) -> Value:
        if key in self._found:
            value = self._found[key]
        else:
            value = self._found[key] = self._load(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        try:
            return isinstance(key, str) and self[key] is not None
        except KeyError:
            return False

    def __iter__(self) -> Iterator[str]:
        """The stored keys as this build has them: those put since added, those put None left out."""
        stored = list(self._names())
        known = set(stored)
        added = sorted(key for key, value in self._found.items() if value is not None and key not in known)
        kept = [key for key in stored if key not in self._found or self._found[key] is not None]
        return iter(sorted([*kept, *added]) if added else kept)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class StoredCatalogue(Catalogue):
    """The catalogue the last build stored, its cables and indexes read from the manifest when
    first asked for; `edit_in_place` and `move` make it this build's."""

    cables: _Rows[CableEntry]
    origins: _Rows[Facet]
    tags: _Rows[Facet]
    classifications: _Rows[Facet]
    months: _Rows[Facet]
    releases: _Rows[Facet]
    backlinks: _Rows[tuple[str, ...]]

    def __init__(self, path: Path, as_of: str):
        self._path = path
        self.changed: dict[str, tuple[CableEntry, str]] = {}
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        summary = self._get("facets", SUMMARY)
        if summary is None:
            raise LookupError("no stored catalogue")
        self.as_of = as_of  # the release set is as stored (the caller checked), the moment is this build's
        self.total: int = summary["total"]
        self.withheld: frozenset[str] = frozenset(summary["withheld"])
        self.split_words: frozenset[str] = frozenset(summary["split_words"])
        self.feed_size: int = summary["feed_size"]
        removed = summary["removed"]
        self.removed = {ref: entry_from_fields(fields) for ref, (fields, _) in removed.items()}
        self.changes: tuple[Change, ...] = tuple(map(tuple, summary["changes"]))
        self._released_count: int = summary["released"]
        self._names: dict[str, tuple[str, ...]] = summary["names"]
        self.digests = _Rows(lambda ref: self._cable_row(ref)[1], lambda: self._listed("cables"))
        self.cables = _Rows(lambda ref: self._cable_row(ref)[0], lambda: self._listed("cables"))
        for reference_id, (_, digest) in removed.items():  # looked up by key only: never listed
            self.digests.put(reference_id, digest)
        self.origins = self._facets("origin")
        self.tags = self._facets("tag")
        self.classifications = self._facets("classification")
        self.months = self._facets("month")
        self.releases = self._facets("release")
        self.backlinks = _Rows(lambda ref: self._get("backlinks", ref), lambda: self._listed("backlinks"))
        self._posts = _Rows(lambda post: self._get("facets", f"{POST}:{post}"), self._post_codes)

    @classmethod
    def usable(cls, path: Path, as_of: str) -> StoredCatalogue | None:
        """The stored catalogue; None: none stored."""
        try:
            return cls(path, as_of)
        except LookupError:
            return None

    def edit_in_place(self, changed: dict[str, tuple[CableEntry, str]]) -> bool:
        """Take the new rows (reference ID -> entry, file digest) of cables changed since, each
        sitting where it sat (same_place); False, having changed nothing, when one has TAGS runs
        to cut (final_tags: only the general path can tell how)."""
        if any(entry.tag_runs for entry, _ in changed.values()):
            return False
        self.changed = changed
        for reference_id, (entry, digest) in changed.items():
            if reference_id not in self.cables:
                continue  # under embargo: it stays out, as build_catalogue keeps it out
            self.cables.put(reference_id, entry)
            self.digests.put(reference_id, digest)
        return True

    def put_versions(self, removed: Mapping[str, tuple[CableEntry, str]], changes: tuple[Change, ...]) -> None:
        """The cables removed (each with its file's digest) and the changes made, as this build
        has them (incremental/shown.py); after `move`, which takes a cable removed out of its rows."""
        for reference_id in self.removed.keys() - removed.keys():
            if reference_id not in self.cables:
                self.digests.put(reference_id, None)
        self.removed = {reference_id: entry for reference_id, (entry, _) in removed.items()}
        for reference_id, (_, digest) in removed.items():
            self.digests.put(reference_id, digest)
        self.changes = changes

    # -- reading rows ---------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        # One connection per process: a forked render worker must not share its parent's.
        if self._db is None or self._pid != os.getpid():
            # As a URI, percent-encoded: a site folder whose name holds `#` or `?` stays a path.
            self._db = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True)
            self._pid = os.getpid()
        return self._db

    def _get(self, table: str, name: str) -> Any:
        found = self._connection().execute(f"SELECT packed FROM {table} WHERE name = ?", (name,)).fetchone()
        return marshal.loads(found[0]) if found else None

    def _listed(self, table: str) -> list[str]:
        """Every row's name, in order: a query over the whole table, which no quick build makes."""
        return [name for (name,) in self._connection().execute(f"SELECT name FROM {table} ORDER BY name")]

    def _post_codes(self) -> list[str]:
        prefix = f"{POST}:"
        return [name[len(prefix) :] for name in self._listed("facets") if name.startswith(prefix)]

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def preload(self, reference_ids: Iterable[str]) -> None:
        """Load these cables' rows now, a few hundred a query: pages are rendered by forked
        workers, which would otherwise ask for each row they show on their own (a release's
        tens of thousands of listing pages: two fifths of its time)."""
        wanted = sorted(self.digests.missing(set(reference_ids)))  # in key order: the table is read in order
        db = self._connection()
        for start in range(0, len(wanted), PRELOAD_QUERY):
            chunk = wanted[start : start + PRELOAD_QUERY]
            marks = ",".join("?" * len(chunk))
            found = dict(db.execute(f"SELECT name, packed FROM cables WHERE name IN ({marks})", chunk))
            for reference_id in chunk:
                packed = found.get(reference_id)
                fields, digest = marshal.loads(packed) if packed else (None, None)
                self.cables.put(reference_id, fields and entry_from_fields(fields))
                self.digests.put(reference_id, digest)

    def _cable_row(self, reference_id: str) -> tuple[CableEntry | None, str | None]:
        found = self._get("cables", reference_id)
        return (entry_from_fields(found[0]), found[1]) if found else (None, None)

    def _facets(self, kind: str) -> _Rows[Facet]:
        def load(name: str) -> Facet | None:
            found = self._get("facets", f"{kind}:{name}")
            if found is None:
                return None
            slug, reference_ids, moments, by_day, spellings = found
            return Facet(name, slug, reference_ids, moments, by_day, spellings)

        return _Rows(load, lambda: self._names[kind])

    # -- what Catalogue computes from every entry, read from the rows ----------------------

    @property
    def released_count(self) -> int:
        return self._released_count

    def posts(self) -> Mapping[str, tuple[str, ...]]:
        return self._posts

    def origin_position(self, entry: CableEntry) -> int:
        # BuiltCatalogue maps every cable of every origin at once; here one origin's row is searched.
        return self.origins[entry.origin].reference_ids.index(entry.reference_id)

    # -- moving cables: the rows a change of place touches, edited in memory ---------------

    def move(self, moves: list[Move], slugs: dict[str, dict[str, str]]) -> Moved | None:
        """Take the old version of each (old entry, new entry, new file digest) out of every
        index it was in and put the new one where it now sorts, as build_catalogue would have
        placed it; None for a cable that came (no old) or went (no new). `slugs`: every
        origin's, tag's and classification's slug (BuildMeta.slugs). None, having changed
        nothing, when a cable moved has TAGS runs or brings or takes a phrase that can cut one
        (phrases.cuts_runs): which cables that cuts again only the general path can tell."""
        entries = [entry for old, new, _ in moves for entry in (old, new) if entry is not None]
        if any(entry.tag_runs or cuts_runs(entry.tags, self.split_words) for entry in entries):
            return None
        edit = CatalogueEdit(self, self.preload)
        for old, new, _ in moves:
            for entry in (old, new):  # the pages citing it show it, scrub it as withheld or leave it as written
                if entry is not None:
                    edit.shown.update(edit.citing_ids(entry.reference_id))
            if old is not None and old.reference_id in self.cables:
                edit.take_out(old)
        self._put_cables(moves)
        placed = [(new, digest) for _, new, digest in moves if new is not None and new.reference_id in self.cables]
        for new, digest in placed:
            edit.put_in(new, digest)
        for new, _ in placed:  # once every moved cable sits where it now sorts
            edit.show_neighbours(new)
        edit.respell(moves)
        moved = edit.finish(moves, slugs)
        self._put_moved(moved)
        return moved

    def _put_cables(self, moves: list[Move]) -> None:
        """The moved cables' rows as this build has them: released, withheld or gone."""
        coming = {new.reference_id for _, new, _ in moves if new is not None}
        for old, new, digest in moves:
            if new is None:
                if old is not None and old.reference_id not in coming:  # gone, and no other file holds it
                    self.cables.put(old.reference_id, None)
                    self.digests.put(old.reference_id, None)
                continue
            released = released_by(new, self.as_of)
            self.cables.put(new.reference_id, new if released else None)
            self.digests.put(new.reference_id, digest if released else None)

    def _put_moved(self, moved: Moved) -> None:
        """The facets, backlinks, posts and counts the move made, read from now on."""
        indexes = {"origin": self.origins, "tag": self.tags, "classification": self.classifications}
        indexes |= {"month": self.months, "release": self.releases}
        for (kind, name), (before, after) in moved.facets.items():
            indexes[kind].put(name, after)
            if (before is None) != (after is None):  # a listing appears or vanishes
                names = set(self._names[kind]) - {name} if after is None else {*self._names[kind], name}
                self._names[kind] = tuple(sorted(names, reverse=kind == "release"))
        for cited, citing in moved.backlinks.items():
            self.backlinks.put(cited, citing or None)
        for post, ids in moved.posts.items():
            self._posts.put(post, ids or None)
        self.withheld = moved.withheld
        self._released_count = moved.released_count
