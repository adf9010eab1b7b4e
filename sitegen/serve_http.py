"""Serve's HTTP side: answers a preview's requests from output/ and streams its build events.

A file of the output is served as it is, HTML with a small reload script put in (into the
response, never the file); paths that would leave the folder are refused. Open pages listen on
Server-Sent Events for `reload` after a good build and `problems` after a bad one, which the
script shows as an overlay. The watch-and-rebuild loop that publishes them is sitegen.serve.
"""

from __future__ import annotations

import functools
import json
import mimetypes
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen import urls

# Where a preview's lines go (print, or a test's list).
Log = Callable[[str], object]

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


class PreviewHTTPServer(ThreadingHTTPServer):
    """The preview's server: a thread per request, and a failed request logged in one line."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], log: Log) -> None:
        super().__init__(address, handler)
        self.log = log

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
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
    log: Log

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
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


def make_handler(output: Path, state: BuildState, stopping: threading.Event, log: Log = print) -> type[PreviewHandler]:
    """A handler class for one preview server: its output folder, build state and log."""
    return type(
        "Handler",
        (PreviewHandler,),
        {"output": output, "state": state, "stopping": stopping, "log": staticmethod(log)},
    )
