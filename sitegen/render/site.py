"""Site renderer: a planned page -> its bytes, by the renderer of its kind.

A SiteRenderer is made once per build (templates compiled once), shared by the forked
workers, and renders any number of pages. It reads only the catalogue, the documents and, for a
cable page, that cable's own file. Each family of pages is rendered by a module of its own:
cable.py, indexes.py, documents.py, feeds.py, sitemaps.py; page.py holds what they share and
rows.py the rows of cable lists.
"""

from __future__ import annotations

from pathlib import Path

from sitegen.catalogue import Catalogue
from sitegen.config import Config
from sitegen.plan import PagePlan
from sitegen.render.cable import CablePages
from sitegen.render.documents import DocumentPages
from sitegen.render.feeds import FeedPages
from sitegen.render.indexes import IndexPages
from sitegen.render.page import BUILTIN_TEMPLATES, PageBase, Rendered, View, code_fingerprint, iso, root_of
from sitegen.render.rows import CableRows
from sitegen.render.sitemaps import SitemapPages
from sitegen.sources.pages import Document

__all__ = ["BUILTIN_TEMPLATES", "Rendered", "SiteRenderer", "View", "code_fingerprint", "iso", "root_of"]


class SiteRenderer(CablePages, IndexPages, DocumentPages, FeedPages, SitemapPages, CableRows, PageBase):
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
        super().__init__(config, catalogue, site_dir, pages, articles, assets, sitemap_urls, search)
        self.environment.globals["cable_rows"] = self._cable_rows
        self._renderers = {
            "home": self._home,
            "not-found": self._not_found,
            "robots": self._robots,
            "cable": self._cable,
            "origin-index": self._origin_index,
            "tag-index": self._tag_index,
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

    def render(self, plan: PagePlan) -> Rendered:
        return self._renderers[plan.kind](plan)
