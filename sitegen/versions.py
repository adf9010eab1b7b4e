"""Versions: a cable's earlier versions on disk (content/history/<REFID>/<n>.txt), its revisions and withdrawal.

A released cable is never changed or dropped in silence. Its earlier versions are whole cable
files, numbered from 1 in order, each as it stood plus `Superseded:` (when the version after it
was released). The current file says when it replaced a released version (`Revised:`, and
`Revision-Note:`), or that the cable was removed (`Withdrawn:`, `Withdrawal-Note:`; its text is
kept for the record and never published). A stamp not yet given is `pending`: `sitegen release`
gives it. Import, `revise` and `release` (archive.py, cli.py) change these files; the build
reads them (catalogue.py picks the version current at `--as-of`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.layout import history_folder
from sitegen.model import CableRecord, Problem, is_valid_moment
from sitegen.sources.cablefile import CableFileError, format_cable, parse_cable_file, read_cable_file

REVISED, REVISION_NOTE, SUPERSEDED = "Revised", "Revision-Note", "Superseded"
WITHDRAWN, WITHDRAWAL_NOTE = "Withdrawn", "Withdrawal-Note"
VERSION_FIELDS = frozenset(name.lower() for name in (REVISED, REVISION_NOTE, SUPERSEDED, WITHDRAWN, WITHDRAWAL_NOTE))
# A stamp `sitegen release` has not yet given. It sorts after every moment, so a version
# pending release is never current at any `--as-of`.
PENDING = "pending"
_STAMPS = frozenset(name.lower() for name in (REVISED, SUPERSEDED, WITHDRAWN))


def is_out(moment: str | None, as_of: str) -> bool:
    """True when a stamp (a release, revision or withdrawal moment) has come by `as_of`. A stamp
    that is no moment (`pending`, or malformed: stamp_problem reports it) never comes."""
    return moment is not None and moment != "" and moment <= as_of and is_valid_moment(moment)


def is_pending(stamp: str) -> bool:
    """True for a stamp given that is no moment: `pending`, or malformed (treated as pending)."""
    return stamp == PENDING or not is_valid_moment(stamp)


def is_malformed_stamp(value: str | None) -> bool:
    """True for a version stamp that is neither `pending` nor a real moment YYYY-MM-DD HH:MM."""
    return bool(value) and value != PENDING and not is_valid_moment(value)  # type: ignore[arg-type]


def stamp_problem(data: bytes, shown: str, why: str = "") -> Problem | None:
    """The first malformed `Revised:`, `Withdrawn:` or `Superseded:` in a cable or history
    file's fields, named by file and line, and `why` (what the build does about it)."""
    head = data.partition(b"\n\n")[0].decode("utf-8", "surrogateescape")
    for number, line in enumerate(head.split("\n"), start=1):
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name.lower() in _STAMPS and is_malformed_stamp(value):
            return Problem(
                shown,
                number,
                f"{name} {value[:40]!r} is neither a real date and time YYYY-MM-DD HH:MM nor {PENDING!r}{why}",
            )
    return None


def with_fields(record: CableRecord, **fields: str | None) -> CableRecord:
    """The record with these version fields (`Revision_Note=...` for Revision-Note) set in place,
    added at the end, or (None) removed."""
    wanted = {name.replace("_", "-").lower(): (name.replace("_", "-"), value) for name, value in fields.items()}
    extra: list[tuple[str, str]] = []
    for key, value in record.extra:
        if key.lower() in wanted:
            name, new = wanted.pop(key.lower())
            if new is not None:
                extra.append((key, new))
        else:
            extra.append((key, value))
    extra += [(name, value) for name, value in wanted.values() if value is not None]
    return replace(record, extra=tuple(extra))


def substance(record: CableRecord) -> bytes:
    """What a version says, without when it was released or why, or where the dump put it: two
    versions that differ here differ for a reader (the text, the fields, the dump's spellings)."""
    kept = tuple((key, value) for key, value in record.extra if key.lower() not in VERSION_FIELDS)
    return format_cable(replace(record, sequence="", released=None, extra=kept))


def is_released_version(record: CableRecord) -> bool:
    """True when the file's version has been released (a pending revision has not)."""
    revised = record.extra_field(REVISED)
    return bool(record.released) and (revised is None or is_valid_moment(revised))


@dataclass(frozen=True)
class Version:
    """One version of a cable: its number (1 the first), its record, when it was released
    (None: never yet), when the next replaced it (None: it is current), why it was made."""

    number: int
    record: CableRecord
    released: str | None
    superseded: str | None
    note: str
    path: Path


def history_files(content: Path, reference_id: str) -> list[Path]:
    """A cable's earlier versions' files, oldest first."""
    folder = history_folder(content, reference_id)
    try:
        names = [name for name in os.listdir(folder) if name.endswith(".txt") and name[:-4].isdigit()]
    except FileNotFoundError:
        return []
    return [folder / name for name in sorted(names, key=lambda name: int(name[:-4]))]


def version_moment(record: CableRecord) -> str | None:
    """When this version was released: its revision stamp, else the cable's first release."""
    return record.extra_field(REVISED) or record.released


def read_versions(content: Path, current_path: Path) -> tuple[list[Version], list[Problem]]:
    """Every version of a cable, oldest first, the current file last."""
    problems: list[Problem] = []
    records: list[tuple[CableRecord, Path]] = []
    current = read_cable_file(current_path)
    if isinstance(current, Problem):
        return [], [current]
    for path in history_files(content, current.reference_id):
        record = read_history_file(path)
        if isinstance(record, Problem):
            problems.append(record)
            continue
        records.append((record, path))
    records.append((current, current_path))
    versions = [
        Version(
            number,
            record,
            version_moment(record),
            record.extra_field(SUPERSEDED),
            record.extra_field(REVISION_NOTE) or "",
            path,
        )
        for number, (record, path) in enumerate(records, start=1)
    ]
    return versions, problems


def read_history_file(path: Path) -> CableRecord | Problem:
    """An earlier version's file (named by its number, not its reference ID)."""
    try:
        data = path.read_bytes()
        record = parse_cable_file(data)
    except OSError as error:
        return Problem(str(path), 0, f"cannot read: {error.strerror}")
    except CableFileError as error:
        return Problem(str(path), error.line, str(error))
    # A version whose stamps do not read is left out whole, as one that does not parse: which
    # version came when is then unknown, and an older version (or none) is the safe one to show.
    return stamp_problem(data, str(path), " (this version is left out)") or record


def keep_version(content: Path, record: CableRecord, superseded: str | None) -> Path:
    """Write a released version into the cable's history, as it stood, with `Superseded:`."""
    files = history_files(content, record.reference_id)
    number = int(files[-1].stem) + 1 if files else 1
    path = history_folder(content, record.reference_id) / f"{number}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = with_fields(record, Superseded=superseded or PENDING)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(format_cable(kept))
    os.replace(temporary, path)
    return path


def revision(old: CableRecord, new: CableRecord, note: str, released: str | None) -> CableRecord:
    """The record that replaces a released version: its first release kept, the revision stamped
    (`released`, or pending) with its reason."""
    return with_fields(
        replace(new, released=old.released),
        Revised=released or PENDING,
        Revision_Note=note,
        Withdrawn=None,
        Withdrawal_Note=None,
    )


def withdrawal(record: CableRecord, note: str, released: str | None) -> CableRecord:
    """The record of a cable removed from the archive: text kept, never published again."""
    return with_fields(record, Withdrawn=released or PENDING, Withdrawal_Note=note)


def stamp_pending(content: Path, record: CableRecord, moment: str) -> CableRecord | None:
    """The record with its pending revision or withdrawal stamped `moment` (and the version it
    replaced stamped superseded); None when nothing was pending."""
    stamped = record
    if record.extra_field(REVISED) == PENDING:
        stamped = with_fields(stamped, Revised=moment)
        stamp_superseded(content, record.reference_id, moment)
    if record.extra_field(WITHDRAWN) == PENDING:
        stamped = with_fields(stamped, Withdrawn=moment)
    return None if stamped is record else stamped


def stamp_superseded(content: Path, reference_id: str, moment: str) -> None:
    """Stamp the latest earlier version, if its successor's release was pending, superseded at `moment`."""
    files = history_files(content, reference_id)
    last = read_history_file(files[-1]) if files else None
    if isinstance(last, CableRecord) and last.extra_field(SUPERSEDED) == PENDING:
        temporary = files[-1].with_name(f".{files[-1].name}.tmp")
        temporary.write_bytes(format_cable(with_fields(last, Superseded=moment)))
        os.replace(temporary, files[-1])
