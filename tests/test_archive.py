"""import / export / release: the archive commands end to end through the CLI."""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.archive import import_dump
from sitegen.cli import main
from sitegen.sources.cablefile import read_cable_file
from sitegen.sources.dump import encode_row, record_to_fields


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_import_then_export_gives_the_same_bytes(tmp_path, corpus_csv):
    result = run("import", str(corpus_csv), "--site", str(tmp_path), "--released", "2010-11-28")
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "content" / "cables").rglob("*.txt"))
    assert len(files) == corpus_csv.read_bytes().count(b'"\n"') + 1
    out = tmp_path / "back.csv"
    assert run("export", str(out), "--site", str(tmp_path)).exit_code == 0
    assert out.read_bytes() == corpus_csv.read_bytes()


def test_reimport_leaves_unchanged_files_untouched_and_keeps_release_dates(tmp_path, corpus_csv):
    run("import", str(corpus_csv), "--site", str(tmp_path), "--released", "2010-11-28")
    path = next((tmp_path / "content" / "cables").rglob("*.txt"))
    os.utime(path, (1_000_000, 1_000_000))
    result = run("import", str(corpus_csv), "--site", str(tmp_path), "--released", "2011-01-01")
    assert "0 written" in result.output
    assert path.stat().st_mtime == 1_000_000
    assert read_cable_file(path).released == "2010-11-28 00:00"


def _dump(tmp_path, rows: list[bytes]):
    path = tmp_path / "small.csv"
    path.write_bytes(b"".join(rows))
    return path


ROW = b'"%d","1/2/2003 4:05","%s","Embassy Rome","SECRET","","H","body %d"\n'


def test_malformed_rows_are_reported_and_the_rest_imported(tmp_path):
    csv_path = _dump(
        tmp_path,
        [
            ROW % (1, b"03ROME1", 1),
            b'"2","1/2/2003 4:05","03ROME2"\n',
            ROW % (3, b"../../evil", 3),
            ROW % (4, b"03ROME4", 4),
        ],
    )
    result = CliRunner().invoke(main, ["import", str(csv_path), "--site", str(tmp_path)])
    assert result.exit_code == 1  # a row not imported is an error
    assert "small.csv:2: row 2: has 3 fields" in result.output
    assert "small.csv:3: row 3: reference ID '../../evil'" in result.output
    names = sorted(p.name for p in (tmp_path / "content").rglob("*.txt"))
    assert names == ["03ROME1.txt", "03ROME4.txt"]
    assert not (tmp_path / "evil.txt").exists()
    strict = CliRunner().invoke(main, ["import", str(csv_path), "--site", str(tmp_path), "--strict"])
    assert strict.exit_code == 1


def test_unusual_date_spelling_is_kept_for_export(tmp_path):
    csv_path = _dump(tmp_path, [b'"1","01/02/2003 04:05","03ROME1","Embassy Rome","SECRET","","H","B"\n'])
    run("import", str(csv_path), "--site", str(tmp_path))
    out = tmp_path / "back.csv"
    run("export", str(out), "--site", str(tmp_path))
    assert out.read_bytes() == csv_path.read_bytes()


def test_release_stamps_named_cables_and_reports_unknown_ones(tmp_path):
    csv_path = _dump(tmp_path, [ROW % (n, b"03ROME%d" % n, n) for n in (1, 2, 3)])
    run("import", str(csv_path), "--site", str(tmp_path))
    ids = tmp_path / "batch.txt"
    ids.write_text("03ROME1\n03ROME3\n")
    result = CliRunner().invoke(main, ["release", "2010-12-01", "--ids", str(ids), "03ROME9", "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert "03ROME9" in result.output
    released = {p.stem: read_cable_file(p).released for p in (tmp_path / "content").rglob("*.txt")}
    assert released == {"03ROME1": "2010-12-01 00:00", "03ROME2": None, "03ROME3": "2010-12-01 00:00"}


def test_bad_date_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["release", "yesterday", "03ROME1", "--site", str(tmp_path)])
    assert result.exit_code == 2


def test_release_reports_an_unreadable_file_by_name_not_as_missing(tmp_path):
    csv_path = _dump(tmp_path, [ROW % (1, b"03ROME1", 1)])
    run("import", str(csv_path), "--site", str(tmp_path))
    path = next((tmp_path / "content").rglob("03ROME1.txt"))
    path.write_bytes(path.read_bytes().replace(b"Created: 2003-01-02 04:05", b"Created: soon"))
    result = CliRunner().invoke(main, ["release", "2010-12-01", "03ROME1", "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert "03ROME1.txt:3: Created 'soon'" in result.output
    assert "no cable 03ROME1" not in result.output


def imported_ids(site) -> list[str]:
    return sorted(p.stem for p in (site / "content" / "cables").rglob("*.txt"))


def accounted(result) -> tuple[int, int, int]:
    """(rows read, imported, reported) from the import's summary line."""
    found = re.search(r"read (\d+) rows?: imported (\d+) cables? .* (\d+) rows? reported", result.output)
    assert found, result.output
    return int(found[1]), int(found[2]), int(found[3])


@pytest.mark.parametrize(
    "damage",
    [
        b"this line is junk\n",
        b'"2","1/2/2003 4:05","03ROME2","Embassy Rome","SECRET","","H","lost its closing quote\n',
        b'"2","1/2/2003 4:05","03ROME2","Embassy Rome","SECRET","","H","lost its closing quote\nand a line more\n',
        b'"2","1/2/2003 4:05","03ROME2","Embassy Rome","SECRET","","H","body" trailing\n',
    ],
)
def test_the_good_row_after_a_damaged_one_is_imported_and_rows_keep_their_numbers(tmp_path, damage):
    csv_path = _dump(tmp_path, [ROW % (1, b"03ROME1", 1), damage, ROW % (3, b"03ROME3", 3), ROW % (4, b"03ROME4", 4)])
    result = run("import", str(csv_path), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert imported_ids(tmp_path) == ["03ROME1", "03ROME3", "03ROME4"]
    assert accounted(result) == (4, 3, 1)
    assert "small.csv:2: row 2:" in result.output  # the damaged row, by its row and line


def test_a_year_under_1000_and_an_overlong_id_are_reported_rows(tmp_path):
    long_id = b"03ROME" + b"1" * 300
    csv_path = _dump(
        tmp_path,
        [
            b'"1","1/1/0999 0:00","99ROME1","Embassy Rome","SECRET","","H","B"\n',
            ROW % (2, long_id, 2),
            ROW % (3, b"03ROME3", 3),
        ],
    )
    result = run("import", str(csv_path), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert "small.csv:1: row 1 (99ROME1): created '1/1/0999 0:00'" in result.output
    assert "small.csv:2: row 2: reference ID" in result.output
    assert "over 64" in result.output
    assert imported_ids(tmp_path) == ["03ROME3"]
    assert accounted(result) == (3, 1, 2)


@pytest.mark.parametrize("column", [3, 4])  # origin, classification
def test_bytes_not_utf8_in_a_metadata_field_are_a_reported_row(tmp_path, column):
    fields = [b"1", b"1/2/2003 4:05", b"03ROME1", b"Embassy Rome", b"SECRET", b"", b"H", b"B"]
    fields[column] = b"Embassy \xff\xfe"
    csv_path = _dump(tmp_path, [b",".join(b'"' + f + b'"' for f in fields) + b"\n", ROW % (2, b"03ROME2", 2)])
    result = run("import", str(csv_path), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert "not UTF-8" in result.output
    assert imported_ids(tmp_path) == ["03ROME2"]


def test_a_duplicate_reference_id_is_reported_with_both_rows(tmp_path):
    later_date = ROW.replace(b"1/2/2003", b"5/6/2004")
    csv_path = _dump(
        tmp_path,
        [ROW % (1, b"03ROME1", 1), ROW % (2, b"03ROME1", 2), later_date % (3, b"03ROME1", 3), ROW % (4, b"03ROME4", 4)],
    )
    result = run("import", str(csv_path), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert "small.csv:2: row 2: reference ID 03ROME1 was already given by row 1 (line 1)" in result.output
    assert "small.csv:3: row 3: reference ID 03ROME1 was already given by row 1 (line 1)" in result.output
    assert imported_ids(tmp_path) == ["03ROME1", "03ROME4"]
    assert b"body 1" in next((tmp_path / "content").rglob("03ROME1.txt")).read_bytes()
    out = tmp_path / "back.csv"
    run("export", str(out), "--site", str(tmp_path))
    assert out.read_bytes() == ROW % (1, b"03ROME1", 1) + ROW % (4, b"03ROME4", 4)


def test_a_cable_whose_created_date_changes_moves_and_keeps_its_release(tmp_path):
    run("import", str(_dump(tmp_path, [ROW % (1, b"03ROME1", 1)])), "--site", str(tmp_path), "--released", "2010-12-01")
    moved = ROW.replace(b"1/2/2003", b"5/6/2004") % (1, b"03ROME1", 1)
    result = run("import", str(_dump(tmp_path, [moved])), "--site", str(tmp_path))
    assert result.exit_code == 0
    assert "1 of them moved" in result.output
    [path] = (tmp_path / "content" / "cables").rglob("*.txt")
    assert path.relative_to(tmp_path / "content" / "cables").as_posix() == "2004/05/03ROME1.txt"
    assert read_cable_file(path).released == "2010-12-01 00:00"
    out = tmp_path / "back.csv"
    run("export", str(out), "--site", str(tmp_path))
    assert out.read_bytes() == moved


def test_release_ids_reads_the_first_column_of_a_tsv(tmp_path):
    run("import", str(_dump(tmp_path, [ROW % (n, b"03ROME%d" % n, n) for n in (1, 2, 3)])), "--site", str(tmp_path))
    ids = tmp_path / "released.tsv"
    ids.write_text(
        "reference_id\treleased\tsource\n03ROME1\t2010-11-28 00:00\tthe first\n\n# a comment\n03ROME3\t2010-11-28\tx y\n"
    )
    result = CliRunner().invoke(main, ["release", "2010-12-01", "--ids", str(ids), "--site", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "released 2 cables" in result.output
    released = {p.stem: read_cable_file(p).released for p in (tmp_path / "content").rglob("*.txt")}
    # Each cable its own date from the list's second column (issue 33), the day alone at 00:00.
    assert released == {"03ROME1": "2010-11-28 00:00", "03ROME2": None, "03ROME3": "2010-11-28 00:00"}
    ids.write_text("03ROME1\nnot an id\n")
    result = CliRunner().invoke(main, ["release", "2010-12-01", "--ids", str(ids), "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert "released.tsv:2: reference ID 'not'" in result.output


def test_importing_a_file_that_is_not_a_dump_exits_1(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear editor,\nthese are not cables.\n")
    result = run("import", str(path), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert accounted(result) == (1, 0, 1)


def test_export_of_an_unreadable_cable_reports_it_and_leaves_no_temporary_file(tmp_path):
    run("import", str(_dump(tmp_path, [ROW % (n, b"03ROME%d" % n, n) for n in (1, 2)])), "--site", str(tmp_path))
    path = next((tmp_path / "content").rglob("03ROME1.txt"))
    path.write_bytes(path.read_bytes().replace(b"Created: 2003-01-02 04:05", b"Created: 2005-02-30 10:00"))
    out = tmp_path / "back.csv"
    result = run("export", str(out), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert "03ROME1.txt:3: Created '2005-02-30 10:00'" in result.output
    assert out.read_bytes() == ROW % (2, b"03ROME2", 2)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _damaged_dump(count: int, operations: list[tuple[int, str, int, bytes]]) -> tuple[bytes, dict[str, bytes]]:
    """A dump of `count` good rows with damage done to some, and the rows left whole that still
    start a line (those must be imported, whatever came before them), by reference ID."""
    rows = [
        b'"%d","1/2/2003 4:05","03ROME%d","Embassy Rome","SECRET","03ROME1","H\\\\\\"x\\\'","body %d\nline\n "\n'
        % (n, n, n)
        for n in range(1, count + 1)
    ]
    damaged = list(rows)
    junk: dict[int, bytes] = {}
    for index, kind, where, piece in operations:
        index %= count
        row = damaged[index]
        where %= len(row) + 1
        if kind == "insert":
            damaged[index] = row[:where] + piece + row[where:]
        elif kind == "delete":
            damaged[index] = row[:where] + row[where + len(piece) :]
        elif kind == "junk line":
            junk[index] = piece.replace(b"\n", b"") + b"\n"
        else:  # truncate: the file ends inside this row
            damaged[index] = row[:where]
            damaged[index + 1 :] = [b""] * (count - index - 1)
    data, intact = b"", {}
    for n, row in enumerate(damaged):
        data += junk.get(n, b"")
        if row == rows[n] and (not data or data.endswith(b"\n")):
            intact[f"03ROME{n + 1}"] = row
        data += row
    return data, intact


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.integers(min_value=1, max_value=12),
    operations=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=11),
            st.sampled_from(["insert", "delete", "junk line", "truncate"]),
            st.integers(min_value=0, max_value=200),
            st.binary(min_size=1, max_size=6).map(lambda b: b.translate(DAMAGE_BYTES)),
        ),
        max_size=4,
    ),
)
def test_import_of_a_damaged_dump_never_raises_and_accounts_for_every_row(tmp_path, rows, operations):
    data, intact = _damaged_dump(rows, operations)
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        site = Path(folder) / "site"
        report = import_dump(io.BytesIO(data), "damaged.csv", site / "content", "2010-12-01 00:00")
        assert report.rows == report.imported + len(report.problems)
        assert all(problem.path == "damaged.csv" and problem.line >= 1 for problem in report.problems)
        written = {p.stem: p for p in site.rglob("*") if p.is_file()}
        assert all(p.is_relative_to(site / "content" / "cables") for p in written.values())
        assert len(written) == report.imported
        for reference_id, row in intact.items():
            assert reference_id in written, (reference_id, report.problems)
            assert encode_row(record_to_fields(read_cable_file(written[reference_id]))) == row


# Damage made of the bytes that matter to the dialect, and a few that do not.
DAMAGE_BYTES = bytes.maketrans(bytes(range(256)), (b"\"\\,\n\r'a1" * 32))


def test_counts_are_said_in_the_singular_for_one(tmp_path):
    result = run("import", str(_dump(tmp_path, [ROW % (1, b"03ROME1", 1)])), "--site", str(tmp_path))
    assert "read 1 row: imported 1 cable (1 written, 0 unchanged), 0 rows reported" in result.output
    released = CliRunner().invoke(main, ["release", "2010-12-01", "03ROME1", "--site", str(tmp_path)])
    assert "released 1 cable on 2010-12-01 00:00" in released.output


@pytest.mark.parametrize(
    "column, name", [(1, "created"), (3, "origin"), (4, "classification")], ids=["created", "origin", "classification"]
)
@pytest.mark.parametrize("value", [b"", b"  "], ids=["empty", "spaces"])
def test_an_empty_created_origin_or_classification_is_a_reported_row(tmp_path, column, name, value):
    """Issue 28: an empty Origin or Classification was imported, and published `Cables from `."""
    fields = [b"1", b"1/2/2003 4:05", b"03ROME1", b"Embassy Rome", b"SECRET", b"", b"H", b"B"]
    fields[column] = value
    csv_path = _dump(tmp_path, [b",".join(b'"' + f + b'"' for f in fields) + b"\n", ROW % (2, b"03ROME2", 2)])
    result = run("import", str(csv_path), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert f"small.csv:1: row 1 (03ROME1): {name} " in result.output
    assert imported_ids(tmp_path) == ["03ROME2"]
    assert accounted(result) == (2, 1, 1)


@pytest.mark.parametrize(
    "listing",
    [
        "\ufeff03ROME1\n03ROME3\n",  # a BOM before the first ID (Windows editors write one)
        "\ufeffreference_id\tsource\n03ROME1\tx\n03ROME3\ty\n",  # before a header
        "# batch of December\nreference_id\treleased\n03ROME1\t2010-12-01\n03ROME3\t2010-12-01\n",
        "\n# batch of December\n\nreference_id\n03ROME1\n03ROME3\n",
    ],
    ids=["bom", "bom-header", "comment-header", "blank-comment-header"],
)
def test_an_id_list_with_a_bom_or_a_header_after_a_comment_releases_every_id(tmp_path, listing):
    """Issue 28: a BOM made the first ID pass for a header, dropped in silence; a header after
    a comment line was reported as an error."""
    run("import", str(_dump(tmp_path, [ROW % (n, b"03ROME%d" % n, n) for n in (1, 2, 3)])), "--site", str(tmp_path))
    ids = tmp_path / "batch.tsv"
    ids.write_bytes(listing.encode("utf-8"))
    result = CliRunner().invoke(main, ["release", "2010-12-01", "--ids", str(ids), "--site", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "released 2 cables" in result.output
    released = {p.stem: read_cable_file(p).released for p in (tmp_path / "content").rglob("*.txt")}
    assert released == {"03ROME1": "2010-12-01 00:00", "03ROME2": None, "03ROME3": "2010-12-01 00:00"}


def test_an_id_written_with_zeros_is_imported_canonical_and_exported_as_written(tmp_path):
    """Issue 28: `09ROME0042` was imported as written, so the ID box (which reads `09ROME42`)
    could not reach it. Import keeps the canonical ID, export the dump's spelling; a row naming
    the same cable without the zeros is a duplicate."""
    rows = [ROW % (1, b"09ROME0042", 1), ROW % (2, b"09A2B7", 2), ROW % (3, b"09ROME42", 3)]
    csv_path = _dump(tmp_path, rows)
    result = run("import", str(csv_path), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert "small.csv:3: row 3: reference ID 09ROME42 was already given by row 1 (line 1)" in result.output
    assert imported_ids(tmp_path) == ["09A2B7", "09ROME42"]
    record = read_cable_file(next((tmp_path / "content").rglob("09ROME42.txt")))
    assert record.reference_id == "09ROME42"
    assert record.extra_field("Dump-Reference-ID") == "09ROME0042"
    out = tmp_path / "back.csv"
    assert run("export", str(out), "--site", str(tmp_path)).exit_code == 0
    assert out.read_bytes() == rows[0] + rows[1]
    again = run("import", str(_dump(tmp_path, rows[:2])), "--site", str(tmp_path))  # a re-import changes nothing
    assert again.exit_code == 0
    assert "0 written" in again.output


@pytest.mark.parametrize("named", ["09ROME0042", "09rome42", "09 ROME 0042"])
def test_release_names_a_cable_in_any_spelling_of_its_id(tmp_path, named):
    run("import", str(_dump(tmp_path, [ROW % (1, b"09ROME0042", 1), ROW % (2, b"09A2B7", 2)])), "--site", str(tmp_path))
    result = CliRunner().invoke(main, ["release", "2010-12-01", named, "09a2b7", "--site", str(tmp_path)])
    assert result.exit_code == 0, result.output
    ids = tmp_path / "batch.txt"
    ids.write_text("reference_id\n09rome0042\n")
    assert (
        CliRunner()
        .invoke(main, ["release", "2010-12-02", "--ids", str(ids), "--redate", "--site", str(tmp_path)])
        .exit_code
        == 0
    )
    released = {p.stem: read_cable_file(p).released for p in (tmp_path / "content").rglob("*.txt")}
    assert released == {"09ROME42": "2010-12-02 00:00", "09A2B7": "2010-12-01 00:00"}


def test_export_and_release_report_links_that_loop_or_lead_to_folders(tmp_path):
    """Issue 28, items 5 and 6: the archive commands see the cable files as the build does."""
    rows = [ROW % (n, b"03ROME%d" % n, n) for n in (1, 2)]
    run("import", str(_dump(tmp_path, rows)), "--site", str(tmp_path))
    month = next((tmp_path / "content").rglob("03ROME1.txt")).parent
    (month / "03ROME7.txt").symlink_to("03ROME7.txt")  # a link to itself
    moved = tmp_path / "elsewhere"
    month.rename(moved)
    month.symlink_to(moved)
    shown = os.path.relpath(month, tmp_path)
    out = tmp_path / "back.csv"
    result = run("export", str(out), "--site", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "a symbolic link to a folder, not followed" in result.output
    assert month.name in result.output
    moved.rename(tmp_path / "apart")
    month.unlink()
    (tmp_path / "apart").rename(month)
    result = run("export", str(out), "--site", str(tmp_path))
    assert result.exit_code == 1
    assert "03ROME7.txt:0: cannot read: a symbolic link that loops" in result.output
    month.rename(moved)
    month.symlink_to(moved)
    result = run("release", "2010-12-01", "03ROME1", "--site", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "a symbolic link to a folder, not followed" in result.output
    assert shown.split("/")[-1] in result.output


def test_release_keeps_a_cables_date_unless_redated_and_names_the_line_of_a_missing_id(tmp_path):
    run("import", str(_dump(tmp_path, [ROW % (n, b"03ROME%d" % n, n) for n in (1, 2)])), "--site", str(tmp_path))
    assert CliRunner().invoke(main, ["release", "2010-11-28", "03rome1", "--site", str(tmp_path)]).exit_code == 0
    ids = tmp_path / "released.tsv"
    ids.write_text("reference_id\treleased\n03ROME1\t2010-12-05 10:00\n03ROME2\t2010-12-05\n03ROME9\t2010-12-05\n")
    result = CliRunner().invoke(main, ["release", "2010-12-01", "--ids", str(ids), "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert "released.tsv:4: no cable 03ROME9" in result.output
    assert ":0:" not in result.output
    assert "1 cable already released kept its date" in result.output
    assert "1 problem" in result.output
    released = {p.stem: read_cable_file(p).released for p in (tmp_path / "content").rglob("*.txt")}
    assert released == {"03ROME1": "2010-11-28 00:00", "03ROME2": "2010-12-05 00:00"}
    result = CliRunner().invoke(main, ["release", "2010-12-01", "--ids", str(ids), "--redate", "--site", str(tmp_path)])
    released = {p.stem: read_cable_file(p).released for p in (tmp_path / "content").rglob("*.txt")}
    assert released == {"03ROME1": "2010-12-05 10:00", "03ROME2": "2010-12-05 00:00"}
    ids.write_text("03ROME1\t2010-13-45\n")
    result = CliRunner().invoke(main, ["release", "2010-12-01", "--ids", str(ids), "--site", str(tmp_path)])
    assert "released.tsv:1: '2010-13-45' is not a date" in result.output
