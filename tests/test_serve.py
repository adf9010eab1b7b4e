"""The preview server: serving, content types, traversal, live rebuild with reload events and error overlays."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import threading
import time

import pytest

from sitegen.serve import EVENTS_PATH, SCRIPT_PATH, PreviewServer, at_depth_of
from tests.conftest import holds_throughout, wait_until
from tests.sites import build, cable, write_site


@pytest.fixture
def server(tmp_path):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00"), cable("09ROME2", "2010-12-01 00:00")])
    lines: list[str] = []
    preview = PreviewServer(site, "127.0.0.1", 0, log=lines.append, as_of="2011-01-01 00:00")
    preview.start()
    preview.lines = lines
    yield preview
    preview.stop()


def get(server: PreviewServer, path: str) -> tuple[int, dict, bytes]:
    host, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


class EventStream:
    """Reads Server-Sent Events from the preview server, one (event, data) at a time."""

    def __init__(self, server: PreviewServer):
        host, port = server.httpd.server_address[:2]
        self.connection = http.client.HTTPConnection(host, port, timeout=20)
        self.connection.request("GET", EVENTS_PATH)
        self.response = self.connection.getresponse()
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next(self) -> tuple[str, str]:
        event, data = "", ""
        while True:
            line = self.response.fp.readline().decode()
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: "):
                data = line[6:].strip()
            elif line == "\n" and event:
                return event, data

    def wait_for(self, wanted: str, seconds: float = 15) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            event, data = self.next()
            if event == wanted:
                return data
        raise AssertionError(f"no {wanted} event")

    def close(self) -> None:
        self.connection.close()


def test_serves_pages_with_the_reload_script_and_right_content_types(server):
    status, headers, body = get(server, "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert SCRIPT_PATH.encode() in body
    assert SCRIPT_PATH.encode() not in (server.output / "index.html").read_bytes()
    for path, kind in (
        ("/cable/2009/01/09ROME1.json", "application/json"),
        ("/feed/releases.rss", "application/rss+xml"),
        ("/feed/releases.atom", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        (SCRIPT_PATH, "text/javascript"),
    ):
        status, headers, _ = get(server, path)
        assert status == 200, path
        assert headers["Content-Type"].startswith(kind), path
    css = next(p for p in (server.output / "static").iterdir() if p.suffix == ".css")
    assert get(server, f"/static/{css.name}")[1]["Content-Type"].startswith("text/css")
    status, _, body = get(server, "/origin/embassy-rome/")
    assert status == 200
    assert b"Cables from Embassy Rome" in body
    assert get(server, "/origin/embassy-rome")[0] == 301
    status, _, body = get(server, "/cable/2009/01/09ROME9.html")
    assert status == 404
    assert b"Page not found" in body


@pytest.mark.parametrize(
    "path",
    [
        "/../sitegen.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/cable/..%2F..%2F..%2Fcontent/cables",
        "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "/index.html%00.txt",
    ],
)
def test_paths_leaving_the_output_are_refused(server, path):
    status, _, body = get(server, path)
    assert status in (403, 404)
    assert b"Reference-ID" not in body
    assert b"root:" not in body


def test_symlink_out_of_the_output_is_refused(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve")
    os.symlink(secret, server.output / "leak.txt")
    status, _, body = get(server, "/leak.txt")
    assert status == 403
    assert b"do not serve" not in body


def test_editing_a_cable_rebuilds_and_sends_reload(server):
    events = EventStream(server)
    assert [p for p in json.loads(events.wait_for("problems")) if "base_url is not set" not in p] == []
    path = next((server.site_dir / "content").rglob("09ROME2.txt"))
    path.write_bytes(path.read_bytes().replace(b"SUBJECT: A TEST CABLE", b"SUBJECT: LIVE EDIT"))
    events.wait_for("reload")
    events.close()
    assert b"LIVE EDIT" in get(server, "/cable/2009/01/09ROME2.html")[2]


def test_template_error_shows_an_overlay_and_the_next_good_build_clears_it(server):
    events = EventStream(server)
    events.wait_for("problems")
    templates = server.site_dir / "templates"
    templates.mkdir()
    (templates / "404.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n')
    problems = [p for p in json.loads(events.wait_for("problems")) if "base_url is not set" not in p]
    assert problems
    assert "templates/404.html:3: template error" in problems[0]
    assert get(server, "/")[0] == 200  # still serving the last good build
    (templates / "404.html").write_text(
        '{% extends "base.html" %}\n{% block main %}<h1>Gone fishing</h1>{% endblock %}\n'
    )
    events.wait_for("reload")
    assert b"Gone fishing" in get(server, "/nowhere.html")[2]
    events.close()


def test_bad_cable_is_reported_and_the_server_stays_up(server):
    events = EventStream(server)
    events.wait_for("problems")
    path = next((server.site_dir / "content").rglob("09ROME2.txt"))
    path.write_bytes(path.read_bytes().replace(b"Created: 2009-01-01 00:00", b"Created: someday"))
    events.wait_for("reload")
    status, _, _ = get(server, "/")
    assert status == 200
    assert any("09ROME2.txt:3" in line for line in server.lines)
    events.close()


def test_non_loopback_host_warns(tmp_path):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])
    lines: list[str] = []
    probe = socket.socket()
    probe.bind(("0.0.0.0", 0))
    probe.close()
    preview = PreviewServer(site, "0.0.0.0", 0, log=lines.append, as_of="2011-01-01 00:00")
    preview.start()
    preview.stop()
    assert any("warning" in line for line in lines)


class EventCounter:
    """Counts the reload events one open page receives, in a thread of its own."""

    def __init__(self, server: PreviewServer):
        self.stream = EventStream(server)
        self.stream.wait_for("problems")
        self.reloads = 0
        self.thread = threading.Thread(target=self._count, daemon=True)
        self.thread.start()

    def _count(self) -> None:
        try:
            while True:
                if self.stream.next()[0] == "reload":
                    self.reloads += 1
        except (OSError, ValueError):
            pass  # the stream closed


def rebuilds(server: PreviewServer) -> int:
    return sum(line.startswith("rebuilt in") for line in server.lines)


@pytest.mark.parametrize("edit", ["template", "config", "page"])
def test_one_edit_gives_one_rebuild_and_one_reload_then_quiet(server, edit):
    counter = EventCounter(server)
    before = rebuilds(server)
    site = server.site_dir
    if edit == "template":
        (site / "templates").mkdir()
        (site / "templates" / "404.html").write_text('{% extends "base.html" %}{% block main %}Gone{% endblock %}\n')
    elif edit == "config":
        (site / "sitegen.toml").touch()
    else:
        (site / "content" / "pages").mkdir(parents=True, exist_ok=True)
        (site / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\nHello.\n")

    def settled(count: int) -> bool:
        return rebuilds(server) - before == count and counter.reloads == count

    wait_until(lambda: settled(1), "one rebuild and one reload after the edit")
    # The build's own reads and writes must not start another build. An absence needs a window: long
    # enough for a spurious rebuild (a debounce, then a build) to show even on a loaded machine.
    holds_throughout(lambda: settled(1), "one rebuild and one reload, and no more", 5)
    if edit == "template":  # a source folder made while serving is watched from then on
        (site / "templates" / "404.html").write_text(
            '{% extends "base.html" %}{% block main %}Gone again{% endblock %}\n'
        )
        wait_until(lambda: settled(2), "a second rebuild and reload after editing the new folder's template")
        assert b"Gone again" in get(server, "/nowhere.html")[2]
    counter.stream.close()


def test_odd_paths_get_an_answer_and_one_line_of_log(server, capfd):
    os.symlink("loop-b", server.output / "loop-a")
    os.symlink("loop-a", server.output / "loop-b")
    for path in ("/" + "a" * 300 + ".html", "/cable/" + "b" * 300 + "/x.html", "/loop-a", "/loop-a/x.html"):
        status, _, _ = get(server, path)
        assert status in (400, 404), path
    assert "Traceback" not in capfd.readouterr().err
    logged = [line for line in server.lines if line.startswith("serve: 404 for")]
    assert len(logged) == 4, server.lines  # one line each, naming the request briefly, never the whole path
    assert not [line for line in logged if "a" * 300 in line or "b" * 300 in line]
    assert get(server, "/")[0] == 200


def test_the_404_page_deep_in_the_site_finds_its_stylesheet_and_links(server):
    status, _, body = get(server, "/cable/2009/01/09ROME9.html")
    assert status == 404
    assert b'<head><base href="../../../">' in body
    stylesheet = re.search(rb'<link rel="stylesheet" href="([^"]+)"', body).group(1).decode()
    assert not stylesheet.startswith(("/", "http"))  # relative: the base sends it to the root
    assert get(server, "/" + stylesheet)[0] == 200
    assert b"<base" not in get(server, "/nowhere.html")[2]  # at the root nothing is added


def test_with_a_base_url_the_preview_404_page_links_to_this_server_not_the_published_site(tmp_path):
    site = write_site(tmp_path / "site", [cable("09ROME1", "2010-12-01 00:00")])
    (site / "sitegen.toml").write_text('title = "T"\nbase_url = "https://cables.example.org/"\n')
    build(site)
    page = (site / "output" / "404.html").read_bytes()
    # The page links from the root wherever it is served (its own script finds the root), never
    # to the published site: the preview serves it as it is, with a base at the request's depth.
    assert b"https://cables.example.org/" not in page
    preview = at_depth_of(page, "/cable/2009/01/09ROME9.html")
    assert b'<head><base href="../../../">' in preview
    stylesheet = re.search(rb'<link rel="stylesheet" href="([^"]+)"', preview).group(1).decode()
    assert stylesheet.startswith("static/")
    assert (site / "output" / stylesheet).is_file()
