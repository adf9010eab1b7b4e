"""Serve: preview a site on localhost, rebuild when its sources change, and tell open pages to reload.

Knows nothing of parsing or rendering: it calls build_site and serves output/. Pages served
here get a small reload script injected into the response (never into the files); it
listens on Server-Sent Events for `reload` after a good build and `problems` after a bad one,
which it shows as an overlay.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import mimetypes
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from sitegen import urls
from sitegen.builder import BuildMemory, BuildOptions, BuildRefused, BuildReport, build_site
from sitegen.layout import CONFIG_NAME, SOURCE_FOLDERS, SiteLayout

DEBOUNCE_SECONDS = 0.15
# Watchdog 6+ also reports opens and closes without a write, the build's own reads among them:
# only these kinds mean a source changed (a close after writing marks a save that is complete).
CHANGE_EVENTS = frozenset(
    {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED, EVENT_TYPE_CLOSED}
)
EVENTS_PATH = "/__sitegen/events"
SCRIPT_PATH = "/__sitegen/reload.js"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}
# Served at SCRIPT_PATH by the preview server only; it is never copied into output/.
RELOAD_SCRIPT = (Path(__file__).resolve().parent / "reload.js").read_bytes()


@dataclass
class BuildState:
    """The outcome of the latest build, shared between the builder and the request handlers."""

    generation: int = 0  # every build
    built: int = 0  # builds that produced a site to reload
    problems: list[str] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, problems: list[str], built: bool) -> None:
        with self.condition:
            self.generation += 1
            self.built += built
            self.problems = problems
            self.condition.notify_all()


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def resolve_request(output: Path, raw_path: str) -> tuple[Path | None, int]:
    """The file a request path names inside `output`, or (None, 403/404).

    Refuses anything that would leave the folder: `..` segments (also percent-encoded),
    backslashes, NUL bytes and symlinks that point outside.
    """
    path = unquote(urlsplit(raw_path).path)
    if "\x00" in path or "\\" in path:
        return None, HTTPStatus.FORBIDDEN
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if ".." in segments:
        return None, HTTPStatus.FORBIDDEN
    candidate = output.joinpath(*segments)
    if candidate.is_dir():
        if not path.endswith("/") and segments:
            return candidate, HTTPStatus.MOVED_PERMANENTLY
        candidate = candidate / urls.INDEX
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        return None, HTTPStatus.NOT_FOUND
    if not real.is_relative_to(output.resolve()):
        return None, HTTPStatus.FORBIDDEN
    if not real.is_file():
        return None, HTTPStatus.NOT_FOUND
    return real, HTTPStatus.OK


# The header's link home, as the built-in theme writes it: what precedes index.html is the root.
_HOME_LINK = re.compile(rb'<a class="site-title" href="([^"]*)index\.html"')


def at_depth_of(html: bytes, request_path: str) -> bytes:
    """The 404 page as a page at `request_path`'s depth. Built without base_url its links are
    relative to the site's root: a <base> first thing in its head sends them back there. Built
    with one they lead to the published site, which a preview may not have yet: here they lead
    to this server's root instead."""
    home = _HOME_LINK.search(html)
    if home and home.group(1).startswith((b"http://", b"https://")):
        return html.replace(b'"' + home.group(1), b'"/')
    depth = urlsplit(request_path).path.count("/") - 1
    if depth <= 0:
        return html
    return html.replace(b"<head>", b'<head><base href="' + b"../" * depth + b'">', 1)


def inject_reload(html: bytes) -> bytes:
    tag = f'<script src="{SCRIPT_PATH}"></script>'.encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


def _shown(request_path: str, limit: int = 80) -> str:
    """A request path as a log line shows it: cut short, since a client chooses its length."""
    return request_path if len(request_path) <= limit else request_path[:limit] + "..."


class _PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, log):
        super().__init__(address, handler)
        self.log = log

    def handle_error(self, request, client_address) -> None:
        """One line for a request that failed, not a traceback holding the whole request."""
        error = sys.exc_info()[1]
        if isinstance(error, (BrokenPipeError, ConnectionResetError)):
            return  # the browser went away (a reload, a closed tab)
        self.log(f"serve: a request from {client_address[0]} failed: {type(error).__name__}: {_shown(str(error))}")


def _moved_on(state: BuildState, stopping: threading.Event, seen: int) -> bool:
    return state.generation != seen or stopping.is_set()


class PreviewHandler(BaseHTTPRequestHandler):
    """Answers one request: a file of the output (HTML with the reload script put in), the
    reload script, or the stream of build events. make_handler says which output and state."""

    server_version = "sitegen-serve"
    output: Path
    state: BuildState
    stopping: threading.Event
    log: Callable[[str], object]

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        pass

    def do_GET(self) -> None:
        if self.path == EVENTS_PATH:
            return self._events()
        if self.path == SCRIPT_PATH:
            return self._send(HTTPStatus.OK, RELOAD_SCRIPT, "text/javascript; charset=utf-8")
        path, status = self._resolve()
        if status == HTTPStatus.MOVED_PERMANENTLY:
            self.send_response(status)
            self.send_header("Location", urlsplit(self.path).path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif status == HTTPStatus.FORBIDDEN:
            self._send(status, b"403 Forbidden\n", "text/plain; charset=utf-8")
        elif path is None:
            missing = self.output / urls.NOT_FOUND
            if missing.is_file():
                body = inject_reload(at_depth_of(missing.read_bytes(), self.path))
            else:
                body = b"404 Not Found\n"
            self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8")
        else:
            body, kind = path.read_bytes(), content_type(path)
            self._send(HTTPStatus.OK, inject_reload(body) if kind.startswith("text/html") else body, kind)

    def _resolve(self) -> tuple[Path | None, int]:
        try:
            return resolve_request(self.output, self.path)
        except (OSError, RuntimeError) as error:  # RuntimeError: pathlib's symlink loop before 3.13
            # A name too long for the file system, a loop of links: not a page of this site.
            why = error.strerror if isinstance(error, OSError) else str(error).partition(":")[0]
            type(self).log(f"serve: 404 for {_shown(self.path)} ({why})")
            return None, HTTPStatus.NOT_FOUND

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the problems of every build, and `reload` after a good one."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state, stopping = self.state, self.stopping
        with state.condition:
            seen, seen_built = state.generation, state.built
            problems = list(state.problems)
        try:
            self.wfile.write(f"event: problems\ndata: {json.dumps(problems)}\n\n".encode())
            self.wfile.flush()
            while not stopping.is_set():
                with state.condition:
                    state.condition.wait_for(functools.partial(_moved_on, state, stopping, seen), timeout=15)
                    changed, rebuilt = state.generation != seen, state.built != seen_built
                    seen, seen_built, problems = state.generation, state.built, list(state.problems)
                if stopping.is_set():
                    break
                message = ": keep-alive\n\n"
                if changed:
                    message = "event: problems\ndata: " + json.dumps(problems) + "\n\n"
                if rebuilt:
                    message += "event: reload\ndata: {}\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


def make_handler(
    output: Path, state: BuildState, stopping: threading.Event, log: Callable[[str], object] = print
) -> type[PreviewHandler]:
    """A handler class for one preview server: its output folder, build state and log."""
    return type(
        "Handler",
        (PreviewHandler,),
        {"output": output, "state": state, "stopping": stopping, "log": staticmethod(log)},
    )


class _SourceWatcher(FileSystemEventHandler):
    """Collects changes to the site's sources; the builder thread waits on `changed`."""

    def __init__(self, site_dir: Path, ignored: list[Path]):
        self.site_dir = site_dir
        self.ignored = [str(path) for path in ignored]
        self.changed = threading.Event()
        self.last_change = 0.0

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS:
            return
        # A folder's own "modified" only echoes a child created, deleted or moved, which comes as
        # an event of its own; for the site folder it is the build swapping output/ in.
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        for path in filter(None, paths):
            path = os.fsdecode(path)
            if any(path.startswith(prefix) for prefix in self.ignored):
                continue
            name = os.path.basename(path)
            if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
                continue
            if os.path.dirname(path) == str(self.site_dir) and name not in (CONFIG_NAME, *SOURCE_FOLDERS):
                continue
            self.last_change = time.monotonic()
            self.changed.set()
            return


def describe(report: BuildReport) -> list[str]:
    return [f"{p.severity}: {p}" for p in report.problems]


class PreviewServer:
    """Builds, serves and rebuilds one site. `start()` returns once the first build is served."""

    def __init__(
        self,
        site_dir: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        log=print,
        as_of: str | None = None,
        search: bool = False,
    ):
        self.layout = SiteLayout.of(site_dir)
        self.site_dir, self.output = self.layout.site, self.layout.output
        self.host, self.port = host, port
        self.log = log
        self.as_of = as_of
        self.search = search
        # Each rebuild starts from what the last one left in memory, not from the manifest.
        self.memory = BuildMemory()
        self.state = BuildState()
        self.stopping = threading.Event()
        self.watcher = _SourceWatcher(
            self.site_dir,
            [self.output, self.layout.cache, self.layout.staging, self.layout.old_output],
        )
        self.observer = Observer()
        self.watched: set[Path] = set()
        self.httpd: _PreviewHTTPServer | None = None
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        assert self.httpd is not None, "the server has not started"
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def rebuild(self) -> BuildReport | None:
        started = time.perf_counter()
        try:
            report = build_site(
                BuildOptions(self.site_dir, self.output, self.as_of, search=self.search, memory=self.memory)
            )
        except Exception as error:  # a template or code error must not take the server down
            message = str(error) if isinstance(error, BuildRefused) else _error_message(error)
            self.log(f"build failed: {message}")
            self.state.publish([f"error: {message}"], built=False)
            return None
        problems = describe(report)
        for line in problems:
            self.log(line)
        self.log(
            f"rebuilt in {time.perf_counter() - started:.2f}s: {report.rendered} pages rendered, {len(problems)} problems"
        )
        self.state.publish(problems, built=not report.failed)
        return report

    def _builder(self) -> None:
        while not self.stopping.is_set():
            if not self.watcher.changed.wait(timeout=0.5):
                continue
            # Debounce: an editor's save or a git checkout is a burst of events; build once it is quiet.
            while time.monotonic() - self.watcher.last_change < DEBOUNCE_SECONDS:
                time.sleep(DEBOUNCE_SECONDS / 3)
            self.watcher.changed.clear()
            if not self.stopping.is_set():
                self._watch_source_folders()
                self.rebuild()

    def _watch_source_folders(self) -> None:
        """Watch each source folder that exists, including one created since the server started."""
        for folder in SOURCE_FOLDERS:
            path = self.site_dir / folder
            if path.is_dir() and path not in self.watched:
                self.observer.schedule(self.watcher, str(path), recursive=True)
                self.watched.add(path)

    def start(self) -> None:
        if not _is_loopback(self.host):
            self.log(
                f"warning: serving on {self.host}, reachable from other machines; the preview is meant for 127.0.0.1"
            )
        self.rebuild()
        self.observer.schedule(self.watcher, str(self.site_dir), recursive=False)
        self._watch_source_folders()
        self.observer.start()
        handler = make_handler(self.output, self.state, self.stopping, self.log)
        self.httpd = _PreviewHTTPServer((self.host, self.port), handler, self.log)
        for target in (self.httpd.serve_forever, self._builder):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        with self.state.condition:
            self.state.condition.notify_all()
        self.observer.stop()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
        self.observer.join(timeout=5)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _error_message(error: Exception) -> str:
    """File, line and message of a build error (template errors carry their own position)."""
    name = getattr(error, "filename", None) or getattr(error, "name", None)
    if name:
        name = os.path.relpath(name) if os.path.isabs(name) else name
    line = getattr(error, "lineno", None)
    where = f"{name}:{line}: " if name and line else ""
    summary = f"{where}{type(error).__name__}: {error}"
    if not where:
        frame = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
        if frame:
            summary += f" (at {frame[0].filename}:{frame[0].lineno})"
    return summary


def serve(site_dir: Path, host: str, port: int, log=print, search: bool = False) -> None:
    """Run the preview until Ctrl-C."""
    server = PreviewServer(site_dir, host, port, log, search=search)
    server.start()
    log(f"serving {server.output} at {server.url} (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        log("stopping")
    finally:
        server.stop()
