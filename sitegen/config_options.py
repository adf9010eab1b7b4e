"""Config options: one typed option per kind of config value, each turning what sitegen.toml holds into a value or a reason.

As MkDocs' config_options: a key of the schema (config.py) names its option beside it, so a
key's rules are read where it is declared. An option's `convert` returns the value the site's
`Config` holds, or an `Invalid` saying why the key's value cannot be one.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

from sitegen.model import is_valid_moment

# A URL's scheme, if it has one. A URL with none is relative (`about.html`, `/donate`, `#top`).
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
LINK_SCHEMES = ("http", "https", "mailto")
# Characters no URL written into a page may hold. Browsers drop tabs and line breaks inside a
# scheme (`java<TAB>script:` runs), so whitespace and control characters go with the markup ones.
_NOT_IN_URL = re.compile(r'[\x00-\x20\x7f-\x9f<>"`\s]')
# `mastodon.social`, `social.example.org:8443`: the share link is `https://<instance>/share`.
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?(?::[0-9]{1,5})?")
# `en`, `pt-BR`, `zh-Hant-TW`: a BCP 47 language tag's shape.
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Invalid:
    """Why a key's value was rejected (the schema adds the key, the file and the line)."""

    reason: str


@dataclass(frozen=True)
class Link:
    title: str
    url: str


def link_url_problem(url: str, schemes: tuple[str, ...] = LINK_SCHEMES, relative: bool = True) -> str | None:
    """Why `url` may not be a link's address on a page, or None: it must be http, https, mailto
    (or `schemes`) or, when `relative`, have no scheme; `javascript:` and `data:` never pass."""
    kinds = ", ".join(schemes[:-1]) + (f", {schemes[-1]} or relative" if relative else f" or {schemes[-1]}")
    if _NOT_IN_URL.search(url):
        return f'{url[:60]!r} is not an {kinds} URL: it holds a space, a control character or one of < > " `'
    scheme = _SCHEME.match(url)
    if (scheme is None and relative) or (scheme is not None and scheme.group(1).lower() in schemes):
        return None
    return f"{url[:60]!r} is not an {kinds} URL"


def parse_moment(text: str, end_of_day: bool = False) -> str | None:
    """`2010-11-28` or `2010-11-28 14:00` -> `2010-11-28 14:00`; None unless it names a real minute.

    A bare date means its first minute, or its last with `end_of_day` (as `--as-of` reads it:
    "as of the 28th" includes what was released that day).
    """
    text = text.strip()
    if len(text) == len("2010-11-28"):
        text += " 23:59" if end_of_day else " 00:00"
    return text if is_valid_moment(text) else None


T = TypeVar("T")


# Who reads a key: a page kind by name (kinds.KINDS), or a rule a kind meets (`lambda kind: kind.feed`).
Reader = str | Callable[[Any], bool]


def option(kind: Option, default: T, read_by: tuple[Reader, ...] = (), chrome: bool = False) -> T:
    """A key of a config dataclass: its option, its default, and who reads it: the page kinds
    `read_by` names or whose shape it describes (every feed), or with `chrome` every page with
    the site's header, sidebar and footer. A page's key hashes the keys its kind reads
    (render/page.py)."""
    metadata = {"option": kind, "read_by": read_by, "chrome": chrome}
    if isinstance(default, dict | list):  # a mutable default: each Config gets its own
        return field(default_factory=lambda: copy.copy(default), metadata=metadata)
    return field(default=default, metadata=metadata)


class Option:
    """A kind of config value. `convert` is given what TOML parsed, of any type."""

    def convert(self, value: Any) -> Any:
        raise NotImplementedError


class Text(Option):
    def convert(self, value: Any) -> str | Invalid:
        if not isinstance(value, str):
            return Invalid(f"expected text, got {type(value).__name__}")
        return self.check(value)

    def check(self, value: str) -> str | Invalid:
        return value


class Moment(Text):
    """A moment, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, or empty."""

    def check(self, value: str) -> str | Invalid:
        if value and parse_moment(value) is None:
            return Invalid("expected YYYY-MM-DD or YYYY-MM-DD HH:MM")
        return value


class SiteURL(Text):
    """An http(s) URL ending in "/" (one is added), or empty: pages' URLs are joined to it."""

    def check(self, value: str) -> str | Invalid:
        if not value:
            return value
        if not value.startswith(("http://", "https://")):
            return Invalid("expected an http(s) URL")
        if problem := link_url_problem(value, ("http", "https"), relative=False):
            return Invalid(problem)
        return value if value.endswith("/") else value + "/"


class Host(Text):
    """A host name, with a port if need be: `mastodon.social`, `social.example.org:8443`."""

    def check(self, value: str) -> str | Invalid:
        if not _HOST.fullmatch(value):
            return Invalid(f"{value[:60]!r} is not a host name such as mastodon.social")
        return value


class LanguageTag(Text):
    def check(self, value: str) -> str | Invalid:
        if not _LANGUAGE.fullmatch(value):
            return Invalid(f"{value[:60]!r} is not a language tag such as en or pt-BR")
        return value


class WholeNumber(Option):
    """A whole number of at least `least`. TOML's true is a Python int too: it is refused."""

    def __init__(self, least: int = 0):
        self.least = least

    def convert(self, value: Any) -> int | Invalid:
        if isinstance(value, bool) or not isinstance(value, int):
            return Invalid(f"expected a whole number, got {type(value).__name__}")
        if value < self.least:
            return Invalid("must not be negative" if self.least == 0 else f"must be {self.least} or more")
        return value


class Bool(Option):
    def convert(self, value: Any) -> bool | Invalid:
        if not isinstance(value, bool):
            return Invalid(f"expected true or false, got {type(value).__name__}")
        return value


class TextList(Option):
    """A list of text values, each with any of `strip`'s characters taken off its start."""

    def __init__(self, strip: str = ""):
        self.strip = strip

    def convert(self, value: Any) -> tuple[str, ...] | Invalid:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return Invalid("expected a list of text values")
        return tuple(v.lstrip(self.strip) if self.strip else v for v in value)


class Choices(TextList):
    """A list of some of `choices` (each a `what`)."""

    def __init__(self, choices: tuple[str, ...], what: str):
        super().__init__()
        self.choices = choices
        self.what = what

    def convert(self, value: Any) -> tuple[str, ...] | Invalid:
        chosen = super().convert(value)
        if isinstance(chosen, tuple) and (unknown := set(chosen) - set(self.choices)):
            return Invalid(f"unknown {self.what}(s) {sorted(unknown)}; known: {', '.join(self.choices)}")
        return chosen


class Links(Option):
    """`[[<key>]] title = "..." url = "..."`: links shown on every page, so only safe schemes."""

    def __init__(self, key: str):
        self.key = key

    def convert(self, value: Any) -> tuple[Link, ...] | Invalid:
        if not isinstance(value, list) or not all(isinstance(v, dict) and set(v) == {"title", "url"} for v in value):
            return Invalid(f'expected a list of tables with title and url: [[{self.key}]] title = "..." url = "..."')
        links = tuple(Link(str(v["title"]), str(v["url"])) for v in value)
        for link in links:
            if problem := link_url_problem(link.url):
                return Invalid(f"url {problem}")
        return links


class TextTable(Option):
    """`[<key>] NAME = "text"`."""

    def __init__(self, example: str):
        self.example = example

    def convert(self, value: Any) -> dict[str, str] | Invalid:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return Invalid(f"expected a table of {self.example}")
        return dict(value)


class Table(Option):
    """A nested table (`[markdown]`) made into the dataclass `kind`, each of whose fields names
    its option in its metadata (`"option"`), as the schema's keys do."""

    def __init__(self, kind: type[Any]):
        assert is_dataclass(kind)
        self.kind = kind

    def convert(self, value: Any) -> Any:
        options = {option.name: option.metadata["option"] for option in fields(self.kind)}
        if not isinstance(value, dict):
            return Invalid(f"expected a table [{', '.join(sorted(options))}]")
        values = {}
        for name, given in value.items():
            if name not in options:
                return Invalid(f"unknown key {name!r} (known: {', '.join(sorted(options))})")
            converted = options[name].convert(given)
            if isinstance(converted, Invalid):
                return Invalid(f"{name}: {converted.reason}")
            values[name] = converted
        return self.kind(**values)
