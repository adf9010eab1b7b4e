"""Cut a cable body into blocks: paragraphs, blank gaps, page-break and SIPDIS lines, with their ids.

The ids follow the cable's own numbering so that links made to the original Cablegate pages
keep working: paragraph `5.` is `par5`; an unnumbered block is `parN-K`, the K-th block after
paragraph N; a cable with no numbered paragraph numbers its blocks `par1`, `par2`...

A block after a blank line opens with any paragraph number (`5.`). Inside a block, a line
that opens with the number the cable expects next (`N.`, `N)`, `(N)`, with or without a
marking) starts paragraph N there: real cables put a paragraph right under a heading's
dashes, or one to a line. A number that does not follow (a year, a list inside a paragraph)
starts nothing.
"""

from __future__ import annotations

import re

from sitegen.model import Block

# A line that is not paragraph text: blank (empty or only spaces), SIPDIS, or a page break
# (`GUANGZHOU 00029875  002 OF 006`: post, cable number, page of pages), which may have lost
# its line break and run into the text it came before (`RABAT 00001657 002 OF 002 French...`;
# the match stops a character short there, as it does before a line's newline: see split_blocks). The leading newline
# lets the regex engine jump from line to line instead of trying every character.
_SPECIAL_LINE = re.compile(
    r"\n(?:(?P<gap>[^\S\n]*(?=\n))"
    r"|(?P<sipdis>[^\S\n]*SIPDIS[^\S\n]*(?=\n))"
    r"|(?P<pagebreak>[^\S\n]*[A-Z][A-Z .'\-]*?[^\S\n]+\d{3,}[^\S\n]+\d{3}(?:\.\d+)?[^\S\n]+OF[^\S\n]+\d{3}(?:[^\S\n]*(?=\n)|[^\S\n]*(?=[^\S\n]\S))))"
)
# `5. (C) text`, `6.(S/NF) text`, `12. text`: a number that opens a paragraph, and its marking.
_NUMBERED = re.compile(r"\s*(\d{1,3})\s?\.(?!\d)[ \t]*(\((?:[A-Z]{1,6}|[A-Z]+[ /][A-Z/ ]*)\))?")
# The same with the other ways of writing a number (`5)`, `(5)`): taken only when the number
# is the one expected next, as a `(2)` in a list means nothing on its own.
_NUMBERED_ANY = re.compile(
    r"[ \t]*(?:(\d{1,3})[ \t]?[.)]|\((\d{1,3})\))(?!\d)[ \t]*(\((?:[A-Z]{1,6}|[A-Z]+[ /][A-Z/ ]*)\))?"
)
# A line ending with a month: a number on the next line is the day of a wrapped date.
_ENDS_WITH_MONTH = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?[ \t]*$",
    re.IGNORECASE,
)
# How many numbers a line inside a block may skip and still open a paragraph (a weekly's items
# 1, 3, 8, 11 after some were cut); a longer jump without a marking is something else.
MAX_SKIPPED = 4
# `15. ` at a line's start: what the original site anchored, whether or not a paragraph starts.
_DOTTED = re.compile(r"[ \t]*(\d{1,3})[ \t]?\.(?!\d)")
# Where a line inside a block may open a paragraph: after a newline, a number (cheap to find;
# whether it is the expected one is checked after).
_LINE_NUMBER = re.compile(r"\n(?=[ \t]*\(?\d{1,3}[ \t]?[.)])")
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
        kind = match.lastgroup or "par"  # one of the pattern's named groups always matched
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


def _opening_number(text: str, last: int, line_before: str) -> tuple[int, str | None] | None:
    """(number, marking) when a line inside a block, `text`, opens a paragraph after paragraph
    `last`; None when it does not.

    It does when it carries a later number and a classification marking (`12. (C)`), or,
    written `N.`, a number a little past `last` (a cable skips a number, a weekly drops an
    item), or the very next number in any spelling. A number right after a month (`on
    September` / `15. The...`) is a date wrapped onto a new line, not a paragraph."""
    match = _NUMBERED_ANY.match(text)
    if match is None:
        return None
    number = int(match.group(1) or match.group(2))
    marking = match.group(3)
    if number <= last:
        return None
    if marking and _MARKING.match(marking + " "):
        return number, marking
    if _ENDS_WITH_MONTH.search(line_before):
        return None
    dotted = match.group(1) is not None and text[match.end(1) :].lstrip(" \t").startswith(".")
    if not dotted and _NUMBERED_ANY.match(line_before):
        return None  # `5)` under `4)`: an item of a list that runs on, not a paragraph
    if number == last + 1 or (dotted and number <= last + MAX_SKIPPED + 1):
        return number, marking
    return None


# kind, text, the paragraph number it opens with and its marking, and the lines inside it that
# open with `N.` but start nothing: (offset in text, N), candidates for a line anchor.
Run = tuple[str, str, int | None, str | None, list[tuple[int, int]]]


def _numbered_runs(runs: list[tuple[str, str]]) -> list[Run]:
    """Each run with the paragraph number it opens with, `par` runs split where a line inside
    them opens a paragraph (see _opening_number). The lines that may are found in one pass
    over the whole body, not block by block: most blocks have none."""
    body = "".join(text for _, text in runs)
    lines = [match.end() for match in _LINE_NUMBER.finditer(body)]
    result: list[Run] = []
    last = 0
    position = 0
    next_line = 0
    for kind, text in runs:
        end = position + len(text)
        if kind != "par":
            result.append((kind, text, None, None, []))
            while next_line < len(lines) and lines[next_line] < end:
                next_line += 1
            position = end
            continue
        head = _NUMBERED.match(text)
        opening = (int(head.group(1)), head.group(2)) if head else _opening_number(text, last, "")
        if opening:
            last = opening[0]
        start = 0
        loose: list[tuple[int, int]] = []
        while next_line < len(lines) and lines[next_line] < end:
            at = lines[next_line] - position
            next_line += 1
            if at == 0:
                continue  # the run's own first line: its head
            line_before = text[text.rfind("\n", 0, at - 1) + 1 : at - 1]
            found = _opening_number(text[at : at + 32], last, line_before)
            if found:
                result.append(("par", text[start:at], *(opening or (None, None)), loose))
                start, opening, last, loose = at, found, found[0], []
            elif dotted := _DOTTED.match(text, at):
                loose.append((at - start, int(dotted.group(1))))
        result.append(("par", text[start:], *(opening or (None, None)), loose))
        position = end
    return result


def number_blocks(runs: list[tuple[str, str]]) -> list[Block]:
    """Give each paragraph its number, marking and id as the cable page contract spells out."""
    numbered = _numbered_runs(runs)
    any_numbered = any(run[2] is not None for run in numbered)
    blocks: list[Block] = []
    used_ids: set[str] = set()
    repeats: dict[str, int] = {}
    loose_lines: list[tuple[Block, list[tuple[int, int]]]] = []
    last_number = 0
    after_last = 0
    n = 0
    for kind, text, number, marking, loose in numbered:
        if kind != "par":
            blocks.append(Block(kind, text))
            continue
        n += 1
        if marking is None and number is None:
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
        block = Block(kind, text, n, number, marking, _unique(base, used_ids, repeats))
        blocks.append(block)
        if loose:
            loose_lines.append((block, loose))
    # A line that opens with `N.` but starts no paragraph gets `parN` when nothing else has it:
    # the original site made such a line (a date wrapped after its month) a paragraph, and links
    # made then cite it. Given after every paragraph has its id, so that none is taken from one.
    for block, loose in loose_lines:
        anchors = []
        for offset, number in loose:
            anchor = f"par{number}"
            if anchor not in used_ids:
                used_ids.add(anchor)
                anchors.append((offset, anchor))
        block.line_anchors = tuple(anchors)
    return blocks


def _unique(base: str, used: set[str], repeats: dict[str, int]) -> str:
    """`base` the first time, then `base_2`, `base_3`...: a counter per base, so a cable of
    20,000 paragraphs all numbered `1.` costs 20,000 steps, not 200 million. A base holds no
    `_`, so a suffixed id never meets another base."""
    count = repeats.get(base, 0) + 1
    repeats[base] = count
    candidate = base if count == 1 else f"{base}_{count}"
    used.add(candidate)
    return candidate
