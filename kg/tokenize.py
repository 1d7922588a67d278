"""The one place kg uses jieba: a private tokenizer with kg's lexicons as its user
dictionary. Nothing else imports jieba, and jieba's global tokenizer is never
touched, so callers of kg and kg's tests cannot leak words into each other.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache
from typing import Any

from kg import lexicon

log = logging.getLogger(__name__)


@cache
def tokenizer() -> Any:
    """jieba.Tokenizer with titles, organization suffixes and division names added;
    built once per process on first use."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in (
        *lexicon.titles(),
        *lexicon.org_suffixes(),
        *lexicon.boundaries(),
        *lexicon.divisions_by_name(),
    ):
        if len(word) > 1:
            tok.add_word(word, freq=2000)
    return tok


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(tokenizer().cut(text, HMM=False))


def words(text: str) -> list[str]:
    """Dictionary-only segmentation (no HMM guesses), for finding word boundaries.
    Cached: the extractors ask for the same short windows many times."""
    return list(_words(text))


@cache
def _block() -> re.Pattern[str]:
    """The characters jieba segments together: it cuts each run of them on its own
    and splits everything else into single characters (or line breaks)."""
    import jieba

    pattern: re.Pattern[str] = jieba.re_han_default
    return pattern


def first_word(text: str) -> str:
    """words(text)[0] ("" for ""), segmenting only the text's first block (the
    first word never depends on what follows it), so a long text costs no more
    than a short one."""
    run = _block().match(text)
    toks = _words(text[: run.end()] if run else text[:2])
    return toks[0] if toks else ""


@cache
def _tags() -> dict[str, str]:
    """Part-of-speech tags of jieba's own dictionary (word -> tag), read once."""
    import os

    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    tags: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def tag(word: str) -> str:
    """jieba's dictionary tag of a word ("" when unknown)."""
    return _tags().get(word, "")
