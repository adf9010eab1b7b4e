"""The manifest: cable states and page keys kept a folder a row, read back as they were saved."""

from __future__ import annotations

import random

import pytest

from sitegen.catalogue import CableEntry
from sitegen.incremental.manifest import Manifest, SourceState


def entry(reference_id: str, folder: str, released: str = "2010-11-28 00:00", subject: str = "A subject") -> CableEntry:
    return CableEntry(
        reference_id,
        f"{folder}/{reference_id}.txt",
        "2009-01-02 03:04",
        released,
        "CONFIDENTIAL",
        "Embassy Rome",
        subject,
        "A summary.",
        "12958",
        ("PREL", "STEINBERG, JAMES B."),
        ("09ROME1",),
        "09ROME1",
    )


def state(reference_id: str, folder: str, **fields) -> tuple[str, SourceState]:
    path = f"{folder}/{reference_id}.txt"
    return path, SourceState(
        len(reference_id), 1_700_000_000_000_000_000, f"digest-{reference_id}", entry(reference_id, folder, **fields)
    )


def folder_rows(manifest: Manifest, table: str) -> list[str]:
    return sorted(folder for (folder,) in manifest.db.execute(f"SELECT folder FROM {table}"))


def test_states_saved_in_many_folders_read_back_equal(tmp_path):
    manifest = Manifest(tmp_path / "m.sqlite")
    states = dict(
        [state(f"09ROME{n}", f"content/cables/2009/0{n % 3 + 1}") for n in range(1, 10)]
        + [state("09PARIS1", "content/cables", subject="Bytes \udcff kept as surrogates")]
    )
    states["content/cables/2009/01/BROKEN.txt"] = SourceState(3, 4, "d", None)  # a file with a problem
    manifest.save_sources(states, [], replace_all=True)
    assert manifest.sources() == states
    assert folder_rows(manifest, "sources") == [
        "content/cables",
        "content/cables/2009/01",
        "content/cables/2009/02",
        "content/cables/2009/03",
    ]
    assert manifest.release_dates() == {s.entry.reference_id: s.entry.released for s in states.values() if s.entry}


def change_rows(manifest: Manifest, table: str) -> int:
    return manifest.db.execute("SELECT count(*) FROM changes WHERE tbl = ?", (table,)).fetchone()[0]


@pytest.mark.parametrize("changes_kept", [0, 5, 10_000])  # always folded, now and then, never
def test_incremental_saves_read_back_as_applied_and_drop_emptied_folders(tmp_path, changes_kept):
    manifest = Manifest(tmp_path / "m.sqlite")
    manifest.changes_kept = changes_kept
    rng = random.Random(7)
    expected: dict[str, SourceState] = {}
    for step in range(40):
        folder = f"content/cables/2009/{rng.randint(1, 4):02d}"
        changed = dict(state(f"09ROME{rng.randint(1, 30)}", folder, subject=f"edit {step}") for _ in range(3))
        gone = sorted(set(expected) - set(changed))  # a build never both reads and misses a file
        removed = rng.sample(gone, min(len(gone), rng.randint(0, 4)))
        manifest.save_sources(changed, removed)
        for path in removed:
            expected.pop(path)
        expected.update(changed)
        assert manifest.sources() == expected, f"step {step}"
        in_folder = {path.rpartition("/")[2]: s for path, s in expected.items() if path.rpartition("/")[0] == folder}
        rows = manifest.folder_sources(folder)  # what the quick path reads, one folder at a time
        assert rows.keys() == in_folder.keys(), f"step {step}"
        assert all(rows[name][1:4] == (s.size, s.mtime_ns, s.digest) for name, s in in_folder.items())
        assert manifest.release_dates() == {s.entry.reference_id: s.entry.released for s in expected.values()}
        assert change_rows(manifest, "sources") <= changes_kept
    manifest.save_sources({}, sorted(expected))
    assert manifest.sources() == {}
    manifest.changes_kept = 0
    manifest.save_sources({}, [])  # folds what is kept
    assert folder_rows(manifest, "sources") == []
    assert change_rows(manifest, "sources") == 0


def test_a_small_save_leaves_folder_rows_alone_until_the_changes_are_folded(tmp_path):
    manifest = Manifest(tmp_path / "m.sqlite")
    manifest.changes_kept = 3
    states = dict(state(f"09ROME{n}", "content/cables/2009/01") for n in range(1, 6))
    manifest.save_sources(states, [], replace_all=True)
    blob = manifest.db.execute("SELECT packed FROM sources").fetchall()
    path, edited = state("09ROME2", "content/cables/2009/01", subject="Corrected")
    manifest.save_sources({path: edited}, ["content/cables/2009/01/09ROME5.txt"])
    assert manifest.db.execute("SELECT packed FROM sources").fetchall() == blob
    assert change_rows(manifest, "sources") == 2
    expected = {**states, path: edited}
    del expected["content/cables/2009/01/09ROME5.txt"]
    assert manifest.sources() == expected
    added = dict([state("09ROME7", "content/cables/2009/02"), state("09ROME8", "content/cables/2009/02")])
    manifest.save_sources(added, [])  # 2 + 2 rows: more than 3, all folded
    assert change_rows(manifest, "sources") == 0
    assert folder_rows(manifest, "sources") == ["content/cables/2009/01", "content/cables/2009/02"]
    assert manifest.sources() == {**expected, **added}
    manifest.save_sources(states, [], replace_all=True)  # a full build's save forgets every change
    assert manifest.sources() == states
    assert change_rows(manifest, "sources") == 0


@pytest.mark.parametrize("changes_kept", [0, 10_000])
def test_page_keys_saved_by_folder_read_back_as_written(tmp_path, changes_kept):
    manifest = Manifest(tmp_path / "m.sqlite")
    manifest.changes_kept = changes_kept
    written = {
        "index.html": ("k1", ("index.html",)),
        "static/": ("k2", ("static/style.abc.css", "static/favicon.svg")),
        "cable/2009/01/09ROME1.html": ("k3", ("cable/2009/01/09ROME1.html", "cable/2009/01/09ROME1.json")),
        "tag/prel/index.html": ("k4", ("tag/prel/index.html",)),
        "tag/prel/page-2.html": ("k5", ("tag/prel/page-2.html",)),
    }
    manifest.save_pages(written, [], replace_all=True)
    assert manifest.page_keys() == {url: (key, "\n".join(files)) for url, (key, files) in written.items()}
    manifest.save_pages({"tag/prel/index.html": ("k6", ("tag/prel/index.html",))}, ["tag/prel/page-2.html"], False)
    keys = manifest.page_keys()
    assert keys["tag/prel/index.html"] == ("k6", "tag/prel/index.html")
    assert "tag/prel/page-2.html" not in keys
    assert keys["index.html"] == ("k1", "index.html")
    assert len(keys) == 4
    assert manifest.page_keys(["tag/prel", "static"]) == {
        "tag/prel/index.html": ("k6", "tag/prel/index.html"),
        "static/": ("k2", "static/style.abc.css\nstatic/favicon.svg"),
    }
    manifest.save_pages({}, ["tag/prel/index.html"], False)
    assert manifest.page_keys(["tag/prel"]) == {}
    assert "tag/prel/index.html" not in manifest.page_keys()
    if not changes_kept:
        assert "tag/prel" not in folder_rows(manifest, "pages")
