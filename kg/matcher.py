"""Many words found in one pass over a text: a multi-pattern automaton (Aho-Corasick,
from ahocorasick_rs) behind one small class, for the gazetteer, the known
programmes, the corpus' person names and the suffixes and heads that end names.

ahocorasick_rs walks about ten times as many characters a second as pyahocorasick
does on kg's lexicons (whose root node has thousands of children), and about twice
as many as a regex alternation of the same words. By default every hit is reported,
overlapping ones included, in the order ahocorasick_rs finds them: by where they end
and then longest first, so rules read the hits in text order (tests/test_matcher.py
holds that order). A `longest` matcher reports what a regex alternation of the
words, longest first, finds scanning left to right: the longest word starting at
the leftmost place where one starts, then on from its end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

import ahocorasick_rs

V = TypeVar("V")

# a dictionary of at most this many words is walked as a DFA: two to three times as
# fast on news text as the automaton ahocorasick_rs builds by default, and still quick
# to build and small (a big one, the gazetteer, gains little for what it costs)
_DFA_WORDS = 1000


class Matcher(Generic[V]):
    """Finds every occurrence of the keys of `entries` (words of one character or
    more; empty ones are ignored) and hands back their values; `longest`: only the
    longest of the words starting at one place, and no hit inside another."""

    def __init__(
        self, entries: Mapping[str, V] | Iterable[tuple[str, V]], longest: bool = False
    ) -> None:
        items = entries.items() if isinstance(entries, Mapping) else entries
        pairs = dict((w, v) for w, v in items if w)
        self._words = sorted(pairs)
        self._values = [pairs[w] for w in self._words]
        self._overlapping = not longest
        kinds = ahocorasick_rs.MatchKind
        kind = kinds.LeftmostLongest if longest else kinds.Standard
        dfa = len(self._words) <= _DFA_WORDS
        self._auto = (
            ahocorasick_rs.AhoCorasick(
                self._words,
                matchkind=kind,
                implementation=ahocorasick_rs.Implementation.DFA if dfa else None,
            )
            if self._words
            else None
        )

    def __len__(self) -> int:
        return len(self._words)

    def find(self, text: str) -> list[tuple[int, int, str, V]]:
        """(start, end, word, value) of every hit, overlapping ones included, ordered
        by end, then by start (the longest of hits ending together first); for a
        `longest` matcher, the hits side by side in text order."""
        if self._auto is None:
            return []
        words, values = self._words, self._values
        hits = self._auto.find_matches_as_indexes(text, overlapping=self._overlapping)
        return [(s, e, words[k], values[k]) for k, s, e in hits]
