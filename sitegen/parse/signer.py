"""The signer: a cable body -> the name it is signed with, as written ("" when it names none).

A cable ends with the name of the chief of mission who sent it, on a line of its own
(`BEYRLE`, `Randt`, `DEBORAH K. JONES`) or run onto the end of the last sentence
(`... for the long term. HEARNE`). Below it may come page-break lines, SIPDIS, blank lines and
the end-of-message marks the dump keeps (`NNNN`, `BT`). Above it, anything: a cable that was
cut short (a partial extract) ends mid-text and is signed by nobody.
"""

from __future__ import annotations

import re

# A line after the signature that says nothing: blank, SIPDIS, an end-of-message mark, or a
# page break (`BERLIN 00001176  006 OF 006`: post, cable number, page of pages).
_TRAILER = re.compile(
    r"[^\S\n]*(?:SIPDIS|NNNN|BT|#+|=+|-+|[A-Z][A-Z .'\-]*?\s+\d{3,}\s+\d{3}(?:\.\d+)?\s+OF\s+\d{3})?[^\S\n]*"
)
# A name: one to three words, each capitalised (a surname, given names, initials with their
# dot), joined by spaces, hyphens or apostrophes (`LeBaron`, `O'BRIEN`, `SMITH-JONES`), perhaps
# with a suffix (`TIMKEN JR`, `Timken jr`). Four capitalised words are a heading's, not a name.
_WORD = r"(?:[A-Z][a-z]?\.|[A-Z](?:[A-Za-z]|['\-][A-Z])+)"
_SUFFIX = r"(?:[ ](?:JR|Jr|jr|SR|Sr|sr|II|III)\.?)?"
_NAME = re.compile(rf"{_WORD}(?:[ ]{_WORD}){{0,2}}{_SUFFIX}")
# A name written all in lower case, alone on the last line (`tuttle`): a single word.
_LOWER_NAME = re.compile(r"[a-z]{4,}")
# A name run onto the text before it: one or two capitalised words after a sentence's
# closing mark (`... the long term. HEARNE`, `... arms markets. Burns`), or one upper-case word
# after text that does not end in one (`... Portal:United_Kingdom TUTTLE`, `END COMMENT RAY`,
# a page break's `002 OF 002 HEARNE`).
_RUN_ON = re.compile(
    rf"(?:(?<=[.!?\"”')*])[^\S\n]+({_WORD}(?:[ ]{_WORD})?{_SUFFIX})"
    rf"|(?<=[a-z0-9_/.*])[^\S\n]*([A-Z]{{3,}}{_SUFFIX})"
    rf"|(?:\bEND COMMENT|\bEND NOTE)[^\S\n]+([A-Z]{{3,}}{_SUFFIX}))$"
)
# Words of a cable's own apparatus, never of a name: its end marks and classification lines.
_APPARATUS = frozenset(
    "END TEXT CABLE MESSAGE COMMENT SUMMARY NOTE NNNN BT SIPDIS QUOTE UNQUOTE UNCLAS UNCLASSIFIED "
    "CONFIDENTIAL SECRET NOFORN LIMITED OFFICIAL USE".split()
)
# What may trail a signature on its line: spaces, backslashes, a dot set apart (`MANZANARES .`).
_TRAILING = re.compile(r"(?:\s+\.|[\s\\])+$")
# A redaction (a run of X standing for a withheld name) is no part of a name.
_REDACTION = re.compile(r"X{5,}")


def find_signer(body: str) -> str:
    """The name the body is signed with, as written, or "" when its last line of text is no name."""
    last = _TRAILING.sub("", _last_text_line(body)).strip()
    # After a quoted cable (`... CLINTON UNQUOTE CLINTON`) the sender's name comes last.
    last = last.rpartition(" UNQUOTE ")[2]
    last = _REDACTION.sub("", last).strip()
    if _NAME.fullmatch(last) or _LOWER_NAME.fullmatch(last):
        return _named(last)
    run_on = _RUN_ON.search(last)
    return _named(next(group for group in run_on.groups() if group)) if run_on else ""


def _named(words: str) -> str:
    """`words` as a signer: "" when a word is the cable's own apparatus (`END TEXT`); a name
    written twice (`KUBISKE KUBISKE`, a signature repeated by the dump) once."""
    parts = words.split()
    if any(part.upper().rstrip(".") in _APPARATUS for part in parts):
        return ""
    half = len(parts) // 2
    if len(parts) % 2 == 0 and [p.upper() for p in parts[:half]] == [p.upper() for p in parts[half:]]:
        return " ".join(parts[:half])
    return words


def _last_text_line(body: str) -> str:
    """The body's last line that is not blank, SIPDIS, a page break or an end-of-message mark."""
    for line in reversed(body.splitlines()):
        if not _TRAILER.fullmatch(line):
            return line
    return ""
