"""Catalogue: every cable's compact entry -> the indexes pages are planned from; the embargo is applied here, once.

Only released cables (released on or before `as_of`) enter the catalogue. Everything after
this step (pages, indexes, feeds, sitemap, JSON, backlinks) reads the catalogue and so can
only ever see released cables. Withheld IDs are kept only to scrub them from references.
"""

from __future__ import annotations

import functools
import heapq
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple, Protocol

from sitegen import urls
from sitegen.catalogue_versions import Change, Earlier, current_versions, released_by
from sitegen.facets import LETTERS, Dated, Facet, make_facet, neighbours_at, numbered_slugs, spelling_counts
from sitegen.facets import OTHER_LETTER as OTHER_LETTER  # the names pages file facets under, kept importable here
from sitegen.facets import index_letter as index_letter
from sitegen.facets import newest_first_slot as newest_first_slot  # kept importable here (edit.py, reach.py)
from sitegen.facets import origin_letter as origin_letter
from sitegen.facets import sensitivity as sensitivity
from sitegen.model import Cable, canonical_reference_id, shown_text
from sitegen.phrases import final_tags
from sitegen.sources.pages import Document
from sitegen.versions import REVISED, WITHDRAWN


class CableEntry(NamedTuple):
    """What the catalogue keeps of a cable: enough for every index, feed and link, no body.

    A named tuple rather than a frozen dataclass: every build makes one per cable (from the
    manifest or a parse), and a frozen dataclass costs five times as much to construct
    (2.1 us against 0.4 us: half a second of a one-cable rebuild at 251,287 cables).
    entry_from_fields unpacks entries in this field order: a new field goes there too."""

    reference_id: str
    source: str  # the cable file, relative to the site folder
    created: str
    released: str
    classification: str
    origin: str
    subject: str
    summary: str
    eo: str
    tags: tuple[str, ...]
    references: tuple[str, ...]
    references_raw: str
    # (tag, spelling) of each person written fuller than its tag: the tag's page is labelled
    # with the fullest spelling released cables write (Facet.label).
    person_spellings: tuple[tuple[str, str], ...] = ()
    # Each reference the text names by a post spelt two ways, in both spellings, the one in
    # `references` first: the catalogue links the one it holds (cited_ids).
    reference_spellings: tuple[tuple[str, ...], ...] = ()
    # Each TAGS run the parser split into words (Cable.tag_runs); `tags` holds the words in the
    # entries read or parsed, and in a catalogue's entries the archive's phrases kept whole (final_tags).
    tag_runs: tuple[tuple[str, ...], ...] = ()
    # When this version replaced a released one (`Revised:`; "pending" until released) and when
    # the cable was removed (`Withdrawn:`): versions.py; the catalogue holds the version current
    # at its moment (catalogue_versions.py).
    revised: str = ""
    withdrawn: str = ""

    @property
    def url(self) -> str:
        return urls.cable(self.created, self.reference_id)

    @property
    def release_day(self) -> str:
        return self.released[:10]


def entry_fields(entry: CableEntry) -> tuple[Any, ...]:
    """An entry as a plain tuple, in field order: how the manifest stores it."""
    return tuple(entry)


def entry_from_fields(values: Sequence[Any]) -> CableEntry:
    """A CableEntry whose values repeated across cables (release moment, classification, origin,
    tags) share one string object each: at 251,287 cables that is a tenth of the build's memory."""
    (reference_id, source, created, released, classification, origin, subject, summary, eo, tags, references,
     references_raw, person_spellings, reference_spellings, tag_runs, revised, withdrawn) = values  # fmt: skip
    return CableEntry(
        reference_id,
        source,
        created,
        sys.intern(released),
        sys.intern(classification),
        sys.intern(origin),
        subject,
        summary,
        eo,
        tuple(map(sys.intern, tags)),
        references,
        references_raw,
        person_spellings,
        reference_spellings,
        tag_runs,
        revised,
        withdrawn,
    )


def entry_from_cable(cable: Cable, source: str) -> CableEntry:
    """What the catalogue keeps of a cable. The text drawn from its body (subject, summary, E.O.
    line, tags) is kept as every page, feed and index shows it: bytes that are not UTF-8 as U+FFFD."""
    record = cable.record
    return CableEntry(
        reference_id=record.reference_id,
        source=source,
        created=record.created,
        released=record.released or "",
        classification=record.classification,
        origin=record.origin,
        subject=shown_text(cable.subject),
        summary=shown_text(cable.summary or ""),
        eo=shown_text(cable.eo or ""),
        tags=_shown_tags(cable.tags),
        references=cable.references,
        references_raw=record.references,
        person_spellings=_shown_spellings(cable.person_spellings),
        reference_spellings=cable.reference_spellings,
        tag_runs=tuple(tuple(map(shown_text, run)) for run in cable.tag_runs),
        revised=record.extra_field(REVISED) or "",
        withdrawn=record.extra_field(WITHDRAWN) or "",
    )


def _shown_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Tags as shown (see shown_text); two that differ only in such bytes become one."""
    if all(map(str.isascii, tags)):  # nearly every cable: no copy
        return tags
    return tuple(dict.fromkeys(map(shown_text, tags)))


def _shown_spellings(spellings: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Person spellings as shown, as their tags are (_shown_tags)."""
    if all(tag.isascii() and written.isascii() for tag, written in spellings):
        return spellings
    return tuple(dict.fromkeys((shown_text(tag), shown_text(written)) for tag, written in spellings))


INDEX_KINDS = ("origin", "tag", "classification", "month", "release")  # Catalogue.indexes, in order


def placements(entry: CableEntry) -> tuple[tuple[str, ...], ...]:
    """The names of the facets of each kind (INDEX_KINDS, in order) a released cable is in: the
    one rule of where a cable is listed (bare tuples: build_catalogue asks it of every cable)."""
    return (
        (entry.origin,),
        entry.tags,
        (entry.classification,),
        (entry.created[:7],),
        (entry.released[:10],) if entry.released else (),
    )


def facet_names(entry: CableEntry) -> dict[str, set[str]]:
    """The facets of each kind a cable is in (placements), as sets by kind."""
    return {kind: set(names) for kind, names in zip(INDEX_KINDS, placements(entry), strict=True)}


def linked_spelling(spellings: tuple[str, ...], released: Callable[[str], bool]) -> str:
    """The one of a cite's spellings (the parser's first) that it links: the first `released`
    holds, else the parser's (so a cable under embargo never lends its ID to a link)."""
    return next((ref for ref in spellings if released(ref)), spellings[0])


def cited_ids(entry: CableEntry, released: Callable[[str], bool]) -> tuple[str, ...]:
    """The IDs a cable's references link to: as parsed, but a reference written in a post's name
    that the archive spells two ways is its linked_spelling."""
    if not entry.reference_spellings:
        return entry.references
    chosen = {spellings[0]: linked_spelling(spellings, released) for spellings in entry.reference_spellings}
    return tuple(dict.fromkeys(chosen.get(ref, ref) for ref in entry.references))


def count_spellings(counts: defaultdict[str, Counter[str]], entry: CableEntry, step: int = 1) -> None:
    """Count the fuller spellings of persons a cable writes into their tags' counts (`step` -1:
    the cable leaves); a tag's facet keeps them (spelling_counts) and is labelled by them."""
    for tag, spelling in entry.person_spellings:
        counts[tag][spelling] += step


class Catalogue(Protocol):
    """The released cables and every index over them, as plans, pages, keys and reach read them.

    Two classes hold it: BuiltCatalogue (build_catalogue: every entry in memory) and
    StoredCatalogue (incremental/stored.py: the last build's rows, loaded a row at a time, whose
    cables are listed only at the cost of reading every row). The reads made the same way from
    what both hold are written here, once; nothing that reads a catalogue changes it."""

    as_of: str
    total: int  # the counter's total
    feed_size: int
    withheld: frozenset[str]
    split_words: frozenset[str]  # the words of the TAGS runs released cables' parsers split (final_tags)
    cables: Mapping[str, CableEntry]
    origins: Mapping[str, Facet]
    tags: Mapping[str, Facet]
    classifications: Mapping[str, Facet]
    months: Mapping[str, Facet]  # "2009-03" -> cables created that month
    releases: Mapping[str, Facet]  # "2010-11-28" -> cables released that day, latest first
    # Cited ID -> the released cables citing it, newest first; withheld cited IDs too, so that a
    # cable's release finds the pages citing it here rather than in a walk over every entry.
    backlinks: Mapping[str, tuple[str, ...]]
    # Cables released by the catalogue's moment and withdrawn since, by reference ID: each has
    # a page saying so, and no listing, search or feed holds it (catalogue_versions.py).
    removed: Mapping[str, CableEntry]
    changes: tuple[Change, ...]  # the revisions and removals released by its moment, latest first

    @property
    def released_count(self) -> int: ...

    def posts(self) -> Mapping[str, tuple[str, ...]]:
        """Released reference IDs by post code (urls.post_of), each post's sorted."""
        ...

    def origin_position(self, entry: CableEntry) -> int:
        """Where a released cable sits in its origin's list."""
        ...

    def indexes(self) -> dict[str, Mapping[str, Facet]]:
        """The facets of each kind of listing, by the kind's name in page plans."""
        return {
            "origin": self.origins,
            "tag": self.tags,
            "classification": self.classifications,
            "month": self.months,
            "release": self.releases,
        }

    def newest(self, count: int) -> list[str]:
        """The `count` newest cables of the archive by creation, newest first."""
        newest: list[str] = []
        for month in sorted(self.months, reverse=True):
            if len(newest) >= count:
                break
            newest += self.months[month].reference_ids[: count - len(newest)]
        return newest

    def neighbours(self, entry: CableEntry) -> tuple[str | None, str | None]:
        """The previous (older) and next (newer) released cable of the same origin."""
        return neighbours_at(self.origins[entry.origin].reference_ids, self.origin_position(entry))

    def cited(self, entry: CableEntry) -> tuple[str, ...]:
        """The IDs a released cable's references link to and are backlinks of (cited_ids)."""
        return cited_ids(entry, self.cables.__contains__)

    def respelled(self, entry: CableEntry) -> dict[str, str]:
        """Reference ID as parsed -> as linked, for those linked in their post's other spelling."""
        linked = (
            (spellings[0], linked_spelling(spellings, self.cables.__contains__))
            for spellings in entry.reference_spellings
        )
        return {parsed: link for parsed, link in linked if link != parsed}

    def visible_references(self, entry: CableEntry) -> tuple[str, ...]:
        """The references a page may show: withheld cables' IDs never leave the catalogue."""
        return tuple(ref for ref in self.cited(entry) if ref not in self.withheld)

    def visible_references_raw(self, entry: CableEntry) -> str:
        return "|".join(part for part in entry.references_raw.split("|") if _canonical(part) not in self.withheld)

    def feed(self, kind: str = "all", name: str = "") -> tuple[str, ...]:
        """The newest releases (at most feed_size) overall (`all`), of an `origin` or of a `tag`,
        latest first. Picked out when first asked for: an incremental build asks for the few
        feeds it renders, and a full build for each in the worker that renders it."""
        feed = self._feeds.get((kind, name))
        if feed is None:
            newest = heapq.nlargest(self.feed_size, self._feed_candidates(kind, name))
            feed = self._feeds[(kind, name)] = tuple(ref for _, ref in newest)
        return feed

    @functools.cached_property
    def _feeds(self) -> dict[tuple[str, str], tuple[str, ...]]:
        return {}

    def _feed_candidates(self, kind: str, name: str) -> list[tuple[str, str]]:
        """(release moment, reference ID) of the cables a feed picks its newest from."""
        if kind != "all":
            facet = self.indexes()[kind].get(name)
            return list(zip(facet.moments, facet.reference_ids, strict=True)) if facet else []
        # The latest release days hold the newest releases: enough of them to fill the feed.
        candidates: list[tuple[str, str]] = []
        for facet in self.releases.values():  # latest day first
            if len(candidates) >= self.feed_size:
                break
            candidates += zip(facet.moments, facet.reference_ids, strict=True)
        return candidates

    def letters(self, facets: Mapping[str, Facet], letter_of: Callable[[str], str]) -> dict[str, list[str]]:
        """The names of facets filed by letter, each letter's sorted. Names only: a letter page
        looks up its own letter's facets (the stored catalogue then loads only those)."""
        filed: dict[str, list[str]] = {letter: [] for letter in LETTERS}
        for name in facets:
            filed.setdefault(letter_of(name), []).append(name)
        for names in filed.values():
            names.sort(key=lambda name: (name.upper(), name))
        return filed


@dataclass
class BuiltCatalogue(Catalogue):
    """The catalogue build_catalogue makes: every released entry and every index in memory."""

    as_of: str
    total: int
    cables: dict[str, CableEntry] = field(default_factory=dict)
    withheld: frozenset[str] = frozenset()
    split_words: frozenset[str] = frozenset()
    origins: dict[str, Facet] = field(default_factory=dict)
    tags: dict[str, Facet] = field(default_factory=dict)
    classifications: dict[str, Facet] = field(default_factory=dict)
    months: dict[str, Facet] = field(default_factory=dict)
    releases: dict[str, Facet] = field(default_factory=dict)
    backlinks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    removed: dict[str, CableEntry] = field(default_factory=dict)
    changes: tuple[Change, ...] = ()
    feed_size: int = 50
    _origin_position: dict[str, int] = field(default_factory=dict, repr=False)
    _posts: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def released_count(self) -> int:
        return len(self.cables)

    def posts(self) -> Mapping[str, tuple[str, ...]]:
        if not self._posts:  # made once
            grouped: dict[str, list[str]] = defaultdict(list)
            for reference_id in self.cables:  # sorted by reference ID
                grouped[urls.post_of(reference_id)].append(reference_id)
            self._posts = {post: tuple(ids) for post, ids in sorted(grouped.items())}
        return self._posts

    def origin_position(self, entry: CableEntry) -> int:
        if not self._origin_position:  # filled when first needed: an incremental build seldom needs it
            for facet in self.origins.values():
                self._origin_position.update(zip(facet.reference_ids, range(len(facet.reference_ids)), strict=True))
        return self._origin_position[entry.reference_id]


def _canonical(part: str) -> str:
    return canonical_reference_id(part) or part.strip()


def _facets(groups: Mapping[str, list[Dated]], spellings: Mapping[str, Counter[str]] | None = None) -> dict[str, Facet]:
    """A facet of each group (its cables newest first, as the entries were met), in name order."""
    return {
        name: make_facet(
            name, slug, groups[name], spelling_counts(spellings[name]) if spellings and name in spellings else ()
        )
        for name, slug in numbered_slugs(groups).items()
    }


def build_catalogue(
    entries: list[CableEntry], as_of: str, total: int = 0, feed_size: int = 50, earlier: Earlier | None = None
) -> BuiltCatalogue:
    """Apply the embargo and index the released cables. `total` 0 means: every cable in content.
    Each cable is held at its version current at `as_of` (`earlier` gives the earlier versions).

    Entries are sorted twice in all (newest created first; latest released first) and every
    index is filled in those orders, rather than each index being sorted on its own.
    """
    held, removed, changes = current_versions(entries, as_of, earlier)
    released, split_words = final_tags([e for e in held if released_by(e, as_of)])
    released_ids = {e.reference_id for e in released}
    withheld = frozenset(e.reference_id for e in held if e.reference_id not in released_ids)
    catalogue = BuiltCatalogue(as_of, total or len(entries), withheld=withheld, feed_size=feed_size)
    catalogue.removed, catalogue.changes = dict(sorted(removed.items())), tuple(changes)
    catalogue.split_words = split_words
    catalogue.cables = {e.reference_id: e for e in sorted(released, key=attrgetter("reference_id"))}
    released.sort(key=attrgetter("created", "reference_id"), reverse=True)
    groups: dict[str, defaultdict[str, list[Dated]]] = {kind: defaultdict(list) for kind in INDEX_KINDS}
    by_kind = list(groups.values())
    referenced_by: dict[str, list[str]] = defaultdict(list)
    spelled: defaultdict[str, Counter[str]] = defaultdict(Counter)
    cited_here = catalogue.cables.__contains__
    for entry in released:
        reference_id = entry.reference_id
        day = sys.intern(entry.created[:10])  # some thousands of days, each a string once
        dated = (reference_id, entry.released, day)
        for group, names in zip(by_kind, placements(entry), strict=True):
            for name in names:
                group[name].append(dated)
        for reference in cited_ids(entry, cited_here):
            if reference != reference_id:
                referenced_by[reference].append(reference_id)
        if entry.person_spellings:  # a few cables: persons written fuller than their tags
            count_spellings(spelled, entry)
    catalogue.origins = _facets(groups["origin"])
    catalogue.tags = _facets(groups["tag"], spelled)
    catalogue.classifications = _facets(groups["classification"])
    catalogue.months = _facets(groups["month"])
    catalogue.releases = dict(sorted(_facets(groups["release"]).items(), reverse=True))
    # Looked up, never listed: left in the order the loop met them (sorting cost 0.3 s at full size).
    catalogue.backlinks = {ref: tuple(citing) for ref, citing in referenced_by.items()}
    return catalogue


def published_articles(articles: list[Document], as_of: str) -> list[Document]:
    """Articles dated on or before the build's moment; a later one waits, like an unreleased cable."""
    return [article for article in articles if article.date <= as_of[:10]]


def articles_crossed(articles: list[Document], old_as_of: str | None, as_of: str) -> bool:
    """Whether an article is published as of one moment and not the other (its day came, or
    --as-of went back before it): the article list and the cables it cites change."""
    low, high = sorted(((old_as_of or "")[:10], as_of[:10]))
    return any(low < article.date <= high for article in articles)
