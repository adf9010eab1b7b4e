"""Search words: text -> the words the index holds and the browser looks up (folded, split, stemmed).

The browser folds a query the same way (search.js `fold`: NFKD, combining marks dropped, lower
case, runs of a-z and 0-9), then looks each surface word up in the dictionary, which maps it
to its stem's postings: the stemmer runs here, at build time, never in the browser.
"""

from __future__ import annotations

import re
import unicodedata

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+")
_MARKS = re.compile(r"[\u0300-\u036f]+")
MAX_WORD = 32  # longer runs (base64 blobs, long numbers) are not words a reader types
# Every byte but a-z and 0-9 as a space: a folded text's words are then its bytes split at
# spaces, in C (a regex over the 251,287 cables' text took twice as long).
_SPACED = bytes(byte if byte in b"abcdefghijklmnopqrstuvwxyz0123456789" else 32 for byte in range(256))


def fold(text: str) -> str:
    """Lower case with accents dropped: `Ré SUMÉ` -> `re sume`. Most cables are ASCII: fast path."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).lower()


def split_words(text: str) -> list[str]:
    """The words of a text, in order, folded (runs of a-z and 0-9 up to MAX_WORD)."""
    # Any other character (a letter without an ASCII fold, a stray byte) becomes "?": a space.
    words = fold(text).encode("ascii", "replace").translate(_SPACED).decode("ascii").split()
    if words and max(map(len, words)) > MAX_WORD:
        return [word for word in words if len(word) <= MAX_WORD]
    return words


def folded_id(reference_id: str) -> str:
    """The one word a reference ID is indexed under: `09ROME42` -> `09rome42`."""
    return "".join(_WORD.findall(fold(reference_id)))


class Stemmer:
    """English Snowball stems, each surface word stemmed once. A word holding a digit (an ID, a
    year, a paragraph number) is its own stem."""

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("english")
        self.stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        stem = self.stems.get(word)
        if stem is None:
            stem = word if not word.isalpha() else self._stemmer.stemWord(word)
            self.stems[word] = stem or word
            stem = self.stems[word]
        return stem
