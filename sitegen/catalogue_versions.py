"""The versions a catalogue holds: each cable as it stood at the build's moment (part of the embargo, which build_catalogue applies).

A cable revised after `as_of` (or pending) is held at the earlier version current then; a
cable withdrawn by `as_of` is held apart as removed (its page says so; no listing, search or
feed has it); a withdrawal after `as_of` is not yet applied. Entries of earlier versions are
asked of `earlier` (sources/history.py), and only for the few cables revised after `as_of`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sitegen.facets import Facet
from sitegen.versions import is_out

if TYPE_CHECKING:
    from sitegen.catalogue import CableEntry, Catalogue

# A cable's earlier versions' entries, newest first (sources/history.py, earlier_entries).
Earlier = Callable[["CableEntry"], list["CableEntry"]]


def released_by(entry: CableEntry, as_of: str) -> bool:
    """Whether the cable an entry holds was released by `as_of` (the embargo's one test; a
    withdrawal is published()'s)."""
    return bool(entry.released) and entry.released <= as_of


def published(entry: CableEntry, as_of: str) -> bool:
    """Whether a cable file's version is published by `as_of`: released, and not removed."""
    return released_by(entry, as_of) and not is_out(entry.withdrawn, as_of)


def version_moment(entry: CableEntry) -> str:
    """When the version an entry holds was released: its revision, else the cable's first release."""
    return entry.revised or entry.released


# A change the archive made to a released cable by the catalogue's moment, as release pages and
# the changes feed list it: (moment, reference ID, MODIFIED or REMOVED).
Change = tuple[str, str, str]
MODIFIED, REMOVED = "modified", "removed"


def current_versions(
    entries: list[CableEntry], as_of: str, earlier: Earlier | None
) -> tuple[list[CableEntry], dict[str, CableEntry], list[Change]]:
    """The entry of each cable's version current at `as_of`, the cables removed by then, and
    every change made by then, latest first."""
    held: list[CableEntry] = []
    removed: dict[str, CableEntry] = {}
    changes: list[Change] = []
    for entry in entries:
        if not entry.revised and not entry.withdrawn:  # nearly every cable: one version, never removed
            held.append(entry)
            continue
        shown = entry
        if entry.revised and not is_out(entry.revised, as_of):
            shown = version_at(entry, as_of, earlier)
        if is_out(entry.withdrawn, as_of) and is_out(entry.released, as_of):
            removed[entry.reference_id] = entry  # its page reads the reason from its current file
            changes.append((entry.withdrawn, entry.reference_id, REMOVED))
            continue  # its revisions are no longer listed: its page says only that it was removed
        held.append(shown)
        if shown.revised and is_out(shown.released, as_of):
            changes += [(moment, entry.reference_id, MODIFIED) for moment in revisions(shown, earlier)]
    changes.sort(reverse=True)
    return held, removed, changes


def revisions(shown: CableEntry, earlier: Earlier | None) -> list[str]:
    """When each revision of a cable up to the version shown was released, latest first."""
    older = earlier(shown) if earlier else []
    moments = [shown.revised, *(version.revised for version in older if version.revised)]
    return sorted({moment for moment in moments if moment <= shown.revised}, reverse=True)


def version_at(entry: CableEntry, as_of: str, earlier: Earlier | None) -> CableEntry:
    """The latest of a cable's earlier versions released by `as_of` (it may be none: the cable
    is then withheld whole, by its first release date)."""
    versions = earlier(entry) if earlier else []
    for version in versions:
        if is_out(version_moment(version), as_of):
            return version
    # No earlier version out (or its history is missing): the oldest known stands, which the
    # embargo then withholds unless it was released.
    return versions[-1] if versions else entry._replace(released="")


def release_days(catalogue: Catalogue) -> list[str]:
    """Every release day by the catalogue's moment, latest first: each day that released cables,
    and each that only modified or removed some (its page lists those changes, issue 34)."""
    return sorted(set(catalogue.releases) | {moment[:10] for moment, _, _ in catalogue.changes}, reverse=True)


def release_facet(catalogue: Catalogue, day: str) -> Facet:
    """A release day's cables: none for a day that only modified or removed some."""
    return catalogue.releases[day] if day in catalogue.releases else Facet(day, day, ())
