"""The config schema: defaults, validation by key, and the scaffold documenting every key."""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass, fields
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import (
    Config,
    MarkdownOptions,
    chrome_keys,
    config_from_mapping,
    keys_read_by,
    load_config,
    parse_moment,
)
from sitegen.config_options import Bool, Invalid, Option, Table, option
from sitegen.kinds import CHROME_CONFIG, CONFIG_BY_KIND, KINDS
from sitegen.scaffold import SCAFFOLD
from tests.conftest import REPO


def test_scaffold_config_documents_every_key_and_loads_cleanly(tmp_path):
    text = (SCAFFOLD / "sitegen.toml").read_text()
    for key in fields(Config):
        assert f"{key.name} =" in text or f"[[{key.name}]]" in text or f"[{key.name}]" in text, key.name
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


# -- the schema's options, one key a type ---------------------------------------------------


@dataclass(frozen=True)
class _Switches:
    """A config table with a boolean key, as a site's `[markdown]` is one."""

    enabled: bool = option(Bool(), False)


def test_a_boolean_key_accepts_true_and_false_and_rejects_yes():
    """Issue 31: a boolean key was refused ("expected a whole number, got bool")."""
    assert Bool().convert(True) is True
    assert Bool().convert(False) is False
    table = Table(_Switches)
    assert table.convert({"enabled": True}) == _Switches(True)
    assert table.convert({"enabled": False}) == _Switches(False)
    assert table.convert({"enabled": "yes"}) == Invalid("enabled: expected true or false, got str")
    assert Bool().convert(1) == Invalid("expected true or false, got int")


@pytest.mark.parametrize(
    "key, value, reason",
    [
        ("title", 3, "expected text, got int"),
        ("language", "en us", "'en us' is not a language tag such as en or pt-BR"),
        ("base_url", "ftp://example.org/", "expected an http(s) URL"),
        ("mastodon_instance", "a b", "'a b' is not a host name such as mastodon.social"),
        ("total_cables", -1, "must not be negative"),
        ("total_cables", True, "expected a whole number, got bool"),
        ("page_size", 0, "must be 1 or more"),
        ("feed_size", 2.5, "expected a whole number, got float"),
        ("hashtags", ["a", 1], "expected a list of text values"),
        ("share_targets", ["twitter", "myspace"], "unknown share target(s) ['myspace']; known: twitter, mastodon"),
        ("as_of", "2010-13-01", "expected YYYY-MM-DD or YYYY-MM-DD HH:MM"),
        ("support_links", [{"title": "x"}], "expected a list of tables with title and url: [[support_links]]"),
        ("community_links", [{"title": "x", "url": "data:x"}], "url 'data:x' is not an http, https, mailto or"),
        ("tag_descriptions", {"PREL": 1}, 'expected a table of TAG = "description"'),
        ("markdown", {"raw_html": 1}, "raw_html: expected true or false, got int"),
        ("markdown", "no", "expected a table [raw_html]"),
    ],
)
def test_each_type_of_key_rejects_what_is_not_of_its_type_naming_key_file_and_line(key, value, reason):
    text = f"# a site\n{key} = ...\n"
    config, problems = config_from_mapping({key: value}, "site/sitegen.toml", text)
    assert len(problems) == 1, problems
    assert problems[0].path == "site/sitegen.toml"
    assert problems[0].line == 2
    assert problems[0].message.startswith(f"key {key!r}: {reason}"), problems[0].message
    assert getattr(config, key) == getattr(Config(), key)


def test_a_retired_key_is_a_warning_and_an_unknown_one_an_error():
    _, problems = config_from_mapping({"search_shard_cables": 3, "page_sise": 3}, "sitegen.toml", "page_sise = 3\n")
    assert [(p.severity, p.line) for p in problems] == [("warning", 0), ("error", 1)]
    assert problems[0].message.startswith("key 'search_shard_cables' is no longer used")
    assert problems[1].message.startswith("unknown key 'page_sise' (known: as_of, base_url")


def test_every_key_names_an_option_and_only_page_kinds_that_exist():
    for key in fields(Config):
        assert isinstance(key.metadata["option"], Option), key.name
        named = {reader for reader in key.metadata["read_by"] if isinstance(reader, str)}
        assert named <= set(KINDS), key.name


@pytest.mark.parametrize(
    "kind, keys",
    [
        ("home", {"total_cables", "latest_release_size"}),
        ("cable", {"hashtags", "share_targets", "mastodon_instance", "tag_descriptions"}),
        ("tag-month", {"page_size", "tag_descriptions"}),
        ("origin-month", {"page_size"}),
        ("release", {"page_size"}),
        ("origin", {"page_size"}),  # whether it lists all its cables or has month pages
        ("tag-calendar", {"page_size", "tag_descriptions"}),
        ("day", {"page_size"}),
        ("tag-feed", {"feed_size"}),
        ("releases-feed", {"feed_size"}),
        ("article", {"markdown"}),
        ("sitemap", set()),
    ],
)
def test_each_kind_reads_the_keys_its_pages_show(kind, keys):
    assert set(KINDS[kind].config) == keys
    assert CONFIG_BY_KIND.get(kind, ()) == KINDS[kind].config


def test_a_key_read_by_a_shape_reaches_a_kind_written_later():
    """`feed_size` is read by every feed and `page_size` by every paged listing, so a new feed
    (one per classification, say) reads its key without config.py naming it."""
    new_feed = SimpleNamespace(name="classification-feed", feed=True, listing="")
    new_month = SimpleNamespace(name="signer-month", feed=False, listing="month")
    assert keys_read_by(new_feed) == ("feed_size",)
    assert keys_read_by(new_month) == ("page_size",)
    assert keys_read_by(SimpleNamespace(name="nothing", feed=False, listing="")) == ()


def test_the_chrome_keys_are_those_every_page_with_chrome_shows():
    assert set(chrome_keys()) == {
        "title",
        "tagline",
        "language",
        "base_url",
        "support_links",
        "community_links",
        "explainer",
    }
    assert CHROME_CONFIG == chrome_keys()


def _scaffold_values() -> dict[str, object]:
    """The scaffold's keys with their values, the commented-out examples included."""
    text = (SCAFFOLD / "sitegen.toml").read_text()
    uncommented = re.sub(r"(?m)^# (\[\[?\w+\]\]?|(?:title|url)\b)", r"\1", text)
    return tomllib.loads(uncommented)


def test_the_scaffold_documents_each_key_with_its_default_or_an_example_of_its_type():
    """`sitegen init`'s sitegen.toml is the config's documentation: every key, its default where
    it writes a plain value, and an example its option accepts where it writes a table."""
    documented = _scaffold_values()
    assert sorted(documented) == sorted(key.name for key in fields(Config))
    for key in fields(Config):
        converted = key.metadata["option"].convert(documented[key.name])
        assert not isinstance(converted, Invalid), (key.name, converted)
        if not isinstance(converted, dict | MarkdownOptions) and key.name not in ("support_links", "community_links"):
            assert converted == getattr(Config(), key.name), key.name
