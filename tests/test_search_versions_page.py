"""The search page over an index with hidden entries (a cable revised, one withdrawn, after the base was cut): in Chromium, over http and from file://."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.search.reader import IndexReader
from tests.conftest import Visit, served
from tests.sites import BODY, PUBLISHED_CONFIG, build, cable, problems, write_site
from tests.test_search_page import DONE, ask, count_in, shown_ids, start, status

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ROMES = 6  # 09ROME1..6 from Rome, 09PARIS1..4 from Paris, all released the same day


def _replace(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


@pytest.fixture(scope="module")
def hidden_output(tmp_path_factory) -> Path:
    narwhals = BODY.replace("First paragraph.", "First paragraph on narwhals.")
    cables = [
        cable(f"09ROME{n}", "2010-11-28 00:00", body=narwhals if n in (3, 4) else BODY, created=f"2009-01-0{n} 10:00")
        for n in range(1, ROMES + 1)
    ]
    cables += [cable(f"09PARIS{n}", "2010-11-28 00:00", origin="Embassy Paris") for n in range(1, 5)]
    site = write_site(tmp_path_factory.mktemp("hidden") / "site", cables)
    (site / "sitegen.toml").write_text(PUBLISHED_CONFIG)
    assert build(site, "2011-06-01 00:00", search=True).search_segments == 1
    revise = ["revise", "09ROME3", "--note", "corrected", "--released", "2011-01-10", "--site", str(site)]
    assert CliRunner().invoke(main, revise).exit_code == 0
    _replace(next(site.rglob("09ROME3.txt")), "narwhals", "walruses")
    _replace(
        next(site.rglob("09ROME4.txt")),
        "Reference-ID: 09ROME4\n",
        "Reference-ID: 09ROME4\nWithdrawn: 2011-01-11 00:00\n",
    )
    report = build(site, "2011-06-01 00:00", search=True)
    assert [p for p in problems(report) if p.severity == "error"] == []
    # The base holds both older entries hidden (no line, no posting), the revision's day the new one.
    reader = IndexReader(site / "output")
    assert [(s.name, s.count) for s in reader.segments] == [("base", ROMES + 4), ("r2011-01-10", 1)]
    assert len(list(reader.cables())) == ROMES + 4 - 1
    return site / "output"


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("width", [375, 1280])
def test_a_revised_cables_old_words_and_a_withdrawn_cable_are_found_nowhere(browser, hidden_output, how, width):
    with served(hidden_output) as url, Visit(browser, width) as page:
        start(page, hidden_output, url, how, "q=narwhals")
        assert status(page).startswith("No cables")
        ask(page, "walruses")
        assert shown_ids(page) == ["09ROME3"]
        ask(page, "paragraph")
        assert count_in(status(page)) == ROMES - 1 + 4
        ids = shown_ids(page)
        assert sorted(ids) == sorted(
            {*(f"09ROME{n}" for n in range(1, ROMES + 1)), *(f"09PARIS{n}" for n in range(1, 5))} - {"09ROME4"}
        )
        # The filters' counts come after the first results (in tasks of their own): wait for them.
        label = f"Embassy Rome ({ROMES - 1})"
        page.wait_for_function(
            "label => [...document.querySelectorAll('#search-origin option')].some(o => o.textContent === label)",
            arg=label,
        )
        page.select_option("#search-sort", "newest")
        page.wait_for_function(DONE)
        assert "09ROME4" not in shown_ids(page)
        assert shown_ids(page).count("09ROME3") == 1
