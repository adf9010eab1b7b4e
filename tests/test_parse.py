"""The parser on real cables and on damage: fields, references, paragraphs, and never a crash."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.model import CableRecord
from sitegen.parse import parse_cable
from sitegen.parse.references import canonical_reference_id

EMPTY = CableRecord("09ROME1", "1", "2009-01-01 00:00", None, "SECRET", "Embassy Rome", "", "", "")


def test_guangzhou_fields_paragraphs_and_references(corpus_by_id):
    cable = parse_cable(corpus_by_id["06GUANGZHOU29875"])
    assert cable.subject == 'IPR Enforcement in South China: USTR-led Interagency Journey into the "Heart of Darkness"'
    assert cable.tags == ("KIPR", "ECON", "ETRD", "WTRO", "CH")
    assert cable.eo == "E.O. 12958: N/A"
    assert [(r.letter, r.reference_id) for r in cable.text_references] == [
        ("A", "06GUANGZHOU20753"),
        ("B", "06GUANGZHOU15230"),
    ]
    assert cable.summary.startswith("Following JCCT IPR Working Group meetings in Beijing")
    assert cable.summary.endswith("reduce overall levels of piracy.")
    ids = [p.id for p in cable.paragraphs]
    assert ids[:3] == ["par0-1", "par0-2", "par0-3"]
    assert "par1" in ids
    assert "par2" in ids
    assert "par1-1" in ids
    first = next(p for p in cable.paragraphs if p.id == "par1")
    assert first.number == 1
    assert first.marking == "(SBU)"
    breaks = [b.text.strip() for b in cable.blocks if b.kind == "pagebreak"]
    assert breaks[0] == "GUANGZHOU 00029875  002 OF 006"
    assert len(breaks) == 5
    assert not any("OF 006" in p.text for p in cable.paragraphs)


def test_old_cable_without_routing_line(corpus_by_id):
    cable = parse_cable(corpus_by_id["66BUENOSAIRES2481"])
    assert cable.subject == "EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS"
    assert cable.tags == ("EFIS", "PBTS", "AR")
    assert cable.references[0] == "66STATE106206"
    assert [p.number for p in cable.paragraphs if p.number] == list(range(1, 9))


def test_references_separated_by_colons_take_the_cables_own_year(corpus_by_id):
    cable = parse_cable(corpus_by_id["72TEHRAN1164"])
    assert [r.reference_id for r in cable.text_references] == ["72TEHRAN1091", "72TEHRAN263", "72MOSCOW1603"]
    assert cable.summary
    assert cable.summary.startswith("GENERAL AZIMI")


def test_person_tags_keep_their_name(corpus_records):
    tagged = [parse_cable(r) for r in corpus_records if "(STEINBERG, JAMES B.)" in r.body]
    assert tagged, "the corpus has a cable tagged with a person"
    for cable in tagged:
        assert "STEINBERG, JAMES" in cable.tags
        assert "OVIP" in cable.tags


def test_every_corpus_body_is_given_back_by_its_blocks(corpus_records):
    for record in corpus_records:
        cable = parse_cable(record)
        assert "".join(block.text for block in cable.blocks) == record.body
        ids = [p.id for p in cable.paragraphs]
        assert len(ids) == len(set(ids)), record.reference_id
        assert all(p.kind == "par" and p.text.strip() for p in cable.paragraphs)


def test_sipdis_and_page_break_lines_are_not_paragraphs():
    body = "1. (C) First.\n \nSIPDIS\n \nROME 00000001  002 OF 002\n \n2. (S/NF) Second.\ncontinues\n"
    cable = parse_cable(replace(EMPTY, body=body))
    assert [(p.id, p.marking) for p in cable.paragraphs] == [("par1", "(C)"), ("par2", "(S/NF)")]
    assert [b.kind for b in cable.blocks] == ["par", "gap", "sipdis", "gap", "pagebreak", "gap", "par"]


def test_unnumbered_cable_numbers_blocks_in_reading_order():
    cable = parse_cable(replace(EMPTY, body="First block\n\nSecond block\n\n\nThird"))
    assert [p.id for p in cable.paragraphs] == ["par1", "par2", "par3"]
    assert [p.number for p in cable.paragraphs] == [None, None, None]


def test_repeated_number_gets_a_suffix_not_a_duplicate():
    cable = parse_cable(replace(EMPTY, body="1. a\n\n2. b\n\nnote\n\n2. again\n\nmore"))
    assert [p.id for p in cable.paragraphs] == ["par1", "par2", "par2-1", "par2_2", "par2-1_2"]


def test_wrapped_subject_and_tags_are_joined():
    body = "E.O. 12958: DECL: 01/01/2019\nTAGS: PREL, PGOV,\nKPAO, IZ\nSUBJECT: A LONG SUBJECT\nTHAT WRAPS \n\n1. (U) Text."
    cable = parse_cable(replace(EMPTY, body=body))
    assert cable.tags == ("PREL", "PGOV", "KPAO", "IZ")
    assert cable.subject == "A LONG SUBJECT THAT WRAPS"


def test_reference_forms_resolve_to_ids():
    body = "SUBJECT: X\n\nREF: A. 06 BEIJING 1234 B. STATE 12345; C) 08 TBILISI 0619\n\n1. (C) Text."
    cable = parse_cable(replace(EMPTY, body=body))
    assert [(r.letter, r.reference_id) for r in cable.text_references] == [
        ("A", "06BEIJING1234"),
        ("B", "09STATE12345"),
        ("C", "08TBILISI619"),
    ]


def test_canonical_reference_ids():
    assert canonical_reference_id("06 TBILISI 0619") == "06TBILISI619"
    assert canonical_reference_id("07STATE124823") == "07STATE124823"
    assert canonical_reference_id("not a reference") is None


def test_partial_extract_with_run_together_labels(corpus_records):
    extracts = [parse_cable(r) for r in corpus_records if r.header.startswith("This record is a partial extract")]
    assert extracts
    with_tags = [c for c in extracts if c.tags]
    assert len(with_tags) >= len(extracts) * 0.8
    for cable in with_tags:  # the labels run together with TAGS do not leak into them
        assert not any(word in tag for tag in cable.tags for word in ("SUBJ", "E.O", "DECL", "12958")), cable.tags


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_never_raises_on_any_text(text):
    cable = parse_cable(replace(EMPTY, body=text, header=text[:50], references=text[:30]))
    assert "".join(block.text for block in cable.blocks) == text


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_parser_survives_real_cables_with_random_damage(corpus_records, seed):
    rng = random.Random(seed)
    record = rng.choice(corpus_records)
    body = list(record.body)
    for _ in range(rng.randint(1, 40)):
        position = rng.randrange(len(body) + 1)
        action = rng.random()
        if action < 0.4 and body:
            del body[position : position + rng.randint(1, 200)]
        elif action < 0.8:
            body.insert(
                position,
                rng.choice(["\n", "SUBJECT:", "TAGS ", "REF: ", " 1. (C)", "(", "\x00", "\udcff", "END SUMMARY"]),
            )
        else:
            body[position:position] = list(rng.choice(corpus_records).body[:300])
    damaged = "".join(body)
    cable = parse_cable(replace(record, body=damaged))
    assert "".join(block.text for block in cable.blocks) == damaged
