"""Site renderer: a planned page -> its bytes, by the renderer of its kind.

A SiteRenderer is made once per build (templates compiled once), shared by the forked
workers, and renders any number of pages. It reads only the catalogue, the documents and, for a
cable page, that cable's own file. Each family of pages is rendered by a module of its own:
cable.py, indexes.py, documents.py, feeds.py, sitemaps.py; page.py holds what they share and
rows.py the rows of cable lists.
"""

from __future__ import annotations

from collections.abc import Callable

from sitegen.plan import PagePlan
from sitegen.render.cable import CablePages
from sitegen.render.documents import DocumentPages
from sitegen.render.failures import TemplateFailed, template_problem
from sitegen.render.feeds import FeedPages
from sitegen.render.indexes import IndexPages
from sitegen.render.page import BUILTIN_TEMPLATES, PageBase, Rendered, View, code_fingerprint, iso, root_of
from sitegen.render.sitemaps import SitemapPages

__all__ = ["BUILTIN_TEMPLATES", "Rendered", "SiteRenderer", "View", "code_fingerprint", "iso", "root_of"]


class SiteRenderer(CablePages, IndexPages, DocumentPages, FeedPages, SitemapPages, PageBase):
    """Renders any PagePlan of one build."""

    # Each kind of page and the method that renders it (kinds.py lists the kinds).
    RENDERERS = {
        "home": "_home",
        "not-found": "_not_found",
        "robots": "_robots",
        "cable": "_cable",
        "origin-index": "_origin_index",
        "tag-index": "_tag_index",
        "origin-letter": "_origin_letter",
        "tag-letter": "_tag_letter",
        "origin": "_origin",
        "origin-month": "_origin_month",
        "tag": "_tag",
        "tag-month": "_tag_month",
        "classification": "_classification",
        "classification-month": "_classification_month",
        "month": "_month",
        "release": "_release",
        "classification-index": "_classification_index",
        "date-index": "_date_index",
        "release-index": "_release_index",
        "releases-feed": "_releases_feed",
        "origin-feed": "_origin_feed",
        "tag-feed": "_tag_feed",
        "id-shard": "_id_shard",
        "page": "_page",
        "articles": "_articles",
        "article": "_article",
        "sitemap": "_sitemap",
        "sitemap-index": "_sitemap_index",
        "search": "_search",
    }

    def render(self, plan: PagePlan) -> Rendered:
        """The page's files; raises TemplateFailed, naming the page, when a template fails."""
        renderer: Callable[[PagePlan], Rendered] = getattr(self, self.RENDERERS[plan.kind])
        try:
            return renderer(plan)
        except Exception as error:
            problem = template_problem(error, self.site_dir, f"rendering {plan.url}")
            if problem is None:
                raise
            raise TemplateFailed(problem) from None
