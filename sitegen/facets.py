"""Facets: one value of an index (an origin, a tag, a month...) and its cables, made one way for the catalogue built whole and the stored one edited in place; how a facet name is filed and ranked.

build_catalogue makes every facet from every entry; StoredCatalogue.move edits the few a change
touches. Both give slugs, build a facet from its cables, count a person's spellings and find a
cable's origin neighbours with the functions here, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
Item = TypeVar("Item")
# A facet's cable as a facet is made from it: (reference ID, release moment, creation day "2009-03-05").
Dated = tuple[str, str, str]


LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
OTHER_LETTER = "other"
# Words before the place in an origin's name: "Embassy Athens" is filed under A, as the
# original site did, and "Secretary of State" under S.
_ORIGIN_PREFIXES = re.compile(
    r"^(?:US\s+|U\.S\.\s+|American\s+)?(?:Embassy|Consulate(?:\s+General)?|Mission|Interests\s+Section|"
    r"Office|Liaison\s+Office|REO|Secretary\s+of|Institute)\s+(?:to\s+(?:the\s+)?)?",
    re.I,
)


def index_letter(name: str) -> str:
    """The A-Z page a name is filed under: its first letter, or `other`."""
    for char in unicodedata.normalize("NFKD", name).upper():
        if "A" <= char <= "Z":
            return char
    return OTHER_LETTER


def origin_letter(origin: str) -> str:
    place = _ORIGIN_PREFIXES.sub("", origin.strip()) or origin
    return index_letter(place)


# Classification levels, least sensitive first; a caveat after `//` (NOFORN, FOR OFFICIAL USE
# ONLY) ranks a level's marking above the bare level.
_LEVELS = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET")


def sensitivity(classification: str) -> tuple[int, int, str]:
    """A sort key: UNCLASSIFIED < UNCLASSIFIED//FOR OFFICIAL USE ONLY < CONFIDENTIAL < ... <
    SECRET//NOFORN; a marking of no known level sorts after them all, by name."""
    level, _, caveat = classification.upper().partition("//")
    rank = _LEVELS.index(level.strip()) if level.strip() in _LEVELS else len(_LEVELS)
    return rank, 1 if caveat else 0, classification


def slugify(name: str) -> str:
    """`STEINBERG, JAMES B.` -> `steinberg-james-b`; never empty, never a path."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _SLUG_JUNK.sub("-", ascii_name.lower()).strip("-") or "x"


def numbered_slugs(names: Iterable[str]) -> dict[str, str]:
    """Each name's slug, unique among them: given in name order, a clash taking the next free
    number (`PREL` -> `prel`, `PREL_` -> `prel-2`), so a slug depends on the names alone."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(names):
        slug = base = slugify(name)
        suffix = 1
        while slug in used:
            suffix += 1
            slug = f"{base}-{suffix}"
        used.add(slug)
        slugs[name] = slug
    return slugs


def fullest(spellings: Iterable[str]) -> str:
    """The fullest of a person's spellings: the most names, then the most letters, then the
    longest (`DOE, JANE Q.` over `DOE, JANE Q` over `DOE, JANE`); the first in order on a tie."""
    return min(spellings, key=lambda name: (-len(name.split()), -sum(map(str.isalpha, name)), -len(name), name))


def spelling_counts(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """A facet's spellings as it keeps them: each written one with its count, sorted."""
    return tuple(sorted((spelling, count) for spelling, count in counts.items() if count))


@dataclass(frozen=True)
class Facet:
    """One value of an index (an origin, a tag, a classification...): its name, slug and cables."""

    name: str
    slug: str
    reference_ids: tuple[str, ...]  # newest first
    # The release moment of each cable, in the same order: a feed picks its newest from these
    # (a tag of 25,000 cables costs 40 ms when looked up cable by cable in the catalogue).
    moments: tuple[str, ...] = ()
    # The days its cables were created on ("2009-03-05"), newest first, each with how many: its
    # cables run day by day in reference_ids, so a day's or a month's cables are one slice of it.
    by_day: tuple[tuple[str, int], ...] = ()
    # A person tag's spellings fuller than its name that released cables write, each with how
    # many write it (so a cable leaving takes its spelling only with the last one), sorted.
    spellings: tuple[tuple[str, int], ...] = ()

    @functools.cached_property
    def label(self) -> str:
        """The name pages show: a person's fullest spelling in the archive (`DOE, JANE Q.`),
        else the name itself (which keeps the slug: one page per person)."""
        return fullest([self.name, *(spelling for spelling, _ in self.spellings)]) if self.spellings else self.name

    @functools.cached_property
    def by_month(self) -> tuple[tuple[str, int], ...]:
        """The months its cables were created in ("2009-03"), newest first, each with how many."""
        return tuple(
            (month, sum(count for _, count in days)) for month, days in itertools.groupby(self.by_day, _month_of_day)
        )

    def month_span(self, month: str) -> tuple[int, int]:
        """Where the cables created in `month` ("2009-03") sit in reference_ids: [start, end)."""
        end = len(self.reference_ids)
        return self._spans[0].get(month, (end, end))

    def day_span(self, day: str) -> tuple[int, int]:
        """Where the cables created on `day` ("2009-03-05") sit in reference_ids: [start, end)."""
        end = len(self.reference_ids)
        return self._spans[1].get(day, (end, end))

    def days(self, month: str) -> list[tuple[str, int]]:
        """The days of `month` it holds cables of, newest first, each with how many."""
        start, end = self.month_span(month)
        days, at = [], start
        while at < end:
            day = self._day_at[at]
            count = self._spans[1][day][1] - at
            days.append((day, count))
            at += count
        return days

    @functools.cached_property
    def _spans(self) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
        # Made once per facet: each of its month and day pages asks, when keyed and when
        # rendered, and a walk of by_day per page would cost a facet the square of its days.
        months: dict[str, tuple[int, int]] = {}
        days, start = {}, 0
        for name, count in self.by_day:
            days[name] = (start, start + count)
            month = name[:7]
            months[month] = (months.get(month, (start, start))[0], start + count)
            start += count
        return months, days

    @functools.cached_property
    def _day_at(self) -> dict[int, str]:
        """The day whose run starts at each position that starts one."""
        return {start: day for day, (start, _) in self._spans[1].items()}

    def day_of(self, position: int) -> str:
        """The creation day of the cable at `position` in reference_ids."""
        start = 0
        for name, count in self.by_day:
            start += count
            if position < start:
                return name
        raise IndexError(position)

    def month_of(self, position: int) -> str:
        """The month of the cable at `position` in reference_ids."""
        return self.day_of(position)[:7]

    def dated(self) -> list[Dated]:
        """Its cables as it was made from them (make_facet), newest first."""
        days = [day for day, count in self.by_day for _ in range(count)]
        return list(zip(self.reference_ids, self.moments, days, strict=True))


def _month_of_day(item: tuple[str, int]) -> str:
    return item[0][:7]


def make_facet(name: str, slug: str, cables: Sequence[Dated], spellings: tuple[tuple[str, int], ...] = ()) -> Facet:
    """A facet of `cables`, newest first as every index keeps them (never empty)."""
    reference_ids, moments, days = zip(*cables, strict=True)
    by_day = tuple((day, len(list(run))) for day, run in itertools.groupby(days))
    return Facet(name, slug, reference_ids, moments, by_day, spellings)


def beside(cables: Sequence[Item], at: int) -> Sequence[Item]:
    """The cables of an origin (newest first) at `at` and on either side of it: the cable there
    and its neighbours, or, where a cable would sort that is not there, its neighbours-to-be."""
    return cables[max(0, at - 1) : at + 2]


def neighbours_at(reference_ids: Sequence[str], at: int) -> tuple[str | None, str | None]:
    """The older and the newer neighbour of the cable at `at` in its origin's list (newest first)."""
    newer = reference_ids[at - 1] if at > 0 else None
    older = reference_ids[at + 1] if at + 1 < len(reference_ids) else None
    return older, newer


class Placed(Protocol):
    """What orders a cable in an index: newest created first, then by reference ID."""

    @property
    def created(self) -> str: ...

    @property
    def reference_id(self) -> str: ...


def newest_first_slot(
    items: Sequence[Any],
    entry: Placed,
    cables: Mapping[str, Placed],
    id_of: Callable[[Any], str] = str,
    low: int = 0,
    high: int = -1,
) -> int:
    """Where `entry` sorts among `items[low:high]`, a list newest first as every index keeps its
    cables (descending created, reference ID; `id_of` gives an item's reference ID, looked up in
    `cables`): where it is, when it is among them."""
    position = (entry.created, entry.reference_id)
    high = len(items) if high < 0 else high
    while low < high:
        middle = (low + high) // 2
        other = cables[id_of(items[middle])]
        if (other.created, other.reference_id) > position:
            low = middle + 1
        else:
            high = middle
    return low
