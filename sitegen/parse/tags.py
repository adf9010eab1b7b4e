"""TAGS: the codes a cable is filed under, read the way real cables write the line.

`TAGS: PREL, PGOV, IT`, `TAGS ECON ETRD`, `Tags: econ, etrd`, `TAG KPAO`, a label that lost or
doubled a letter (`AGS:`, `TAGGS:`, `TAQS:`, `TGAS:`), and E.O., TAGS and SUBJECT on one line.
The line goes on while the next one is more tags (the line ends with a comma, the next holds
only codes, or the next is the rest of a phrase and a label follows it); page breaks, SIPDIS
and classification banners inside it are skipped, and a banner run into it ends it. Codes are
told from words by the known codes (tag_codes.py): a part between commas that holds words
stays one tag (`RTG DOMESTIC`); in a line without commas, words between known codes make one
phrase (`REGIONAL SECURITY`), and a run too long for one phrase gives its words, the run kept
(read_tags) for the catalogue to cut again at the phrases and persons other released cables
write (phrases.final_tags: `ITALIAN POLITICS` stays whole, never ITALIAN and POLITICS); a
name after OVIP or in brackets is one person, tagged `SURNAME, GIVEN` (the spelling written
is kept beside it for the person's page: read_tags); codes glued by a lost space are split (`ECONEFIN`), and a code misspelt by one letter is
mended (`PRELL`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from sitegen.parse.fields import CableHead, collapse
from sitegen.parse.tag_codes import TAG_CODES

MAX_TAG_LENGTH = 40
MAX_MORE_LINES = 4
MAX_WRAPPED_WORDS = 3  # the rest of a phrase wrapped onto the next line
# The label at a line's start, any case, colon or not (`AGS:` lost its T and needs the colon);
# or after other text on the line (E.O. ... Tags: ...), then with a colon.
_LABEL = re.compile(
    r"^[^\S\n]*(?:TAGS?\b[^\S\n]*:?|AGS[^\S\n]*:)[^\S\n]*(.*)|[^\S\n](?:TAGS?|AGS)[^\S\n]*:[^\S\n]*(.*)", re.I | re.M
)
# After other text without its colon only before a known code (`DECL: 03/20/2019 TAG PTER, PGOV`).
_LABEL_BEFORE_CODE = re.compile(r"[^\S\n]TAGS?[^\S\n]+([A-Z].*)", re.I)
# A damaged label (`TAGGS:`, `TAQS:`, `TGAS:`): a word one letter from TAGS, then its colon.
_DAMAGED_LABEL = re.compile(r"(?:^|(?<=\s))([A-Z]{3,5})[^\S\n]*:[^\S\n]*(.*)", re.I | re.M)
_FIRST_PARAGRAPH = re.compile(r"\n[^\S\n]*1\s?\.\s")  # a damaged label is looked for before it
# Where the value stops on its own line: the next label.
_NEXT_LABEL = re.compile(r"\b(?:SUBJ(?:ECT)?\s*:|SUBJECT\b|REFS?\s*:|REFTEL\b)", re.I)
# Where a line of codes stops: `SUBJECT:` run into its end (`KDEM, ITSUBJECT: ...`).
_GLUED_SUBJECT = re.compile(r"SUBJ(?:ECT)?\s*:", re.I)
# A line that ends the tags: another label or the text.
_ENDS_TAGS = re.compile(r"\s*(?:SUBJ|REF|E\.?\s?O\.?\s*\d|CLASSIFIED\s+BY|\d{1,3}\s?\.|\()", re.I)
# A line that follows a wrapped phrase: a label.
_LABEL_LINE = re.compile(r"\s*(?:SUBJ|REF|E\.?\s?O\.?\s*\d|CLASSIFIED\s+BY)", re.I)
# A line inside the tags that is not tags: SIPDIS, a page break, a classification banner.
_NOISE_LINE = re.compile(
    r"\s*(?:SIPDIS\s*$|(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\b.*\bPAGE\s+\d|[A-Z][A-Z .'\-]*\s\d{3,}\s+\d{3}\s+OF\s+\d{3}))",
    re.I,
)
# A page banner run into the line ends its tags: a classification word and `PAGE nn`, or a
# run of five or more spaces.
_RUN_IN_BANNER = re.compile(r"\b(?:UNCLAS(?:SIFIED)?|CONFIDENTIAL|SECRET)\s+PAGE\s+\d.*|[^\S\n]{5,}\S.*", re.I)
_NOT_TAGS = frozenset({"SIPDIS", "UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "NOFORN", "SBU", "PAGE"})
_WORDS_IN_PHRASES = frozenset({"AND", "OF", "THE", "FOR", "ON", "IN", "TO", "AT", "BY", "WITH", "ANTI", "NON"})
# Program tags that a person's name follows (`OVIP KERRY JOHN`).
_PERSON_TAGS = frozenset({"OVIP"})
_ITEM = re.compile(r"\(([^()]*)\)|([^\s,;()]+)|([,;])")
_SEPARATORS = re.compile(r"[\s,;]+")
_CODE_SHAPE = re.compile(r"[A-Z][A-Z0-9]{1,3}|[A-Z]{2,4}-\d")
_GLUE_PARTS = sorted((code for code in TAG_CODES if code.isalpha()), key=len, reverse=True)
MIN_MENDED = 5  # a shorter word is one letter from too many codes


def find_tags(head: CableHead) -> tuple[str, ...]:
    """TAGS in order, deduplicated: codes (`PREL`), phrases and persons (`STEINBERG, JAMES`)."""
    return read_tags(head)[0]


Runs = tuple[tuple[str, ...], ...]


def read_tags(head: CableHead) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...], Runs]:
    """The tags (as find_tags); for each person the cable writes fuller than its tag, the tag
    and the spelling written (`STEINBERG, JAMES`, `STEINBERG, JAMES B.`): one tag per person,
    whose page the catalogue labels with the fullest spelling the archive writes; and each run
    of words too long for one phrase, which gave its words as tags (the catalogue keeps whole
    the phrases of it other cables write: catalogue.final_tags)."""
    value = _tags_text(head)
    if not value:
        return (), (), ()
    tags: list[str] = []
    spellings: list[tuple[str, str]] = []
    runs: list[tuple[str, ...]] = []
    for written in _read_tags(value, runs):
        tag = person_tag(written) if "," in written else written  # only a person holds a comma
        if not tag or len(tag) > MAX_TAG_LENGTH:
            continue
        if tag not in tags:
            tags.append(tag)
        if written != tag and len(written) <= MAX_TAG_LENGTH and (tag, written) not in spellings:
            spellings.append((tag, written))
    return tuple(tags), tuple(spellings), tuple(runs)


def _find_label(head: CableHead) -> tuple[re.Match[str], int] | None:
    """The TAGS label's match (its value in group 1 or 2) and the end of its line."""
    position = head.upper.find("AGS")
    while position != -1:
        start, end = head.line_at(position)
        found = _LABEL.search(head.text, start, end) or _LABEL_BEFORE_CODE.search(head.text, start, end)
        if found and (found.re is _LABEL or found.group(1).split()[0].strip(",;").upper() in TAG_CODES):
            return found, end
        position = head.upper.find("AGS", end)
    position = head.upper.find("TAG ")  # `TAG KPAO`: the singular, at a line's start
    while position != -1:
        start, end = head.line_at(position)
        found = _LABEL.match(head.text, start, end) or _LABEL_BEFORE_CODE.search(head.text, start, end)
        if found and (found.re is _LABEL or found.group(1).split()[0].strip(",;").upper() in TAG_CODES):
            return found, end
        position = head.upper.find("TAG ", end)
    first_paragraph = _FIRST_PARAGRAPH.search(head.text)
    for found in _DAMAGED_LABEL.finditer(head.text, 0, first_paragraph.start() if first_paragraph else len(head.text)):
        word = found.group(1)
        if not word.islower() and _one_edit(word.upper(), "TAGS"):
            return found, head.line_at(found.start(2))[1]
    return None


def _tags_text(head: CableHead) -> str | None:
    """The TAGS value with the lines it goes on over, joined by spaces."""
    found = _find_label(head)
    if found is None:
        return None
    label, end = found
    first = (
        label.group(2) if label.re is _DAMAGED_LABEL else next(group for group in label.groups() if group is not None)
    )
    ends = [found.start() for found in (_RUN_IN_BANNER.search(first), _NEXT_LABEL.search(first)) if found]
    if ends:
        return first[: min(ends)]  # a banner or the next label on the line: no more lines
    parts = [first]
    following = head.text[end + 1 :].split("\n", MAX_MORE_LINES + 3)[: MAX_MORE_LINES + 3]
    for number, line in enumerate(following[: MAX_MORE_LINES + 2]):
        if not line.strip() or _ENDS_TAGS.match(line):
            break
        if _NOISE_LINE.match(line):
            continue
        ends = [found.start() for found in (_RUN_IN_BANNER.search(line), _GLUED_SUBJECT.search(line)) if found]
        cut = min(ends) if ends else None
        codes = line[:cut]
        if parts[-1].rstrip().endswith(",") or _only_codes(codes):
            parts.append(codes)
            if cut is not None:
                break  # the tags end where the banner or the subject begins
            continue
        if _wraps_phrase(parts[-1], line, following[number + 1 :]):
            parts[-1] = f"{parts[-1].rstrip()} {line.strip()}"  # `REGIONAL` / `SECURITY`: one phrase
        break
    return " ".join(parts)


def _only_codes(line: str) -> bool:
    words = re.split(r"[\s,;]+", line.strip().upper())
    return any(words) and all(word in TAG_CODES or _CODE_SHAPE.fullmatch(word) for word in words if word)


def _wraps_phrase(before: str, line: str, after: list[str]) -> bool:
    """Whether `line` is the rest of a phrase the line before broke off (`PREL, REGIONAL` /
    `SECURITY`): a few upper-case words after a word that is no code, and a label next."""
    last = re.split(r"[\s,;]+", before.strip())[-1].upper() if before.strip() else ""
    words = line.split()
    return (
        bool(last)
        and last not in TAG_CODES
        and not _CODE_SHAPE.fullmatch(last)
        and 0 < len(words) <= MAX_WRAPPED_WORDS
        and line.upper() == line
        and bool(after)
        and _LABEL_LINE.match(after[0]) is not None
    )


def _read_tags(value: str, runs: list[tuple[str, ...]]) -> list[str]:
    """Tags from the value: commas and semicolons part them. A part between commas that holds a
    word stays whole (`RTG DOMESTIC`); otherwise known codes stand alone, the words between
    them make one phrase, or one person after OVIP, and unknown codes stand alone too. A run
    split into words is added to `runs`."""
    words = _SEPARATORS.split(value.upper())
    if "(" not in value and all(word in TAG_CODES for word in words if word):
        return [word for word in words if word]  # the common line: known codes only
    tags: list[str] = []
    delimited = "," in value or ";" in value
    items = _ITEM.findall(value)
    index = 0
    while index < len(items):
        bracketed, word, separator = items[index]
        index += 1
        if separator:
            continue
        if bracketed:
            tags.append(
                _person(bracketed.replace(",", " , ").split()) if "," in bracketed else collapse(bracketed).upper()
            )
            continue
        part = [word]
        while index < len(items) and items[index][1]:
            part.append(items[index][1])
            index += 1
        words = [upper for upper in (word.strip(".:").upper() for word in part) if upper and upper not in _NOT_TAGS]
        words = [word for word in words if not word.isdigit()]
        if _ends_with_person_tag(words) and index < len(items) and items[index][2] == ",":
            # `OVIP Kerry, John F.`: the comma parts surname and given names
            index += 1
            while index < len(items) and items[index][1] and items[index][1].upper() not in TAG_CODES:
                words.append(items[index][1].strip(".:").upper())
                index += 1
        tags.extend(_part_tags(words, delimited, runs))
    return tags


def _ends_with_person_tag(words: list[str]) -> bool:
    return len(words) >= 2 and words[-2] in _PERSON_TAGS and words[-1] not in TAG_CODES


def _part_tags(words: list[str], delimited: bool, runs: list[tuple[str, ...]]) -> list[str]:
    """The tags of one part's words (upper case)."""
    if not words:
        return []
    if delimited and len(" ".join(words)) <= MAX_TAG_LENGTH and not any(word in _PERSON_TAGS for word in words):
        if not all(_as_codes(word) or _CODE_SHAPE.fullmatch(word) for word in words):
            return [" ".join(words)]  # `RTG DOMESTIC`, `NGO IN ARMENIA`: a part that holds a word
    tags: list[str] = []
    run: list[str] = []
    after_person_tag = False

    def close_run() -> None:
        nonlocal after_person_tag
        if run:
            tags.extend(_run_tags(run, after_person_tag, runs))
            run.clear()
        after_person_tag = False

    for word in words:
        codes = None if word in _WORDS_IN_PHRASES and run else _as_codes(word)
        if codes is None or (after_person_tag and word not in TAG_CODES):
            run.append(word)  # a name goes on until a known code: JOHN is no code here
            continue
        close_run()
        tags.extend(codes)
        after_person_tag = codes[-1] in _PERSON_TAGS
    close_run()
    return tags


def _run_tags(run: list[str], person: bool, runs: list[tuple[str, ...]]) -> list[str]:
    """The words between known codes: a person after OVIP; codes each if all are shaped like
    codes (`CIA INRA`); else one phrase; words each only when too long for one (the run is
    added to `runs`, every word kept in order)."""
    if person:
        return [_person(run)]
    if all(_CODE_SHAPE.fullmatch(word) for word in run):
        return list(run)
    phrase = " ".join(run)
    if len(phrase) <= MAX_TAG_LENGTH:
        return [phrase]
    runs.append(tuple(run))
    return run_words(run)


def run_words(run: Sequence[str]) -> list[str]:
    """The tags a run too long for one phrase gives: its words, but those that only join
    words in phrases (`OF`, `AND`)."""
    return [word for word in run if word not in _WORDS_IN_PHRASES]


def _as_codes(word: str) -> tuple[str, ...] | None:
    """The known code(s) a word is, or None when it is an ordinary word or an unknown code."""
    if word in TAG_CODES:
        return (word,)
    if len(word) >= MIN_MENDED and word.isalpha():
        return _glued_or_mended(word)
    return None


@functools.lru_cache(maxsize=8192)
def _glued_or_mended(word: str) -> tuple[str, ...] | None:
    """Cached: the same phrase words (`SECURITY`) come back cable after cable."""
    glued = _split_glued(word)
    if glued:
        return tuple(glued)
    mended = _mended(word)
    return (mended,) if mended else None


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
    """`PRELL` -> PREL, `PGOVT` -> PGOV: a word of five or more letters one letter (added,
    dropped, changed) from exactly one known code."""
    near = {code for code in _CODES_BY_LENGTH.get(len(word) - 1, ()) if _one_edit(word, code)}
    near |= {code for code in _CODES_BY_LENGTH.get(len(word), ()) if _one_edit(word, code)}
    near |= {code for code in _CODES_BY_LENGTH.get(len(word) + 1, ()) if _one_edit(word, code)}
    return near.pop() if len(near) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by one letter added, dropped, changed, or two swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(differ) == 2 and differ[1] == differ[0] + 1:
            i = differ[0]
            return a[i] == b[i + 1] and a[i + 1] == b[i]
        return len(differ) == 1
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if len(longer) != len(shorter) + 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


_CODES_BY_LENGTH: dict[int, list[str]] = {}
for _code in sorted(TAG_CODES):
    if _code.isalpha():
        _CODES_BY_LENGTH.setdefault(len(_code), []).append(_code)


def _person(words: list[str]) -> str:
    """A person as written, in one shape: `SURNAME, GIVEN NAMES` in capitals, the initials kept
    (`KERRY, JOHN F.` from `(Kerry, John F.)`; `KERRY, JOHN F` from `KERRY JOHN F`)."""
    text = " ".join(words).upper()
    surname, comma, given = text.partition(",")
    if not comma:
        surname, _, given = text.partition(" ")
    surname, given = collapse(surname), " ".join(given.split())
    return f"{surname}, {given}" if given else surname


def person_tag(spelling: str) -> str:
    """A person's tag, one whatever the cable wrote: `SURNAME, GIVEN`, middle names and initials
    dropped (`KERRY, JOHN F.`, `KERRY, JOHN` and `KERRY JOHN` all give KERRY, JOHN)."""
    surname, _, given = spelling.partition(",")
    given_names = [name for name in given.replace(".", " ").split() if len(name) > 1]
    return f"{surname}, {given_names[0]}" if given_names else surname
