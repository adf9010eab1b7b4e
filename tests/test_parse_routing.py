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
