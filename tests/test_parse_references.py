"""References: the cables a cable cites on its REF lines, in the forms real cables write them
(every case here is invented), resolved to canonical reference IDs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sitegen.model import CableRecord
from sitegen.parse import parse_cable

CABLE = CableRecord("09ROME100", "1", "2009-03-01 00:00", None, "SECRET", "Embassy Rome", "", "", "")
HEAD = "E.O. 12958: DECL: 03/01/2019\nTAGS: PREL, IT\nSUBJECT: A CABLE ABOUT THINGS\n\n"
TAIL = "\n\nClassified By: Ambassador for reasons 1.4 (b) and (d)\n\n1. (C) Text.\n"


def cited(ref_block: str, tail: str = TAIL) -> list[str]:
    cable = parse_cable(replace(CABLE, body=HEAD + ref_block + tail))
    return [reference.reference_id for reference in cable.text_references]


CASES = [
    ("one cite with a year", "REF: 08 STATE 12345", ["08STATE12345"]),
    ("no year: the cable's own", "REF: STATE 12345", ["09STATE12345"]),
    ("a four-digit year", "REF: 2007 MANILA 1234", ["07MANILA1234"]),
    ("a year written wins over the cable's", "REF: A. 06 LIMA 4410 B. 98 BONN 1234", ["06LIMA4410", "98BONN1234"]),
    ("letters A. B) (C) on one line", "REF: A. ROME 1; B) 08 ROME 2; (C) PARIS 3", ["09ROME1", "08ROME2", "09PARIS3"]),
    ("letters without punctuation", "REF: A ROME 11 B ROME 12", ["09ROME11", "09ROME12"]),
    (
        "a block over several lines, each lettered",
        "REF: (A) 08 STATE 61194\n(B) 7 FAM 180\n(C) 09 STATE 30541\n(D) 04 STATE 61816",
        ["08STATE61194", "09STATE30541", "04STATE61816"],
    ),
    (
        "a block whose cites wrap",
        "REF: A. 07 SAO PAULO 512; B) 07 SAOPAULO\n0044\nC. STATE 12345",
        ["07SAOPAULO512", "07SAOPAULO44", "09STATE12345"],
    ),
    ("separated by commas", "REF: ROME 1, ROME 2, MILAN 3", ["09ROME1", "09ROME2", "09MILAN3"]),
    ("posts written with spaces", "REF: A. NEW DELHI 77 B. HONG KONG 2000", ["09NEWDELHI77", "09HONGKONG2000"]),
    (
        "missions to international organisations",
        "REF: A. USUN NEW YORK 1234 B. USNATO 55 C. USEU BRUSSELS 12 D. UNVIE VIENNA 9 E. USEU 13",
        ["09USUNNEWYORK1234", "09USNATO55", "09USEUBRUSSELS12", "09UNVIEVIENNA9", "09USEUBRUSSELS13"],
    ),
    ("the Department as SECSTATE", "REF: SECSTATE 4321", ["09STATE4321"]),
    ("leading zeros dropped", "REF: 07 TBILISI 0619", ["07TBILISI619"]),
    ("FAM citations are not cables", "REF: A. 7 FAM 180 B. 2 FAM 227 C. ROME 5", ["09ROME5"]),
    ("tasking numbers are not cables", "REF: A. C-RE9-01234 B. ROME 6", ["09ROME6"]),
    ("e-mails are not cables", "REF: A. JONES-SMITH EMAIL 3/1/09 B. ROME 7", ["09ROME7"]),
    ("REFTEL", "REFTEL: ROME 123", ["09ROME123"]),
    ("REFS and REFERENCE", "REFS: ROME 8\nREFERENCE: PARIS 9", ["09ROME8", "09PARIS9"]),
    ("any case", "Ref: a) Rome 10; b) 08 Paris 11", ["09ROME10", "08PARIS11"]),
    ("REF: NONE", "REF: NONE", []),
    ("a cite given twice counts once", "REF: A. ROME 1 B. ROME 1", ["09ROME1"]),
]


@pytest.mark.parametrize("what, block, expected", CASES, ids=[case[0] for case in CASES])
def test_ref_block_forms(what, block, expected):
    assert cited(block) == expected


def test_the_block_ends_at_the_classification_line_even_behind_a_marking():
    block = "REF: (A) ROME 1\n(B) ROME 2"
    assert cited(block, "\n(U) Classified by: D. Smith, reasons 1.4 (c).\nPARIS 99 is mentioned here.\n") == [
        "09ROME1",
        "09ROME2",
    ]


def test_the_block_ends_at_the_first_paragraph_without_a_blank_line():
    assert cited("REF: ROME 1\n1. (C) We discussed PARIS 99 with them.", "\n") == ["09ROME1"]


def test_every_cite_links_in_the_metadata_and_on_the_cite_in_the_text():
    from sitegen.render.markup import body_html

    cable = parse_cable(replace(CABLE, body=HEAD + "REF: (A) 08 STATE 61194\n(B) 7 FAM 180\n(C) 09 STATE 30541" + TAIL))
    html = str(body_html(cable.blocks, cable.text_references, lambda ref: f"../{ref}.html"))
    assert '<a class="ref" href="../08STATE61194.html">(A) 08 STATE 61194</a>' in html
    assert '<a class="ref" href="../09STATE30541.html">(C) 09 STATE 30541</a>' in html
    assert {"08STATE61194", "09STATE30541"} <= set(cable.references)
