"""Spelled once: every URL shape of the output in urls.py, every path of a site folder in layout.py.

The test reads sitegen's code as Python (ast): docstrings and comments may name paths and
URLs freely; string values and joins may not, outside the two modules that own them. The
search index's own files (`search/`, `*.js`) are sitegen.search's shapes, not pages' URLs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sitegen import urls
from tests.conftest import REPO

PACKAGE = REPO / "sitegen"
# A page folder at a path's start or after a "/": `cable/`, `feed/tag/`.
_URL_FOLDER = re.compile("(?:^|/)(?:" + "|".join(map(re.escape, urls.PAGE_FOLDERS)) + ")/")
# The folders of a site, and the cables' folder inside its content.
_SITE_FOLDERS = ("content", "cables", "templates", "static")
_SITE_PATH = re.compile(r"(?:^|/)(?:content|cables)/")
# A URL or a path joined by hand: a name and then one of these.
_JOINED = re.compile(r"^[^ ]*\.(?:html|rss|atom|xml|json|txt)$")
_OUTPUT_ONLY = re.compile(r"\.(?:rss|atom|xml)$")


def _docstrings(tree: ast.AST) -> set[int]:
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _text(node: ast.expr) -> str | None:
    """A string's text as written, each formatted part as `{}`; None for what is no string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) or "{}" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is not None or right is not None:
            return (left or "{}") + (right or "{}")
    return None


def _leaks(path: Path) -> list[str]:
    return _leaks_in(path.read_text(encoding="utf-8"), path.name, str(path.relative_to(REPO)))


def _leaks_in(source: str, name: str, where: str) -> list[str]:
    """Each string or join of `source` (the module `name`, shown as `where`) that spells a URL
    shape or a site path its module does not own."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        text = _text(node) if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp) else None
        if text is not None:
            if name != "urls.py" and _URL_FOLDER.search(text):
                found.append(f"{where}:{node.lineno}: URL shape {text!r} (urls.py)")
            if name != "layout.py" and _SITE_PATH.search(text):
                found.append(f"{where}:{node.lineno}: site path {text!r} (layout.py)")
            joined = "{}" in text and _JOINED.match(text) and ("/" in text or _OUTPUT_ONLY.search(text))
            if name not in ("urls.py", "layout.py") and joined:
                found.append(f"{where}:{node.lineno}: {text!r} joined by hand (urls.py or layout.py)")
        if (
            name != "layout.py"
            and isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and isinstance(node.right, ast.Constant)
            and node.right.value in _SITE_FOLDERS
            and not (isinstance(node.left, ast.BinOp) and getattr(node.left.right, "value", None) == "theme")
        ):
            found.append(f"{where}:{node.lineno}: site folder / {node.right.value!r} (layout.py)")
    return found


def test_no_url_shape_or_site_path_is_spelled_outside_urls_and_layout():
    leaks = [leak for path in sorted(PACKAGE.rglob("*.py")) for leak in _leaks(path)]
    assert leaks == []
    # The finder may be right about the page's own module: urls.py and layout.py spell these.
    assert _leaks(PACKAGE / "urls.py") == []
    assert _leaks(PACKAGE / "layout.py") == []


def test_the_leak_finder_finds_each_kind_of_leak():
    """The finder above must be able to fail: each line here is one leak it is there to catch."""
    source = (
        '"""A docstring may say cable/ and content/cables/."""\n'
        "from pathlib import Path\n"
        "# a comment may say tag/ too\n"
        'a = "tag/" + slug\n'
        'b = f"origin/{slug}/index.html"\n'
        'c = Path("site") / "content" / "cables"\n'
        'd = f"{folder}/{month}.html"\n'
        'e = "content/pages"\n'
        'f = f"{name}.rss"\n'
        'g = Path(__file__).parent / "theme" / "static"\n'
    )
    lines = [int(leak.split(":")[1]) for leak in _leaks_in(source, "render.py", "render.py")]
    assert sorted(set(lines)) == [4, 5, 6, 7, 8, 9]
