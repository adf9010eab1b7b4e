"""Check report: the defects an audit found, by kind, with examples, and the figures it counted."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class CheckReport:
    """Defects by kind, each with examples; figures of what was checked."""

    defects: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    figures: Counter[str] = field(default_factory=Counter)
    # What a reader would miss but nothing broke (share links without the page's address): reported, not failed.
    warnings: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, example: str) -> None:
        self.defects[kind].append(example)

    def warn(self, kind: str, example: str) -> None:
        self.warnings[kind].append(example)

    @property
    def ok(self) -> bool:
        return not self.defects

    def lines(self, examples: int = 5) -> list[str]:
        lines = [f"{name}: {value:,}" for name, value in sorted(self.figures.items())]
        for kind, found in sorted(self.warnings.items()):
            lines.append(f"WARNING {kind}: {len(found):,}")
            lines += [f"    {example}" for example in found[:examples]]
        for kind, found in sorted(self.defects.items()):
            lines.append(f"DEFECT {kind}: {len(found):,}")
            lines += [f"    {example}" for example in found[:examples]]
        lines.append("no defects" if self.ok else f"{sum(len(v) for v in self.defects.values()):,} defects")
        return lines
