"""Stored catalogue: the last build's catalogue kept in the manifest row by row, and read back a row at a time.

A build whose changes leave every cable where it was in every index (a corrected subject or
paragraph: the usual correction) re-renders a dozen pages, which show a few hundred entries
of the catalogue. Loading all 251,287 entries and indexing them again to find those took
most of such a build; a StoredCatalogue loads only the rows the pages ask for.

A release, a withheld cable or a changed tag moves cables between indexes: StoredCatalogue.move
edits the rows those cables are and were in (a facet's list, its months, the backlinks, the
counts) in place, so that a release of 1,000 cables reads and writes the few thousand rows it
touches, never all 251,287 entries.

Rows (in the manifest's tables `cables`, `facets` and `backlinks`):
  cables     reference ID -> (entry fields, digest of its file): released cables only
  facets     "kind:name" -> (slug, reference IDs newest first, their release moments, their months,
             the spellings written of it with their counts: a person tag's);
             "post:CODE" -> the released reference IDs of a post, sorted (the ID box's shard);
             ""          -> the catalogue's own values (counts, withheld IDs, facet names in order)
  backlinks  cited reference ID -> citing reference IDs, as Catalogue.backlinks holds them
"""

from __future__ import annotations

import bisect
import itertools
import marshal
import os
import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen import urls
from sitegen.catalogue import (
    CableEntry,
    Catalogue,
    Facet,
    cited_ids,
    entry_fields,
    entry_from_fields,
    newest_first_slot,
    slugify,
)
from sitegen.incremental.manifest import Manifest
from sitegen.incremental.reach import facet_names
from sitegen.kinds import FACET_KINDS
from sitegen.parse.references import spellings_of

PRELOAD_QUERY = 500  # reference IDs asked for in one query (SQLite allows 999 parameters by default)
SUMMARY = ""  # the facets table's row holding the catalogue's own values
SLUGGED_KINDS = ("origin", "tag", "classification")  # listings whose folders are named by a slug
POST = "post"  # the facets table's rows of each post's reference IDs: "post:TBILISI"
STRUCTURE = (
    "reference_id", "source", "created", "released", "classification", "origin", "tags", "references",
    "person_spellings", "reference_spellings",
)  # fmt: skip
_STRUCTURE_AT = tuple(CableEntry._fields.index(name) for name in STRUCTURE)
_MISSING = object()


def same_place(old: CableEntry, new: CableEntry) -> bool:
    """Whether two versions of a cable sit in the same place in every index, feed and link
    (they may differ in what is shown: subject, summary, E.O. line, the raw references)."""
    return all(old[at] == new[at] for at in _STRUCTURE_AT)


def _summary(catalogue: Catalogue) -> dict:
    return {
        "total": catalogue.total,
        "released": catalogue.released_count,
        "feed_size": catalogue.feed_size,
        "withheld": tuple(sorted(catalogue.withheld)),
        "names": {kind: tuple(facets) for kind, facets in catalogue.indexes().items()},
    }


def store_catalogue(
    manifest: Manifest,
    catalogue: Catalogue,
    digests: dict[str, str],
    changed: Iterable[CableEntry] | None = None,
) -> None:
    """Keep the catalogue in the manifest. `changed`: the old and new entries of every cable
    that changed since the stored catalogue was saved (as affected_plans takes them), so that
    only their rows are written; None: write every row."""
    cables, backlinks = catalogue.cables, catalogue.backlinks
    summary = _summary(catalogue)
    facets_by_kind = catalogue.indexes()
    ids: Collection[str]
    cited: Collection[str]
    facet_keys: Collection[tuple[str, str]]
    if changed is None:
        ids, cited = cables.keys(), backlinks.keys()
        facet_keys = [(kind, name) for kind, facets in facets_by_kind.items() for name in facets]
        replace_all = True
    else:
        changed = list(changed)
        ids = {entry.reference_id for entry in changed}
        cited = ids | {ref for entry in changed for ref in entry.references}
        # A cite in its post's other spelling moves between the two spellings' backlinks when
        # one is released or withheld (catalogue.cited_ids): both rows are written.
        cited |= {ref for entry in changed for spellings in entry.reference_spellings for ref in spellings}
        cited |= {spelling for ref in ids for spelling in spellings_of(ref)}
        old_names = (manifest.stored("facets", SUMMARY) or {}).get("names", {})
        touched: set[tuple[str, str]] = set()
        for kind in FACET_KINDS:
            if set(old_names.get(kind, ())) != set(facets_by_kind[kind]):  # slugs may move: all of the kind
                touched |= {(kind, name) for name in (*old_names.get(kind, ()), *facets_by_kind[kind])}
        touched |= {(kind, name) for entry in changed for kind, names in facet_names(entry).items() for name in names}
        facet_keys = touched
        replace_all = False
    facet_rows: dict[str, object] = {SUMMARY: summary}
    for kind, name in facet_keys:
        facet = facets_by_kind[kind].get(name)
        facet_rows[f"{kind}:{name}"] = facet and _facet_row(facet)
    posts = catalogue.posts()
    post_names = posts.keys() if changed is None else {urls.post_of(ref) for ref in ids}
    for post in post_names:
        facet_rows[f"{POST}:{post}"] = posts.get(post)
    manifest.save_stored(
        "cables",
        {ref: (entry_fields(cables[ref]), digests[ref]) if ref in cables else None for ref in ids},
        replace_all,
    )
    manifest.save_stored("facets", facet_rows, replace_all)
    manifest.save_stored("backlinks", {ref: backlinks.get(ref) for ref in cited}, replace_all)


def _facet_row(facet: Facet) -> tuple:
    return (facet.slug, facet.reference_ids, facet.moments, facet.by_month, facet.spellings)


def store_entries(manifest: Manifest, changed: Iterable[tuple[CableEntry, str]]) -> None:
    """Keep new versions (entry, file digest) of released cables that stayed in place
    (same_place): their indexes, backlinks and counts are as stored, only their own rows change."""
    manifest.save_stored("cables", {entry.reference_id: (entry_fields(entry), digest) for entry, digest in changed})


@dataclass
class Moved:
    """What StoredCatalogue.move edited, for the pages it reaches and the rows to save."""

    facets: dict[tuple[str, str], tuple[Facet | None, Facet | None]]  # (kind, name) -> before, after
    months: dict[tuple[str, str], set[str]]  # (kind, name) -> the months a moved cable left or entered
    shown: set[str]  # reference IDs of the cable pages that can show a moved cable
    gone: list[str]  # cable pages no longer published
    backlinks: dict[str, tuple[str, ...]]  # cited reference ID -> citing IDs now
    posts: dict[str, tuple[str, ...]]  # post code -> its released reference IDs now
    rows: dict[str, tuple[CableEntry, str] | None]  # reference ID -> its row now (None: not released)

    def appeared_or_vanished(self, kind: str) -> bool:
        return any(k == kind and (before is None) != (after is None) for (k, _), (before, after) in self.facets.items())

    def slugs(self, old: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        """BuildMeta.slugs with the origins, tags and classifications that appeared or vanished."""
        slugs = {kind: dict(names) for kind, names in old.items()}
        for (kind, name), (_, after) in self.facets.items():
            if kind in slugs:
                if after is None:
                    slugs[kind].pop(name, None)
                else:
                    slugs[kind][name] = after.slug
        return slugs


def store_moved(manifest: Manifest, catalogue: StoredCatalogue, moved: Moved) -> None:
    """Keep the rows StoredCatalogue.move edited: those of the cables moved, of the facets and
    posts they left or entered, of the cables they cite, and the catalogue's own values."""
    cables = {ref: row and (entry_fields(row[0]), row[1]) for ref, row in moved.rows.items()}
    facet_rows: dict[str, object] = {SUMMARY: _summary(catalogue)}
    for (kind, name), (_, after) in moved.facets.items():
        facet_rows[f"{kind}:{name}"] = after and _facet_row(after)
    for post, ids in moved.posts.items():
        facet_rows[f"{POST}:{post}"] = ids or None
    manifest.save_stored("cables", cables)
    manifest.save_stored("facets", facet_rows)
    manifest.save_stored("backlinks", {cited: citing or None for cited, citing in moved.backlinks.items()})


class _Rows(Mapping):
    """A read-only mapping whose values are loaded a key at a time (None: no such key) and kept.
    `names`, when given, are its keys in order; without them it cannot be listed."""

    def __init__(self, load: Callable[[str], object], names: tuple[str, ...] | None = None):
        self._load = load
        self._names = names
        self._found: dict[str, object] = {}

    def put(self, key: str, value) -> None:
        self._found[key] = value

    def missing(self, keys: Iterable[str]) -> list[str]:
        """Those of `keys` not loaded yet."""
        return [key for key in keys if key not in self._found]

    def rename(self, names: tuple[str, ...]) -> None:
        self._names = names

    def __getitem__(self, key: str):
        value = self._found.get(key, _MISSING)
        if value is _MISSING:
            value = self._found[key] = self._load(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def _listed(self) -> tuple[str, ...]:
        if self._names is None:
            raise TypeError("a stored catalogue does not list its cables")
        return self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed())

    def __len__(self) -> int:
        return len(self._listed())


class StoredCatalogue(Catalogue):
    """The catalogue the last build stored, as a Catalogue whose cables and indexes are read
    from the manifest when first asked for. `changed` (reference ID -> entry, file digest)
    overrides the stored rows of cables changed since; each must sit where it sat (same_place)."""

    def __init__(self, path: Path, as_of: str, changed: dict[str, tuple[CableEntry, str]]):
        self._path = path
        self.changed = changed
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        summary = self._get("facets", SUMMARY)
        if summary is None:
            raise LookupError("no stored catalogue")
        names = summary["names"]
        super().__init__(
            as_of=as_of,  # the release set is as stored (the caller checked), the moment is this build's
            total=summary["total"],
            withheld=frozenset(summary["withheld"]),
            feed_size=summary["feed_size"],
        )
        self._released_count = summary["released"]
        # Rows loaded a key at a time stand in for the Catalogue's dicts: read-only mappings,
        # which is all that rendering and keying do with them.
        digests = _Rows(lambda ref: self._cable_row(ref)[1])
        cables = _Rows(lambda ref: self._cable_row(ref)[0])
        for reference_id, (entry, digest) in changed.items():
            if reference_id not in cables:
                continue  # under embargo: it stays out, as build_catalogue keeps it out
            cables.put(reference_id, entry)
            digests.put(reference_id, digest)
        self.digests = digests
        self.cables = cables  # type: ignore[assignment]
        self.origins = self._facets("origin", names)  # type: ignore[assignment]
        self.tags = self._facets("tag", names)  # type: ignore[assignment]
        self.classifications = self._facets("classification", names)  # type: ignore[assignment]
        self.months = self._facets("month", names)  # type: ignore[assignment]
        self.releases = self._facets("release", names)  # type: ignore[assignment]
        self.backlinks = _Rows(lambda ref: self._get("backlinks", ref))  # type: ignore[assignment]
        self._posts_rows = _Rows(lambda post: self._get("facets", f"{POST}:{post}"))

    @classmethod
    def usable(cls, path: Path, as_of: str, changed: dict[str, tuple[CableEntry, str]]) -> StoredCatalogue | None:
        try:
            return cls(path, as_of, changed)
        except LookupError:
            return None

    # -- reading rows ---------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        # One connection per process: a forked render worker must not share its parent's.
        if self._db is None or self._pid != os.getpid():
            # As a URI, percent-encoded: a site folder whose name holds `#` or `?` stays a path.
            self._db = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True)
            self._pid = os.getpid()
        return self._db

    def _get(self, table: str, name: str):
        found = self._connection().execute(f"SELECT packed FROM {table} WHERE name = ?", (name,)).fetchone()
        return marshal.loads(found[0]) if found else None

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
                self.cables.put(reference_id, fields and entry_from_fields(fields))  # type: ignore[attr-defined]
                self.digests.put(reference_id, digest)

    def _cable_row(self, reference_id: str) -> tuple[CableEntry | None, str | None]:
        found = self._get("cables", reference_id)
        return (entry_from_fields(found[0]), found[1]) if found else (None, None)

    def _facets(self, kind: str, names: dict[str, tuple[str, ...]]) -> _Rows:
        def load(name: str) -> Facet | None:
            found = self._get("facets", f"{kind}:{name}")
            if found is None:
                return None
            slug, reference_ids, moments, by_month, spellings = found
            return Facet(name, slug, reference_ids, moments, by_month, spellings)

        return _Rows(load, names[kind])

    # -- what Catalogue computes from every entry, computed from the rows ------------------

    @property
    def released_count(self) -> int:
        return self._released_count

    def posts(self) -> Mapping[str, tuple[str, ...]]:
        return self._posts_rows

    # -- moving cables: the rows a change of place touches, edited in memory ---------------

    def move(
        self, moves: list[tuple[CableEntry | None, CableEntry | None, str]], slugs: dict[str, dict[str, str]]
    ) -> Moved | None:
        """Take the old version of each (old entry, new entry, new file digest) out of every
        index it was in and put the new one where it now sorts, as build_catalogue would have
        placed it; None for a cable that came (no old) or went (no new). `slugs`: every
        origin's, tag's and classification's slug (BuildMeta.slugs). None, having edited
        nothing that is saved, when an origin, tag or classification that appears or vanishes
        could move another's slug (see _Edit.finish)."""
        edit = _Edit(self, slugs)
        for old, new, _ in moves:
            for entry in (old, new):  # the pages citing it show it, scrub it as withheld or leave it as written
                if entry is not None:
                    edit.shown.update(edit.citing_ids(entry.reference_id))
            if old is not None and old.reference_id in self.cables:
                edit.take_out(old)
        coming = {new.reference_id for _, new, _ in moves if new is not None}
        for old, new, digest in moves:
            if new is None:
                if old is not None and old.reference_id not in coming:  # gone, and no other file holds it
                    self.cables.put(old.reference_id, None)  # type: ignore[attr-defined]
                    self.digests.put(old.reference_id, None)
                continue
            released = bool(new.released) and new.released <= self.as_of
            self.cables.put(new.reference_id, new if released else None)  # type: ignore[attr-defined]
            self.digests.put(new.reference_id, digest if released else None)
        for old, new, _ in moves:
            if new is not None and new.reference_id in self.cables:
                edit.put_in(new)
            elif old is not None and old.reference_id in edit.was_released:
                edit.gone.append(old.url)
        for old, new, _ in moves:
            if new is not None and new.reference_id in self.cables:
                edit.show_neighbours(new)
                if old is not None and old.reference_id in edit.was_released and old.url != new.url:
                    edit.gone.append(old.url)
        edit.respell(moves)
        return edit.finish(moves)

    def _origin_index(self, entry: CableEntry) -> int:
        # Catalogue maps every cable of every origin at once; here one origin's row is searched.
        return self.origins[entry.origin].reference_ids.index(entry.reference_id)


class _Edit:
    """One StoredCatalogue.move: each facet touched as a working list of (reference ID, release
    moment, creation month), newest first, edited and then made a Facet again."""

    def __init__(self, catalogue: StoredCatalogue, slugs: dict[str, dict[str, str]]):
        self.catalogue = catalogue
        self.slugs = slugs
        self.lists: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        self.before: dict[tuple[str, str], Facet | None] = {}
        self.months: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.citing: dict[str, list[str]] = {}
        self.posts: dict[str, list[str]] = {}
        self.shown: set[str] = set()
        self.gone: list[str] = []
        self.was_released: set[str] = set()
        self.moved: dict[str, CableEntry] = {}
        self.loaded: set[tuple[str, str, str]] = set()  # (kind, name, month) whose cables are loaded
        self.spellings: dict[tuple[str, str], Counter[str]] = {}  # a facet's spellings written, counted

    def _list(self, kind: str, name: str) -> list[tuple[str, str, str]]:
        key = (kind, name)
        if key not in self.lists:
            facet = self.catalogue.indexes()[kind].get(name)
            self.before[key] = facet
            self.spellings[key] = Counter(dict(facet.spellings)) if facet else Counter()
            self.lists[key] = (
                list(zip(facet.reference_ids, facet.moments, _months(facet), strict=True)) if facet else []
            )
        return self.lists[key]

    def citing_ids(self, cited: str) -> list[str]:
        if cited not in self.citing:
            self.citing[cited] = list(self.catalogue.backlinks.get(cited, ()))
        return self.citing[cited]

    def _post(self, post: str) -> list[str]:
        if post not in self.posts:
            self.posts[post] = list(self.catalogue.posts().get(post, ()))
        return self.posts[post]

    def take_out(self, old: CableEntry) -> None:
        """Take a cable out, before any cable's release changes: it cites as the last build linked."""
        reference_id = old.reference_id
        self.was_released.add(reference_id)
        cited = cited_ids(old, self.catalogue.cables.__contains__)
        self.shown.update([reference_id, *cited, *self.citing_ids(reference_id)])
        for kind, names in facet_names(old).items():
            for name in names:
                items = self._list(kind, name)
                at = next(i for i, item in enumerate(items) if item[0] == reference_id)
                if kind == "origin":  # its neighbours lose it
                    self.shown.update(item[0] for item in items[max(0, at - 1) : at + 2])
                del items[at]
                self.months[(kind, name)].add(old.created[:7])
        self._count_spellings(old, -1)
        for reference in cited:
            if reference != reference_id:
                self.citing_ids(reference).remove(reference_id)
        self._post(urls.post_of(reference_id)).remove(reference_id)

    def put_in(self, new: CableEntry) -> None:
        """Put a cable in, once every cable's release is as this build has it."""
        reference_id = new.reference_id
        self.moved[reference_id] = new
        cited = cited_ids(new, self.catalogue.cables.__contains__)
        self.shown.update([reference_id, *cited, *self.citing_ids(reference_id)])
        month = sys.intern(new.created[:7])
        item = (reference_id, sys.intern(new.released), month)
        for kind, names in facet_names(new).items():
            for name in names:
                items = self._list(kind, name)
                low, high = _month_run(items, month)
                if (kind, name, month) not in self.loaded:  # the month's cables, in one go: their pages show them
                    self.catalogue.preload(other[0] for other in items[low:high])
                    self.loaded.add((kind, name, month))
                items.insert(newest_first_slot(items, new, self.catalogue.cables, _first, low, high), item)
                self.months[(kind, name)].add(month)
        self._count_spellings(new, 1)
        for reference in cited:
            if reference != reference_id:
                citing = self.citing_ids(reference)
                citing.insert(newest_first_slot(citing, new, self.catalogue.cables), reference_id)
        bisect.insort(self._post(urls.post_of(reference_id)), reference_id)

    def _count_spellings(self, entry: CableEntry, step: int) -> None:
        for tag, spelling in entry.person_spellings:
            self.spellings[("tag", tag)][spelling] += step

    def respell(self, moves: list[tuple[CableEntry | None, CableEntry | None, str]]) -> None:
        """A cable that did not move may cite a moved one in its post's other spelling: such a
        cite links whichever spelling is released (cited_ids), so it moves between the two
        spellings' backlinks when one comes or goes, and the pages of both show it."""
        moved_ids = {entry.reference_id for old, new, _ in moves for entry in (old, new) if entry is not None}
        spelled = {spelling for ref in moved_ids if len(spellings := spellings_of(ref)) > 1 for spelling in spellings}
        if not spelled:
            return
        cables = self.catalogue.cables

        def released_before(reference_id: str) -> bool:
            return reference_id in self.was_released or (reference_id in cables and reference_id not in self.moved)

        citing = {ref for spelling in sorted(spelled) for ref in self.citing_ids(spelling)}
        for reference_id in sorted(citing - self.moved.keys() - self.was_released):
            entry = cables[reference_id]
            before = set(cited_ids(entry, released_before)) - {reference_id}
            now = set(cited_ids(entry, cables.__contains__)) - {reference_id}
            for reference in sorted(before - now):
                self.citing_ids(reference).remove(reference_id)
            for reference in sorted(now - before):
                listed = self.citing_ids(reference)
                listed.insert(newest_first_slot(listed, entry, cables), reference_id)
            if before != now:
                self.shown.update([reference_id, *(before ^ now)])

    def _relabel(self, kind: str, name: str, before: Facet, after: Facet) -> None:
        """A person's fullest spelling came or went: every page of the tag shows its label (its
        overview, feed and letter page are planned as a facet touched), and so does every
        page of its cables."""
        self.months[(kind, name)].update(month for facet in (before, after) for month, _ in facet.by_month)
        self.catalogue.preload(after.reference_ids)
        self.shown.update(after.reference_ids)

    def show_neighbours(self, new: CableEntry) -> None:
        items = self.lists[("origin", new.origin)]
        at = newest_first_slot(items, new, self.catalogue.cables, _first)
        self.shown.update(item[0] for item in items[max(0, at - 1) : at + 2])

    def finish(self, moves: list[tuple[CableEntry | None, CableEntry | None, str]]) -> Moved | None:
        catalogue = self.catalogue
        facets: dict[tuple[str, str], tuple[Facet | None, Facet | None]] = {}
        # build_catalogue gives slugs in name order, a clash the next free number. A new name
        # whose slug no facet has takes it and moves no other; a name leaving frees its slug,
        # which moves no other only when no facet of the kind has a numbered slug.
        taken = {kind: set(self.slugs.get(kind, {}).values()) for kind in SLUGGED_KINDS}
        numbered = {
            kind: any(slug != slugify(name) for name, slug in self.slugs.get(kind, {}).items())
            for kind in SLUGGED_KINDS
        }
        for (kind, name), items in sorted(self.lists.items()):
            before = self.before[(kind, name)]
            if before is not None:
                slug = before.slug
                if not items and kind in SLUGGED_KINDS and numbered[kind]:
                    return None
            else:
                slug = slugify(name)
                if kind in SLUGGED_KINDS:
                    if slug in taken[kind]:
                        return None
                    taken[kind].add(slug)
            spellings = tuple(
                sorted((spelling, count) for spelling, count in self.spellings[(kind, name)].items() if count)
            )
            after = _facet(name, slug, items, spellings) if items else None
            if before is not None and after is not None and before.label != after.label:
                self._relabel(kind, name, before, after)
            facets[(kind, name)] = (before, after)
        indexes = catalogue.indexes()
        for (kind, name), (before, after) in facets.items():
            facet_rows: _Rows = indexes[kind]  # type: ignore[assignment]
            facet_rows.put(name, after)
            if (before is None) != (after is None):  # a listing appears or vanishes
                names = set(facet_rows) - {name} if after is None else {*facet_rows, name}
                facet_rows.rename(tuple(sorted(names, reverse=kind == "release")))
        withheld = set(catalogue.withheld)  # every cable file's reference ID not released
        for old, new, _ in moves:
            if old is not None:
                withheld.discard(old.reference_id)
            if new is not None:
                withheld.add(new.reference_id)
        withheld -= self.moved.keys()
        released = catalogue.released_count - len(self.was_released)
        catalogue.withheld = frozenset(withheld)
        catalogue._released_count = released + len(self.moved)
        backlinks = {cited: tuple(citing) for cited, citing in self.citing.items()}
        for cited, citing in backlinks.items():
            catalogue.backlinks.put(cited, citing or None)  # type: ignore[attr-defined]
        posts = {post: tuple(ids) for post, ids in self.posts.items()}
        for post, ids in posts.items():
            catalogue._posts_rows.put(post, ids or None)
        cable_rows: dict[str, tuple[CableEntry, str] | None] = dict.fromkeys(self.was_released)
        cable_rows.update((ref, (entry, catalogue.digests[ref])) for ref, entry in self.moved.items())
        return Moved(facets, dict(self.months), self.shown, self.gone, backlinks, posts, cable_rows)


def _month_run(items: list[tuple[str, str, str]], month: str) -> tuple[int, int]:
    """Where the items of `month` are (or would be) in a facet's working list, newest first:
    found by their months alone, so no cable's row is read to narrow the search."""
    low, high = 0, len(items)
    while low < high:  # the first item of this month or older
        middle = (low + high) // 2
        if items[middle][2] > month:
            low = middle + 1
        else:
            high = middle
    end = low
    high = len(items)
    while end < high:  # the first item older than this month
        middle = (end + high) // 2
        if items[middle][2] >= month:
            end = middle + 1
        else:
            high = middle
    return low, end


def _first(item: tuple[str, str, str]) -> str:
    return item[0]


def _months(facet: Facet) -> list[str]:
    """The creation month of each of a facet's cables, in its order."""
    return [month for month, count in facet.by_month for _ in range(count)]


def _facet(name: str, slug: str, items: list[tuple[str, str, str]], spellings: tuple[tuple[str, int], ...]) -> Facet:
    reference_ids, moments, months = zip(*items, strict=True)
    by_month = tuple((month, len(list(run))) for month, run in itertools.groupby(months))
    return Facet(name, slug, reference_ids, moments, by_month, spellings)
