"""Sitemap check: the locations sitemap.xml (or its index and parts) lists, for the audit to compare with the files."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from xml.parsers import expat

from sitegen import urls
from sitegen.check.report import CheckReport

_LOC = re.compile(rb"<loc>([^<]*)</loc>")


_ROOT_ELEMENT = re.compile(rb"<([A-Za-z_][^\s>/]*)")


def _sitemap_file_locs(path: Path) -> tuple[str, list[str]]:
    """The root element's name and every <loc> of one sitemap file. Expat, without a handler,
    proves the file well formed at C speed; the locs are then read with a regular expression
    rather than a tree of 50,000 elements. Raises OSError or ExpatError."""
    data = path.read_bytes()
    expat.ParserCreate().Parse(data, True)
    root = _ROOT_ELEMENT.search(data)
    locs = [loc.decode("utf-8") for loc in _LOC.findall(data)]
    return (root.group(1).decode() if root else ""), [html.unescape(loc) if "&" in loc else loc for loc in locs]


def _sitemap_locs(root: Path, report: CheckReport) -> list[str] | None:
    try:
        top, locs = _sitemap_file_locs(root / "sitemap.xml")
    except (OSError, expat.ExpatError) as error:
        report.add("sitemap.xml missing or broken", str(error))
        return None
    if top == "sitemapindex":
        parts, locs = [loc.rsplit("/", 1)[-1] for loc in locs], []
        for name in parts:
            try:
                locs += _sitemap_file_locs(root / name)[1]
            except (OSError, expat.ExpatError) as error:
                report.add("sitemap part missing or broken", f"{name}: {error}")
    # The home page is the shortest index.html; whatever precedes it is the base URL.
    home = min((loc for loc in locs if loc.endswith(urls.HOME)), key=len, default=urls.HOME)
    base = home[: -len(urls.HOME)]
    relative = [loc[len(base) :] if base and loc.startswith(base) else loc for loc in locs]
    _report_repeats(relative, report)
    return relative


def _report_repeats(locs: list[str], report: CheckReport) -> None:
    """A page listed twice: two sources took one URL (a search engine sees one page)."""
    for loc, times in sorted(Counter(locs).items()):
        if times > 1:
            report.add("sitemap lists a page more than once", f"{loc} ({times} times)")
