"""Layout: every path of a site folder, and of the folders a build keeps beside its output; which outputs it may replace.

The one place a path of the site is spelled: commands, the build, the preview server and the
manifest ask a SiteLayout rather than join names of their own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "sitegen.toml"
CACHE_DIR = ".sitegen-cache"
OUTPUT = "output"  # the output folder, unless a build is given another
# The folders a site's sources live in: what the preview server watches.
SOURCE_FOLDERS = ("content", "templates", "static")


@dataclass(frozen=True)
class SiteLayout:
    """A site folder and the output folder one build writes (resolved, absolute)."""

    site: Path
    output: Path

    @classmethod
    def of(cls, site_dir: Path, output_dir: Path | None = None) -> SiteLayout:
        """Resolved: the paths a build compares, hashes and writes to."""
        site = site_dir.resolve()
        return cls(site, (output_dir or site / OUTPUT).resolve())

    @classmethod
    def as_given(cls, site_dir: Path) -> SiteLayout:
        """As the user wrote the site folder: the paths messages name."""
        return cls(site_dir, site_dir / OUTPUT)

    # -- the site's sources --------------------------------------------------------------

    @property
    def config(self) -> Path:
        return self.site / CONFIG_NAME

    @property
    def content(self) -> Path:
        return self.site / "content"

    @property
    def cables(self) -> Path:
        return cables_folder(self.content)

    @property
    def pages(self) -> Path:
        return self.content / "pages"

    @property
    def articles(self) -> Path:
        return self.content / "articles"

    @property
    def templates(self) -> Path:
        return self.site / "templates"

    @property
    def static(self) -> Path:
        return self.site / "static"

    # -- what builds keep ----------------------------------------------------------------

    @property
    def cache(self) -> Path:
        """Never inside the output: a deploy must not publish it."""
        return self.site / CACHE_DIR

    @property
    def manifest(self) -> Path:
        """One manifest per output folder, named by a hash of its path."""
        name = hashlib.sha256(str(self.output).encode()).hexdigest()[:12]
        return self.cache / f"manifest-{name}.sqlite"

    @property
    def search_record(self) -> Path:
        """What the output's search index was made from: its segments and cables (sitegen.search)."""
        return self.manifest.with_name(self.manifest.stem.replace("manifest-", "search-") + ".json")

    @property
    def lock(self) -> Path:
        return self.manifest.with_suffix(".lock")

    # -- the output ----------------------------------------------------------------------

    @property
    def output_mark(self) -> Path:
        """The file that says a sitegen build made this output, and may replace it whole."""
        return self.output / OUTPUT_MARK

    def output_clash(self) -> str | None:
        """Why building into this output would destroy the site's own files, or None.

        A full build replaces its output folder whole, so the output must neither hold the
        site folder nor be, hold or sit inside one of its sources (resolved: a link is no way
        round this)."""
        output = self.output.resolve()
        if output == self.site.resolve():
            return f"{self.output} is the site folder"
        if self.site.resolve().is_relative_to(output):
            return f"{self.output} contains the site folder {self.site}"
        for name, source in self.sources().items():
            source = source.resolve()
            if output == source:
                return f"{self.output} is the site's {name}"
            if output.is_relative_to(source):
                return f"{self.output} is inside the site's {name} {source}"
            if source.is_relative_to(output):
                return f"{self.output} contains the site's {name} {source}"
        return None

    def sources(self) -> dict[str, Path]:
        """What the site is made of, and what builds keep, by name: no output may touch them."""
        return {
            "config file": self.config,
            "content folder": self.content,
            "templates folder": self.templates,
            "static folder": self.static,
            "build cache": self.cache,
        }

    # -- folders beside the output, each swapped in or out whole -------------------------

    @property
    def staging(self) -> Path:
        return beside_output(self.output, STAGING)

    @property
    def old_output(self) -> Path:
        return beside_output(self.output, OLD_OUTPUT)

    @property
    def search_runs(self) -> Path:
        """Where the search index's writer spills its sorted runs (~2 GB at 251,287 cables):
        beside the output, on its disk rather than the system's temp folder; emptied after."""
        return beside_output(self.output, SEARCH_RUNS)


OUTPUT_MARK = ".sitegen-output"  # inside the output: a folder without it is not ours to replace
OUTPUT_MARK_TEXT = b"This folder is the output of sitegen build, which replaces it whole at every build.\n"
STAGING = "building"  # the folder a build writes into before it is put in place
OLD_OUTPUT = "old"  # where a full build moves the previous output while it swaps the new one in
SEARCH_RUNS = "search-runs"  # the search writer's spilled runs, while it writes


def cables_folder(content: Path) -> Path:
    """The cable files' folder inside a site's content folder."""
    return content / "cables"


def cable_file(content: Path, created: str, reference_id: str) -> Path:
    """A cable's file, by its creation month: `content/cables/2009/01/09ROME1.txt`."""
    return cables_folder(content) / created[:4] / created[5:7] / f"{reference_id}.txt"


def beside_output(output: Path, purpose: str) -> Path:
    """`.output.<purpose>` beside the output: on the same file system, so a rename moves it."""
    return output.with_name(f".{output.name}.{purpose}")


def history_folder(content: Path, reference_id: str) -> Path:
    """A cable's earlier versions, one whole cable file each: `content/history/09ROME1/1.txt`, `2.txt`..."""
    return content / "history" / reference_id
