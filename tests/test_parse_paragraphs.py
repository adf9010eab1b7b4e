"""Paragraphs: ids that follow each cable's own numbering, on invented cables and on every real one
the original site showed (its ¶ anchors must land on the same paragraph here)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from sitegen.model import CableRecord
from sitegen.parse import parse_cable
from sitegen.render.markup import body_html

EMPTY = CableRecord("09ROME1", "1", "2009-01-01 00:00", None, "SECRET", "Embassy Rome", "", "", "")


def ids_and_openings(body: str) -> list[tuple[str, str]]:
    """Each paragraph's id and its first 12 characters, stripped."""
    return [(p.id, p.text.strip()[:12]) for p in parse_cable(replace(EMPTY, body=body)).paragraphs]


def numbered(body: str) -> list[str]:
    return [p.id for p in parse_cable(replace(EMPTY, body=body)).paragraphs if p.number is not None]


CASES = [
    # (what it shows, body, the ids of numbered paragraphs)
    ("blank lines between", "1. (C) One.\n\n2. (C) Two.\n\n3. (C) Three.\n", ["par1", "par2", "par3"]),
    ("one to a line", "1. First point.\n2. Second point.\n3. Third point.\n", ["par1", "par2", "par3"]),
    ("right under a heading's dashes", "1. (C) One.\n\nTHE HARBOUR\n-----------\n2. (C) Two.\n", ["par1", "par2"]),
    ("under a heading of equals signs", "1. (C) One.\n\n====\nTRADE\n====\n2. (C) Two.\n", ["par1", "par2"]),
    ("on the line after the last ends", "1. (SBU) It ended here.\n2. (SBU) And this began.\n", ["par1", "par2"]),
    ("marking without a space", "1.(C) One.\n\n2.(S/NF) Two.\n", ["par1", "par2"]),
    ("written N)", "1) (C) One.\n2) (C) Two.\n", ["par1", "par2"]),
    ("written (N)", "(1) (C) One.\n(2) (C) Two.\n", ["par1", "par2"]),
    ("a year opening a line", "1. (C) In the elections of\n2006. The party won.\n\n2. (C) Next.\n", ["par1", "par2"]),
    (
        "a date wrapped after its month",
        "1. (C) They met on September\n15. The talks went well.\n\n2. (C) Next.\n",
        ["par1", "par2"],
    ),
    ("a list inside a paragraph", "3. (C) The points were:\n1. roads\n2. ports\n\n4. (C) Next.\n", ["par3", "par4"]),
    ("a skipped number with a marking", "1. (C) One.\n\nHEADING\n-------\n5. (C) Five.\n", ["par1", "par5"]),
    (
        "a weekly's items with some cut",
        "1. Summary.\nThe week.\n3. Roads... Text.\n8. Ports... Text.\n",
        ["par1", "par3", "par8"],
    ),
    ("a jump too far without a marking", "1. One.\nWe counted\n40. of them.\n", ["par1"]),
    ("a list of N) after a paragraph", "4. (C) Topics:\n1) Trade\n2) Aid\n5) Roads\n", ["par4"]),
    ("page break on its own line", "1. (C) One.\n \nROME 00000001  002 OF 002\n \n2. (C) Two.\n", ["par1", "par2"]),
    ("page break glued to the text after it", "1. (C) One.\nROME 00000001  002 OF 002 2. (C) Two.\n", ["par1", "par2"]),
    ("a repeated number", "1. (C) One.\n\n2. (C) Two.\n\n2. (C) Again.\n", ["par1", "par2", "par2_2"]),
]


@pytest.mark.parametrize("what, body, expected", CASES, ids=[case[0] for case in CASES])
def test_numbered_paragraphs_follow_the_cables_numbering(what, body, expected):
    assert numbered(body) == expected
    cable = parse_cable(replace(EMPTY, body=body))
    assert "".join(block.text for block in cable.blocks) == body  # nothing lost or moved


def test_a_heading_above_a_paragraph_is_a_block_of_its_own():
    body = "1. (C) One.\n\nRECENT GESTURES\n---------------\n2. (C) Since November, officials...\n"
    assert ids_and_openings(body) == [("par1", "1. (C) One."), ("par1-1", "RECENT GESTU"), ("par2", "2. (C) Since")]


def test_a_page_break_glued_to_text_is_shown_apart_and_the_text_kept():
    body = "1. (C) French firms\nRABAT 00001657  002 OF 002 French companies invest.\n"
    cable = parse_cable(replace(EMPTY, body=body))
    assert [(b.kind, b.text) for b in cable.blocks] == [
        ("par", "1. (C) French firms\n"),
        ("pagebreak", "RABAT 00001657  002 OF 002 "),
        ("par", "French companies invest.\n"),
    ]


def test_lettered_sub_paragraphs_keep_the_designs_ids():
    body = "4. (C) The plan:\n\nA. Roads.\n\nB. Ports.\n\n5. (C) Next.\n"
    assert [i for i, _ in ids_and_openings(body)] == ["par4", "par4-1", "par4-2", "par5"]


def test_a_wrapped_date_is_anchored_on_its_line_not_made_a_paragraph():
    body = "1. (C) Charge called on the Minister on September\n15. Charge told him the US appreciates it.\n\n2. (C) Next.\n"
    cable = parse_cable(replace(EMPTY, body=body))
    first = cable.paragraphs[0]
    assert first.id == "par1"
    assert first.line_anchors == ((first.text.index("15."), "par15"),)
    html = str(body_html(cable.blocks, (), lambda ref: None))
    assert 'September</span>\n<span class="line"><span class="line-anchor" id="par15"></span>15. Charge told' in html
    # A number that a paragraph has keeps its paragraph: no line takes its id.
    body = "1. (C) On June\n2. we met.\n\n2. (C) Second.\n"
    assert parse_cable(replace(EMPTY, body=body)).paragraphs[0].line_anchors == ()


def test_every_original_anchor_lands_on_the_same_paragraph(original_pages, corpus_by_id):
    """Each ¶ id the original gave (the year-numbered ones were its mistakes) is here, on a
    paragraph with that number or on the line that opens with it."""
    missing = []
    for page in original_pages:
        cable = parse_cable(corpus_by_id[page["reference_id"]])
        where: dict[str, str] = {}
        for paragraph in cable.paragraphs:
            where.setdefault(paragraph.id, paragraph.text)
            for offset, anchor in paragraph.line_anchors:
                where[anchor] = paragraph.text[offset:]
        for anchor in dict.fromkeys(page["par_ids"]):
            if re.fullmatch(r"par\d{4,}", anchor):
                continue
            text = where.get(anchor)
            number = anchor[3:]
            if text is None or not re.match(rf"\s*\(?{number}\s?[.)]", text):
                missing.append((page["reference_id"], anchor, (text or "")[:40]))
    assert missing == []


def test_twenty_thousand_paragraphs_numbered_alike_get_distinct_ids_in_order():
    """A hostile cable (every paragraph numbered `1.`): each repeat takes the next suffix."""
    body = "".join(f"1. (C) Paragraph {index}.\n\n" for index in range(20_000))
    ids = numbered(body)
    assert ids[:3] == ["par1", "par1_2", "par1_3"]
    assert ids[-1] == "par1_20000"
    assert len(set(ids)) == 20_000


class _CountingSet(set):
    """A set that counts the membership tests made on it."""

    checks = 0

    def __contains__(self, item: object) -> bool:
        _CountingSet.checks += 1
        return super().__contains__(item)


def test_repeated_numbers_cost_a_bounded_number_of_lookups_each(monkeypatch):
    """Issue 28: ids were found by trying every suffix from 1, so n repeats cost n² look-ups
    (20,000 paragraphs numbered `1.` took 17 s). Counted, not timed: a few look-ups a paragraph."""
    from sitegen.parse import paragraphs

    monkeypatch.setattr(paragraphs, "set", _CountingSet, raising=False)
    _CountingSet.checks = 0
    count = 2_000
    assert len(numbered("".join(f"1. (C) Paragraph {index}.\n\n" for index in range(count)))) == count
    assert _CountingSet.checks <= 3 * count
