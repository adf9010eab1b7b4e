"""History: a cable's earlier versions on disk (content/history/<REFID>/) -> their catalogue entries, their moments, and the digests page keys read of them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from sitegen.catalogue import CableEntry, entry_from_cable
from sitegen.catalogue_versions import Earlier
from sitegen.layout import SiteLayout
from sitegen.model import CableRecord, Problem
from sitegen.parse import parse_cable
from sitegen.versions import REVISED, SUPERSEDED, WITHDRAWN, history_files, is_pending, read_history_file


def earlier_entries(site_dir: Path) -> Earlier:
    """Reads a cable's earlier versions as entries, newest first (a version that does not
    read is left out: `sitegen history` names it)."""

    def earlier(entry: CableEntry) -> list[CableEntry]:
        found: list[CableEntry] = []
        for path in reversed(history_files(SiteLayout.as_given(site_dir).content, entry.reference_id)):
            record = read_history_file(path)
            if isinstance(record, CableRecord) and record.reference_id == entry.reference_id:
                source = path.relative_to(site_dir).as_posix()
                found.append(entry_from_cable(parse_cable(record, with_blocks=False), source))
        return found

    return earlier


def history_moments(site_dir: Path, entry: CableEntry) -> list[str]:
    """The moments a revised cable's earlier versions name (each one's release, revision,
    supersession, withdrawal): what a build as of either side of one shows of the cable differs
    once its file names only the latest revision (or a pending one). A version that does not
    read is left out of the build, and names none."""
    if not entry.revised:  # only a revised cable has earlier versions the build reads
        return []
    found: set[str] = set()
    for path in history_files(SiteLayout.as_given(site_dir).content, entry.reference_id):
        record = read_history_file(path)
        if isinstance(record, CableRecord) and record.reference_id == entry.reference_id:
            stamps = [record.released, *(record.extra_field(name) for name in (REVISED, SUPERSEDED, WITHDRAWN))]
            found.update(stamp for stamp in stamps if stamp and not is_pending(stamp))
    return sorted(found)


def history_problems(site_dir: Path, cables: Mapping[str, CableEntry]) -> list[Problem]:
    """The problems of the earlier versions the build reads (those of each cable revised): a
    version that does not read, or whose stamps do not, is left out of what the site shows."""
    content = SiteLayout.as_given(site_dir).content
    found: list[Problem] = []
    for entry in cables.values():
        if entry.revised:
            for path in history_files(content, entry.reference_id):
                record = read_history_file(path)
                if isinstance(record, Problem):
                    found.append(Problem(path.relative_to(site_dir).as_posix(), record.line, record.message))
    return sorted(found, key=lambda problem: problem.path)


def version_digests(site_dir: Path, cables: Mapping[str, CableEntry], digests: Mapping[str, str]) -> dict[str, str]:
    """For each released cable with earlier versions, a digest of its file and theirs and of
    the version shown: what its pages show of its versions changes with any of them."""
    content = SiteLayout.as_given(site_dir).content
    changed: dict[str, str] = {}
    for reference_id, entry in cables.items():
        if not entry.revised:  # the quick path keys such a cable by its file alone, as here
            continue
        parts = [digests.get(reference_id, ""), entry.source, entry.revised, entry.withdrawn]
        parts += [hashlib.sha256(path.read_bytes()).hexdigest() for path in history_files(content, reference_id)]
        changed[reference_id] = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    return changed
