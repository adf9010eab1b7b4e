"""Search index: the released cables -> output/search/, rewriting only the segments whose cables changed.

The index is a pure function of the released cables (their files and release days), whatever
the build's path (--full, general, quick) or --jobs: a quick build and a full one give the
same bytes. Segments follow the releases:

  base         the cables of the release days up to the last one that began a new base
  r<YYYY-MM-DD>  the cables of each later release day, one segment a day

Walking the release days in order, a day joins the base when the days after the base would
hold more than DELTA_SHARE of the base's cables or number more than MAX_DELTAS. So a release
adds one small segment (its files, the cables' result lines, meta.js: a bounded share of the
files), and every few releases the base absorbs them and is written anew. Scores use the base's
statistics (held between its rebuilds), so a cable scores the same in any segment and a release
does not rescore the base.

Only released cables reach here (the catalogue's embargo): no word, ID or excerpt of a withheld
cable is in any file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import marshal
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import urls
from sitegen.catalogue import CableEntry
from sitegen.model import is_valid_moment
from sitegen.search.files import DOCS_BLOCK, MAX_PREFIX, script
from sitegen.search.hide import Hiding, Refused, hide_in_segment
from sitegen.search.segment import CableFiles, Member, Put, SegmentFiles, Statistics, Work, index_segment

FORMAT = 3  # of the files and of the record; a new format rebuilds every segment
BASE = "base"
DELTA_SHARE = 0.25
MAX_DELTAS = 8
META = "meta.js"

EntryOf = Callable[[str], CableEntry]


@dataclass(frozen=True)
class Segment:
    name: str
    first: int  # the id of its first cable: ids run on across segments
    members: tuple[Member, ...]  # in created order (then by reference ID)
    last: str = ""  # its last release day: each cable is indexed as it stood at the end of it
    # Cables revised or withdrawn after `last`: read as they stood then, so that they count in
    # its statistics as before (no other score moves), but hidden (`hidden_cables`); a revised
    # one is indexed as it is now in the segment of the day of its change.
    held: frozenset[str] = frozenset()


def plan_segments(members: list[Member]) -> list[Segment]:
    """The base and one segment per release day after it (see the module's docstring). A day
    counts the cables it first released and those it revised or withdrew."""
    sizes: dict[str, int] = {}
    for member in members:
        for day in {member.release_day, member.changed} - {""}:
            sizes[day] = sizes.get(day, 0) + 1
    days = sorted(sizes)
    base_end, base_size, delta_size = 0, 0, 0
    for at, day in enumerate(days):
        delta_size += sizes[day]
        deltas = at + 1 - base_end
        if delta_size > DELTA_SHARE * base_size or deltas > MAX_DELTAS:
            base_end, base_size, delta_size = at + 1, base_size + delta_size, 0
    base_last = days[base_end - 1] if base_end else ""
    groups: dict[str, list[Member]] = {}
    held: dict[str, set[str]] = {}
    for member in members:
        home = _segment_of(member.release_day, base_last)
        if member.changed <= _last_day(home, base_last):  # as it is now, or gone
            if not member.withdrawn:
                groups.setdefault(home, []).append(member)
            continue
        groups.setdefault(home, []).append(member)
        held.setdefault(home, set()).add(member.reference_id)
        if not member.withdrawn:
            groups.setdefault(_segment_of(member.changed, base_last), []).append(member)
    segments, first = [], 0
    for name in sorted(groups, key=lambda name: (name != BASE, name)):
        cables = tuple(sorted(groups[name], key=_by_created))
        segments.append(Segment(name, first, cables, _last_day(name, base_last), frozenset(held.get(name, ()))))
        first += len(cables)
    return segments


def _segment_of(day: str, base_last: str) -> str:
    return BASE if day <= base_last else f"r{day}"


def _last_day(segment: str, base_last: str) -> str:
    return base_last if segment == BASE else segment[1:]


def _by_created(member: Member) -> tuple[str, str]:
    return member.created, member.reference_id


def segment_digest(
    segment: Segment, base_digest: str, pins: Mapping[str, str], marked: frozenset[str] | None = None
) -> str:
    """What a segment's files are made from: its cables, its first id, the base's statistics.
    `marked`: the held cables marked hidden, if not all of them; none is what its statistics
    are made from (a withdrawal leaves them as they were); some, what its files were (hidden_digest)."""
    digest = hashlib.sha256(f"{FORMAT}\n{segment.name}\n{segment.first}\n{base_digest}\n".encode())
    marked = segment.held if marked is None else marked
    for member in segment.members:
        # A held cable's pin (`<day> <digest>`) gives the digest it had while it was current.
        held = member.reference_id in segment.held
        part = pins[member.reference_id].partition(" ")[2] if held else member.digest
        part += " hidden" if held and member.reference_id in marked else ""
        digest.update(f"{member.reference_id}\t{part}\n".encode())
    return digest.hexdigest()


def hidden_digest(segment: Segment, base_digest: str, pins: Mapping[str, str], marked: frozenset[str]) -> str:
    """The digest the segment had while only the `marked` of its held cables were hidden: the
    others still current there, standing by their pins (their digests then)."""
    return segment_digest(segment, base_digest, pins, marked=marked)


def hidden_cables(segment: Segment) -> frozenset[int]:
    """The places in a segment of the cables revised or withdrawn since it was cut: no word,
    position, line or facet of their older entries stays in its files, though they count in
    its statistics. A withdrawal is the embargo; a revision often adds redactions, and a
    posting "cable N holds word W" in a static file would give the redacted W away."""
    return frozenset(at for at, member in enumerate(segment.members) if member.reference_id in segment.held)


def pin_held(segments: list[Segment], record: Record | None) -> dict[str, str]:
    """What stands for each held cable in its segment's digest: its version as it stood at the
    segment's end, which never changes. The digest the record had for it while it was current
    there (so that the statistics' key stays as it was), else the pin the
    record keeps, else the segment's day alone (a first build). Only whether a segment is
    written again depends on the record, never its bytes."""
    before = {member.reference_id: member for member in record.members} if record else {}
    kept = record.pins if record else {}
    pins: dict[str, str] = {}
    for segment in segments:
        for member in segment.members:
            if member.reference_id not in segment.held:
                continue
            reference_id, old = member.reference_id, before.get(member.reference_id)
            if kept.get(reference_id, "").startswith(f"{segment.last} "):
                pins[reference_id] = kept[reference_id]
            elif old is not None and not old.withdrawn and old.changed <= segment.last < member.changed:
                pins[reference_id] = f"{segment.last} {old.digest}"
            else:
                pins[reference_id] = f"{segment.last} held"
    return pins


@dataclass
class Record:
    """What the index in place was made from, kept in the site's cache: each segment's digest
    and the members (for the quick path, which does not load every cable)."""

    segments: dict[str, str]
    members: list[Member]
    pins: dict[str, str]  # pin_held's
    prefixes: dict[str, list[str]]  # each segment's dictionary prefixes, for meta.js
    long: dict[str, list[int]] = field(default_factory=dict)  # each segment's SegmentFiles.long, for hide.py
    texts: dict[str, str] = field(default_factory=dict)  # each segment's SegmentFiles.texts in base64, for hide.py


def read_record(path: Path) -> Record | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return Record(
        dict(data["segments"]),
        [Member(*fields) for fields in data["members"]],
        dict(data["pins"]),
        {name: list(found) for name, found in data["prefixes"].items()},
        {name: list(found) for name, found in dict(data.get("long", {})).items()},
        {name: str(found) for name, found in dict(data.get("texts", {})).items()},
    )


def write_record(path: Path, record: Record) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    data = {"format": FORMAT, "segments": record.segments, "members": [list(m) for m in record.members]}
    data |= {"pins": record.pins, "prefixes": record.prefixes, "long": record.long, "texts": record.texts}
    temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, path)


def statistics_path(record_path: Path) -> Path:
    return record_path.with_suffix(".stats")


def read_statistics(path: Path, base_digest: str) -> Statistics | None:
    try:
        digest, documents, average, df = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return Statistics(documents, average, df) if digest == base_digest else None


def write_statistics(path: Path, base_digest: str, statistics: Statistics) -> None:
    temporary = path.with_suffix(".stats-tmp")
    temporary.write_bytes(marshal.dumps((base_digest, statistics.documents, statistics.average_length, statistics.df)))
    os.replace(temporary, path)


@dataclass
class IndexUpdate:
    """What one update of the index did, and what the build does with it."""

    names: set[str]  # search/... paths of the files written (all, or those of the segments redone)
    kept: list[str]  # segments whose files in the output stay as they are
    record: Record
    segments: int = 0
    rewritten: int = 0
    size: int = 0  # bytes written
    edited: list[str] = field(default_factory=list)  # of the segments written anew, those edited (hide.py)
    refused: dict[str, str] = field(default_factory=dict)  # why each other was read again


@dataclass(frozen=True)
class IndexOutput:
    """The output the index is written into, as update_index sees it: the two questions it asks
    of the same folder."""

    present: Callable[[str], bool]  # whether a segment's files are in the output (False for all in a full build)
    put: Put  # writes one file, by path in the output
    spill: Path | None = None  # a folder of the writer's own for its runs (layout.search_runs), removed after
    folder: Path | None = None  # the output's search folder, whose files in place an edit reads (hide.py)


def update_index(
    members: list[Member],
    record_path: Path,
    site_dir: Path,
    entry_of: EntryOf,
    output: IndexOutput,
    jobs: int = 1,
) -> IndexUpdate:
    """Write (to `output.put`) the files of the segments that must be written anew: those whose
    digest differs from the record's or whose files `output.present` says are not in the
    output; and meta.js."""
    present, put = output.present, output.put
    segments = plan_segments(members)
    record = read_record(record_path)
    pins = pin_held(segments, record)
    base_digest = segment_digest(segments[0], "", pins, frozenset()) if segments else ""
    digests = {segment.name: segment_digest(segment, base_digest, pins) for segment in segments}
    known = record.prefixes if record else {}
    stale = [
        segment
        for segment in segments
        if record is None
        or record.segments.get(segment.name) != digests[segment.name]
        or segment.name not in known
        or not present(segment.name)
    ]
    prefixes = {segment.name: known[segment.name] for segment in segments if segment not in stale}
    long = {name: found for name, found in (record.long if record else {}).items() if name in prefixes}
    texts = {name: found for name, found in (record.texts if record else {}).items() if name in prefixes}
    stats_file = statistics_path(record_path)
    statistics = read_statistics(stats_file, base_digest) if segments else None
    if statistics is None and segments and segments[0] not in stale:
        stale.insert(0, segments[0])  # the base's statistics are lost: it is read again
    done = SegmentFiles()
    emit = done.sink(put)

    def put_in_folder(path: str, data: bytes) -> None:
        emit(f"{urls.SEARCH_FOLDER}/{path}", data)

    if output.spill:
        shutil.rmtree(output.spill, ignore_errors=True)  # what a killed build left
    edit = _Edit(record, pins, base_digest, output, jobs)
    try:
        for segment in stale:
            cables = CableFiles(segment.members, site_dir, entry_of, segment.held, segment.last)
            files = edit.hide(segment, cables, statistics, put_in_folder)
            if isinstance(files, SegmentFiles):
                done.names |= {f"{urls.SEARCH_FOLDER}/{path}" for path in files.names}
                prefixes[segment.name], long[segment.name] = files.prefixes, files.long
                texts[segment.name] = base64.b64encode(files.texts).decode("ascii")
                continue
            base_statistics = None if segment.name == BASE else statistics
            written, own = index_segment(
                segment.name, cables, base_statistics, put_in_folder, Work(jobs, output.spill), hidden_cables(segment)
            )
            if segment.name == BASE:
                statistics = own
                write_statistics(stats_file, base_digest, own)
            prefixes[segment.name], long[segment.name] = written.prefixes, written.long
            texts[segment.name] = base64.b64encode(written.texts).decode("ascii")
    finally:
        if output.spill:
            shutil.rmtree(output.spill, ignore_errors=True)
    emit(f"{urls.SEARCH_FOLDER}/{META}", meta_script(segments, prefixes))
    redone = {segment.name for segment in stale}
    kept = [segment.name for segment in segments if segment.name not in redone]
    record = Record(digests, members, pins, prefixes, long, texts)
    return IndexUpdate(done.names, kept, record, len(segments), len(stale), done.size, edit.edited, edit.refused)


@dataclass
class _Edit:
    """How a stale segment is edited rather than read again (hide.py), when its files in place
    differ from what it must be only by more hidden cables; and why not, for each other."""

    record: Record | None
    pins: dict[str, str]
    base_digest: str
    output: IndexOutput
    jobs: int
    edited: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    before: dict[str, frozenset[str]] | None = None  # each segment's held cables by the record's members

    def hide(self, segment: Segment, cables: CableFiles, base: Statistics | None, put: Put) -> SegmentFiles | None:
        hiding = self._hiding(segment, cables, base)
        files = hide_in_segment(hiding, put) if isinstance(hiding, Hiding) else Refused(hiding)
        if isinstance(files, Refused):
            self.refused[segment.name] = files.reason
            return None
        self.edited.append(segment.name)
        return files

    def _hiding(self, segment: Segment, cables: CableFiles, statistics: Statistics | None) -> Hiding | str:
        record, name = self.record, segment.name
        if record is None or name not in record.prefixes or name not in record.long or name not in record.texts:
            return "no record of its files"
        if self.output.folder is None or not self.output.present(name):
            return "its files are not in the output"
        if statistics is None:
            return "the base's statistics are not kept"
        if self.before is None:
            self.before = {s.name: s.held for s in plan_segments(record.members)}
        before = self.before.get(name)
        if before is None or not before < segment.held:
            return "no cable of it newly hidden, or one shown again"
        if record.segments.get(name) != hidden_digest(segment, self.base_digest, self.pins, before):
            return "its files in place were made from other cables"
        places = frozenset(at for at, member in enumerate(segment.members) if member.reference_id in before)
        base_df = None if name == BASE else statistics.df
        hidden, long, known = hidden_cables(segment), frozenset(record.long[name]), record.prefixes[name]
        try:
            texts = base64.b64decode(record.texts[name], validate=True)
        except ValueError:
            return "no record of its files"
        return Hiding(name, cables, places, hidden, self.output.folder, known, long, texts, base_df, jobs=self.jobs)


def meta_script(segments: list[Segment], prefixes: Mapping[str, list[str]]) -> bytes:
    """meta.js: the segments, their first ids, sizes and dictionary prefixes (so that the
    page's first round trip is meta.js alone, and its second a word's dictionary file and
    first chunk), and the cables a block of lines holds. A cable's older entry in a segment
    that holds it as it stood before a later revision or its withdrawal is hidden there (no
    posting, line or facet), so the page needs no list of them."""
    data = {
        "format": FORMAT,
        "segments": [
            {"name": s.name, "first": s.first, "count": len(s.members), "prefixes": prefixes.get(s.name, [])}
            for s in segments
        ],
        "total": sum(len(s.members) for s in segments),
        "block": DOCS_BLOCK,
        "prefix": MAX_PREFIX,
    }
    return script("meta", data)


def search_members(
    cables: Mapping[str, CableEntry], digests: Mapping[str, str], removed: Mapping[str, CableEntry] | None = None
) -> list[Member]:
    """The released cables, each with what places it in the index; and those withdrawn since
    their release (`removed`), whose earlier entries the index hides."""
    members = [member_of(entry, digests.get(entry.reference_id, "")) for entry in cables.values()]
    return members + [withdrawn_member(entry) for entry in (removed or {}).values()]


def member_of(entry: CableEntry, digest: str) -> Member:
    """A released cable as the index holds it (both paths make their members here)."""
    return Member(entry.reference_id, entry.created, entry.release_day, digest, changed_day(entry))


def withdrawn_member(entry: CableEntry) -> Member:
    """A cable withdrawn since its release: its older entry is hidden where it was indexed."""
    return Member(entry.reference_id, entry.created, entry.release_day, "", entry.withdrawn[:10], True)


def changed_day(entry: CableEntry) -> str:
    """The day the version an entry holds was released, if it revised an earlier one."""
    return entry.revised[:10] if is_valid_moment(entry.revised) else ""


def entries_of(cables: Mapping[str, CableEntry], removed: Mapping[str, CableEntry]) -> EntryOf:
    """Where update_index reads each member's entry: the released cables', then the withdrawn."""

    def entry_of(reference_id: str) -> CableEntry:
        return cables[reference_id] if reference_id in cables else removed[reference_id]

    return entry_of
