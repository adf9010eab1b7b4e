"""Builder: a site folder -> output/. pipeline.py holds the steps; quick.py the path for a few
corrected cables; publish.py the render, commit and save both paths end with; report.py what a
build is asked, what it did and what a process keeps between builds; changes.py what differs
from the last build."""

from sitegen.builder.changes import inputs_fingerprint
from sitegen.builder.pipeline import build_site
from sitegen.builder.report import BuildBusy, BuildMemory, BuildOptions, BuildRefused, BuildReport
from sitegen.config import resolve_as_of
from sitegen.sources.scan import cable_file_stats, scan_cables

__all__ = [
    "BuildBusy",
    "BuildRefused",
    "BuildMemory",
    "BuildOptions",
    "BuildReport",
    "build_site",
    "cable_file_stats",
    "inputs_fingerprint",
    "resolve_as_of",
    "scan_cables",
]
