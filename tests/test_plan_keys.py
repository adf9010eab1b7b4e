"""Page keys, the reach of a change, and the stored catalogue, each on a small catalogue made here."""

from __future__ import annotations

import pytest

from sitegen.catalogue import CableEntry, build_catalogue, entry_from_cable
from sitegen.config import Config
from sitegen.incremental.keys import PageKeys
from sitegen.incremental.manifest import Manifest
from sitegen.incremental.reach import CatalogueDiff, facet_slugs, note_slugs, pages_reached, plans_to_key
from sitegen.incremental.stored import StoredCatalogue, store_catalogue, store_entries
from sitegen.model import CableRecord
from sitegen.parse import parse_cable
from sitegen.plan import plan_site
from tests.sites import BODY, HEADER

AS_OF = "2011-01-01 00:00"
CONFIG = Config(page_size=2)


def entry(
    reference_id: str, created: str, references: str = "", origin: str = "Embassy Rome", **body_changes
) -> CableEntry:
    body = BODY
    for old, new in body_changes.items():
        body = body.replace(old.replace("_", " "), new)
    record = CableRecord(
        reference_id, "1", created, "2010-12-01 00:00", "CONFIDENTIAL", origin, references, HEADER, body
    )
    return entry_from_cable(parse_cable(record, with_blocks=False), f"content/cables/{reference_id}.txt")


def site_entries() -> list[CableEntry]:
    return [
        entry("09ROME1", "2009-01-01 00:00"),
        entry("09ROME2", "2009-01-02 00:00", references="09ROME1"),
        entry("09ROME3", "2009-01-03 00:00"),
        entry("09ROME4", "2009-01-04 00:00"),
        entry("09ROME5", "2009-01-05 00:00"),
        entry("09PARIS1", "2009-02-01 00:00", origin="Embassy Paris"),
    ]


def keys_of(entries: list[CableEntry], digests: dict[str, str]) -> dict[str, str]:
    catalogue = build_catalogue(entries, AS_OF)
    plans = plan_site(catalogue, CONFIG, [], [])
    keys = PageKeys(catalogue, CONFIG, digests, {}, {}, [plan.url for plan in plans])
    return {plan.url: keys.key(plan) for plan in plans}


@pytest.fixture
def digests() -> dict[str, str]:
    return {e.reference_id: f"digest-of-{e.reference_id}" for e in site_entries()}


def changed_keys(digests: dict[str, str], changed_id: str) -> set[str]:
    before = keys_of(site_entries(), digests)
    after = keys_of(site_entries(), {**digests, changed_id: "edited"})
    return {url for url in before if before[url] != after[url]}


def test_a_cable_edit_changes_the_keys_of_the_pages_that_show_it_and_no_others(digests):
    changed = changed_keys(digests, "09ROME1")
    cable_pages = {url for url in changed if url.startswith("cable/")}
    # Itself, the cable that cites it, and its origin neighbour; not 09ROME4, 09ROME5 or 09PARIS1.
    assert cable_pages == {"cable/2009/01/09ROME1.html", "cable/2009/01/09ROME2.html"}
    assert not any("embassy-paris" in url for url in changed)


def test_a_listing_page_key_changes_only_with_the_cables_on_that_page(digests):
    # Two to a page, newest first: 09ROME5 and 09ROME4 on the first page of Embassy Rome.
    changed = changed_keys(digests, "09ROME5")
    rome_pages = sorted(url for url in changed if url.startswith("origin/embassy-rome"))
    assert rome_pages
    assert all("page-3" not in url for url in rome_pages)
    first, last = changed_keys(digests, "09ROME5"), changed_keys(digests, "09ROME1")
    assert {u for u in first if u.startswith("origin/embassy-rome")} != {
        u for u in last if u.startswith("origin/embassy-rome")
    }


def affected_plans(plans, catalogue, changed, old_slugs, kinds_changed, previous):
    """The pages a general build keys again after `changed` entries moved (old and new alike)."""
    diff = CatalogueDiff(AS_OF, moved=[(entry, entry) for entry in changed], documents=True, pages_moved=True)
    note_slugs(diff, catalogue, old_slugs)
    reach = pages_reached(diff, catalogue, CONFIG.page_size, [], [])
    return plans_to_key(plans, reach, kinds_changed, previous)


def test_keys_are_the_same_for_the_same_inputs(digests):
    assert keys_of(site_entries(), digests) == keys_of(list(reversed(site_entries())), digests)


def test_a_change_reaches_its_page_its_citers_its_neighbours_and_its_listings():
    entries = site_entries()
    catalogue = build_catalogue(entries, AS_OF)
    plans = plan_site(catalogue, CONFIG, [], [])
    urls = {plan.url for plan in plans}
    edited = next(e for e in entries if e.reference_id == "09ROME1")
    reached = {plan.url for plan in affected_plans(plans, catalogue, [edited], facet_slugs(catalogue), set(), urls)}
    cable_pages = {url for url in reached if url.startswith("cable/")}
    assert "cable/2009/01/09ROME1.html" in cable_pages
    assert "cable/2009/01/09ROME2.html" in cable_pages
    assert "cable/2009/02/09PARIS1.html" not in cable_pages
    assert "cable/2009/01/09ROME5.html" not in cable_pages
    assert any(url.startswith("origin/embassy-rome") for url in reached)
    assert not any(url.startswith("origin/embassy-paris") for url in reached)
    assert "feed/origin/embassy-rome.rss" in reached
    assert "feed/origin/embassy-paris.rss" not in reached


def test_a_changed_template_reaches_every_page_of_its_kind_and_a_page_never_built_is_reached():
    catalogue = build_catalogue(site_entries(), AS_OF)
    plans = plan_site(catalogue, CONFIG, [], [])
    urls = {plan.url for plan in plans}
    reached = affected_plans(plans, catalogue, [], facet_slugs(catalogue), {"cable"}, urls)
    assert {p.url for p in reached if p.kind == "cable"} == {p.url for p in plans if p.kind == "cable"}
    fresh = affected_plans(plans, catalogue, [], facet_slugs(catalogue), set(), urls - {"cable/2009/01/09ROME3.html"})
    assert "cable/2009/01/09ROME3.html" in {p.url for p in fresh}
    assert "cable/2009/01/09ROME4.html" not in {p.url for p in fresh}


def test_the_stored_catalogue_reads_back_as_the_catalogue_it_stored(tmp_path, digests):
    entries = site_entries()
    catalogue = build_catalogue(entries, AS_OF)
    manifest = Manifest(tmp_path / "manifest.sqlite")
    store_catalogue(manifest, catalogue, digests)
    manifest.close()
    stored = StoredCatalogue.usable(tmp_path / "manifest.sqlite", AS_OF)
    assert stored is not None
    try:
        assert {ref: stored.cables[ref] for ref in catalogue.cables} == dict(catalogue.cables)
        assert {ref: stored.digests[ref] for ref in catalogue.cables} == digests
        for kind, facets in catalogue.indexes().items():
            assert list(stored.indexes()[kind]) == list(facets), kind
            for name, facet in facets.items():
                assert stored.indexes()[kind][name].reference_ids == facet.reference_ids
        assert stored.backlinks.get("09ROME1") == catalogue.backlinks.get("09ROME1")
        assert stored.released_count == catalogue.released_count
        assert stored.feed() == catalogue.feed()
    finally:
        stored.close()


def test_rows_saved_for_changed_cables_read_back_as_a_new_catalogue_would(tmp_path, digests):
    entries = site_entries()
    manifest = Manifest(tmp_path / "manifest.sqlite")
    store_catalogue(manifest, build_catalogue(entries, AS_OF), digests)
    corrected = entry("09ROME3", "2009-01-03 00:00", A_TEST_CABLE="A CORRECTED SUBJECT")
    assert corrected.subject == "A CORRECTED SUBJECT"
    store_entries(manifest, [(corrected, "new digest")])
    manifest.close()
    stored = StoredCatalogue.usable(tmp_path / "manifest.sqlite", AS_OF)
    assert stored is not None
    try:
        assert stored.cables["09ROME3"] == corrected
        assert stored.digests["09ROME3"] == "new digest"
        fresh = build_catalogue([corrected if e.reference_id == "09ROME3" else e for e in entries], AS_OF)
        assert stored.indexes()["origin"]["Embassy Rome"].reference_ids == fresh.origins["Embassy Rome"].reference_ids
    finally:
        stored.close()


def test_without_a_stored_catalogue_the_quick_path_is_not_usable(tmp_path):
    Manifest(tmp_path / "manifest.sqlite").close()
    assert StoredCatalogue.usable(tmp_path / "manifest.sqlite", AS_OF) is None


def test_a_new_tag_reaches_every_cable_of_the_tag():
    entries = site_entries()
    catalogue = build_catalogue(entries, AS_OF)
    plans = plan_site(catalogue, CONFIG, [], [])
    urls = {plan.url for plan in plans}
    slugs = facet_slugs(catalogue)
    old = {**slugs, "tag": {name: slug for name, slug in slugs["tag"].items() if name != "IT"}}
    reached = {p.url for p in affected_plans(plans, catalogue, [], old, set(), urls)}
    assert {p.url for p in plans if p.kind == "cable"} <= reached  # every cable is tagged IT here


def test_every_kind_of_page_has_one_record_and_one_renderer(tmp_path):
    from sitegen.kinds import KINDS, TEMPLATE_BY_KIND
    from sitegen.render.page import BUILTIN_TEMPLATES
    from sitegen.render.site import OutputParts, SiteRenderer

    catalogue = build_catalogue(site_entries(), AS_OF)
    renderer = SiteRenderer(CONFIG, catalogue, tmp_path, [], [], OutputParts({}, [], search=True))
    assert all(callable(getattr(renderer, kind.renderer)) for kind in KINDS.values())
    planned = {plan.kind for plan in plan_site(catalogue, CONFIG, [], [], search=True)}
    assert planned <= set(KINDS)
    assert all((BUILTIN_TEMPLATES / template).is_file() for template in TEMPLATE_BY_KIND.values())
