"""Parsed fields of every corpus cable, to compare a parser change field by field.

    python bench/parse_fields.py dump OUT.jsonl [--csv CSV] [--tree DIR]
    python bench/parse_fields.py diff BEFORE.jsonl AFTER.jsonl

`dump` writes each cable's references, REF-line cites, subject, summary and tags (and the
spellings the catalogue chooses from: each person's as written, each cite's in both spellings
of its post) as a JSON line,
parsed by the sitegen package in DIR (default: this checkout; give an unpacked `git archive`
of the base commit to dump the fields before a change). `diff` lists every cable whose field
changed, with what it lost and gained, and counts them per field.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("references", "subject", "summary", "tags", "person_spellings", "reference_spellings")


def dump(out: Path, csv: Path, tree: Path) -> None:
    sys.path.insert(0, str(tree))
    from sitegen.archive import record_from_row
    from sitegen.model import CableRecord
    from sitegen.parse import parse_cable
    from sitegen.sources.dump import DumpRow, read_rows

    with open(csv, "rb") as stream, open(out, "w", encoding="utf-8") as lines:
        for row in read_rows(stream, csv.name):
            record = record_from_row(row, csv.name, None) if isinstance(row, DumpRow) else None
            if not isinstance(record, CableRecord):
                continue
            cable = parse_cable(record, with_blocks=False)
            fields = {
                "id": record.reference_id,
                "references": list(cable.references),
                "cites": [[ref.letter, ref.text, ref.reference_id] for ref in cable.text_references],
                "subject": cable.subject,
                "summary": cable.summary,
                "tags": list(cable.tags),
                # A tree from before these were parsed dumps them empty.
                "person_spellings": [list(pair) for pair in getattr(cable, "person_spellings", ())],
                "reference_spellings": [list(ids) for ids in getattr(cable, "reference_spellings", ())],
            }
            lines.write(json.dumps(fields, ensure_ascii=False) + "\n")


def diff(before: Path, after: Path) -> None:
    old = {fields["id"]: fields for fields in map(json.loads, before.read_text(encoding="utf-8").splitlines())}
    new = {fields["id"]: fields for fields in map(json.loads, after.read_text(encoding="utf-8").splitlines())}
    for name in FIELDS:
        changed = 0
        for reference_id, fields in old.items():
            was, now = fields[name], new.get(reference_id, {}).get(name)
            if was == now:
                continue
            changed += 1
            if isinstance(was, list) and isinstance(now, list):
                lost, gained = [v for v in was if v not in now], [v for v in now if v not in was]
                print(f"{name} {reference_id}: lost {lost} gained {gained}")
            else:
                print(f"{name} {reference_id}:\n    was {was!r}\n    now {now!r}")
        print(f"== {name}: {changed} of {len(old)} cables changed\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("out", type=Path)
    dumping.add_argument("--csv", type=Path, default=ROOT.parent / "shared" / "corpus" / "cables.csv")
    dumping.add_argument("--tree", type=Path, default=ROOT)
    diffing = commands.add_parser("diff")
    diffing.add_argument("before", type=Path)
    diffing.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.csv, args.tree)
    else:
        diff(args.before, args.after)


if __name__ == "__main__":
    main()
