"""Same output: build a fixed story of changes and keep each step's output, to compare two versions of sitegen.

    python bench/same_output.py --out DIR [--cables 20000] [--search]
    python bench/same_output.py --out DIR2 --compare DIR

A refactor of the build must not change a byte of what it writes. This runs one story with the
sitegen of the checkout it is run from: the sample site (this repository's root) built whole;
then a synthetic archive of N cables built whole, a release of the held-back cables, a
subject corrected in place, a cable's tags changed (it moves between listings), a released
cable withheld again, each followed by an (incremental) build. Each step's output is kept
under DIR/<step>/. `--compare` then names, per step, every file that differs from the other
run's, and exits 1 if any does. It is a check, not a test: it takes minutes at 20,000.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import synth  # noqa: E402
from run import AS_OF, hold_back, sitegen_command, strip_release  # noqa: E402

ROOT = BENCH.parent
SAMPLE_PARTS = ("sitegen.toml", "content", "templates", "static")
RELEASE_DAY = "2012-12-20"


def sitegen(site: Path, *arguments: str) -> None:
    command = [*sitegen_command(), *arguments, "--site", str(site)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")


def build_and_keep(site: Path, out: Path, step: str, search: bool) -> None:
    """Build `site` (incrementally, as a publisher would) and keep a copy of its output as `step`."""
    sitegen(site, "build", "--as-of", AS_OF, *(() if search else ("--no-search",)))
    kept = out / step
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(site / "output", kept, symlinks=True)
    print(f"{step}: {sum(1 for p in kept.rglob('*') if p.is_file())} files", file=sys.stderr)


def copy_sample(site: Path) -> None:
    site.mkdir(parents=True)
    for part in SAMPLE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, site / part)
        elif source.exists():
            shutil.copy2(source, site / part)


def rewrite(path: Path, old: bytes, new: bytes) -> None:
    text = path.read_bytes()
    if old not in text:
        raise SystemExit(f"{path}: {old!r} not found")
    path.write_bytes(text.replace(old, new, 1))


def released_files(site: Path) -> list[Path]:
    return [p for p in sorted((site / "content" / "cables").rglob("*.txt")) if b"\nReleased: " in p.read_bytes()]


def story(out: Path, cables: int, search: bool) -> None:
    """Every step of the story, each step's output kept under `out`."""
    sample = out / "work" / "sample"
    copy_sample(sample)
    sitegen(sample, "build", "--full", "--as-of", AS_OF)
    shutil.copytree(sample / "output", out / "sample")

    site = out / "work" / "synthetic"
    synth.generate(cables, site)
    hold_back(site)
    build_and_keep(site, out, "full", search)
    sitegen(site, "release", RELEASE_DAY, "--ids", str(site / "held-back.txt"))
    build_and_keep(site, out, "release", search)
    released = released_files(site)
    edited, retagged, withheld = released[len(released) // 3], released[len(released) // 2], released[-7]
    rewrite(edited, b"SUBJECT: ", b"SUBJECT: CORRECTED ")
    build_and_keep(site, out, "edit", search)
    rewrite(retagged, b"TAGS: ", b"TAGS: ZZSAMEOUT, ")
    build_and_keep(site, out, "retag", search)
    strip_release(withheld)
    build_and_keep(site, out, "withhold", search)


def differences(ours: Path, theirs: Path) -> list[str]:
    """The files, relative to `ours`, that one tree has and the other lacks or holds otherwise."""
    found: list[str] = []

    def walk(comparison: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in comparison.left_only + comparison.right_only + comparison.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in sorted(comparison.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(ours, theirs), "")
    return sorted(found)


def compare(out: Path, reference: Path) -> int:
    worst = 0
    for step in ("sample", "full", "release", "edit", "retag", "withhold"):
        if not (reference / step).is_dir() or not (out / step).is_dir():
            print(f"{step}: missing in one of the runs")
            worst = 1
            continue
        differ = differences(out / step, reference / step)
        print(f"{step}: {len(differ)} files differ" + "".join(f"\n    {name}" for name in differ[:20]))
        worst = max(worst, 1 if differ else 0)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a folder for this run (made anew)")
    parser.add_argument("--cables", type=int, default=20000)
    parser.add_argument("--search", action="store_true", help="build the search index too")
    parser.add_argument("--compare", type=Path, help="an earlier run's --out: name every file that differs")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        if args.compare is not None and (args.out / "withhold").is_dir():
            raise SystemExit(compare(args.out, args.compare))
        raise SystemExit(f"{args.out} is not empty")
    story(args.out, args.cables, args.search)
    if args.compare is not None:
        raise SystemExit(compare(args.out, args.compare))


if __name__ == "__main__":
    main()
