"""Rows: the rows of cable lists, each rendered once and kept, whatever list and folder depth shows it."""

from __future__ import annotations

from typing import Any, cast

import jinja2
from markupsafe import Markup, escape

from sitegen.catalogue import CableEntry

# Rows of cable lists kept per worker (about 0.5 KB each): every row of a 251,287-cable archive
# (rows are kept for every folder depth at once, see ROW_ROOT), and a bound at any size.
ROWS_KEPT = 300_000
# Stands for the page's root in a row rendered once for every folder depth it is shown at.
ROW_ROOT = "\x00root\x00"
# Roots the row template is tried with before ROW_ROOT is trusted: no root, a deep one, and a
# base URL holding characters that are escaped in HTML.
ROW_ROOT_PROBES = ("", "../../../", 'https://mirror.example/a&b="c"/')


class CableRows:
    """The `cable_rows` global of the templates: a list's rows, from those kept where it can.
    One per renderer (so per worker process, after the fork)."""

    def __init__(self, environment: jinja2.Environment):
        self.environment = environment
        self._row_macro: Any = None  # the cable_row macro, looked up on the first row rendered
        self._row_root_uses: dict[bool, int | None] = {}  # per show_release, see __call__
        self._shared_rows: dict[bool, dict[str, str]] = {}  # per show_release: reference ID -> row with ROW_ROOT
        self._rows: dict[tuple[str, str, bool], str] = {}  # rows that cannot take ROW_ROOT, per root
        self._rows_kept = 0

    def __call__(self, cables: list[CableEntry], root: str, show_release: bool = False) -> Markup:
        """The rows of a cable list (the `cable_row` macro), each rendered once: a cable is in a
        dozen lists, and a release re-renders most list pages, of cables that did not change.
        A row is rendered with ROW_ROOT for its root and the page's root put in after, so that
        one row serves lists at every folder depth, when the row template is found to show its
        root only as `{{ root }}` does (else, or for a row that happens to hold ROW_ROOT's text,
        a row is rendered once per depth). The rows kept are bounded so that a worker's memory
        stays bounded at any archive size."""
        if self._row_macro is None:
            self._row_macro = self.environment.get_template("macros.html").module.cable_row  # type: ignore[attr-defined]
        if show_release not in self._row_root_uses and cables:
            self._row_root_uses[show_release] = self._root_uses(cables[0], show_release)
        shared = self._shared_rows.setdefault(show_release, {})
        found = [shared.get(cable.reference_id) for cable in cables]
        own = self._fill_rows(found, cables, root, show_release) if None in found else set()
        rows = cast(list[str], found)  # every place filled now
        root_html = str(escape(root))
        if any(ROW_ROOT in rows[i] for i in own):  # a row shown as written holds ROW_ROOT's text
            html = "".join(row if i in own else row.replace(ROW_ROOT, root_html) for i, row in enumerate(rows))
        else:
            html = "".join(rows).replace(ROW_ROOT, root_html)
        return Markup(html)

    def _fill_rows(self, found: list[str | None], cables: list[CableEntry], root: str, show_release: bool) -> set[int]:
        """Render and keep the rows `found` lacks (None). Returns the places of those rendered
        for this root alone, which must not have ROW_ROOT put in."""
        macro, uses = self._row_macro, self._row_root_uses[show_release]
        assert macro is not None, "rows() loads the macro first"
        shared = self._shared_rows[show_release]
        own: set[int] = set()
        for place, cable in enumerate(cables):
            if found[place] is not None:
                continue
            if self._rows_kept >= ROWS_KEPT:
                self._rows.clear()
                for rows in self._shared_rows.values():
                    rows.clear()
                self._rows_kept = 0
            key = (cable.reference_id, root, show_release)
            row = self._rows.get(key)
            if row is None:
                self._rows_kept += 1
                if uses is not None:
                    row = str(macro(cable, ROW_ROOT, show_release))
                    if row.count(ROW_ROOT) == uses:
                        found[place] = shared[cable.reference_id] = row
                        continue
                row = self._rows[key] = str(macro(cable, root, show_release))
            found[place] = row
            own.add(place)
        return own

    def _root_uses(self, cable: CableEntry, show_release: bool) -> int | None:
        """How many times a row shows its root, if the row template shows it as `{{ root }}`
        does and nothing else (a row rendered with ROW_ROOT, the root put in after, equals the
        row rendered with the root, for every probe); None if it does not."""
        macro = self._row_macro
        assert macro is not None, "rows() loads the macro first"
        template = str(macro(cable, ROW_ROOT, show_release))
        for root in ROW_ROOT_PROBES:
            if template.replace(ROW_ROOT, str(escape(root))) != str(macro(cable, root, show_release)):
                return None
        return template.count(ROW_ROOT)
