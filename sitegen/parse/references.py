"""Find the cables a cable refers to: the dump's References field and the REF lines of its text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Final

# canonical_reference_id: the one rule import, release and the ID box share (catalogue.py imports it here).
from sitegen.model import Reference, canonical_reference_id
from sitegen.parse.fields import CableHead
from sitegen.parse.known_posts import KNOWN_POSTS, NOT_POSTS, POST_ALIASES, POST_SPELLINGS, POST_WORDS

# A REF label where a line starts: `REF:`, `REFS`, `REFTEL:`, `Ref(s):`, `REFERENCE:`, the colon
# optional. Anywhere else on a line (after the subject, after `Classified By:`, glued to the
# subject's last word: `...TALKS IN QUITOREF: QUITO 77`) only with its colon.
_LABEL_WORDS = r"(?:REFERENCES?|REFTELS?|REF\(S\)|REFS?)"
_LABEL_AT_LINE_START = re.compile(rf"[^\S\n]*{_LABEL_WORDS}(?![A-Z])[^\S\n]*[:.]?", re.I)
_LABEL_MID_LINE = re.compile(r"(?:REFTELS?|REF\(S\)|REFS?)[^\S\n]*:", re.I)
# The first paragraph (`1.`, `¶1.`): a label in the text after it is prose, not the REF line.
_FIRST_PARAGRAPH = re.compile(r"\n[^\S\n]*(?:¶[^\S\n]*)?1[^\S\n]?\.[^\S\n]")
# What ends a REF block: the classification line, the first paragraph (`1.`, `¶1.`), a summary
# or another label, each perhaps behind a marking (`(U) Classified by`). A line opening with a
# letter in brackets does not: `(C) 09 STATE 030541` is the block's third item.
_REF_STOP = re.compile(
    r"\s*(?:\([A-Z/]{1,6}\)\s*)?(?:CLASSIFIED\s+BY|¶|\d{1,3}\s?\.\s|SUMMARY|BEGIN|SUBJ|TAGS|E\.\s?O\.)", re.I
)
_CLASSIFIED_BY = re.compile(r"CLASSIFIED\s+BY", re.I)
# Lines inside a block that are not cites: a page break's header (`PAGE 02 DAKAR 00555 01 OF 02
# 121200Z`, `LUSAKA 00000123 001.3 OF 003`), the classification banner above it, SIPDIS, a
# lone backslash.
_NOISE_LINE = re.compile(
    r"[^\S\n]*(?:PAGE[^\S\n]+\d+\b.*|[A-Z][A-Z .'\-]*\s\d{3,}\s+\d{3}(?:\.\d+)?\s+OF\s+\d{3}.*"
    r"|(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|(?:[A-Z][^\S\n]){4,}[A-Z])(?:[^\S\n]+[A-Z/]+)?|SIPDIS|\\+)[^\S\n]*$",
    re.I,
)
# A line that opens the next item of a block after a blank line: `B.`, `(B)`, `B)`, `C 05 ...`.
_ITEM_LETTER = re.compile(r"[^\S\n]*\(?([A-Z])(?:[.)]|[^\S\n]+\(?\d)", re.I)
_ITEM_LETTERS = re.compile(r"(?:^|(?<=\s))\(?([A-Z])[.)]", re.I | re.M)
_LOWER_CASE_WORD = re.compile(r"[a-z]{3}")  # prose, not an item
MAX_REF_LINES = 80  # a block of 20 and more items, some wrapped, some apart
MAX_BLANK_LINES = 2  # blank lines in a row inside a block

# The words of a block: numbers (a year written `O7` is one), words (an apostrophe inside,
# `N'DJAMENA`; a zero for an O, `0SLO`), and single marks. Digits and letters run together
# part (`08LUSAKA0412`).
_TOKEN = re.compile(r"(?<![A-Z0-9])O\d(?!\d)|(?:0(?=[A-Z]))?[A-Z](?:[A-Z']|0(?=[A-Z]))*|\d+|[^\sA-Z0-9]", re.I)
_POST_LOOKUP_WORDS = 4  # the most words a post's name is written in (`USUN NEW YORK`, `RIO DE JAN`)
_MIN_SHORT_FORM = 3  # `RIO`, `VAT`: a shorter start of a post's name is no short form
_MIN_MISSPELT = 5  # a word of fewer letters is one letter from too many others


# A token of a block: (kind, value, start, end). Plain tuples: a block has hundreds of them.
_Token = tuple[str, str, int, int]
KIND: Final = 0  # "num", "word" or "mark"
VALUE: Final = 1  # upper case; `O7` as `07`
START: Final = 2
END: Final = 3


def dump_references(field: str) -> list[str]:
    """The dump's `|`-separated References field as canonical IDs (unparseable entries dropped)."""
    found = []
    for part in field.split("|"):
        reference_id = canonical_reference_id(part) if part.strip() else None
        if reference_id and reference_id not in found:
            found.append(reference_id)
    return found


def text_references(head: CableHead, own_id: str, extra_posts: frozenset[str] = frozenset()) -> list[Reference]:
    """References named in the REF block, resolved to reference IDs, in the order written.

    A cite without a year takes the cable's own; a cite of the cable itself (its page-break
    header) is none. `extra_posts` are the posts of the dump's References field: a post
    written as one of them is that one.
    """
    text = ref_block(head)
    if text is None:
        return []
    own_year = own_id[:2]
    references: list[Reference] = []
    seen = {own_id}
    for letter, written, year, post, number in _cites(text, extra_posts):
        reference_id = f"{year or own_year}{post}{int(number)}"
        if reference_id not in seen:
            seen.add(reference_id)
            references.append(Reference(letter, written, reference_id))
    return references


def spellings_of(reference_id: str) -> tuple[str, ...]:
    """A canonical reference ID and the same cable's ID in each other spelling of its post
    (POST_SPELLINGS): `09UNESCOPARIS7` -> 09UNESCOPARIS7, 09UNESCOPARISFR7; an ID whose post
    has one spelling alone."""
    post = reference_id[2:].rstrip("0123456789")
    others = _OTHER_SPELLINGS.get(post)
    if not others:
        return (reference_id,)
    year, number = reference_id[:2], reference_id[2 + len(post) :]
    return (reference_id, *(f"{year}{other}{number}" for other in others))


def ref_block(head: CableHead) -> str | None:
    """The text of the REF block, from its label to what ends it, the lines as written
    (page-break lines dropped). Blank lines inside it do not end it while the line after
    them goes on with its items: a new item, a cite, or the rest of a wrapped one."""
    found = _find_label(head)
    if found is None:
        return None
    value_start, line_end = found
    parts = [head.text[value_start:line_end]]
    blank_run = 0
    for line in head.text[line_end + 1 :].split("\n", MAX_REF_LINES)[:MAX_REF_LINES]:
        if not line.strip() or line.strip() == "\\":
            blank_run += 1
            if blank_run > MAX_BLANK_LINES:
                break
            continue
        if _REF_STOP.match(line):
            break
        if _NOISE_LINE.match(line):
            continue
        if blank_run and not _goes_on(" ".join(parts), line):
            break
        blank_run = 0
        parts.append(line)
    text = "\n".join(parts)
    classified = _CLASSIFIED_BY.search(text)
    return text[: classified.start()] if classified else text


def _find_label(head: CableHead) -> tuple[int, int] | None:
    """Where the first REF label's value starts and its line ends."""
    limit = -1  # where paragraph 1 starts: looked for once a label mid-line needs it
    position = head.upper.find("REF")
    while position != -1:
        start, end = head.line_at(position)
        if not head.text[start:position].strip():
            label = _LABEL_AT_LINE_START.match(head.text, start, end)
            if label:
                return label.end(), end
        label = _LABEL_MID_LINE.match(head.text, position, end)
        if label:
            if limit == -1:
                first_paragraph = _FIRST_PARAGRAPH.search(head.text)
                limit = first_paragraph.start() if first_paragraph else len(head.text)
            if position < limit:
                return label.end(), end
        position = head.upper.find("REF", position + 3)
    return None


def _goes_on(block: str, line: str) -> bool:
    """After blank lines, whether `line` is still the block's: a line opening with a cite, the
    next item (`B.` after `A.`, not a paragraph marked `(C)` in prose), or the number of an
    item wrapped before it (`(B) Kuala Lumpur`, blank, `00723`)."""
    if not block.strip():
        return True  # `REFS:` alone on its line, the items after a blank line
    first_cite = next(_cites(line, frozenset()), None)
    if first_cite is not None and line.lstrip().startswith(first_cite[1]):
        return True
    letter = _ITEM_LETTER.match(line)
    if letter and not _LOWER_CASE_WORD.search(line):
        earlier = _ITEM_LETTERS.findall(block)
        if earlier and ord(letter.group(1).upper()) == ord(earlier[-1].upper()) + 1:
            return True  # `C. GUHA-CARTER E-MAIL` after `B.`: no cite, still an item
    first = line.split()[0]
    return first.isdigit() and next(_cites(f"{block} {line}", frozenset()), None) is not None


def _tokens(text: str) -> list[_Token]:
    upper = text.upper()
    if len(upper) != len(text):  # a letter whose capital is two (`ß`): positions would shift
        upper = text
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(upper):
        start, end = match.span()
        value = upper[start:end]
        first = value[0]
        if first.isdigit() and value.isdigit():
            tokens.append(("num", value, start, end))
        elif first == "O" and end - start == 2 and value[1].isdigit():
            tokens.append(("num", "0" + value[1], start, end))  # `O7`: a year with a letter O
        elif value[-1].isalpha():
            tokens.append(("word", value, start, end))
        else:
            tokens.append(("mark", value, start, end))
    return tokens


def _cites(text: str, extra_posts: frozenset[str]) -> Iterator[tuple[str | None, str, str | None, str, str]]:
    """(letter, words as written, year or None, post, number) for each cite in `text`.

    A cite is a post's name (one to four words) and a number, perhaps with `:` or `-`
    between; its year is written before the post (`07`, `2007`, `(07)`, `O7`, glued:
    `07LIMA12`) or in brackets after the number (`LIMA 12 (07)`); a letter before it names
    the item (`B.`, `(B)`, `B)`, `B 07 LIMA 12`). `LIMA 12 AND 14` cites both.
    """
    tokens = _tokens(text)
    used = 0  # tokens before this belong to a cite found already
    index = 0
    while index < len(tokens):
        found = _post_before(tokens, index, used, extra_posts) if _is_number(tokens, index) else None
        if found is None:
            index += 1
            continue
        post, start = found
        number_at = last = index
        first, year = _year_before(tokens, start, used)
        if year is None and _is_mark(tokens, number_at + 1, "(") and _is_year(tokens, number_at + 2):
            if _is_mark(tokens, number_at + 3, ")"):  # `LIMA 12 (07)`; `LIMA 12; (07) ROME 3` is ROME's
                year, last = tokens[number_at + 2][VALUE][-2:], number_at + 3
        first, letter = _letter_before(tokens, first, used)
        yield letter, text[tokens[first][START] : tokens[last][END]], year, post, tokens[number_at][VALUE]
        used = index = last + 1
        # `LIMA 2799 AND 2801`: the next number is the same post's (`AND 08 PARIS 3`: a year)
        while _is_word(tokens, index, "AND", "&") and _is_number(tokens, index + 1):
            if _is_year(tokens, index + 1) and index + 2 < len(tokens) and tokens[index + 2][KIND] == "word":
                break
            yield None, text[tokens[index][START] : tokens[index + 1][END]], year, post, tokens[index + 1][VALUE]
            used = index = index + 2


def _is_mark(tokens: list[_Token], index: int, marks: str) -> bool:
    return index < len(tokens) and tokens[index][KIND] == "mark" and tokens[index][VALUE] in marks


def _is_word(tokens: list[_Token], index: int, *words: str) -> bool:
    return index < len(tokens) and tokens[index][VALUE] in words


def _is_number(tokens: list[_Token], index: int) -> bool:
    """A cable's number: 1 to 7 digits, not the start of a date or a file number (`3/1/09`, `12-345`)."""
    if index >= len(tokens) or tokens[index][KIND] != "num" or len(tokens[index][VALUE]) > 7:
        return False
    mark, after = index + 1, index + 2
    if _is_mark(tokens, mark, "/-.") and after < len(tokens) and tokens[after][KIND] == "num":
        return not (tokens[mark][START] == tokens[index][END] and tokens[after][START] == tokens[mark][END])
    return True


def _is_year(tokens: list[_Token], index: int) -> bool:
    if index >= len(tokens) or tokens[index][KIND] != "num":
        return False
    value = tokens[index][VALUE]
    return len(value) == 2 or (len(value) == 4 and value[:2] in ("19", "20"))


def _year_before(tokens: list[_Token], index: int, used: int) -> tuple[int, str | None]:
    """The year written before the post at `index` (`07 LIMA`, `(07) LIMA`, `07-LIMA`), with the
    index of its first token; `index` and None without one."""
    at = index - 1
    if at >= used and _is_mark(tokens, at, "-"):
        at -= 1
    if at >= used + 2 and _is_mark(tokens, at, ")") and _is_year(tokens, at - 1) and _is_mark(tokens, at - 2, "("):
        return at - 2, tokens[at - 1][VALUE][-2:]
    if at >= used and _is_year(tokens, at):
        return at, tokens[at][VALUE][-2:]
    return index, None


def _letter_before(tokens: list[_Token], index: int, used: int) -> tuple[int, str | None]:
    """The item letter before index: `(B)`, `B.`, `B)`, or a bare `B` before a year or post."""
    at = index - 1
    if at < used:
        return index, None
    if _is_mark(tokens, at, ".)") and at - 1 >= used and _single_letter(tokens, at - 1):
        if _is_mark(tokens, at, ")") and at - 2 >= used and _is_mark(tokens, at - 2, "("):
            return at - 2, tokens[at - 1][VALUE]
        return at - 1, tokens[at - 1][VALUE]
    if _single_letter(tokens, at):
        return at, tokens[at][VALUE]
    return index, None


def _single_letter(tokens: list[_Token], index: int) -> bool:
    return tokens[index][KIND] == "word" and len(tokens[index][VALUE]) == 1


def _post_before(
    tokens: list[_Token], number_at: int, used: int, extra_posts: frozenset[str]
) -> tuple[str, int] | None:
    """The post named by the words just before the number at `number_at` (perhaps with `:` or
    `-` between), and the index of its first word: the most words that name one (`NEW DELHI`,
    `PORT-AU-PRINCE`, `RIO DE JAN`), up to four."""
    end = number_at
    if _is_mark(tokens, end - 1, ":-") and end - 2 >= used and tokens[end - 2][KIND] == "word":
        end -= 1
    starts: list[int] = []
    at = end - 1
    while at >= used and tokens[at][KIND] == "word" and len(starts) < _POST_LOOKUP_WORDS:
        starts.append(at)
        at -= 1
        if _is_mark(tokens, at, "-") and at - 1 >= used and tokens[at - 1][KIND] == "word":
            at -= 1  # `PORT-AU-PRINCE`
    for size in range(len(starts), 0, -1):
        start = starts[size - 1]
        if len(tokens[start][VALUE]) == 1:
            continue  # a single letter names an item (`B LIMA 12`), never a post
        written = "".join(tokens[at][VALUE] for at in range(start, end) if tokens[at][KIND] == "word")
        post = post_code(written, extra_posts, one_word=size == 1)
        if post:
            return post, start
    return None


def post_code(written: str, extra_posts: frozenset[str] = frozenset(), one_word: bool = True) -> str | None:
    """The post code a cite's words name, written as people wrote them: the code (`NEWDELHI`),
    an alias (`SECSTATE`), a zero for an O (`0SLO`), an apostrophe (`N'DJAMENA`), without
    its `THE` (`HAGUE`) or with a `US` before it (`USUNESCO`), with `CITY` after it or
    without (`GUATEMALA CITY`), the start of one post's name (`RIO`, `RIO DE JAN`, `VAT`),
    its initials (`HCMC`), or, one word, one letter off exactly one post's (`NAIROBII`).
    A post of the dump's References (`extra_posts`) wins where the words fit it."""
    code = written.replace("'", "").replace("0", "O")
    if code in extra_posts:
        return code
    resolved = _resolve(code, one_word)
    if resolved is None or resolved in KNOWN_POSTS and code not in KNOWN_POSTS:
        # a short form the dump's References spell out (`UNESCO` for UNESCOPARIS there)
        bare = code.removeprefix("US")
        for post in sorted(extra_posts):
            if len(bare) >= _MIN_SHORT_FORM and post.startswith(bare) and code not in NOT_POSTS:
                return post
    return resolved


@functools.lru_cache(maxsize=8192)
def _resolve(code: str, one_word: bool) -> str | None:
    """post_code without the dump's posts (cached: the same words come back cable after cable)."""
    if not code.isalpha() or code in NOT_POSTS:
        return None
    code = POST_ALIASES.get(code, code)
    if code in KNOWN_POSTS:
        return code
    for variant in (f"THE{code}", code.removesuffix("CITY"), f"{code}CITY", code.removeprefix("US")):
        if variant != code and variant in KNOWN_POSTS:
            return variant
    if len(code) < _MIN_SHORT_FORM:
        return None
    short = _SHORT_FORMS.get(code) or _one_post(_starting(code.removeprefix("US")))
    return short or (_misspelt(code) if one_word else None)


def _starting(code: str) -> set[str]:
    """The posts whose code starts with `code`."""
    if len(code) < _MIN_SHORT_FORM:
        return set()
    return {post for post in KNOWN_POSTS if post.startswith(code)}


def _one_post(posts: set[str]) -> str | None:
    """The one post of `posts`, where spellings of one post count as one (`UNESCOPARIS`,
    `UNESCOPARISFR`: the longer, fuller one)."""
    if not posts:
        return None
    longest = max(posts, key=lambda post: (len(post), post))
    return longest if all(longest.startswith(post) for post in posts) else None


def _misspelt(code: str) -> str | None:
    """The one known post one letter away from `code` (added, dropped, changed), if just one."""
    if len(code) < _MIN_MISSPELT:
        return None
    near = {post for post in _POSTS_BY_LENGTH.get(len(code), ()) if _one_changed(code, post)}
    near |= {post for post in _POSTS_BY_LENGTH.get(len(code) - 1, ()) if _one_dropped(code, post)}
    near |= {post for post in _POSTS_BY_LENGTH.get(len(code) + 1, ()) if _one_dropped(post, code)}
    return near.pop() if len(near) == 1 else None


def _one_changed(a: str, b: str) -> bool:
    return sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1


def _one_dropped(longer: str, shorter: str) -> bool:
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _initials(words: str) -> str:
    return "".join(word[0] for word in words.split())


_OTHER_SPELLINGS = {
    post: tuple(other for other in group if other != post) for group in POST_SPELLINGS for post in group
}
_POSTS_BY_LENGTH: dict[int, list[str]] = {}
for _post in sorted(KNOWN_POSTS):
    _POSTS_BY_LENGTH.setdefault(len(_post), []).append(_post)
# `HCMC`: the initials of a post's words, four or more of them.
_SHORT_FORMS = {
    _initials(words): words.replace(" ", "")
    for words in POST_WORDS
    if len(words.split()) >= 4 and words.replace(" ", "") in KNOWN_POSTS
}
