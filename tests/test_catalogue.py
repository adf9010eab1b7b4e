"""Catalogue: the indexes and feeds over released cables, checked against plain definitions."""

from __future__ import annotations

import random

from sitegen.catalogue import CableEntry, build_catalogue, entry_from_cable
from sitegen.model import CableRecord
from sitegen.parse import parse_cable
from tests.sites import catalogue_entry as cable

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
        for classification in ("SECRET", "CONFIDENTIAL", "UNCLASSIFIED"):
            expected = newest_first([e for e in released if e.classification == classification], size)
            assert catalogue.feed("classification", classification) == expected
        assert catalogue.feed("tag", "NOSUCHTAG") == ()
        unreleased = {e.reference_id for e in entries} - {e.reference_id for e in released}
        assert unreleased
        assert not unreleased & set(catalogue.feed())


# Issue 30, form 4's last rule: a cite written in a post's name the archive spells two ways
# links whichever spelling the catalogue holds; form 16's: a person's page is labelled with the
# fullest spelling released cables write, its slug one per person.


UNESCO_7 = ("09UNESCOPARISFR7", "09UNESCOPARIS7")  # `REF: UNESCO 7`: the parser's choice first
CITING = cable("09ROME1", references=(UNESCO_7[0],), reference_spellings=(UNESCO_7,))


def test_a_cite_links_the_spelling_of_its_post_the_catalogue_holds():
    catalogue = build_catalogue([CITING, cable("09UNESCOPARIS7")], AS_OF)
    assert catalogue.visible_references(CITING) == ("09UNESCOPARIS7",)
    assert catalogue.backlinks == {"09UNESCOPARIS7": ("09ROME1",)}
    assert catalogue.respelled(CITING) == {"09UNESCOPARISFR7": "09UNESCOPARIS7"}


def test_a_cite_whose_post_has_both_spellings_or_neither_links_the_parsers_choice():
    both = build_catalogue([CITING, cable("09UNESCOPARIS7"), cable("09UNESCOPARISFR7")], AS_OF)
    neither = build_catalogue([CITING], AS_OF)
    for catalogue in (both, neither):
        assert catalogue.visible_references(CITING) == ("09UNESCOPARISFR7",)
        assert catalogue.backlinks == {"09UNESCOPARISFR7": ("09ROME1",)}
        assert catalogue.respelled(CITING) == {}


def test_a_spelling_under_embargo_is_never_linked_nor_shown():
    catalogue = build_catalogue([CITING, cable("09UNESCOPARIS7", released="")], AS_OF)
    assert catalogue.visible_references(CITING) == ("09UNESCOPARISFR7",)  # as written, unlinked
    assert "09UNESCOPARIS7" not in catalogue.backlinks
    withheld_choice = build_catalogue([CITING, cable("09UNESCOPARISFR7", released="2012-01-01 00:00")], AS_OF)
    assert withheld_choice.visible_references(CITING) == ()  # the parser's choice is withheld: scrubbed


def test_two_cites_that_land_on_one_spelling_link_it_once():
    other = ("09UNESCOPARIS7", "09UNESCOPARISFR7")  # `REF: UNESCOPARIS 7` beside `UNESCO 7`
    citing = cable("09ROME1", references=(UNESCO_7[0], other[0]), reference_spellings=(UNESCO_7, other))
    catalogue = build_catalogue([citing, cable("09UNESCOPARIS7")], AS_OF)
    assert catalogue.visible_references(citing) == ("09UNESCOPARIS7",)
    assert catalogue.backlinks == {"09UNESCOPARIS7": ("09ROME1",)}


def person(reference_id: str, *spellings: str, released: str = "2010-12-01 00:00") -> CableEntry:
    return cable(
        reference_id,
        released,
        tags=("OVIP", "DOE, JANE"),
        person_spellings=tuple(("DOE, JANE", spelling) for spelling in spellings),
    )


def test_a_persons_page_is_labelled_with_the_fullest_spelling_released_cables_write():
    catalogue = build_catalogue(
        [person("09ROME1"), person("09ROME2", "DOE, JANE Q"), person("09ROME3", "DOE, JANE Q.")], AS_OF
    )
    facet = catalogue.tags["DOE, JANE"]
    assert facet.label == "DOE, JANE Q."
    assert facet.slug == "doe-jane"
    assert set(catalogue.tags) == {"OVIP", "DOE, JANE"}
    fuller = build_catalogue([person("09ROME1", "DOE, JANE Q."), person("09ROME2", "DOE, JANE QUINCY")], AS_OF)
    assert fuller.tags["DOE, JANE"].label == "DOE, JANE QUINCY"
    assert build_catalogue([person("09ROME1")], AS_OF).tags["DOE, JANE"].label == "DOE, JANE"


def test_a_withheld_cables_spelling_never_labels_a_page():
    catalogue = build_catalogue(
        [person("09ROME1", "DOE, JANE Q."), person("09ROME2", "DOE, JANE QUINCY", released="")], AS_OF
    )
    assert catalogue.tags["DOE, JANE"].label == "DOE, JANE Q."
    assert catalogue.tags["DOE, JANE"].spellings == (("DOE, JANE Q.", 1),)


def test_the_fullest_spelling_is_chosen_the_same_whatever_the_order():
    spellings = ["DOE, JANE Q.", "DOE, JANE R.", "DOE, JANE Q", "DOE, JANE"]
    rng = random.Random(3)
    for _ in range(10):
        rng.shuffle(spellings)
        entries = [person(f"09ROME{n}", spelling) for n, spelling in enumerate(spellings)]
        assert build_catalogue(entries, AS_OF).tags["DOE, JANE"].label == "DOE, JANE Q."


def parsed_entry(reference_id: str, tags_line: str, released: str) -> CableEntry:
    body = f"E.O. 12958: DECL: 01/01/2019\nTAGS: {tags_line}\nSUBJECT: A BRIDGE\n\n1. (C) Text.\n"
    record = CableRecord(reference_id, "1", "2009-03-01 00:00", released, "SECRET", "Embassy Rome", "", "", body)
    return entry_from_cable(parse_cable(record, with_blocks=False), f"{reference_id}.txt")


def test_a_split_run_keeps_whole_the_phrases_released_cables_write_and_only_theirs():
    """Issue 30, form 16: a run of words too long for one phrase is split only at known codes
    and at the phrases and persons other released cables write, never into their words."""
    writer = parsed_entry("09ROME1", "PREL, ITALIAN POLITICS, IT", "2010-12-01 00:00")
    person = parsed_entry("09ROME2", "OVIP (ROSSI, MARIO), PREL", "2010-12-01 00:00")
    split = parsed_entry("09ROME3", "PREL PGOV IT ITALIAN POLITICS IRAQI FREEDOM NATIONAL VOTE ROSSI MARIO", AS_OF)
    words = ("PREL", "PGOV", "IT", "ITALIAN", "POLITICS", "IRAQI", "FREEDOM", "NATIONAL", "VOTE", "ROSSI", "MARIO")
    assert split.tags == words  # as parsed: the catalogue decides
    catalogue = build_catalogue([writer, person, split], AS_OF)
    final = ("PREL", "PGOV", "IT", "ITALIAN POLITICS", "IRAQI", "FREEDOM", "NATIONAL", "VOTE", "ROSSI, MARIO")
    assert catalogue.cables["09ROME3"].tags == final
    assert catalogue.tags["ITALIAN POLITICS"].reference_ids == ("09ROME3", "09ROME1")
    assert "ITALIAN" not in catalogue.tags
    assert "POLITICS" not in catalogue.tags
    assert catalogue.cables["09ROME1"].tags == ("PREL", "ITALIAN POLITICS", "IT")
    # Under embargo, a cable's phrases shape nothing: the run is words again.
    withheld = build_catalogue([writer._replace(released=""), person._replace(released=""), split], AS_OF)
    assert withheld.cables["09ROME3"].tags == words
    assert "ITALIAN POLITICS" not in withheld.tags


def test_a_phrase_made_by_a_cut_is_no_phrase_for_another_run():
    """Only the phrases parsers wrote count: a run cut at one never lends it to a third cable."""
    writer = parsed_entry("09ROME1", "PREL, GRAIN SILOS, IT", AS_OF)
    first = parsed_entry("09ROME2", "PREL GRAIN SILOS AND FODDER STORES OF THE NORTHERN PLAINS ECON", AS_OF)
    second = parsed_entry("09ROME3", "PREL FODDER STORES OF THE SOUTHERN VALLEYS AND LOWLANDS ECON", AS_OF)
    catalogue = build_catalogue([writer, first, second], AS_OF)
    assert catalogue.cables["09ROME2"].tags[:3] == ("PREL", "GRAIN SILOS", "FODDER")
    assert catalogue.cables["09ROME3"].tags[:3] == ("PREL", "FODDER", "STORES")
