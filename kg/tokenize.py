"""The one place kg uses jieba: a private tokenizer with kg's lexicons as its user
dictionary. Nothing else imports jieba, and jieba's global tokenizer is never
touched, so callers of kg and kg's tests cannot leak words into each other.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from kg import lexicon

log = logging.getLogger(__name__)


# bump when what the dictionary cache holds changes shape
_CACHE_FORMAT = "1"


@cache
def tokenizer() -> Any:
    """jieba.Tokenizer with titles, organization suffixes and division names added;
    built once per process on first use (see `_dictionary`)."""
    return _dictionary()[0]


@cache
def _dictionary() -> tuple[Any, dict[str, str]]:
    """(tokenizer, jieba's dictionary tags). Building them costs a worker about a
    second (jieba's prefix table, kg's words, the tag table), so the result is kept in
    kg's cache folder as one marshal file, named by a digest of everything it is made
    from, and read back in a quarter of that time. Without a usable cache folder it is
    simply built."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    user_words = [
        word
        for word in (
            *lexicon.titles(),
            *lexicon.org_suffixes(),
            *lexicon.boundaries(),
            *lexicon.divisions_by_name(),
        )
        if len(word) > 1
    ]
    tok = jieba.Tokenizer()
    path = _cache_file(jieba, user_words)
    state = _read_state(path) if path else None
    if state is not None:
        tok.FREQ, tok.total, tags = state
        tok.initialized = True
        return tok, tags
    tok.initialize()
    for word in user_words:  # in this order, repeats included: `total` counts each
        tok.add_word(word, freq=2000)
    tags = _read_tags(jieba)
    if path:
        _write_state(path, (tok.FREQ, tok.total, tags))
    return tok, tags


def cache_dir() -> Path | None:
    """Where kg keeps what it derives once per machine: $KG_CACHE_DIR (empty: none),
    else $XDG_CACHE_HOME/kg (when absolute), else ~/.cache/kg."""
    chosen = os.environ.get("KG_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, or relative (which the XDG rules say to ignore)
        base = os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):  # no home folder known: keep nothing rather than guess
        return None
    return Path(base) / "kg"


def _cache_file(jieba: Any, user_words: list[str]) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        st = os.stat(_dict_txt(jieba))
    except OSError:
        return None
    h = hashlib.sha1(f"{_CACHE_FORMAT}|{jieba.__version__}|{st.st_size}|{st.st_mtime_ns}|"
                     .encode())
    # the tables depend on which words were added and how many times (not in which order)
    h.update(f"{len(user_words)}|".encode())
    h.update("\n".join(sorted(set(user_words))).encode("utf-8"))
    return folder / f"jieba-{h.hexdigest()[:16]}.marshal"


def _read_state(path: Path) -> tuple[dict[str, int], int, dict[str, str]] | None:
    try:
        freq, total, tags = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(freq, dict) and isinstance(total, int) and isinstance(tags, dict)):
        return None
    return freq, total, tags


def _write_state(path: Path, state: tuple[dict[str, int], int, dict[str, str]]) -> None:
    from kg.io import atomic_write

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, marshal.dumps(state))
    except OSError as e:  # a read-only home: build it each time
        log.debug("cannot keep the dictionary cache %s: %s", path, e)


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


def _dict_txt(jieba: Any) -> str:
    """jieba's own dictionary file (words, frequencies, tags)."""
    return os.path.join(os.path.dirname(jieba.__file__), "dict.txt")


def _read_tags(jieba: Any) -> dict[str, str]:
    """Part-of-speech tags of jieba's own dictionary (word -> tag)."""
    tags: dict[str, str] = {}
    with open(_dict_txt(jieba), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


@cache
def _tags() -> dict[str, str]:
    return _dictionary()[1]


def tag(word: str) -> str:
    """jieba's dictionary tag of a word ("" when unknown)."""
    return _tags().get(word, "")
