"""Shared fixtures: the real cables in ../shared/corpus (skipped when absent) and small sites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.model import CableRecord
from sitegen.sources.dump import DumpRow, read_rows

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
