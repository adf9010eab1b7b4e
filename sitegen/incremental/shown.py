"""Shown: the cable files a quick build found changed -> the versions the stored catalogue is to hold of them, by catalogue_versions' rules.

A cable file names its revision and withdrawal (versions.py); a catalogue holds each cable's
version current at its moment, the cables removed and the changes made (current_versions, which
build_catalogue applies to every cable). A quick build applies that same rule to the changed
cables alone: the version the last build showed (its stored row, or its removed entry) against
the one shown now, as a row edited in place or a move for StoredCatalogue.move, and the removed
cables and changes with the changed cables' own replaced. A cable never revised nor withdrawn,
nearly every one, passes through as its file says, with no history read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sitegen.catalogue import CableEntry
from sitegen.catalogue_versions import Change, current_versions, released_by
from sitegen.incremental.edit import Move
from sitegen.incremental.stored import StoredCatalogue, same_place
from sitegen.sources.history import earlier_entries, history_problems, version_digests

Edit = tuple[CableEntry, CableEntry, str]  # a cable file changed in place: (then, now, digest now)


@dataclass
class ShownChanges:
    """The changed cables as the catalogue is to show them."""

    in_place: dict[str, tuple[CableEntry, str]] = field(default_factory=dict)  # ref -> (entry, digest), where it sat
    moves: list[Move] = field(default_factory=list)  # (shown then, shown now, digest) for StoredCatalogue.move
    removed: dict[str, tuple[CableEntry, str]] = field(default_factory=dict)  # every cable removed, its file's digest
    changes: tuple[Change, ...] = ()  # every change made, latest first
    versions: bool = False  # a changed cable is or was revised or withdrawn: history, removed and release pages
    change_days: set[str] = field(default_factory=set)  # the days of the changes of those cables the last build listed


def versioned(entry: CableEntry | None) -> bool:
    """Whether a cable's file names a revision or withdrawal (versions.py)."""
    return entry is not None and bool(entry.revised or entry.withdrawn)


def shown_changes(
    catalogue: StoredCatalogue,
    edits: list[Edit],
    moves: list[Move],
    site: Path,
) -> ShownChanges | None:
    """The changed cables as the catalogue is to show them at its moment: `edits` the files
    changed in place (stores.stays_in_place), `moves` the others, each (file then, file now,
    digest now). None when an earlier version the build would show does not read (the general
    path reports it). `catalogue` is the last build's, its rows not yet edited; `site` holds
    the earlier versions (sources/history.py reads them as the general path does)."""
    changed: list[Move] = [*edits, *moves]
    revised = {
        entry.reference_id for old, new, _ in changed for entry in (old, new) if entry is not None and versioned(entry)
    }
    removed = {ref: (entry, catalogue.digests.get(ref, "")) for ref, entry in catalogue.removed.items()}
    shown = ShownChanges(removed=removed, changes=tuple(catalogue.changes))
    shown.in_place = {new.reference_id: (new, digest) for _, new, digest in edits if new.reference_id not in revised}
    shown.moves = [move for move in moves if moved_id(move) not in revised]
    if not revised:
        return shown
    shown.versions = True
    return _versions(catalogue, shown, revised, changed, site)


def _versions(
    catalogue: StoredCatalogue,
    shown: ShownChanges,
    revised: set[str],
    changed: list[Move],
    site: Path,
) -> ShownChanges | None:
    """Add the versioned cables' rows, moves, removals and changes to `shown`."""
    then: dict[str, CableEntry] = {}
    now: dict[str, tuple[CableEntry, str]] = {}
    for old, new, digest in changed:
        if old is not None and old.reference_id in revised:
            then.setdefault(old.reference_id, old)
        if new is not None and new.reference_id in revised:
            now[new.reference_id] = (new, digest)
    held, removed, changes = current_versions(
        [entry for entry, _ in now.values()], catalogue.as_of, earlier_entries(site)
    )
    out = {entry.reference_id: entry for entry in held if released_by(entry, catalogue.as_of)}
    if history_problems(site, out):
        return None
    digests = version_digests(site, out, {ref: now[ref][1] for ref in out})
    shown.change_days = {change[0][:10] for change in shown.changes if change[1] in revised}
    shown.removed = {ref: row for ref, row in shown.removed.items() if ref not in revised}
    shown.removed |= {ref: (entry, now[ref][1]) for ref, entry in removed.items()}
    shown.removed = dict(sorted(shown.removed.items()))
    shown.changes = tuple(sorted([*(c for c in shown.changes if c[1] not in revised), *changes], reverse=True))
    held_now = {entry.reference_id: entry for entry in held}
    catalogue.preload(revised)  # their stored rows, in a few queries
    for ref in sorted(revised):
        stored = catalogue.cables.get(ref)
        was = stored or catalogue.removed.get(ref) or then.get(ref)
        entry = held_now.get(ref)
        digest = digests.get(ref) or (now[ref][1] if ref in now else "")
        if stored is not None and ref in out and same_place(stored, out[ref]):
            shown.in_place[ref] = (out[ref], digest)
        elif ref in catalogue.cables or ref in catalogue.withheld or entry is not None:
            shown.moves.append((was, entry, digest))
    return shown


def moved_id(move: Move) -> str:
    """The reference ID of a cable moved."""
    entry = move[0] or move[1]
    return entry.reference_id if entry is not None else ""
