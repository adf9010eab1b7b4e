"""Reach: a catalogue diff -> the pages whose keys can differ and the pages gone; the one rule of both build paths.

The general path learns its diff by comparing entries with the last build's (builder/changes.py),
the quick path from the files changed and StoredCatalogue.move; pages_reached turns either into
pages, asking each page's kind (kinds.py, `reach`) which changes reach it. A superset where that
is cheap (the index pages), never short of a page whose key can differ.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field

from sitegen import kinds, urls
from sitegen.catalogue import CableEntry, Catalogue, facet_names, newest_first_slot
from sitegen.catalogue_versions import release_days, release_facet, released_by
from sitegen.facets import Facet
from sitegen.kinds import FAMILIES, FEED_FACET_KINDS, KINDS, NEWEST_SHOWN
from sitegen.model import is_valid_moment
from sitegen.parse.references import spellings_of
from sitegen.plan import (
    LETTER_OF,
    ONE_PAGE,
    PagePlan,
    document_plans,
    facet_overview,
    feed_plan,
    has_months,
    letters_used,
    listing_plans_showing,
    release_plans,
    whole_month_plans,
)
from sitegen.sources.pages import Document


def facet_slugs(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """Name -> slug of the facets whose slugs pages link to (kept between builds to see a slug move)."""
    return {kind: {name: f.slug for name, f in catalogue.indexes()[kind].items()} for kind in FAMILIES}


Listing = tuple[str, str]  # (facet kind, facet name)


@dataclass
class CatalogueDiff:
    """What changed between the last build's catalogue and this one's, as both paths learn it."""

    old_as_of: str  # the last build's moment: which old entries it published
    edited: list[CableEntry] = field(default_factory=list)  # new entries of cables changed in place
    replaced: list[CableEntry] = field(default_factory=list)  # their old entries (their old revision's day)
    # (old, new) entries of the cables that moved, came or went (None: no such file then or now)
    moved: list[tuple[CableEntry | None, CableEntry | None]] = field(default_factory=list)
    # Listings a cable left or entered, with the days it left or entered ("2009-03-05"; a month,
    # "2009-03": every page of it), besides those of `moved`.
    months: dict[Listing, set[str]] = field(default_factory=dict)
    before: dict[Listing, Facet | None] = field(default_factory=dict)  # those listings as they were, where known
    came_or_went: set[str] = field(default_factory=set)  # facet kinds of which one appeared or vanished
    whole: set[Listing] = field(default_factory=set)  # listings every page of which can differ (a slug, a label)
    posts: set[str] = field(default_factory=set)  # posts that gained or lost a released cable, besides those of `moved`
    # Days whose release page listed a change the catalogue no longer holds (a cable's earlier
    # revisions, once it is removed), where known (the quick path knows the last build's changes).
    change_days: set[str] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)  # cable pages known to show a change besides those found here
    # `shown` holds every cable page a moved cable reaches (StoredCatalogue.move finds them as it
    # moves them, from rows it has loaded): the rule below is not applied to the moved cables again.
    moves_shown: bool = False
    documents: bool = False  # the documents may differ from the last build's
    pages_moved: bool = False  # pages may have come or gone (the sitemap lists them)

    def entries(self) -> list[CableEntry]:
        """Every entry the diff holds, old and new (a cable changed in place: its new one)."""
        return [*self.edited, *(entry for pair in self.moved for entry in pair if entry is not None)]


@dataclass
class Reach:
    """The pages a diff reaches: each one's plan by URL; the URLs gone; the kinds reached whole."""

    plans: dict[str, PagePlan] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)

    def add(self, plans: Iterable[PagePlan]) -> None:
        self.plans.update((plan.url, plan) for plan in plans)


def note_slugs(diff: CatalogueDiff, catalogue: Catalogue, old_slugs: dict[str, dict[str, str]]) -> None:
    """Add to `diff` the facets whose slug is new or moved since the last build (whose slugs
    `old_slugs` are): every page of them and of their cables links to it; and the kinds of
    which one came or went."""
    for kind, slugs in facet_slugs(catalogue).items():
        old = old_slugs.get(kind, {})
        if slugs.keys() != old.keys():
            diff.came_or_went.add(kind)
        diff.whole |= {(kind, name) for name, slug in slugs.items() if old.get(name) != slug}


def plans_to_key(
    plans: list[PagePlan], reach: Reach, kinds_changed: set[str], previous: Container[str]
) -> list[PagePlan]:
    """Of every page planned, those a build that planned them all keys again: those the diff
    reaches, those of a kind whose templates or config changed, and those never built."""
    whole = kinds_changed | reach.kinds
    return [plan for plan in plans if plan.url in reach.plans or plan.kind in whole or plan.url not in previous]


def pages_reached(
    diff: CatalogueDiff, catalogue: Catalogue, page_size: int, pages: list[Document], articles: list[Document]
) -> Reach:
    """The pages whose keys can differ after `diff`, and the pages gone (known from the diff:
    a listing's old pages need its facet as it was)."""
    reach = Reach()
    months, posts = _months_and_posts_moved(diff)
    cables = _cables_reached(diff, catalogue, months)
    shown = [catalogue.cables.get(ref) for ref in sorted(cables)]
    reach.add(PagePlan(cable.url, "cable", cable.reference_id) for cable in shown if cable is not None)
    # A history page is keyed as its cable's page (kinds.py: it reads CABLE), so reached with it.
    reach.add(
        PagePlan(urls.cable_history(cable.created, cable.reference_id), "cable-history", cable.reference_id)
        for cable in shown
        if cable is not None and cable.revised
    )
    _cables_gone(reach, diff)
    _listings_edited(reach, catalogue, diff.edited, page_size)
    for listing, found in sorted(months.items()):
        _listing_moved(reach, catalogue, listing, found, diff.before.get(listing), page_size)
    _letters(reach, catalogue, {listing for listing in months if listing[0] in FAMILIES}, diff.came_or_went)
    _id_shards(reach, catalogue, posts)
    _one_page_kinds(reach, catalogue, diff)
    if diff.documents or diff.moved:
        reach.add(document_plans(pages, articles))
    if diff.pages_moved:
        reach.kinds |= {kind.name for kind in KINDS.values() if kind.reach == kinds.REACH_PAGES}
    versions_reached(reach, catalogue, diff, page_size)
    reach.gone -= reach.plans.keys()
    return reach


def versions_reached(reach: Reach, catalogue: Catalogue, diff: CatalogueDiff, page_size: int) -> None:
    """REACH_VERSIONS: of each cable changed that was ever revised or removed, its history page
    (gone when no revision is shown), its removed page, the release pages of its first release
    and of each of its changes, those its file names and those of its earlier revisions (each
    lists it with its digest; gone for a day of changes only that has none left), the release
    index (such a day comes or goes with its row), and the changes feed (gone when there is no
    change)."""
    entries = (*diff.edited, *diff.replaced, *_moved_entries(diff))
    versioned = [entry for entry in entries if entry.revised or entry.withdrawn]
    if not versioned:
        return
    days_now = set(release_days(catalogue))
    changed_on: dict[str, set[str]] = {}
    for moment, ref, _ in catalogue.changes:
        changed_on.setdefault(ref, set()).add(moment[:10])
    days = set(diff.change_days)
    for entry in versioned:
        ref, history = entry.reference_id, urls.cable_history(entry.created, entry.reference_id)
        shown = catalogue.cables[ref] if ref in catalogue.cables else None
        if shown is not None and shown.revised:
            reach.add([PagePlan(urls.cable_history(shown.created, ref), "cable-history", ref)])
        reach.gone.add(history)
        if ref in catalogue.removed:
            reach.add([PagePlan(catalogue.removed[ref].url, "cable-removed", ref)])
        days |= {moment[:10] for moment in (entry.released, entry.revised, entry.withdrawn) if is_valid_moment(moment)}
        days |= changed_on.get(ref, set())
    for day in sorted(days & days_now):
        reach.add(release_plans(release_facet(catalogue, day), page_size))
    reach.gone |= {plan.url for day in days - days_now for plan in release_plans(Facet(day, day, ()), page_size)}
    reach.add([PagePlan(ONE_PAGE["release-index"], "release-index")])
    if catalogue.changes:
        reach.add([PagePlan(urls.CHANGES_FEED, "changes-feed")])
    else:
        reach.gone.add(urls.CHANGES_FEED)


def _moved_entries(diff: CatalogueDiff) -> Iterator[CableEntry]:
    """Each version, old and new, of the cables the diff moves."""
    return (entry for pair in diff.moved for entry in pair if entry is not None)


def _months_and_posts_moved(diff: CatalogueDiff) -> tuple[dict[Listing, set[str]], set[str]]:
    """The days of each listing a cable moved in or out of, and the posts whose ID shards list
    a moved cable: the diff's own, with those of every version of each cable moved."""
    months = {listing: set(found) for listing, found in diff.months.items()}
    posts = set(diff.posts)
    for entry in _moved_entries(diff):
        for kind, names in facet_names(entry).items():
            for name in names:
                months.setdefault((kind, name), set()).add(entry.created[:10])
        posts.add(urls.post_of(entry.reference_id))
    return months, posts


def _cables_reached(diff: CatalogueDiff, catalogue: Catalogue, months: dict[Listing, set[str]]) -> set[str]:
    """The cables whose pages the diff reaches: those it names, those of each listing it reaches
    whole (whose every month joins `months`), and those that show a cable changed or moved."""
    cables = set(diff.shown)
    for kind, name in diff.whole:
        facet = catalogue.indexes()[kind].get(name)
        if facet is not None:
            months.setdefault((kind, name), set()).update(month for month, _ in facet.by_month)
            cables.update(facet.reference_ids)
    for entry in diff.edited:
        cables |= _cables_showing(catalogue, entry, in_place=True)
    for entry in () if diff.moves_shown else _moved_entries(diff):
        cables |= _cables_showing(catalogue, entry, in_place=False)
    return cables


def _cables_gone(reach: Reach, diff: CatalogueDiff) -> None:
    """The page of each moved cable the last build had released: gone unless planned anew."""
    for old, _ in diff.moved:
        if old is not None and released_by(old, diff.old_as_of):
            reach.gone.add(old.url)


def _listings_edited(reach: Reach, catalogue: Catalogue, edited: list[CableEntry], page_size: int) -> None:
    """The listing pages and feeds showing each cable changed in place that is still released."""
    for entry in edited:
        if entry.reference_id in catalogue.cables:  # as the catalogue files it (its TAGS runs cut at phrases)
            reach.add(_listings_showing(catalogue, catalogue.cables[entry.reference_id], page_size))


def _id_shards(reach: Reach, catalogue: Catalogue, posts: set[str]) -> None:
    """Each post's ID shard page: planned while the post has a cable, gone once it has none."""
    for post in sorted(posts):
        if catalogue.posts().get(post):
            reach.add([PagePlan(urls.id_shard(post), "id-shard", post)])
        else:
            reach.gone.add(urls.id_shard(post))


def _cables_showing(catalogue: Catalogue, entry: CableEntry, in_place: bool) -> set[str]:
    """The cable pages that can show a changed cable, old or new version: itself, those it cites
    (in either spelling of a post the archive spells two ways), those citing it (a cite in its
    post's other spelling may move to or from it), its origin neighbours where it is or was
    (a cable changed in place: where it is, found without reading a row)."""
    cables = {entry.reference_id, *entry.references}
    for spellings in entry.reference_spellings:
        cables.update(spellings)
    for spelling in spellings_of(entry.reference_id):
        cables.add(spelling)
        cables.update(catalogue.backlinks.get(spelling, ()))
    if in_place and entry.reference_id in catalogue.cables:
        cables.update(ref for ref in catalogue.neighbours(entry) if ref)
        return cables
    facet = catalogue.origins.get(entry.origin)
    if facet is not None:
        ids = facet.reference_ids
        at = newest_first_slot(ids, entry, catalogue.cables)
        cables.update(ids[max(0, at - 1) : at + 2])
    return cables


def _listings_showing(catalogue: Catalogue, entry: CableEntry, page_size: int) -> list[PagePlan]:
    """The listing pages and feeds showing a cable changed in place: in each listing, the page
    holding it and the overview; each feed it is in."""
    plans = []
    indexes = catalogue.indexes()
    for kind, names in facet_names(entry).items():
        for name in sorted(names):
            facet = indexes[kind][name]
            plans += listing_plans_showing(kind, facet, page_size, entry)
            if kind in FEED_FACET_KINDS.values():
                plans.append(feed_plan(kind, facet))
    return plans


def _listing_moved(
    reach: Reach, catalogue: Catalogue, listing: Listing, buckets: set[str], before: Facet | None, page_size: int
) -> None:
    """A listing a cable left or entered: the pages of the days it left or entered (a month's
    page; a busy month's calendar and those days' pages; a release day's every page), its
    overview and its feed; those it had and has no more are gone. A month that passed
    page_size, or fell to it, gains or loses its day pages; a facet, every month's pages."""
    kind, name = listing
    after = catalogue.indexes()[kind].get(name)
    if kind == "release" and after is None and name in release_days(catalogue):
        after = release_facet(catalogue, name)  # emptied, a day of changes only: its page stays
    if kind != "release" and _months_came_or_went(kind, before, after, page_size):
        buckets = buckets | {month for facet in (before, after) if facet for month, _ in facet.by_month}
    for month, days in sorted(_by_month(buckets).items()):
        now = whole_month_plans(kind, after, month, page_size)
        then = whole_month_plans(kind, before, month, page_size)
        # A busy month that stays busy: its calendar and the days touched. (The general path
        # knows no `before`: a day page it never built is keyed as new, one gone is dropped.)
        if days is not None and _calendar(now) and (before is None or _calendar(then)):
            now, then = ([plan for plan in plans if plan.day in days or not plan.day] for plans in (now, then))
        reach.add(now)
        reach.gone |= {plan.url for plan in then}
    family = FAMILIES.get(kind)
    if family is None:
        return
    if after is not None:
        reach.add([facet_overview(kind, after)] + ([feed_plan(kind, after)] if family.feed else []))
    if before is not None and (after is None or after.slug != before.slug):  # gone, or its slug moved
        reach.gone.add(facet_overview(kind, before).url)
        if family.feed:
            reach.gone.add(feed_plan(kind, before).url)


def _by_month(buckets: set[str]) -> dict[str, set[str] | None]:
    """The days touched ("2009-03-05") by month; None for a month touched whole ("2009-03")."""
    months: dict[str, set[str] | None] = {}
    for bucket in buckets:
        month = bucket[:7]
        if len(bucket) == len(month):
            months[month] = None
        elif (days := months.setdefault(month, set())) is not None:
            days.add(bucket)
    return months


def _calendar(plans: list[PagePlan]) -> bool:
    """Whether a month's pages are a calendar and its days (its first page is the calendar)."""
    return bool(plans) and KINDS[plans[0].kind].listing == "calendar"


def _months_came_or_went(kind: str, before: Facet | None, after: Facet | None, page_size: int) -> bool:
    """Whether a facet gained or lost its month pages (it passed page_size, or fell to it). A facet
    come or gone has every month touched already; one whose `before` is not known (the general
    path) has its new month pages keyed as new and its old ones dropped as not planned."""
    if before is None or after is None:
        return False
    return has_months(kind, before, page_size) != has_months(kind, after, page_size)


def _letters(reach: Reach, catalogue: Catalogue, touched: set[tuple[str, str]], came_or_went: set[str]) -> None:
    """The letter pages of the facets touched: each one's letter (a count or a label there may
    differ); every letter when a facet came or went (each letter bar shows which are used)."""
    for family in FAMILIES.values():
        if not family.lettered:
            continue
        kind, letter_of = family.kind, LETTER_OF[family.kind]
        names = {name for facet_kind, name in touched if facet_kind == kind}
        if not names and kind not in came_or_went:
            continue
        used = letters_used(catalogue.indexes()[kind], letter_of)
        letters = used if kind in came_or_went else sorted({letter_of(name) for name in names} & set(used))
        reach.add(PagePlan(urls.letter_page(kind, letter), f"{kind}-letter", letter) for letter in letters)
        reach.gone |= {urls.letter_page(kind, letter) for letter in {letter_of(name) for name in names}} - {
            urls.letter_page(kind, letter) for letter in used
        }


def _one_page_kinds(reach: Reach, catalogue: Catalogue, diff: CatalogueDiff) -> None:
    """The kinds of a single page (the home page, the indexes, the releases feed) that the diff reaches."""
    edited = bool(diff.edited or diff.moved)
    newest = bool(diff.moved) or not {entry.reference_id for entry in diff.edited}.isdisjoint(
        catalogue.newest(NEWEST_SHOWN) if diff.edited else ()
    )
    reached = {
        kinds.REACH_EDIT: edited,
        kinds.REACH_NEWEST: newest,
        kinds.REACH_MOVE: bool(diff.moved),
    }
    for name, url in ONE_PAGE.items():
        if reached.get(KINDS[name].reach, False):
            reach.add([PagePlan(url, name)])
