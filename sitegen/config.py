"""The site config (`sitegen.toml`): a schema of typed, documented keys; unknown or ill-typed keys are rejected."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sitegen.config_options import (
    Bool,
    Choices,
    Host,
    Invalid,
    LanguageTag,
    Link,
    Links,
    Moment,
    SiteURL,
    Table,
    Text,
    TextList,
    TextTable,
    WholeNumber,
    option,
    parse_moment,
)
from sitegen.layout import CONFIG_NAME
from sitegen.model import Problem

SHARE_TARGETS = ("twitter", "mastodon", "bluesky", "facebook", "reddit")


class PageKindShape(Protocol):
    """What a config key's readers are told of a page kind (kinds.PageKind; config.py is read
    before the kinds are, so it names none of them but by name)."""

    @property
    def name(self) -> str: ...
    @property
    def feed(self) -> bool: ...
    @property
    def listing(self) -> str: ...


def _feed(kind: PageKindShape) -> bool:
    return kind.feed


def _listing(kind: PageKindShape) -> bool:
    # Every listing: page_size decides whether a facet has month pages, whether a month is a
    # calendar of days, and how a release day is paged (DESIGN.md, "Listings stay put").
    return bool(kind.listing)


LISTINGS = (_listing,)  # every listing: an overview, a month, a calendar, a day, a release day
FEEDS = (_feed,)  # every feed
TAG_PAGES = ("tag", "tag-letter", "tag-month", "tag-calendar", "tag-day")  # the pages that describe a tag


@dataclass(frozen=True)
class MarkdownOptions:
    """`[markdown]`: how pages and articles are made from their markdown."""

    # HTML written in markdown is kept as HTML (true) or shown as text (false: `sitegen init`
    # writes false). Either way a link to `javascript:` is dropped, its words kept.
    raw_html: bool = option(Bool(), True)


@dataclass(frozen=True)
class Config:
    """Every key a site may set: its option (type and rules, config_options.py), its default, the
    page kinds that read it. The comment beside each is its documentation."""

    title: str = option(Text(), "Cable archive", chrome=True)  # shown in every page's title and header
    # under the title on every page
    tagline: str = option(Text(), "Diplomatic cables, published release by release", chrome=True)
    language: str = option(LanguageTag(), "en", chrome=True)  # the pages' <html lang>: a language tag (en, pt-BR)
    # e.g. "https://cables.example.org/"; enables canonical, Open Graph and absolute feed links
    base_url: str = option(SiteURL(), "", chrome=True)
    # the counter's total ("released so far N / total"); 0 means: the cables in content/
    total_cables: int = option(WholeNumber(), 0, ("home",))
    # carried by every share link, with the cable's own ID
    hashtags: tuple[str, ...] = option(TextList(strip="#"), ("cablegate",), ("cable",))
    # which share links cable pages show
    share_targets: tuple[str, ...] = option(Choices(SHARE_TARGETS, "share target"), SHARE_TARGETS, ("cable",))
    mastodon_instance: str = option(Host(), "mastodon.social", ("cable",))  # the host the Mastodon share link opens
    # cables a listing page holds at most: a facet of up to this many is one page, a month of more
    # is a calendar of day pages. 200 rather than 50: at 251,287 cables the listings are 138,000
    # pages rather than 326,000 (most tag months hold a few cables), and a release rewrites 11 %
    # fewer files (bench/RESULTS.md, seventeenth session)
    page_size: int = option(WholeNumber(least=1), 200, LISTINGS)
    feed_size: int = option(WholeNumber(least=1), 50, FEEDS)  # items per feed
    # the latest release's cables listed on the home page
    latest_release_size: int = option(WholeNumber(least=1), 100, ("home",))
    # default for `build --as-of` (YYYY-MM-DD or YYYY-MM-DD HH:MM); empty: now. No page reads it:
    # it decides which cables are released, which the catalogue's data carries.
    as_of: str = option(Moment(), "")
    # slug of the page the menu calls the explainer
    explainer: str = option(Text(), "understanding-cables", chrome=True)
    # Sidebar links: [[support_links]] title = "...", url = "..." (http, https, mailto or relative).
    support_links: tuple[Link, ...] = option(Links("support_links"), (), chrome=True)
    # sidebar: [[community_links]] title = "...", url = "..."
    community_links: tuple[Link, ...] = option(Links("community_links"), (), chrome=True)
    # [tag_descriptions] PREL = "External political relations"
    tag_descriptions: dict[str, str] = option(TextTable('TAG = "description"'), {}, ("cable", *TAG_PAGES))
    # [markdown] raw_html = false
    markdown: MarkdownOptions = option(Table(MarkdownOptions), MarkdownOptions(), ("page", "article"))


# Keys of earlier versions, accepted with a warning so that an old sitegen.toml still builds.
RETIRED = {"search_shard_cables": "search no longer runs Pagefind in shards; delete this key"}


def keys_read_by(kind: PageKindShape) -> tuple[str, ...]:
    """The config keys a page kind reads besides the chrome's (`chrome_keys`), in the schema's order."""
    return tuple(key.name for key in fields(Config) if any(_reads(reader, kind) for reader in key.metadata["read_by"]))


def _reads(reader: str | Callable[[PageKindShape], bool], kind: PageKindShape) -> bool:
    return reader(kind) if callable(reader) else reader == kind.name


def chrome_keys() -> tuple[str, ...]:
    """The config keys every page with the site's chrome (header, sidebar, footer) shows."""
    return tuple(key.name for key in fields(Config) if key.metadata["chrome"])


def load_config(site_dir: Path) -> tuple[Config, list[Problem]]:
    """Read `sitegen.toml` if the site has one; defaults otherwise. Bad keys come back as Problems."""
    path = site_dir / CONFIG_NAME
    if not path.exists():
        return Config(), []
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None) or _line_from_message(str(error))
        return Config(), [Problem(shown, line, f"not valid TOML: {error}")]
    return config_from_mapping(raw, shown, text)


def _line_from_message(message: str) -> int:
    marker = "line "
    if marker in message:
        digits = message.split(marker, 1)[1].split()[0].strip(",)")
        if digits.isdigit():
            return int(digits)
    return 0


def config_from_mapping(raw: dict[str, Any], shown: str = CONFIG_NAME, text: str = "") -> tuple[Config, list[Problem]]:
    """Validate a parsed config; `text` (the file's source) lets problems name their line."""

    def line_of(key: str) -> int:
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith((f"{key} ", f"{key}=", f"[{key}]", f"[[{key}]]")):
                return number
        return 0

    problems: list[Problem] = []
    known = {f.name: f for f in fields(Config)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in RETIRED:
            problems.append(Problem(shown, line_of(key), f"key {key!r} is no longer used: {RETIRED[key]}", "warning"))
            continue
        if key not in known:
            problems.append(Problem(shown, line_of(key), f"unknown key {key!r} (known: {', '.join(sorted(known))})"))
            continue
        converted = known[key].metadata["option"].convert(value)
        if isinstance(converted, Invalid):
            problems.append(Problem(shown, line_of(key), f"key {key!r}: {converted.reason}"))
            continue
        values[key] = converted
    return Config(**values), problems


def resolve_as_of(option: str | None, config: Config) -> str:
    if option:
        return option
    if config.as_of:
        return parse_moment(config.as_of, end_of_day=True) or ""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M")


def share_link_warning(config: Config, config_file: Path | None = None) -> list[Problem]:
    """Without a base URL a cable page has no address to share: say so once a build, at the
    config's `base_url` line (its first line when the key is not written)."""
    if config.base_url or not config.share_targets:
        return []
    return [
        Problem(
            CONFIG_NAME,
            _line_of_key(config_file, "base_url"),
            "base_url is not set: share links carry no page URL, and those that share only a link "
            "(Facebook, Reddit) are left out; set base_url to the site's address",
            "warning",
        )
    ]


def _line_of_key(config_file: Path | None, key: str) -> int:
    try:
        text = config_file.read_text(encoding="utf-8") if config_file else ""
    except (OSError, UnicodeDecodeError):
        return 1
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{key}\s*=", line):
            return number
    return 1
