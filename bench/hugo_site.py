"""A Hugo site equivalent to a sitegen corpus, for the side-by-side benchmark in bench/run.py.

Each cable becomes a page (metadata table and body as preformatted text) under
cable/YYYY/MM/; tags, origins and classifications become taxonomies with paginated term
pages (50 a page), as sitegen builds them. Templates are minimal on purpose: the
comparison is of the engines, not of the themes.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.parse import parse_cable
from sitegen.sources.cablefile import read_cable_file

CONFIG = """baseURL = "https://example.org/"
title = "Cables"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[pagination]
  pagerSize = 50
[taxonomies]
  tag = "tags"
  origin = "origins"
  classification = "classifications"
[markup.goldmark.renderer]
  unsafe = false
"""

LAYOUTS = {
    "baseof.html": "<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ .Title }}</title></head>"
    '<body>{{ block "main" . }}{{ end }}</body></html>',
    "home.html": '{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ end }}',
    "page.html": '{{ define "main" }}<article class="cable"><h1>{{ .Title }}</h1><table>'
    "<tr><th>Created</th><td>{{ .Date }}</td></tr><tr><th>Origin</th><td>{{ .Params.origins }}</td></tr>"
    '<tr><th>Tags</th><td>{{ range .Params.tags }}<a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</td></tr>'
    "</table>{{ .Content }}</article>{{ end }}",
    "section.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}',
    "taxonomy.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}{{ end }}',
    "term.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}{{ end }}',
}


def prepare(site: Path, target: Path) -> Path:
    """Write (once) the Hugo site for the corpus in `site`; returns its folder."""
    marker = target / ".complete"
    if marker.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    (target / "layouts").mkdir(parents=True)
    (target / "hugo.toml").write_text(CONFIG)
    for name, text in LAYOUTS.items():
        (target / "layouts" / name).write_text(text)
    for path in sorted((site / "content" / "cables").rglob("*.txt")):
        record = read_cable_file(path)
        if not record.released:
            continue
        cable = parse_cable(record, with_blocks=False)
        front = {
            "title": f"{record.reference_id}: {cable.subject}",
            "date": record.created.replace(" ", "T") + ":00Z",
            "tags": list(cable.tags),
            "origins": [record.origin],
            "classifications": [record.classification],
        }
        page = target / "content" / "cable" / record.created[:4] / record.created[5:7] / f"{record.reference_id}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        body = record.header + "\n\n" + record.body
        page.write_text(
            json.dumps(front) + "\n\n~~~~text\n" + body.replace("~~~~", "~ ~ ~ ~") + "\n~~~~\n",
            errors="surrogateescape",
        )
    marker.write_text("")
    return target
