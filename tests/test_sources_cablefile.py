"""Cable files: the format round-trips every record, keeps unknown fields and reports bad files by line."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sitegen.model import CableRecord, Problem
from sitegen.sources.cablefile import CableFileError, cable_path, format_cable, parse_cable_file, read_cable_file

RECORD = CableRecord(
    reference_id="06GUANGZHOU29875",
    sequence="3",
    created="2006-09-12 07:32",
    released="2010-11-28 00:00",
    classification="UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    origin="Consulate Guangzhou",
    references="06GUANGZHOU20753|06GUANGZHOU15230",
    header="VZCZCXRO7807\nRR RUEHCN\n",
    body="UNCLAS SECTION 01 OF 06 GUANGZHOU 029875 \n \nSIPDIS \n",
)


@pytest.mark.parametrize(
    "header, body",
    [("", ""), ("H", "B"), ("H\n", "B\n"), ("\n\n", "\n"), ("a \n \n", " \n x"), ("caf\udce9", "\udcff\n")],
)
def test_header_body_boundary_survives(header, body):
    record = replace(RECORD, header=header, body=body)
    assert parse_cable_file(format_cable(record)) == record


def test_every_corpus_cable_round_trips_through_the_file_format(corpus_records):
    for record in corpus_records:
        assert parse_cable_file(format_cable(record)) == record


def test_unknown_fields_are_kept_in_order():
    record = replace(RECORD, extra=(("Note", "checked by desk"), ("X-Source", "tape 4")))
    assert parse_cable_file(format_cable(record)).extra == record.extra


def test_unreleased_cable_has_no_released_field():
    data = format_cable(replace(RECORD, released=None))
    assert b"Released:" not in data
    assert parse_cable_file(data).released is None


@pytest.mark.parametrize(
    "text, line, words",
    [
        (b"Reference-ID: 06X1\nCreated: 2006-09-12 07:32\nClassification: S\nOrigin: X\n", 1, "no blank line"),
        (b"Reference-ID: 06GUANGZHOU1\nCreated: 12/9/2006\nClassification: S\nOrigin: X\n\nbody", 2, "Created"),
        (b"Reference-ID: ../../etc/passwd\nCreated: 2006-09-12 07:32\n\nbody", 1, "Reference-ID"),
        (b"Reference-ID: 06GUANGZHOU1\nthis is not a field\n\nbody", 2, "Name: value"),
        (b"Reference-ID: 06GUANGZHOU1\nCreated: 2006-09-12 07:32\nClassification: S\n\nbody", 1, "Origin"),
        (
            b"Reference-ID: 06GUANGZHOU1\nCreated: 2006-09-12 07:32\nClassification: S\nOrigin: X\nHeader-Lines: 9\n\nonly\ntwo",
            5,
            "Header-Lines",
        ),
    ],
)
def test_broken_file_reports_its_line_and_what_is_wrong(text, line, words):
    with pytest.raises(CableFileError) as caught:
        parse_cable_file(text)
    assert caught.value.line == line
    assert words in str(caught.value)


def test_read_cable_file_names_the_file(tmp_path):
    path = tmp_path / "06GUANGZHOU1.txt"
    path.write_bytes(b"Reference-ID: 06GUANGZHOU1\nCreated: soon\n\nbody")
    problem = read_cable_file(path, "content/cables/06GUANGZHOU1.txt")
    assert isinstance(problem, Problem)
    assert str(problem).startswith("content/cables/06GUANGZHOU1.txt:2: ")


def test_file_name_must_match_reference_id(tmp_path):
    path = tmp_path / "06OTHER1.txt"
    path.write_bytes(format_cable(RECORD))
    assert isinstance(read_cable_file(path), Problem)


@pytest.mark.parametrize("bad", ["../06X1", "06X1/../../a", "06 X 1", "X06ROME1", "06ROME1.html", "06ROME"])
def test_reference_ids_that_could_escape_never_become_paths(tmp_path, bad):
    with pytest.raises(ValueError, match="not a reference ID"):
        cable_path(tmp_path, replace(RECORD, reference_id=bad))


def test_cable_path_follows_created_year_and_month(tmp_path):
    assert cable_path(tmp_path, RECORD) == tmp_path / "cables" / "2006" / "09" / "06GUANGZHOU29875.txt"
