"""The dump dialect: rows stream out, write back byte for byte, bad rows are reported by row and line."""

from __future__ import annotations

import io
import random
from datetime import datetime

import pytest

from sitegen.model import Problem
from sitegen.sources import dump
from sitegen.sources.dump import (
    FIELD_PATTERN,
    DumpRow,
    encode_row,
    format_dump_date,
    match_field,
    parse_dump_date,
    read_rows,
)


def _rows(data: bytes) -> list:
    return list(read_rows(io.BytesIO(data), "test.csv"))


def test_every_corpus_row_encodes_back_to_its_own_bytes(corpus_csv, corpus_rows):
    data = corpus_csv.read_bytes()
    assert b"".join(encode_row(row.fields) for row in corpus_rows) == data
    assert all(encode_row(row.fields) == row.raw for row in corpus_rows)


def test_records_spanning_chunk_boundaries_read_the_same(corpus_csv, corpus_rows, monkeypatch):
    monkeypatch.setattr(dump, "CHUNK_SIZE", 777)
    with open(corpus_csv, "rb") as stream:
        small = list(read_rows(stream, "cables.csv"))
    assert [row.fields for row in small] == [row.fields for row in corpus_rows]
    assert [row.line for row in small] == [row.line for row in corpus_rows]


def test_backslash_escapes_are_decoded():
    row = _rows(
        b'"1","2/25/1972 9:30","72TEHRAN1164","Embassy Tehran","UNCLASSIFIED","","h","SHAH\\\'S \\"F-4\\" C:\\\\X"\n'
    )[0]
    assert row.fields[7] == 'SHAH\'S "F-4" C:\\X'


def test_malformed_row_is_reported_with_row_and_line_and_the_rest_still_read():
    good = b'"1","1/2/2003 4:05","03ROME1","Embassy Rome","SECRET","","H","line1\nline2"\n'
    bad = b'"2","1/2/2003 4:05","03ROME2","Embassy Rome"\n'
    unquoted = b'"3","1/2/2003 4:05",03ROME3,"Embassy Rome","SECRET","","H","B"\n'
    last = b'"4","1/2/2003 4:05","03ROME4","Embassy Rome","SECRET","","H","end"\n'
    items = _rows(good + bad + unquoted + last)
    assert [type(item) for item in items] == [DumpRow, Problem, Problem, DumpRow]
    assert items[1].line == 3
    assert "row 2" in items[1].message
    assert "4 fields" in items[1].message
    assert items[2].line == 4
    assert "row 3" in items[2].message
    assert items[3].fields[2] == "03ROME4"
    assert items[3].row == 4
    assert items[3].line == 5


def test_unterminated_last_record_is_a_problem():
    items = _rows(b'"1","1/2/2003 4:05","03ROME1","Embassy Rome","SECRET","","H","never closed\n')
    assert len(items) == 1
    assert isinstance(items[0], Problem)


@pytest.mark.parametrize("text, iso", [("12/28/1966 18:48", "1966-12-28 18:48"), ("2/5/1972 9:03", "1972-02-05 09:03")])
def test_dump_dates_convert_both_ways(text, iso):
    assert parse_dump_date(text) == iso
    assert format_dump_date(iso) == text


def test_non_utf8_bytes_survive_the_round_trip():
    raw = b'"1","1/2/2003 4:05","03ROME1","Embassy Rome","SECRET","","H","caf\xe9 \xff"\n'
    row = _rows(raw)[0]
    assert encode_row(row.fields) == raw


def test_fields_are_found_exactly_where_the_dialects_pattern_finds_them():
    """match_field (bytes.find) against FIELD_PATTERN (the definition) on random runs of the
    bytes that matter: quotes, backslashes, commas, newlines."""
    rng = random.Random(2)
    alphabet = [b'"', b"\\", b",", b"\n", b"a", b"'"]
    for _ in range(50_000):
        data = b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        position = rng.randint(0, len(data))
        match = FIELD_PATTERN.match(data, position)
        expected = None if match is None else (match.end(1), match.end(), match.group(2))
        assert match_field(data, position) == expected, (data, position)


def test_dates_read_and_written_as_strptime_would():
    rng = random.Random(3)
    for _ in range(20_000):
        text = f"{rng.randint(0, 13)}/{rng.randint(0, 32)}/{rng.randint(999, 2011)} {rng.randint(0, 25)}:{rng.randint(0, 61):02d}"
        text = rng.choice(["", " ", "0"]) + text
        if rng.random() < 0.05:
            text = text.replace("1", "\u0661").replace("/2", "/0")  # an Arabic-Indic digit; a year under 1000
        try:
            moment = datetime.strptime(text.strip(), "%m/%d/%Y %H:%M")
        except ValueError:
            moment = None
        # A year under 1000 is refused: strftime spells it differently from platform to platform.
        expected = moment.strftime("%Y-%m-%d %H:%M") if moment and moment.year >= 1000 else None
        assert parse_dump_date(text) == expected, text
        if expected:
            assert (
                format_dump_date(expected)
                == f"{moment.month}/{moment.day}/{moment.year} {moment.hour}:{moment.minute:02d}"
            )
