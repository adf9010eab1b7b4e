"""Two dumps of one small archive, the second a later release of it: three cables changed (a
redaction lifted, a subject corrected, a paragraph added), one removed, one new."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sitegen.sources.dump import encode_row, record_to_fields
from tests.sites import BODY, cable

FIRST, SECOND = "2010-11-28", "2011-02-01"
LIFTED, CORRECTED, LONGER, REMOVED, KEPT, NEW = (
    "09ROME1", "09ROME2", "09ROME3", "09ROME4", "09ROME5", "09ROME7",
)  # fmt: skip
REDACTED_BODY = BODY.replace("First paragraph.", "The minister met XXXXXXXXXXXX at the palace.")


def _records(second: bool) -> list:
    created = {LIFTED: "2009-01-05 10:00", CORRECTED: "2009-02-03 11:00", LONGER: "2009-03-04 12:00",
               REMOVED: "2009-04-05 13:00", KEPT: "2009-05-06 14:00", NEW: "2009-06-07 15:00"}  # fmt: skip
    bodies = {LIFTED: REDACTED_BODY, CORRECTED: BODY.replace("A TEST CABLE", "A TEST CABEL")}
    if second:
        bodies[LIFTED] = REDACTED_BODY.replace("XXXXXXXXXXXX", "THE MAYOR")
        bodies[CORRECTED] = BODY
        bodies[LONGER] = BODY + "\n3. (C) A paragraph the first release left out.\n"
    ids = [LIFTED, CORRECTED, LONGER, KEPT, NEW] if second else [LIFTED, CORRECTED, LONGER, REMOVED, KEPT]
    return [
        replace(cable(ref, None), sequence=str(number), created=created[ref], body=bodies.get(ref, BODY))
        for number, ref in enumerate(ids, start=1)
    ]


def dump_bytes(second: bool) -> bytes:
    return b"".join(encode_row(record_to_fields(record)) for record in _records(second))


def write_dumps(folder: Path) -> tuple[Path, Path]:
    a, b = folder / "a.csv", folder / "b.csv"
    a.write_bytes(dump_bytes(False))
    b.write_bytes(dump_bytes(True))
    return a, b
