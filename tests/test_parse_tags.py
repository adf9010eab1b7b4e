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


def test_one_spelling_per_person_across_cables():
    spellings = {
        tags_of(EO + f"TAGS: {line}\n" + REST)[1]
        for line in ("OVIP (KERRY, JOHN F.)", "OVIP KERRY JOHN", "OVIP (KERRY, JOHN)", "OVIP Kerry, John F.")
    }
    assert spellings == {"KERRY, JOHN"}


def test_known_codes_carry_a_description():
    assert TAG_CODES["PREL"] and TAG_CODES["GM"] == "Germany" and TAG_CODES["KDEM"]
    assert all(code == code.upper() and len(code) >= 2 for code in TAG_CODES)


def test_tag_pages_show_the_built_in_description_unless_the_site_gives_its_own(tmp_path):
    from sitegen.build import BuildOptions, build_site
    from tests.sites import cable, write_site

    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])  # tagged PREL PGOV IT
    (site / "sitegen.toml").write_text('[tag_descriptions]\nPGOV = "How the country governs itself"\n')
    build_site(BuildOptions(site, site / "output", "2011-01-01 00:00", jobs=1, search=False))
    pages = {name: next((site / "output" / "tag").glob(f"{name}*/index.html"), None) for name in ("prel", "pgov", "it")}
    assert TAG_CODES["PREL"] in pages["prel"].read_text()
    assert "How the country governs itself" in pages["pgov"].read_text()
    assert "Italy" in pages["it"].read_text()
