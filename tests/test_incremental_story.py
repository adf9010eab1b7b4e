"""Incremental equals full, as a story: hypothesis releases, withholds, edits, deletes and adds
cables, writes and deletes articles citing them, changes a template and the config, and after each step the incremental build must equal
a full build of the same inputs, byte for byte and key for key, and `build --verify` must find
no page that breaks its key's promise. A failure shrinks to the
shortest story that shows it (run with HYPOTHESIS_PROFILE=thorough for longer ones)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sitegen.builder import BuildMemory, BuildOptions
from sitegen.builder.verify import verify_output
from sitegen.incremental.manifest import Manifest
from sitegen.model import CableRecord
from sitegen.render.site import BUILTIN_TEMPLATES
from sitegen.sources.cablefile import cable_path, format_cable
from sitegen.versions import (
    PENDING,
    is_released_version,
    keep_version,
    revision,
    stamp_pending,
    version_moment,
    withdrawal,
)
from tests.sites import BODY, assert_equals_full_build, build, cable

ORIGINS = ["Embassy Rome", "Embassy Paris", "Consulate Milan"]
# PREL_ takes the slug PREL has: a new listing whose slug clashes (the general path).
TAGS = ["PREL", "PGOV", "ECON", "PHUM", "KDEM", "PREL_"]
IDS = [f"09ROME{n}" for n in range(1, 19)]
DAYS = ["2010-11-28 00:00", "2010-12-05 00:00", "2011-02-01 00:00"]
AS_OFS = ["2010-12-01 00:00", "2010-12-31 00:00", "2011-03-01 00:00"]
# An article's date: before, between and after the as-of moments (an article waits for its day).
ARTICLE_DATES = ["2010-11-30", "2010-12-20", "2011-02-15"]
CREATED = [f"2009-0{month}-{day:02d} {hour:02d}:00" for month in (1, 2, 3) for day in (3, 17) for hour in (4, 16)]
# Templates whose <h1> a step may mark: a cable's page, the listings, a busy month's calendar, the counts, the home page.
TEMPLATES = ["cable.html", "listing.html", "facet.html", "calendar.html", "counts.html", "home.html"]

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

tag_sets = st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True)
words = st.sampled_from(["ALPHA", "BRAVO", "CHARLIE <&>"])
# A cable as the story first finds it: created, origin, tags, released (None: under embargo).
cable_fields = st.tuples(st.sampled_from(CREATED), st.sampled_from(ORIGINS), tag_sets, st.sampled_from([None, *DAYS]))


def written(reference_id: str, created: str, origin: str, tags: list[str], released: str | None) -> CableRecord:
    body = BODY.replace("TAGS: PREL PGOV IT", f"TAGS: {' '.join(tags)}").replace("A TEST CABLE", reference_id)
    return replace(cable(reference_id, released), created=created, origin=origin, body=body)


class IncrementalEqualsFull(RuleBasedStateMachine):
    """A small site (about a dozen cables, two to a page) and the story told to it."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="tests-story-"))
        self.site = self.root / "site"
        self.records: dict[str, CableRecord] = {}
        self.as_of = AS_OFS[1]
        self.memory: BuildMemory | None = None

    # -- the site before the story ---------------------------------------------------------

    @initialize(cables=st.lists(cable_fields, min_size=8, max_size=14), remembering=st.booleans())
    def first_build(self, cables, remembering) -> None:
        """The first build, full; with `remembering`, each build after it loads the last one's
        state from memory, as serve does, rather than from the manifest."""
        for reference_id, (created, origin, tags, released) in zip(IDS, cables, strict=False):
            self.save(written(reference_id, created, origin, tags, released))
        self.write_config(page_size=2, title="Story")
        self.memory = BuildMemory() if remembering else None
        build(self.site, self.as_of, memory=self.memory)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # -- the steps -------------------------------------------------------------------------

    @precondition(lambda self: self.records)
    @rule(data=st.data(), day=st.sampled_from(DAYS))
    def release(self, data, day) -> None:
        self.save(replace(self.pick(data), released=day))

    @precondition(lambda self: self.records)
    @rule(data=st.data())
    def withhold(self, data) -> None:
        self.save(replace(self.pick(data), released=None))

    @precondition(lambda self: self.records)
    @rule(data=st.data(), word=words)
    def edit_subject(self, data, word) -> None:
        record = self.pick(data)
        subject = record.body.split("SUBJECT: ", 1)[1].split("\n", 1)[0]
        self.save(replace(record, body=record.body.replace(f"SUBJECT: {subject}", f"SUBJECT: {word} {subject}")))

    @precondition(lambda self: self.records)
    @rule(data=st.data(), word=words)
    def edit_text(self, data, word) -> None:
        record = self.pick(data)
        self.save(replace(record, body=record.body.replace("Second paragraph", f"Second paragraph {word}", 1)))

    @precondition(lambda self: self.records)
    @rule(data=st.data(), tags=tag_sets)
    def edit_tags(self, data, tags) -> None:
        record = self.pick(data)
        line = next(line for line in record.body.split("\n") if line.startswith("TAGS: "))
        self.save(replace(record, body=record.body.replace(line, f"TAGS: {' '.join(tags)}")))

    @precondition(lambda self: self.records)
    @rule(data=st.data(), created=st.sampled_from(CREATED), origin=st.sampled_from(ORIGINS))
    def move(self, data, created, origin) -> None:
        """Another creation month (another file, other month pages) or another origin."""
        self.save(replace(self.pick(data), created=created, origin=origin))

    @precondition(lambda self: len(self.records) > 1)
    @rule(data=st.data())
    def cite(self, data) -> None:
        record = self.pick(data)
        cited = data.draw(st.sampled_from(sorted(set(self.records) - {record.reference_id})), label="cited")
        self.save(replace(record, references=cited))

    @precondition(lambda self: any(record.released for record in self.records.values()))
    @rule(data=st.data(), word=words)
    def revise(self, data, word) -> None:
        """A released cable revised (versions.py): its version kept in history, the new one
        released on a day or pending."""
        record = self.pick(data, released=True)
        days = [day for day in DAYS if day >= (version_moment(record) or "")]
        day = data.draw(st.sampled_from([*days, PENDING]), label="revised")
        if is_released_version(record):
            keep_version(self.site / "content", record, day)
        edited = replace(record, body=record.body.replace("First paragraph", f"First paragraph {word}", 1))
        self.save(revision(record, edited, f"story {word}", None if day == PENDING else day))

    @precondition(lambda self: any(record.released for record in self.records.values()))
    @rule(data=st.data(), day=st.sampled_from([*DAYS, PENDING]))
    def withdraw(self, data, day) -> None:
        """A released cable removed on a day (or pending): its file kept, marked withdrawn."""
        self.save(withdrawal(self.pick(data, released=True), "story", None if day == PENDING else day))

    @precondition(lambda self: any(PENDING in format_cable(record).decode() for record in self.records.values()))
    @rule(day=st.sampled_from(DAYS))
    def release_pending(self, day) -> None:
        """`sitegen release DAY`: every pending revision and withdrawal stamped (a re-release)."""
        for record in list(self.records.values()):
            stamped = stamp_pending(self.site / "content", record, day)
            if stamped is not None:
                self.save(stamped)

    @precondition(lambda self: self.records)
    @rule(data=st.data())
    def delete(self, data) -> None:
        record = self.pick(data)
        cable_path(self.site / "content", record).unlink()
        del self.records[record.reference_id]

    @precondition(lambda self: len(self.records) < len(IDS))
    @rule(
        data=st.data(),
        created=st.sampled_from(CREATED),
        origin=st.sampled_from(ORIGINS),
        tags=tag_sets,
        released=st.sampled_from([None, *DAYS]),
    )
    def add(self, data, created, origin, tags, released) -> None:
        reference_id = data.draw(st.sampled_from([i for i in IDS if i not in self.records]), label="added")
        self.save(written(reference_id, created, origin, tags, released))

    @rule(
        slug=st.sampled_from(["first", "second"]),
        title=words,
        date=st.sampled_from(ARTICLE_DATES),
        cited=st.lists(st.sampled_from(IDS[:9]), min_size=1, max_size=2, unique=True),  # the first 8 are there
    )
    def write_article(self, slug, title, date, cited) -> None:
        """An article written or rewritten, naming cables the archive may or may not release
        (their pages list it, "Cited in articles")."""
        path = self.site / "content" / "articles" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\nOn {' and '.join(cited) or 'nothing'}.\n")

    @rule(slug=st.sampled_from(["first", "second"]))
    def delete_article(self, slug) -> None:
        (self.site / "content" / "articles" / f"{slug}.md").unlink(missing_ok=True)

    @rule(name=st.sampled_from(TEMPLATES), mark=st.sampled_from(["", "one", "two"]))
    def change_template(self, name, mark) -> None:
        """The site's own copy of a template, its <h1> marked; no mark: the copy removed."""
        override = self.site / "templates" / name
        if not mark:
            override.unlink(missing_ok=True)
            return
        override.parent.mkdir(exist_ok=True)
        original = (BUILTIN_TEMPLATES / name).read_text(encoding="utf-8")
        override.write_text(original.replace("<h1", f'<h1 data-mark="{mark}"', 1), encoding="utf-8")

    @rule(page_size=st.sampled_from([1, 2, 3]), title=st.sampled_from(["Story", "Another story"]))
    def change_config(self, page_size, title) -> None:
        self.write_config(page_size=page_size, title=title)

    @rule(as_of=st.sampled_from(AS_OFS))
    def change_as_of(self, as_of) -> None:
        """Time passes (or a build is asked about another moment): releases come and go."""
        self.as_of = as_of

    # -- after every step ------------------------------------------------------------------

    @invariant()
    def incremental_equals_full(self) -> None:
        if not self.site.exists():
            return  # before the first build
        report = build(self.site, self.as_of, memory=self.memory)
        assert report.incremental, "the build after a step was not incremental"
        if self.memory is not None:  # what is remembered is what the manifest holds
            manifest = Manifest.for_site(self.site, self.site / "output")
            try:
                assert self.memory.sources == manifest.sources(), "the remembered file states are not the manifest's"
                assert self.memory.pages == manifest.page_keys(), "the remembered page keys are not the manifest's"
            finally:
                manifest.close()
        assert_equals_full_build(self.site, self.as_of)
        # And the tool's own check of the same promise finds nothing: every page kept is as its key says.
        options = BuildOptions(self.site, self.site / "output", self.as_of, jobs=1, search=False)
        assert verify_output(options, report.as_of) == []

    # -- what the steps share --------------------------------------------------------------

    def pick(self, data, released: bool = False) -> CableRecord:
        ids = sorted(ref for ref, record in self.records.items() if record.released or not released)
        return self.records[data.draw(st.sampled_from(ids), label="cable")]

    def save(self, record: CableRecord) -> None:
        """Write the cable's file, where its creation month puts it (the old one removed)."""
        if old := self.records.get(record.reference_id):
            cable_path(self.site / "content", old).unlink()
        path = cable_path(self.site / "content", record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(format_cable(record))
        self.records[record.reference_id] = record

    def write_config(self, page_size: int, title: str) -> None:
        self.site.mkdir(parents=True, exist_ok=True)
        (self.site / "sitegen.toml").write_text(f'title = "{title}"\npage_size = {page_size}\nfeed_size = 3\n')


IncrementalEqualsFull.TestCase.settings = settings(
    max_examples=60 if LONG else 6,
    stateful_step_count=30 if LONG else 8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestIncrementalBuildsEqualFullBuildsWhateverTheStory = IncrementalEqualsFull.TestCase
