"""Site renderer: a planned page -> its bytes, by the renderer its kind names (kinds.py).

A SiteRenderer is made once per build (templates compiled once), shared by the forked
workers, and renders any number of pages. It reads only the catalogue, the documents and, for a
cable page, that cable's own file. Each family of pages is rendered by a module of its own:
cable.py, indexes.py, documents.py, feeds.py, sitemaps.py; page.py holds what they share and
rows.py the rows of cable lists.
"""

from __future__ import annotations

from collections.abc import Callable

from sitegen.kinds import kind_of
from sitegen.plan import PagePlan
from sitegen.render.cable import CablePages
from sitegen.render.documents import DocumentPages
from sitegen.render.failures import TemplateFailed, template_problem
from sitegen.render.feeds import FeedPages
from sitegen.render.indexes import IndexPages
from sitegen.render.page import BUILTIN_TEMPLATES, OutputParts, PageBase, Rendered, View, code_fingerprint, iso, root_of
from sitegen.render.sitemaps import SitemapPages
from sitegen.render.versions import VersionPages

__all__ = ["BUILTIN_TEMPLATES", "OutputParts", "Rendered", "SiteRenderer", "View", "code_fingerprint", "iso", "root_of"]


class SiteRenderer(VersionPages, CablePages, IndexPages, DocumentPages, FeedPages, SitemapPages, PageBase):
    """Renders any PagePlan of one build."""

    def render(self, plan: PagePlan) -> Rendered:
        """The page's files; raises TemplateFailed, naming the page, when a template fails."""
        renderer: Callable[[PagePlan], Rendered] = getattr(self, kind_of(plan.kind).renderer)
        try:
            return renderer(plan)
        except Exception as error:
            problem = template_problem(error, self.site_dir, f"rendering {plan.url}")
            if problem is None:
                raise
            raise TemplateFailed(problem) from None
