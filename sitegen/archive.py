"""The cable archive on disk: import a dump into cable files, export it back, stamp releases.

These commands change `content/cables/`; the build only ever reads it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from sitegen import versions
from sitegen.config_options import parse_moment
from sitegen.model import FIRST_YEAR, CableRecord, Problem, canonical_reference_id, is_utf8, reference_id_problem
from sitegen.sources.cablefile import CableFileError, cable_path, format_cable, parse_cable_file, read_cable_file
from sitegen.sources.dump import DumpRow, encode_row, parse_dump_date, read_rows, record_to_fields
from sitegen.sources.scan import cable_file_stats


@dataclass
class ImportReport:
    """What an import did. Every row read is written, unchanged, or reported once in `problems`."""

    rows: int = 0
    written: int = 0
    unchanged: int = 0
    moved: int = 0  # of those written: cables whose Created date moved them to another folder
    revised: int = 0  # of those written: released cables whose earlier version went to history
    withdrawn: int = 0  # released cables the dump no longer holds, marked removed (`--note`)
    dropped: int = 0  # unreleased cables the dump no longer holds, deleted (`--note`)
    problems: list[Problem] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.written + self.unchanged


def record_from_row(row: DumpRow, source: str, released: str | None) -> CableRecord | Problem:
    """A dump row as a record, or a Problem naming the row and line."""
    sequence, created_text, reference_id, origin, classification, references, header, body = row.fields
    where = f"row {row.row}"
    problem = reference_id_problem(reference_id)
    if problem:
        return Problem(source, row.line, f"{where}: {problem}")
    for name, value in (
        ("created", created_text),
        ("origin", origin),
        ("classification", classification),
        ("references", references),
        ("sequence", sequence),
    ):
        if "\n" in value or "\r" in value:
            return Problem(source, row.line, f"{where} ({reference_id}): {name} holds a line break")
        if not is_utf8(value):
            return Problem(source, row.line, f"{where} ({reference_id}): {name} holds bytes that are not UTF-8")
        if name in ("origin", "classification") and not value.strip():
            # A cable file must name both (sources/cablefile.py): an empty origin would publish
            # `Cables from ` and links with no text.
            return Problem(source, row.line, f"{where} ({reference_id}): {name} is empty")
    created = parse_dump_date(created_text)
    if created is None:
        return Problem(
            source,
            row.line,
            f"{where} ({reference_id}): created {created_text[:40]!r} is not a real date M/D/YYYY H:MM"
            f" from year {FIRST_YEAR} on",
        )
    # One spelling of an ID everywhere (model.canonical_reference_id): `09ROME0042` is kept as
    # 09ROME42, the ID box's and the references' spelling, and the dump's for export.
    canonical = canonical_reference_id(reference_id) or reference_id
    record = CableRecord(canonical, sequence, created, released, classification, origin, references, header, body)
    extra: list[tuple[str, str]] = []
    if record_to_fields(record)[1] != created_text:
        # The dump spelled the date unusually (zero padding, say): keep its spelling for export.
        extra.append(("Dump-Created", created_text))
    if canonical != reference_id:
        extra.append(("Dump-Reference-ID", reference_id))
    record = replace(record, extra=tuple(extra))
    if encode_row(record_to_fields(record)) != row.raw:
        return Problem(
            source, row.line, f"{where} ({reference_id}): uses escapes this tool cannot write back byte for byte"
        )
    return record


def import_dump(
    stream: BinaryIO,
    source: str,
    content_dir: Path,
    released: str | None = None,
    progress: Callable[[int], None] | None = None,
    note: str | None = None,
) -> ImportReport:
    """Stream a dump into cable files; unchanged files are left untouched (mtime kept).

    `released` stamps cables that carry no release date of their own: a re-import keeps the
    date a file already has, so stamping a new batch never moves an old one. A released cable
    whose text or fields changed keeps its earlier version in history (versions.py), the
    change stamped `released` (or pending) with the reason `note`. Given a `note`, the dump is
    a later release of the whole archive: a released cable it no longer holds is marked
    withdrawn, an unreleased one deleted.
    """
    report = ImportReport()
    # One file per reference ID: where each ID's file is now (a string: at 251,287 cables Path
    # objects would cost tens of MB), and the row and line that gave each ID (not the row: a
    # dump is never held whole).
    files = {os.path.basename(path)[:-4]: path for path, link in _cable_file_paths(content_dir) if not link}
    given: dict[str, tuple[int, int]] = {}
    for item in read_rows(stream, source):
        report.rows += 1
        if progress:
            progress(1)
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        record = record_from_row(item, source, released)
        if isinstance(record, Problem):
            report.problems.append(record)
            continue
        first_row, first_line = given.setdefault(record.reference_id, (item.row, item.line))
        if first_row != item.row:
            report.problems.append(
                Problem(
                    source,
                    item.line,
                    f"row {item.row}: reference ID {record.reference_id} was already given by row {first_row}"
                    f" (line {first_line}); this row is not imported",
                )
            )
            continue
        path = cable_path(content_dir, record)
        old_path = Path(files[record.reference_id]) if record.reference_id in files else path
        current = _read_if_exists(old_path)
        existing = _parsed_or_none(current)
        if existing is not None:
            record = _succeeding(content_dir, existing, record, (note or "", released), report)
        if old_path != path:  # its Created date changed: the file moves to its new month
            write_if_changed(path, format_cable(record))
            old_path.unlink(missing_ok=True)
            files[record.reference_id] = str(path)
            report.written += 1
            report.moved += 1
        elif write_if_changed(path, format_cable(record), current):
            report.written += 1
        else:
            report.unchanged += 1
    if note is not None:
        _mark_missing(content_dir, files, given, (note, released), report)
    return report


def _succeeding(
    content_dir: Path, existing: CableRecord, incoming: CableRecord, why: tuple[str, str | None], report: ImportReport
) -> CableRecord:
    """What the file of a cable already on disk becomes: the incoming row, with the release date
    and fields the file had; a released version that differs goes to history first."""
    note, released = why
    kept = replace(incoming, released=existing.released or released, extra=_merged_extra(existing, incoming))
    if versions.substance(existing) == versions.substance(kept):
        if existing.extra_field(versions.WITHDRAWN) is None:
            return kept
        # Back in the dump after a withdrawal: published again (the withdrawal is not kept).
        return versions.with_fields(kept, Withdrawn=None, Withdrawal_Note=None)
    if not existing.released:
        return kept
    report.revised += 1
    if versions.is_released_version(existing):
        versions.keep_version(content_dir, existing, released)
    elif released:  # a pending revision replaced again, now released
        versions.stamp_superseded(content_dir, existing.reference_id, released)
    return versions.revision(existing, kept, note, released)


def _mark_missing(
    content_dir: Path,
    files: dict[str, str],
    given: dict[str, tuple[int, int]],
    why: tuple[str, str | None],
    report: ImportReport,
) -> None:
    """The cables a whole dump no longer holds: released ones marked withdrawn, others deleted."""
    note, released = why
    for reference_id in sorted(set(files) - set(given)):
        path = Path(files[reference_id])
        record = read_cable_file(path)
        if isinstance(record, Problem):
            report.problems.append(record)
        elif not record.released:
            path.unlink(missing_ok=True)
            report.dropped += 1
        elif record.extra_field(versions.WITHDRAWN) is None:
            write_if_changed(path, format_cable(versions.withdrawal(record, note, released)))
            report.withdrawn += 1


# Fields recording how the dump spelled a value: each import writes them anew.
_DUMP_SPELLINGS = ("dump-created", "dump-reference-id")


def _merged_extra(existing: CableRecord, incoming: CableRecord) -> tuple[tuple[str, str], ...]:
    """Keep fields a publisher added to a file (the version fields too); the dump's own
    spellings come from the dump."""
    kept = [(k, v) for k, v in existing.extra if k.lower() not in _DUMP_SPELLINGS]
    return tuple(kept) + tuple(incoming.extra)


def _read_if_exists(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _parsed_or_none(data: bytes | None) -> CableRecord | None:
    """The record in an existing file, or None when there is none or it does not parse (then it is replaced)."""
    if data is None:
        return None
    try:
        return parse_cable_file(data)
    except CableFileError:
        return None


def write_if_changed(path: Path, data: bytes, current: bytes | None = None) -> bool:
    """Write `data` to `path` atomically unless it already holds exactly that; True if written.

    `current`, when the caller has already read the file, spares reading it again.
    """
    if current is None:
        current = _read_if_exists(path)
    if current == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def _cable_file_paths(content_dir: Path) -> Iterator[tuple[str, bool]]:
    """Each cable file's path, as the build's scan finds them (sources/scan.py), and whether it
    is a link the scan cannot read: one that loops, leads nowhere or to a folder. Reading one
    reports it, so that no command skips a folder in silence."""
    for _, _, files in cable_file_stats(content_dir, jobs=1):
        for path, size, _ in files:
            yield path, size < 0


def cable_files(content_dir: Path, stems: Container[str] | None = None) -> Iterator[Path]:
    """Every cable file under content/cables (or only those whose name without `.txt` is in
    `stems`: no Path is made for the others, but every unreadable link is given), in a stable order."""
    for path, unreadable_link in _cable_file_paths(content_dir):
        if stems is None or unreadable_link or os.path.basename(path)[:-4] in stems:
            yield Path(path)


def _sequence_key(record: CableRecord) -> tuple[int, int | str, str]:
    return (
        (0, int(record.sequence), record.reference_id)
        if record.sequence.isdigit()
        else (1, record.sequence, record.reference_id)
    )


def export_dump(content_dir: Path, out: BinaryIO) -> tuple[int, list[Problem]]:
    """Write every cable back as a dump row, in the dump's own order (its sequence numbers).

    Holds only (sequence, path) pairs in memory, then streams the files in that order.
    """
    problems: list[Problem] = []
    order: list[tuple[tuple[int, int | str, str], Path]] = []
    for path in cable_files(content_dir):
        record = read_cable_file(path)
        if isinstance(record, Problem):
            problems.append(record)
            continue
        if record.extra_field(versions.WITHDRAWN) is None:  # a removed cable is no part of the dump
            order.append((_sequence_key(record), path))
    order.sort()
    written = 0
    for _, path in order:
        record = read_cable_file(path)
        if isinstance(record, Problem):  # changed between the two readings
            problems.append(record)
            continue
        out.write(encode_row(record_to_fields(record)))
        written += 1
    return written, problems


@dataclass(frozen=True)
class ListedId:
    """One reference ID named for release: where it was named (a list's line, or 0 on the
    command line) and, when the list gives one, its own release moment."""

    reference_id: str
    line: int = 0
    released: str | None = None


# A second column that starts like a date is one (a bad date is reported); any other is not.
_DATE_LIKE = re.compile(r"[0-9]{4}-")


def read_id_list(path: Path) -> tuple[list[ListedId], list[Problem]]:
    """The reference IDs in the first column of a list (one a line, tab- or space-separated
    columns after it, as released.tsv has), each with its line and, from a tab-separated second
    column, its own release moment; a problem for each line that holds no ID or a date that is
    not one. The first line that is neither blank nor a `#` comment may be a header, and is
    skipped when it holds no ID; a BOM before it is no part of it."""
    listed: list[ListedId] = []
    problems: list[Problem] = []
    first = True
    with open(path, "rb") as stream:
        for line_number, raw in enumerate(stream, start=1):
            line = raw.decode("utf-8", "replace").removeprefix("\ufeff").strip()
            if not line or line.startswith("#"):
                continue
            word = line.split()[0]
            reference_id = canonical_reference_id(word)
            if reference_id is not None:
                columns = line.split("\t")
                written = columns[1].strip() if len(columns) > 1 else ""
                if not _DATE_LIKE.match(written):
                    written = ""  # another column (a source, a note): the command's date holds
                # released.tsv's second column: `YYYY-MM-DD HH:MM`, or a day (its first minute).
                released = parse_moment(written) if written else None
                if written and released is None:
                    problems.append(
                        Problem(
                            str(path), line_number, f"{written[:40]!r} is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)"
                        )
                    )
                listed.append(ListedId(reference_id, line_number, released))
            elif not first:
                problem = reference_id_problem(word) or f"{word[:40]!r} is not a reference ID"
                problems.append(Problem(str(path), line_number, problem))
            first = False
    return listed, problems


@dataclass
class ReleaseOutcome:
    """What `release_cables` did: the IDs stamped, those kept at the release date they had,
    those not found (as named), and files it could not read."""

    stamped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)  # released cables whose pending revision or withdrawal was stamped
    missing: list[ListedId] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def release_cables(content_dir: Path, released: str, named: Iterable[ListedId], redate: bool = False) -> ReleaseOutcome:
    """Stamp `Released:` on the named cables: each its own listed moment, else `released`. A cable
    already released keeps its date unless `redate`. IDs are matched by the one canonical rule."""
    wanted: dict[str, ListedId] = {}
    for listed in named:
        key = canonical_reference_id(listed.reference_id) or listed.reference_id.strip()
        if key:
            wanted.setdefault(key, listed)
    outcome = ReleaseOutcome()
    found: set[str] = set()
    for path in cable_files(content_dir, set(wanted)):
        found.add(path.stem)
        record = read_cable_file(path)
        if isinstance(record, Problem):
            outcome.problems.append(record)
            continue
        pending = versions.stamp_pending(content_dir, record, wanted[path.stem].released or released)
        if pending is not None:  # a revision or withdrawal of a released cable: its first release kept
            write_if_changed(path, format_cable(pending))
            outcome.revised.append(record.reference_id)
            continue
        if record.released and not redate:
            outcome.kept.append(record.reference_id)
            continue
        moment = wanted[path.stem].released or released
        write_if_changed(path, format_cable(replace(record, released=moment)))
        outcome.stamped.append(record.reference_id)
    outcome.stamped.sort()
    outcome.kept.sort()
    outcome.revised.sort()
    outcome.missing = [wanted[key] for key in sorted(set(wanted) - found)]
    return outcome
