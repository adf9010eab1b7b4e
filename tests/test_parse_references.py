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


def cited_in(body: str, reference_id: str = "09ROME100", references: str = "") -> list[str]:
    """The IDs cited by a cable whose whole body is `body`."""
    record = replace(CABLE, reference_id=reference_id, references=references, body=body)
    return [reference.reference_id for reference in parse_cable(record, with_blocks=False).text_references]


TOP = "E.O. 12958: DECL: 03/01/2019\nTAGS: PREL, IT\n"

# 1. A REF label that is not at the start of a line: mid-line it needs its colon.
LABEL_MID_LINE = [
    ("glued to the subject", TOP + "SUBJECT: FISHERIES TALKS IN QUITOREF: QUITO 77\n\n1. Text.", ["09QUITO77"]),
    (
        "after the subject on its line",
        TOP + "SUBJECT: FISHERIES TALKS STALL REF: A. LIMA 120 B. 07 LIMA 98\n\n1. Text.",
        ["09LIMA120", "07LIMA98"],
    ),
    (
        "after Classified By on its line",
        TOP
        + "SUBJECT: THE BRIDGE\n\nClassified By: Ambassador, 1.4 (b) REFTELS: A) 2008 OSLO 672, B) OSLO 5\n\n1. Text.",
        ["08OSLO672", "09OSLO5"],
    ),
    ("Ref(s): at a line's start", TOP + "SUBJECT: THE BRIDGE\nRef(s): 08 PARIS 5\n\n1. Text.", ["08PARIS5"]),
    ("REFS: glued, any case", TOP + "SUBJECT: Talks on the bridgeRefs: Rome 41\n\n1. Text.", ["09ROME41"]),
    ("mid-line without a colon is prose", TOP + "SUBJECT: THE REF LIMA 12 TALKS\n\n1. Text.", []),
    ("a label in the text after paragraph 1 is prose", TOP + "SUBJECT: X\n\n1. See the note, ref: ROME 4.", []),
]

# 2. A REF block broken by blank lines.
BLOCK_WITH_GAPS = [
    (
        "the issue's example",
        "REF: A. ACCRA 101\n\n   B. ACCRA 202\n   C. 06 LAGOS 303",
        ["09ACCRA101", "09ACCRA202", "06LAGOS303"],
    ),
    ("a label alone on its line", "REFS:\n\nA. 08 ROME 1\nB. 08 ROME 2", ["08ROME1", "08ROME2"]),
    (
        "an item wrapped across a blank line",
        "REF: (A) 08 ROME 5 (B) Kuala Lumpur\n\n00723",
        ["08ROME5", "09KUALALUMPUR723"],
    ),
    (
        "blank lines of a single space",
        "REF: A. ROME 1 \n \nB. ROME 2 \n \nC. ROME 3 ",
        ["09ROME1", "09ROME2", "09ROME3"],
    ),
    (
        "twenty items, some apart",
        "REF: "
        + "\n".join(
            f"{letter}. 08 STATE {n}" + ("\n" if n % 3 else "") for n, letter in enumerate("ABCDEFGHIJKLMNOPQRSTU", 1)
        ),
        [f"08STATE{n}" for n in range(1, 22)],
    ),
    ("prose after the gap ends it", "REF: ROME 1\n\nThe Embassy met LIMA 22 officials.", ["09ROME1"]),
    (
        "a paragraph marked (C) after the gap ends it",
        "REF: A. ROME 1\nB. ROME 2\n\n(C) The Embassy met LIMA 22 officials.",
        ["09ROME1", "09ROME2"],
    ),
    (
        "an item that is no cable keeps the block going",
        "REF: A. ROME 1\n\nB. SMITH-JONES E-MAIL OF 3/1\n\nC. ROME 3",
        ["09ROME1", "09ROME3"],
    ),
]

# 3. The year in an unusual place; a cite takes the cable's own year only without one.
YEARS = [
    ("in brackets after the number", "REF: NAIROBI 512 (07)", ["07NAIROBI512"]),
    ("in brackets before the post", "REF: (98) LAGOS 4410", ["98LAGOS4410"]),
    ("glued to the post", "REF: 08LUSAKA0412", ["08LUSAKA412"]),
    ("four digits glued", "REF: 2006MAPUTO1200", ["06MAPUTO1200"]),
    ("a letter O for a zero", "REF: O7 DAKAR 0231", ["07DAKAR231"]),
    ("an item letter before the year", "REF: C 05 OTTAWA 2970", ["05OTTAWA2970"]),
    (
        "after-year items in a list",
        "REF: A. ROME 12 (08); B. (07) PARIS 3; C. MILAN 4",
        ["08ROME12", "07PARIS3", "09MILAN4"],
    ),
    ("glued in lower case", "Ref: a. 07oslo22 b. 2005 Oslo 0031", ["07OSLO22", "05OSLO31"]),
    ("a number used is no year of the next", "REF: ROME 12 LIMA 13", ["09ROME12", "09LIMA13"]),
]

# 4. Post names as people wrote them.
POSTS = [
    ("RIO", "REF: RIO 77", ["09RIODEJANEIRO77"]),
    ("RIO DE JAN", "REF: 08 RIO DE JAN 45", ["08RIODEJANEIRO45"]),
    ("HCMC", "REF: HCMC 12", ["09HOCHIMINHCITY12"]),
    ("VAT", "REF: 07 VAT 300", ["07VATICAN300"]),
    ("without THE", "REF: HAGUE 12", ["09THEHAGUE12"]),
    ("with CITY", "REF: GUATEMALA CITY 455", ["09GUATEMALA455"]),
    ("without CITY", "REF: HO CHI MINH 9", ["09HOCHIMINHCITY9"]),
    ("an apostrophe", "REF: N'DJAMENA 404", ["09NDJAMENA404"]),
    ("a zero for an O", "REF: 06 0SLO 415", ["06OSLO415"]),
    ("a leading US", "REF: USUNESCO 7", ["09UNESCOPARISFR7"]),
    ("US and a post", "REF: USOSCE 8 USVIENNA 9", ["09USOSCE8", "09VIENNA9"]),
    ("one letter too many", "REF: NAIROBII 12", ["09NAIROBI12"]),
    ("one letter changed", "REF: COPENHAGAN 4", ["09COPENHAGEN4"]),
    ("one letter missing", "REF: BRUSELS 14", ["09BRUSSELS14"]),
    ("hyphenated words", "REF: PORT-AU-PRINCE 88", ["09PORTAUPRINCE88"]),
    ("a spelling the dump's References use wins", "REF: UNESCO 7", ["09UNESCOPARIS7"]),
    ("a paragraph is no post", "REF: STATE 12 PARA 3", ["09STATE12"]),
    ("a short form of two posts is none", "REF: SAN 12", []),
]

# 5. AND and punctuation.
PUNCTUATION = [
    ("AND", "REF: LIMA 2799 AND 2801", ["09LIMA2799", "09LIMA2801"]),
    ("a colon", "REF: STATE: 45120", ["09STATE45120"]),
    ("hyphens", "REF: 09-ACCRA-33", ["09ACCRA33"]),
    ("AND with the year kept", "REF: 07 ROME 5 & 9 AND 12", ["07ROME5", "07ROME9", "07ROME12"]),
    ("AND before another cite", "REF: ROME 5 AND 08 PARIS 6", ["09ROME5", "08PARIS6"]),
    ("a date is no number", "REF: ROME 3/1/09 EMAIL", []),
]

# 6. A page-break header inside the block is not a cite; a cable never cites itself.
PAGE_BREAKS = [
    (
        "the issue's example",
        "REF: A. DAKAR 12\nSECRET\nPAGE 02 DAKAR 00555 01 OF 02 121200Z\nB. DAKAR 13",
        ["09DAKAR12", "09DAKAR13"],
    ),
    ("a decimal page line", "REF: A. ROME 1\nROME 00000100 001.2 OF 003\nB. ROME 2", ["09ROME1", "09ROME2"]),
    ("a letter-spaced banner", "REF: A. ROME 1\nC O N F I D E N T I A L\nB. ROME 2", ["09ROME1", "09ROME2"]),
    ("its own ID run into the block", "REF: ROME 1 ROME 00000100 002 OF 003", ["09ROME1"]),
]


@pytest.mark.parametrize("what, body, expected", LABEL_MID_LINE, ids=[case[0] for case in LABEL_MID_LINE])
def test_a_ref_label_not_at_a_line_start(what, body, expected):
    assert cited_in(body) == expected


@pytest.mark.parametrize(
    "what, block, expected",
    BLOCK_WITH_GAPS + YEARS + PUNCTUATION + PAGE_BREAKS,
    ids=[case[0] for case in BLOCK_WITH_GAPS + YEARS + PUNCTUATION + PAGE_BREAKS],
)
def test_ref_blocks_as_real_cables_write_them(what, block, expected):
    assert cited(block) == expected


@pytest.mark.parametrize("what, block, expected", POSTS, ids=[case[0] for case in POSTS])
def test_post_names_as_people_wrote_them(what, block, expected):
    listed = "08UNESCOPARIS3" if "References" in what else ""
    assert cited_in(HEAD + block + TAIL, references=listed) == expected


def test_the_block_ends_at_a_pilcrow_paragraph():
    assert cited("REF: ROME 1\n\n¶1. We met PARIS 99 there.", "\n") == ["09ROME1"]


def test_a_cite_keeps_the_words_as_written_for_its_link():
    cable = parse_cable(replace(CABLE, body=HEAD + "REF: A. NAIROBI 512 (07) B. LIMA 2799 AND 2801" + TAIL))
    assert [(ref.letter, ref.text) for ref in cable.text_references] == [
        ("A", "A. NAIROBI 512 (07)"),
        ("B", "B. LIMA 2799"),
        (None, "AND 2801"),
    ]


def spellings(block: str, reference_id: str = "09ROME100", references: str = "") -> tuple[tuple[str, ...], ...]:
    record = replace(CABLE, reference_id=reference_id, references=references, body=HEAD + block + TAIL)
    return parse_cable(record, with_blocks=False).reference_spellings


# 4, last rule: where two spellings of a post exist, the catalogue links the one it holds. The
# parser names both, its own choice first (catalogue.cited_ids picks).
def test_a_cite_of_a_post_spelt_two_ways_carries_both_spellings_its_choice_first():
    assert spellings("REF: UNESCO 7") == (("09UNESCOPARISFR7", "09UNESCOPARIS7"),)
    assert spellings("REF: A. 08 UNESCOPARIS 7 B. TAIPEI 12") == (
        ("08UNESCOPARIS7", "08UNESCOPARISFR7"),
        ("09TAIPEI12", "09AITTAIPEI12"),
    )
    assert spellings("REF: AIT TAIPEI 12") == (("09AITTAIPEI12", "09TAIPEI12"),)
    assert spellings("REF: HANOI 3") == (("09HANOI3", "09AMEMBASSYHANOI3"),)


def test_a_post_spelt_one_way_or_an_id_the_dump_lists_has_one_spelling():
    assert spellings("REF: ROME 12 PARIS 3") == ()
    # The dump's References name an ID: the text's cite of it is that ID.
    assert spellings("REF: UNESCO 7", references="09UNESCOPARIS7") == ()


def test_a_cable_is_never_the_other_spelling_of_its_own_cite():
    assert spellings("REF: UNESCO 7", reference_id="09UNESCOPARIS7") == ()
