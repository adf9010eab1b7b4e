"""The site config (`sitegen.toml`): a schema of typed, documented keys; unknown or ill-typed keys are rejected."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitegen.layout import CONFIG_NAME
from sitegen.model import Problem, is_valid_moment

SHARE_TARGETS = ("twitter", "mastodon", "bluesky", "facebook", "reddit")


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class MarkdownOptions:
    """`[markdown]`: how pages and articles are made from their markdown."""

    # HTML written in markdown is kept as HTML (true) or shown as text (false: `sitegen init`
    # writes false). Either way a link to `javascript:` is dropped, its words kept.
    raw_html: bool = True


@dataclass(frozen=True)
class Config:
    """Every key a site may set, with its default. The comment beside each is its documentation."""

    title: str = "Cable archive"  # shown in every page's title and header
    tagline: str = "Diplomatic cables, published release by release"  # under the title on every page
    language: str = "en"  # the pages' <html lang>: a language tag (en, pt-BR)
    base_url: str = ""  # e.g. "https://cables.example.org/"; enables canonical, Open Graph and absolute feed links
    total_cables: int = 0  # the counter's total ("released so far N / total"); 0 means: the cables in content/
    hashtags: tuple[str, ...] = ("cablegate",)  # carried by every share link, with the cable's own ID
    share_targets: tuple[str, ...] = SHARE_TARGETS  # which share links cable pages show
    mastodon_instance: str = "mastodon.social"  # the host the Mastodon share link opens
    page_size: int = 50  # cables per index page
    feed_size: int = 50  # items per feed
    latest_release_size: int = 100  # cables of the latest release listed on the home page
    as_of: str = ""  # default for `build --as-of` (YYYY-MM-DD or YYYY-MM-DD HH:MM); empty: now
    explainer: str = "understanding-cables"  # slug of the page the menu calls the explainer
    # Sidebar links: [[support_links]] title = "...", url = "..." (http, https, mailto or relative).
    support_links: tuple[Link, ...] = ()
    community_links: tuple[Link, ...] = ()  # sidebar: [[community_links]] title = "...", url = "..."
    tag_descriptions: dict[str, str] = field(
        default_factory=dict
    )  # [tag_descriptions] PREL = "External political relations"
    markdown: MarkdownOptions = MarkdownOptions()  # [markdown] raw_html = false


_POSITIVE = ("page_size", "feed_size", "latest_release_size")
# Keys of earlier versions, accepted with a warning so that an old sitegen.toml still builds.
RETIRED = {"search_shard_cables": "search no longer runs Pagefind in shards; delete this key"}
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
        converted = _convert(key, value)
        if isinstance(converted, _Invalid):
            problems.append(Problem(shown, line_of(key), f"key {key!r}: {converted.reason}"))
            continue
        values[key] = converted
    return Config(**values), problems


class _Invalid:
    def __init__(self, reason: str):
        self.reason = reason


def _convert(key: str, value: Any) -> Any:
    default = getattr(Config(), key)
    if isinstance(default, MarkdownOptions):
        return _convert_table(MarkdownOptions, value)
    if isinstance(default, str):
        if not isinstance(value, str):
            return _Invalid(f"expected text, got {type(value).__name__}")
        if key == "as_of" and value and parse_moment(value) is None:
            return _Invalid("expected YYYY-MM-DD or YYYY-MM-DD HH:MM")
        if key == "base_url" and value and not value.startswith(("http://", "https://")):
            return _Invalid("expected an http(s) URL")
        if key == "base_url" and value and (problem := link_url_problem(value, ("http", "https"), relative=False)):
            return _Invalid(problem)
        if key == "mastodon_instance" and not _HOST.fullmatch(value):
            return _Invalid(f"{value[:60]!r} is not a host name such as mastodon.social")
        if key == "language" and not _LANGUAGE.fullmatch(value):
            return _Invalid(f"{value[:60]!r} is not a language tag such as en or pt-BR")
        if key == "base_url" and value and not value.endswith("/"):
            value += "/"
        return value
    if isinstance(default, bool) or isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool):
            return _Invalid(f"expected a whole number, got {type(value).__name__}")
        if key in _POSITIVE and value < 1:
            return _Invalid("must be 1 or more")
        if value < 0:
            return _Invalid("must not be negative")
        return value
    if key in ("support_links", "community_links"):
        if not isinstance(value, list) or not all(isinstance(v, dict) and set(v) == {"title", "url"} for v in value):
            return _Invalid('expected a list of tables with title and url: [[support_links]] title = "..." url = "..."')
        links = tuple(Link(str(v["title"]), str(v["url"])) for v in value)
        for link in links:
            if problem := link_url_problem(link.url):
                return _Invalid(f"url {problem}")
        return links
    if key == "tag_descriptions":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return _Invalid('expected a table of TAG = "description"')
        return dict(value)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _Invalid("expected a list of text values")
        if key == "share_targets" and (unknown := set(value) - set(SHARE_TARGETS)):
            return _Invalid(f"unknown share target(s) {sorted(unknown)}; known: {', '.join(SHARE_TARGETS)}")
        if key == "hashtags":
            value = [v.lstrip("#") for v in value]
        return tuple(value)
    return _Invalid("unsupported")


def _convert_table(kind: type[MarkdownOptions], value: Any) -> Any:
    """A table of true/false options (`[markdown]`), each key known and a boolean."""
    known = {option.name for option in fields(kind)}
    if not isinstance(value, dict):
        return _Invalid(f"expected a table [{', '.join(sorted(known))}]")
    for name, option in value.items():
        if name not in known:
            return _Invalid(f"unknown key {name!r} (known: {', '.join(sorted(known))})")
        if not isinstance(option, bool):
            return _Invalid(f"{name}: expected true or false, got {type(option).__name__}")
    return kind(**value)


def parse_moment(text: str, end_of_day: bool = False) -> str | None:
    """`2010-11-28` or `2010-11-28 14:00` -> `2010-11-28 14:00`; None unless it names a real minute.

    A bare date means its first minute, or its last with `end_of_day` (as `--as-of` reads it:
    "as of the 28th" includes what was released that day).
    """
    text = text.strip()
    if len(text) == len("2010-11-28"):
        text += " 23:59" if end_of_day else " 00:00"
    return text if is_valid_moment(text) else None


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
