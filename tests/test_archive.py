"""import / export / release: the archive commands end to end through the CLI."""

from __future__ import annotations

import os

from click.testing import CliRunner

from sitegen.cli import main
from sitegen.sources.cablefile import read_cable_file


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
    assert result.exit_code == 0
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
    assert result.exit_code == 1 and "03ROME9" in result.output
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
    assert "03ROME1.txt:3: Created 'soon'" in result.output and "no cable 03ROME1" not in result.output
