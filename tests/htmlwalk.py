"""A small reader of built pages for tests: ids, links, classes and text, with the standard HTML parser."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class PageFacts:
    ids: list[str] = field(default_factory=list)
    links: list[tuple[str, str, dict]] = field(default_factory=list)  # (tag, url, attrs)
    elements: list[tuple[str, dict]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    title: str = ""

    def with_class(self, name: str) -> list[dict]:
        return [attrs for _, attrs in self.elements if name in (attrs.get("class") or "").split()]


class _Reader(HTMLParser):
    def __init__(self, facts: PageFacts):
        super().__init__(convert_charrefs=True)
        self.facts = facts
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.facts.elements.append((tag, attributes))
        self.in_title = tag == "title"
        if attributes.get("id"):
            self.facts.ids.append(attributes["id"])
        for key in ("href", "src"):
            if attributes.get(key) is not None and tag in ("a", "link", "script", "img"):
                self.facts.links.append((tag, attributes[key], attributes))

    def handle_endtag(self, tag):
        self.in_title = False

    def handle_data(self, data):
        self.facts.text.append(data)
        if self.in_title:
            self.facts.title += data


def read_page(path: Path) -> PageFacts:
    facts = PageFacts()
    reader = _Reader(facts)
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return facts


def html_pages(root: Path) -> dict[str, PageFacts]:
    return {p.relative_to(root).as_posix(): read_page(p) for p in sorted(root.rglob("*.html"))}


def resolve_link(page: str, url: str) -> tuple[str | None, str | None]:
    """(target path under the output, fragment) for a relative link; (None, None) for external ones."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None, None
    assert not url.startswith("/"), f"absolute link {url} in {page}"
    path = unquote(parts.path)
    target = page if not path else os.path.normpath(os.path.join(os.path.dirname(page), path))
    return target.replace(os.sep, "/"), unquote(parts.fragment) or None
