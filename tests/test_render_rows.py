"""Rows of cable lists are rendered once and shown at every folder depth: each row must still
link right from its page, and a theme whose row reads its root must get its own row per depth."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from sitegen.render.rows import ROW_ROOT
from sitegen.render.site import BUILTIN_TEMPLATES
from tests.sites import BODY, assert_same_tree, build, cable, write_site


def site_with_cables(root: Path, subject_of_first: str = "A TEST CABLE") -> Path:
    records = [
        replace(
            cable(f"09ROME{number}", "2010-11-28 00:00"),
            created=f"2009-0{1 + number % 2}-{number:02d} 10:00",
            body=BODY.replace("A TEST CABLE", subject_of_first if number == 1 else f"CABLE {number}"),
        )
        for number in range(1, 8)
    ]
    site = write_site(root, records)
    (site / "sitegen.toml").write_text('title = "Test"\npage_size = 3\n')
    return site


def list_pages(output: Path) -> list[Path]:
    """Pages holding a cable list, at three folder depths (home, a month of the archive, origin/tag/release)."""
    pages = [p for p in sorted(output.rglob("*.html")) if b'<table class="cable-list' in p.read_bytes()]
    assert {len(p.relative_to(output).parts) for p in pages} == {1, 2, 3}
    return pages


def row_links(page: Path) -> list[str]:
    body = page.read_text().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="([^"]+)">09ROME\d+</a>', body)


def test_every_row_links_to_its_cable_from_every_depth(tmp_path):
    site = site_with_cables(tmp_path / "site")
    build(site)
    output = site / "output"
    checked = 0
    for page in list_pages(output):
        for href in row_links(page):
            assert (page.parent / href).resolve().is_file(), (page, href)
            checked += 1
    assert checked > 20


def test_no_page_shows_the_placeholder_root_with_or_without_a_base_url(tmp_path):
    """With a base URL some links are absolute (the 404 page's); rows stay relative, and the
    placeholder they are rendered with never reaches a page."""
    site = site_with_cables(tmp_path / "site")
    (site / "sitegen.toml").write_text('title = "Test"\npage_size = 3\nbase_url = "https://mirror.example/a&b/"\n')
    build(site)
    output = site / "output"
    assert ROW_ROOT not in "".join(p.read_text() for p in output.rglob("*.html"))
    for page in list_pages(output):
        assert all(not href.startswith("https://") for href in row_links(page))


def test_a_row_template_that_reads_its_root_gets_its_own_row_at_each_depth(tmp_path):
    site = site_with_cables(tmp_path / "site")
    macros = (BUILTIN_TEMPLATES / "macros.html").read_text()
    row = '<tr data-depth="{{ root|length // 3 }}"{% if not root %} class="top"{% endif %}>\n<td class="refid"><a href="{{ root }}{{ cable.url }}">'
    assert '<tr>\n<td class="refid"><a href="{{ root }}{{ cable.url }}">' in macros
    (site / "templates").mkdir()
    (site / "templates" / "macros.html").write_text(
        macros.replace('<tr>\n<td class="refid"><a href="{{ root }}{{ cable.url }}">', row, 1)
    )
    build(site)
    output = site / "output"
    for page in list_pages(output):
        depth = len(page.relative_to(output).parts) - 1
        rows = re.findall(r'<tr data-depth="(\d+)"( class="top")?>', page.read_text())
        assert rows, page
        assert all(int(shown) == depth and bool(top) == (depth == 0) for shown, top in rows), page
        assert all((page.parent / href).resolve().is_file() for href in row_links(page))


def test_a_subject_holding_the_placeholder_text_is_shown_as_written(tmp_path):
    subject = f"ODD {ROW_ROOT} SUBJECT"
    site = site_with_cables(tmp_path / "site", subject_of_first=subject)
    build(site)
    output = site / "output"
    shown = [page for page in list_pages(output) if "ODD " in page.read_text()]
    assert shown
    for page in shown:
        assert f'<td class="subject">{subject}</td>' in page.read_text(), page


def test_rows_dropped_at_the_bound_are_rendered_again_the_same(tmp_path, monkeypatch):
    kept, dropped = site_with_cables(tmp_path / "kept"), site_with_cables(tmp_path / "dropped")
    build(kept)
    monkeypatch.setattr("sitegen.render.rows.ROWS_KEPT", 2)  # the rows kept are dropped every two rows
    build(dropped)
    assert_same_tree(dropped / "output", kept / "output")
