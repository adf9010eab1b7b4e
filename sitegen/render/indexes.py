"""Index pages: the home page, listings of an origin, tag, classification, month or release, the
letters and the indexes of classifications, months and releases; the 404 page and robots.txt."""

from __future__ import annotations

from datetime import datetime

from sitegen import urls
from sitegen.catalogue import OTHER_LETTER, Facet, index_letter, origin_letter
from sitegen.plan import PagePlan, letters_used
from sitegen.render.page import PageBase, Rendered, View


class IndexPages(PageBase):
    """Renders the home page and every index and listing."""

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

    def _letter_index(self, plan: PagePlan, facets: dict[str, Facet], letter_of, kind: str, noun: str) -> Rendered:
        filed = self.catalogue.letters(facets, letter_of)
        letters = [
            View(letter=letter, label="#" if letter == OTHER_LETTER else letter, count=len(filed.get(letter, [])))
            for letter in letters_used(facets, letter_of)
        ]
        return self._one(
            plan,
            self._page_html(
                "letter-index.html",
                plan,
                title=f"{noun} A-Z",
                letters=letters,
                noun=noun.lower(),
                total=len(facets),
                letter_prefix=f"{kind}/",
            ),
        )

    def _origin_index(self, plan: PagePlan) -> Rendered:
        return self._letter_index(plan, self.catalogue.origins, origin_letter, "origin", "Origins")

    def _tag_index(self, plan: PagePlan) -> Rendered:
        return self._letter_index(plan, self.catalogue.tags, index_letter, "tag", "Tags")

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
