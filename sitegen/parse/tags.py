"""TAGS: the codes a cable is filed under, read the way real cables write the line.

`TAGS: PREL, PGOV, IT`, `TAGS ECON ETRD`, `Tags: econ, etrd`, `TAG KPAO`, `AGS: ECON` (a line
that lost its first letter), and E.O., TAGS and SUBJECT on one line. The line goes on while
the next one is more tags (the line ends with a comma, or the next holds only codes); page
breaks, SIPDIS and classification banners inside it are skipped. Codes are told from words
by the known codes (tag_codes.py) and their shape (2-4 letters): a run of words is one
phrase tag (`REGIONAL SECURITY`), a name after OVIP or in brackets one person written
`SURNAME, GIVEN`, codes glued by a lost space are split (`ECONEFIN`), and a code with one
letter too many is mended (`PRELL`).
"""

from __future__ import annotations

import re

from sitegen.parse.fields import CableHead, collapse
from sitegen.parse.tag_codes import TAG_CODES

MAX_TAG_LENGTH = 40
# A run of more words than this has lost the commas between its phrases, which cannot be told
# apart then: each word is a tag of its own.
MAX_PHRASE_WORDS = 3
MAX_MORE_LINES = 4
# The label at a line's start, any case, colon or not (`AGS:` lost its T and needs the colon);
# or after other text on the line (E.O. ... Tags: ...), then with a colon.
_LABEL = re.compile(
    r"^[^\S\n]*(?:TAGS?\b[^\S\n]*:?|AGS[^\S\n]*:)[^\S\n]*(.*)|[^\S\n](?:TAGS?)[^\S\n]*:[^\S\n]*(.*)", re.I | re.M
)
# Where the value stops on its own line: the next label.
_NEXT_LABEL = re.compile(r"\b(?:SUBJ(?:ECT)?\s*:|SUBJECT\b|REFS?\s*:|REFTEL\b)", re.I)
# A line that ends the tags: another label or the text.
_ENDS_TAGS = re.compile(r"\s*(?:SUBJ|REF|E\.?\s?O\.?\s*\d|CLASSIFIED\s+BY|\d{1,3}\s?\.|\()", re.I)
# A line inside the tags that is not tags: SIPDIS, a page break, a classification banner.
_NOISE_LINE = re.compile(
    r"\s*(?:SIPDIS\s*$|(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\b.*\bPAGE\s+\d|[A-Z][A-Z .'\-]*\s\d{3,}\s+\d{3}\s+OF\s+\d{3}))",
    re.I,
)
_NOT_TAGS = frozenset({"SIPDIS", "UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "NOFORN", "SBU", "PAGE"})
_WORDS_IN_PHRASES = frozenset({"AND", "OF", "THE", "FOR", "ON", "IN", "TO", "AT", "BY", "WITH", "ANTI", "NON"})
# Program tags that a person's name follows (`OVIP KERRY JOHN`).
_PERSON_TAGS = frozenset({"OVIP"})
_ITEM = re.compile(r"\(([^()]*)\)|([^\s,;()]+)|([,;])")
_CODE_SHAPE = re.compile(r"[A-Z][A-Z0-9]{1,3}|[A-Z]{2,4}-\d")
_GLUE_PARTS = sorted((code for code in TAG_CODES if code.isalpha()), key=len, reverse=True)


def find_tags(head: CableHead) -> tuple[str, ...]:
    """TAGS in order, deduplicated: codes (`PREL`), phrases and persons (`STEINBERG, JAMES`)."""
    value = _tags_text(head)
    if not value:
        return ()
    tags: list[str] = []
    for tag in _read_tags(value):
        if tag and len(tag) <= MAX_TAG_LENGTH and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _tags_text(head: CableHead) -> str | None:
    """The TAGS value with the lines it goes on over, joined by spaces."""
    position = head.upper.find("AGS")
    found = None
    while position != -1 and found is None:
        start, end = head.line_at(position)
        found = _LABEL.search(head.text, start, end)
        position = head.upper.find("AGS", end) if found is None else position
    if found is None:  # `TAG KPAO`: the singular, at a line's start
        position = head.upper.find("TAG ")
        while position != -1 and found is None:
            start, end = head.line_at(position)
            found = _LABEL.match(head.text, start, end)
            position = head.upper.find("TAG ", end) if found is None else position
    if found is None:
        return None
    first = found.group(1) if found.group(1) is not None else found.group(2)
    label_on_own_line = _NEXT_LABEL.search(first)
    if label_on_own_line:
        return first[: label_on_own_line.start()]
    parts = [first]
    following = head.text[end + 1 :].split("\n", MAX_MORE_LINES + 2)[: MAX_MORE_LINES + 2]
    for line in following:
        if not line.strip() or _ENDS_TAGS.match(line):
            break
        if _NOISE_LINE.match(line):
            continue
        if not (parts[-1].rstrip().endswith(",") or _only_codes(line)):
            break
        parts.append(line)
    return " ".join(parts)


def _only_codes(line: str) -> bool:
    words = re.split(r"[\s,;]+", line.strip().upper())
    return bool(words) and all(word in TAG_CODES or _CODE_SHAPE.fullmatch(word) for word in words if word)


def _read_tags(value: str) -> list[str]:
    """Tags from the value: commas and semicolons part them; inside a part, codes stand alone
    and the words between them make one phrase, or one person after OVIP."""
    tags: list[str] = []
    words: list[str] = []
    after_person_tag = False

    def close_words() -> None:
        nonlocal after_person_tag
        if words:
            if after_person_tag:
                tags.append(_person(words))
            elif len(words) > MAX_PHRASE_WORDS:
                tags.extend(word for word in words if word not in _WORDS_IN_PHRASES)
            else:
                tags.append(" ".join(words))
            words.clear()
        after_person_tag = False

    for bracketed, word, separator in _ITEM.findall(value):
        if separator:
            if after_person_tag and len(words) == 1:
                continue  # `OVIP Kerry, John F.`: the comma between surname and given names
            close_words()
        elif bracketed:
            close_words()
            tags.append(
                _person(bracketed.replace(",", " , ").split()) if "," in bracketed else collapse(bracketed).upper()
            )
        else:
            word = word.strip(".:").upper()
            if not word or word in _NOT_TAGS or word.isdigit():
                continue
            if after_person_tag and word not in TAG_CODES:
                words.append(word)  # a name goes on until a known code: JOHN is no code here
                continue
            codes = _as_codes(word)
            if codes is None or (word in _WORDS_IN_PHRASES):
                words.append(word)
                continue
            close_words()
            tags.extend(codes)
            after_person_tag = codes[-1] in _PERSON_TAGS
    close_words()
    return tags


def _as_codes(word: str) -> list[str] | None:
    """The code(s) a word is, or None when it is an ordinary word (part of a phrase)."""
    if word in TAG_CODES:
        return [word]
    if len(word) > 4 and word.isalpha():
        glued = _split_glued(word)
        if glued:
            return glued
        mended = _mended(word)
        if mended:
            return [mended]
    if _CODE_SHAPE.fullmatch(word):
        return [word]
    return None


def _split_glued(word: str) -> list[str] | None:
    """`PRELPGOVKDEM` -> PREL, PGOV, KDEM: codes a lost space ran together, when the whole word
    is known codes and one of them is longer than a country's two letters (FR+AN+CE is France)."""
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(word) + 1):
        for code in _GLUE_PARTS:
            start = end - len(code)
            if start in best and word[start:end] == code:
                candidate = best[start] + [code]
                if end not in best or len(candidate) < len(best[end]):
                    best[end] = candidate
    parts = best.get(len(word))
    if parts and len(parts) > 1 and any(len(part) >= 4 for part in parts):
        return parts
    return None


def _mended(word: str) -> str | None:
    """`PRELL` -> PREL: a word one letter longer than exactly one known four-letter code."""
    if len(word) != 5:
        return None
    found = {word[:i] + word[i + 1 :] for i in range(5)} & _FOUR_LETTER_CODES
    return found.pop() if len(found) == 1 else None


_FOUR_LETTER_CODES = frozenset(code for code in TAG_CODES if len(code) == 4 and code.isalpha())


def _person(words: list[str]) -> str:
    """A person tag as `SURNAME, GIVEN`, one spelling whatever the cable wrote: `KERRY, JOHN F.`,
    `(KERRY, JOHN)` and `KERRY JOHN` all give KERRY, JOHN (middle names and initials dropped)."""
    text = " ".join(words).upper()
    surname, comma, given = text.partition(",")
    if not comma:
        surname, _, given = text.partition(" ")
    given_names = [name for name in given.replace(".", " ").split() if len(name) > 1]
    surname = collapse(surname)
    return f"{surname}, {given_names[0]}" if given_names else surname
