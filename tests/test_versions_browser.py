"""A cable's history page in a real browser (Chromium, axe-core) at a phone's and a desk's width:
readable without colour (ins and del carry words for screen readers), no sideways scroll."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, Visit, serious

axe_api = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")

SCREENSHOTS = REPO / "test-artifacts" / "screenshots" / "versions"
# The sample site ships two modified cables and one removed (content/history/).
HISTORY = "cable/2006/02/06REYKJAVIK7-history.html"
REMOVED = "cable/2007/07/07WARSAW6.html"


@pytest.fixture(scope="module")
def axe():
    return axe_api.Axe()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name, path", [("history", HISTORY), ("removed", REMOVED)])
def test_a_history_page_and_a_removed_page_read_at_every_width(browser, base_url, axe, name, path, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Visit(browser, width) as page:
        page.goto(base_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        assert serious(axe.run(page)) == []
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def test_the_diff_says_in_words_what_was_added_and_removed(browser, base_url):
    with Visit(browser, 1280) as page:
        page.goto(base_url + HISTORY)
        assert page.locator(".version-body del").first.text_content().startswith("[removed: XXXXXXXXXXXX")
        assert page.locator(".version-body ins").first.text_content().startswith("[added: Gunnarsson")
        # Without colour the marks still show: struck through and underlined.
        assert "line-through" in page.evaluate("getComputedStyle(document.querySelector('del')).textDecorationLine")
        assert "underline" in page.evaluate("getComputedStyle(document.querySelector('ins')).textDecorationLine")
