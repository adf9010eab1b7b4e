"""Shipping: sitegen check finds defects, sitegen pack makes a deterministic mirror kit, netlify.toml builds."""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.check import check_output, reference_ids_in, withheld_ids
from sitegen.cli import main
from tests.conftest import REPO
from tests.sites import build, cable, write_site

AS_OF = "2011-03-01 00:00"


@pytest.fixture
def built(tmp_path) -> Path:
    site = write_site(
        tmp_path / "site",
        [cable(f"09ROME{n}", "2010-12-01 00:00") for n in range(1, 4)] + [cable("09ROME9", None)],
    )
    build(site, AS_OF, search=True)
    return site


def test_check_passes_a_fresh_build(built):
    withheld, _ = withheld_ids(built, built / "output", None)
    assert withheld == {"09ROME9"}
    report = check_output(built / "output", withheld, jobs=1)
    assert report.ok, report.lines()
    assert report.figures["cable pages"] == 3


def test_check_finds_each_kind_of_defect(built):
    out = built / "output"
    cable_page = out / "cable" / "2009" / "01" / "09ROME1.html"
    html = cable_page.read_text()
    html = html.replace('href="#par1"', 'href="#par99"', 1)
    html = html.replace(
        "</main>",
        '<a href="/index.html">abs</a><a href="../nowhere.html">x</a><a href="09ROME2.html#nope">y</a> 09ROME9</main>',
    )
    cable_page.write_text(html)
    (out / "cable" / "2009" / "01" / "09ROME3.json").unlink()
    (out / "feed" / "releases.rss").write_text("<rss><channel>")
    sitemap = out / "sitemap.xml"
    sitemap.write_text(sitemap.read_text().replace("cable/2009/01/09ROME2.html", "cable/2009/01/gone.html"))
    report = check_output(out, frozenset({"09ROME9"}), jobs=1)
    kinds = set(report.defects)
    for expected in (
        "absolute link (breaks mirrors and file://)",
        "broken internal link",
        "missing fragment target",
        "cable page contract: paragraph whose ¶ link points elsewhere",
        "cable page without its .json twin",
        "feed does not parse",
        "sitemap entry without a page",
        "cable page missing from the sitemap",
        "unreleased cable appears in output",
    ):
        assert expected in kinds, (expected, sorted(kinds))


def test_check_reports_each_link_where_it_is_written(built):
    """Link verdicts are shared by the pages of one folder, never across folders."""
    out = built / "output"
    for page in (out / "cable" / "2009" / "01" / "09ROME1.html", out / "index.html", out / "about.html"):
        if page.exists():
            page.write_text(page.read_text().replace("</main>", '<a href="../origin/A.html">a</a></main>'))
    cable_page = out / "cable" / "2009" / "01" / "09ROME2.html"
    cable_page.write_text(cable_page.read_text().replace("</main>", '<a href="?q=1#nowhere">q</a></main>'))
    report = check_output(out, jobs=1)
    assert report.defects["broken internal link"] == ["cable/2009/01/09ROME1.html -> cable/2009/origin/A.html"]
    assert report.defects["escapes link (breaks mirrors and file://)"] == ["index.html -> ../origin/A.html"]
    assert report.defects["missing fragment target"] == ["cable/2009/01/09ROME2.html -> ?q=1#nowhere"]


def test_check_reads_every_kind_of_link_once_per_page(built):
    """Sources are links too; an empty link or fragment names the page itself; a link settled
    as good in one page of a folder is still judged where it is broken; a page with no
    attribute at all is read; a sitemap that is not well-formed XML is reported."""
    out = built / "output"
    folder = out / "cable" / "2009" / "01"
    first = folder / "09ROME1.html"
    first.write_text(
        first.read_text().replace(
            "</main>", '<img src="../../../static/none.png"><a href="">me</a><a href="#">top</a></main>'
        )
    )
    (out / "about").mkdir()
    (out / "about" / "bare.html").write_text("<p>no attributes</p>")
    (out / "about" / "links.html").write_text(
        '<html lang="en"><title>t</title><meta name="viewport"><a href="../index.html">ok</a><a id="x" href="#x">self</a></html>'
    )
    (out / "about" / "more.html").write_text(
        '<html lang="en"><title>t</title><meta name="viewport"><a href="../index.html#nowhere">no</a><a href="#y">y</a></html>'
    )
    sitemap = out / "sitemap.xml"
    sitemap.write_text(sitemap.read_text().replace("</urlset>", "<url><loc>cable/a&amp;b.html</loc></url></urlset>"))
    report = check_output(out, jobs=1)
    assert report.defects["broken internal link"] == ["cable/2009/01/09ROME1.html -> static/none.png"]
    assert sorted(report.defects["missing fragment target"]) == [
        "about/more.html -> #y",
        "about/more.html -> index.html#nowhere",
    ]
    assert report.defects["page without <html lang>"] == ["about/bare.html"]
    assert report.defects["sitemap entry without a page"] == ["cable/a&b.html"]
    sitemap.write_text(sitemap.read_text().replace("</urlset>", ""))
    assert "sitemap.xml missing or broken" in check_output(out, jobs=1).defects


def test_reference_ids_are_found_as_whole_words_only():
    text = b"09ROME9, 10STATE12-x X-09PARIS3 abc09ROME4 09ROME5x 1209ROME6 (08BAGHDAD123)\n07KABUL1 12X-09STATE1"
    assert reference_ids_in(text) == {"09ROME9", "10STATE12", "09PARIS3", "08BAGHDAD123", "07KABUL1", "09STATE1"}


def test_check_cli_exit_codes(built, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["check", "--site", str(built)]).exit_code == 0
    (built / "output" / "cable" / "2009" / "01" / "09ROME2.html").unlink()
    result = runner.invoke(main, ["check", "--site", str(built)])
    assert result.exit_code == 1
    assert "broken internal link" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(main, ["check", str(empty)])
    assert result.exit_code == 2
    assert "is not a built site" in result.output


def test_pack_is_deterministic_complete_and_refuses_to_overwrite(built, tmp_path):
    runner = CliRunner()
    archive = tmp_path / "kit.tar.gz"
    assert runner.invoke(main, ["pack", "--site", str(built), "--output", str(archive)]).exit_code == 0
    first = hashlib.sha256(archive.read_bytes()).hexdigest()
    refused = runner.invoke(main, ["pack", "--site", str(built), "--output", str(archive)])
    assert refused.exit_code == 2
    assert "--force" in refused.output
    os.utime(built / "output" / "index.html", (1, 1))
    assert runner.invoke(main, ["pack", "--site", str(built), "--output", str(archive), "--force"]).exit_code == 0
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == first
    renamed = tmp_path / "cablegate-mirror-2010-12-01.tar.gz"
    assert runner.invoke(main, ["pack", "--site", str(built), "--output", str(renamed)]).exit_code == 0
    assert renamed.read_bytes() == archive.read_bytes()  # the bytes do not depend on the file's name
    mirror = tmp_path / "www" / "mirrors" / "cables"
    mirror.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        assert all(m.mtime == 0 and m.uid == 0 and m.uname == "" for m in members)
        tar.extractall(mirror, filter="data")
    unpacked = mirror / "site"
    # Its steps work as written, run from the folder the archive was unpacked in.
    steps = (unpacked / "MIRROR.txt").read_text()
    assert "(cd site && sha256sum -c SHA256SUMS)" in steps
    assert "open site/index.html" in steps
    if shutil.which("sha256sum"):
        assert subprocess.run("cd site && sha256sum --quiet -c SHA256SUMS", shell=True, cwd=mirror).returncode == 0
    for line in (unpacked / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((unpacked / name).read_bytes()).hexdigest() == digest
    assert check_output(unpacked, frozenset({"09ROME9"}), jobs=1).ok


def test_netlify_config_builds_the_sample_site(tmp_path):
    config = tomllib.loads((REPO / "netlify.toml").read_text())
    assert config["build"]["publish"] == "output"
    headers = {h["for"]: h["values"] for h in config["headers"]}
    everything = headers["/*"]
    assert "default-src 'self'" in everything["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in everything["Content-Security-Policy"]
    assert "'unsafe-inline'" not in everything["Content-Security-Policy"]
    for name in ("X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"):
        assert name in everything
    assert "immutable" in headers["/static/*.css"]["Cache-Control"]
    assert "max-age=300" in headers["/*.html"]["Cache-Control"]
    assert headers["/feed/*.atom"]["Content-Type"].startswith("application/atom+xml")
    # Run the build command itself on a copy of the sample site, with this interpreter's sitegen.
    site = tmp_path / "site"
    shutil.copytree(
        REPO,
        site,
        ignore=shutil.ignore_patterns(".git", ".venv*", "output", ".sitegen-cache", "bench", "*.tar.gz"),
        symlinks=True,
    )
    bin_dir = Path(sys.executable).parent
    command = config["build"]["command"].replace("pip install . && ", "")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-c", command], cwd=site, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / config["build"]["publish"] / "index.html").exists()
    assert "no defects" in result.stdout
    assert shlex.split(config["build"]["command"])[:2] == ["pip", "install"]


def test_pack_reads_nothing_outside_the_output_nor_packs_a_kit_into_itself(built, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for mirrors\n")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "key.txt").write_text("nor this\n")
    output = built / "output"
    (output / "notes.txt").symlink_to(secret)
    (output / "more").symlink_to(tmp_path / "private")
    runner = CliRunner()
    kit = output / "mirror.tar.gz"
    result = runner.invoke(main, ["pack", "--site", str(built), "--output", str(kit)])
    assert result.exit_code == 1, result.output
    assert "notes.txt" in result.output
    assert "more" in result.output
    assert "symbolic link" in result.output
    result = runner.invoke(main, ["pack", "--site", str(built), "--output", str(kit), "--force"])
    assert result.exit_code == 1, result.output
    with tarfile.open(kit) as tar:
        names = tar.getnames()
        sums = tar.extractfile("site/SHA256SUMS").read().decode()
        data = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert "site/index.html" in names
    assert "site/.sitegen-output" not in names
    assert not [name for name in names if "notes.txt" in name or "/more" in name or "mirror.tar.gz" in name]
    assert "mirror.tar.gz" not in sums
    assert b"not for mirrors" not in data
    assert b"nor this" not in data


def test_check_flags_a_page_the_sitemap_lists_twice(built):
    """Issue 28: a page listed twice in the sitemap passed `check` with no defects."""
    sitemap = built / "output" / "sitemap.xml"
    entry = "<url><loc>cable/2009/01/09ROME1.html</loc></url>"
    sitemap.write_text(sitemap.read_text().replace("</urlset>", f"{entry}</urlset>"))
    report = check_output(built / "output", jobs=1)
    assert report.defects["sitemap lists a page more than once"] == ["cable/2009/01/09ROME1.html (2 times)"]
