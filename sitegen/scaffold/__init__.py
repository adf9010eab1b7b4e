"""Scaffold: the files `sitegen init` writes into a new site folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.layout import SiteLayout

SCAFFOLD = Path(__file__).resolve().parent


def scaffold_site(directory: Path, base_url: str = "") -> list[Path]:
    """Copy the scaffold into `directory`, with `base_url` in its config; raises FileExistsError
    rather than overwrite a file."""
    sources = [p for p in sorted(SCAFFOLD.rglob("*")) if p.is_file() and p.suffix in (".toml", ".md")]
    targets = [directory / p.relative_to(SCAFFOLD) for p in sources]
    for target in targets:
        if target.exists():
            raise FileExistsError(str(target))
    for source, target in zip(sources, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        if base_url and target.name == "sitegen.toml":
            config = target.read_text(encoding="utf-8")
            target.write_text(config.replace('base_url = ""', f"base_url = {_toml_string(base_url)}", 1), "utf-8")
    SiteLayout.as_given(directory).cables.mkdir(parents=True, exist_ok=True)
    return targets


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
