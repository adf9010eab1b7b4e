"""The listing rule (DESIGN.md, "Listings stay put"): a small facet is one page, a big one a page
per month, a busy month a calendar with a page per day; a release rewrites only its buckets."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.sites import BODY, assert_equals_full_build, build, cable, tree, write_site

FIRST, SECOND = "2010-11-28 00:00", "2010-12-05 00:00"
# page_size 3. Rome (PREL, CONFIDENTIAL) is big: January quiet, February at the size, March busy
# (a calendar), April busy by one. Paris (ECON, UNCLASSIFIED) is small: two cables, one page.
ROME = {
    1: "2009-01-05 01:00", 2: "2009-01-20 02:00", 16: "2009-01-25 16:00",
    3: "2009-02-03 03:00", 4: "2009-02-10 04:00", 5: "2009-02-10 05:00", 6: "2009-02-17 06:00",
    7: "2009-03-02 07:00", 8: "2009-03-02 08:00", 9: "2009-03-09 09:00", 15: "2009-03-09 15:00",
    10: "2009-03-15 10:00",
    11: "2009-04-01 11:00", 12: "2009-04-02 12:00", 13: "2009-04-03 13:00", 14: "2009-04-04 14:00",
}  # fmt: skip
PARIS = {1: "2009-03-09 01:00", 2: "2009-01-07 02:00", 3: "2009-03-20 03:00"}
LATER = {"09ROME6", "09ROME15", "09ROME16", "09PARIS3"}  # released in the second release


def _record(reference_id: str, created: str, released: str | None):
    paris = "PARIS" in reference_id
    body = BODY.replace("REF: 09 ROME 2", "").replace("TAGS: PREL PGOV IT", f"TAGS: {'ECON' if paris else 'PREL'}")
    return replace(
        cable(reference_id, released),
        created=created,
        origin="Embassy Paris" if paris else "Embassy Rome",
        classification="UNCLASSIFIED" if paris else "CONFIDENTIAL",
        body=body.replace("A TEST CABLE", f"CABLE {reference_id}"),
    )


def _records(step: int) -> list:
    dated = {f"09ROME{n}": created for n, created in ROME.items()}
    dated |= {f"09PARIS{n}": created for n, created in PARIS.items()}
    records = []
    for reference_id, created in dated.items():
        released = SECOND if reference_id in LATER else FIRST
        if (step == 1 and reference_id in LATER) or (step == 2 and reference_id == "09ROME14"):
            released = None  # not yet released; 09ROME14 withheld in the second step
        records.append(_record(reference_id, created, released))
    return records


@pytest.fixture
def site(tmp_path) -> Path:
    site = write_site(tmp_path / "site", _records(1))
    (site / "sitegen.toml").write_text('title = "Listings"\npage_size = 3\n')
    return site


def row_ids(html: bytes) -> list[str]:
    return re.findall(r">(09[A-Z]+\d+)</a></td>", html.decode())


def _listing_pages(output: dict[str, bytes], folder: str) -> set[str]:
    return {path[len(folder) :] for path in output if path.startswith(folder) and "/" not in path[len(folder) :]}


def test_a_small_facet_is_one_page_a_big_one_a_page_a_month_and_a_busy_month_a_calendar(site):
    build(site)
    output = tree(site / "output")
    assert _listing_pages(output, "origin/embassy-paris/") == {"index.html"}
    paris = output["origin/embassy-paris/index.html"]
    assert row_ids(paris) == ["09PARIS1", "09PARIS2"]  # every cable, newest first
    assert b"month-chart" not in paris
    rome_pages = {"index.html", "2009-01.html", "2009-02.html", "2009-03.html", "2009-04.html"} | {
        f"2009-03-{day}.html" for day in ("02", "09", "15")
    }
    rome_pages |= {f"2009-04-0{day}.html" for day in range(1, 5)}
    for folder in ("origin/embassy-rome/", "tag/prel/", "classification/confidential/"):
        assert _listing_pages(output, folder) == rome_pages
    rome = "origin/embassy-rome/"
    assert row_ids(output[f"{rome}2009-02.html"]) == ["09ROME5", "09ROME4", "09ROME3"]  # the whole month
    assert row_ids(output[f"{rome}2009-03-02.html"]) == ["09ROME8", "09ROME7"]  # the whole day
    calendar = output[f"{rome}2009-03.html"].decode()
    assert row_ids(calendar.encode()) == []  # a calendar lists days, not cables
    cells = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">(\d+)</a>', calendar)
    assert cells == [
        ("../../origin/embassy-rome/2009-03-02.html", "2 March 2009: 2 cables", "2"),
        ("../../origin/embassy-rome/2009-03-09.html", "9 March 2009: 1 cable", "1"),
        ("../../origin/embassy-rome/2009-03-15.html", "15 March 2009: 1 cable", "1"),
    ]
    # No bucket shows its facet's total; none has a second page.
    for name in ("2009-02.html", "2009-03.html", "2009-03-02.html"):
        assert "13 cables" not in output[f"{rome}{name}"].decode()
    assert not any(re.search(r"\d{4}-\d{2}-\d+-\d+\.html|\d{4}-\d{2}-2\.html$", path) for path in output)
    # The archive by date: January and February at the size are lists, March and April calendars.
    assert _listing_pages(output, "date/") == {"index.html", "2009-01.html", "2009-02.html", "2009-03.html"} | {
        f"2009-03-{day}.html" for day in ("02", "09", "15")
    } | {"2009-04.html"} | {f"2009-04-0{day}.html" for day in range(1, 5)}


def test_a_bucket_links_up_and_to_its_calendar_neighbours_whatever_they_hold(site):
    build(site)
    output = tree(site / "output")
    month = output["origin/embassy-rome/2009-02.html"].decode()
    # January and March, by the calendar: their cells in the overview's chart, which is always there.
    assert 'href="../../origin/embassy-rome/index.html"' in month
    assert 'rel="prev" href="../../origin/embassy-rome/index.html#m2009-01"' in month
    assert 'rel="next" href="../../origin/embassy-rome/index.html#m2009-03"' in month
    overview = output["origin/embassy-rome/index.html"].decode()
    assert 'id="m2009-01"' in overview
    assert 'id="m2009-12"' in overview
    day = output["origin/embassy-rome/2009-03-09.html"].decode()
    assert 'href="../../origin/embassy-rome/2009-03.html"' in day  # up: its month's calendar
    assert 'rel="prev" href="../../origin/embassy-rome/2009-03.html#d2009-03-08"' in day
    assert 'rel="next" href="../../origin/embassy-rome/2009-03.html#d2009-03-10"' in day
    calendar = output["origin/embassy-rome/2009-03.html"].decode()
    assert all(f'id="d2009-03-{day:02d}"' in calendar for day in range(1, 32))
    first = output[
        "origin/embassy-rome/2009-04-01.html"
    ].decode()  # the first of a month: no day before it in its calendar
    assert 'rel="prev"' not in first
    assert 'rel="next" href="../../origin/embassy-rome/2009-04.html#d2009-04-02"' in first


@pytest.mark.parametrize("quick", [True, False], ids=["quick-path", "general-path"])
def test_a_release_changes_exactly_the_pages_of_the_buckets_its_cables_land_in(site, quick, monkeypatch):
    if not quick:
        monkeypatch.setattr("sitegen.builder.quick.QUICK_FILES", 0)
    build(site)
    before = tree(site / "output")
    write_site(site, _records(2))
    report = build(site)
    assert report.quick == quick
    after = tree(site / "output")
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}

    def buckets(folder: str) -> set[str]:
        # January stays a list (3); February crosses the size (4) and becomes a calendar;
        # March gains a cable on the 9th; April falls to the size (3) and is a list again.
        return {f"{folder}{name}" for name in (
            "index.html", "2009-01.html", "2009-02.html", "2009-02-03.html", "2009-02-10.html", "2009-02-17.html",
            "2009-03.html", "2009-03-09.html", "2009-04.html",
            "2009-04-01.html", "2009-04-02.html", "2009-04-03.html", "2009-04-04.html",  # gone
        )}  # fmt: skip

    # The cables come and gone, page and JSON twin; their origin neighbours' pages (previous/next links).
    cables = {
        f"cable/2009/{ref}.{ext}"
        for ref in ("01/09ROME16", "02/09ROME6", "03/09ROME15", "03/09PARIS3", "04/09ROME14")
        for ext in ("html", "json")
    }
    cables |= {
        f"cable/2009/{ref}.html"
        for ref in (
            "01/09ROME2",
            "02/09ROME3",
            "02/09ROME5",
            "03/09ROME7",
            "03/09ROME9",
            "03/09ROME10",
            "03/09PARIS1",
            "04/09ROME13",
        )
    }
    # A release day's pages are paged by count: the first day's shift as 09ROME14 is withheld from it.
    releases = {"release/index.html", "release/2010-12-05/index.html", "release/2010-12-05/page-2.html"}
    releases |= {"release/2010-11-28/index.html", *(f"release/2010-11-28/page-{n}.html" for n in range(2, 6))}
    expected = (
        buckets("origin/embassy-rome/")
        | buckets("tag/prel/")
        | buckets("classification/confidential/")
        | {"origin/embassy-paris/index.html", "tag/econ/index.html", "classification/unclassified/index.html"}
        | {
            "date/index.html",
            "date/2009-01.html",  # the archive's January crosses the size (4): a calendar of four days
            "date/2009-01-05.html", "date/2009-01-07.html", "date/2009-01-20.html", "date/2009-01-25.html",
            "date/2009-02.html", "date/2009-02-03.html", "date/2009-02-10.html", "date/2009-02-17.html",
            "date/2009-03.html", "date/2009-03-09.html", "date/2009-03-20.html",
            "date/2009-04.html", "date/2009-04-01.html", "date/2009-04-02.html", "date/2009-04-03.html",
            "date/2009-04-04.html",
        }
        | cables
        | releases
        | {
            "index.html", "sitemap.xml", "feed/releases.rss", "feed/releases.atom",
            "classification/index.html", "origin/R.html", "origin/P.html", "tag/P.html", "tag/E.html",
            "feed/origin/embassy-rome.rss", "feed/origin/embassy-paris.rss", "feed/tag/prel.rss",
            "feed/tag/econ.rss", "feed/classification/confidential.rss", "feed/classification/unclassified.rss",
            "ids/ROME.js", "ids/PARIS.js",
        }
    )  # fmt: skip
    unchanged_day = "origin/embassy-rome/2009-03-02.html"  # a day of a busy month no cable entered
    assert unchanged_day in after
    assert unchanged_day not in changed
    assert sorted(changed - expected) == []
    assert sorted(expected - changed) == []
    # Rendered: the pages whose bytes changed and are there (a cable's page and twin are one, the
    # releases feed's two formats one), and no other page.
    pages_changed = {path for path in changed if path in after and not path.endswith((".json", ".atom"))}
    assert report.rendered == len(pages_changed)
    assert_equals_full_build(site)


@pytest.mark.parametrize("quick", [True, False], ids=["quick-path", "general-path"])
def test_a_facet_passing_page_size_gains_month_pages_and_loses_them_falling_back(site, quick, monkeypatch):
    if not quick:
        monkeypatch.setattr("sitegen.builder.quick.QUICK_FILES", 0)
    paris = "origin/embassy-paris/"
    build(site)
    fourth = _record("09PARIS4", "2009-02-11 04:00", SECOND)
    write_site(site, [_record("09PARIS3", PARIS[3], SECOND), fourth])  # four cables: more than page_size
    assert build(site).quick == quick
    output = tree(site / "output")
    assert _listing_pages(output, paris) == {"index.html", "2009-01.html", "2009-02.html", "2009-03.html"}
    assert b"month-chart" in output[f"{paris}index.html"]
    assert_equals_full_build(site)
    write_site(site, [replace(fourth, released=None)])
    assert build(site).quick == quick
    assert _listing_pages(tree(site / "output"), paris) == {"index.html"}
    assert_equals_full_build(site)
