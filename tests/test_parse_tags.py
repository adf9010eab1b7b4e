"""TAGS in the forms real cables write them (every case here is invented), and their descriptions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sitegen.model import CableRecord
from sitegen.parse import parse_cable
from sitegen.parse.tag_codes import TAG_CODES

CABLE = CableRecord("09ROME100", "1", "2009-03-01 00:00", None, "SECRET", "Embassy Rome", "", "", "")
EO = "E.O. 12958: DECL: 03/01/2019\n"
REST = "SUBJECT: THE BRIDGE\n\n1. (C) Text.\n"


def tags_of(body: str) -> tuple[str, ...]:
    return parse_cable(replace(CABLE, body=body), with_blocks=False).tags


CASES = [
    ("with a colon and commas", EO + "TAGS: PREL, PGOV, IT\n" + REST, ("PREL", "PGOV", "IT")),
    ("no colon, spaces", EO + "TAGS ECON ETRD\n" + REST, ("ECON", "ETRD")),
    ("any case", EO + "Tags: econ, etrd\n" + REST, ("ECON", "ETRD")),
    ("TAG, singular", EO + "TAG KPAO\n" + REST, ("KPAO",)),
    ("AGS: that lost its first letter", EO + "AGS: ECON, IT\n" + REST, ("ECON", "IT")),
    (
        "E.O., TAGS and SUBJECT on one line",
        "E.o. 12958: decl: 03/11/2015 Tags: econ, etrd Subject: roads and ports\n\n1. Text.",
        ("ECON", "ETRD"),
    ),
    ("going on after a comma", EO + "TAGS: PREL, PGOV,\nKDEM, IT\n" + REST, ("PREL", "PGOV", "KDEM", "IT")),
    ("going on over a line of codes", EO + "TAGS: PREL PGOV\nKDEM IT\n" + REST, ("PREL", "PGOV", "KDEM", "IT")),
    ("not over a line of words", EO + "TAGS: PREL PGOV\nThe mayor met the press.\n" + REST, ("PREL", "PGOV")),
    ("a person in brackets", EO + "TAGS: OVIP (KERRY, JOHN F.) PREL\n" + REST, ("OVIP", "KERRY, JOHN", "PREL")),
    ("a person after OVIP", EO + "TAGS: OVIP KERRY JOHN PREL IT\n" + REST, ("OVIP", "KERRY, JOHN", "PREL", "IT")),
    ("a phrase tag", EO + "TAGS: PREL, REGIONAL SECURITY, IT\n" + REST, ("PREL", "REGIONAL SECURITY", "IT")),
    (
        "a phrase among codes",
        EO + "TAGS: PREL TRADE POLICY REVIEW ETRD\n" + REST,
        ("PREL", "TRADE POLICY REVIEW", "ETRD"),
    ),
    (
        "codes glued by a lost space",
        EO + "TAGS: ECONEFIN PRELPGOVKDEM\n" + REST,
        ("ECON", "EFIN", "PREL", "PGOV", "KDEM"),
    ),
    ("a code with a letter too many", EO + "TAGS: PRELL, PGOV\n" + REST, ("PREL", "PGOV")),
    ("a country's name is not glued codes", EO + "TAGS: PREL, FRANCE\n" + REST, ("PREL", "FRANCE")),
    (
        "a page break inside",
        EO + "TAGS: PREL, PGOV,\nROME 00000100  002 OF 003\nKDEM, IT\n" + REST,
        ("PREL", "PGOV", "KDEM", "IT"),
    ),
    ("SIPDIS inside", EO + "TAGS: PREL, PGOV,\nSIPDIS\nKDEM\n" + REST, ("PREL", "PGOV", "KDEM")),
    (
        "a classification banner inside",
        EO + "TAGS: PREL, PGOV,\nUNCLASSIFIED PAGE 02 MANILA 004567\nKDEM\n" + REST,
        ("PREL", "PGOV", "KDEM"),
    ),
    ("a code given twice counts once", EO + "TAGS: PREL, PREL, IT\n" + REST, ("PREL", "IT")),
    ("no TAGS line: none", EO + REST, ()),
    ("'tags' in a sentence: none", EO + REST + "\n2. The bags and tags were lost.\n", ()),
]


@pytest.mark.parametrize("what, body, expected", CASES, ids=[case[0] for case in CASES])
def test_tags_forms(what, body, expected):
    assert tags_of(body) == expected


# 13. Damaged labels.
DAMAGED_LABELS = [
    ("AGS: after other text", "E.O. 12958: DECL: 03/01/2019 AGS: PREL, IT\n" + REST, ("PREL", "IT")),
    ("TAGGS:", EO + "TAGGS: PREL, IT\n" + REST, ("PREL", "IT")),
    ("TAQS:", EO + "TAQS: PREL PGOV\n" + REST, ("PREL", "PGOV")),
    ("TGAS:", EO + "TGAS: ECON\n" + REST, ("ECON",)),
    ("TAG:", EO + "TAG: KPAO, IT\n" + REST, ("KPAO", "IT")),
    ("Tagss: any case", EO + "Tagss: econ\n" + REST, ("ECON",)),
    (
        "TAG without a colon before a code, mid-line",
        "E.O. 12958: DECL: 03/20/2019 TAG PTER, SW\n" + REST,
        ("PTER", "SW"),
    ),
    ("bags: in the text is no label", EO + REST + "\nBAGS: LOST\n", ()),
    ("a damaged label after paragraph 1 is none", EO + "SUBJECT: X\n\n1. Text.\nTAQS: PREL\n", ()),
]

# 14. A page banner run into the TAGS line ends it.
BANNERS = [
    (
        "a classification and PAGE",
        EO + "TAGS: PREL, IT CONFIDENTIAL PAGE 02 ROME 00000100 001.2 OF 003\n" + REST,
        ("PREL", "IT"),
    ),
    ("UNCLAS PAGE", EO + "TAGS: ECON ETRD UNCLAS PAGE 2\n" + REST, ("ECON", "ETRD")),
    ("five spaces", EO + "TAGS: PREL PGOV      ROME 00000100  002 OF 003\n" + REST, ("PREL", "PGOV")),
    ("on a line it goes on over", EO + "TAGS: PREL,\nPGOV SECRET PAGE 03\n" + REST, ("PREL", "PGOV")),
    ("two spaces are a space", EO + "TAGS: PREL,  PGOV\n" + REST, ("PREL", "PGOV")),
]

# 15. Continuation lines and glued codes.
CONTINUATIONS = [
    (
        "a line of codes with SUBJECT: glued on",
        EO + "TAGS: PREL, PGOV\nKDEM, ITSUBJECT: THE BRIDGE\n\n1. X",
        ("PREL", "PGOV", "KDEM", "IT"),
    ),
    (
        "a line of codes with SUBJECT: after a space",
        EO + "TAGS: ECON\nETRD SUBJECT: THE BRIDGE\n\n1. X",
        ("ECON", "ETRD"),
    ),
    ("a wrapped phrase before a label", EO + "TAGS: PREL, REGIONAL\nSECURITY\n" + REST, ("PREL", "REGIONAL SECURITY")),
    ("a wrapped phrase before E.O.", "TAGS: PREL, HUMAN\nRIGHTS WATCH\n" + EO + REST, ("PREL", "HUMAN RIGHTS WATCH")),
    ("a wrapped line not before a label", EO + "TAGS: PREL, REGIONAL\nSECURITY\n\n" + REST, ("PREL", "REGIONAL")),
    ("not words after a code", EO + "TAGS: PREL PGOV\nTHE MAYOR\n" + REST, ("PREL", "PGOV")),
    ("ECINEAIDMZ", EO + "TAGS: ECINEAIDMZ\n" + REST, ("ECIN", "EAID", "MZ")),
    ("KFLOAMEDZA", EO + "TAGS: KFLOAMEDZA, PREL\n" + REST, ("KFLO", "AMED", "ZA", "PREL")),
    ("KOCIPRELUG", EO + "TAGS KOCIPRELUG\n" + REST, ("KOCI", "PREL", "UG")),
]

# 16. Phrases and persons.
PHRASES = [
    ("a part between commas stays whole", EO + "TAGS: PREL, RTG DOMESTIC, TH\n" + REST, ("PREL", "RTG DOMESTIC", "TH")),
    ("with a country code inside", EO + "TAGS: PHUM, NGO IN ARMENIA, AM\n" + REST, ("PHUM", "NGO IN ARMENIA", "AM")),
    ("a known code inside", EO + "TAGS: PREL, EU ENLARGEMENT\n" + REST, ("PREL", "EU ENLARGEMENT")),
    ("a part of codes splits", EO + "TAGS: PREL PGOV, KDEM IT\n" + REST, ("PREL", "PGOV", "KDEM", "IT")),
    (
        "a long run without commas is split only at codes",
        EO + "TAGS PREL PUBLIC AFFAIRS OFFICE VISIT KPAO\n" + REST,
        ("PREL", "PUBLIC AFFAIRS OFFICE VISIT", "KPAO"),
    ),
    ("unknown codes stand alone", EO + "TAGS CIA INRA INRO PGOV\n" + REST, ("CIA", "INRA", "INRO", "PGOV")),
    (
        "a person after OVIP, the comma inside",
        EO + "TAGS: OVIP Doe, Jane Q., PREL, IT\n" + REST,
        ("OVIP", "DOE, JANE", "PREL", "IT"),
    ),
    ("PGOVV", EO + "TAGS: PGOVV, PREL\n" + REST, ("PGOV", "PREL")),
    ("a swapped pair", EO + "TAGS: PERL, PGOV\n" + REST, ("PERL", "PGOV")),
    ("a long code swapped", EO + "TAGS: KNNPP MNCU\n" + REST, ("KNNP", "MNCU")),
    ("ASEAN with a letter changed", EO + "TAGS: ASEAM, PREL\n" + REST, ("ASEAN", "PREL")),
]


@pytest.mark.parametrize(
    "what, body, expected",
    DAMAGED_LABELS + BANNERS + CONTINUATIONS + PHRASES,
    ids=[case[0] for case in DAMAGED_LABELS + BANNERS + CONTINUATIONS + PHRASES],
)
def test_tags_in_damaged_and_run_together_forms(what, body, expected):
    assert tags_of(body) == expected


def test_a_mended_code_shows_as_written_on_the_tags_line():
    from sitegen.render.markup import body_html

    cable = parse_cable(replace(CABLE, body=EO + "TAGS: PGOVV, PREL\n" + REST))
    assert cable.tags == ("PGOV", "PREL")
    html = str(body_html(cable.blocks, (), lambda ref: None, [(tag, f"../{tag}") for tag in cable.tags]))
    assert "PGOVV" in html
    assert '<a class="tag" href="../PGOV"' not in html


def test_new_codes_carry_a_description():
    assert all(TAG_CODES[code] for code in ("ECIN", "KFLO", "KOCI"))


def test_one_spelling_per_person_across_cables():
    spellings = {
        tags_of(EO + f"TAGS: {line}\n" + REST)[1]
        for line in ("OVIP (KERRY, JOHN F.)", "OVIP KERRY JOHN", "OVIP (KERRY, JOHN)", "OVIP Kerry, John F.")
    }
    assert spellings == {"KERRY, JOHN"}


def test_known_codes_carry_a_description():
    assert TAG_CODES["PREL"]
    assert TAG_CODES["GM"] == "Germany"
    assert TAG_CODES["KDEM"]
    assert all(code == code.upper() and len(code) >= 2 for code in TAG_CODES)


def test_tag_pages_show_the_built_in_description_unless_the_site_gives_its_own(tmp_path):
    from tests.sites import build, cable, write_site

    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])  # tagged PREL PGOV IT
    (site / "sitegen.toml").write_text('[tag_descriptions]\nPGOV = "How the country governs itself"\n')
    build(site, "2011-01-01 00:00")
    pages = {name: next((site / "output" / "tag").glob(f"{name}*/index.html"), None) for name in ("prel", "pgov", "it")}
    assert TAG_CODES["PREL"] in pages["prel"].read_text()
    assert "How the country governs itself" in pages["pgov"].read_text()
    assert "Italy" in pages["it"].read_text()


def spellings_of(line: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    cable = parse_cable(replace(CABLE, body=EO + f"TAGS: {line}\n" + REST), with_blocks=False)
    return cable.tags, cable.person_spellings


# 16. A person's page is labelled with the fullest spelling the archive has (the catalogue
# picks it); the parser keeps, beside the one tag per person, each spelling a cable writes.
PERSON_SPELLINGS = [
    (
        "the issue's example",
        "OVIP (DOE, JANE Q.), PREL",
        ("OVIP", "DOE, JANE", "PREL"),
        (("DOE, JANE", "DOE, JANE Q."),),
    ),
    (
        "a middle name after OVIP",
        "OVIP Doe, Jane Quincy PREL",
        ("OVIP", "DOE, JANE", "PREL"),
        (("DOE, JANE", "DOE, JANE QUINCY"),),
    ),
    ("no comma, an initial", "OVIP DOE JANE Q PREL", ("OVIP", "DOE, JANE", "PREL"), (("DOE, JANE", "DOE, JANE Q"),)),
    ("written as the tag: nothing kept", "OVIP (DOE, JANE), PREL", ("OVIP", "DOE, JANE", "PREL"), ()),
    ("initials only: the surname is the tag", "OVIP (ROE, J. K.)", ("OVIP", "ROE"), (("ROE", "ROE, J. K."),)),
    (
        "two spellings in one cable, one tag",
        "OVIP (DOE, JANE Q.), OVIP (DOE, JANE)",
        ("OVIP", "DOE, JANE"),
        (("DOE, JANE", "DOE, JANE Q."),),
    ),
]


@pytest.mark.parametrize("what, line, tags, spellings", PERSON_SPELLINGS, ids=[case[0] for case in PERSON_SPELLINGS])
def test_a_person_is_one_tag_and_the_spelling_written_is_kept_beside_it(what, line, tags, spellings):
    assert spellings_of(line) == (tags, spellings)


def runs_of(body: str) -> tuple[tuple[str, ...], ...]:
    return parse_cable(replace(CABLE, body=body), with_blocks=False).tag_runs


def test_a_run_too_long_for_one_phrase_is_split_into_words_and_recorded_whole() -> None:
    body = EO + "TAGS: PREL PGOV IT HARBOUR WORKS OF THE NORTHERN COAST CANAL BRIDGES\n" + REST
    assert tags_of(body) == ("PREL", "PGOV", "IT", "HARBOUR", "WORKS", "NORTHERN", "COAST", "CANAL", "BRIDGES")
    # every word kept, in order, the joining ones too: a phrase other cables write may hold them
    assert runs_of(body) == (("HARBOUR", "WORKS", "OF", "THE", "NORTHERN", "COAST", "CANAL", "BRIDGES"),)


def test_each_split_run_is_recorded_and_a_phrase_is_not() -> None:
    body = EO + "TAGS: PREL RIVER TRAFFIC PGOV GRAIN SILOS AND FODDER STORES IN THE LOWLANDS ECON\n" + REST
    assert tags_of(body) == ("PREL", "RIVER TRAFFIC", "PGOV", "GRAIN", "SILOS", "FODDER", "STORES", "LOWLANDS", "ECON")
    assert runs_of(body) == (("GRAIN", "SILOS", "AND", "FODDER", "STORES", "IN", "THE", "LOWLANDS"),)
    assert runs_of(EO + "TAGS: PREL, REGIONAL SECURITY, IT\n" + REST) == ()
