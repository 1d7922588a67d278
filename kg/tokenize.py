"""The one place kg uses jieba: a private tokenizer with kg's lexicons as its user
dictionary. Nothing else imports jieba, and jieba's global tokenizer is never
touched, so callers of kg and kg's tests cannot leak words into each other.
"""

from __future__ import annotations

import logging
from functools import cache

from kg import lexicon

log = logging.getLogger(__name__)


@cache
def tokenizer():  # type: ignore[no-untyped-def]
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


def words(text: str) -> list[str]:
    """Dictionary-only segmentation (no HMM guesses), for finding word boundaries."""
    return list(tokenizer().cut(text, HMM=False))
