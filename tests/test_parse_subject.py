"""The subject line in the forms real cables write it (every case here is invented)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from sitegen.model import CableRecord
from sitegen.parse import parse_cable

CABLE = CableRecord("09ROME100", "1", "2009-03-01 00:00", None, "SECRET", "Embassy Rome", "", "", "")


def subject_of(body: str) -> tuple[str, str | None]:
    cable = parse_cable(replace(CABLE, body=body))
    return cable.subject, cable.subject_marking


TOP = "E.O. 12958: DECL: 03/01/2019\nTAGS: PREL, IT\n"
CASES = [
    ("plain", TOP + "SUBJECT: ROME MAYOR PLANS A NEW BRIDGE\n\n1. (C) Text.", "ROME MAYOR PLANS A NEW BRIDGE"),
    ("SUBJ:", TOP + "SUBJ: ROME MAYOR PLANS A BRIDGE\n\n1. Text.", "ROME MAYOR PLANS A BRIDGE"),
    ("no colon", TOP + "SUBJECT ROME MAYOR PLANS A BRIDGE\n\n1. Text.", "ROME MAYOR PLANS A BRIDGE"),
    ("any case", TOP + "Subject: Rome mayor plans a bridge\n\n1. Text.", "Rome mayor plans a bridge"),
    (
        "wraps over lines",
        TOP + "SUBJECT: ROME MAYOR PLANS\nA NEW BRIDGE OVER\nTHE TIBER\n\n1. Text.",
        "ROME MAYOR PLANS A NEW BRIDGE OVER THE TIBER",
    ),
    ("ends at REF", TOP + "SUBJECT: THE BRIDGE\nREF: ROME 12\n\n1. Text.", "THE BRIDGE"),
    ("ends at REFERENCE", TOP + "SUBJECT: THE BRIDGE\nREFERENCE: A) ROME 12\n\n1. Text.", "THE BRIDGE"),
    (
        "ends at Classified By",
        TOP + "SUBJECT: THE BRIDGE\nClassified By: Ambassador, 1.4 (b)\n\n1. Text.",
        "THE BRIDGE",
    ),
    ("ends at a page break", TOP + "SUBJECT: THE BRIDGE\nROME 00000100  002 OF 003\nMORE\n", "THE BRIDGE"),
    ("ends at a numbered paragraph", TOP + "SUBJECT: THE BRIDGE\n1. (C) Text follows.", "THE BRIDGE"),
    ("ends at a marked paragraph", TOP + "SUBJECT: THE BRIDGE\n(C) Summary: text.", "THE BRIDGE"),
    ("ends at SIPDIS", TOP + "SUBJECT: THE BRIDGE\nSIPDIS\nMORE", "THE BRIDGE"),
    (
        "ends at Sensitive but unclassified",
        TOP + "SUBJECT: THE BRIDGE\nSensitive but unclassified. Not for internet.\n",
        "THE BRIDGE",
    ),
    (
        "a wrapped part in brackets continues",
        TOP + "SUBJECT: THE BRIDGE, PART I\n(THE PLANS)\n\n1. Text.",
        "THE BRIDGE, PART I (THE PLANS)",
    ),
    (
        "HTML entities decoded",
        TOP + "SUBJECT: MAYOR&#8217;S BRIDGE &amp; TUNNEL\n\n1. Text.",
        "MAYOR\u2019S BRIDGE & TUNNEL",
    ),
    (
        "line-continuation backslashes dropped",
        TOP + "SUBJECT: THE MAYOR'S \\\nBRIDGE \\\n\n1. Text.",
        "THE MAYOR'S BRIDGE",
    ),
    (
        "on one line with E.O. and TAGS",
        "E.o. 12958: decl: 03/11/2015 Tags: econ, etrd Subject: roads and ports\n\n1. Text.",
        "roads and ports",
    ),
    (
        "a REF run into its last word",
        TOP + "SUBJECT: WHO WOULD REPLACE THE PRIMEREF: A. ROME 1\n\n1. Text.",
        "WHO WOULD REPLACE THE PRIME",
    ),
    ("not 'subject to' in a sentence", "1. The plan is\nsubject to approval by parliament.\n", ""),
]


@pytest.mark.parametrize("what, body, expected", CASES, ids=[case[0] for case in CASES])
def test_subject_forms(what, body, expected):
    assert subject_of(body)[0] == expected


@pytest.mark.parametrize("marking", ["(C)", "(S/NF)", "(SBU)", "(U)", "(C//NF)", "(s)"])
def test_a_leading_marking_is_read_as_the_subjects_marking(marking):
    """It stays in the subject too, as the original site's titles showed it (and links cite it)."""
    assert subject_of(TOP + f"SUBJECT: {marking} THE BRIDGE\n\n1. Text.") == (f"{marking} THE BRIDGE", marking.upper())


def test_a_subject_without_marking_has_none():
    assert subject_of(TOP + "SUBJECT: THE BRIDGE (AND TUNNEL)\n\n1. Text.") == ("THE BRIDGE (AND TUNNEL)", None)


def test_our_subject_begins_with_the_original_sites(original_pages, corpus_by_id):
    """Compared as the original printed it, up to where the rule says a subject ends: its
    parser ran some subjects on into a REF label the dump had glued on, or an HTML <br>."""

    def lead(text: str) -> str:
        return re.sub(r"^[^0-9A-Z]+", "", re.sub(r"\s+", " ", text).strip().upper())

    wrong = []
    for page in original_pages:
        if page["subject"] is None:
            continue
        theirs = re.split(r"(?:REFS?|REFTEL)\s*:|<br>", page["subject"])[0]
        ours = parse_cable(corpus_by_id[page["reference_id"]], with_blocks=False).subject
        if not lead(ours).startswith(lead(theirs)):
            wrong.append((page["reference_id"], ours[:60], theirs[:60]))
    assert wrong == []
