"""The summary in the forms real cables write it (every case here is invented)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sitegen.model import CableRecord
from sitegen.parse import parse_cable

CABLE = CableRecord("09ROME100", "1", "2009-03-01 00:00", None, "SECRET", "Embassy Rome", "", "", "")
TOP = "E.O. 12958: DECL: 03/01/2019\nTAGS: PREL, IT\nSUBJECT: THE BRIDGE\n\nClassified By: Ambassador, 1.4 (b)\n\n"


def summary_of(body: str) -> str | None:
    return parse_cable(replace(CABLE, body=TOP + body)).summary


CASES = [
    (
        "Summary: to End summary",
        "1. (C) Summary: The mayor will build it. End summary.\n\n2. (C) More.",
        "The mayor will build it.",
    ),
    (
        "BEGIN SUMMARY",
        "1. BEGIN SUMMARY: THE MAYOR WILL BUILD IT. END SUMMARY.\n\n2. MORE.",
        "THE MAYOR WILL BUILD IT.",
    ),
    (
        "no End summary: to the paragraph's end",
        "1. (C) Summary: The mayor will build it.\nSoon.\n\n2. (C) More.",
        "The mayor will build it. Soon.",
    ),
    (
        "no End summary, next paragraph on the next line",
        "1. (C) Summary: It will be built.\n2. (C) More.",
        "It will be built.",
    ),
    (
        "a heading with dashes",
        "SUMMARY\n-------\n1. (C) The mayor will build it. End Summary.\n\n2. (C) More.",
        "The mayor will build it.",
    ),
    (
        "a heading with spaced dashes",
        "Summary\n- - - -\n1. (C) The mayor will build it.\n\n2. (C) More.",
        "The mayor will build it.",
    ),
    (
        "a heading run onto the line before",
        "reasons 1.4 (b). Summary -------\n\n1. (C) It will be built.\n\n2. More.",
        "It will be built.",
    ),
    (
        "a heading, then the label again",
        "Summary\n-------\n1. (C) SUMMARY: It will be built. END SUMMARY.\n",
        "It will be built.",
    ),
    (
        "over two paragraphs to End summary",
        "1. (C) Summary: First part.\n\n2. (C) Second part. End summary.\n\n3. More.",
        "First part. Second part.",
    ),
    (
        "Summary and comment",
        "1. (S/NF) Summary and Comment: It will be built. End summary and comment.\n",
        "It will be built.",
    ),
    (
        "Introduction and summary",
        "1. (SBU) Introduction and Summary: It will be built. End summary.\n",
        "It will be built.",
    ),
    ("a marking with a release", "1. (C/REL NATO) SUMMARY: It will be built. END SUMMARY.\n", "It will be built."),
    (
        "a label after a lost line break",
        "reasons 1.4 (b), (d) 1. (C) Summary: It will be built. End Summary.\n",
        "It will be built.",
    ),
    ("End of summary", "1. (C) Summary: It will be built. End of summary.\n", "It will be built."),
    (
        "page breaks and SIPDIS left out",
        "1. (C) Summary: It will\nROME 00000100  002 OF 003\nSIPDIS\nbe built. End summary.\n",
        "It will be built.",
    ),
    (
        "a summary that opens with a year",
        "Summary\n-------\n1. (C) 2008 was a record year. End summary.\n",
        "2008 was a record year.",
    ),
    (
        "a wrapped date inside keeps its day",
        "1. (C) Summary: They met on September\n15. It went well. End summary.\n",
        "They met on September 15. It went well.",
    ),
    ("no summary label: none", "1. (C) The mayor will build it.\n\n2. (C) More.", None),
    ("'in summary' in a sentence: none", "1. (C) The mayor spoke. In summary, he agreed.\n", None),
    ("End summary alone closes paragraph 1", "1. (C) The mayor spoke. End summary.\n", "The mayor spoke."),
]


@pytest.mark.parametrize("what, body, expected", CASES, ids=[case[0] for case in CASES])
def test_summary_forms(what, body, expected):
    assert summary_of(body) == expected


# 10. Label variants.
LABELS = [
    (
        "Summary and Request for Guidance",
        "1. (C) Summary and Request for Guidance. The mayor asks us. End Summary and Request for Guidance.\n",
        "The mayor asks us.",
    ),
    ("Summary and action request", "1. (S) SUMMARY AND ACTION REQUEST: FUND IT. END SUMMARY.\n", "FUND IT."),
    ("Summary/Recommendation:", "1. (C) Summary/Recommendation: Fund the bridge. End summary.\n", "Fund the bridge."),
    ("Summary / Comment:", "Summary / Comment: It is late.\n\n2. More.", "It is late."),
    ("Summary & Comment:", "1. (S) SUMMARY & COMMENT: IT IS LATE. END SUMMARY & COMMENT.\n", "IT IS LATE."),
    ("underlined with equals", "Summary\n=======\n\n1. (C) It will be built.\n\n2. More.", "It will be built."),
    (
        "underlined with Unicode dashes",
        "SUMMARY\n\u2014\u2014\u2014\u2014\n1. (C) It will be built.\n\n2. More.",
        "It will be built.",
    ),
    ("underlined with en dashes", "Summary\n\u2013\u2013\u2013\n1. It is built.\n\n2. More.", "It is built."),
]

# 11. `End Summary` with no opening label closes the text from paragraph 1 or the last heading.
CLOSED_ONLY = [
    (
        "from paragraph 1",
        "1. (C) The mayor spoke.\n\n2. (C) He agreed. End Summary.\n\n3. More.",
        "The mayor spoke. He agreed.",
    ),
    (
        "from after the last heading",
        "1. (U) This is an action request.\n\n-------\nOverview\n-------\n\n2. (C) He agreed. End summary.\n",
        "He agreed.",
    ),
    ("End and Summary on two lines", "1. (C) The mayor spoke. End\nSummary.\n\n2. More.", "The mayor spoke."),
    ("a bare SUMMARY word opening it", "1. (C) SUMMARY The mayor spoke. END SUMMARY\n\n2. More.", "The mayor spoke."),
    ("no paragraph 1: the paragraph it closes", "Prose first.\n\nThe mayor spoke. End summary.\n", "The mayor spoke."),
]

# 12. The summary ends at a dash rule, even one run into its last line.
RULES = [
    (
        "a rule on its last line",
        "1. (C) Summary: They signed the agreement. -------- Background --------\n\n2. More.",
        "They signed the agreement.",
    ),
    (
        "a rule on the next line",
        "1. (C) Summary: They signed.\n--------\nBackground\n--------\n2. More.",
        "They signed.",
    ),
    ("before End summary", "Summary: They signed.\n=====\nComment\n=====\nIt is good. End summary.\n", "They signed."),
    ("two dashes are a dash", "1. (C) Summary: They signed -- at last. End summary.\n", "They signed -- at last."),
]


@pytest.mark.parametrize(
    "what, body, expected", LABELS + CLOSED_ONLY + RULES, ids=[case[0] for case in LABELS + CLOSED_ONLY + RULES]
)
def test_summary_labels_closings_and_rules(what, body, expected):
    assert summary_of(body) == expected
