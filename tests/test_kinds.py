"""Page kinds: each one record, whose declarations the key, the reach and the renderer follow."""

from __future__ import annotations

import pytest

from sitegen import kinds
from sitegen.catalogue import build_catalogue
from sitegen.config import Config
from sitegen.incremental.keys import INPUTS, PageKeys
from sitegen.plan import PagePlan

REACHES = {value for name, value in vars(kinds).items() if name.startswith("REACH_")}


def test_every_kind_declares_readers_and_a_reach_that_exist():
    for kind in kinds.KINDS.values():
        assert set(kind.reads) <= INPUTS.keys(), kind.name
        assert kind.reach in REACHES, kind.name


def test_a_page_of_an_unknown_kind_is_an_error_not_a_page_keyed_on_nothing():
    keys = PageKeys(build_catalogue([], "2011-01-01 00:00"), Config(), {}, {}, {}, [])
    with pytest.raises(KeyError, match="unknown page kind 'signer-feed'"):
        keys.key(PagePlan("feed/signer/rice.rss", "signer-feed", "RICE"))


def test_a_family_is_one_declaration_for_its_overview_month_pages_letters_and_feed():
    origin = {kind.name for kind in kinds.FAMILIES["origin"].kinds()}
    buckets = {"origin-month", "origin-calendar", "origin-day"}
    assert origin == {"origin", *buckets, "origin-index", "origin-letter", "origin-feed"}
    classification = {kind.name for kind in kinds.FAMILIES["classification"].kinds()}
    assert classification == {"classification", *(name.replace("origin", "classification") for name in buckets),
                              "classification-feed"}  # fmt: skip
    renderers = {kind.renderer for family in kinds.FAMILIES.values() for kind in family.kinds()}
    assert renderers == {"_facet_overview", "_bucket_month", "_bucket_calendar", "_bucket_day", "_letter_index",
                         "_letters", "_facet_feed"}  # fmt: skip


def test_a_listing_names_the_kinds_of_its_months_calendars_and_days():
    assert [kinds.bucket_kind("tag", listing) for listing in ("month", "calendar", "day")] == [
        "tag-month",
        "tag-calendar",
        "tag-day",
    ]
    assert [kinds.bucket_kind("month", listing) for listing in ("month", "calendar", "day")] == [
        "month",
        "calendar",
        "day",
    ]  # the archive by date
