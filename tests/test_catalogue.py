"""Catalogue: the indexes and feeds over released cables, checked against plain definitions."""

from __future__ import annotations

import random

from sitegen.catalogue import CableEntry, build_catalogue

AS_OF = "2011-06-30 23:59"


def entry(n: int, rng: random.Random) -> CableEntry:
    day = rng.choice(["2010-11-28", "2010-11-29", "2010-12-01", "2011-01-15", "2011-07-01", ""])
    released = f"{day} {rng.randrange(24):02d}:{rng.choice([0, 30]):02d}" if day else ""
    return CableEntry(
        reference_id=f"0{rng.randrange(6, 10)}ROME{n}",
        source=f"content/cables/{n}.txt",
        created=f"200{rng.randrange(6, 10)}-0{rng.randrange(1, 10)}-1{rng.randrange(10)} 10:00",
        released=released,
        classification=rng.choice(["SECRET", "CONFIDENTIAL", "UNCLASSIFIED"]),
        origin=rng.choice(["Embassy Rome", "Embassy Paris", "Consulate Milan"]),
        subject=f"subject {n}",
        summary="",
        eo="",
        tags=tuple(rng.sample(["PREL", "PGOV", "ECON", "KDEM", "MARR"], rng.randrange(1, 4))),
        references=(),
        references_raw="",
    )


def newest_first(entries: list[CableEntry], size: int) -> tuple[str, ...]:
    ordered = sorted(entries, key=lambda e: (e.released, e.reference_id), reverse=True)
    return tuple(e.reference_id for e in ordered[:size])


def test_feeds_hold_the_newest_releases_overall_and_per_facet():
    rng = random.Random(7)
    entries = [entry(n, rng) for n in range(400)]
    for size in (1, 5, 50, 1000):
        catalogue = build_catalogue(entries, AS_OF, feed_size=size)
        released = [e for e in entries if e.released and e.released <= AS_OF]
        assert catalogue.feed() == newest_first(released, size)
        for origin in ("Embassy Rome", "Embassy Paris", "Consulate Milan"):
            expected = newest_first([e for e in released if e.origin == origin], size)
            assert catalogue.feed("origin", origin) == expected
        for tag in ("PREL", "PGOV", "ECON", "KDEM", "MARR"):
            assert catalogue.feed("tag", tag) == newest_first([e for e in released if tag in e.tags], size)
        assert catalogue.feed("tag", "NOSUCHTAG") == ()
        unreleased = {e.reference_id for e in entries} - {e.reference_id for e in released}
        assert unreleased and not unreleased & set(catalogue.feed())
