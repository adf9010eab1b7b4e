"""Parser throughput on one core: cables parsed per second (full parse, with paragraphs).

    python bench/parse_speed.py [CSV] [--rounds 7]

Reads CSV (default ../shared/corpus/cables.csv) into memory first so that only parsing is
timed; prints the median of the rounds and the corpus figures the parser found. Then times
the hostile shapes (HOSTILE_SHAPES): cables no real archive holds, built to find a parser step
whose time grows faster than its input.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.archive import record_from_row  # noqa: E402
from sitegen.model import CableRecord  # noqa: E402
from sitegen.parse import parse_cable  # noqa: E402
from sitegen.sources.dump import DumpRow, read_rows  # noqa: E402


def _repeated_number(paragraphs: int) -> str:
    """Every paragraph numbered `1.`: each repeat needs an id of its own (issue 28: 17 s at 20,000)."""
    return "".join(f"1. Text {index:06d}\n\n" for index in range(paragraphs))


# name -> cable body. The first is the 340 KB cable; ten times its paragraphs should
# take about ten times as long.
HOSTILE_SHAPES = {
    "20,000 paragraphs all numbered 1.": lambda: _repeated_number(20_000),
    "200,000 paragraphs all numbered 1.": lambda: _repeated_number(200_000),
}


def time_hostile_shapes() -> None:
    for name, make_body in HOSTILE_SHAPES.items():
        record = CableRecord("09ROME1", "1", "2009-01-01 00:00", None, "SECRET", "Embassy Rome", "", "", make_body())
        started = time.perf_counter()
        cable = parse_cable(record)
        seconds = time.perf_counter() - started
        size = len(record.body) / 1e6
        print(f"hostile: {name} ({size:.2f} MB, {len(cable.paragraphs):,} paragraphs): {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus" / "cables.csv")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--hostile-only", action="store_true", help="time only the hostile shapes")
    args = parser.parse_args()
    if not args.hostile_only:
        time_corpus(args.csv, args.rounds)
    time_hostile_shapes()


def time_corpus(csv: Path, rounds: int) -> None:
    with open(csv, "rb") as stream:
        rows = [row for row in read_rows(stream, csv.name) if isinstance(row, DumpRow)]
    records = [r for row in rows if isinstance(r := record_from_row(row, csv.name, None), CableRecord)]
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        cables = [parse_cable(record) for record in records]
        rates.append(len(records) / (time.perf_counter() - started))
    started = time.perf_counter()
    for record in records:
        parse_cable(record, with_blocks=False)
    light = len(records) / (time.perf_counter() - started)
    print(
        f"cables: {len(records)}  full parse: {statistics.median(rates):,.0f} cables/s (median of {rounds})"
        f"  catalogue parse (no paragraphs): {light:,.0f} cables/s"
    )
    print(
        f"with subject: {sum(1 for c in cables if c.subject)}  with tags: {sum(1 for c in cables if c.tags)}  "
        f"with references: {sum(1 for c in cables if c.references)}  "
        f"with REF lines resolved: {sum(1 for c in cables if c.text_references)}  "
        f"with summary: {sum(1 for c in cables if c.summary)}  paragraphs: {sum(len(c.paragraphs) for c in cables)}  "
        f"numbered paragraphs: {sum(1 for c in cables for p in c.paragraphs if p.number is not None)}"
    )


if __name__ == "__main__":
    main()
