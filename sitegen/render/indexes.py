"""Index pages: the home page, listings of an origin, tag, classification, month or release, the
letters and the indexes of classifications, months and releases; the 404 page and robots.txt."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sitegen import urls
from sitegen.catalogue import CableEntry, sensitivity
from sitegen.catalogue_versions import release_days, release_facet
from sitegen.facets import OTHER_LETTER, Facet
from sitegen.kinds import FAMILIES, NEWEST_SHOWN, kind_of
from sitegen.plan import LETTER_OF, PagePlan, has_months, letters_used, listed
from sitegen.render.buckets import BucketPages
from sitegen.render.history import release_changes
from sitegen.render.page import Rendered, View


class IndexPages(BucketPages):
    """Renders the home page and every index and listing (a listing's months and days: BucketPages)."""

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
        # A host serves this page at any missing address, at any depth, and a mirror at any
        # path: its links are relative to the site's root, which a script finds in the address
        # (404.html) and sets as the page's base; never base_url, which is the original host.
        return self._one(
            plan,
            self._page_html(
                "404.html", plan, title="Page not found", canonical="", page_folders=list(urls.PAGE_FOLDERS)
            ),
        )

    def _robots(self, plan: PagePlan) -> Rendered:
        lines = ["User-agent: *", "Allow: /"]
        if sitemap := urls.absolute(self.config, urls.SITEMAP):
            lines.append(f"Sitemap: {sitemap}")
        return self._one(plan, ("\n".join(lines) + "\n").encode())

    def _lettered(self, plan: PagePlan) -> tuple[str, Mapping[str, Facet], Callable[[str], str], str]:
        """The family of a letter page or an A-Z index: its kind, facets, letter rule and plural."""
        family = FAMILIES[kind_of(plan.kind).family or ""]
        return family.kind, self.catalogue.indexes()[family.kind], LETTER_OF[family.kind], family.section.capitalize()

    def _letters(self, plan: PagePlan) -> Rendered:
        kind, facets, letter_of, noun = self._lettered(plan)
        filed = self.catalogue.letters(facets, letter_of)
        letters = [
            View(letter=letter, label="#" if letter == OTHER_LETTER else letter, count=len(filed.get(letter, [])))
            for letter in letters_used(facets, letter_of)
        ]
        current = plan.name
        items = [
            View(
                name=facet.label,
                url=urls.facet_index(kind, facet.slug),
                count=len(facet.reference_ids),
                description=self._tag_description(facet.name) if FAMILIES[kind].described else "",
            )
            for facet in map(facets.__getitem__, filed.get(current, []))
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

    def _letter_index(self, plan: PagePlan) -> Rendered:
        kind, facets, letter_of, noun = self._lettered(plan)
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

    # -- a facet's overview: its count, its months as a chart and a table, its newest cables ----

    def _overview(self, plan: PagePlan, heading: str, count: int, months: list[tuple[str, int]], folder: str,
                  newest: list[str], **extra: Any) -> Rendered:  # fmt: skip
        context = {
            "title": heading,
            "heading": heading,
            "count": count,
            "chart": month_chart(months, folder),
            "newest": self._entries(newest),
            "every": [],
            "own_column": "",
            "feed_url": "",
            "description_line": "",
        }
        context.update(extra)
        return self._one(plan, self._page_html("facet.html", plan, **context))

    def _facet_overview(self, plan: PagePlan) -> Rendered:
        kind, facet, heading, extra = self._family_page(plan)
        shown = list(listed(plan, facet, self.config.page_size))
        if not has_months(kind, facet, self.config.page_size):  # a small facet: all its cables, no months
            return self._overview(plan, heading, len(shown), [], "", [], every=self._entries(shown), **extra)
        folder = urls.facet_folder(kind, facet.slug)
        return self._overview(plan, heading, len(facet.reference_ids), list(facet.by_month), folder, shown, **extra)

    def _date_index(self, plan: PagePlan) -> Rendered:
        months = sorted(((month, len(f.reference_ids)) for month, f in self.catalogue.months.items()), reverse=True)
        return self._overview(
            plan,
            "Cables by creation date",
            self.catalogue.released_count,
            months,
            urls.DATE_FOLDER,
            self.catalogue.newest(NEWEST_SHOWN),
        )

    # -- a release day's listing (a facet's months and days: render/buckets.py) -----------------

    def _listing(self, plan: PagePlan, cables: list[CableEntry], count: int, heading: str, **extra: Any) -> Rendered:
        title = heading if plan.number == 1 else f"{heading} (page {plan.number})"
        context = {
            "title": title,
            "heading": title,
            "count": count,
            "cables": cables,
            "pager": self._pager(plan),
            "show_release": False,
            "own_column": "",
            "feed_url": "",
            "description_line": "",
            "crumbs": [],
            "previous": None,
            "next": None,
            "steps": "",
        }
        context.update(extra)
        return self._one(plan, self._page_html("listing.html", plan, **context))

    def _release(self, plan: PagePlan) -> Rendered:
        facet = release_facet(self.catalogue, plan.name)
        cables = self._entries(listed(plan, facet, self.config.page_size))
        crumbs = [View(url=urls.RELEASE_INDEX, label="Every release day")]
        changes = release_changes(self.catalogue, facet.name) if plan.number == 1 else None
        return self._listing(
            plan,
            cables,
            len(facet.reference_ids),
            f"Cables released on {facet.name}",
            crumbs=crumbs,
            release_changes=changes,
        )

    # -- tables of counts: classifications by sensitivity, release days latest first ----------

    def _classification_index(self, plan: PagePlan) -> Rendered:
        facets = sorted(self.catalogue.classifications.values(), key=lambda facet: sensitivity(facet.name))
        rows = [
            View(
                name=facet.name,
                url=urls.facet_index("classification", facet.slug),
                count=len(facet.reference_ids),
                day="",
            )
            for facet in facets
        ]
        return self._counts(
            plan, "Cables by classification", "Classification", rows, "from the least to the most sensitive"
        )

    def _release_index(self, plan: PagePlan) -> Rendered:
        rows = [
            View(name=day, url=urls.listing_page(urls.release_folder(day), 1), count=len(facet.reference_ids), day=day)
            for day, facet in ((day, release_facet(self.catalogue, day)) for day in release_days(self.catalogue))
        ]
        return self._counts(plan, "Releases", "Release day", rows, "latest first")

    def _counts(self, plan: PagePlan, title: str, label: str, rows: list[View], order: str) -> Rendered:
        return self._one(plan, self._page_html("counts.html", plan, title=title, label=label, rows=rows, order=order))


MONTH_NAMES = tuple(f"{datetime(2000, month, 1):%B}" for month in range(1, 13))
CHART_LEVELS = 4  # shades of a month's cell, from its count against the busiest month's


def month_chart(months: list[tuple[str, int]], folder: str) -> View:
    """A year-by-month table of counts, each month linking to its page in `folder`, each cell
    shaded by its count (level 1 to CHART_LEVELS; 0: no cables): drawn by CSS, read as a table.
    Every month's cell is anchored (urls.month_cell): a month page links its neighbours there."""
    counts = dict(months)
    peak = max(counts.values(), default=0)
    years = []
    for year in sorted({month[:4] for month in counts}, reverse=True):
        cells = []
        for number, name in enumerate(MONTH_NAMES, start=1):
            month = f"{year}-{number:02d}"
            count = counts.get(month, 0)
            cells.append(
                View(
                    label=f"{name} {year}",
                    count=count,
                    url=urls.month_page(folder, month) if count else "",
                    anchor=urls.month_anchor(month),
                    level=-(-CHART_LEVELS * count // peak) if count else 0,
                )
            )
        years.append(View(year=year, cells=cells, total=sum(cell.count for cell in cells)))
    return View(years=years, months=[View(name=name, short=name[:3]) for name in MONTH_NAMES])
