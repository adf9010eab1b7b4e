"""Cut a cable body into blocks: paragraphs, blank gaps, page-break and SIPDIS lines, with their ids.

The ids follow the cable's own numbering so that links made to the original Cablegate pages
keep working: paragraph `5.` is `par5`; an unnumbered block is `parN-K`, the K-th block after
paragraph N; a cable with no numbered paragraph numbers its blocks `par1`, `par2`...
"""

from __future__ import annotations

import re

from sitegen.model import Block

# A line that is not paragraph text: blank (empty or only spaces), SIPDIS, or a page break
# (`GUANGZHOU 00029875  002 OF 006`: post, cable number, page of pages). The leading newline
# lets the regex engine jump from line to line instead of trying every character.
_SPECIAL_LINE = re.compile(
    r"\n(?:(?P<gap>[^\S\n]*(?=\n))"
    r"|(?P<sipdis>[^\S\n]*SIPDIS[^\S\n]*(?=\n))"
    r"|(?P<pagebreak>[^\S\n]*[A-Z][A-Z .'\-]*?[^\S\n]+\d{3,}[^\S\n]+\d{3}(?:\.\d+)?[^\S\n]+OF[^\S\n]+\d{3}[^\S\n]*(?=\n)))"
)
# `5. (C) text`, `6.(S/NF) text`, `12. text`: a number that opens a paragraph, and its marking.
_NUMBERED = re.compile(r"\s*(\d{1,3})\s?\.(?!\d)[ \t]*(\((?:[A-Z]{1,6}|[A-Z]+[ /][A-Z/ ]*)\))?")
_MARKING = re.compile(r"\s*(\((?:U|C|S|SBU|TS|[UCS]/[A-Z/ ]+|SBU/[A-Z/ ]+|[UCS]//[A-Z/ ]+)\))(?=\s)")


def split_blocks(body: str) -> list[tuple[str, str]]:
    """The body as (kind, text) runs; joined together the texts give back the body exactly.

    Blank lines gather into one `gap` run; page-break and SIPDIS lines stand alone; the text
    between them is a `par` run. Each run keeps its line breaks.
    """
    runs: list[tuple[str, str]] = []
    size = len(body)
    position = 0
    # Framed by newlines, every line of the body starts right after one: line offsets in the
    # body equal match offsets in the frame.
    for match in _SPECIAL_LINE.finditer(f"\n{body}\n"):
        start = match.start()
        end = min(match.end(), size)
        if start >= size:
            break
        kind = match.lastgroup
        if start > position:
            runs.append(("par", body[position:start]))
        elif kind == "gap" and runs and runs[-1][0] == "gap":
            runs[-1] = ("gap", runs[-1][1] + body[start:end])
            position = end
            continue
        runs.append((kind, body[start:end]))
        position = end
    if position < size:
        runs.append(("par", body[position:]))
    return runs


def number_blocks(runs: list[tuple[str, str]]) -> list[Block]:
    """Give each paragraph its number, marking and id as the cable page contract spells out."""
    heads = [_NUMBERED.match(text) if kind == "par" else None for kind, text in runs]
    any_numbered = any(heads)
    blocks: list[Block] = []
    used_ids: set[str] = set()
    last_number = 0
    after_last = 0
    n = 0
    for (kind, text), head in zip(runs, heads, strict=True):
        if kind != "par":
            blocks.append(Block(kind, text))
            continue
        n += 1
        number = int(head.group(1)) if head else None
        if head:
            marking = head.group(2)
        else:
            mark = _MARKING.match(text)
            marking = mark.group(1) if mark else None
        if number is not None:
            last_number, after_last = number, 0
            base = f"par{number}"
        elif any_numbered:
            after_last += 1
            base = f"par{last_number}-{after_last}"
        else:
            base = f"par{n}"
        blocks.append(Block(kind, text, n, number, marking, _unique(base, used_ids)))
    return blocks


def _unique(base: str, used: set[str]) -> str:
    candidate, suffix = base, 1
    while candidate in used:
        suffix += 1
        candidate = f"{base}_{suffix}"
    used.add(candidate)
    return candidate
