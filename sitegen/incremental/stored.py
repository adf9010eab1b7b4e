"""Stored catalogue: the last build's catalogue kept in the manifest row by row, and read back a row at a time.

A build whose changes leave every cable where it was in every index (a corrected subject or
paragraph: the usual correction) re-renders a dozen pages, which show a few hundred entries
of the catalogue. Loading all 251,287 entries and indexing them again to find those took
most of such a build; a StoredCatalogue loads only the rows the pages ask for.

Rows (in the manifest's tables `cables`, `facets` and `backlinks`):
  cables     reference ID -> (entry fields, digest of its file): released cables only
  facets     "kind:name" -> (slug, reference IDs newest first, their release moments, their months);
             ""          -> the catalogue's own values (counts, withheld IDs, facet names in order)
  backlinks  cited reference ID -> citing reference IDs, as Catalogue.backlinks holds them
"""

from __future__ import annotations

import marshal
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path

from sitegen.catalogue import CableEntry, Catalogue, Facet, entry_fields, entry_from_fields
from sitegen.incremental.manifest import Manifest
from sitegen.incremental.reach import facet_names
from sitegen.kinds import FACET_KINDS

SUMMARY = ""  # the facets table's row holding the catalogue's own values
STRUCTURE = ("reference_id", "source", "created", "released", "classification", "origin", "tags", "references")
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
        facet_rows[f"{kind}:{name}"] = facet and (facet.slug, facet.reference_ids, facet.moments, facet.by_month)
    manifest.save_stored(
        "cables",
        {ref: (entry_fields(cables[ref]), digests[ref]) if ref in cables else None for ref in ids},
        replace_all,
    )
    manifest.save_stored("facets", facet_rows, replace_all)
    manifest.save_stored("backlinks", {ref: backlinks.get(ref) for ref in cited}, replace_all)


def store_entries(manifest: Manifest, changed: Iterable[tuple[CableEntry, str]]) -> None:
    """Keep new versions (entry, file digest) of released cables that stayed in place
    (same_place): their indexes, backlinks and counts are as stored, only their own rows change."""
    manifest.save_stored("cables", {entry.reference_id: (entry_fields(entry), digest) for entry, digest in changed})


class _Rows(Mapping):
    """A read-only mapping whose values are loaded a key at a time (None: no such key) and kept.
    `names`, when given, are its keys in order; without them it cannot be listed."""

    def __init__(self, load: Callable[[str], object], names: tuple[str, ...] | None = None):
        self._load = load
        self._names = names
        self._found: dict[str, object] = {}

    def put(self, key: str, value) -> None:
        self._found[key] = value

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

    @classmethod
    def usable(cls, path: Path, as_of: str, changed: dict[str, tuple[CableEntry, str]]) -> StoredCatalogue | None:
        try:
            return cls(path, as_of, changed)
        except LookupError:
            return None

    # -- reading rows ---------------------------------------------------------------------

    def _get(self, table: str, name: str):
        # One connection per process: a forked render worker must not share its parent's.
        if self._db is None or self._pid != os.getpid():
            # As a URI, percent-encoded: a site folder whose name holds `#` or `?` stays a path.
            self._db = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True)
            self._pid = os.getpid()
        found = self._db.execute(f"SELECT packed FROM {table} WHERE name = ?", (name,)).fetchone()
        return marshal.loads(found[0]) if found else None

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def _cable_row(self, reference_id: str) -> tuple[CableEntry | None, str | None]:
        found = self._get("cables", reference_id)
        return (entry_from_fields(found[0]), found[1]) if found else (None, None)

    def _facets(self, kind: str, names: dict[str, tuple[str, ...]]) -> _Rows:
        def load(name: str) -> Facet | None:
            found = self._get("facets", f"{kind}:{name}")
            if found is None:
                return None
            slug, reference_ids, moments, by_month = found
            return Facet(name, slug, reference_ids, moments, by_month)

        return _Rows(load, names[kind])

    # -- what Catalogue computes from every entry, computed from the rows ------------------

    @property
    def released_count(self) -> int:
        return self._released_count

    def _origin_index(self, entry: CableEntry) -> int:
        # Catalogue maps every cable of every origin at once; here one origin's row is searched.
        return self.origins[entry.origin].reference_ids.index(entry.reference_id)
