"""Check: audit a built output folder (links, fragments, the cable page contract, feeds, sitemap, embargo, folder sizes).

Reads only the built files (and, for the embargo, the site's cable files). Pages are read
with regular expressions rather than a full HTML parser and in parallel: the check must
stay fast on a 251,287-cable site.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.parsers import expat

from sitegen import urls

NETLIFY_FOLDER_LIMIT = 54_000
CABLE_PAGE = urls.CABLE_PAGE
# Patterns that open with a literal: the regex engine then jumps between candidates instead of
# trying every byte, which is what makes a 12 GB output checkable in seconds rather than minutes.
# Every byte of a page costs about a nanosecond per pass, so the attributes links and fragments
# need come out of one pass, led by `="` and each named by a look behind: links to a fragment of
# the page itself (href="#..."), other links, sources and ids. A value keeps its closing quote, so
# that an empty one (`href=""`) differs from a group that did not take part in the match, and
# fragments and ids compare as they are.
_ATTRIBUTES = re.compile(rb'="(?:(?<=href=")#([^"]*")|(?<=href=")([^"]*")|(?<=src=")([^"]*")|(?<= id=")([^"]+"))')
_ID = re.compile(rb' id="([^"]+)"')
_PAR = re.compile(rb"<span class=\"par\" id=\"([^\"]+)\"><a class=\"par-anchor\" href=\"#([^\"]*)\"")
_SHARE = re.compile(rb"<a class=\"share[^\"]*\" href=\"([^\"]*)\"")
# Every byte mapped to its class (digit 0, upper A, lower a, hyphen -, other space): a reference
# ID reads "00A", then upper letters or hyphens, then digits, in the shape, and a regex led by
# that literal finds the candidates at C speed.
_SHAPE = bytes(
    ord("0")
    if chr(c).isdigit() and c < 128
    else ord("A")
    if 65 <= c <= 90
    else ord("a")
    if 97 <= c <= 122
    else ord("-")
    if c == 45
    else 32
    for c in range(256)
)
# The token must not touch a longer word on either side; the look behind comes after the literal
# so that the literal still leads. A run rejected at one start is tried again at the next, so an
# ID after a hyphen ("X-09STATE1") is found.
_ID_SHAPE = re.compile(rb"00A(?<![0Aa]00A)[A\-]*0+(?![0Aa])")


def reference_ids_in(data: bytes) -> set[str]:
    """Every reference-ID-shaped token in `data` (not part of a longer word)."""
    return {token.decode() for token in _reference_id_bytes(data)}


def _reference_id_bytes(data: bytes) -> set[bytes]:
    return {data[start:end] for start, end in map(re.Match.span, _ID_SHAPE.finditer(data.translate(_SHAPE)))}


FEED_SUFFIXES = (".rss", ".atom")
BATCH = 500


@dataclass
class CheckReport:
    """Defects by kind, each with examples; figures of what was checked."""

    defects: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    figures: Counter = field(default_factory=Counter)

    def add(self, kind: str, example: str) -> None:
        self.defects[kind].append(example)

    @property
    def ok(self) -> bool:
        return not self.defects

    def lines(self, examples: int = 5) -> list[str]:
        lines = [f"{name}: {value:,}" for name, value in sorted(self.figures.items())]
        for kind, found in sorted(self.defects.items()):
            lines.append(f"DEFECT {kind}: {len(found):,}")
            lines += [f"    {example}" for example in found[:examples]]
        lines.append("no defects" if self.ok else f"{sum(len(v) for v in self.defects.values()):,} defects")
        return lines


@dataclass
class _PageResult:
    page: str
    defects: list[tuple[str, str]]
    cross_fragments: list[tuple[str, str]]  # (target page, fragment)
    withheld: list[str]
    feed_items: int = 0


# Every file in the output and the IDs to look for, set by check_output before its pool forks,
# so workers test links against them in place instead of receiving them with every batch or
# sending every link back to the parent.
_existing: set[str] = set()
# The links of the folder being checked known to name an existing file, with no fragment: a
# folder's pages come one after another and share most links (the chrome, the tags and origins
# of neighbours), so one set difference settles most of a page's links.
_settled: dict[str, set[bytes]] = {}
_EXTERNAL = (b"https:", b"http:", b"mailto:")
_withheld: set[bytes] = set()  # encoded: compared with the tokens as read


def _resolve(page: str, url: str) -> tuple[str | None, str | None, str]:
    if url.startswith(("https:", "http:", "mailto:", "//")) or ":" in url.split("/", 1)[0]:
        return None, None, "external"
    if url.startswith("/"):
        return None, None, "absolute"
    path, _, fragment = url.partition("#")
    path = path.partition("?")[0]
    target = page if not path else os.path.normpath(os.path.join(page.rpartition("/")[0], unquote(path)))
    target = target.replace(os.sep, "/")
    if target.startswith(".."):
        return None, None, "escapes"
    return target, unquote(fragment) or None, "internal"


# A relative link that is only a path of plain names after its "../" steps: resolved by dropping
# folders, without the general path normalisation (a listing page holds dozens of such links,
# each to a different cable, so few of them are settled by an earlier page of its folder).
_PLAIN_PATH = re.compile(r"(?:\.\./)*([\w\-~][\w\-.~]*(?:/[\w\-~][\w\-.~]*)*)", re.ASCII)


def _plain_target(folder: str, url: str) -> str | None:
    """The file a plain relative path names from `folder`, or None when it needs the general way
    (it has a scheme, query, fragment, escape or dot folder, or climbs above the root)."""
    match = _PLAIN_PATH.fullmatch(url)
    if not match:
        return None
    ups = match.start(1) // 3
    parts = folder.split("/") if folder else []
    if ups > len(parts):
        return None
    base = "/".join(parts[: len(parts) - ups])
    return f"{base}/{match.group(1)}" if base else match.group(1)


def _stand_in(folder: str) -> str:
    """A name no page has, in `folder`: links are resolved from it so their verdict holds for
    every page of the folder."""
    return f"{folder}/\0" if folder else "\0"


def _link_verdict(folder: str, raw: bytes) -> tuple[str, str, str | None]:
    """What a link written in a page of `folder` is: (kind, target, fragment), where kind is
    external, absolute, escapes, broken or internal. The same for every page of the folder."""
    url = raw.decode("utf-8", "replace")
    target = _plain_target(folder, url)
    if target is not None:
        if target not in _existing and f"{target}/{urls.INDEX}" not in _existing:
            return "broken", target, None
        return "internal", target, None
    page = _stand_in(folder)
    resolved, fragment, kind = _resolve(page, url.replace("&amp;", "&"))
    if kind != "internal" or resolved is None:
        return kind, url, None
    target = resolved
    if target != page and target not in _existing and f"{target}/{urls.INDEX}" not in _existing:
        return "broken", target, fragment
    return kind, target, fragment


def _read(path: str) -> bytes:
    """A file's bytes in one read call: a little quicker than open() and its buffered reader,
    which adds up over half a million files."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(descriptor).st_size
        data = os.read(descriptor, size + 1)
        if len(data) == size:
            return data  # asked for a byte more than the file holds: this is all of it
        chunks = [data]  # a short read, or a file that grew meanwhile: read on to the end
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _check_page(root: str, page: str, withheld: set[bytes]) -> _PageResult:
    data = _read(os.path.join(root, page))
    result = _PageResult(page, [], [], [])
    if withheld:
        result.withheld = sorted(token.decode() for token in _reference_id_bytes(data) & withheld)
    if page.endswith(FEED_SUFFIXES):
        _check_feed(page, data, result)
    if not page.endswith(".html"):
        return result
    _check_links(page, data, result)
    match = CABLE_PAGE.fullmatch(page)
    if match:
        _check_cable_contract(page, match.group(1), data, result)
    if b"<html lang=" not in data:
        result.defects.append(("page without <html lang>", page))
    if b'name="viewport"' not in data:
        result.defects.append(("page without viewport meta", page))
    if b"<title>" not in data:
        result.defects.append(("page without <title>", page))
    return result


def _check_links(page: str, data: bytes, result: _PageResult) -> None:
    found = _ATTRIBUTES.findall(data) or [(b"", b"", b"", b"")]
    fragments, hrefs, sources, id_bytes = (set(column) for column in zip(*found, strict=True))
    # Most links of a cable page are its own ¶ anchors: compared as sets, in C, and only the
    # few that miss are decoded and looked at again.
    for quoted in fragments - id_bytes - {b"", b'"'}:
        raw = quoted[:-1]
        wanted = unquote(raw.decode("utf-8", "replace").replace("&amp;", "&"))
        if wanted.encode() + b'"' not in id_bytes:
            result.defects.append(("missing fragment target", f"{page} -> #{raw.decode('utf-8', 'replace')}"))
    ids: set[str] | None = None
    folder = page.rpartition("/")[0]
    stand_in = _stand_in(folder)
    settled = _settled.get(folder)
    if settled is None:
        _settled.clear()
        settled = _settled[folder] = set()
    for quoted in (hrefs | sources) - settled - {b""}:
        if quoted.startswith(_EXTERNAL):
            continue
        raw = quoted[:-1]
        kind, target, fragment = _link_verdict(folder, raw)
        if kind == "internal" and not fragment:
            settled.add(quoted)
            continue
        if kind == "external":
            continue
        if kind in ("absolute", "escapes"):
            result.defects.append((f"{kind} link (breaks mirrors and file://)", f"{page} -> {target}"))
            continue
        if target == stand_in:
            target = page  # the link names no file ("?x"): it is this page
        if kind == "broken":
            result.defects.append(("broken internal link", f"{page} -> {target}"))
        if not fragment:
            continue
        if target != page:
            result.cross_fragments.append((target, fragment))
            continue
        ids = ids if ids is not None else {i[:-1].decode("utf-8", "replace") for i in id_bytes}
        if fragment not in ids:
            result.defects.append(("missing fragment target", f"{page} -> {raw.decode('utf-8', 'replace')}"))


def _find(data: bytes, marker: bytes, start: int) -> int:
    """`marker`'s position, looked for from `start` first: the contract's parts are in the article,
    so most are found within a few hundred bytes of it instead of after the page's chrome."""
    position = data.find(marker, start)
    return position if position >= 0 or not start else data.find(marker)


def _check_cable_contract(page: str, reference_id: str, data: bytes, result: _PageResult) -> None:
    refid = reference_id.encode()
    article = data.find(b'<article class="cable" data-refid="' + refid + b'"')
    if article < 0:
        result.defects.append(("cable page contract: no <article class=cable data-refid>", page))
    article = max(article, 0)
    if _find(data, b'<table class="cable-meta"', article) < 0:
        result.defects.append(("cable page contract: no cable-meta table", page))
    body = _find(data, b'<div class="cable-body"', article)
    if body < 0:
        result.defects.append(("cable page contract: no cable-body box", page))
    for label in (b"Reference ID", b"Created", b"Released", b"Classification", b"Origin"):
        if _find(data, b'<th scope="row">' + label, article) < 0:
            result.defects.append(("cable page contract: meta table lacks a row", f"{page}: {label.decode()}"))
    paragraphs = _PAR.findall(data, max(body, 0))
    if not paragraphs:
        result.defects.append(("cable page contract: no paragraph anchors", page))
    for par_id, target in paragraphs:
        if target != par_id:
            result.defects.append(
                ("cable page contract: paragraph whose ¶ link points elsewhere", f"{page}#{par_id.decode()}")
            )
    # Share links usually follow the article: looked for after its end first, then anywhere.
    shares = _SHARE.findall(data, max(data.rfind(b"</article>"), 0)) or _SHARE.findall(data)
    if not any(b"cablegate" in href.lower() and refid in href for href in shares):
        result.defects.append(("cable page contract: no share link carrying #cablegate and the reference ID", page))


def _check_batch(task: tuple[str, list[str]]) -> list[_PageResult]:
    """Check a batch of files; only results with something to report travel back."""
    root, pages = task
    results = (_check_page(root, page, _withheld) for page in pages)
    return [r for r in results if r.defects or r.cross_fragments or r.withheld or r.feed_items]


def _check_feed(name: str, data: bytes, result: _PageResult) -> None:
    try:
        top = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        result.defects.append(("feed does not parse", f"{name}: {error}"))
        return
    atom = "{http://www.w3.org/2005/Atom}"
    if top.tag == "rss":
        items = top.findall("channel/item")
        if top.find("channel/title") is None:
            result.defects.append(("feed without a title", name))
    elif top.tag == f"{atom}feed":
        items = top.findall(f"{atom}entry")
    else:
        result.defects.append(("feed is neither RSS nor Atom", f"{name}: <{top.tag}>"))
        return
    result.feed_items = len(items)
    if not items:
        result.defects.append(("feed with no items", name))


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
    return [loc[len(base) :] if base and loc.startswith(base) else loc for loc in locs]


def check_output(root: Path, withheld: frozenset[str] = frozenset(), jobs: int = 0) -> CheckReport:
    """Audit the built site in `root`; `withheld` holds reference IDs that must appear nowhere."""
    report = CheckReport()
    files: list[str] = []
    per_folder: Counter = Counter()
    for directory, folders, names in os.walk(root):
        folders.sort()
        relative = os.path.relpath(directory, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        per_folder[prefix or "./"] += len(names) + len(folders)
        files += [prefix + name for name in sorted(names)]
    existing = set(files)
    _existing.clear()
    _existing.update(existing)
    _withheld.clear()
    _withheld.update(reference_id.encode() for reference_id in withheld)
    _settled.clear()  # verdicts hold for one output's files
    for folder, count in per_folder.items():
        if count > NETLIFY_FOLDER_LIMIT:
            report.add(
                f"folder with more than {NETLIFY_FOLDER_LIMIT:,} entries (Netlify's limit)", f"{folder}: {count:,}"
            )
    pages = [name for name in files if name.endswith(".html")]
    report.figures["files"] = len(files)
    report.figures["html pages"] = len(pages)
    feeds = [name for name in files if name.endswith(FEED_SUFFIXES)]
    to_read = files if withheld else pages + feeds
    tasks = [(str(root), to_read[i : i + BATCH]) for i in range(0, len(to_read), BATCH)]
    jobs = jobs or os.cpu_count() or 1
    sitemap_report = CheckReport()
    # Workers read the sets above as the parent left them, which only a forked worker shares:
    # without fork (Windows) the pages are read here.
    if jobs > 1 and len(tasks) > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            batches = pool.imap(_check_batch, tasks, chunksize=4)
            locs = _sitemap_locs(root, sitemap_report)  # the parent's share, while the workers read pages
            results = [r for batch in batches for r in batch]
    else:
        results = [r for task in tasks for r in _check_batch(task)]
        locs = _sitemap_locs(root, sitemap_report)
    cross: dict[str, list[tuple[str, str]]] = defaultdict(list)
    cable_pages = {page for page in pages if CABLE_PAGE.fullmatch(page)}
    for page in sorted(cable_pages):
        if page[:-5] + ".json" not in existing:
            report.add("cable page without its .json twin", page)
    for result in results:
        report.figures["feed items"] += result.feed_items
        for kind, example in result.defects:
            report.add(kind, example)
        for target, fragment in result.cross_fragments:
            cross[target].append((result.page, fragment))
        for reference_id in result.withheld:
            report.add("unreleased cable appears in output", f"{reference_id} in {result.page}")
    for target, sources in cross.items():
        if target not in existing:
            continue
        ids = {m.decode() for m in _ID.findall((root / target).read_bytes())}
        for source, fragment in sources:
            if fragment not in ids:
                report.add("missing fragment target", f"{source} -> {target}#{fragment}")
    report.figures["cable pages"] = len(cable_pages)
    report.figures["feeds"] = len(feeds)
    if not feeds:
        report.add("no feed in output", "-")
    for kind, found in sitemap_report.defects.items():
        report.defects[kind] += found
    if locs is not None:
        listed = set(locs)
        report.figures["sitemap entries"] = len(listed)
        for loc in sorted(listed - existing):
            report.add("sitemap entry without a page", loc)
        for page in sorted(cable_pages - listed):
            report.add("cable page missing from the sitemap", page)
    if withheld:
        report.figures["unreleased IDs checked"] = len(withheld)
    return report


def is_built_site(root: Path) -> bool:
    return (root / urls.HOME).is_file()


def withheld_ids(site_dir: Path, output_dir: Path, as_of: str | None) -> tuple[frozenset[str], str]:
    """The reference IDs of cables in the site not released as of the output's build (or `as_of`).

    Uses what the last build of that output remembers (its as-of moment and every cable's
    entry) when it can, else reads the cable files.
    """
    from sitegen.archive import cable_files
    from sitegen.build import resolve_as_of
    from sitegen.config import load_config
    from sitegen.layout import SiteLayout
    from sitegen.manifest import Manifest
    from sitegen.model import CableRecord
    from sitegen.sources.cablefile import read_cable_file

    moment = as_of
    released: dict[str, str] = {}
    if SiteLayout.of(site_dir, output_dir).manifest.exists():
        manifest = Manifest.for_site(site_dir, output_dir)
        try:
            moment = moment or manifest.meta("as_of")
            released = manifest.release_dates()
        finally:
            manifest.close()
    if not released:
        for path in cable_files(SiteLayout.of(site_dir).content):
            record = read_cable_file(path)
            if isinstance(record, CableRecord):
                released[record.reference_id] = record.released or ""
    moment = moment or resolve_as_of(None, load_config(site_dir)[0])
    return frozenset(ref for ref, when in released.items() if not when or when > moment), moment
