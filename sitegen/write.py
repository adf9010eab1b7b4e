"""Write: bytes -> output/, through a staging folder that replaces the old output only when the build is whole.

A reader (or a deploy) never sees half a site: pages are written into a sibling staging
folder, which is swapped in by rename at the end. A staging folder left by an interrupted
build is found and discarded by the next one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

BUILTIN_STATIC = Path(__file__).resolve().parent / "theme" / "static"
FINGERPRINTED = (".css", ".js")


@dataclass
class Staging:
    """A folder beside the output that a build writes into, then swaps into place."""

    output_dir: Path
    folder: Path
    discarded_leftover: bool = False
    made: set[str] = field(default_factory=set)

    @classmethod
    def begin(cls, output_dir: Path) -> Staging:
        folder = output_dir.with_name(f".{output_dir.name}.building")
        leftover = folder.exists()
        if leftover:
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return cls(output_dir, folder, leftover)

    def path_for(self, url: str) -> Path:
        """The file for a page URL. URLs come from the plan (reference IDs are checked when read),
        but a path that could leave the output folder is refused here all the same."""
        if url.startswith("/") or "\\" in url or ".." in url.split("/"):
            raise ValueError(f"refusing to write outside the output folder: {url!r}")
        return self.folder / url

    def write(self, url: str, data: bytes) -> None:
        path = self.path_for(url)
        folder = url.rpartition("/")[0]
        if folder not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(folder)
        path.write_bytes(data)

    def commit(self) -> None:
        """Swap the staging folder in for the output; the old output is removed afterwards."""
        old = self.output_dir.with_name(f".{self.output_dir.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if self.output_dir.exists():
            os.replace(self.output_dir, old)
        os.replace(self.folder, self.output_dir)
        if old.exists():
            shutil.rmtree(old)

    def abandon(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _static_sources(site_dir: Path) -> dict[str, Path]:
    """Static files by their path under static/: the site's own override the theme's of the same name."""
    found: dict[str, Path] = {}
    for root in (BUILTIN_STATIC, site_dir / "static"):
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
        url = "static/" + (fingerprinted_name(name, data) if name.endswith(FINGERPRINTED) else name)
        staging.write(url, data)
        assets[name] = url
    return assets
