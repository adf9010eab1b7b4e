"""Document pages: markdown pages and articles (with links to the cables they name), the article
list and the search page."""

from __future__ import annotations

import json

from markupsafe import Markup

from sitegen.model import Problem
from sitegen.plan import PagePlan
from sitegen.render.markup import WITHHELD_TEXT, CableLinks, markdown_html
from sitegen.render.page import PageBase, Rendered, root_of
from sitegen.sources.pages import Document


class DocumentPages(PageBase):
    """Renders `page`, `article`, `articles` and `search` pages."""

    def _markdown(self, document: Document, plan: PagePlan) -> tuple[Markup, list[Problem]]:
        root = root_of(plan.url)
        links = CableLinks(lambda ref: self._link_for(ref, root), self.catalogue.withheld.__contains__)
        content = markdown_html(document.markdown, links, self.config.markdown.raw_html)
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

    def _id_shard(self, plan: PagePlan) -> Rendered:
        """`sitegenIds("TBILISI", {"06TBILISI619": "2006/09", ...});`, written by json.dumps, whose
        output is a valid script literal (reference IDs are checked to be letters, digits, hyphens)."""
        cables = self.catalogue.cables
        months = {
            ref: f"{cables[ref].created[:4]}/{cables[ref].created[5:7]}" for ref in self.catalogue.posts()[plan.name]
        }
        script = f"sitegenIds({json.dumps(plan.name)}, {json.dumps(months, separators=(',', ':'))});\n"
        return self._one(plan, script.encode("ascii"))

    def _search(self, plan: PagePlan) -> Rendered:
        return self._one(plan, self._page_html("search.html", plan, title="Search", chrome_assets=self.assets))
