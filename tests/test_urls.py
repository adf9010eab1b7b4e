"""URLs and paths: each spelled in one place (urls.py, layout.py), and the joins they offer."""

from __future__ import annotations

from sitegen import urls
from sitegen.config import Config


def test_absolute_joins_the_base_url_or_gives_nothing_without_one():
    page = "cable/2009/01/09ROME1.html"
    assert urls.absolute(Config(base_url="https://cables.example.org/"), page) == f"https://cables.example.org/{page}"
    assert urls.absolute("https://x.org/", urls.SITEMAP) == "https://x.org/sitemap.xml"
    assert urls.absolute(Config(), page) == ""
    assert urls.absolute("", page) == ""


def test_a_sitemap_part_is_spelled_as_the_quick_path_finds_it():
    assert urls.sitemap_part(12) == "sitemap-12.xml"
    assert all(urls.SITEMAP_PART.fullmatch(urls.sitemap_part(n)) for n in (1, 9, 10, 123))
    assert not urls.SITEMAP_PART.fullmatch(urls.SITEMAP)
