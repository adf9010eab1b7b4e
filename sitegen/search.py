"""Search: index the built cable pages with Pagefind, after the output is in place.

Pagefind reads only what is in output/, so embargoed cables (which have no page) are never
indexed. Its bundle is built beside the output and swapped in whole.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sitegen.layout import OLD_SEARCH, SEARCH_STAGING, beside_output

BUNDLE = "pagefind"


def search_available() -> bool:
    """Pagefind's Python package with its binary (`pip install 'pagefind[bin]'`)."""
    return importlib.util.find_spec("pagefind") is not None and (
        importlib.util.find_spec("pagefind_bin") is not None
        or importlib.util.find_spec("pagefind_bin_extended") is not None
    )


def index_site(output_dir: Path) -> tuple[bool, str]:
    """Build the search bundle for `output_dir` into output/pagefind; returns (ok, message)."""
    fresh = beside_output(output_dir, SEARCH_STAGING)
    shutil.rmtree(fresh, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(output_dir), "--output-path", str(fresh), "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not (fresh / "pagefind.js").exists():
        shutil.rmtree(fresh, ignore_errors=True)
        return False, (result.stderr or result.stdout).strip()[-2000:]
    target = output_dir / BUNDLE
    old = beside_output(output_dir, OLD_SEARCH)
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
    return True, ""


def bundle_size(output_dir: Path) -> int:
    return sum(p.stat().st_size for p in (output_dir / BUNDLE).rglob("*") if p.is_file())


def remove_index(output_dir: Path) -> None:
    """Delete the search bundle of a site built without search."""
    shutil.rmtree(output_dir / BUNDLE, ignore_errors=True)
