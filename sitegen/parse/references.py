"""Find the cables a cable refers to: the dump's References field and the REF lines of its text."""

from __future__ import annotations

import re

# canonical_reference_id: the one rule import, release and the ID box share (catalogue.py imports it here).
from sitegen.model import Reference, canonical_reference_id
from sitegen.parse.fields import CableHead
from sitegen.parse.known_posts import KNOWN_POSTS, POST_ALIASES

_REF_LABEL = re.compile(
    r"^[^\S\n]*(?:REF|REFS|REFTEL|REFTELS|REFERENCE|REFERENCES)\b[^\S\n]*[:.]?[^\S\n]*(.*)", re.I | re.M
)
# What ends a REF block: the classification line, the first paragraph, a summary or another
# label, each perhaps behind a marking (`(U) Classified by`). A line opening with a letter in
# brackets does not: `(C) 09 STATE 030541` is the block's third item.
_REF_STOP = re.compile(
    r"\s*(?:\([A-Z/]{1,6}\)\s*)?(?:CLASSIFIED\s+BY|\d{1,3}\s?\.\s|SUMMARY|BEGIN|SUBJ|TAGS|E\.\s?O\.)", re.I
)
# One reference: an optional letter label (A), A. or A); an optional year (06 or 2006); the post's
# words; the cable number. Letters are matched loosely: the post must be a known one.
_ITEM = re.compile(
    r"(?:\(([A-Za-z])\)|\b([A-Za-z])[.)])?\s*(?:\b((?:19|20)?\d{2})\s+)?([A-Za-z][A-Za-z]*(?:[ \-][A-Za-z]+){0,3})\s*(\d{1,7})\b(?![/\-]\d)"
)
MAX_REF_LINES = 16  # a REF block of (A) to (H), each on its line, with some wrapped


def dump_references(field: str) -> list[str]:
    """The dump's `|`-separated References field as canonical IDs (unparseable entries dropped)."""
    found = []
    for part in field.split("|"):
        reference_id = canonical_reference_id(part) if part.strip() else None
        if reference_id and reference_id not in found:
            found.append(reference_id)
    return found


def _post_code(words: str) -> str | None:
    """Turn `New Delhi` into NEWDELHI if it is a known post, dropping leading words that are not."""
    parts = words.upper().replace("-", " ").split()
    for start in range(len(parts)):
        code = "".join(parts[start:])
        code = POST_ALIASES.get(code, code)
        if code in KNOWN_POSTS:
            return code
    return None


def text_references(head: CableHead, own_year: str, extra_posts: frozenset[str] = frozenset()) -> list[Reference]:
    """References named on the REF/REFERENCE lines, resolved to reference IDs.

    A reference without a year takes the cable's own (`own_year`, two digits).
    """
    text = head.value_with_continuation("REF", _REF_LABEL, MAX_REF_LINES, stop=_REF_STOP)
    if text is None:
        return []
    references: list[Reference] = []
    seen: set[str] = set()
    for match in _ITEM.finditer(text):
        letter = (match.group(1) or match.group(2) or "").upper() or None
        year, words, number = match.group(3), match.group(4), match.group(5)
        post = _post_code(words)
        if post is None and words.upper().replace(" ", "") in extra_posts:
            post = words.upper().replace(" ", "")
        if post is None:
            continue
        reference_id = f"{year[-2:] if year else own_year}{post}{int(number)}"  # 2005 STATE 1 -> 05STATE1
        if reference_id not in seen:
            seen.add(reference_id)
            written = match.group(0).strip()
            references.append(Reference(letter, written, reference_id))
    return references
