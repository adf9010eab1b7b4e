"""Build report: what a build is asked to do (BuildOptions), what it did (BuildReport), and what a
process that builds again and again keeps between builds (BuildMemory)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.incremental.manifest import Manifest, SourceState
from sitegen.model import Problem


class BuildRefused(RuntimeError):
    """A build that must not start: its output is not its to replace (a usage error)."""


class BuildBusy(BuildRefused):
    """Another build of the same output folder holds the lock."""


@dataclass
class BuildOptions:
    site_dir: Path
    output_dir: Path | None = None
    as_of: str | None = None  # YYYY-MM-DD HH:MM; None: the config's as_of, else now
    strict: bool = False
    jobs: int = 0  # 0: one per core
    full: bool = False  # ignore the manifest: read, render and write everything
    search: bool = True  # write the search index (sitegen.search)
    memory: BuildMemory | None = None  # a process that builds again and again (serve) keeps one


@dataclass
class BuildMemory:
    """What a process keeps of its last build of an output, so that its next build need not
    load it from the manifest again (1.8 s at 251,287 cables): every cable file's state and
    every page's key and files, as the manifest holds them. Trusted only while the manifest's
    generation is the one saved with them: a build by another process moves it."""

    generation: str = ""
    sources: dict[str, SourceState] = field(default_factory=dict)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)

    def holds(self, manifest: Manifest) -> bool:
        return bool(self.generation) and self.generation == manifest.meta("generation")

    def remember(
        self,
        generation: str,
        sources: dict[str, SourceState],
        pages: dict[str, tuple[str, str]],
        written: dict[str, tuple[str, tuple[str, ...]]],
        gone_pages: Sequence[str] = (),
    ) -> None:
        """Keep what the manifest now holds, as save_sources and save_pages left it: `sources`
        (every file's state now) and `pages` (every page's key as the last build left it),
        updated with the pages `written` and without those gone."""
        pages = dict(pages)
        pages.update((url, (key, "\n".join(files))) for url, (key, files) in written.items())
        for url in gone_pages:
            pages.pop(url, None)
        self.generation, self.sources, self.pages = generation, sources, pages

    def forget(self) -> None:
        """What it held no longer describes the manifest (a build is saving a new one)."""
        self.generation = ""


@dataclass
class BuildReport:
    """What a build did; `problems` holds every problem found, errors and warnings."""

    output_dir: Path
    as_of: str = ""
    cables: int = 0
    released: int = 0
    pages: int = 0
    rendered: int = 0
    files: int = 0
    removed: int = 0
    sources_read: int = 0
    incremental: bool = False
    quick: bool = False  # built from the stored catalogue
    moved: int = 0  # of it, the cables that moved in or out of its indexes (released, withheld, retagged)
    search_seconds: float = 0.0
    search_bytes: int = 0  # of the index files this build made (written, or found unchanged)
    search_segments: int = 0  # segments in the search index
    search_rewritten: int = 0  # of which this build wrote anew
    search_edited: list[str] = field(default_factory=list)  # of those, the ones edited in place (hidden cables)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failed: bool = False
    output: str = "unchanged"  # then "replaced" by the new site, or "partly updated" by a failed commit

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]
