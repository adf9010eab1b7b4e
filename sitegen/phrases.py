"""Phrases: the TAGS runs parsers split into words -> the tags they give, cut again at the phrases the archive writes.

A run of TAGS words without commas too long for one phrase is split into its words by the
parser (parse/tags.py), which keeps the run (CableEntry.tag_runs). The catalogue cuts it again
at the multi-word tags (phrases, persons) that released cables' parsers wrote, so that a run
never gives a word of a phrase the archive knows (`ITALIAN POLITICS`, not ITALIAN and POLITICS).
Only the parsers' own phrases count, never those a cut made, so a phrase cannot feed itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from sitegen.parse.tags import MAX_TAG_LENGTH, run_words

if TYPE_CHECKING:
    from sitegen.catalogue import CableEntry


def final_tags(released: list[CableEntry]) -> tuple[list[CableEntry], frozenset[str]]:
    """Released entries with their final tags, and the words of the runs their parsers split:
    the one rule of a cable's tags, which build_catalogue applies to every released cable.
    Only released cables' phrases count: a withheld cable shapes nothing published."""
    split = [entry for entry in released if entry.tag_runs]
    if not split:
        return released, frozenset()
    words = frozenset(word for entry in split for run in entry.tag_runs for word in run)
    phrases = known_phrases(set().union(*(entry.tags for entry in released)), words)
    if not phrases:
        return released, words
    final = {
        entry.reference_id: entry._replace(tags=tags)
        for entry in split
        if (tags := resegmented(entry.tags, entry.tag_runs, phrases)) != entry.tags
    }
    return [final.get(entry.reference_id, entry) for entry in released] if final else released, words


def cut_digests(cables: Mapping[str, CableEntry], digests: Mapping[str, str]) -> dict[str, str]:
    """The digest each released cable with TAGS runs is keyed by: its file's and its tags as cut.
    A page key hashes the digests of the cables it shows (incremental/keys.py), and a cut
    changes a cable's tags without its file changing (another cable's phrase came or went)."""
    return {
        ref: hashlib.sha256(f"{digests[ref]}\n{'|'.join(entry.tags)}".encode("utf-8", "surrogateescape")).hexdigest()[
            :24
        ]
        for ref, entry in cables.items()
        if entry.tag_runs
    }


# A multi-word tag as the words a run of them holds, by its first word: (words, tag), longest first.
Phrases = Mapping[str, Sequence[tuple[tuple[str, ...], str]]]


def phrase_words(tag: str) -> tuple[str, ...]:
    """The words of a tag as a TAGS line without commas writes them (`DOE, JANE`: DOE JANE)."""
    return tuple(tag.replace(",", " ").split())


def known_phrases(tags: Iterable[str], among: Container[str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """The multi-word tags (phrases, persons) of `tags` whose words are all `among` (the words
    of the runs cables split: no other phrase can be found in one), indexed as Phrases is."""
    found: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for tag in set(tags):
        if " " not in tag and "," not in tag:
            continue
        words = phrase_words(tag)
        if _within(words, among):
            found.setdefault(words[0], []).append((words, tag))
    for candidates in found.values():
        candidates.sort(key=lambda candidate: (-len(candidate[0]), candidate[1]))
    return found


def cuts_runs(tags: Iterable[str], among: Container[str]) -> bool:
    """Whether one of `tags` is a phrase whose words are all `among` (the words of the runs
    cables split): one that can cut a run, so that its coming or going can change other tags."""
    return any(_within(phrase_words(tag), among) for tag in tags if " " in tag or "," in tag)


def _within(words: tuple[str, ...], among: Container[str]) -> bool:
    return len(words) > 1 and all(word in among for word in words)


def resegmented(tags: tuple[str, ...], runs: tuple[tuple[str, ...], ...], phrases: Phrases) -> tuple[str, ...]:
    """A cable's tags once each run its parser split into words (`runs`) is cut again: at each
    word the longest phrase of the archive that starts there, else the word, as the parser gave
    it. The tags stay in their order, a run's where its first word was."""
    if not runs:
        return tags
    cut = [_cut(run, phrases) for run in runs]
    words = [frozenset(run_words(run)) for run in runs]
    if all(tags_of_run == _words(run) for tags_of_run, run in zip(cut, runs, strict=True)):
        return tags  # no phrase in any run: as parsed
    shown: list[str] = []
    done: set[int] = set()
    for tag in tags:
        owners = [number for number, held in enumerate(words) if tag in held]
        if not owners:
            shown.append(tag)
        for number in owners:
            if number not in done:
                done.add(number)
                shown += cut[number]
    return tuple(dict.fromkeys(shown))


def _cut(run: tuple[str, ...], phrases: Phrases) -> list[str]:
    """A run's tags: at each word, the longest known phrase starting there, else the word."""
    tags: list[str] = []
    at = 0
    while at < len(run):
        for words, tag in phrases.get(run[at], ()):
            if run[at : at + len(words)] == words:
                tags.append(tag)
                at += len(words)
                break
        else:
            tags += _words(run[at : at + 1])
            at += 1
    return tags


def _words(run: Sequence[str]) -> list[str]:
    """The tags the parser made of a run's words (read_tags drops those too long for a tag)."""
    return [word for word in run_words(run) if len(word) <= MAX_TAG_LENGTH]
