"""Bucket pages: a listing's month (its cables, or a busy month's calendar) and a busy month's day; their links up and by the calendar.

A bucket shows only its own cables (DESIGN.md, "Listings stay put"): no total of its facet or
of the archive, and links that do not depend on which other buckets hold cables. The previous
and next month link to those months' cells in the overview's chart, which holds every month of
each year it shows; the previous and next day to those days' cells in their month's calendar,
which holds every day of the month. So a month links its neighbours within its year, a day
within its month: those cells are there whenever the bucket is.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sitegen import urls
from sitegen.facets import Facet
from sitegen.kinds import FAMILIES, kind_of
from sitegen.plan import PagePlan, listed, listing_folder
from sitegen.render.page import PageBase, Rendered, View

WEEKDAYS = tuple(calendar.day_name)  # Monday first, as ISO weeks run
ARCHIVE_HEADING = "Cables created"
CALENDAR_LEVELS = 4  # shades of a day's cell, from its count against the month's busiest day


def month_label(month: str) -> str:
    """`2009-03` -> `March 2009`."""
    return f"{calendar.month_name[int(month[5:7])]} {month[:4]}"


def day_label(day: str) -> str:
    """`2009-03-05` -> `5 March 2009`."""
    return f"{int(day[8:10])} {month_label(day[:7])}"


def month_neighbours(folder: str, month: str) -> tuple[View | None, View | None]:
    """The previous and next month of the same year, as links to their cells in the overview's chart."""
    year, number = int(month[:4]), int(month[5:7])
    links = []
    for other in (number - 1, number + 1):
        name = f"{year}-{other:02d}"
        links.append(View(url=urls.month_cell(folder, name), label=month_label(name)) if 1 <= other <= 12 else None)
    return links[0], links[1]


def day_neighbours(folder: str, day: str) -> tuple[View | None, View | None]:
    """The previous and next day of the same month, as links to their cells in its calendar."""
    year, month, number = int(day[:4]), int(day[5:7]), int(day[8:10])
    last = calendar.monthrange(year, month)[1]
    links = []
    for other in (number - 1, number + 1):
        name = f"{day[:7]}-{other:02d}"
        links.append(View(url=urls.day_cell(folder, name), label=day_label(name)) if 1 <= other <= last else None)
    return links[0], links[1]


def month_calendar(days: list[tuple[str, int]], folder: str, month: str) -> View:
    """A month's days as weeks, Monday first: each day's cell anchored (urls.day_anchor),
    shaded by its count and linking to its page when it holds cables; None before the 1st and
    after the last."""
    counts = dict(days)
    peak = max(counts.values(), default=0)
    year, number = int(month[:4]), int(month[5:7])
    weeks = []
    for week in calendar.Calendar().monthdayscalendar(year, number):
        cells: list[View | None] = []
        for day_number in week:
            if not day_number:
                cells.append(None)
                continue
            day = date(year, number, day_number).isoformat()
            count = counts.get(day, 0)
            cells.append(
                View(
                    number=day_number,
                    anchor=urls.day_anchor(day),
                    label=day_label(day),
                    count=count,
                    url=urls.day_page(folder, day) if count else "",
                    level=-(-CALENDAR_LEVELS * count // peak) if count else 0,
                )
            )
        weeks.append(cells)
    return View(weeks=weeks, weekdays=[View(name=name, short=name[:3]) for name in WEEKDAYS], label=month_label(month))


class BucketPages(PageBase):
    """Renders the month, calendar and day pages of a facet and of the archive by date."""

    def _bucket_context(self, plan: PagePlan) -> tuple[Facet, str, str, dict[str, Any]]:
        """A bucket's facet, folder and heading (`Cables from Embassy Athens`), and what its page
        shows besides: what its family adds (_family_page) and its way up."""
        kind = kind_of(plan.kind).lists or ""
        if kind not in FAMILIES:  # the archive by date
            facet, extra = self.catalogue.months[plan.name], {"own_column": "", "feed_url": "", "description_line": ""}
            crumbs, heading = [View(url=urls.DATE_INDEX, label="The archive: every month")], ARCHIVE_HEADING
        else:
            kind, facet, heading, extra = self._family_page(plan)
            crumbs = [View(url=urls.facet_index(kind, facet.slug), label=f"{facet.label}: every month")]
        return facet, listing_folder(kind, facet), heading, {**extra, "crumbs": crumbs}

    def _family_page(self, plan: PagePlan) -> tuple[str, Facet, str, dict[str, Any]]:
        """A facet's page: its kind, the facet, its heading (`Cables from Embassy Athens`) and
        what its family adds: the column its rows leave out, its description, its feed."""
        family = FAMILIES[kind_of(plan.kind).family or ""]
        facet = self.catalogue.indexes()[family.kind][plan.name]
        heading = f"Cables {family.phrase.format(name=facet.name, label=facet.label)}"
        extra: dict[str, Any] = {"own_column": "", "feed_url": "", "description_line": ""}
        if family.own_column:
            extra["own_column"] = family.kind
        if family.described:
            extra["description_line"] = extra["description"] = self._tag_description(facet.name)
        if family.feed:
            feed = urls.facet_feed(family.kind, facet.slug)
            extra.update(feed_url=feed, extra_feeds=[View(title=heading, url=feed)])
        return family.kind, facet, heading, extra

    def _bucket(self, plan: PagePlan, template: str, title: str, **context: Any) -> Rendered:
        context.update(title=title, heading=title)
        return self._one(plan, self._page_html(template, plan, **context))

    def _bucket_month(self, plan: PagePlan) -> Rendered:
        """Every cable of a facet (or of the archive) created in the plan's month, newest first."""
        facet, folder, heading, extra = self._bucket_context(plan)
        cables = self._entries(listed(plan, facet, self.config.page_size))
        previous, following = month_neighbours(folder, plan.month)
        return self._bucket(plan, "listing.html", _titled(heading, "in", month_label(plan.month)), cables=cables,
                            count=len(cables), show_release=False, pager=None, previous=previous, next=following,
                            steps="Months", **extra)  # fmt: skip

    def _bucket_calendar(self, plan: PagePlan) -> Rendered:
        """A busy month of a facet (or of the archive): its days, with counts, each linking its page."""
        facet, folder, heading, extra = self._bucket_context(plan)
        days = facet.days(plan.month)
        previous, following = month_neighbours(folder, plan.month)
        return self._bucket(plan, "calendar.html", _titled(heading, "in", month_label(plan.month)),
                            calendar=month_calendar(days, folder, plan.month), count=sum(count for _, count in days),
                            previous=previous, next=following, steps="Months", **extra)  # fmt: skip

    def _bucket_day(self, plan: PagePlan) -> Rendered:
        """Every cable of a facet (or of the archive) created on the plan's day, newest first."""
        facet, folder, heading, extra = self._bucket_context(plan)
        cables = self._entries(listed(plan, facet, self.config.page_size))
        month = View(url=urls.month_page(folder, plan.month), label=f"{month_label(plan.month)}: every day")
        previous, following = day_neighbours(folder, plan.day)
        extra["crumbs"] = [*extra["crumbs"], month]
        return self._bucket(plan, "listing.html", _titled(heading, "on", day_label(plan.day)), cables=cables,
                            count=len(cables), show_release=False, pager=None, previous=previous, next=following,
                            steps="Days", **extra)  # fmt: skip


def _titled(heading: str, preposition: str, when: str) -> str:
    """`Cables created in March 2009` (the archive), `Cables from Embassy Rome: March 2009` (a facet)."""
    return f"{heading} {preposition} {when}" if heading == ARCHIVE_HEADING else f"{heading}: {when}"
