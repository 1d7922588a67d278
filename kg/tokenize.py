"""The one place kg uses jieba: a private tokenizer with kg's lexicons as its user
dictionary. Nothing else imports jieba, and jieba's global tokenizer is never
touched, so callers of kg and kg's tests cannot leak words into each other.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import mmap
import os
import re
import struct
import sys
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from kg import lexicon

log = logging.getLogger(__name__)


# bump when what the dictionary cache holds changes shape
_CACHE_FORMAT = "3"
_MAGIC = b"kg jieba table 3\n"
_HEAD = struct.Struct("<QQQ")  # jieba's `total`, sizes of the first part and of the whole
_SLOTS = 1 << 16  # words of two characters or more, in this many parts
_MASK = _SLOTS - 1
_SPAN = struct.Struct("<QQ")  # where a part starts and ends
# parts read one by one before the whole table is read instead: a process that segments
# the windows of 1.8M characters of news reads some 11,500 parts, in 0.3 s of CPU, where
# the whole table takes 0.5-0.7 s
_WHOLE_AFTER = 16384

Part = tuple[tuple[str, ...], tuple[int, ...], dict[str, str]]


def _slot(a: str, b: str) -> int:
    """The part of the table holding the words that start with the characters a, b."""
    return (ord(a) * 63 + ord(b)) & _MASK


class _Table:
    """jieba's tokenizer and tags over kg's dictionary, read as the texts need them.

    jieba's prefix table (every word and every prefix of one: half a million entries)
    takes a process about half a second to load, far more than a short article takes to
    extract. So the cache file holds the table in parts as well as whole: the entries
    of one character, read at once, and the longer ones grouped by their first two
    characters into `_SLOTS` parts. Before a text is segmented, the parts of its pairs
    of characters are read into the tokenizer's table: every lookup jieba makes while
    segmenting that text (a substring of it, starting with one of its pairs) then finds
    what the whole table holds, so the words are the same. The extractors segment short
    windows, which hold few of the pairs: even a big corpus needs a fraction of the
    parts. Reading parts one by one costs more per entry than reading the whole, so
    after `_WHOLE_AFTER` parts (a very big corpus) the whole table is read and texts
    are no longer checked."""

    def __init__(self, tok: Any, tags: dict[str, str], parts: _Parts | None = None) -> None:
        self.tok = tok
        self.tags = tags
        self._parts = parts
        self._read = bytearray(_SLOTS)  # 1 where a part is in the table
        self._count = 0

    @property
    def whole(self) -> bool:
        """Whether the whole table is in memory."""
        return self._parts is None

    def need(self, text: str) -> None:
        """Read the parts of the table that segmenting `text` may look up."""
        if self._parts is None:
            return
        read = self._read
        for a, b in zip(text, text[1:]):
            slot = (ord(a) * 63 + ord(b)) & _MASK
            if not read[slot]:
                self._add(slot)
                if self._parts is None:
                    return

    def read_whole(self) -> None:
        """Read the whole table (once; from then on nothing else is read)."""
        if self._parts is not None:
            self.tok.FREQ, self.tags = self._parts.whole()
            self._parts.close()
            self._parts = None

    def _add(self, slot: int) -> None:
        assert self._parts is not None
        if self._count >= _WHOLE_AFTER:
            self.read_whole()
            return
        self._read[slot] = 1
        self._count += 1
        words, freqs, tags = self._parts.part(slot)
        self.tok.FREQ.update(zip(words, freqs))
        self.tags.update(tags)


class _Parts:
    """The table file of `_write_table`, mapped into memory: `part(slot)` decodes one
    part, `whole()` the whole table. Raises ValueError (or OSError) when the file is not
    one."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            m = self._map
            if m[: len(_MAGIC)] != _MAGIC:
                raise ValueError("not a table file")
            self.total, base_size, whole_size = _HEAD.unpack_from(m, len(_MAGIC))
            base = len(_MAGIC) + _HEAD.size
            self._spans = base + base_size
            self._data = self._spans + _SPAN.size * _SLOTS
            end = self._data + _SPAN.unpack_from(m, self._spans + _SPAN.size * (_SLOTS - 1))[1]
            if end + whole_size != len(m):
                raise ValueError("a table file cut short")
            self._whole = end
            self.base = _part(m[base : base + base_size])
        except BaseException:
            self._map.close()
            raise

    def part(self, slot: int) -> Part:
        start, end = _SPAN.unpack_from(self._map, self._spans + _SPAN.size * slot)
        return _part(self._map[self._data + start : self._data + end])

    def whole(self) -> tuple[dict[str, int], dict[str, str]]:
        freq, tags = marshal.loads(self._map[self._whole :])
        if not (isinstance(freq, dict) and isinstance(tags, dict)):
            raise ValueError("not a table file")
        return freq, tags

    def close(self) -> None:
        self._map.close()


def _part(data: bytes) -> Part:
    words, freqs, tags = marshal.loads(data)
    if not (isinstance(words, tuple) and isinstance(freqs, tuple) and isinstance(tags, dict)
            and len(words) == len(freqs)):
        raise ValueError("not a part of a table file")
    return words, freqs, tags


def _pack(freq: dict[str, int], tags: dict[str, str], words: Iterable[str]) -> bytes:
    ws = tuple(sorted(words))
    return marshal.dumps((ws, tuple(freq[w] for w in ws), {w: tags[w] for w in ws if w in tags}))


def _write_table(path: Path, freq: dict[str, int], total: int, tags: dict[str, str]) -> None:
    """The table file `_Parts` reads: magic; jieba's total and the sizes of the first
    part and of the whole table; the first part (the entries of one character); the
    start and end of every other part; the parts; the whole table. A part is marshal
    data (words, their frequencies, their tags); the whole table (frequencies, tags)."""
    from kg.io import atomic_write

    groups: list[list[str]] = [[] for _ in range(_SLOTS)]
    for w in freq:
        if len(w) > 1:
            groups[_slot(w[0], w[1])].append(w)
    base = _pack(freq, tags, (w for w in freq if len(w) == 1))
    parts = [_pack(freq, tags, g) for g in groups]
    whole = marshal.dumps((freq, tags))
    spans = bytearray()
    at = 0
    for p in parts:
        spans += _SPAN.pack(at, at + len(p))
        at += len(p)
    data = b"".join([_MAGIC, _HEAD.pack(total, len(base), len(whole)), base, bytes(spans),
                     *parts, whole])
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as e:  # a read-only home: build it each time
        log.debug("cannot keep the dictionary cache %s: %s", path, e)


@cache
def _jieba() -> Any:
    """jieba, imported without pkg_resources: jieba's compatibility module imports it
    (a fifth of a second) only to open its own dict.txt, which it otherwise opens by
    path."""
    if "pkg_resources" in sys.modules:
        import jieba
    else:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import fails
        try:
            import jieba
        finally:
            if sys.modules.get("pkg_resources", 0) is None:
                del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


def jieba_version() -> str:
    """The version of jieba segmenting the texts."""
    return str(getattr(_jieba(), "__version__", ""))


@cache
def _table() -> _Table:
    """The table of this process, made on first use. Building it costs about a second
    (jieba's prefix table, kg's words, the tag table), so it is kept in kg's cache
    folder, in a file named by a digest of everything it is made from, and read from
    there part by part (see `_Table`). Without a usable cache folder it is simply built,
    whole."""
    jieba = _jieba()
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
    if path is not None:
        try:
            parts = _Parts(path)
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            pass
        else:
            words, freqs, tags = parts.base
            tok.FREQ = dict(zip(words, freqs))
            tok.total = parts.total
            tok.initialized = True
            return _Table(tok, dict(tags), parts)
    tok.initialize()
    for word in user_words:  # in this order, repeats included: `total` counts each
        tok.add_word(word, freq=2000)
    all_tags = _read_tags(jieba)
    if path is not None:
        _write_table(path, tok.FREQ, tok.total, all_tags)
    return _Table(tok, all_tags)


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
    return folder / f"jieba-{h.hexdigest()[:16]}.table"


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    table = _table()
    table.need(text)
    return tuple(table.tok.cut(text, HMM=False))


def words(text: str) -> list[str]:
    """Dictionary-only segmentation (no HMM guesses), for finding word boundaries.
    Cached: the extractors ask for the same short windows many times."""
    return list(_words(text))


@cache
def _block() -> re.Pattern[str]:
    """The characters jieba segments together: it cuts each run of them on its own
    and splits everything else into single characters (or line breaks)."""
    pattern: re.Pattern[str] = _jieba().re_han_default
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


def frequency(word: str) -> int:
    """How often jieba's dictionary counts a word (0 when unknown): ordinary words are
    frequent, names and brands rare."""
    table = _table()
    if len(word) > 1:
        table.need(word[:2])
    return int(table.tok.FREQ.get(word, 0))


def tag(word: str) -> str:
    """jieba's dictionary tag of a word ("" when unknown)."""
    table = _table()
    if len(word) > 1:
        table.need(word[:2])
    return table.tags.get(word, "")
