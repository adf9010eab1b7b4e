"""The signer in the forms real cables write it (every case here is invented)."""

from __future__ import annotations

import json
import re

import pytest

from sitegen.parse.signer import find_signer
from tests.sites import PUBLISHED_CONFIG, build, cable, write_site

TEXT = "1. (C) The mayor opened the bridge.\n\n2. (C) Comment: It will hold. End comment.\n"

SIGNED = [
    ("upper case, alone", TEXT + "KOWALCZYK\n", "KOWALCZYK"),
    ("mixed case, alone", TEXT + "Kowalczyk\n", "Kowalczyk"),
    ("after a blank line and with trailing spaces", TEXT + "\n\nKOWALCZYK   \n", "KOWALCZYK"),
    ("given name and initial", TEXT + "MARGIT T. OSTROWSKI\n", "MARGIT T. OSTROWSKI"),
    ("two-word surname", TEXT + "VAN DER BERG\n", "VAN DER BERG"),
    ("inner capital", TEXT + "McTavish\n", "McTavish"),
    ("apostrophe and hyphen", TEXT + "O'DELL-HART\n", "O'DELL-HART"),
    ("suffix", TEXT + "PRENTICE JR\n", "PRENTICE JR"),
    ("all lower case", TEXT + "prentice\n", "prentice"),
    ("page break below", TEXT + "ZAGREB 00000412  003 OF 003\n\nKOWALCZYK\n", "KOWALCZYK"),
    (
        "page break, SIPDIS and end mark after",
        TEXT + "KOWALCZYK\n\nSIPDIS\nZAGREB 00000412  003 OF 003\nNNNN\n",
        "KOWALCZYK",
    ),
    ("run onto the last sentence, upper case", "1. (C) It will hold for the long term. KOWALCZYK\n", "KOWALCZYK"),
    ("run onto the last sentence, mixed case", "1. (C) It will hold for the long term. Kowalczyk\n", "Kowalczyk"),
    ("run onto a page break", "1. (C) It will hold.\nZAGREB 00000412 002 OF 002 KOWALCZYK\n", "KOWALCZYK"),
    ("run onto the end of a comment", "1. (C) COMMENT: IT WILL HOLD. END COMMENT KOWALCZYK\n", "KOWALCZYK"),
    ("run onto a web address", "Visit our site: http://www.example.sgov.gov/p/zagreb KOWALCZYK\n", "KOWALCZYK"),
    ("written twice", TEXT + "KOWALCZYK KOWALCZYK\n", "KOWALCZYK"),
    ("after a quoted cable", TEXT + "QUOTE ... PRENTICE UNQUOTE KOWALCZYK\n", "KOWALCZYK"),
    ("a stray dot set apart", TEXT + "KOWALCZYK .\n", "KOWALCZYK"),
    ("a redacted given name", TEXT + "XXXXXXXXXXXX KOWALCZYK\n", "KOWALCZYK"),
]

UNSIGNED = [
    ("ends mid-sentence (a partial extract)", "1. (C) The mayor opened the bridge and ...\n"),
    ("ends with a full stop", TEXT),
    ("ends with End comment", "1. (C) Comment: It will hold. End Comment.\n"),
    ("an end mark in mixed case", TEXT + "End Cable Text\n"),
    ("a classification line", TEXT + "CONFIDENTIAL\n"),
    ("a redaction alone", TEXT + "XXXXXXXXXXXX\n"),
    ("a heading of four words", TEXT + "THE BRIDGE WILL HOLD\n"),
    ("a lower-case word that ends a sentence", "1. (C) It serves our interests.\n"),
    ("only blank lines and page breaks", "\n\nZAGREB 00000412  001 OF 001\n\n"),
    ("empty", ""),
]


@pytest.mark.parametrize("body, signer", [case[1:] for case in SIGNED], ids=[case[0] for case in SIGNED])
def test_a_signature_is_found_as_written(body, signer):
    assert find_signer(body) == signer


@pytest.mark.parametrize("body", [case[1] for case in UNSIGNED], ids=[case[0] for case in UNSIGNED])
def test_a_cable_that_ends_otherwise_has_no_signer(body):
    assert find_signer(body) == ""


def test_the_real_cables_signers_are_names(corpus_records):
    """Most real cables are signed; what is found is always a name, never the cable's apparatus."""
    signers = [find_signer(record.body) for record in corpus_records]
    named = [signer for signer in signers if signer]
    assert len(named) >= 0.85 * len(corpus_records), f"{len(named)} of {len(corpus_records)} signed"
    not_names = [s for s in named if re.search(r"\b(?:END|TEXT|NNNN|SECRET|CONFIDENTIAL|XXXXX)", s, re.I)]
    assert not_names == []
    assert all(len(signer.split()) <= 4 for signer in named)


def test_the_cable_page_and_its_twin_show_the_signer_escaped(tmp_path):
    body = "1. (C) The bridge will hold for the long term.\n\nO'DELL-HART\n"
    unsigned = "1. (C) The bridge will hold and ...\n"
    site = write_site(
        tmp_path / "site",
        [cable("09ROME1", "2010-12-01 00:00", body=body), cable("09ROME2", "2010-12-01 00:00", body=unsigned)],
    )
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    build(site)
    page = (site / "output" / "cable" / "2009" / "01" / "09ROME1.html").read_text()
    assert '<th scope="row">Signed</th><td>O&#39;DELL-HART</td>' in page
    twin = json.loads((site / "output" / "cable" / "2009" / "01" / "09ROME1.json").read_text())
    assert twin["signer"] == "O'DELL-HART"
    other = (site / "output" / "cable" / "2009" / "01" / "09ROME2.html").read_text()
    assert '<th scope="row">Signed</th>' not in other
    assert json.loads((site / "output" / "cable" / "2009" / "01" / "09ROME2.json").read_text())["signer"] == ""
