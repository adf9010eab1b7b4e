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

# 7. The subject ends before a page-break line, a dash rule, a letter-spaced banner, a
# mixed-case sentence after an all-caps subject; a lone backslash line is blank.
ENDS_BEFORE = [
    ("a decimal page line", "SUBJECT: ZAMBIA VOTES\nLUSAKA 00000123 001.3 OF 003\nMORE", "ZAMBIA VOTES"),
    (
        "a page break run into a wrapped line",
        "SUBJECT: THE MAYOR'S VISIT\nTO THE TIBER ROME 00000100 001.2 OF 003\nClassified By: X",
        "THE MAYOR'S VISIT TO THE TIBER",
    ),
    ("a page break after a post of words", "SUBJECT: TALKS\nON FISH NEW DELHI 00000012 002 OF 004", "TALKS ON FISH"),
    ("a dash rule", "SUBJECT: ZIM NOTES 11-09-2009\n-----------\nSummary", "ZIM NOTES 11-09-2009"),
    ("a rule of Unicode dashes", "SUBJECT: THE BRIDGE\n\u2014\u2014\u2014\u2014\nText", "THE BRIDGE"),
    ("a letter-spaced banner", "SUBJECT: THE BRIDGE\nS E C R E T SECTION 02 OF 03 ROME 000100\n", "THE BRIDGE"),
    (
        "a mixed-case sentence after an all-caps subject",
        "SUBJECT: THE BRIDGE OVER\nTHE TIBER\nThe mayor said on Friday that it will be built.\n",
        "THE BRIDGE OVER THE TIBER",
    ),
    (
        "a redaction is no mixed case",
        "SUBJECT: THE BRIDGE OF\nxxxxxxxxxxxx; ITS COST\n\n1. Text.",
        "THE BRIDGE OF xxxxxxxxxxxx; ITS COST",
    ),
    ("a mixed-case subject goes on", "SUBJECT: The bridge over\nthe Tiber\n\n1. Text.", "The bridge over the Tiber"),
    ("a lone backslash is a blank line", "SUBJECT: THE BRIDGE\n\\\nMORE WORDS\n", "THE BRIDGE"),
]

# 8. It also ends at another label on its own line, or glued on.
ENDS_AT_LABEL = [
    ("Ref(s):", "SUBJECT: THE BRIDGE\nRef(s): A. ROME 1\n", "THE BRIDGE"),
    ("Classified By glued", "SUBJECT: FEARS OF A RISEClassified By: Ambassador X\n", "FEARS OF A RISE"),
    ("Classified By after a space", "SUBJECT: FEARS OF A RISE Classified By: Ambassador X\n", "FEARS OF A RISE"),
    ("Sensitive but unclassified", "SUBJECT: THE BRIDGE\nSENSITIVE BUT UNCLASSIFIED\n", "THE BRIDGE"),
    ("This is an action request", "SUBJECT: THE BRIDGE\nThis is an action request. See para 5.\n", "THE BRIDGE"),
    (
        "an action request run into the title",
        "SUBJECT: THE BRIDGE TALKS This cable contains an action request\n",
        "THE BRIDGE TALKS",
    ),
    (
        "ACTION REQUEST opening the subject stays",
        "SUBJECT: ACTION REQUEST: FUND THE BRIDGE\n\n1. X",
        "ACTION REQUEST: FUND THE BRIDGE",
    ),
]

# 9. Damaged labels; an empty value takes the next line; up to 8 lines; hyphens at line ends join.
DAMAGED = [
    ("UBJECT:", "UBJECT: THE BRIDGE\n\n1. Text.", "THE BRIDGE"),
    ("SUBJ:", "SUBJ: THE BRIDGE\n\n1. Text.", "THE BRIDGE"),
    ("Ubject: any case", "Ubject: the bridge\n\n1. Text.", "the bridge"),
    ("an empty value", "SUBJECT:\nTHE BRIDGE\nOVER THE TIBER\n\n1. Text.", "THE BRIDGE OVER THE TIBER"),
    ("an empty value, a blank line", "SUBJECT: \n\nTHE BRIDGE\n\n1. Text.", "THE BRIDGE"),
    (
        "eight lines",
        "SUBJECT: " + "\n".join(f"LINE{n}" for n in range(1, 11)),
        " ".join(f"LINE{n}" for n in range(1, 9)),
    ),
    ("a hyphen at a line's end", "SUBJECT: THE EU-\nRUSSIA SUMMIT\n\n1. X", "THE EU-RUSSIA SUMMIT"),
    ("after a full stop", "SUBJECT: U.S.-\nEU TALKS\n\n1. X", "U.S.-EU TALKS"),
    ("a spaced dash does not join", "SUBJECT: THE SUMMIT -\nDAY TWO\n\n1. X", "THE SUMMIT - DAY TWO"),
]


@pytest.mark.parametrize(
    "what, body, expected",
    ENDS_BEFORE + ENDS_AT_LABEL + DAMAGED,
    ids=[c[0] for c in ENDS_BEFORE + ENDS_AT_LABEL + DAMAGED],
)
def test_where_a_subject_ends_and_damaged_labels(what, body, expected):
    assert subject_of(TOP + body)[0] == expected


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
    parser ran some subjects on into a REF label or `Classified By` the dump had glued on, or
    an HTML <br>."""

    def lead(text: str) -> str:
        return re.sub(r"^[^0-9A-Z]+", "", re.sub(r"\s+", " ", text).strip().upper())

    wrong = []
    for page in original_pages:
        if page["subject"] is None:
            continue
        theirs = re.split(r"(?:REFS?|REFTEL)\s*:|<br>|Classified By", page["subject"])[0]
        ours = parse_cable(corpus_by_id[page["reference_id"]], with_blocks=False).subject
        if not lead(ours).startswith(lead(theirs)):
            wrong.append((page["reference_id"], ours[:60], theirs[:60]))
    assert wrong == []
