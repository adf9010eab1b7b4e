"""Markup from text: a cable body as escaped HTML with paragraph anchors, and markdown with cable links."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Sequence

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from markupsafe import Markup

from sitegen.model import REFERENCE_IN_PROSE, Block, Reference

_BLOCK_CLASS = {"pagebreak": "pagebreak", "sipdis": "sipdis"}


def escape_text(text: str) -> str:
    """Escape text for an element's content (never an attribute): `&`, `<` and `>` are enough there.

    Three str.replace calls cost far less than markupsafe's escape per call, and a cable page
    escapes dozens of blocks.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# A name the publisher redacted: the dump writes XXXXXXXXXXXX (12), sometimes glued to a word
# or a letter more or less. Ten or more in a row: shorter runs are written text (FY XXXX).
REDACTION = re.compile(r"X{10,}")
REDACTION_TITLE = "Redacted by the publisher: a name or detail was removed here"
# The TAGS label at a line's start, and where the tags stop: a blank line or the next label.
_TAGS_LABEL = re.compile(r"^[^\S\n]*TAGS?\b[^\S\n]*:?", re.I | re.M)
_TAGS_END = re.compile(r"\n[^\S\n]*\n|^[^\S\n]*(?:SUBJ|REF|E\.?\s?O\.?\s*\d|CLASSIFIED\s+BY)", re.I | re.M)


def count_redactions(body: str) -> int:
    return len(REDACTION.findall(body))


def body_html(
    blocks: tuple[Block, ...],
    references: tuple[Reference, ...],
    link_for: Callable[[str], str | None],
    tag_links: Sequence[tuple[str, str]] = (),
) -> Markup:
    """The body exactly as written, escaped, in runs the page can style and link to.

    Each paragraph is a `span.par` with its id and a ¶ anchor; page-break and SIPDIS lines
    are spans of their own; blank lines stay plain text. Nothing is reflowed: the container
    keeps white space, so the text shown is the body byte for byte. References written in
    the text (`A) Guangzhou 20753`) become links when their cable is published; the tags on
    the TAGS line (`tag_links`: each tag and its page) link as the metadata's do; redactions
    are marked.
    """
    links = [(escape_text(ref.text), href) for ref in references if (href := link_for(ref.reference_id))]
    tags = [(escape_text(tag), href) for tag, href in tag_links]
    parts: list[str] = []
    for block in blocks:
        if block.kind == "gap":
            parts.append(block.text)  # only spaces and line breaks: nothing to escape
            continue
        text = escape_text(block.text) if not block.line_anchors else _with_line_anchors(block)
        if block.kind == "par":
            for written, href in links:
                if written in text:
                    text = text.replace(written, f'<a class="ref" href="{href}">{written}</a>', 1)
            if tags:
                text, tags = _link_tags(text, tags)
            if "XXXXXXXXXX" in text:
                text = REDACTION.sub(_redaction_mark, text)
            label = f"paragraph {block.number}" if block.number is not None else "this paragraph"
            parts.append(
                f'<span class="par" id="{block.id}"><a class="par-anchor" href="#{block.id}" '
                f'aria-label="Link to {label}">¶</a>{in_line_spans(text)}</span>'
            )
        else:
            parts.append(f'<span class="{_BLOCK_CLASS[block.kind]}">{in_line_spans(text)}</span>')
    return Markup("".join(parts))


# The inline elements body_html writes into a paragraph's escaped text (links, redactions,
# line anchors); none carries a line break inside its tag.
_INLINE_TAG = re.compile(r"<(/?)(a|span)\b[^>]*>")


def in_line_spans(html_text: str) -> str:
    """Each written line of a block's escaped HTML in a `span.line`, the line breaks kept between
    them, so that the page can show the lines as written (white-space: pre-wrap) or reflow them
    (white-space: normal) with the same text. An element open at a line's end (a reference
    written across two lines) is closed there and opened again on the next line: the spans nest.
    Only empty line anchors carry an id, so reopening never repeats one."""
    if "\n" not in html_text:
        return f'<span class="line">{html_text}</span>' if html_text else ""
    lines: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag)
    for line in html_text.split("\n"):
        reopened = "".join(tag for _, tag in open_tags)
        for found in _INLINE_TAG.finditer(line):
            if found.group(1):
                if open_tags:
                    open_tags.pop()
            else:
                open_tags.append((found.group(2), found.group()))
        closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        content = reopened + line + closing
        lines.append(f'<span class="line">{content}</span>' if content else "")
    return "\n".join(lines)


def _redaction_mark(found: re.Match[str]) -> str:
    return f'<span class="redacted" title="{REDACTION_TITLE}">{found.group()}</span>'


def _link_tags(text: str, tags: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """Link each tag as written on the TAGS line of an escaped paragraph, in the order written.
    Returns the text and the tags still to link (none once a TAGS line was met: one per cable).
    A tag not written as read (`PRELPGOV` read as two) stays text: the metadata links it."""
    label = _TAGS_LABEL.search(text)
    if label is None:
        return text, tags
    end = _TAGS_END.search(text, label.end())
    stop = end.start() if end else len(text)
    parts, cursor = [text[: label.end()]], label.end()
    for written, href in tags:
        found = re.search(rf"(?<![\w.]){re.escape(written)}(?![\w])", text[cursor:stop])
        if found is None:
            continue
        start = cursor + found.start()
        parts.append(text[cursor:start])
        parts.append(f'<a class="tag" href="{href}">{written}</a>')
        cursor = start + len(written)
    parts.append(text[cursor:])
    return "".join(parts), []


def _with_line_anchors(block: Block) -> str:
    """A paragraph's escaped text with an empty, id'd element where each anchored line begins."""
    parts, start = [], 0
    for offset, anchor in block.line_anchors:
        parts.append(escape_text(block.text[start:offset]))
        parts.append(f'<span class="line-anchor" id="{anchor}"></span>')
        start = offset
    parts.append(escape_text(block.text[start:]))
    return "".join(parts)


WITHHELD_TEXT = "[not yet released]"


class _CableLink(InlineProcessor):
    """`[[06GUANGZHOU29875]]` or a bare reference ID -> a link to its page if published.

    An ID the archive holds but has not released is replaced by a marker: the embargo covers
    every byte of the output, articles included. An ID the archive does not hold stays text.
    """

    def __init__(self, pattern: str, md: markdown.Markdown, links: CableLinks):
        super().__init__(pattern, md)
        self.links = links

    # InlineProcessor changes the signature of Pattern's handleMatch, its base: the stubs ignore
    # [override] there too, and mypy checks each subclass against Pattern again.
    def handleMatch(  # type: ignore[override]  # noqa: N802 (markdown's API)
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | str, int, int]:
        reference_id = m.group(1)
        self.links.mentions.append(reference_id)
        if self.links.is_withheld(reference_id):
            marker = etree.Element("span", {"class": "withheld"})
            marker.text = AtomicString(WITHHELD_TEXT)
            return marker, m.start(0), m.end(0)
        href = self.links.resolve(reference_id)
        # Atomic: the ID must not be matched again by the other pattern inside its own link.
        if href is None:
            return AtomicString(reference_id), m.start(0), m.end(0)
        link = etree.Element("a", {"href": href, "class": "cable-link"})
        link.text = AtomicString(reference_id)
        return link, m.start(0), m.end(0)


class CableLinks(markdown.Extension):
    """Turns reference IDs in markdown into links; collects every ID mentioned."""

    def __init__(self, resolve: Callable[[str], str | None], is_withheld: Callable[[str], bool]):
        super().__init__()
        self.resolve = resolve
        self.is_withheld = is_withheld
        self.mentions: list[str] = []

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (markdown's API)
        md.inlinePatterns.register(_CableLink(r"\[\[(\d{2}[A-Z][A-Z0-9\-]*\d+)\]\]", md, self), "cable-wikilink", 176)
        md.inlinePatterns.register(_CableLink(REFERENCE_IN_PROSE, md, self), "cable-bare-id", 15)


# Link targets that run code in the page: `javascript:` and `vbscript:` anywhere, `data:` as a
# link (an image may be one). Read as a browser reads them: entities decoded, and tabs, line
# breaks and control characters dropped (`java&#x09;script:` runs).
_SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript):", re.IGNORECASE)
_DATA_SCHEME = re.compile(r"data:", re.IGNORECASE)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20]+")


def _runs_script(url: str, as_link: bool = True) -> bool:
    """True when a browser would run `url` as script (or open it as a `data:` document)."""
    seen = _IGNORED_IN_URL.sub("", html.unescape(url))
    return _SCRIPT_SCHEME.match(seen) is not None or (as_link and _DATA_SCHEME.match(seen) is not None)


class _DropScriptLinks(Treeprocessor):
    """Removes each link target that runs script from the markdown's links and images; their
    words stay, as text. Raw HTML (when the site keeps it) is the author's own and not touched."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute, as_link in (("href", True), ("src", False)):
                value = element.get(attribute)
                if value is not None and _runs_script(value, as_link):
                    del element.attrib[attribute]


class SafeLinks(markdown.Extension):
    """Drops script links always; with `raw_html` false, shows HTML written in markdown as text."""

    def __init__(self, raw_html: bool):
        super().__init__()
        self.raw_html = raw_html

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (markdown's API)
        # After 'unescape' (priority 0), which restores backslash-escaped characters in attributes.
        md.treeprocessors.register(_DropScriptLinks(md), "drop-script-links", -10)
        if not self.raw_html:
            # Python-Markdown's documented way to escape raw HTML: parse none (its safe_mode is gone).
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")


def markdown_html(text: str, links: CableLinks, raw_html: bool = True) -> Markup:
    """Markdown -> HTML with highlighted code blocks and links to cables (mentions land in `links`).
    HTML written in the markdown is kept unless `raw_html` is false; script links never are."""
    converter = markdown.Markdown(
        extensions=["fenced_code", "codehilite", "tables", "toc", "sane_lists", links, SafeLinks(raw_html)],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
        output_format="html",
    )
    return Markup(converter.convert(text))
