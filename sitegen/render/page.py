"""Page: what every page renderer shares: the template environment, the chrome (header, sidebar,
footer) rendered once per folder depth, fingerprints of what pages depend on besides their data,
and the helpers that wrap a page's context in its template."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup, escape
from pygments.formatters import HtmlFormatter

from sitegen import urls
from sitegen.catalogue import CableEntry, Catalogue
from sitegen.config import Config
from sitegen.fingerprint import BUILTIN_TEMPLATES as BUILTIN_TEMPLATES
from sitegen.fingerprint import code_fingerprint as code_fingerprint
from sitegen.kinds import CHROME_CONFIG, CONFIG_BY_KIND, KINDS, TEMPLATE_BY_KIND
from sitegen.layout import SiteLayout
from sitegen.model import Problem
from sitegen.parse.tag_codes import TAG_CODES
from sitegen.plan import PagePlan
from sitegen.render.failures import TemplateFailed, template_problem
from sitegen.render.lexer import CableHeaderLexer
from sitegen.render.rows import CableRows
from sitegen.sources.pages import Document

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
    environment.filters["dates_whole"] = dates_whole
    return environment


_DATE_IN_TEXT = re.compile(r"\b[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?\b")


def dates_whole(text: str) -> Markup:
    """Text (escaped) with each date in it kept on one line: a browser breaks `2010-11-28`
    after a hyphen, and a heading would end in `2010-11-`."""
    return Markup(_DATE_IN_TEXT.sub(lambda found: f'<span class="date">{found.group()}</span>', str(escape(text))))


def root_of(url: str) -> str:
    """The relative path from a page back to the site's root: `cable/2006/09/X.html` -> `../../../`."""
    return "../" * url.count("/")


def iso(moment: str) -> str:
    return f"{moment[:10]}T{moment[11:16]}:00Z" if moment else ""


@dataclass(frozen=True)
class OutputParts:
    """What the output holds besides the pages, that pages point to: the static files (name ->
    fingerprinted URL), the URLs the sitemap lists, whether there is a search index. A build
    knows them before it renders a page; they travel to the renderer together."""

    assets: dict[str, str]
    sitemap_urls: list[str]
    search: bool = False


class PageBase:
    """The state of one build's renderer, and the helpers every kind of page uses."""

    def __init__(
        self,
        config: Config,
        catalogue: Catalogue,
        site_dir: Path,
        pages: list[Document],
        articles: list[Document],
        output: OutputParts,
    ):
        self.config = config
        self.catalogue = catalogue
        self.site_dir = site_dir
        self.pages = {document.slug: document for document in pages}
        self.articles = sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)
        self.articles_by_slug = {document.slug: document for document in articles}
        self.assets = output.assets
        self.sitemap_urls = output.sitemap_urls
        self.search = output.search
        self.environment = make_environment(SiteLayout.as_given(site_dir).templates)
        self.formatter = HtmlFormatter(nowrap=True)
        # Keep the header's leading and trailing newlines as written (Pygments strips and adds them by default).
        self.lexer = CableHeaderLexer(stripnl=False, ensurenl=False)
        self.explainer = self.pages.get(config.explainer)
        self.footer_pages = [d for slug, d in sorted(self.pages.items()) if slug != config.explainer]
        self._chrome_cache: dict[tuple[str, str | None], dict[str, Markup]] = {}
        self._templates: dict[str, tuple[str, list[str]]] = {}  # see _template
        self.environment.globals["cable_rows"] = CableRows(self.environment)

    def _template_closure(self, name: str, seen: set[str]) -> None:
        if name in seen:
            return
        seen.add(name)
        for referenced in self._template(name)[1]:
            self._template_closure(referenced, seen)

    def _template(self, name: str) -> tuple[str, list[str]]:
        """A template's source and the templates it names, read and parsed once a build: every
        kind's hash reads base.html and macros.html again, and Jinja's parser is slow (a fifth
        of a one-cable rebuild, parsing the same few templates twenty times)."""
        known = self._templates.get(name)
        if known is None:
            source, filename, _ = self._loader.get_source(self.environment, name)
            parsed = self.environment.parse(source, name, filename)
            known = self._templates[name] = (source, [r for r in jinja2.meta.find_referenced_templates(parsed) if r])
        return known

    @property
    def _loader(self) -> jinja2.BaseLoader:
        loader = self.environment.loader
        assert loader is not None, "the environment is made with a loader"
        return loader

    def _templates_hash(self, names: list[str], pages: str) -> str:
        """A hash of the templates `names` and those they include, extend or import. A syntax
        error in one fails the build here, naming the `pages` that read it."""
        seen: set[str] = set()
        try:
            for name in names:
                self._template_closure(name, seen)
        except jinja2.TemplateSyntaxError as error:
            problem = template_problem(error, self.site_dir, pages)
            assert problem is not None, "a syntax error names its template"
            raise TemplateFailed(problem) from None
        sources = [self._template(name)[0] for name in sorted(seen)]
        return hashlib.blake2b("\x1f".join(sorted(seen) + sources).encode(), digest_size=16).hexdigest()

    def fingerprints(self, kinds: list[str]) -> dict[str, str]:
        """Per page kind, a hash of everything but its data that its pages are made from: the
        code, its templates (with what they include), the config keys it reads, the shared chrome."""
        config = dataclasses.asdict(self.config)

        def config_part(keys: Iterable[str]) -> str:
            return json.dumps({key: config[key] for key in keys}, sort_keys=True, default=str)

        chrome = "\x1f".join(
            [
                self._templates_hash([f"{part}.html" for part in self.CHROME_PARTS], "read by every page"),
                json.dumps(self.assets, sort_keys=True),
                f"search={self.search}",
                config_part(CHROME_CONFIG),
                *(f"{d.slug}:{d.title}" for d in [self.explainer, *self.footer_pages] if d),
            ]
        )
        code = code_fingerprint()
        result = {}
        for kind in kinds:
            template = TEMPLATE_BY_KIND.get(kind)
            parts = [code, config_part(CONFIG_BY_KIND.get(kind, ()))]
            if template:
                parts += [chrome, self._templates_hash([template], f"read by the {kind} pages")]
            else:
                parts.append(config_part(CHROME_CONFIG))
            result[kind] = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
        return result

    CHROME_PARTS = ("head_links", "header", "sidebar", "footer")

    def _chrome(self, root: str, section: str | None) -> dict[str, Markup]:
        """The shared parts of every page, rendered once per distinct root (folder depth) and
        menu section (marked current in the header)."""
        chrome = self._chrome_cache.get((root, section))
        if chrome is None:
            context = {
                "config": self.config,
                "root": root,
                "section": section,
                "assets": self.assets,
                "explainer": self.explainer,
                "footer_pages": self.footer_pages,
                "search": self.search,
            }
            chrome = {
                part: Markup(self.environment.get_template(f"{part}.html").render(context))
                for part in self.CHROME_PARTS
            }
            self._chrome_cache[(root, section)] = chrome
        return chrome

    def _page_html(self, template: str, plan: PagePlan, **context: Any) -> bytes:
        root = context.pop("root", None) or root_of(plan.url)
        base: dict[str, Any] = {
            "config": self.config,
            "root": root,
            "chrome": self._chrome(root, self._section(plan)),
            "explainer": self.explainer,
            "canonical": urls.absolute(self.config, plan.url),
            "description": "",
            "extra_feeds": [],
            "title": "",
        }
        base.update(context)
        return self.environment.get_template(template).render(base).encode("utf-8", "surrogateescape")

    def _section(self, plan: PagePlan) -> str | None:
        """The menu item a page is under: its kind's, or the explainer's for the explainer page."""
        if plan.kind == "page" and plan.name == self.config.explainer:
            return "explainer"
        return KINDS[plan.kind].section

    def _one(self, plan: PagePlan, data: bytes, problems: list[Problem] | None = None) -> Rendered:
        return Rendered([(plan.url, data)], problems or [])

    def _entries(self, ids: Iterable[str]) -> list[CableEntry]:
        return [self.catalogue.cables[reference_id] for reference_id in ids]

    def _pager(self, plan: PagePlan) -> dict[str, Any]:
        """Links between the pages of one release day's listing; they sit side by side in one folder."""

        def page(number: int) -> str:
            return urls.listing_page("", number)

        return {
            "number": plan.number,
            "pages": plan.pages,
            "previous": page(plan.number - 1) if plan.number > 1 else None,
            "next": page(plan.number + 1) if plan.number < plan.pages else None,
        }

    def _tag_description(self, tag: str) -> str:
        """What a tag means: the site's own words (`[tag_descriptions]`), else the built-in ones."""
        return self.config.tag_descriptions.get(tag) or TAG_CODES.get(tag, "")

    def _link_for(self, reference_id: str, root: str) -> str | None:
        entry = self.catalogue.cables.get(reference_id)
        return root + entry.url if entry else None
