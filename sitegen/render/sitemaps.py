"""Sitemaps: sitemap.xml, split into an index and parts past the protocol's 50,000 URLs."""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

from sitegen import plan as planning
from sitegen import urls
from sitegen.plan import PagePlan
from sitegen.render.page import PageBase, Rendered


class SitemapPages(PageBase):
    """Renders `sitemap` and `sitemap-index` pages."""

    def _loc(self, url: str) -> str:
        return urls.absolute(self.config, url) or url

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
            f"<sitemap><loc>{xml_escape(self._loc(urls.sitemap_part(n)))}</loc></sitemap>"
            for n in range(1, plan.pages + 1)
        ]
        lines.append("</sitemapindex>")
        return self._one(plan, ("\n".join(lines) + "\n").encode())
