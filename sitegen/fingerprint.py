"""Fingerprint: sitegen's own source -> the hash a build compares with the last one's; and where the built-in templates are.

Imported by a no-op build, which must not pay for the renderer's imports (Jinja, Pygments,
Markdown: ~0.2 s of CPU) to learn that nothing changed: so this module imports nothing heavy.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUILTIN_TEMPLATES = PACKAGE / "theme" / "templates"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of sitegen's own source: a new version of the tool re-renders what it renders."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()
