"""A cable's versions as pages show them: each released by the build's moment, its fields and text
diffed word by word against the one before; the versions a cable page, its twin and a release page name."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from markupsafe import Markup, escape

from sitegen import urls
from sitegen.catalogue import CableEntry, Catalogue
from sitegen.catalogue_versions import MODIFIED
from sitegen.layout import SiteLayout
from sitegen.model import CableRecord
from sitegen.parse import parse_cable
from sitegen.render.markup import count_redactions
from sitegen.render.page import View, iso
from sitegen.versions import REVISION_NOTE, history_files, read_history_file, version_moment

_TOKEN = re.compile(r"\s+|\S+")
_NUMBER = re.compile(r"[0-9]+\.")
# Of the fields the history page compares: its label, and how to read it from a version.
FIELDS = ("Subject", "Created", "Classification", "Origin", "Tags", "References")


@dataclass(frozen=True)
class Version:
    """A version of a cable as the history page shows it."""

    number: int
    released: str
    note: str
    record: CableRecord
    fields: tuple[str, ...]  # FIELDS' values

    @property
    def anchor(self) -> str:
        return f"v{self.number}"


def _version(number: int, record: CableRecord) -> Version:
    cable = parse_cable(record, with_blocks=False)
    values = (cable.subject, record.created, record.classification, record.origin, ", ".join(cable.tags))
    return Version(
        number,
        version_moment(record) or "",
        record.extra_field(REVISION_NOTE) or "",
        record,
        (*values, record.references),
    )


def shown_versions(site_dir: Path, entry: CableEntry) -> list[Version]:
    """A cable's versions, oldest first, up to the one the catalogue shows (the latest released
    by its moment: catalogue_versions.version_at). What a page shows of them so depends on the
    files alone, which its key hashes (sources/history.version_digests)."""
    paths = [str(path) for path in history_files(SiteLayout.as_given(site_dir).content, entry.reference_id)]
    source = os.path.join(site_dir, entry.source)
    paths = paths[: paths.index(source) + 1] if source in paths else [*paths, source]
    records = [record for path in paths if isinstance(record := read_history_file(Path(path)), CableRecord)]
    return [_version(number, record) for number, record in enumerate(records, start=1)]


def _marked(tag: str, label: str, text: str) -> Markup:
    """Words added or removed: marked for the eye by the element, for a screen reader by words."""
    return Markup(
        '<{0}><span class="visually-hidden">[{1}: </span>{2}<span class="visually-hidden">]</span></{0}>'
    ).format(Markup(tag), label, text)


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes turning `a` into `b`, their common head and tail set aside first.
    A correction touches a few words of a long cable, and the matcher's time grows with the
    square of what it is given (every space is a token, none junk): 1.5 s a cable of the bench's,
    of which a re-release of 1,000 spent 25 minutes on its history pages."""
    head, end = 0, min(len(a), len(b))
    while head < end and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < end - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    matcher = SequenceMatcher(None, a[head : len(a) - tail], b[head : len(b) - tail], autojunk=False)
    opcodes = [("equal", 0, head, 0, head)] if head else []
    opcodes += [(op, i1 + head, i2 + head, j1 + head, j2 + head) for op, i1, i2, j1, j2 in matcher.get_opcodes()]
    if tail:
        opcodes.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return opcodes


def word_diff(old: str, new: str) -> Markup:
    """`new` as HTML, escaped, with the words `old` had and it has not in <del>, its own in <ins>;
    a renumbered paragraph and a passage moved whole are said to be so."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    opcodes = _opcodes(a, b)
    deleted = {"".join(a[i1:i2]).strip() for op, i1, i2, _, _ in opcodes if op == "delete"}
    inserted = {"".join(b[j1:j2]).strip() for op, _, _, j1, j2 in opcodes if op == "insert"}
    moved = {text for text in deleted & inserted if len(text) > 20}
    parts: list[Markup] = []
    for op, i1, i2, j1, j2 in opcodes:
        was, now = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            parts.append(escape(now))
        elif op == "replace" and _NUMBER.fullmatch(was) and _NUMBER.fullmatch(now):
            parts += [_marked("del", "renumbered from", was), _marked("ins", "renumbered to", now)]
        else:
            if was:
                parts.append(_marked("del", "moved from here" if was.strip() in moved else "removed", was))
            if now:
                parts.append(_marked("ins", "moved here" if now.strip() in moved else "added", now))
    return Markup("").join(parts)


def _field_rows(version: Version, before: Version | None) -> list[View]:
    rows = []
    for name, value, old in zip(FIELDS, version.fields, before.fields if before else version.fields, strict=True):
        changed = value != old
        rows.append(View(name=name, value=word_diff(old, value) if changed else value, changed=changed))
    return rows


def version_views(versions: list[Version]) -> list[View]:
    """Each version, newest first, with its fields and text compared with the one before."""
    views = []
    for at, version in enumerate(versions):
        before = versions[at - 1] if at else None
        record, old = version.record, before.record if before else version.record
        views.append(
            View(
                number=version.number,
                anchor=version.anchor,
                released=version.released,
                released_iso=iso(version.released),
                note=version.note,
                redactions=count_redactions(record.body),
                fields=_field_rows(version, before),
                header=word_diff(old.header, record.header) if before else escape(record.header),
                body=word_diff(old.body, record.body) if before else escape(record.body),
                first=before is None,
            )
        )
    return views[::-1]


def versions_line(site_dir: Path, entry: CableEntry) -> dict[str, object]:
    """What a cable page says of its versions: when first published and each modification, and
    its history page (only a cable shown at a revision has one)."""
    if not entry.revised:
        return {"modified": [], "history_name": ""}
    versions = shown_versions(site_dir, entry)
    return {
        "modified": [View(moment=v.released, iso=iso(v.released)) for v in versions[1:]],
        "history_name": urls.cable_history(entry.created, entry.reference_id).rsplit("/", 1)[-1],
    }


def versions_json(site_dir: Path, entry: CableEntry) -> list[dict[str, object]]:
    """The twin's `versions`: each version's release, reason and text (an earlier one's on the
    history page; the current one's is the twin itself)."""
    if not entry.revised:
        return [{"version": 1, "released": iso(entry.released), "note": "", "text": None}]
    versions = shown_versions(site_dir, entry)
    history = urls.cable_history(entry.created, entry.reference_id).rsplit("/", 1)[-1]
    return [
        {
            "version": v.number,
            "released": iso(v.released),
            "note": v.note,
            "text": None if v is versions[-1] else f"{history}#{v.anchor}",
        }
        for v in versions
    ]


def release_changes(catalogue: Catalogue, day: str) -> View:
    """What a release day changed: the cables it modified and removed, and those it published
    that are removed since (they stay listed where they were published)."""
    changes = sorted((ref, kind) for moment, ref, kind in catalogue.changes if moment[:10] == day)
    modified = [catalogue.cables[ref] for ref, kind in changes if kind == MODIFIED and ref in catalogue.cables]
    removed = [catalogue.removed[ref] for ref, kind in changes if kind != MODIFIED and ref in catalogue.removed]
    published = [entry for entry in catalogue.removed.values() if entry.release_day == day]
    return View(
        modified=[View(entry=e, history=urls.cable_history(e.created, e.reference_id)) for e in modified],
        removed=removed,
        published_removed=published,
    )
