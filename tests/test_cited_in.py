"""Issue 33, item 5: a cable page lists the published articles that cite it ("Cited in articles"),
and its JSON twin holds them (`cited_in`); an article added, edited, deleted or crossing --as-of
reaches exactly the cable pages whose list changes, on the general path and the quick path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.render.cable import CablePages
from tests.sites import AS_OF, assert_equals_full_build, build, cable, write_site

ROME1 = "output/cable/2009/01/09ROME1.html"
ROME2 = "output/cable/2009/01/09ROME2.html"
ROME3 = "output/cable/2009/01/09ROME3.html"


def article(title: str, date: str, text: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n\n{text}\n"


@pytest.fixture
def site(tmp_path) -> Path:
    records = [cable(f"09ROME{n}", "2010-12-01 00:00") for n in (1, 2, 3)] + [cable("09ROME4", "2011-06-01 00:00")]
    articles = {
        "late.md": article("Rome <late> & more", "2010-12-20", "On 09ROME1 and [[09ROME1]] again."),
        "early.md": article("Rome, early", "2010-12-02", "See 09ROME1 and 09ROME4 (not yet released)."),
        "same-day.md": article("A same-day piece", "2010-12-20", "Also 09ROME1."),
    }
    return write_site(tmp_path / "site", records, articles=articles)


def twin(site: Path, page: str) -> dict:
    return json.loads((site / page.replace(".html", ".json")).read_text())


def read(site: Path, page: str) -> str:
    return (site / page).read_text()


def write_article(site: Path, name: str, text: str) -> None:
    (site / "content" / "articles" / name).write_text(text)


def rendered(site: Path, monkeypatch, as_of: str = AS_OF) -> set[str]:
    """The cable pages a build renders (it runs in this process: one job)."""
    names: set[str] = set()
    original = CablePages._cable

    def spy(self, plan):
        names.add(plan.name)
        return original(self, plan)

    with monkeypatch.context() as patched:
        patched.setattr(CablePages, "_cable", spy)
        build(site, as_of)
    return names


def test_a_cable_page_lists_the_articles_citing_it_oldest_first_with_relative_links(site):
    build(site)
    html = read(site, ROME1)
    assert "Cited in articles" in html
    section = html[html.index("Cited in articles") :]
    early, late, same = (section.index(t) for t in ("Rome, early", "Rome &lt;late&gt; &amp; more", "A same-day piece"))
    assert early < same < late  # by date, then by title
    assert 'href="../../../articles/early.html"' in section
    assert "<late>" not in html
    assert twin(site, ROME1)["cited_in"] == [
        {"title": "Rome, early", "date": "2010-12-02", "url": "../../../articles/early.html"},
        {"title": "A same-day piece", "date": "2010-12-20", "url": "../../../articles/same-day.html"},
        {"title": "Rome <late> & more", "date": "2010-12-20", "url": "../../../articles/late.html"},
    ]


def test_a_cable_no_article_cites_has_no_section_and_an_empty_list(site):
    build(site)
    assert "Cited in articles" not in read(site, ROME2)
    assert twin(site, ROME2)["cited_in"] == []


def test_an_article_not_yet_published_is_not_listed(site):
    write_article(site, "future.md", article("From the future", "2011-03-01", "On 09ROME2."))
    build(site)
    assert "From the future" not in read(site, ROME2)
    assert twin(site, ROME2)["cited_in"] == []
    build(site, "2011-03-02 00:00")  # its day comes: the cable page lists it
    assert "From the future" in read(site, ROME2)
    assert_equals_full_build(site, "2011-03-02 00:00")


def test_an_article_edit_reaches_the_cables_it_cites_and_cited_and_no_other(site, monkeypatch):
    build(site)
    write_article(site, "early.md", article("Rome, early", "2010-12-02", "Now 09ROME2 and 09ROME4."))
    assert rendered(site, monkeypatch) == {"09ROME1", "09ROME2"}  # ROME1 lost it, ROME2 gained it
    assert "Rome, early" not in read(site, ROME1).split("Cited in articles")[-1]
    assert "Rome, early" in read(site, ROME2)
    assert_equals_full_build(site)
    write_article(site, "early.md", article("Rome, later", "2010-12-02", "Now 09ROME2 and 09ROME4."))
    assert rendered(site, monkeypatch) == {"09ROME2"}  # its title changed
    write_article(site, "early.md", article("Rome, later", "2010-12-02", "Now 09ROME2 and 09ROME4, more words."))
    assert rendered(site, monkeypatch) == set()  # its text changed, not what the cables show of it
    (site / "content" / "articles" / "early.md").unlink()
    assert rendered(site, monkeypatch) == {"09ROME2"}
    write_article(site, "new.md", article("New", "2010-12-05", "On 09ROME3."))
    assert rendered(site, monkeypatch) == {"09ROME3"}
    assert_equals_full_build(site)


def test_an_article_crossing_as_of_reaches_the_cables_it_cites(site, monkeypatch):
    write_article(site, "future.md", article("From the future", "2011-03-01", "On 09ROME2 and 09ROME3."))
    build(site)
    assert rendered(site, monkeypatch, "2011-03-01 12:00") == {"09ROME2", "09ROME3"}
    assert "From the future" in read(site, ROME3)
    assert_equals_full_build(site, "2011-03-01 12:00")
    assert rendered(site, monkeypatch, "2011-02-01 00:00") == {"09ROME2", "09ROME3"}  # and back
    assert "From the future" not in read(site, ROME3)
    assert not (site / "output" / "articles" / "future.html").exists()
    assert_equals_full_build(site, "2011-02-01 00:00")


def test_the_quick_path_shows_and_keys_the_articles_citing_a_cable_it_renders(site):
    """An article change goes the general path (it changes the inputs); a cable change the
    quick path, whose cable pages show and key the articles citing them as a full build does."""
    build(site)
    path = next((site / "content" / "cables").rglob("09ROME1.txt"))
    path.write_bytes(path.read_bytes().replace(b"Second paragraph.", b"Second paragraph, corrected."))
    report = build(site)
    assert report.quick
    assert "Rome, early" in read(site, ROME1)
    assert_equals_full_build(site)
    # A release of a cable an article already cites (its file's release date): its new page lists it.
    path = next((site / "content" / "cables").rglob("09ROME4.txt"))
    path.write_bytes(path.read_bytes().replace(b"2011-06-01 00:00", b"2010-12-05 00:00"))
    report = build(site)
    assert report.quick
    assert report.moved == 1
    assert "Rome, early" in read(site, "output/cable/2009/01/09ROME4.html")
    assert twin(site, "output/cable/2009/01/09ROME4.json")["cited_in"][0]["title"] == "Rome, early"
    assert_equals_full_build(site)


def test_the_quick_path_is_not_taken_past_an_article_crossing_as_of(site):
    """A cable's file changed and an article's day came: the article and the cables it cites
    are published, whichever path the build takes."""
    write_article(site, "future.md", article("From the future", "2011-03-01", "On 09ROME2."))
    build(site)
    path = next((site / "content" / "cables").rglob("09ROME3.txt"))
    path.write_bytes(path.read_bytes().replace(b"Second paragraph.", b"Second paragraph, corrected."))
    build(site, "2011-03-01 12:00")
    assert "From the future" in read(site, ROME2)
    assert (site / "output" / "articles" / "future.html").exists()
    assert_equals_full_build(site, "2011-03-01 12:00")
