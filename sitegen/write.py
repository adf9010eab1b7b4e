"""Write: bytes -> output/, through a staging folder put in place only when the build is whole.

Pages are written into a sibling staging folder; until the build commits, the output is as
the last build left it. A full build's commit is two renames (output aside, staging in): a
reader sees the old site or the new one, never a mix (between the renames, for an instant, no
output folder at all). An incremental build's commit moves the changed files in one by one
(each replaced whole: no reader sees half a file) and then deletes the pages gone: while it
runs, a reader or a deploy can see some pages new and others old, and a commit that fails part
way leaves that mix (the report says "partly updated"; the next build rebuilds it whole). A staging
folder left by an interrupted build is found and discarded by the next one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import urls
from sitegen.faults import checkpoint
from sitegen.layout import OLD_OUTPUT, OUTPUT_MARK, OUTPUT_MARK_TEXT, STAGING, SiteLayout, beside_output

BUILTIN_STATIC = Path(__file__).resolve().parent / "theme" / "static"
FINGERPRINTED = (".css", ".js")


class OutputError(OSError):
    """Putting the staged files in place failed after the output had begun to change."""


def remove_tree(folder: Path) -> OSError | None:
    """Delete a folder the build made, even one a user made read-only; the error if that fails.

    Only the folder and what it holds are ever made writable: its parent is the user's (the
    site folder, say), and a build that cannot delete there must fail rather than change it."""
    inside = os.path.abspath(folder)

    def writable_and_again(function: Callable[[str], object], path: str, _: object) -> None:
        # A read-only folder refuses to give up its entries: make it writable (the build made
        # it) and try once more; a second failure is the one reported.
        parent = os.path.dirname(path)
        if not os.path.lexists(path) or not _within(parent, inside):
            function(path)  # raises again: nothing of ours to make writable
            return
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR | stat.S_IXUSR | stat.S_IRUSR)
        function(path)

    try:
        if sys.version_info >= (3, 12):
            shutil.rmtree(folder, onexc=writable_and_again)
        else:
            shutil.rmtree(folder, onerror=writable_and_again)
    except FileNotFoundError:
        return None
    except OSError as error:
        return error
    return None


def _within(path: str, folder: str) -> bool:
    path = os.path.abspath(path)
    return path == folder or path.startswith(folder + os.sep)


@dataclass
class Staging:
    """A folder beside the output that a build writes into, then moves into place.

    A full build stages the whole site and swaps folders. An incremental build (`overlay`)
    stages only the files that changed and moves each into the output at the end; until
    then the output is untouched, so a failed or refused build leaves it as it was.
    """

    output_dir: Path
    folder: Path
    overlay: bool = False
    discarded_leftover: bool = False
    made: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)  # what the commit could not tidy, for the report

    @classmethod
    def begin(cls, output_dir: Path, overlay: bool = False) -> Staging:
        folder = beside_output(output_dir, STAGING)
        leftover = folder.exists()
        if leftover and (error := remove_tree(folder)):
            raise error
        folder.mkdir(parents=True)
        staging = cls(output_dir, folder, overlay, leftover)
        if not overlay or not (output_dir / OUTPUT_MARK).is_file():
            staging.write(OUTPUT_MARK, OUTPUT_MARK_TEXT)  # an output built before outputs were marked gets it too
        return staging

    def path_for(self, url: str) -> str:
        """The file for a page URL. URLs come from the plan (reference IDs are checked when read),
        but a path that could leave the output folder is refused here all the same."""
        if url.startswith("/") or "\\" in url or ".." in url.split("/"):
            raise ValueError(f"refusing to write outside the output folder: {url!r}")
        return os.path.join(self.folder, url)

    def write(self, url: str, data: bytes) -> None:
        path = self.path_for(url)
        folder = url.rpartition("/")[0]
        if folder not in self.made:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            self.made.add(folder)
        _write_file(path, data)

    def unchanged(self, url: str, data: bytes) -> bool:
        """In an overlay, whether the output already holds exactly these bytes."""
        if not self.overlay:
            return False
        target = self.output_dir / url
        try:
            return target.stat().st_size == len(data) and target.read_bytes() == data
        except OSError:
            return False

    def staged(self, folder: str) -> set[str]:
        """The output paths of the files staged under `folder`: in an overlay, the files whose
        bytes this build changes there."""
        root = Path(self.folder)
        return {
            (Path(directory) / name).relative_to(root).as_posix()
            for directory, _, files in os.walk(root / folder)
            for name in files
        }

    def commit(self, removed: Sequence[str] = ()) -> int:
        """Put the staged files in place and delete `removed` (output paths); returns files moved.

        An OSError leaves the output as it was; an OutputError says it changed part way."""
        checkpoint("staged")
        if not self.overlay:
            self._swap()
            checkpoint("committed")
            return -1
        moved = 0
        try:
            for directory, _, files in os.walk(self.folder):
                relative = Path(directory).relative_to(self.folder)
                target_dir = self.output_dir / relative
                target_dir.mkdir(parents=True, exist_ok=True)
                for name in files:
                    os.replace(Path(directory) / name, target_dir / name)
                    moved += 1
                    if moved == 1:
                        checkpoint("moving")
            for url in removed:
                _remove_with_empty_parents(self.output_dir, url)
        except OSError as error:
            if moved == 0:
                raise
            raise OutputError(error.errno, error.strerror, error.filename) from error
        self.abandon()
        checkpoint("committed")
        return moved

    def _swap(self) -> None:
        """Swap the whole staged site in for the output. Only the two renames count: the old
        output is deleted after, and if that fails the build has still succeeded."""
        old = beside_output(self.output_dir, OLD_OUTPUT)
        if old.exists() and remove_tree(old):
            # An earlier build's old output that cannot be deleted must not block this one.
            old = old.with_name(f"{old.name}-{os.getpid()}")
        if self.output_dir.exists():
            os.replace(self.output_dir, old)
        checkpoint("swapping")
        try:
            os.replace(self.folder, self.output_dir)
        except OSError:
            if old.exists():
                os.replace(old, self.output_dir)  # the output as it was
            raise
        checkpoint("swapped")
        if old.exists() and (error := remove_tree(old)):
            self.notes.append(
                f"the previous output, moved to {old}, could not be deleted ({error.strerror}: {error.filename}); "
                "delete it by hand"
            )

    def abandon(self) -> None:
        remove_tree(self.folder)


def _write_file(path: str, data: bytes) -> None:
    """Path.write_bytes without its file object: a full build writes two files per cable, and
    the buffered file costs more than the write itself."""
    # O_BINARY exists on Windows only, where a descriptor opened without it turns \n into \r\n.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    except OSError as error:  # os.write names no file: a full disk would say only "No space left"
        raise OSError(error.errno, error.strerror, path) from None
    finally:
        os.close(descriptor)


def _remove_with_empty_parents(root: Path, url: str) -> None:
    path = root / url
    try:
        path.unlink()
    except FileNotFoundError:
        return
    parent = path.parent
    while parent != root:
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


def _static_sources(site_dir: Path) -> dict[str, Path]:
    """Static files by their path under static/: the site's own override the theme's of the same name."""
    found: dict[str, Path] = {}
    for root in (BUILTIN_STATIC, SiteLayout.as_given(site_dir).static):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found[path.relative_to(root).as_posix()] = path
    return found


def fingerprinted_name(name: str, data: bytes) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{suffix}"


def copy_static(site_dir: Path, staging: Staging) -> dict[str, str]:
    """Copy static files into output/static/; CSS and JS get content-hashed names for long caching.

    Returns the map from each file's plain name to its URL, which templates use.
    """
    assets: dict[str, str] = {}
    for name, path in _static_sources(site_dir).items():
        data = path.read_bytes()
        url = urls.static_file(fingerprinted_name(name, data) if name.endswith(FINGERPRINTED) else name)
        if not staging.unchanged(url, data):
            staging.write(url, data)
        assets[name] = url
    return assets
