"""Shared fixtures: the real cables in ../shared/corpus (skipped when absent) and small sites."""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitegen.model import CableRecord
from sitegen.sources.dump import DumpRow, read_rows
from tests.sites import build

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
CORPUS_CSV = CORPUS / "cables.csv"


@pytest.fixture(scope="session")
def corpus_csv() -> Path:
    if not CORPUS_CSV.exists():
        pytest.skip(f"the real-cable corpus is not beside this checkout ({CORPUS_CSV})")
    return CORPUS_CSV


@pytest.fixture(scope="session")
def corpus_rows(corpus_csv) -> list[DumpRow]:
    with open(corpus_csv, "rb") as stream:
        rows = list(read_rows(stream, "cables.csv"))
    assert all(isinstance(row, DumpRow) for row in rows)
    return rows


def record_from_fields(fields: tuple[str, ...], released: str | None = "2010-11-28 00:00") -> CableRecord:
    sequence, _created, reference_id, origin, classification, references, header, body = fields
    return CableRecord(
        reference_id, sequence, "2009-01-01 00:00", released, classification, origin, references, header, body
    )


@pytest.fixture(scope="session")
def corpus_records(corpus_rows) -> list[CableRecord]:
    return [record_from_fields(row.fields) for row in corpus_rows]


@pytest.fixture(scope="session")
def corpus_by_id(corpus_records) -> dict[str, CableRecord]:
    return {record.reference_id: record for record in corpus_records}


ORIGINAL_PAGES = CORPUS / "original_pages.jsonl"


@pytest.fixture(scope="session")
def original_pages() -> list[dict]:
    """What the original Cablegate site showed for the corpus cables (anchors, tags, subject)."""
    if not ORIGINAL_PAGES.exists():
        pytest.skip(f"what the original site showed is not beside this checkout ({ORIGINAL_PAGES})")
    return [json.loads(line) for line in ORIGINAL_PAGES.read_text(encoding="utf-8").splitlines()]


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    """Poll `condition` until it holds; past `timeout` seconds, fail saying `what` never came."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


def holds_throughout(condition: Callable[[], object], what: str, seconds: float) -> None:
    """`condition` holds at every poll for `seconds` (what staying quiet means); fails at the first poll it does not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert condition(), f"no longer true: {what}"
        time.sleep(0.02)


# The bundled sample site as a reader meets it in a browser (tests/test_browser.py, tests/test_reader.py).
BROWSER_AS_OF = "2011-03-01 00:00"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def serious(results) -> list[str]:
    """axe's violations a reader meets (serious or critical), each named with where it is."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def spill_folders(monkeypatch) -> list[Path]:
    """The folders the search writer spills its runs into, as it adds each run."""
    from sitegen.search import runs

    seen: list[Path] = []
    add = runs.RunStore.add

    def watched(self: runs.RunStore, run: object) -> None:
        seen.append(Path(self.folder))
        add(self, run)  # type: ignore[arg-type]

    monkeypatch.setattr(runs.RunStore, "add", watched)
    return seen


def cable_pages(output: Path) -> list[Path]:
    """The cable pages of a built site, sorted: not a history page beside one, nor the page a
    removed cable's URL shows (versions.py)."""
    from sitegen.urls import CABLE_PAGE

    found = [p for p in (output / "cable").rglob("*.html") if CABLE_PAGE.fullmatch(p.relative_to(output).as_posix())]
    return sorted(p for p in found if b'<meta name="robots" content="noindex">' not in p.read_bytes())


def sample_site(root: Path, config_first: str = "") -> Path:
    """A copy of the bundled sample site at `root` (so that builds keep their cache out of the
    checkout); `config_first` goes before its config."""
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    config = (REPO / "sitegen.toml").read_text(encoding="utf-8")
    (root / "sitegen.toml").write_text(config_first + config, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def site_output(tmp_path_factory) -> Path:
    """The bundled sample site as built for a reader."""
    site = sample_site(tmp_path_factory.mktemp("browser") / "site")
    build(site, BROWSER_AS_OF, jobs=2, search=True)
    return site / "output"


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` over http on a free local port; yields its base URL."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    SimpleHTTPRequestHandler.extensions_map.update({".rss": "application/rss+xml", ".atom": "application/atom+xml"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def base_url(site_output):
    """The sample site served at the root (a mirror's sub-folder: served(site_output.parent))."""
    with served(site_output) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium found (install Debian's chromium package)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Visit:
    """A browser page that records console errors and failed requests."""

    def __init__(self, browser, width: int = 1200):
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.errors: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def __enter__(self):
        return self.page

    def __exit__(self, *exc):
        self.page.close()
        assert self.errors == [], self.errors
