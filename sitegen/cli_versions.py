"""Commands of a cable's versions: `revise` (keep the current version before a hand edit) and `history`."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from sitegen import versions
from sitegen.cli import _moment_given, _report, main, site_option
from sitegen.layout import SiteLayout
from sitegen.model import CableRecord, Problem, canonical_reference_id


def _cable_path(site: Path, reference_id: str) -> Path:
    from sitegen.archive import cable_files

    wanted = canonical_reference_id(reference_id) or reference_id
    for path in cable_files(SiteLayout.as_given(site).content, {wanted}):
        if path.stem == wanted:
            return path
    raise click.UsageError(f"no cable {reference_id}")


@main.command("revise")
@click.argument("reference_id", metavar="REFID")
@click.option("--note", required=True, help="Why the cable is revised: shown beside the new version.")
@click.option("--released", help="Release the revision at once on this date (YYYY-MM-DD [HH:MM]); else pending.")
@site_option
def revise_command(reference_id: str, note: str, released: str | None, site: Path) -> None:
    """Keep a released cable's current version in its history before you edit its file.

    The file is marked `Revised: pending` (or --released) with the note; `sitegen release DATE
    REFID` stamps a pending revision."""
    from sitegen.archive import write_if_changed
    from sitegen.sources.cablefile import format_cable, read_cable_file

    path = _cable_path(site, reference_id)
    record = read_cable_file(path)
    if isinstance(record, Problem):
        _report([record])
        sys.exit(1)
    if not record.released:
        raise click.UsageError(f"{record.reference_id} is not released: edit its file, no version to keep")
    moment = _moment_given(released, "--released") if released else None
    content = SiteLayout.as_given(site).content
    if versions.is_released_version(record):
        kept = versions.keep_version(content, record, moment)
        click.echo(f"kept version {kept.stem} of {record.reference_id} in {kept}")
    write_if_changed(path, format_cable(versions.revision(record, record, note, moment)))
    click.echo(f"edit {path}; the revision is {'released ' + moment if moment else 'pending release'}")


def _lines(record: CableRecord) -> list[str]:
    return versions.substance(record).decode("utf-8", "replace").splitlines(keepends=True)


@main.command("history")
@click.argument("reference_id", metavar="REFID")
@site_option
def history_command(reference_id: str, site: Path) -> None:
    """Print a cable's versions and a unified diff of each against the one before."""
    path = _cable_path(site, reference_id)
    found, problems = versions.read_versions(SiteLayout.as_given(site).content, path)
    _report(problems)
    previous: versions.Version | None = None
    for version in found:
        withdrawn = version.record.extra_field(versions.WITHDRAWN)
        click.echo(
            f"version {version.number}: released {version.released or 'not yet'}"
            + (f", superseded {version.superseded}" if version.superseded else "")
            + (f", withdrawn {withdrawn}" if withdrawn else "")
            + (f": {version.note}" if version.note else "")
        )
        if withdrawn is not None and version.record.extra_field(versions.WITHDRAWAL_NOTE):
            click.echo(f"  withdrawn: {version.record.extra_field(versions.WITHDRAWAL_NOTE)}")
        if previous is not None:
            diff = difflib.unified_diff(
                _lines(previous.record),
                _lines(version.record),
                f"version {previous.number}",
                f"version {version.number}",
            )
            click.echo("".join(diff), nl=False)
        previous = version
    sys.exit(1 if problems else 0)
