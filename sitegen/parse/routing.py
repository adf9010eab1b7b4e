"""Routing header: a cable's routing header text -> what it says to a reader about the record
(whether it is a partial extract)."""

from __future__ import annotations

import re

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
