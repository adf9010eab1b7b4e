"""The public dump's csv dialect: stream rows out of `cables.csv` and write them back byte for byte.

Every field is double-quoted; inside a field `\\`, `"` and `'` are backslash-escaped; records end
with a quote and a newline. Rows are read as bytes so that the export can be exact, and handed
out one at a time so that a 1.7 GB dump is never held whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sitegen.model import FIRST_YEAR, CableRecord, Problem

FIELD_COUNT = 8
CHUNK_SIZE = 1 << 22

# One quoted field and what follows it (a comma, a newline, or the end of the data): the
# dialect's definition. match_field finds the same fields with bytes.find, which at 7 KB a
# body is several times faster than this pattern's character loop (tests hold them equal).
FIELD_PATTERN = re.compile(rb'"([^"\\]*(?:\\.[^"\\]*)*)"(,|\n|$)', re.S)
_ESCAPED = re.compile(rb"\\(.)", re.S)
# The next line that starts a record, where reading picks up after a malformed one. Inside a
# well-formed field every quote is escaped, so a line opening with a quote and a digit begins
# a record; the line ending before it need not end with a quote (a row may have lost its own).
_NEXT_RECORD = re.compile(rb'\n(?="\d)')


@dataclass(frozen=True, slots=True)
class DumpRow:
    """One csv record: its 1-based row number, the line it starts on, its decoded fields."""

    row: int
    line: int
    fields: tuple[str, ...]
    raw: bytes


def unescape(raw: bytes) -> str:
    if b"\\" in raw:
        raw = _ESCAPED.sub(rb"\1", raw)
    return raw.decode("utf-8", "surrogateescape")


def escape(text: str) -> bytes:
    data = text.encode("utf-8", "surrogateescape")
    return data.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"'", b"\\'")


def encode_row(fields: tuple[str, ...] | list[str]) -> bytes:
    return b",".join(b'"' + escape(value) + b'"' for value in fields) + b"\n"


def match_field(buffer: bytes, position: int) -> tuple[int, int, bytes] | None:
    """FIELD_PATTERN.match at `position` as (end of the field's content, end of the match, what
    follows the closing quote: b",", b"\n" or b"" at the end of the data), or None. A quote
    closes the field when an even number of backslashes precede it: backslashes pair up from
    the field's start, each escaping the byte after it."""
    if buffer[position : position + 1] != b'"':
        return None
    search = position + 1
    while True:
        quote = buffer.find(b'"', search)
        if quote < 0:
            return None
        before = quote
        while before - 1 > position and buffer[before - 1] == 92:  # 92: a backslash
            before -= 1
        if (quote - before) % 2 == 0:
            break
        search = quote + 1
    follows = buffer[quote + 1 : quote + 2]
    if follows not in (b",", b"\n", b""):
        return None
    return quote, quote + 1 + len(follows), follows


def read_rows(stream: BinaryIO, source: str) -> Iterator[DumpRow | Problem]:
    """Yield each record of the dump as a DumpRow, or a Problem for a record that breaks the dialect.

    Reads in chunks; a record may span chunks. After a malformed record, reading resumes at
    the next line that starts a record, so one bad row costs only itself.
    """
    buffer = b""
    position = 0
    line = 1
    row_number = 0
    at_eof = False
    while True:
        while buffer.startswith(b"\n", position):  # an empty line between records is no row
            position += 1
            line += 1
        parsed = _parse_record(buffer, position, at_eof) if position < len(buffer) else None
        if parsed is None:
            if at_eof:
                if position < len(buffer):
                    yield Problem(source, line, f"row {row_number + 1}: unterminated record at end of file")
                return
            # Keep only the unread tail, then read on.
            chunk = stream.read(CHUNK_SIZE)
            at_eof = not chunk
            buffer = buffer[position:] + chunk
            position = 0
            continue
        end, fields, error = parsed
        row_number += 1
        raw = buffer[position:end]
        if error:
            yield Problem(source, line, f"row {row_number}: {error}")
        else:
            yield DumpRow(row_number, line, fields, raw)
        line += raw.count(b"\n")
        position = end


def _parse_record(buffer: bytes, start: int, at_eof: bool) -> tuple[int, tuple[str, ...], str | None] | None:
    """Parse the record at `start`: (end offset, fields, error), or None when more data is needed."""
    fields: list[str] = []
    position = start
    while True:
        match = match_field(buffer, position)
        if match is not None and match[2] == b"" and not at_eof:
            return None
        if match is None:
            boundary = _NEXT_RECORD.search(buffer, position)
            if boundary is None and not at_eof:
                return None
            end = boundary.end() if boundary else len(buffer)
            return end, (), f"bad quoting in field {len(fields) + 1}"
        content_end, end, follows = match
        fields.append(unescape(buffer[position + 1 : content_end]))
        position = end
        if follows != b",":
            break
    if len(fields) != FIELD_COUNT:
        return position, (), f"has {len(fields)} fields, expected {FIELD_COUNT}"
    return position, tuple(fields), None


# The dump's usual spelling of a date, and ours: read by hand, since strptime (a few us a
# call, three calls a cable) was a tenth of an import. Any other spelling goes to strptime.
# ASCII digits only: strptime reads some other digits in some places, and those go to it.
_DUMP_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d\d)", re.ASCII)
_ISO_MINUTE = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)", re.ASCII)


def _read_moment(pattern: re.Pattern[str], text: str, month_at: int, day_at: int, year_at: int) -> datetime | None:
    match = pattern.fullmatch(text)
    if match is None:
        return None
    parts = match.groups()
    try:
        return datetime(int(parts[year_at]), int(parts[month_at]), int(parts[day_at]), int(parts[3]), int(parts[4]))
    except ValueError:
        return None


def parse_dump_date(text: str) -> str | None:
    """`12/28/1966 18:48` -> `1966-12-28 18:48`; None when the text is not such a date from FIRST_YEAR on."""
    text = text.strip()
    moment = _read_moment(_DUMP_DATE, text, 0, 1, 2)
    if moment is None:
        try:
            moment = datetime.strptime(text, "%m/%d/%Y %H:%M")
        except ValueError:
            return None
    if moment.year < FIRST_YEAR:
        return None
    return f"{moment.year}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}"


def format_dump_date(created: str) -> str:
    """`1966-12-28 08:05` -> `12/28/1966 8:05`: the dump writes no zero padding."""
    moment = _read_moment(_ISO_MINUTE, created, 1, 2, 0) or datetime.strptime(created, "%Y-%m-%d %H:%M")
    return f"{moment.month}/{moment.day}/{moment.year} {moment.hour}:{moment.minute:02d}"


def record_to_fields(record: CableRecord) -> tuple[str, ...]:
    """The eight dump fields of a record, spelled as the dump spelled them."""
    created = record.extra_field("Dump-Created") or format_dump_date(record.created)
    return (
        record.sequence,
        created,
        record.extra_field("Dump-Reference-ID") or record.reference_id,
        record.origin,
        record.classification,
        record.references,
        record.header,
        record.body,
    )
