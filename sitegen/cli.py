"""Commands only: parse options, call one function, report, map the outcome to an exit code.

Exit 0 on success (warnings included), 1 when an error left something out (a row not
imported, a cable or page not built) or, with --strict, on any problem; 2 on usage errors.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sitegen import __version__
from sitegen.config_options import parse_moment
from sitegen.layout import SiteLayout
from sitegen.model import Problem

if TYPE_CHECKING:
    from sitegen.builder import BuildOptions

CONTENT_ERROR = 1


SHOWN_PROBLEMS = 50  # without --strict, a terminal shows this many and counts the rest


def _report(problems: list[Problem], strict: bool = False) -> None:
    """Print the problems: every one with --strict, else the first SHOWN_PROBLEMS."""
    limit = len(problems) if strict else SHOWN_PROBLEMS
    for problem in problems[:limit]:
        click.echo(f"{problem.severity}: {problem}", err=True)
    if len(problems) > limit:
        click.echo(f"... and {len(problems) - limit} more problems (--strict lists them all)", err=True)


def _exit_for(problems: list[Problem], strict: bool = False) -> None:
    """Exit 1 on an error, or on any problem with --strict; return on success."""
    if any(problem.severity == "error" for problem in problems) or (strict and problems):
        sys.exit(CONTENT_ERROR)


def _option_moment(value: str | None, option: str, end_of_day: bool = False) -> str | None:
    return None if value is None else _moment_given(value, option, end_of_day)


def _moment_given(value: str, option: str, end_of_day: bool = False) -> str:
    """The moment an option or argument names; a usage error (exit 2) if it names none."""
    moment = parse_moment(value, end_of_day)
    if moment is None:
        raise click.BadParameter("expected YYYY-MM-DD or YYYY-MM-DD HH:MM", param_hint=option)
    return moment


def _built_output(output: Path | None, site: Path) -> Path:
    """The output folder a command works on; says so in one line (exit 2) if it is not a built site."""
    from sitegen.check import is_built_site

    output = output or SiteLayout.as_given(site).output
    if not is_built_site(output):
        click.echo(f"error: {output} is not a built site (no index.html); run sitegen build first", err=True)
        sys.exit(2)
    return output


site_option = click.option(
    "--site",
    "site",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The site folder (holding content/, and optionally templates/, static/, sitegen.toml).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """sitegen: publish an archive of diplomatic cables as a static site."""


@main.command("import")
@click.argument("csv_path", metavar="CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--released", help="Release date to stamp on cables that carry none (YYYY-MM-DD [HH:MM]).")
@click.option(
    "--strict", is_flag=True, help="List every problem, and exit 1 on warnings too (all rows are still tried)."
)
@click.option(
    "--note",
    help="The dump is a later release of the whole archive: why it changed cables (kept with each earlier "
    "version); released cables it lacks are marked withdrawn, unreleased ones deleted.",
)
@site_option
def import_command(csv_path: Path, released: str | None, strict: bool, note: str | None, site: Path) -> None:
    """Stream a cables.csv dump into content/cables/ (unchanged files are left alone).

    Every row is imported or reported; a reported row makes the exit code 1."""
    from tqdm import tqdm

    from sitegen.archive import import_dump

    stamp = _option_moment(released, "--released")
    with open(csv_path, "rb") as stream, tqdm(unit=" rows", desc="importing", disable=None, file=sys.stderr) as bar:
        report = import_dump(stream, csv_path.name, SiteLayout.as_given(site).content, stamp, bar.update, note)
    _report(report.problems, strict)
    moved = f", {report.moved} of them moved to a new month" if report.moved else ""
    moved += f", {report.revised} revised (earlier version kept)" if report.revised else ""
    moved += f"; {report.withdrawn} withdrawn, {report.dropped} unreleased deleted" if note is not None else ""
    click.echo(
        f"read {_count(report.rows, 'row')}: imported {_count(report.imported, 'cable')} ({report.written} written"
        f"{moved}, {report.unchanged} unchanged), {_count(len(report.problems), 'row')} reported and not imported"
    )
    _exit_for(report.problems, strict)


@main.command("export")
@click.argument("csv_path", metavar="CSV", type=click.Path(dir_okay=False, path_type=Path))
@site_option
def export_command(csv_path: Path, site: Path) -> None:
    """Write content/cables/ back out as a dump, byte-identical to what was imported."""
    from sitegen.archive import export_dump

    temporary = csv_path.with_name(f".{csv_path.name}.tmp")
    try:
        with open(temporary, "wb") as out:
            count, problems = export_dump(SiteLayout.as_given(site).content, out)
        temporary.replace(csv_path)
    finally:
        temporary.unlink(missing_ok=True)
    _report(problems)
    left_out = f"; {_count(len(problems), 'cable file')} left out" if problems else ""
    click.echo(f"exported {_count(count, 'cable')} to {csv_path}{left_out}")
    _exit_for(problems)


@main.command("release")
@click.argument("date")
@click.argument("reference_ids", nargs=-1)
@click.option(
    "--ids",
    "ids_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file whose first column (tab- or space-separated) holds one reference ID a line, and "
    "whose second (tab-separated, as released.tsv has) may give that cable's own release date; "
    "a header line, blank lines and # comments are skipped.",
)
@click.option("--redate", is_flag=True, help="Give cables already released the new date (kept otherwise).")
@site_option
def release_command(date: str, reference_ids: tuple[str, ...], ids_file: Path | None, redate: bool, site: Path) -> None:
    """Mark a batch of cables released on DATE (give REFIDs or --ids FILE); a file's own dates win."""
    from sitegen.archive import ListedId, read_id_list, release_cables

    moment = _moment_given(date, "DATE")
    wanted = [ListedId(reference_id) for reference_id in reference_ids]
    problems: list[Problem] = []
    if ids_file:
        listed, problems = read_id_list(ids_file)
        wanted += listed
    if not wanted and not problems:
        raise click.UsageError("name the cables to release: REFID... or --ids FILE")
    outcome = release_cables(SiteLayout.as_given(site).content, moment, wanted, redate)
    problems += outcome.problems
    for missing in outcome.missing:
        # Named in the list: its line; named on the command line: said so, with no line to give.
        where = (str(ids_file), missing.line) if missing.line and ids_file else ("command line", 1)
        problems.append(Problem(*where, f"no cable {missing.reference_id}"))
    _report(problems)
    kept = (
        f"; {_count(len(outcome.kept), 'cable')} already released kept {'its' if len(outcome.kept) == 1 else 'their'} date (--redate changes it)"
        if outcome.kept
        else ""
    )
    if outcome.revised:
        kept += f"; {_count(len(outcome.revised), 'pending change')} (revisions, withdrawals) stamped"
    click.echo(
        f"released {_count(len(outcome.stamped), 'cable')} on {moment} (or the list's own dates){kept}; {_count(len(problems), 'problem')}"
    )
    _exit_for(problems)


@main.command("build")
@click.option("--as-of", "as_of", help="Publish what is released up to this moment (YYYY-MM-DD [HH:MM]); default: now.")
@click.option("--strict", is_flag=True, help="Fail (exit 1, output left as it was) on any problem, listing them all.")
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default="one per core", help="Worker processes.")
@click.option(
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Build into DIR instead of SITE/output.",
)
@click.option("--full", is_flag=True, help="Ignore what the last build remembers: read, render and write everything.")
@click.option("--search/--no-search", default=True, help="Write the search index and page (on by default).")
@click.option(
    "--verify",
    is_flag=True,
    help="Then render every page whose key says it is unchanged and compare it with output/: "
    "exit 1 naming each page that differs.",
)
@site_option
def build_command(  # noqa: PLR0913 (click passes each option as an argument: one per option)
    as_of: str | None, strict: bool, jobs: int, output: Path | None, full: bool, search: bool, verify: bool, site: Path
) -> None:
    """Build the site into output/."""
    from sitegen.builder import BuildOptions, BuildRefused, build_site

    if not site.is_dir():
        raise click.UsageError(f"no site folder at {site}")
    moment = _option_moment(as_of, "--as-of", end_of_day=True)
    try:
        report = build_site(BuildOptions(site, output, moment, strict, jobs, full, search))
        # What the build leaves behind (the catalogue, held in cycles with the renderer) is
        # garbage this process exits without needing: collecting it would take a second at
        # 251,287 cables, so it is set aside for the operating system to reclaim at exit.
        gc.freeze()
    except BuildRefused as error:
        raise click.UsageError(str(error)) from None
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    _report(report.problems, strict)
    if report.failed:
        why = _counted(report.problems) + (", --strict" if strict else "")
        outcome = {
            "unchanged": f"{report.output_dir} left unchanged",
            "partly updated": f"{report.output_dir} is partly updated; the next build rebuilds it whole",
            "replaced": f"the new {report.output_dir} is in place, but the build cache was not saved; "
            "the next build rebuilds it whole",
        }[report.output]
        click.echo(f"build failed ({why}); {outcome}", err=True)
        sys.exit(CONTENT_ERROR)
    if report.search_seconds:
        edited = f" ({', '.join(report.search_edited)} edited in place)" if report.search_edited else ""
        click.echo(
            f"search index: {report.search_rewritten} of {report.search_segments} segments written anew{edited}, "
            f"{report.search_bytes:,} bytes, in {report.search_seconds:.1f}s",
            err=True,
        )
    kind = "full build"
    if report.incremental:
        # Say which path: a quick build reads the stored catalogue and renders only the pages showing a change.
        kind = "incremental build"
        if report.quick:
            moved = f"{report.moved:,} cable{'s' if report.moved != 1 else ''} moved in the listings"
            kind += f" (quick: {moved})" if report.moved else " (quick: no cable moved)"
    click.echo(
        f"{kind}: {report.rendered} of {report.pages} pages rendered, {report.files} files written, "
        f"{report.removed} removed, into {report.output_dir} in {report.seconds:.1f}s; "
        f"{report.released} of {report.cables} cables released as of {report.as_of}; {_counted(report.problems)}"
    )
    if report.released == 0:
        click.echo(_nothing_released(report.cables, report.as_of, site), err=True)
    if verify:
        _verify(BuildOptions(site, output, moment, strict, jobs, full, search), report.as_of)
    _exit_for(report.problems, strict)


def _verify(options: BuildOptions, as_of: str) -> None:
    """`build --verify`: every page whose bytes differ from what its key promises, as errors (exit 1)."""
    from sitegen.builder.verify import verify_output

    problems = verify_output(options, as_of)
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}", err=True)
    if problems:
        click.echo(f"verify: {len(problems)} page(s) differ from what their keys promise", err=True)
        sys.exit(CONTENT_ERROR)
    click.echo("verify: every page is as its key promises", err=True)


def _nothing_released(cables: int, as_of: str, site: Path) -> str:
    """What to do when a build shows no cable at all (an empty home page otherwise says nothing)."""
    if cables == 0:
        return f"note: the site holds no cables yet: sitegen import cables.csv --site {site}"
    return (
        f"note: no cable is released as of {as_of} ({_count(cables, 'cable')} in the site), so the site shows "
        f"none: mark a "
        f"batch released with sitegen release YYYY-MM-DD --ids batch.txt --site {site} (or name the IDs), "
        f"or stamp an import with --released YYYY-MM-DD"
    )


def _counted(problems: list[Problem]) -> str:
    errors = sum(problem.severity == "error" for problem in problems)
    return f"{_count(errors, 'error')}, {_count(len(problems) - errors, 'warning')}"


def _count(number: int, noun: str) -> str:
    """`1 cable`, `2 cables`."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    "base_url",
    default="",
    help="The address the site will live at (https://...); gives canonical links, absolute feed "
    "links and every share link.",
)
def init_command(directory: Path, base_url: str) -> None:
    """Create a new site folder: a commented config, the explainer page and an example article."""
    from sitegen.config_options import Invalid, SiteURL
    from sitegen.scaffold import scaffold_site

    # The rule sitegen.toml's base_url is held to: an http(s) URL, given its final "/".
    checked = SiteURL().convert(base_url)
    if isinstance(checked, Invalid):
        raise click.UsageError(f"--base-url {base_url!r}: {checked.reason}")
    base_url = checked
    try:
        created = scaffold_site(directory, base_url)
    except FileExistsError as error:
        raise click.UsageError(f"{error}: refusing to overwrite") from None
    for path in created:
        click.echo(f"created {path}")
    if not base_url:
        click.echo(
            "no --base-url given: the site builds and works from any folder, but has no canonical "
            "or Open Graph links, its feeds link relatively, and share links that need the page's "
            "address (Facebook, Reddit) are left out; set base_url in sitegen.toml when you know it"
        )
    click.echo(
        f"next: sitegen import cables.csv --site {directory}; "
        f"sitegen release YYYY-MM-DD --ids batch.txt --site {directory} (or import with --released YYYY-MM-DD); "
        f"then sitegen build --site {directory}"
    )


@main.command("check")
@click.argument("output", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--as-of", "as_of", help="Check the embargo as of this moment; default: the moment the output was built for."
)
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default="one per core", help="Worker processes.")
@site_option
def check_command(output: Path | None, as_of: str | None, jobs: int, site: Path) -> None:
    """Audit a built site (default SITE/output): links, fragments, cable pages, feeds, sitemap, embargo."""
    from sitegen.check import check_output, withheld_ids

    output = _built_output(output, site)
    moment = _option_moment(as_of, "--as-of", end_of_day=True)
    withheld, moment = (
        withheld_ids(site.resolve(), output.resolve(), moment)
        if SiteLayout.as_given(site).content.is_dir()
        else (frozenset(), "")
    )
    report = check_output(output, withheld, jobs)
    for line in report.lines():
        click.echo(line)
    if withheld:
        click.echo(f"embargo checked as of {moment}: {len(withheld):,} unreleased reference IDs looked for")
    if not report.ok:
        sys.exit(CONTENT_ERROR)


@main.command("pack")
@click.argument("output", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--output",
    "archive",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write; default: SITE/mirror.tar.gz.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing archive.")
@site_option
def pack_command(output: Path | None, archive: Path | None, force: bool, site: Path) -> None:
    """Pack a built site into a deterministic mirror kit (.tar.gz with SHA256SUMS and MIRROR.txt)."""
    from sitegen.pack import pack_site

    output = _built_output(output, site)
    archive = archive or site / "mirror.tar.gz"
    if archive.exists() and not force:
        raise click.UsageError(f"{archive} exists; add --force to overwrite it")
    packed = pack_site(output, archive)
    for link in packed.links:
        click.echo(
            f"error: {output / link}: a symbolic link, not packed (a kit holds only the output's own files)", err=True
        )
    click.echo(f"packed {packed.files} files into {archive} ({archive.stat().st_size:,} bytes)")
    if packed.links:
        sys.exit(CONTENT_ERROR)


@main.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option(
    "--search/--no-search",
    default=False,
    help="Write the search index on each rebuild (off by default: a corrected cable rewrites its whole segment).",
)
@site_option
def serve_command(port: int, host: str, search: bool, site: Path) -> None:
    """Preview the site: build, serve output/, rebuild on change and reload open pages."""
    from sitegen.serve import serve

    if not site.is_dir():
        raise click.UsageError(f"no site folder at {site}")
    try:
        serve(site, host, port, log=lambda line: click.echo(line, err=True), search=search)
    except OSError as error:
        raise click.UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None


from sitegen import cli_versions as cli_versions  # noqa: E402 (registers `revise` and `history` on main)
