"""The model: plain frozen dataclasses for cables and build problems; no I/O here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

# A reference ID as it may appear in a file name: two-digit year, a post, a number.
REFERENCE_ID_SHAPE = re.compile(r"[0-9]{2}[A-Z][A-Z0-9\-]*[0-9]+")
# The longest real IDs are about 20 characters; 64 leaves room for any post's name and keeps a
# cable's file and page names (ID plus `.html`) far below the file systems' 255 bytes.
MAX_REFERENCE_ID_LENGTH = 64
# A moment as cable files and the command line spell it, in ASCII digits (other scripts'
# digits would pass `\d` and strptime, then reach URLs and ISO dates).
MOMENT_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2})")
# Four-digit years keep `cable/YYYY/MM/` and ISO 8601 well formed; strftime spells earlier
# years differently from platform to platform.
FIRST_YEAR = 1000


# A reference ID as a reader types it or a dump writes it: the year, the post (letters, digits,
# hyphens, perhaps spaced), the number (the run of digits that ends it; its leading zeros go).
# The ID box (theme/static/goto.js) holds the same pattern: change both, and
# tests/test_reference_ids.py runs its cases through each.
# Spaces are spelled out: Python's \s also takes \x1c-\x1f, which JavaScript's does not.
_LOOSE_REFERENCE_ID = re.compile(r"([0-9]{2})[ \t\n\r\f\v]*([A-Z][A-Z0-9 \t\n\r\f\v\-]*?)[ \t\n\r\f\v]*0*([0-9]+)")
_ASCII_SPACE = " \t\n\r\f\v"


# A reference ID as an article writes it in prose (`06GUANGZHOU29875`): what an article links, and
# what its key and the cables it cites are read by (render/markup.py, builder/changes.py, citations.py).
REFERENCE_IN_PROSE = r"(?<![\w/])(\d{2}[A-Z][A-Z\-]*?\d+)(?![\w/])"


def canonical_reference_id(text: str) -> str | None:
    """The one spelling of a reference ID that import, cable files, `release`, the ID box and
    search share: `09 rome 0042` -> `09ROME42`, `09A2B7` -> `09A2B7`; None for text that is
    not an ID (ASCII only, so that the browser's rule and this one cannot differ)."""
    if not text.isascii():
        return None
    match = _LOOSE_REFERENCE_ID.fullmatch(text.strip(_ASCII_SPACE).upper())
    if match is None:
        return None
    year, post, number = match.groups()
    canonical = year + "".join(post.split()) + number
    return canonical if len(canonical) <= MAX_REFERENCE_ID_LENGTH else None


def is_valid_reference_id(reference_id: str) -> bool:
    """True when the ID is safe to use as a file name (no dots, slashes or spaces, not too long)."""
    return len(reference_id) <= MAX_REFERENCE_ID_LENGTH and REFERENCE_ID_SHAPE.fullmatch(reference_id) is not None


def reference_id_problem(reference_id: str) -> str | None:
    """Why a text is not a usable reference ID, or None when it is one."""
    if len(reference_id) > MAX_REFERENCE_ID_LENGTH:
        return (
            f"reference ID {reference_id[:40]!r}... is {len(reference_id)} characters, over {MAX_REFERENCE_ID_LENGTH}"
        )
    if REFERENCE_ID_SHAPE.fullmatch(reference_id) is None:
        return f"reference ID {reference_id[:40]!r} is not shaped like 06GUANGZHOU29875"
    return None


def is_utf8(text: str) -> bool:
    """False when text decoded with surrogateescape held bytes that are not UTF-8. Only a
    cable's text may (it is kept byte for byte); names, dates and IDs end up in file names,
    URLs, feeds and the manifest, which take text only."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# The surrogate escapes that stand for a cable text's bytes that are not UTF-8.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def shown_text(text: str) -> str:
    """Text to show outside the cable's own text box: each byte that is not UTF-8 becomes U+FFFD,
    the replacement character. Only the text box (and the export) keeps the bytes as written."""
    return text if text.isascii() else _NOT_UTF8.sub("\ufffd", text)


def is_valid_moment(text: str) -> bool:
    """True when `text` is `YYYY-MM-DD HH:MM` naming a minute that exists, from FIRST_YEAR on."""
    match = MOMENT_SHAPE.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute = map(int, match.groups())
    try:
        datetime(year, month, day, hour, minute)
    except ValueError:
        return False
    return year >= FIRST_YEAR


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one input, located by file (or csv row) and line."""

    path: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class CableRecord:
    """A cable as stored: the dump's fields, exactly as written, plus any extra fields.

    `created` and `released` are `YYYY-MM-DD HH:MM` (UTC); `released` is None for a cable
    not yet released. `header` and `body` are the text as it came, every byte kept (bytes
    that are not UTF-8 are carried as surrogate escapes).
    """

    reference_id: str
    sequence: str
    created: str
    released: str | None
    classification: str
    origin: str
    references: str
    header: str
    body: str
    extra: tuple[tuple[str, str], ...] = ()

    def extra_field(self, name: str) -> str | None:
        for key, value in self.extra:
            if key.lower() == name.lower():
                return value
        return None


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference found in the text: its letter (`A`), the words as written, the ID it names."""

    letter: str | None
    text: str
    reference_id: str


# Not frozen: a cable has dozens of blocks and a frozen dataclass is several times slower to
# build, which the parser's throughput target feels. Treat it as immutable all the same.
@dataclass(slots=True)
class Block:
    """A run of body lines. `kind` is `par`, `gap` (blank lines), `pagebreak` or `sipdis`.

    Paragraphs (`par`) carry their reading-order index `n`, the number written in the text,
    its marking (`(C)`, `(S/NF)` ...) and the anchor `id` the cable page gives them.
    Concatenating the `text` of every block gives back the body exactly.
    """

    kind: str
    text: str
    n: int = 0
    number: int | None = None
    marking: str | None = None
    id: str = ""
    # Ids of lines inside a paragraph that open with a number but start no paragraph (a date
    # wrapped onto a new line): (offset in `text`, id). The original site anchored such lines,
    # and links made to them then should still land on them.
    line_anchors: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CableText:
    """What a cable page shows of the text beyond the cable's catalogue entry, parsed when the
    page is rendered (parse.parse_body): the blocks, the REF lines' references, the signer."""

    blocks: tuple[Block, ...]
    text_references: tuple[Reference, ...]
    signer: str  # the name the cable is signed with, as written ("" for none: parse/signer.py)


@dataclass(frozen=True, slots=True)
class Cable:
    """A parsed cable: the stored record plus everything derived from its text."""

    record: CableRecord
    subject: str
    subject_marking: str | None  # `(C)` when the subject line opens with one
    tags: tuple[str, ...]
    eo: str | None
    summary: str | None
    text_references: tuple[Reference, ...]
    references: tuple[str, ...]
    blocks: tuple[Block, ...] = field(repr=False)
    # (tag, spelling) of each person the cable writes fuller than its tag (`STEINBERG, JAMES B.`)
    person_spellings: tuple[tuple[str, str], ...] = ()
    # Of each reference found in the text whose post the archive spells two ways: the ID in
    # each spelling, the one in `references` first (the catalogue links the one it holds).
    reference_spellings: tuple[tuple[str, ...], ...] = ()
    # Each run of TAGS words without commas too long for one phrase, whose words are tags: the
    # catalogue keeps whole the phrases of it other cables write (catalogue.final_tags).
    tag_runs: tuple[tuple[str, ...], ...] = ()

    @property
    def reference_id(self) -> str:
        return self.record.reference_id

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.kind == "par")
