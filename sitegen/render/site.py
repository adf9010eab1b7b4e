"""Render one planned page to bytes: builds each template's context from the catalogue, then fills it in.

A SiteRenderer is made once per worker process (templates compiled once) and then renders
any number of pages. It reads only the catalogue, the documents and, for a cable page, that
cable's own file.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import quote as quote_url
from xml.sax.saxutils import escape as xml_escape

import jinja2
import jinja2.meta
import orjson
from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter

from sitegen import plan as planning
from sitegen import urls
from sitegen.catalogue import OTHER_LETTER, CableEntry, Catalogue, Facet, index_letter, origin_letter
from sitegen.config import Config
from sitegen.model import Block, CableRecord, Problem, Reference
from sitegen.parse import parse_body
from sitegen.parse.tag_codes import TAG_CODES
from sitegen.plan import PagePlan, letters_used, listing_url
from sitegen.render.feeds import cable_feed
from sitegen.render.lexer import CableHeaderLexer
from sitegen.render.markup import WITHHELD_TEXT, CableLinks, body_html, markdown_html
from sitegen.sources.cablefile import read_cable_file
from sitegen.sources.pages import Document

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "theme" / "templates"
# Rows of cable lists kept per worker (about 0.5 KB each): every row of a 251,287-cable archive
# (rows are kept for every folder depth at once, see ROW_ROOT), and a bound at any size.
ROWS_KEPT = 300_000
# Stands for the page's root in a row rendered once for every folder depth it is shown at.
ROW_ROOT = "\x00root\x00"
# Roots the row template is tried with before ROW_ROOT is trusted: no root, a deep one, and a
# base URL holding characters that are escaped in HTML.
ROW_ROOT_PROBES = ("", "../../../", 'https://mirror.example/a&b="c"/')
# A subject's bytes that are not UTF-8 (held as surrogates) go into a share link as those bytes.
quote = functools.partial(quote_url, safe="", errors="surrogateescape")
SHARE_LABELS = {
    "twitter": "X / Twitter",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "facebook": "Facebook",
    "reddit": "Reddit",
}


# What templates read as `x.name`. Jinja tries an attribute before an item, so a dict costs a
# raised and caught AttributeError on every `{{ x.name }}`: dozens a cable page. `x["name"]`
# still works in a site's own templates (Jinja falls back from item to attribute).
View = SimpleNamespace


@dataclass
class Rendered:
    """What rendering one plan produced: files (path under output/, bytes) and any problems."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def make_environment(site_templates: Path | None) -> jinja2.Environment:
    """Templates from the site's own folder first, then the built-in theme. The built-in ones
    are also reachable as `theme/<name>`, so an override can include the template it replaces."""
    builtin = jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES))
    loaders: list[jinja2.BaseLoader] = []
    if site_templates is not None and site_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(site_templates)))
    loaders += [builtin, jinja2.PrefixLoader({"theme": builtin})]
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        # One environment serves one build, whose page keys hashed the templates at its start:
        # checking each template file's mtime on every page (three stats a page) buys nothing.
        auto_reload=False,
    )
    environment.filters["number"] = lambda value: f"{value:,}"
    return environment


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of sitegen's own source: a new version of the tool re-renders what it renders."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def root_of(url: str) -> str:
    """The relative path from a page back to the site's root: `cable/2006/09/X.html` -> `../../../`."""
    return "../" * url.count("/")


def iso(moment: str) -> str:
    return f"{moment[:10]}T{moment[11:16]}:00Z" if moment else ""


def _json_bytes(value) -> bytes:
    """Compact JSON. orjson is an order of magnitude faster than json for a cable's twin; a cable
    holding bytes that are not UTF-8 (surrogate escapes) falls back to json's \\u escapes."""
    try:
        return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(value, separators=(",", ":")) + "\n").encode("ascii")


class SiteRenderer:
    """Renders any PagePlan of one build."""

    def __init__(
        self,
        config: Config,
        catalogue: Catalogue,
        site_dir: Path,
        pages: list[Document],
        articles: list[Document],
        assets: dict[str, str],
        sitemap_urls: list[str],
        search: bool = False,
    ):
        self.config = config
        self.catalogue = catalogue
        self.site_dir = site_dir
        self.pages = {document.slug: document for document in pages}
        self.articles = sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)
        self.articles_by_slug = {document.slug: document for document in articles}
        self.assets = assets
        self.sitemap_urls = sitemap_urls
        self.search = search
        self.environment = make_environment(site_dir / "templates")
        self.formatter = HtmlFormatter(nowrap=True)
        # Keep the header's leading and trailing newlines as written (Pygments strips and adds them by default).
        self.lexer = CableHeaderLexer(stripnl=False, ensurenl=False)
        self.explainer = self.pages.get(config.explainer)
        self.footer_pages = [d for slug, d in sorted(self.pages.items()) if slug != config.explainer]
        self._chrome_cache: dict[str, dict[str, Markup]] = {}
        self._row_macro = None  # the cable_row macro, looked up on the first row rendered
        self._row_root_uses: dict[bool, int | None] = {}  # per show_release, see _cable_rows
        self._shared_rows: dict[bool, dict[str, str]] = {}  # per show_release: reference ID -> row with ROW_ROOT
        self._rows: dict[tuple[str, str, bool], str] = {}  # rows that cannot take ROW_ROOT, per root
        self._rows_kept = 0
        self.environment.globals["cable_rows"] = self._cable_rows
        self._renderers = {
            "home": self._home,
            "not-found": self._not_found,
            "robots": self._robots,
            "cable": self._cable,
            "origin-letter": self._origin_letter,
            "tag-letter": self._tag_letter,
            "origin": self._origin,
            "tag": self._tag,
            "classification": self._classification,
            "month": self._month,
            "release": self._release,
            "classification-index": self._classification_index,
            "date-index": self._date_index,
            "release-index": self._release_index,
            "releases-feed": self._releases_feed,
            "origin-feed": self._origin_feed,
            "tag-feed": self._tag_feed,
            "page": self._page,
            "articles": self._articles,
            "article": self._article,
            "sitemap": self._sitemap,
            "sitemap-index": self._sitemap_index,
            "search": self._search,
        }

    # -- what pages depend on besides their data: code, templates, config, chrome -----------

    def _template_closure(self, name: str, seen: set[str]) -> None:
        if name in seen:
            return
        seen.add(name)
        source, filename, _ = self._loader.get_source(self.environment, name)
        for referenced in jinja2.meta.find_referenced_templates(self.environment.parse(source, name, filename)):
            if referenced:
                self._template_closure(referenced, seen)

    @property
    def _loader(self) -> jinja2.BaseLoader:
        loader = self.environment.loader
        assert loader is not None, "the environment is made with a loader"
        return loader

    def _templates_hash(self, names: list[str]) -> str:
        seen: set[str] = set()
        for name in names:
            self._template_closure(name, seen)
        sources = [self._loader.get_source(self.environment, name)[0] for name in sorted(seen)]
        return hashlib.blake2b("\x1f".join(sorted(seen) + sources).encode(), digest_size=16).hexdigest()

    def fingerprints(self, kinds: list[str]) -> dict[str, str]:
        """Per page kind, a hash of everything but its data that its pages are made from: the
        code, its templates (with what they include), the config keys it reads, the shared chrome."""
        config = dataclasses.asdict(self.config)

        def config_part(keys) -> str:
            return json.dumps({key: config[key] for key in keys}, sort_keys=True, default=str)

        chrome = "\x1f".join(
            [
                self._templates_hash([f"{part}.html" for part in self.CHROME_PARTS]),
                json.dumps(self.assets, sort_keys=True),
                f"search={self.search}",
                config_part(planning.CHROME_CONFIG),
                *(f"{d.slug}:{d.title}" for d in [self.explainer, *self.footer_pages] if d),
            ]
        )
        code = code_fingerprint()
        result = {}
        for kind in kinds:
            template = planning.TEMPLATE_BY_KIND.get(kind)
            parts = [code, config_part(planning.CONFIG_BY_KIND.get(kind, ()))]
            if template:
                parts += [chrome, self._templates_hash([template])]
            else:
                parts.append(config_part(planning.CHROME_CONFIG))
            result[kind] = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
        return result

    # -- shared pieces -------------------------------------------------------------------

    def render(self, plan: PagePlan) -> Rendered:
        return self._renderers[plan.kind](plan)

    CHROME_PARTS = ("head_links", "header", "sidebar", "footer")

    def _chrome(self, root: str) -> dict[str, Markup]:
        """The shared parts of every page, rendered once per distinct root (folder depth)."""
        chrome = self._chrome_cache.get(root)
        if chrome is None:
            context = {
                "config": self.config,
                "root": root,
                "assets": self.assets,
                "explainer": self.explainer,
                "footer_pages": self.footer_pages,
                "search": self.search,
            }
            chrome = {
                part: Markup(self.environment.get_template(f"{part}.html").render(context))
                for part in self.CHROME_PARTS
            }
            self._chrome_cache[root] = chrome
        return chrome

    def _cable_rows(self, cables: list[CableEntry], root: str, show_release: bool = False) -> Markup:
        """The rows of a cable list (the `cable_row` macro), each rendered once: a cable is in a
        dozen lists, and a release re-renders most list pages, of cables that did not change.
        A row is rendered with ROW_ROOT for its root and the page's root put in after, so that
        one row serves lists at every folder depth, when the row template is found to show its
        root only as `{{ root }}` does (else, or for a row that happens to hold ROW_ROOT's text,
        a row is rendered once per depth). The rows kept are bounded so that a worker's memory
        stays bounded at any archive size."""
        if self._row_macro is None:
            self._row_macro = self.environment.get_template("macros.html").module.cable_row  # type: ignore[attr-defined]
        if show_release not in self._row_root_uses and cables:
            self._row_root_uses[show_release] = self._root_uses(cables[0], show_release)
        shared = self._shared_rows.setdefault(show_release, {})
        found = [shared.get(cable.reference_id) for cable in cables]
        own = self._fill_rows(found, cables, root, show_release) if None in found else set()
        rows = cast(list[str], found)  # every place filled now
        root_html = str(escape(root))
        if any(ROW_ROOT in rows[i] for i in own):  # a row shown as written holds ROW_ROOT's text
            html = "".join(row if i in own else row.replace(ROW_ROOT, root_html) for i, row in enumerate(rows))
        else:
            html = "".join(rows).replace(ROW_ROOT, root_html)
        return Markup(html)

    def _fill_rows(self, found: list[str | None], cables: list[CableEntry], root: str, show_release: bool) -> set[int]:
        """Render and keep the rows `found` lacks (None). Returns the places of those rendered
        for this root alone, which must not have ROW_ROOT put in."""
        macro, uses = self._row_macro, self._row_root_uses[show_release]
        assert macro is not None, "rows() loads the macro first"
        shared = self._shared_rows[show_release]
        own: set[int] = set()
        for place, cable in enumerate(cables):
            if found[place] is not None:
                continue
            if self._rows_kept >= ROWS_KEPT:
                self._rows.clear()
                for rows in self._shared_rows.values():
                    rows.clear()
                self._rows_kept = 0
            key = (cable.reference_id, root, show_release)
            row = self._rows.get(key)
            if row is None:
                self._rows_kept += 1
                if uses is not None:
                    row = str(macro(cable, ROW_ROOT, show_release))
                    if row.count(ROW_ROOT) == uses:
                        found[place] = shared[cable.reference_id] = row
                        continue
                row = self._rows[key] = str(macro(cable, root, show_release))
            found[place] = row
            own.add(place)
        return own

    def _root_uses(self, cable: CableEntry, show_release: bool) -> int | None:
        """How many times a row shows its root, if the row template shows it as `{{ root }}`
        does and nothing else (a row rendered with ROW_ROOT, the root put in after, equals the
        row rendered with the root, for every probe); None if it does not."""
        macro = self._row_macro
        assert macro is not None, "rows() loads the macro first"
        template = str(macro(cable, ROW_ROOT, show_release))
        for root in ROW_ROOT_PROBES:
            if template.replace(ROW_ROOT, str(escape(root))) != str(macro(cable, root, show_release)):
                return None
        return template.count(ROW_ROOT)

    def _page_html(self, template: str, plan: PagePlan, **context) -> bytes:
        root = context.pop("root", None) or root_of(plan.url)
        base: dict[str, Any] = {
            "config": self.config,
            "root": root,
            "chrome": self._chrome(root),
            "explainer": self.explainer,
            "canonical": self.config.base_url + plan.url if self.config.base_url else "",
            "description": "",
            "extra_feeds": [],
            "title": "",
        }
        base.update(context)
        return self.environment.get_template(template).render(base).encode("utf-8", "surrogateescape")

    def _one(self, plan: PagePlan, data: bytes, problems: list[Problem] | None = None) -> Rendered:
        return Rendered([(plan.url, data)], problems or [])

    def _entries(self, ids) -> list[CableEntry]:
        return [self.catalogue.cables[reference_id] for reference_id in ids]

    def _pager(self, plan: PagePlan) -> dict:
        """Links between the pages of one listing; they sit side by side in one folder."""
        return {
            "number": plan.number,
            "pages": plan.pages,
            "previous": listing_url("", plan.number - 1) if plan.number > 1 else None,
            "next": listing_url("", plan.number + 1) if plan.number < plan.pages else None,
        }

    def _page_of(self, facet: Facet, plan: PagePlan) -> list[CableEntry]:
        size = self.config.page_size
        start = (plan.number - 1) * size
        return self._entries(facet.reference_ids[start : start + size])

    # -- the home page and the small files -----------------------------------------------

    def _home(self, plan: PagePlan) -> Rendered:
        latest = None
        if self.catalogue.releases:
            day, facet = next(iter(self.catalogue.releases.items()))
            shown = facet.reference_ids[: self.config.latest_release_size]
            latest = {
                "day": day,
                "count": len(facet.reference_ids),
                "cables": self._entries(shown),
                "more": len(shown) < len(facet.reference_ids),
                "url": urls.listing_page(urls.release_folder(day), 1),
            }
        return self._one(
            plan,
            self._page_html(
                "home.html",
                plan,
                title="Home",
                description=self.config.tagline,
                released=self.catalogue.released_count,
                total=self.catalogue.total,
                latest=latest,
            ),
        )

    def _not_found(self, plan: PagePlan) -> Rendered:
        # A host serves this page at any missing address, so relative links could point
        # anywhere: with a base URL, link from the site's root instead.
        root = self.config.base_url or ""
        return self._one(
            plan, self._page_html("404.html", plan, root=root or None, title="Page not found", canonical="")
        )

    def _robots(self, plan: PagePlan) -> Rendered:
        lines = ["User-agent: *", "Allow: /"]
        if self.config.base_url:
            lines.append(f"Sitemap: {self.config.base_url}sitemap.xml")
        return self._one(plan, ("\n".join(lines) + "\n").encode())

    # -- the cable page and its JSON twin ------------------------------------------------

    def _cable(self, plan: PagePlan) -> Rendered:
        entry = self.catalogue.cables[plan.name]
        record = read_cable_file(os.path.join(self.site_dir, entry.source), entry.source)
        if isinstance(record, Problem):
            return Rendered([], [record])
        blocks, text_references = parse_body(record)
        html = self._cable_html(plan, entry, record, blocks, text_references)
        json_url = urls.cable_twin(plan.url)
        return Rendered([(plan.url, html), (json_url, _json_bytes(self._cable_json(entry, record, blocks)))])

    def _link_for(self, reference_id: str, root: str) -> str | None:
        entry = self.catalogue.cables.get(reference_id)
        return root + entry.url if entry else None

    def _cable_html(
        self,
        plan: PagePlan,
        entry: CableEntry,
        record: CableRecord,
        blocks: tuple[Block, ...],
        text_references: tuple[Reference, ...],
    ) -> bytes:
        root = root_of(plan.url)
        catalogue = self.catalogue
        older, newer = catalogue.neighbours(entry)
        references = [
            View(reference_id=ref, url=catalogue.cables[ref].url if ref in catalogue.cables else None)
            for ref in catalogue.visible_references(entry)
        ]
        tags = [
            View(
                name=tag,
                url=urls.listing_page(urls.facet_folder("tag", catalogue.tags[tag].slug), 1),
                description=self._tag_description(tag),
            )
            for tag in entry.tags
        ]
        header = Markup(self._highlight_header(record.header)) if record.header else ""
        return self._page_html(
            "cable.html",
            plan,
            title=f"{entry.reference_id}: {entry.subject or '(no subject)'}",
            description=entry.summary or entry.subject,
            og_type="article",
            cable=View(
                reference_id=entry.reference_id,
                subject=entry.subject,
                created=entry.created,
                created_iso=iso(entry.created),
                released=entry.released,
                released_iso=iso(entry.released),
                classification=entry.classification,
                origin=entry.origin,
            ),
            month_url=urls.listing_page(urls.month_folder(entry.created), 1),
            release_url=urls.listing_page(urls.release_folder(entry.release_day), 1),
            classification_url=urls.listing_page(
                urls.facet_folder("classification", catalogue.classifications[entry.classification].slug), 1
            ),
            origin_url=urls.listing_page(urls.facet_folder("origin", catalogue.origins[entry.origin].slug), 1),
            tags=tags,
            references=references,
            header=header,
            body=body_html(blocks, text_references, lambda ref: self._link_for(ref, root)),
            backlinks=self._entries(catalogue.backlinks.get(entry.reference_id, ())),
            shares=self._shares(entry, plan.url),
            hashtags=[*self.config.hashtags, entry.reference_id],
            older=catalogue.cables[older] if older else None,
            newer=catalogue.cables[newer] if newer else None,
            json_name=urls.cable_twin(plan.url).rsplit("/", 1)[-1],
            extra_feeds=[
                View(
                    title=f"Cables from {entry.origin}",
                    url=urls.facet_feed("origin", catalogue.origins[entry.origin].slug),
                )
            ],
        )

    def _highlight_header(self, header: str) -> str:
        """The routing header as highlighted HTML showing exactly its text: Pygments' HTML
        formatter ends the last line with a newline the header may not have."""
        html = highlight(header, self.lexer, self.formatter)
        return html[:-1] if html.endswith("\n") and not header.endswith("\n") else html

    def _shares(self, entry: CableEntry, url: str) -> list[View]:
        """Share links carrying the hashtags, the cable's ID and (with a base URL) the page's URL."""
        page_url = self.config.base_url + url if self.config.base_url else ""
        hashtags = [*self.config.hashtags, entry.reference_id]
        tag_text = " ".join(f"#{tag}" for tag in hashtags)
        text = f"{entry.reference_id}: {entry.subject}" if entry.subject else entry.reference_id
        full = " ".join(part for part in (text, page_url, tag_text) if part)
        q_text, q_full, q_url = quote(text), quote(full), quote(page_url)
        with_url = f"&url={q_url}" if page_url else ""
        targets = {
            "twitter": f"https://twitter.com/intent/tweet?text={q_text}{with_url}&hashtags={quote(','.join(hashtags))}",
            "mastodon": f"https://{self.config.mastodon_instance}/share?text={q_full}",
            "bluesky": f"https://bsky.app/intent/compose?text={q_full}",
            "facebook": f"https://www.facebook.com/sharer/sharer.php?u={q_url or q_full}&quote={q_full}&hashtag={quote('#' + hashtags[0])}",
            "reddit": f"https://www.reddit.com/submit?title={quote(text + ' ' + tag_text)}{with_url}",
        }
        return [View(key=key, label=SHARE_LABELS[key], href=targets[key]) for key in self.config.share_targets]

    def _cable_json(self, entry: CableEntry, record: CableRecord, blocks: tuple[Block, ...]) -> dict:
        return {
            "reference_id": entry.reference_id,
            "created": iso(entry.created),
            "released": iso(entry.released),
            "classification": entry.classification,
            "origin": entry.origin,
            "subject": entry.subject,
            "tags": list(entry.tags),
            "references": list(self.catalogue.visible_references(entry)),
            "references_raw": self.catalogue.visible_references_raw(entry),
            "summary": entry.summary,
            "eo": entry.eo,
            "paragraphs": [
                {"n": b.n, "id": b.id, "number": b.number, "marking": b.marking, "text": b.text}
                for b in blocks
                if b.kind == "par"
            ],
            "header": record.header,
            "body": record.body,
        }

    # -- index pages ---------------------------------------------------------------------

    def _letters(self, plan: PagePlan, facets: dict[str, Facet], letter_of, kind: str, noun: str) -> Rendered:
        filed = self.catalogue.letters(facets, letter_of)
        letters = [
            View(letter=letter, label="#" if letter == OTHER_LETTER else letter, count=len(filed.get(letter, [])))
            for letter in letters_used(facets, letter_of)
        ]
        current = plan.name
        items = [
            View(
                name=facet.name,
                url=urls.listing_page(urls.facet_folder(kind, facet.slug), 1),
                count=len(facet.reference_ids),
                description=self._tag_description(facet.name) if kind == "tag" else "",
            )
            for facet in filed.get(current, [])
        ]
        label = "#" if current == OTHER_LETTER else current
        return self._one(
            plan,
            self._page_html(
                "letters.html",
                plan,
                title=f"{noun} A-Z: {label}",
                letters=letters,
                current=current,
                current_label=label,
                facets=items,
                letter_prefix=f"{kind}/",
            ),
        )

    def _origin_letter(self, plan: PagePlan) -> Rendered:
        return self._letters(plan, self.catalogue.origins, origin_letter, "origin", "Origins")

    def _tag_letter(self, plan: PagePlan) -> Rendered:
        return self._letters(plan, self.catalogue.tags, index_letter, "tag", "Tags")

    def _listing(self, plan: PagePlan, facet: Facet, heading: str, **extra) -> Rendered:
        title = heading if plan.number == 1 else f"{heading} (page {plan.number})"
        context = {
            "title": title,
            "heading": title,
            "count": len(facet.reference_ids),
            "cables": self._page_of(facet, plan),
            "pager": self._pager(plan),
            "show_release": False,
            "feed_url": "",
            "description_line": "",
        }
        context.update(extra)
        return self._one(plan, self._page_html("listing.html", plan, **context))

    def _origin(self, plan: PagePlan) -> Rendered:
        facet = self.catalogue.origins[plan.name]
        feed = urls.facet_feed("origin", facet.slug)
        return self._listing(
            plan,
            facet,
            f"Cables from {facet.name}",
            feed_url=feed,
            extra_feeds=[View(title=f"Cables from {facet.name}", url=feed)],
        )

    def _tag(self, plan: PagePlan) -> Rendered:
        facet = self.catalogue.tags[plan.name]
        feed = urls.facet_feed("tag", facet.slug)
        description = self._tag_description(facet.name)
        return self._listing(
            plan,
            facet,
            f"Cables tagged {facet.name}",
            feed_url=feed,
            description_line=description,
            description=description,
            extra_feeds=[View(title=f"Cables tagged {facet.name}", url=feed)],
        )

    def _classification(self, plan: PagePlan) -> Rendered:
        facet = self.catalogue.classifications[plan.name]
        return self._listing(plan, facet, f"Cables classified {facet.name}")

    def _month(self, plan: PagePlan) -> Rendered:
        facet = self.catalogue.months[plan.name]
        moment = datetime.strptime(facet.name, "%Y-%m")
        return self._listing(plan, facet, f"Cables created in {moment:%B %Y}")

    def _release(self, plan: PagePlan) -> Rendered:
        facet = self.catalogue.releases[plan.name]
        return self._listing(plan, facet, f"Cables released on {facet.name}", show_release=False)

    def _groups(self, plan: PagePlan, title: str, groups: list[dict]) -> Rendered:
        return self._one(plan, self._page_html("groups.html", plan, title=title, groups=groups))

    def _classification_index(self, plan: PagePlan) -> Rendered:
        items = [
            {
                "name": facet.name,
                "url": urls.listing_page(urls.facet_folder("classification", facet.slug), 1),
                "count": len(facet.reference_ids),
            }
            for facet in self.catalogue.classifications.values()
        ]
        return self._groups(
            plan,
            "Cables by classification",
            [{"name": "Classifications", "url": "", "count": None, "children": items}] if items else [],
        )

    def _date_index(self, plan: PagePlan) -> Rendered:
        years: dict[str, list[dict]] = {}
        for month, facet in sorted(self.catalogue.months.items()):
            moment = datetime.strptime(month, "%Y-%m")
            years.setdefault(month[:4], []).append(
                {
                    "name": f"{moment:%B}",
                    "url": urls.listing_page(urls.month_folder(month), 1),
                    "count": len(facet.reference_ids),
                }
            )
        groups = [
            {"name": year, "url": "", "count": sum(m["count"] for m in months), "children": months}
            for year, months in sorted(years.items(), reverse=True)
        ]
        return self._groups(plan, "Cables by creation date", groups)

    def _release_index(self, plan: PagePlan) -> Rendered:
        groups = [
            {
                "name": day,
                "url": urls.listing_page(urls.release_folder(day), 1),
                "count": len(facet.reference_ids),
                "children": [],
            }
            for day, facet in self.catalogue.releases.items()
        ]
        return self._groups(plan, "Releases, latest first", groups)

    def _tag_description(self, tag: str) -> str:
        """What a tag means: the site's own words (`[tag_descriptions]`), else the built-in ones."""
        return self.config.tag_descriptions.get(tag) or TAG_CODES.get(tag, "")

    # -- feeds ---------------------------------------------------------------------------

    def _releases_feed(self, plan: PagePlan) -> Rendered:
        entries = self._entries(self.catalogue.feed())
        title = f"{self.config.title}: latest releases"
        rss = cable_feed(self.config, entries, title, plan.url, "rss")
        atom = cable_feed(self.config, entries, title, urls.RELEASES_ATOM, "atom")
        return Rendered([(plan.url, rss), (urls.RELEASES_ATOM, atom)])

    def _origin_feed(self, plan: PagePlan) -> Rendered:
        facet = self.catalogue.origins[plan.name]
        entries = self._entries(self.catalogue.feed("origin", facet.name))
        return self._one(
            plan, cable_feed(self.config, entries, f"{self.config.title}: cables from {facet.name}", plan.url, "rss")
        )

    def _tag_feed(self, plan: PagePlan) -> Rendered:
        facet = self.catalogue.tags[plan.name]
        entries = self._entries(self.catalogue.feed("tag", facet.name))
        return self._one(
            plan, cable_feed(self.config, entries, f"{self.config.title}: cables tagged {facet.name}", plan.url, "rss")
        )

    # -- pages and articles ----------------------------------------------------------------

    def _markdown(self, document: Document, plan: PagePlan) -> tuple[Markup, list[Problem]]:
        root = root_of(plan.url)
        links = CableLinks(lambda ref: self._link_for(ref, root), self.catalogue.withheld.__contains__)
        content = markdown_html(document.markdown, links)
        problems = [
            Problem(
                document.source,
                document.body_line,
                f"mentions {ref}, which is not released as of {self.catalogue.as_of}: shown as {WITHHELD_TEXT}",
                "warning",
            )
            for ref in dict.fromkeys(links.mentions)
            if ref in self.catalogue.withheld
        ]
        return content, problems

    def _page(self, plan: PagePlan) -> Rendered:
        document = self.pages[plan.name]
        content, problems = self._markdown(document, plan)
        html = self._page_html(
            "page.html", plan, title=document.title, description=document.summary, content=content, date=""
        )
        return self._one(plan, html, problems)

    def _article(self, plan: PagePlan) -> Rendered:
        document = self.articles_by_slug[plan.name]
        content, problems = self._markdown(document, plan)
        html = self._page_html(
            "page.html",
            plan,
            title=document.title,
            description=document.summary,
            content=content,
            date=document.date,
            og_type="article",
        )
        return self._one(plan, html, problems)

    def _articles(self, plan: PagePlan) -> Rendered:
        return self._one(plan, self._page_html("articles.html", plan, title="Articles", articles=self.articles))

    def _search(self, plan: PagePlan) -> Rendered:
        return self._one(plan, self._page_html("search.html", plan, title="Search", chrome_assets=self.assets))

    # -- sitemaps --------------------------------------------------------------------------

    def _loc(self, url: str) -> str:
        return self.config.base_url + url if self.config.base_url else url

    def _sitemap(self, plan: PagePlan) -> Rendered:
        limit = planning.SITEMAP_LIMIT
        urls = self.sitemap_urls[(plan.number - 1) * limit : plan.number * limit]
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        lines += [f"<url><loc>{xml_escape(self._loc(url))}</loc></url>" for url in urls]
        lines.append("</urlset>")
        return self._one(plan, ("\n".join(lines) + "\n").encode())

    def _sitemap_index(self, plan: PagePlan) -> Rendered:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        lines += [
            f"<sitemap><loc>{xml_escape(self._loc(f'sitemap-{n}.xml'))}</loc></sitemap>"
            for n in range(1, plan.pages + 1)
        ]
        lines.append("</sitemapindex>")
        return self._one(plan, ("\n".join(lines) + "\n").encode())
