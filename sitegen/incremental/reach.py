"""Reach: the cables that changed -> the pages whose keys can differ, the only ones a build keys again.

A superset by design: every index page; of each listing a changed cable is or was in, its
overview, its feed and the pages of the cable's creation month; and the cable pages that show a
changed cable.
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from sitegen import urls
from sitegen.catalogue import CableEntry, Catalogue, newest_first_slot
from sitegen.kinds import FACET_KINDS, FEED_FACET_KINDS, KINDS, LISTING_KINDS
from sitegen.parse.references import spellings_of
from sitegen.plan import PagePlan


def facet_names(entry: CableEntry) -> dict[str, set[str]]:
    """The listings a cable appears in, by kind."""
    return {
        "origin": {entry.origin},
        "tag": set(entry.tags),
        "classification": {entry.classification},
        "month": {entry.created[:7]},
        "release": {entry.release_day} if entry.released else set(),
    }


def facet_slugs(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """Name -> slug of the facets whose slugs pages link to (kept between builds to see a slug move)."""
    return {
        "origin": {name: f.slug for name, f in catalogue.origins.items()},
        "tag": {name: f.slug for name, f in catalogue.tags.items()},
        "classification": {name: f.slug for name, f in catalogue.classifications.items()},
    }


def _origin_slot(catalogue: Catalogue, entry: CableEntry) -> list[str]:
    """The released cables of `entry`'s origin on either side of where it sorts: its neighbours
    whether or not it is still in that list (moved, withheld or deleted)."""
    facet = catalogue.origins.get(entry.origin)
    if facet is None:
        return []
    ids = facet.reference_ids
    at = newest_first_slot(ids, entry, catalogue.cables)
    return list(ids[max(0, at - 1) : at + 2])


def affected_plans(
    plans: list[PagePlan],
    catalogue: Catalogue,
    changed: Iterable[CableEntry],
    old_slugs: dict[str, dict[str, str]],
    kinds_changed: set[str],
    previous_urls: Container[str],
) -> list[PagePlan]:
    """The plans whose keys can differ from the last build's, given the entries of every cable
    that changed, appeared, vanished or crossed the embargo (old and new versions alike).

    A superset by design: every index page (a few hundred: cheap to key); of each listing a
    changed cable is or was in, its overview, its feed and the pages of the month the cable was
    created in (a listing paged by month, so its other months stay put) or every page (a
    release day); and the cable pages that show a changed cable: itself, the cables it cites
    and that cite it, its origin neighbours old and new. Pages of kinds whose templates or
    config changed, and pages never built, are all in.
    """
    changed = list(changed)
    dirty_ids = {entry.reference_id for entry in changed}
    cables: set[str] = set(dirty_ids)
    posts = {urls.post_of(reference_id) for reference_id in dirty_ids}
    listings: dict[str, set[str]] = {kind: set() for kind in FACET_KINDS}
    months: dict[str, set[tuple[str, str]]] = {kind: set() for kind in FACET_KINDS}  # (facet, month)
    relabelled: set[str] = set()  # person tags whose fullest spelling may have come or gone
    for entry in changed:
        cables.update(entry.references)
        for spellings in entry.reference_spellings:  # linked in whichever spelling is released
            cables.update(spellings)
        relabelled.update(tag for tag, _ in entry.person_spellings)
        cables.update(_origin_slot(catalogue, entry))
        for kind, names in facet_names(entry).items():
            listings[kind] |= names
            months[kind] |= {(name, entry.created[:7]) for name in names}
    # Cables citing a changed one show its subject or link; a cite of it in its post's other
    # spelling may have moved to or from it (and the other spelling's page lost or won it).
    for reference_id in dirty_ids:
        for spelling in spellings_of(reference_id):
            cables.add(spelling)
            cables.update(catalogue.backlinks.get(spelling, ()))
    # A person's label shows on every page of the tag and of its cables.
    for tag in relabelled:
        facet = catalogue.tags.get(tag)
        if facet is not None:
            listings["tag"].add(tag)
            months["tag"] |= {(tag, month) for month, _ in facet.by_month}
            cables.update(facet.reference_ids)
    facets_by_kind = {"origin": catalogue.origins, "tag": catalogue.tags, "classification": catalogue.classifications}
    for kind, slugs in facet_slugs(catalogue).items():
        for name, slug in slugs.items():
            if old_slugs.get(kind, {}).get(name) != slug:  # a new facet, or one whose slug moved
                listings[kind].add(name)
                months[kind] |= {(name, month) for month, _ in facets_by_kind[kind][name].by_month}
                cables.update(facets_by_kind[kind][name].reference_ids)

    def affected(plan: PagePlan) -> bool:
        if plan.kind in kinds_changed or plan.url not in previous_urls:
            return True
        if plan.kind == "cable":
            return plan.name in cables
        if plan.kind == "id-shard":
            return plan.name in posts
        if plan.kind in LISTING_KINDS:
            facet_kind = LISTING_KINDS[plan.kind]
            if KINDS[plan.kind].listing == "month":
                return (plan.name, plan.month) in months[facet_kind]
            return plan.name in listings[facet_kind]
        if plan.kind in FEED_FACET_KINDS:
            return plan.name in listings[FEED_FACET_KINDS[plan.kind]]
        return True

    return [plan for plan in plans if affected(plan)]
