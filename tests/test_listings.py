"""Listings stay put: each origin, tag and classification (and the whole archive by date) is kept
by the month (a busy month: the day) its cables were created, so a release rewrites only those."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen.catalogue import sensitivity
from sitegen.facets import slugify
from sitegen.render.indexes import month_chart
from tests.sites import BODY, build, cable, tree, write_site

# Twenty-four Rome and Paris cables over four months of 2009, page_size 3: most months are calendars
# of days. Tags by number: every cable PREL, the even ones PGOV too, every third ECON.
MONTHS = ("2009-01", "2009-02", "2009-03", "2009-04")


def _record(number: int, released: str | None = "2010-11-28 00:00"):
    tags = "PREL" + (" PGOV" if number % 2 == 0 else "") + (" ECON" if number % 3 == 0 else "")
    return replace(
        cable(f"09ROME{number}", released),
        created=f"{MONTHS[number % 4]}-{1 + number % 28:02d} 10:00",
        origin="Embassy Rome" if number % 5 else "Embassy Paris",
        references="09ROME1" if number == 7 else "",
        body=BODY.replace("TAGS: PREL PGOV IT", f"TAGS: {tags}").replace("A TEST CABLE", f"CABLE {number}"),
    )


@pytest.fixture
def site(tmp_path) -> Path:
    site = write_site(tmp_path / "site", [_record(number) for number in range(1, 25)])
    (site / "sitegen.toml").write_text('title = "Listings"\npage_size = 3\n')
    return site


def row_ids(html: bytes) -> list[str]:
    return re.findall(r">(09ROME\d+)</a></td>", html.decode())


def _days_shown(output: dict[str, bytes], folder: str, month: str) -> list[str]:
    """The cables a busy month's calendar leads to: each day's page it links, in its order."""
    calendar = output[f"{folder}{month}.html"].decode()
    days = re.findall(rf'href="(?:\.\./)*{re.escape(folder)}({month}-\d\d)\.html" aria-label', calendar)
    return [ref for day in sorted(days, reverse=True) for ref in row_ids(output[f"{folder}{day}.html"])]


def test_a_facet_has_an_overview_and_a_page_per_month_a_busy_month_a_calendar_of_days(site):
    build(site)
    output = tree(site / "output")
    rome = {path: html for path, html in output.items() if path.startswith("origin/embassy-rome/")}
    # Rome has 20 cables: 5 a month, more than page_size (3): each month a calendar of its days.
    months = {path.split("/")[-1] for path in rome if re.search(r"/\d{4}-\d{2}\.html$", path)}
    assert months == {f"{month}.html" for month in MONTHS}
    for month in MONTHS:
        expected = [f"09ROME{n}" for n in range(24, 0, -1) if n % 5 and MONTHS[n % 4] == month]
        assert _days_shown(output, "origin/embassy-rome/", month) == expected  # that month's, newest first
    days = {path for path in rome if re.search(r"/\d{4}-\d{2}-\d{2}\.html$", path)}
    assert len(days) == 20  # a page per day holding cables, and no other
    overview = rome["origin/embassy-rome/index.html"].decode()
    assert '<p class="count">20 cables' in overview
    for month in MONTHS:  # the chart's cell for each month links to it and names its count
        count = sum(1 for n in range(1, 25) if n % 5 and MONTHS[n % 4] == month)
        assert f'href="../../origin/embassy-rome/{month}.html" aria-label="' in overview
        assert re.search(rf'{month}\.html" aria-label="[A-Za-z]+ 2009: {count} cables">{count}</a>', overview)
    newest = row_ids(overview.split('class="newest"')[1].encode())
    by_creation = sorted((n for n in range(1, 25) if n % 5), key=lambda n: _record(n).created, reverse=True)
    assert newest == [f"09ROME{n}" for n in by_creation[:10]]
    paris = output["origin/embassy-paris/index.html"].decode()  # 4 cables, more than page_size: months too
    assert "origin/embassy-paris/2009-01.html" in output
    assert row_ids(output["origin/embassy-paris/2009-01.html"]) == ["09PARIS20"] or "month-chart" in paris


def test_the_archive_by_date_is_kept_by_month_and_busy_months_by_day_too(site):
    build(site)
    output = tree(site / "output")
    dates = {p for p in output if p.startswith("date/")}
    assert {p for p in dates if re.fullmatch(r"date/\d{4}-\d{2}\.html", p)} == {f"date/{m}.html" for m in MONTHS}
    assert _days_shown(output, "date/", "2009-02") == ["09ROME21", "09ROME17", "09ROME13", "09ROME9", "09ROME5",
                                                       "09ROME1"]  # fmt: skip
    assert len(dates) == 1 + 4 + 24  # the index, the months, a page per day (every cable its own day)
    day = output["date/2009-02-06.html"].decode()
    assert "Cables created on 6 February 2009" in day
    assert row_ids(day.encode()) == ["09ROME5"]
    cable_page = output["cable/2009/02/09ROME5.html"].decode()
    assert 'href="../../../date/2009-02.html"' in cable_page


def _facet_folders(record) -> list[str]:
    """The listing folders a cable is in, spelled as DESIGN.md's URL table spells them."""
    slug = record.origin.lower().replace(" ", "-")
    tags = re.search(r"TAGS: (.*)", record.body).group(1).split()
    return [
        f"origin/{slug}/",
        *(f"tag/{tag.lower()}/" for tag in tags),
        f"classification/{record.classification.lower()}/",
    ]


def test_releasing_a_cable_changes_only_the_pages_the_design_says_it_may(site):
    """DESIGN.md, "Listings stay put": a release rewrites the month pages (and day pages) of the
    months its cables were created in, in each list it enters, and no other month page."""
    held = _record(26, released=None)  # Rome, PREL PGOV, created 2009-03-27; cites nothing
    write_site(site, [held])
    build(site)
    before = tree(site / "output")
    released = replace(held, released="2010-12-05 00:00")
    write_site(site, [released])
    build(site)
    after = tree(site / "output")
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}

    month = released.created[:7]
    folders = _facet_folders(released)
    # Cable pages that show it: its own, its neighbours in its origin (previous/next links) and
    # the cable its text cites (BODY's `REF: 09 ROME 2`), which lists the cables citing it.
    rome = sorted((n for n in [*range(1, 25), 26] if n % 5), key=lambda n: (_record(n).created, n))
    at = rome.index(26)
    shown_by = {f"09ROME{rome[at - 1]}", f"09ROME{rome[at + 1]}", "09ROME26", "09ROME2"}
    allowed_cables = {path for path in after if path.startswith("cable/") and Path(path).stem in shown_by}
    allowed = {
        "index.html",  # the counter and the latest release
        "sitemap.xml",
        "feed/releases.rss",
        "feed/releases.atom",
        "release/index.html",
        "release/2010-12-05/index.html",
        "date/index.html",  # counts by month and the newest cables
        "classification/index.html",  # counts
        "origin/R.html",  # the origin's count (Embassy Rome is filed under R)
        "tag/P.html",  # PREL's and PGOV's counts
        "feed/origin/embassy-rome.rss",
        "feed/tag/prel.rss",
        "feed/tag/pgov.rss",
        f"feed/classification/{slugify(released.classification)}.rss",
        "ids/ROME.js",  # the header's ID box: the released IDs of its post
        *allowed_cables,
    }
    month_pages = re.compile(rf"^(?:{'|'.join(map(re.escape, folders))}|date/){month}(?:-\d\d)?\.html$")
    overviews = {f"{folder}index.html" for folder in folders}
    unexpected = {path for path in changed - allowed - overviews if not month_pages.match(path)}
    assert unexpected == set()
    # ...and what it must change did change: its page, each list's overview, its month in each list.
    assert {"cable/2009/03/09ROME26.html", *overviews, "date/2009-03.html"} <= changed
    assert all(any(month_pages.match(path) and path.startswith(folder) for path in changed) for folder in folders)
    # The other months of the lists it entered stayed as they were: citable links still show the same cables.
    untouched = [
        p for p in after if re.match(r"^(origin|tag|classification)/[^/]+/\d{4}-\d{2}", p) and p not in changed
    ]
    assert len(untouched) > 20


@pytest.mark.parametrize(
    "marking",
    ["UNCLASSIFIED", "UNCLASSIFIED//FOR OFFICIAL USE ONLY", "CONFIDENTIAL", "CONFIDENTIAL//NOFORN", "SECRET",
     "SECRET//NOFORN", "TOP SECRET", "RESTRICTED"],
)  # fmt: skip
def test_classifications_sort_from_the_least_to_the_most_sensitive(marking):
    order = [
        "UNCLASSIFIED",
        "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
        "CONFIDENTIAL",
        "CONFIDENTIAL//NOFORN",
        "SECRET",
        "SECRET//NOFORN",
        "TOP SECRET",
        "RESTRICTED",  # no level known: after every known one
    ]
    shuffled = sorted(order, key=lambda name: (name != marking, name[::-1]))
    assert sorted(shuffled, key=sensitivity) == order


def test_the_classification_index_lists_levels_by_sensitivity_with_counts(tmp_path):
    records = [
        replace(cable(f"09ROME{n}", "2010-11-28 00:00"), classification=marking)
        for n, marking in enumerate(["SECRET", "UNCLASSIFIED", "CONFIDENTIAL//NOFORN", "SECRET", "CONFIDENTIAL"], 1)
    ]
    site = write_site(tmp_path / "site", records)
    build(site)
    page = (site / "output" / "classification/index.html").read_text()
    rows = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th><td class="number">(\d+)</td>', page)
    assert rows == [("UNCLASSIFIED", "1"), ("CONFIDENTIAL", "1"), ("CONFIDENTIAL//NOFORN", "1"), ("SECRET", "2")]


def test_the_release_index_is_a_table_of_days_latest_first_with_counts(site):
    write_site(site, [_record(30, released="2010-12-05 00:00"), _record(31, released="2010-12-05 00:00")])
    build(site)
    page = (site / "output" / "release/index.html").read_text()
    rows = re.findall(r'<time datetime="([\d-]+)">[\d-]+</time></a></th><td class="number">(\d+)</td>', page)
    assert rows == [("2010-12-05", "2"), ("2010-11-28", "24")]


def test_the_month_chart_shades_each_month_against_the_busiest_and_links_only_months_with_cables():
    chart = month_chart([("2010-02", 40), ("2010-01", 1), ("2008-12", 20)], "tag/prel/")
    assert [year.year for year in chart.years] == ["2010", "2008"]  # years without a cable are left out
    cells = {cell.label: cell for year in chart.years for cell in year.cells}
    assert (cells["February 2010"].level, cells["January 2010"].level, cells["December 2008"].level) == (4, 1, 2)
    assert cells["February 2010"].url == "tag/prel/2010-02.html"
    assert cells["March 2010"].url == ""
    assert cells["March 2010"].level == 0
    assert [year.total for year in chart.years] == [41, 20]
