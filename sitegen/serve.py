"""Serve: preview a site on localhost, rebuild when its sources change, and tell open pages to reload.

Knows nothing of parsing or rendering: it calls build_site, watches the sources, and publishes
each build's outcome to sitegen.serve_http, which answers the requests and streams the events.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
import traceback
from pathlib import Path

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

from sitegen.builder import BuildMemory, BuildOptions, BuildRefused, BuildReport, build_site
from sitegen.layout import CONFIG_NAME, SOURCE_FOLDERS, SiteLayout
from sitegen.serve_http import EVENTS_PATH, SCRIPT_PATH, BuildState, Log, PreviewHTTPServer, at_depth_of, make_handler

# What a preview's callers (its tests among them) import from here, whichever half holds it.
__all__ = ["EVENTS_PATH", "SCRIPT_PATH", "PreviewServer", "at_depth_of", "serve"]

DEBOUNCE_SECONDS = 0.15
# Watchdog 6+ also reports opens and closes without a write, the build's own reads among them:
# only these kinds mean a source changed (a close after writing marks a save that is complete).
CHANGE_EVENTS = frozenset(
    {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED, EVENT_TYPE_CLOSED}
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

    # Six options, as the CLI and tests/test_serve.py pass them (by keyword: a dataclass would change that).
    def __init__(
        self,
        site_dir: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        log: Log = print,
        as_of: str | None = None,
        search: bool = False,
    ) -> None:
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
        self.httpd: PreviewHTTPServer | None = None
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
        self.httpd = PreviewHTTPServer((self.host, self.port), handler, self.log)
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


def serve(site_dir: Path, host: str, port: int, log: Log = print, search: bool = False) -> None:
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
