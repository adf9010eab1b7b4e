"""The catalogue's rules written once (facets.py, catalogue.py), on invented cases: slug numbering,
a facet from its cables, origin neighbours, a person's spellings, where a cable is listed and
which spelling of a cite it links. build_catalogue and the stored catalogue's edit both use them."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

import pytest

from sitegen.catalogue import (
    INDEX_KINDS,
    build_catalogue,
    cited_ids,
    count_spellings,
    facet_names,
    linked_spelling,
    placements,
)
from sitegen.facets import beside, make_facet, neighbours_at, numbered_slugs, slugify, spelling_counts
from tests.sites import catalogue_entry as cable

AS_OF = "2011-01-01 00:00"


def test_slugs_are_numbered_in_name_order_whatever_order_the_names_come_in():
    names = ["PREL_", "PREL", "PREL/", "ECON"]
    expected = {"ECON": "econ", "PREL": "prel", "PREL/": "prel-2", "PREL_": "prel-3"}
    for order in itertools.permutations(names):
        assert numbered_slugs(order) == expected


def test_a_numbered_slug_skips_a_slug_a_name_has_of_its_own():
    # `PREL 2` is `prel-2` by its own name, and comes first: the clash of `PREL_` takes `prel-3`.
    assert numbered_slugs(["PREL", "PREL 2", "PREL_"]) == {"PREL": "prel", "PREL 2": "prel-2", "PREL_": "prel-3"}


def test_a_name_leaving_or_coming_moves_only_the_slugs_after_it_in_its_clash():
    before = numbered_slugs(["PREL", "PREL/", "PREL_", "ECON"])
    after = numbered_slugs(["PREL", "PREL_", "ECON"])
    assert {name for name in after if after[name] != before[name]} == {"PREL_"}
    assert after["PREL_"] == "prel-2"


def test_slugs_are_never_empty_and_never_a_path():
    assert slugify("../..") == "x"
    assert slugify("STEINBERG, JAMES B.") == "steinberg-james-b"
    assert numbered_slugs(["..", "//"]) == {"..": "x", "//": "x-2"}


def test_a_facet_runs_its_cables_day_by_day_and_month_by_month_and_gives_them_back_as_it_was_made():
    cables = [
        ("09A4", "2010-12-01 00:00", "2009-03-20"),
        ("09A3", "2010-12-01 00:00", "2009-03-05"),
        ("09A2", "2010-11-28 00:00", "2009-03-05"),
        ("09A1", "", "2009-01-31"),
    ]
    facet = make_facet("Embassy Rome", "embassy-rome", cables, (("DOE, JANE Q.", 1),))
    assert facet.reference_ids == ("09A4", "09A3", "09A2", "09A1")
    assert facet.by_day == (("2009-03-20", 1), ("2009-03-05", 2), ("2009-01-31", 1))
    assert facet.by_month == (("2009-03", 3), ("2009-01", 1))
    assert facet.month_span("2009-03") == (0, 3)
    assert facet.month_span("2009-02") == (4, 4)
    assert facet.day_span("2009-03-05") == (1, 3)
    assert facet.day_span("2009-03-06") == (4, 4)
    assert facet.days("2009-03") == [("2009-03-20", 1), ("2009-03-05", 2)]
    assert facet.days("2009-02") == []
    assert (facet.day_of(2), facet.month_of(3)) == ("2009-03-05", "2009-01")
    assert facet.dated() == cables
    assert make_facet(facet.name, facet.slug, facet.dated(), facet.spellings) == facet


def test_a_facet_is_labelled_with_the_fullest_spelling_it_keeps():
    counts = Counter({"DOE, JANE Q.": 2, "DOE, JANE Q": 1, "DOE, J.": 0})
    spellings = spelling_counts(counts)
    assert spellings == (("DOE, JANE Q", 1), ("DOE, JANE Q.", 2))  # sorted, none of count 0
    assert make_facet("DOE, JANE", "doe-jane", [("09A1", "", "2009-01-01")], spellings).label == "DOE, JANE Q."
    assert make_facet("DOE, JANE", "doe-jane", [("09A1", "", "2009-01-01")]).label == "DOE, JANE"


def test_spellings_are_counted_in_and_out_by_the_cables_that_write_them():
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    writer = cable("09A1", tags=("DOE, JANE",), person_spellings=(("DOE, JANE", "DOE, JANE Q."),))
    count_spellings(counts, writer)
    count_spellings(counts, writer)
    count_spellings(counts, writer, -1)
    assert spelling_counts(counts["DOE, JANE"]) == (("DOE, JANE Q.", 1),)
    count_spellings(counts, writer, -1)
    assert spelling_counts(counts["DOE, JANE"]) == ()


@pytest.mark.parametrize(
    "at, shown, older, newer",
    [(0, ["A", "B"], "B", None), (2, ["B", "C", "D"], "D", "B"), (4, ["D", "E"], None, "D"), (5, ["E"], None, None)],
)
def test_neighbours_are_the_cables_on_either_side_in_an_origins_list(at, shown, older, newer):
    ids = ["A", "B", "C", "D", "E"]  # newest first
    assert list(beside(ids, at)) == shown
    if at < len(ids):
        assert neighbours_at(ids, at) == (older, newer)


def test_neighbours_agree_with_the_built_catalogues_origin_list():
    entries = [cable(f"09A{n}", created=f"2009-0{n}-01 10:00") for n in range(1, 6)]
    catalogue = build_catalogue(entries, AS_OF)
    assert catalogue.origins["Embassy Rome"].reference_ids == ("09A5", "09A4", "09A3", "09A2", "09A1")
    assert catalogue.neighbours(entries[2]) == ("09A2", "09A4")
    assert catalogue.neighbours(entries[4]) == ("09A4", None)
    assert catalogue.neighbours(entries[0]) == (None, "09A2")


def test_a_cable_is_listed_under_its_origin_tags_classification_month_and_release_day():
    listed = cable("09A1", created="2009-03-04 10:00", tags=("PREL", "ECON"))
    assert dict(zip(INDEX_KINDS, placements(listed), strict=True)) == {
        "origin": ("Embassy Rome",),
        "tag": ("PREL", "ECON"),
        "classification": ("SECRET",),
        "month": ("2009-03",),
        "release": ("2010-12-01",),
    }
    assert facet_names(cable("09A2", released="", tags=()))["release"] == set()
    assert facet_names(listed)["tag"] == {"PREL", "ECON"}


def test_the_built_catalogue_lists_each_cable_where_facet_names_says():
    entries = [cable("09A1", tags=("PREL", "ECON")), cable("09A2", released="2010-11-28 00:00", origin="Embassy Paris")]
    catalogue = build_catalogue(entries, AS_OF)
    for entry in entries:
        for kind, names in facet_names(entry).items():
            for name in names:
                assert entry.reference_id in catalogue.indexes()[kind][name].reference_ids, (kind, name)
    listed = {(kind, name) for kind, facets in catalogue.indexes().items() for name in facets}
    assert listed == {(kind, name) for entry in entries for kind, names in facet_names(entry).items() for name in names}


def test_a_cite_links_the_first_released_spelling_else_the_parsers():
    spellings = ("09UNESCOPARISFR7", "09UNESCOPARIS7")
    assert linked_spelling(spellings, {"09UNESCOPARIS7"}.__contains__) == "09UNESCOPARIS7"
    assert linked_spelling(spellings, set(spellings).__contains__) == "09UNESCOPARISFR7"
    assert linked_spelling(spellings, set().__contains__) == "09UNESCOPARISFR7"
    citing = cable("09A1", references=("09UNESCOPARISFR7", "09A2"), reference_spellings=(spellings,))
    assert cited_ids(citing, {"09UNESCOPARIS7"}.__contains__) == ("09UNESCOPARIS7", "09A2")
    assert cited_ids(citing, set().__contains__) == ("09UNESCOPARISFR7", "09A2")


def test_the_catalogue_respells_only_the_cites_it_links_in_the_other_spelling():
    spellings = ("09UNESCOPARISFR7", "09UNESCOPARIS7")
    citing = cable("09A1", references=("09UNESCOPARISFR7",), reference_spellings=(spellings,))
    held = build_catalogue([citing, cable("09UNESCOPARIS7")], AS_OF)
    assert held.respelled(citing) == {"09UNESCOPARISFR7": "09UNESCOPARIS7"}
    assert held.backlinks["09UNESCOPARIS7"] == ("09A1",)
    alone = build_catalogue([citing], AS_OF)
    assert alone.respelled(citing) == {}
    assert alone.backlinks["09UNESCOPARISFR7"] == ("09A1",)
