"""Page checks: one built file -> its defects: links and fragments, the cable page contract, a
feed that does not parse, an unreleased reference ID.

Pages are read with regular expressions rather than a full HTML parser, in parallel: the check
must stay fast on a 251,287-cable site (12 GB).
"""

from __future__ import annotations

import functools
import os
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from sitegen import urls

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


@dataclass
class _PageResult:
    page: str
    defects: list[tuple[str, str]]
    cross_fragments: list[tuple[str, str]]  # (target page, fragment)
    withheld: list[str]
    feed_items: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)
    removed: bool = False  # a removed cable's page (versions.py): no search index lists it


@dataclass
class _Output:
    """What every page of one output is checked against, handed to the workers once: every
    file in it and the IDs to look for, so that they test links in place instead of receiving
    them with every batch or sending every link back."""

    root: str
    existing: frozenset[str]
    withheld: frozenset[bytes]  # encoded: compared with the tokens as read
    # The links of the folder being checked known to name an existing file, with no fragment:
    # a folder's pages come one after another and share most links (the chrome, the tags and
    # origins of neighbours), so one set difference settles most of a page's links. Each
    # worker keeps its own.
    settled: dict[str, set[bytes]] = field(default_factory=dict)

    def has(self, target: str) -> bool:
        return target in self.existing or f"{target}/{urls.INDEX}" in self.existing


_EXTERNAL = (b"https:", b"http:", b"mailto:")


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


def _link_verdict(output: _Output, folder: str, raw: bytes) -> tuple[str, str, str | None]:
    """What a link written in a page of `folder` is: (kind, target, fragment), where kind is
    external, absolute, escapes, broken or internal. The same for every page of the folder."""
    url = raw.decode("utf-8", "replace")
    target = _plain_target(folder, url)
    if target is not None:
        if not output.has(target):
            return "broken", target, None
        return "internal", target, None
    page = _stand_in(folder)
    resolved, fragment, kind = _resolve(page, url.replace("&amp;", "&"))
    if kind != "internal" or resolved is None:
        return kind, url, None
    target = resolved
    if target != page and not output.has(target):
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


def _check_page(output: _Output, page: str) -> _PageResult:
    data = _read(os.path.join(output.root, page))
    result = _PageResult(page, [], [], [])
    if output.withheld:
        result.withheld = sorted(token.decode() for token in _reference_id_bytes(data) & output.withheld)
    if page.endswith(FEED_SUFFIXES):
        _check_feed(page, data, result)
    if not page.endswith(".html"):
        return result
    _check_links(output, page, data, result)
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


def _check_links(output: _Output, page: str, data: bytes, result: _PageResult) -> None:
    found = _ATTRIBUTES.findall(data) or [(b"", b"", b"", b"")]
    fragments, hrefs, sources, id_bytes = (set(column) for column in zip(*found, strict=True))
    _check_own_fragments(page, fragments, id_bytes, result)
    folder = page.rpartition("/")[0]
    # The page's ids decoded, once, for the first link that names this page and a fragment.
    here = _Here(
        page, _stand_in(folder), functools.cache(lambda: {i[:-1].decode("utf-8", "replace") for i in id_bytes})
    )
    settled = output.settled.get(folder)
    if settled is None:
        output.settled.clear()
        settled = output.settled[folder] = set()
    for quoted in (hrefs | sources) - settled - {b""}:
        if quoted.startswith(_EXTERNAL):
            continue
        verdict = _link_verdict(output, folder, quoted[:-1])
        if verdict[0] == "internal" and not verdict[2]:
            settled.add(quoted)
        else:
            _check_link(here, quoted[:-1], verdict, result)


def _check_own_fragments(page: str, fragments: set[bytes], id_bytes: set[bytes], result: _PageResult) -> None:
    """Links to a fragment of the page itself (`#x`) that no id of the page answers."""
    # Most links of a cable page are its own ¶ anchors: compared as sets, in C, and only the
    # few that miss are decoded and looked at again.
    for quoted in fragments - id_bytes - {b"", b'"'}:
        raw = quoted[:-1]
        wanted = unquote(raw.decode("utf-8", "replace").replace("&amp;", "&"))
        if wanted.encode() + b'"' not in id_bytes:
            result.defects.append(("missing fragment target", f"{page} -> #{raw.decode('utf-8', 'replace')}"))


@dataclass(frozen=True)
class _Here:
    """The page whose links are checked: its path, what a link naming no file resolves to, its ids."""

    page: str
    stand_in: str
    ids: Callable[[], set[str]]


def _check_link(here: _Here, raw: bytes, verdict: tuple[str, str, str | None], result: _PageResult) -> None:
    """The defect of one link that is not a plain internal link, or the fragment to look for in
    another page (checked once every page is read)."""
    kind, target, fragment = verdict
    if kind == "external":
        return
    if kind in ("absolute", "escapes"):
        result.defects.append((f"{kind} link (breaks mirrors and file://)", f"{here.page} -> {target}"))
        return
    if target == here.stand_in:
        target = here.page  # the link names no file ("?x"): it is this page
    if kind == "broken":
        result.defects.append(("broken internal link", f"{here.page} -> {target}"))
    if not fragment:
        return
    if target != here.page:
        result.cross_fragments.append((target, fragment))
    elif fragment not in here.ids():
        result.defects.append(("missing fragment target", f"{here.page} -> {raw.decode('utf-8', 'replace')}"))


# What a removed cable's page carries in its head (theme/templates/cable-removed.html).
REMOVED_MARK = b'<meta name="robots" content="noindex">'


def _find(data: bytes, marker: bytes, start: int) -> int:
    """`marker`'s position, looked for from `start` first: the contract's parts are in the article,
    so most are found within a few hundred bytes of it instead of after the page's chrome."""
    position = data.find(marker, start)
    return position if position >= 0 or not start else data.find(marker)


def _check_cable_contract(page: str, reference_id: str, data: bytes, result: _PageResult) -> None:
    refid = reference_id.encode()
    result.removed = REMOVED_MARK in data[: data.find(b"</head>")]
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
    _check_share_links(page, refid, data, result)


def _check_share_links(page: str, refid: bytes, data: bytes, result: _PageResult) -> None:
    """A cable page's share links carry #cablegate and the reference ID, and (with a base_url) the page's URL."""
    # Share links usually follow the article: looked for after its end first, then anywhere.
    shares = _SHARE.findall(data, max(data.rfind(b"</article>"), 0)) or _SHARE.findall(data)
    if not any(b"cablegate" in href.lower() and refid in href for href in shares):
        result.defects.append(("cable page contract: no share link carrying #cablegate and the reference ID", page))
    # The page's own address, percent-encoded, ends with its path: none there means no base_url.
    if shares and not any(quote(page, safe="").encode() in href for href in shares):
        result.warnings.append(("share links carry no page URL (set base_url in sitegen.toml)", page))


def _check_batch(output: _Output, pages: list[str]) -> list[_PageResult]:
    """Check a batch of files; only results with something to report travel back."""
    results = (_check_page(output, page) for page in pages)
    return [
        r for r in results if r.defects or r.warnings or r.cross_fragments or r.withheld or r.feed_items or r.removed
    ]


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
