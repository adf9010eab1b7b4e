"""Cable pages: one cable's three boxes (metadata, routing header, body with its ¶ anchors), its
share links and links to the cables it cites and that cite it; and its JSON twin."""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from urllib.parse import quote as quote_url

import orjson
from markupsafe import Markup, escape
from pygments import highlight

from sitegen import urls
from sitegen.catalogue import CableEntry
from sitegen.citations import Citation, cited_in
from sitegen.model import Block, CableRecord, CableText, Problem, Reference
from sitegen.parse import parse_body
from sitegen.parse.routing import addressees, handling_caveats, partial_extract_notice
from sitegen.plan import PagePlan
from sitegen.render.history import versions_json, versions_line
from sitegen.render.markup import body_html, count_redactions
from sitegen.render.page import PageBase, Rendered, View, iso, root_of
from sitegen.sources.cablefile import read_cable_file

# A subject's bytes that are not UTF-8 (held as surrogates) go into a share link as those bytes.
quote = functools.partial(quote_url, safe="", errors="surrogateescape")
# Share targets that share a link and nothing else: without a page URL (no base_url) they are left out.
NEEDS_URL = frozenset({"facebook", "reddit"})
SHARE_LABELS = {
    "twitter": "X / Twitter",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "facebook": "Facebook",
    "reddit": "Reddit",
}


def _json_bytes(value: object) -> bytes:
    """Compact JSON. orjson is an order of magnitude faster than json for a cable's twin; a cable
    holding bytes that are not UTF-8 (surrogate escapes) falls back to json's \\u escapes."""
    try:
        return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(value, separators=(",", ":")) + "\n").encode("ascii")


def _cable_view(entry: CableEntry) -> View:
    """The cable's metadata box: its dates as written and as ISO, classification and origin."""
    return View(
        reference_id=entry.reference_id,
        subject=entry.subject,
        created=entry.created,
        created_iso=iso(entry.created),
        released=entry.released,
        released_iso=iso(entry.released),
        classification=entry.classification,
        origin=entry.origin,
    )


def _what_the_text_says(entry: CableEntry, record: CableRecord, text: CableText) -> dict[str, object]:
    """What the header and body tell beyond the catalogue: redactions, extract notice, length,
    E.O. line, handling caveats, addressees and signer."""
    return {
        "signer": text.signer,
        "redactions": count_redactions(record.body),
        "partial_extract": partial_extract_notice(record.header),
        "words": word_count(record.body),
        "eo": entry.eo,
        "caveats": handling_caveats(entry.classification, record.body),
        "addressees": addressees(record.header),
    }


@functools.lru_cache(maxsize=4)  # the page and its JSON twin count the same body, one after the other
def word_count(body: str) -> int:
    """A cable's length as a reader counts it: runs of letters or digits in its body."""
    return len(_WORD.findall(body))


_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
# BibTeX's special characters, escaped so that a subject cannot break the entry.
_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_^~])")
ACCESS_DATE = '<span class="access-date">[date accessed]</span>'
PAGE_ADDRESS = '<span class="page-address">[this page\'s address]</span>'


def _bibtex(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda found: "\\" + found.group(1), text)


def citation(entry: CableEntry, archive: str, page_url: str) -> View:
    """ "Cite this cable" in plain text and BibTeX, as escaped HTML. The access date (and, without
    a base_url, the page's address) is the reader's: cable.js fills it in, so the page stays the
    same from build to build."""
    subject = entry.subject or "(no subject)"
    created = entry.created[:10]
    address = escape(page_url) if page_url else Markup(PAGE_ADDRESS)
    text = Markup(
        "{origin}, \u201c{subject},\u201d cable {refid}, created {created}. {archive}, {address} (accessed {accessed})."
    ).format(
        origin=entry.origin,
        subject=subject,
        refid=entry.reference_id,
        created=created,
        archive=archive,
        address=address,
        accessed=Markup(ACCESS_DATE),
    )
    bibtex = Markup(
        "@misc{{{key},\n"
        "  author = {{{{{origin}}}}},\n"
        "  title = {{{refid}: {subject}}},\n"
        "  year = {{{year}}},\n"
        "  note = {{Cable {refid}, created {created}}},\n"
        "  howpublished = {{{archive}}},\n"
        "  url = {{{address}}},\n"
        "  urldate = {{{accessed}}}\n"
        "}}"
    ).format(
        key=entry.reference_id,
        origin=_bibtex(entry.origin),
        refid=entry.reference_id,
        subject=_bibtex(subject),
        year=created[:4],
        created=created,
        archive=_bibtex(archive),
        address=address,
        accessed=Markup(ACCESS_DATE),
    )
    return View(text=text, bibtex=bibtex)


def _citation_views(citations: tuple[Citation, ...], root: str) -> list[View]:
    """The articles citing a cable, linked from its page (and its twin, beside it)."""
    return [View(title=c.title, date=c.date, url=root + c.url) for c in citations]


class CablePages(PageBase):
    """Renders `cable` pages."""

    @functools.cached_property
    def _cited_in(self) -> dict[str, tuple[Citation, ...]]:
        # Found once per renderer (per worker): `articles` are the published ones.
        return cited_in(self.articles)

    def _cable(self, plan: PagePlan) -> Rendered:
        entry = self.catalogue.cables[plan.name]
        record = read_cable_file(os.path.join(self.site_dir, entry.source), entry.source)
        if isinstance(record, Problem):
            return Rendered([], [record])
        text = parse_body(record)
        cited = _citation_views(self._cited_in.get(entry.reference_id, ()), root_of(plan.url))
        html = self._cable_html(plan, entry, record, text, cited)
        json_url = urls.cable_twin(plan.url)
        twin = self._cable_json(entry, record, text, cited)
        return Rendered([(plan.url, html), (json_url, _json_bytes(twin))])

    def _cable_html(
        self,
        plan: PagePlan,
        entry: CableEntry,
        record: CableRecord,
        text: CableText,
        cited: list[View],
    ) -> bytes:
        tags = self._tag_views(entry)
        page_url = urls.absolute(self.config, plan.url)
        return self._page_html(
            "cable.html",
            plan,
            title=f"{entry.reference_id}: {entry.subject or '(no subject)'}",
            description=entry.summary or entry.subject,
            og_type="article",
            cable=_cable_view(entry),
            tags=tags,
            references=self._reference_views(entry),
            header=Markup(self._highlight_header(record.header)) if record.header else "",
            body=self._body_html(plan.url, entry, text.blocks, text.text_references, tags),
            citation=citation(entry, self.config.title, page_url),
            page_url=page_url,
            cable_assets=self.assets,
            shares=self._shares(entry, plan.url),
            hashtags=[*self.config.hashtags, entry.reference_id],
            json_name=urls.cable_twin(plan.url).rsplit("/", 1)[-1],
            cited_in=cited,
            **_what_the_text_says(entry, record, text),
            **self._where_it_stands(entry),
            **versions_line(Path(self.site_dir), entry),
        )

    def _tag_views(self, entry: CableEntry) -> list[View]:
        """Each tag of the cable: its label, its index and what the site says of it."""
        return [
            View(
                name=self.catalogue.tags[tag].label,
                url=urls.facet_index("tag", self.catalogue.tags[tag].slug),
                description=self._tag_description(tag),
            )
            for tag in entry.tags
        ]

    def _reference_views(self, entry: CableEntry) -> list[View]:
        """The cables it cites that may be shown, each linked if the archive publishes it."""
        cables = self.catalogue.cables
        return [
            View(reference_id=ref, url=cables[ref].url if ref in cables else None)
            for ref in self.catalogue.visible_references(entry)
        ]

    def _body_html(
        self,
        url: str,
        entry: CableEntry,
        blocks: tuple[Block, ...],
        text_references: tuple[Reference, ...],
        tags: list[View],
    ) -> Markup:
        """The body with its references linked (a cite linked in its post's other spelling)."""
        root = root_of(url)
        respelled = self.catalogue.respelled(entry)
        return body_html(
            blocks,
            text_references,
            lambda ref: self._link_for(respelled.get(ref, ref), root),
            # The TAGS line links each tag as read, whatever its label.
            [(tag, root + t.url) for tag, t in zip(entry.tags, tags, strict=True)],
        )

    def _where_it_stands(self, entry: CableEntry) -> dict[str, object]:
        """The pages around the cable: its month, release, facets, neighbours, the cables citing it."""
        catalogue = self.catalogue
        older, newer = catalogue.neighbours(entry)
        return {
            "month_url": urls.month_page(urls.DATE_FOLDER, entry.created[:7]),
            "release_url": urls.listing_page(urls.release_folder(entry.release_day), 1),
            "classification_url": urls.facet_index(
                "classification", catalogue.classifications[entry.classification].slug
            ),
            "origin_url": urls.facet_index("origin", catalogue.origins[entry.origin].slug),
            "backlinks": self._entries(catalogue.backlinks.get(entry.reference_id, ())),
            "older": catalogue.cables[older] if older else None,
            "newer": catalogue.cables[newer] if newer else None,
            "extra_feeds": [
                View(
                    title=f"Cables from {entry.origin}",
                    url=urls.facet_feed("origin", catalogue.origins[entry.origin].slug),
                )
            ],
        }

    def _highlight_header(self, header: str) -> str:
        """The routing header as highlighted HTML showing exactly its text: Pygments' HTML
        formatter ends the last line with a newline the header may not have."""
        html = highlight(header, self.lexer, self.formatter)
        return html[:-1] if html.endswith("\n") and not header.endswith("\n") else html

    def _shares(self, entry: CableEntry, url: str) -> list[View]:
        """Share links carrying the hashtags, the cable's ID and (with a base URL) the page's URL."""
        page_url = urls.absolute(self.config, url)
        hashtags = [*self.config.hashtags, entry.reference_id]
        tag_text = " ".join(f"#{tag}" for tag in hashtags)
        text = f"{entry.reference_id}: {entry.subject}" if entry.subject else entry.reference_id
        full = " ".join(part for part in (text, page_url, tag_text) if part)
        q_text, q_full, q_url = quote(text), quote(full), quote(page_url)
        with_url = f"&url={q_url}" if page_url else ""
        targets = {
            "twitter": f"https://twitter.com/intent/tweet?text={q_text}{with_url}&hashtags={quote(','.join(hashtags))}",
            "mastodon": f"https://{self.config.mastodon_instance}/share?text={q_full}",
            "bluesky": f"https://bsky.app/intent/compose?text={q_full}",
            "facebook": f"https://www.facebook.com/sharer/sharer.php?u={q_url}&quote={q_full}&hashtag={quote('#' + hashtags[0])}",
            "reddit": f"https://www.reddit.com/submit?title={quote(text + ' ' + tag_text)}{with_url}",
        }
        return [
            View(key=key, label=SHARE_LABELS[key], href=targets[key])
            for key in self.config.share_targets
            if page_url or key not in NEEDS_URL
        ]

    def _cable_json(
        self, entry: CableEntry, record: CableRecord, text: CableText, cited: list[View]
    ) -> dict[str, object]:
        return {
            "reference_id": entry.reference_id,
            "created": iso(entry.created),
            "released": iso(entry.released),
            "classification": entry.classification,
            "origin": entry.origin,
            "subject": entry.subject,
            "tags": list(entry.tags),
            "references": list(self.catalogue.visible_references(entry)),
            "references_raw": self.catalogue.visible_references_raw(entry),
            "summary": entry.summary,
            "eo": entry.eo,
            "paragraphs": [
                {"n": b.n, "id": b.id, "number": b.number, "marking": b.marking, "text": b.text}
                for b in text.blocks
                if b.kind == "par"
            ],
            "caveats": handling_caveats(entry.classification, record.body),
            "addressees": [
                {"name": a.name, "role": a.role, "precedence": a.precedence} for a in addressees(record.header)
            ],
            "words": word_count(record.body),
            "signer": text.signer,
            "cited_in": [{"title": c.title, "date": c.date, "url": c.url} for c in cited],
            "header": record.header,
            "body": record.body,
            "versions": versions_json(Path(self.site_dir), entry),
        }
