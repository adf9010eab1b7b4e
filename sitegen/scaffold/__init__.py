"""Scaffold: the files `sitegen init` writes into a new site folder."""

from __future__ import annotations

import shutil
from pathlib import Path

SCAFFOLD = Path(__file__).resolve().parent


def scaffold_site(directory: Path) -> list[Path]:
    """Copy the scaffold into `directory`; raises FileExistsError rather than overwrite a file."""
    sources = [p for p in sorted(SCAFFOLD.rglob("*")) if p.is_file() and p.suffix in (".toml", ".md")]
    targets = [directory / p.relative_to(SCAFFOLD) for p in sources]
    for target in targets:
        if target.exists():
            raise FileExistsError(str(target))
    for source, target in zip(sources, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (directory / "content" / "cables").mkdir(parents=True, exist_ok=True)
    return targets
