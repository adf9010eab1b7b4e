"""Template failures: an exception a template raised -> the one Problem a build ends with, naming the template, its line and the page.

Caught where it happens, in the process that rendered the page (a worker, often): a syntax
error carries its template and line; an error raised while rendering has them in the frames
Jinja writes into its traceback for template code. Only the Problem travels back.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from sitegen.model import Problem


class TemplateFailed(Exception):
    """A template failed: the build stops, with `problem` as its one message. Pickles as its
    Problem, so a worker's reaches the parent whole."""

    def __init__(self, problem: Problem):
        super().__init__(problem)
        self.problem = problem


def template_problem(error: BaseException, site_dir: Path, page: str) -> Problem | None:
    """The problem `error` is when a template raised it (`page` says which page, or pages, it
    was making), or None when no template did: that is a bug of sitegen's, left to surface."""
    import jinja2  # here: the build imports this module for TemplateFailed, a no-op build no Jinja

    if isinstance(error, jinja2.TemplateSyntaxError):
        where, line = error.filename or error.name or "templates", error.lineno
    else:
        frame = _innermost_template_frame(error.__traceback__)
        if frame is None:
            return None
        where, line = frame
    if os.path.isabs(where) and Path(where).resolve().is_relative_to(site_dir.resolve()):
        where = os.path.relpath(Path(where).resolve(), site_dir.resolve())
    if isinstance(error, jinja2.TemplateError):
        why = error.message or type(error).__name__
    else:  # `{{ 1 / 0 }}` raises Python's own exception
        why = f"{type(error).__name__}: {error}"
    return Problem(where, line, f"template error: {why} ({page})")


def _innermost_template_frame(trace: TracebackType | None) -> tuple[str, int] | None:
    """The file and line of the last frame of template code in `trace`: Jinja rewrites each
    such frame to point at the template's source (jinja2.debug.fake_traceback), in globals
    holding `__jinja_exception__`; an include's or a macro's frame comes after its caller's."""
    found = None
    while trace is not None:
        if "__jinja_exception__" in trace.tb_frame.f_globals:
            found = (trace.tb_frame.f_code.co_filename, trace.tb_lineno)
        trace = trace.tb_next
    return found
