"""What a routing header tells a reader: whether the record is a partial extract."""

from __future__ import annotations

from sitegen.parse.routing import partial_extract_notice

EXTRACT_HEADER = (
    "S E C R E T SECTION 01 OF 02 OSLO 000123\n"
    "This record is a partial extract of the original cable. The full text of the original\n"
    "cable is not available.\n"
)


def test_a_partial_extract_gives_its_own_sentence():
    assert partial_extract_notice(EXTRACT_HEADER) == (
        "This record is a partial extract of the original cable. The full text of the original cable is not available."
    )


def test_a_whole_record_has_no_notice():
    assert partial_extract_notice("VZCZCXRO1234\nRR RUEHWEB\nDE RUEHOS #0123/01 0101010\n") is None
    assert partial_extract_notice("") is None


from sitegen.parse.routing import Addressee, addressees, handling_caveats  # noqa: E402

# An invented header in the shape real ones have.
HEADER = """VZCZCXRO1111
PP RUEHXX
DE RUEHOS #0123/01 0101010
ZNY CCCCC ZZH
P 011010Z JAN 09
FM AMEMBASSY OSLO
TO RUEHC/SECSTATE WASHDC IMMEDIATE 4242
RUEHSW/AMEMBASSY BERN 0007
INFO RUEHZL/NORDIC COLLECTIVE
RHEHNSC/NSC WASHDC
"""


def test_addressees_are_read_with_their_role_and_precedence():
    assert addressees(HEADER) == [
        Addressee("SECSTATE WASHDC", "to", "IMMEDIATE"),
        Addressee("AMEMBASSY BERN", "to", "PRIORITY"),
        Addressee("NORDIC COLLECTIVE", "info", "PRIORITY"),
        Addressee("NSC WASHDC", "info", "PRIORITY"),
    ]


def test_a_header_without_addressees_gives_none():
    assert addressees("") == []
    assert addressees("This record is a partial extract of the original cable.") == []


def test_handling_caveats_come_from_the_classification_and_the_first_lines_once_each():
    body = "C O N F I D E N T I A L SECTION 01 OF 02 OSLO 000123\n\nNOFORN\nSIPDIS\n\nE.O. 12958\n"
    assert handling_caveats("CONFIDENTIAL//NOFORN", body) == ["NOFORN", "SIPDIS"]
    assert handling_caveats("UNCLASSIFIED//FOR OFFICIAL USE ONLY", "text") == ["FOR OFFICIAL USE ONLY"]
    assert handling_caveats("SECRET", "nothing to see") == []
