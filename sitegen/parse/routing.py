"""Routing header: a cable's routing header text -> what it says to a reader about the record
(whether it is a partial extract, who it went to and how urgently) and its handling caveats."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Some early-released records are extracts; their header says so in one sentence, which the
# page shows above the body (the header itself folds away on a phone).
_PARTIAL_EXTRACT = re.compile(
    r"This\s+record\s+is\s+a\s+partial\s+extract\s+of\s+the\s+original\s+cable\.(?:\s+The\s+full\s+text[^.]*\.)?",
    re.IGNORECASE,
)


def partial_extract_notice(header: str) -> str | None:
    """The header's own "partial extract" sentence(s), or None for a record that is whole."""
    found = _PARTIAL_EXTRACT.search(header)
    return " ".join(found.group().split()) if found else None


@dataclass(frozen=True)
class Addressee:
    """One addressee of a cable as its header names it (`SECSTATE WASHDC`), `to` or `info`, with
    the precedence it was sent at (`IMMEDIATE`, else the cable's own, from its date-time line)."""

    name: str
    role: str
    precedence: str


# The date-time group line opens with the precedence's letter: `O 161034Z APR 08`.
_DTG_LINE = re.compile(r"^([ZOPR])\s+\d{6}Z\b", re.MULTILINE)
PRECEDENCES = {"Z": "FLASH", "O": "IMMEDIATE", "P": "PRIORITY", "R": "ROUTINE"}
_PRECEDENCE_WORD = re.compile(r"\s+(NIACT IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH)\b")
# `TO RUEHC/SECSTATE WASHDC IMMEDIATE 6606`, and each further addressee on a line of its own,
# which opens with a routing indicator and a slash (`RHEHNSC/NSC WASHDC`).
_ROLE_LINE = re.compile(r"^(TO|INFO)\s+(.*)$")
_MORE_LINE = re.compile(r"^R[A-Z0-9]{3,7}/\S")
_SERIAL = re.compile(r"\s+\d{1,5}$")


def addressees(header: str) -> list[Addressee]:
    """The TO and INFO addressees of a routing header, in order; none when it names none."""
    dtg = _DTG_LINE.search(header)
    default = PRECEDENCES[dtg.group(1)] if dtg else ""
    found: list[Addressee] = []
    role = ""
    for raw in header.splitlines():
        line = raw.strip()
        opened = _ROLE_LINE.match(line)
        if opened:
            role, line = opened.group(1).lower(), opened.group(2)
        elif not (role and _MORE_LINE.match(line)):
            role = ""
            continue
        found.append(_addressee(line, role, default))
    return found


def _addressee(line: str, role: str, default: str) -> Addressee:
    name = line.split("/", 1)[1] if _MORE_LINE.match(line) else line
    name = _SERIAL.sub("", name.strip())
    precedence = _PRECEDENCE_WORD.search(name)
    if precedence:
        name = (name[: precedence.start()] + name[precedence.end() :]).strip()
    return Addressee(name, role, precedence.group(1) if precedence else default)


# Handling caveats as the classification line or the cable's first lines write them.
_CAVEAT = re.compile(
    r"\b(NOFORN|NODIS|EXDIS|LIMDIS|STADIS|ORCON|SIPDIS|NOCONTRACT|PROPIN|FOR OFFICIAL USE ONLY|REL TO [A-Z ,]+?)(?=\W|$)"
)
_CAVEAT_REACH = 1200  # characters of the body's head: caveats stand on its first lines


def handling_caveats(classification: str, body: str) -> list[str]:
    """The caveats on a cable (NOFORN, SIPDIS...), each once, in the order first written."""
    text = classification.upper() + "\n" + body[:_CAVEAT_REACH].upper()
    seen: dict[str, None] = {}
    for found in _CAVEAT.finditer(text):
        seen.setdefault(" ".join(found.group(1).split()), None)
    if "SIPDIS" not in seen and "SIPDIS" in body:
        seen["SIPDIS"] = None
    return list(seen)
