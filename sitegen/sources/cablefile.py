"""Cable files (`content/cables/YYYY/MM/<REFID>.txt`): read one into a CableRecord, write one back.

Format: email-style `Name: value` fields, a blank line, then the routing header and the body
exactly as they came. `Header-Lines` says how many lines of that text are the header, so the
header/body boundary survives even when either ends without a newline. Unknown fields are kept.
Files are handled as bytes; bytes that are not UTF-8 ride through as surrogate escapes.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from sitegen.layout import cable_file
from sitegen.model import (
    CableRecord,
    Problem,
    canonical_reference_id,
    is_utf8,
    is_valid_moment,
    is_valid_reference_id,
    reference_id_problem,
)

_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
KNOWN_FIELDS = (
    "Reference-ID",
    "Sequence",
    "Created",
    "Released",
    "Classification",
    "Origin",
    "References",
    "Header-Lines",
)
_REQUIRED = ("Reference-ID", "Created", "Classification", "Origin")
# Required fields that must also hold something: an empty Origin made an origin page titled
# `Cables from ` at slug `x`, an empty Created a cable of no month. (An empty Released is
# allowed: the cable is not released.)
_NOT_EMPTY = ("Created", "Classification", "Origin")


class CableFileError(ValueError):
    """A cable file that breaks the format; carries the line the problem is on."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def cable_path(content_dir: Path, record: CableRecord) -> Path:
    """Where a cable's file lives: `cables/YYYY/MM/<REFID>.txt` under the content folder."""
    if not is_valid_reference_id(record.reference_id):
        raise ValueError(f"not a reference ID: {record.reference_id!r}")
    return cable_file(content_dir, record.created, record.reference_id)


def format_cable(record: CableRecord) -> bytes:
    """The bytes of a cable file for this record."""
    fields = [
        ("Reference-ID", record.reference_id),
        ("Sequence", record.sequence),
        ("Created", record.created),
    ]
    if record.released:
        fields.append(("Released", record.released))
    fields += [
        ("Classification", record.classification),
        ("Origin", record.origin),
        ("References", record.references),
        ("Header-Lines", str(record.header.count("\n") + 1)),
    ]
    fields += list(record.extra)
    for name, value in fields:
        if "\n" in value or "\r" in value:
            raise ValueError(f"field {name} holds a line break")
    head = "".join(f"{name}: {value}\n" for name, value in fields)
    text = f"{head}\n{record.header}\n{record.body}"
    return text.encode("utf-8", "surrogateescape")


def parse_cable_file(data: bytes) -> CableRecord:
    """Read the bytes of a cable file; raises CableFileError with the line of the first problem."""
    text = data.decode("utf-8", "surrogateescape")
    head, separator, rest = text.partition("\n\n")
    if not separator:
        raise CableFileError(1, "no blank line between the fields and the cable text")
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    extra: list[tuple[str, str]] = []
    for line_number, line in enumerate(head.split("\n"), start=1):
        name, colon, value = line.partition(":")
        if not colon or not _FIELD_NAME.fullmatch(name):
            raise CableFileError(line_number, f"expected 'Name: value', found {line[:60]!r}")
        value = value[1:] if value.startswith(" ") else value
        if not is_utf8(line):
            raise CableFileError(line_number, f"field {name} holds bytes that are not UTF-8")
        canonical = _canonical_name(name)
        if canonical in fields:
            raise CableFileError(line_number, f"field {name} given twice")
        if canonical:
            fields[canonical] = value
            field_lines[canonical] = line_number
            _check_field(canonical, value, line_number)
        else:
            extra.append((name, value))
    missing = [name for name in _REQUIRED if name not in fields]
    if missing:
        raise CableFileError(1, f"missing field {', '.join(missing)}")
    header, body = _split_header(rest, fields.get("Header-Lines"), field_lines.get("Header-Lines", 0))
    return CableRecord(
        reference_id=fields["Reference-ID"],
        sequence=fields.get("Sequence", ""),
        created=fields["Created"],
        released=fields.get("Released") or None,
        classification=fields["Classification"],
        origin=fields["Origin"],
        references=fields.get("References", ""),
        header=header,
        body=body,
        extra=tuple(extra),
    )


def read_cable_file(path: str | Path, display_path: str | None = None) -> CableRecord | Problem:
    """Read a cable file: its record, or a Problem naming the file and line."""
    shown = display_path or str(path)
    try:
        with open(path, "rb") as file:  # builtin open: Path.read_bytes costs a third more
            data = file.read()
    except OSError as error:
        return Problem(shown, 0, unreadable(path, error))
    try:
        record = parse_cable_file(data)
    except CableFileError as error:
        return Problem(shown, error.line, str(error))
    if file_reference_id(path) != record.reference_id:
        return Problem(shown, 1, f"Reference-ID {record.reference_id} does not match the file name")
    return record


def unreadable(path: str | Path, error: OSError) -> str:
    """Why a cable file could not be read, in the words of what the user sees in the folder."""
    if error.errno == errno.ELOOP:
        return "cannot read: a symbolic link that loops"
    if os.path.islink(path) and os.path.isdir(path):
        return (
            f"a symbolic link to a folder, not followed ({os.readlink(path)}): its cables are not built; "
            "put the folder itself here"
        )
    if os.path.islink(path) and not os.path.exists(path):
        return f"cannot read: a symbolic link to {os.readlink(path)}, which does not exist"
    return f"cannot read: {error.strerror}"


def file_reference_id(path: str | Path) -> str:
    """The reference ID a cable file's name gives (`.../06GUANGZHOU29875.txt`): its Reference-ID must match.
    An earlier version (`history/06GUANGZHOU29875/2.txt`, versions.py) is named by its folder."""
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem.isdigit():
        return os.path.basename(os.path.dirname(path))
    return stem


_CANONICAL = {name.lower(): name for name in KNOWN_FIELDS}


def _canonical_name(name: str) -> str | None:
    return _CANONICAL.get(name.lower())


def _check_field(name: str, value: str, line_number: int) -> None:
    if name in _NOT_EMPTY and not value.strip():
        raise CableFileError(line_number, f"{name} is empty")
    if name == "Reference-ID" and (problem := reference_id_problem(value)):
        raise CableFileError(line_number, f"Reference-ID: {problem}")
    if name == "Reference-ID" and (canonical := canonical_reference_id(value)) != value:
        # One spelling everywhere: the ID box, references and `release` read 09ROME42, never 09ROME0042.
        raise CableFileError(
            line_number,
            f"Reference-ID {value} is written canonically {canonical}, without leading zeros in its number"
            f" (the file is then {canonical}.txt; `sitegen import` writes it so)",
        )
    if name in ("Created", "Released") and value and not is_valid_moment(value):
        raise CableFileError(line_number, f"{name} {value[:40]!r} is not a real date and time YYYY-MM-DD HH:MM")
    if name == "Header-Lines" and not value.isdigit():
        raise CableFileError(line_number, f"Header-Lines {value!r} is not a number")


def _split_header(text: str, header_lines: str | None, field_line: int) -> tuple[str, str]:
    """Split the cable text at the header/body boundary the Header-Lines field records."""
    if header_lines is None:
        # A hand-written file without the field: the whole text is the body.
        return "", text
    count = int(header_lines)
    # The count-th newline ends the header: found with str.find rather than by splitting the
    # whole text into lines (a body is a hundred lines or more, a header a dozen).
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end == -1:
            newlines = text.count("\n")
            raise CableFileError(
                field_line, f"Header-Lines is {count} but the text has only {newlines} lines before the body"
            )
    return (text[:end] if count else ""), text[end + 1 :]
