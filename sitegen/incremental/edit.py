"""Edit: the cables a change moves -> the facets, backlinks and posts they leave and enter, made as build_catalogue would make them.

StoredCatalogue.move takes each facet a moved cable was or is in as a working list of its cables
(Facet.dated), takes the old versions out, puts the new ones where they now sort and makes
facets of the lists again. The rules are build_catalogue's own: where a cable is listed
(catalogue.placements, facet_names), what it cites (cited_ids), a person's spellings (count_spellings), a
facet and its slug (facets.make_facet, numbered_slugs) and the neighbours it shows (beside).
What is left here is the bookkeeping of the few rows touched, and the pages they reach.
"""

from __future__ import annotations

import bisect
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sitegen import urls
from sitegen.catalogue import CableEntry, Catalogue, cited_ids, count_spellings, facet_names, newest_first_slot
from sitegen.facets import Dated, Facet, beside, make_facet, numbered_slugs, slugify, spelling_counts
from sitegen.parse.references import spellings_of

SLUGGED_KINDS = ("origin", "tag", "classification")  # listings whose folders are named by a slug
# (old entry, new entry, new file digest) of a cable that moved: None for one that came or went.
Move = tuple[CableEntry | None, CableEntry | None, str]


@dataclass
class Moved:
    """What StoredCatalogue.move edited, for the pages it reaches and the rows to save."""

    facets: dict[tuple[str, str], tuple[Facet | None, Facet | None]]  # (kind, name) -> before, after
    # (kind, name) -> the days a moved cable left or entered; a month ("2009-03"): all its pages
    months: dict[tuple[str, str], set[str]]
    shown: set[str]  # reference IDs of the cable pages that can show a moved cable
    backlinks: dict[str, tuple[str, ...]]  # cited reference ID -> citing IDs now
    posts: dict[str, tuple[str, ...]]  # post code -> its released reference IDs now
    rows: dict[str, tuple[CableEntry, str] | None]  # reference ID -> its row now (None: not released)
    withheld: frozenset[str] = frozenset()  # every cable file's reference ID not released, now
    released_count: int = 0  # released cables, now

    def appeared_or_vanished(self, kind: str) -> bool:
        return any(k == kind and (before is None) != (after is None) for (k, _), (before, after) in self.facets.items())

    def slugs(self, old: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        """BuildMeta.slugs with the origins, tags and classifications that appeared, vanished or
        moved their slug."""
        slugs = {kind: dict(names) for kind, names in old.items()}
        for (kind, name), (_, after) in self.facets.items():
            if kind in slugs:
                if after is None:
                    slugs[kind].pop(name, None)
                else:
                    slugs[kind][name] = after.slug
        return slugs


@dataclass
class CatalogueEdit:
    """One StoredCatalogue.move: each facet, backlink and post touched as a working list."""

    catalogue: Catalogue  # as the last build stored it, with the moved cables' rows as this build has them
    preload: Callable[[Iterable[str]], None]  # load these cables' rows in bulk (StoredCatalogue.preload)
    lists: dict[tuple[str, str], list[Dated]] = field(default_factory=dict)
    before: dict[tuple[str, str], Facet | None] = field(default_factory=dict)
    months: defaultdict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    citing: dict[str, list[str]] = field(default_factory=dict)
    posts: dict[str, list[str]] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)
    was_released: set[str] = field(default_factory=set)
    moved: dict[str, tuple[CableEntry, str]] = field(default_factory=dict)  # put in: its entry and file digest
    loaded: set[tuple[str, str, str]] = field(default_factory=set)  # (kind, name, month) whose cables are loaded
    spellings: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # by tag

    # -- the working lists, loaded when first touched --------------------------------------

    def _list(self, kind: str, name: str) -> list[Dated]:
        key = (kind, name)
        if key not in self.lists:
            facet = self.catalogue.indexes()[kind].get(name)
            self.before[key] = facet
            if kind == "tag" and facet is not None:
                self.spellings[name] = Counter(dict(facet.spellings))
            self.lists[key] = facet.dated() if facet else []
        return self.lists[key]

    def citing_ids(self, cited: str) -> list[str]:
        if cited not in self.citing:
            self.citing[cited] = list(self.catalogue.backlinks.get(cited, ()))
        return self.citing[cited]

    def _post(self, post: str) -> list[str]:
        if post not in self.posts:
            self.posts[post] = list(self.catalogue.posts().get(post, ()))
        return self.posts[post]

    # -- a cable out, a cable in -----------------------------------------------------------

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
                    self.shown.update(item[0] for item in beside(items, at))
                del items[at]
                self.months[(kind, name)].add(old.created[:10])
        count_spellings(self.spellings, old, -1)
        for reference in cited:
            if reference != reference_id:
                self.citing_ids(reference).remove(reference_id)
        self._post(urls.post_of(reference_id)).remove(reference_id)

    def put_in(self, new: CableEntry, digest: str) -> None:
        """Put a cable in, once every cable's release is as this build has it."""
        reference_id = new.reference_id
        self.moved[reference_id] = (new, digest)
        cables = self.catalogue.cables
        cited = cited_ids(new, cables.__contains__)
        self.shown.update([reference_id, *cited, *self.citing_ids(reference_id)])
        month = new.created[:7]
        item = (reference_id, sys.intern(new.released), sys.intern(new.created[:10]))
        for kind, names in facet_names(new).items():
            for name in names:
                items = self._list(kind, name)
                low, high = _month_run(items, month)
                if (kind, name, month) not in self.loaded:  # the month's cables, in one go: their pages show them
                    self.preload(other[0] for other in items[low:high])
                    self.loaded.add((kind, name, month))
                items.insert(newest_first_slot(items, new, cables, _first, low, high), item)
                self.months[(kind, name)].add(new.created[:10])
        count_spellings(self.spellings, new)
        for reference in cited:
            if reference != reference_id:
                citing = self.citing_ids(reference)
                citing.insert(newest_first_slot(citing, new, cables), reference_id)
        bisect.insort(self._post(urls.post_of(reference_id)), reference_id)

    def show_neighbours(self, new: CableEntry) -> None:
        """The cables beside a cable put in show it as their neighbour."""
        items = self.lists[("origin", new.origin)]
        at = newest_first_slot(items, new, self.catalogue.cables, _first)
        self.shown.update(item[0] for item in beside(items, at))

    def respell(self, moves: list[Move]) -> None:
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

    # -- the lists made facets again -------------------------------------------------------

    def finish(self, moves: list[Move], slugs: Mapping[str, Mapping[str, str]]) -> Moved:
        """The facets, backlinks, posts and rows as they are now. `slugs`: every origin's, tag's
        and classification's slug as the last build gave them (BuildMeta.slugs)."""
        moved_slugs = self._slugs_now(slugs)
        facets: dict[tuple[str, str], tuple[Facet | None, Facet | None]] = {}
        for (kind, name), items in sorted(self.lists.items()):
            before = self.before[(kind, name)]
            slug = moved_slugs.get((kind, name)) or (before.slug if before else slugify(name))
            spelled = spelling_counts(self.spellings[name]) if kind == "tag" and name in self.spellings else ()
            after = make_facet(name, slug, items, spelled) if items else None
            if before is not None and after is not None:
                if before.label != after.label or before.slug != after.slug:
                    self._show_all(kind, name, before, after)
            facets[(kind, name)] = (before, after)
        cable_rows: dict[str, tuple[CableEntry, str] | None] = dict.fromkeys(self.was_released)
        cable_rows.update(self.moved)
        return Moved(
            facets,
            dict(self.months),
            self.shown,
            {cited: tuple(citing) for cited, citing in self.citing.items()},
            {post: tuple(ids) for post, ids in self.posts.items()},
            cable_rows,
            self._withheld(moves),
            self.catalogue.released_count - len(self.was_released) + len(self.moved),
        )

    def _slugs_now(self, slugs: Mapping[str, Mapping[str, str]]) -> dict[tuple[str, str], str]:
        """(kind, name) -> slug of each listing that appeared or whose slug moved: slugs depend on
        every name of the kind (numbered_slugs), so one that comes or goes can move another's,
        whose list is then loaded to be made again under its new slug."""
        now: dict[tuple[str, str], str] = {}
        for kind in SLUGGED_KINDS:
            old = slugs.get(kind, {})
            touched = [(name, bool(items)) for (k, name), items in self.lists.items() if k == kind]
            came = {name for name, listed in touched if listed and name not in old}
            went = {name for name, listed in touched if not listed and name in old}
            if not came and not went:
                continue
            for name, slug in numbered_slugs((old.keys() - went) | came).items():
                if slug != old.get(name):
                    self._list(kind, name)
                    now[(kind, name)] = slug
        return now

    def _show_all(self, kind: str, name: str, before: Facet, after: Facet) -> None:
        """A person's fullest spelling came or went, or a listing's slug moved: every page of it
        shows its label and slug (its overview, feed and letter page are planned as a facet
        touched), and so does every page of its cables."""
        self.months[(kind, name)].update(month for facet in (before, after) for month, _ in facet.by_month)
        self.preload(after.reference_ids)
        self.shown.update(after.reference_ids)

    def _withheld(self, moves: list[Move]) -> frozenset[str]:
        """Every cable file's reference ID not released, once the moves are made."""
        withheld = set(self.catalogue.withheld)
        for old, new, _ in moves:
            if old is not None:
                withheld.discard(old.reference_id)
            if new is not None:
                withheld.add(new.reference_id)
        return frozenset(withheld - self.moved.keys())


def _month_run(items: list[Dated], month: str) -> tuple[int, int]:
    """Where the items of `month` are (or would be) in a facet's working list, newest first:
    found by their days alone, so no cable's row is read to narrow the search."""
    low, high = 0, len(items)
    while low < high:  # the first item of this month or older
        middle = (low + high) // 2
        if items[middle][2][:7] > month:
            low = middle + 1
        else:
            high = middle
    end = low
    high = len(items)
    while end < high:  # the first item older than this month
        middle = (end + high) // 2
        if items[middle][2][:7] >= month:
            end = middle + 1
        else:
            high = middle
    return low, end


def _first(item: Dated) -> str:
    return item[0]
