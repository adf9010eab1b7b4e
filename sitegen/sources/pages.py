"""Markdown pages and articles: front matter (`key: value` lines between `---` lines) and the text after it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen import urls
from sitegen.model import Problem, is_valid_moment

_SLUG = re.compile(r"[a-z0-9][a-z0-9\-]*")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
# The pages sitegen makes at a URL a page (urls.document) or an article (urls.article) could
# also have: a file named so replaced one in silence, and the sitemap listed the URL twice.
# The search page's is kept whether or not a build makes it, so that a file never changes
# meaning with --no-search.
_BUILT_IN = {
    urls.HOME: "the home page",
    urls.SEARCH: "the search page",
    urls.NOT_FOUND: "the 404 page",
    urls.ARTICLES_INDEX: "the article index",
}


@dataclass(frozen=True)
class Document:
    """A markdown page or article: where it came from, its front matter and its markdown text."""

    source: str
    slug: str
    title: str
    date: str
    summary: str
    meta: tuple[tuple[str, str], ...]
    markdown: str
    body_line: int  # the line the markdown starts on, for messages


def read_document(path: Path, shown: str, require_date: bool) -> Document | Problem:
    """Parse a markdown file with front matter; a Problem names the file and line of what is wrong."""
    slug = path.stem
    if not _SLUG.fullmatch(slug):
        return Problem(shown, 0, "file name must be lower-case letters, digits and hyphens (it becomes the page's URL)")
    url = urls.article(slug) if require_date else urls.document(slug)  # articles are the documents dated
    if url in _BUILT_IN:
        return Problem(shown, 0, f"its URL {url} is {_BUILT_IN[url]}'s, which sitegen makes: rename the file")
    text = _read_text(path, shown)
    if isinstance(text, Problem):
        return text
    lines = text.split("\n")
    found = _front_matter(lines, shown)
    if isinstance(found, Problem):
        return found
    meta, body_line = found
    if not meta.get("title"):
        return Problem(shown, 1, "front matter has no title")
    if require_date and not meta.get("date"):
        return Problem(shown, 1, "an article's front matter needs a date (YYYY-MM-DD)")
    return Document(
        source=shown,
        slug=slug,
        title=meta["title"],
        date=meta.get("date", ""),
        summary=meta.get("summary", ""),
        meta=tuple(sorted(meta.items())),
        markdown="\n".join(lines[body_line - 1 :]),
        body_line=body_line,
    )


def _read_text(path: Path, shown: str) -> str | Problem:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return Problem(shown, 0, f"not UTF-8 text ({error.reason} at byte {error.start})")
    except OSError as error:  # a folder named *.md, a link to nowhere
        return Problem(shown, 0, f"cannot read: {_why_unreadable(path, error)}")


def _front_matter(lines: list[str], shown: str) -> tuple[dict[str, str], int] | Problem:
    """The front matter's keys (lower-case) and values, and the line the markdown starts on."""
    if not lines or lines[0].strip() != "---":
        return Problem(shown, 1, "front matter must open the file with a line '---'")
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return meta, number + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        if not colon or not _KEY.fullmatch(key.strip()):
            return Problem(shown, number, f"front matter line is not 'key: value': {line[:60]!r}")
        key = key.strip().lower()
        if key in meta:
            return Problem(shown, number, f"front matter key {key!r} given twice")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[key] = value
        if key == "date" and not _is_valid_date(value):
            return Problem(shown, number, f"date {value[:40]!r} is not a real date YYYY-MM-DD")
    return Problem(shown, 1, "front matter is not closed by a line '---'")


def _is_valid_date(text: str) -> bool:
    """The cable moments' rule (model.is_valid_moment) for a day: ASCII digits naming a day that
    exists, from FIRST_YEAR on. A date is compared as text with the build's moment, so a
    full-width digit would keep its article unpublished forever, and `2010-13-45` sort newest."""
    return is_valid_moment(f"{text} 00:00")


def _why_unreadable(path: Path, error: OSError) -> str:
    if path.is_symlink() and not path.exists():
        return f"a symbolic link to {os.readlink(path)}, which does not exist"
    return error.strerror or str(error)


def read_documents(folder: Path, site_dir: Path, require_date: bool) -> tuple[list[Document], list[Problem]]:
    documents: list[Document] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return documents, problems
    for path in sorted(folder.glob("*.md")):
        found = read_document(path, str(path.relative_to(site_dir)), require_date)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            documents.append(found)
    return documents, problems
