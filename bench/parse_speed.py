"""Parser throughput on one core: cables parsed per second (full parse, with paragraphs).

    python bench/parse_speed.py [CSV] [--rounds 7]

Reads CSV (default ../shared/corpus/cables.csv) into memory first so that only parsing is
timed; prints the median of the rounds and the corpus figures the parser found.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus" / "cables.csv")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with open(args.csv, "rb") as stream:
        rows = [row for row in read_rows(stream, args.csv.name) if isinstance(row, DumpRow)]
    records = [r for row in rows if isinstance(r := record_from_row(row, args.csv.name, None), CableRecord)]
    rates = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        cables = [parse_cable(record) for record in records]
        rates.append(len(records) / (time.perf_counter() - started))
    started = time.perf_counter()
    for record in records:
        parse_cable(record, with_blocks=False)
    light = len(records) / (time.perf_counter() - started)
    print(
        f"cables: {len(records)}  full parse: {statistics.median(rates):,.0f} cables/s (median of {args.rounds})"
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
