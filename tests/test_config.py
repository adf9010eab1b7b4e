"""The config schema: defaults, validation by key, and the scaffold documenting every key."""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import fields

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import Config, config_from_mapping, load_config, parse_moment
from sitegen.scaffold import SCAFFOLD
from tests.conftest import REPO


def test_scaffold_config_documents_every_key_and_loads_cleanly(tmp_path):
    text = (SCAFFOLD / "sitegen.toml").read_text()
    for option in fields(Config):
        assert f"{option.name} =" in text or f"[[{option.name}]]" in text or f"[{option.name}]" in text, option.name
    config, problems = config_from_mapping(tomllib.loads(text), "sitegen.toml", text)
    assert problems == []
    assert config.tag_descriptions["PREL"] == "External political relations"


def test_bad_values_are_named():
    _, problems = config_from_mapping(
        {"page_size": 0, "share_targets": ["myspace"], "base_url": "cables.org", "hashtags": "cablegate"}
    )
    messages = " ".join(p.message for p in problems)
    for key in ("page_size", "share_targets", "base_url", "hashtags"):
        assert f"'{key}'" in messages


def test_base_url_gets_a_trailing_slash_and_hashtags_lose_their_hash():
    config, problems = config_from_mapping({"base_url": "https://x.org", "hashtags": ["#cablegate"]})
    assert problems == []
    assert config.base_url == "https://x.org/"
    assert config.hashtags == ("cablegate",)


def test_invalid_toml_names_the_line(tmp_path):
    (tmp_path / "sitegen.toml").write_text('title = "x"\npage_size = = 3\n')
    _, problems = load_config(tmp_path)
    assert problems[0].line == 2


def test_moments():
    assert parse_moment("2010-11-28") == "2010-11-28 00:00"
    assert parse_moment("2010-11-28", end_of_day=True) == "2010-11-28 23:59"
    assert parse_moment("2010-11-28 14:05") == "2010-11-28 14:05"
    assert parse_moment("28/11/2010") is None


def test_init_scaffolds_a_site_that_builds_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    site = tmp_path / "new"
    assert runner.invoke(main, ["init", str(site)]).exit_code == 0
    assert (site / "sitegen.toml").exists()
    assert (site / "content" / "pages" / "understanding-cables.md").exists()
    result = runner.invoke(main, ["build", "--site", str(site)])
    # A new site is told to set its address, which its share links need.
    assert result.exit_code == 0
    assert "0 errors, 1 warning" in result.output
    assert "warning: sitegen.toml:12: base_url is not set" in result.output
    assert (site / "output" / "understanding-cables.html").exists()
    assert runner.invoke(main, ["init", str(site)]).exit_code == 2


def test_the_sample_site_builds_from_a_plain_copy(tmp_path):
    """A user copies the sample site with cp -r: it holds no link back into the package."""
    assert [p for p in (REPO / "content").rglob("*") if p.is_symlink()] == []
    copy = tmp_path / "copy"
    for name in ("content", "templates", "sitegen.toml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, copy / name)
        elif source.exists():
            shutil.copy(source, copy / name)
    result = CliRunner().invoke(main, ["build", "--site", str(copy), "--no-search"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output, result.output
    explainer = "content/pages/understanding-cables.md"
    assert (REPO / explainer).read_bytes() == (REPO / "sitegen" / "scaffold" / explainer).read_bytes()


BAD_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://example.org/\n<script>",
    'https://example.org/"onmouseover="alert(1)',
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("key", ["support_links", "community_links"])
def test_a_link_that_is_not_http_https_mailto_or_relative_is_rejected_by_key(key, url):
    """Issue 28: `[[support_links]] url = "javascript:..."` was published on every page."""
    config, problems = config_from_mapping({key: [{"title": "Donate", "url": url}]}, "sitegen.toml")
    assert [p.message.split(":")[0] for p in problems] == [f"key {key!r}"], problems
    assert "http, https, mailto or relative" in problems[0].message
    assert getattr(config, key) == ()


@pytest.mark.parametrize(
    "url", ["https://example.org/donate", "http://example.org/", "mailto:desk@example.org", "about.html", "/x", "#top"]
)
def test_http_https_mailto_and_relative_links_are_kept(url):
    config, problems = config_from_mapping({"support_links": [{"title": "Donate", "url": url}]})
    assert problems == []
    assert config.support_links[0].url == url


@pytest.mark.parametrize(
    "key, value",
    [
        ("base_url", "javascript:alert(1)//"),
        ("base_url", "https://example.org/ x/"),
        ("base_url", 'https://example.org/"><script>/'),
        ("mastodon_instance", "evil.example/phish?"),
        ("mastodon_instance", "javascript:alert(1)"),
        ("language", 'en"><script>alert(1)</script>'),
    ],
)
def test_bad_url_host_and_language_values_are_named(key, value):
    config, problems = config_from_mapping({key: value})
    assert len(problems) == 1, problems
    assert problems[0].message.startswith(f"key {key!r}:"), problems
    assert getattr(config, key) == getattr(Config(), key)


def test_markdown_raw_html_is_a_boolean_in_its_own_table():
    assert Config().markdown.raw_html is True  # sites made before the key keep HTML in markdown
    config, problems = config_from_mapping({"markdown": {"raw_html": False}})
    assert problems == []
    assert config.markdown.raw_html is False
    for bad in ({"raw_html": "no"}, {"raw_htm": False}, True):
        config, problems = config_from_mapping({"markdown": bad})
        assert len(problems) == 1, problems
        assert problems[0].message.startswith("key 'markdown':"), problems
        assert config.markdown.raw_html is True


def test_init_asks_for_the_address_and_says_what_is_left_out_without_one(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["init", str(tmp_path / "bare")])
    assert result.exit_code == 0
    assert "no --base-url given" in result.output
    assert "Facebook, Reddit" in result.output
    assert "sitegen release YYYY-MM-DD --ids" in result.output  # the hint names every step
    result = runner.invoke(main, ["init", str(tmp_path / "placed"), "--base-url", "https://cables.example.org"])
    assert result.exit_code == 0
    assert "no --base-url" not in result.output
    config = (tmp_path / "placed" / "sitegen.toml").read_text()
    assert 'base_url = "https://cables.example.org/"' in config
    assert runner.invoke(main, ["init", str(tmp_path / "bad"), "--base-url", "cables.example.org"]).exit_code == 2


def test_a_build_with_nothing_released_says_how_to_release(tmp_path):
    from tests.sites import cable, write_site

    site = write_site(tmp_path / "site", [cable("09ROME1", None)])
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--no-search"])
    assert result.exit_code == 0
    assert "no cable is released as of" in result.output
    assert "(1 cable in the site)" in result.output
    assert "sitegen release" in result.output
    empty = tmp_path / "empty"
    (empty / "content" / "cables").mkdir(parents=True)
    result = CliRunner().invoke(main, ["build", "--site", str(empty), "--no-search"])
    assert "holds no cables yet: sitegen import" in result.output


def test_without_a_base_url_every_atom_id_is_a_uri(tmp_path):
    import xml.etree.ElementTree as ElementTree

    from tests.sites import cable, write_site

    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2010-12-01 00:00")])
    assert CliRunner().invoke(main, ["build", "--site", str(site), "--no-search"]).exit_code == 0
    atom = ElementTree.parse(site / "output" / "feed" / "releases.atom")
    ids = [element.text or "" for element in atom.iter("{http://www.w3.org/2005/Atom}id")]
    assert len(ids) == 3, ids
    assert all(re.match(r"(urn|tag|https?):", value) for value in ids), ids
    assert "urn:cable:09ROME1" in ids
