"""Character classes and span helpers shared by the extractors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, lru_cache

from kg import lexicon
from kg.model import Mention
from kg.tokenize import tag, words

CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_WORD = re.compile(f"[{CJK_CLASS}]+")
OPEN_QUOTES = "“‘「『\"'"
CLOSE_QUOTES = "”’」』\"'"
# characters that never appear inside a given name
NOT_IN_NAME = frozenset(
    "的了是在有和与及等这那你我他她它们也都就而并或但对把被让给以于到说"
    "市省区县镇乡村街路委局厅办部处室院校站所馆队司厂店场"
    "年各本该此每某多几百亿吨亩讯报摄记者员席"
)


# surnames that are far more often prepositions or conjunctions
FUNCTION_SURNAMES = frozenset("从在向对与和将把被为到自据经由以")


def is_cjk(ch: str) -> bool:
    """One character in CJK_CLASS (compared directly: this runs for every character
    the extractors scan, and a regex match costs several times more)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


_Trie = dict[str, "_Trie"]  # next character -> the rest ("" -> {} where a word ends)


def alternation(words: Iterable[str]) -> str:
    """A regex matching any of `words` literally, the longest first (so a longer word
    wins over a shorter one it starts with). It is written as a trie, words sharing a
    first character on one branch (`副(?:主任|市长)`): re tries every branch of an
    alternation in turn, so it tries a few dozen first characters at each position
    instead of every word. At each branch going on is tried before stopping, so the
    words that match at a position are tried longest first, as in `longer|long`."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: _Trie) -> str:
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body


@cache
def _title_re() -> re.Pattern[str]:
    return re.compile(alternation(lexicon.titles()))


def title_at(text: str, i: int) -> str | None:
    """The longest title starting at text[i], if any."""
    m = _title_re().match(text, i)
    return m.group(0) if m else None


def titles_in(text: str) -> Iterable[re.Match[str]]:
    return _title_re().finditer(text)


@lru_cache(maxsize=65536)
def name_shape(name: str) -> bool:
    """2-4 CJK characters opening with a known surname, no character that never
    appears in a given name, and not an ordinary word of name shape. Cached: the
    person rules test the same candidates many times."""
    if not 2 <= len(name) <= 4 or not _CJK_WORD.fullmatch(name):
        return False
    if name in lexicon.not_names():
        return False
    single, compound = lexicon.surnames()
    if name[:2] in compound and len(name) >= 3:
        given = name[2:]
    elif name[0] in single:
        given = name[1:]
    else:
        return False
    if not 1 <= len(given) <= 2 or any(c in NOT_IN_NAME for c in given):
        return False
    if name[0] in FUNCTION_SURNAMES and (given in lexicon.divisions_by_name() or len(name) == 3):
        return False  # `从河南…`, `在全市…`: a preposition, not a surname
    return title_at(name, 1) is None and title_at(name, 2) is None


def item_shape(item: str) -> bool:
    """A list item (parted from the next by 、 or ，) that has a person name's shape: as
    `name_shape`, or a name and 和 (同和, 永和), as 和 can only end a given name there."""
    return name_shape(item) or (
        3 <= len(item) <= 4 and item[-1] == "和" and item[0] not in FUNCTION_SURNAMES
        and name_shape(item[:-1])
    )


def matches_at(rx: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """What `rx.finditer(text)` finds, for a pattern that never matches the empty string,
    given (in increasing order) every position where one of its matches may start: rx
    is tried there only."""
    end = 0
    for p in starts:
        if p >= end and (m := rx.match(text, p)) is not None:
            yield m
            end = m.end()


def matches_around(rx: re.Pattern[str], text: str, word: str, lead: int) -> Iterator[re.Match[str]]:
    """What `rx.finditer(text)` finds, for a pattern whose every match holds `word` once,
    at most `lead` characters after the match starts, and nothing before it that holds
    `word` (`(?:首席|特约)?记者`): tried only just before each occurrence of `word`. A
    pattern opening with an optional part has no first character to look for, and
    re tries it at every character of the text otherwise."""
    end = 0
    at = text.find(word)
    while at >= 0:
        for p in range(max(end, at - lead), at + 1):
            m = rx.match(text, p)
            if m is not None:
                yield m
                end = m.end()
                break
        at = text.find(word, max(at + 1, end))


@lru_cache(maxsize=65536)
def starts_with_place(name: str) -> bool:
    """The name opens with an administrative division's name or short form
    (`鄢陵县国动办`, `许昌职业技术学院`)."""
    places = lexicon.divisions_by_name()
    return any(name[:k] in places for k in range(2, min(len(name), 9)))


def mention_order(m: Mention) -> tuple[int, int, str, str, str, str, str, tuple[str, ...]]:
    """Text order, then every other field: mentions gathered in a set come out in one
    order whatever the hash seed (two rules may find the same span)."""
    return (m.start, m.end, m.label, m.rule, m.text, m.norm, m.kind, m.alts)


def filter_spans(spans: Sequence[Mention]) -> list[Mention]:
    """Longest match wins: drop spans that overlap a longer (then earlier) one."""
    ranked = sorted(spans, key=lambda m: (-(m.end - m.start), m.start))
    taken: list[Mention] = []
    occupied: set[int] = set()
    for m in ranked:
        cells = set(range(m.start, m.end))
        if cells & occupied:
            continue
        taken.append(m)
        occupied |= cells
    return sorted(taken, key=lambda m: (m.start, m.end))


_LEVEL_TOKENS = frozenset("省市县区镇乡")
# dictionary tags of words that do not begin or continue a name: verbs, adverbs,
# prepositions, conjunctions, pronouns, time words, particles
_CUT_TAGS = frozenset(
    {"v", "d", "ad", "p", "c", "r", "t", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o"}
)
_PAIRING = frozenset("和及、")
# words that make a following 区 a kind of zone (产业集聚区), not a lone level character
_ZONE_WORDS = frozenset(
    [
        *"集聚 产业集聚 实验 综合实验 试验 示范 开发 高新 功能 保税 商务 物流 产业 工业".split(),
        *"自贸 保护 景 园 片 街 矿 库".split(),
    ]
)
# words that may sit inside an organization name but not inside a place name
_STRICT_TAGS = frozenset({"vn", "a", "ad", "an", "i", "l"})


# the characters a name's left extent may run over; matched from a window's start, this
# reaches the last character it may not (backtracking from the window's end: one step
# a character of the name, where a search for the run tries every start)
_BEFORE_NAME_RUN = re.compile(f".*[^{CJK_CLASS}（）()·]", re.DOTALL)


def left_extent(
    text: str, end: int, floor: int, max_len: int = 25, verbs: bool = True, strict: bool = False
) -> int:
    """Where a name ending at `end` starts: scan left over CJK characters (not past
    `floor`, punctuation or `max_len`), then cut after the last boundary word (a
    listed one, or by its dictionary tag a verb, adverb, preposition ...), or at a
    lone level character (`协同市妇联` -> `市妇联`), by dictionary tokens.
    `和`/`与`/`及` end the name only when a place or an organization stands before them,
    since they also join words inside names (`发展和改革委员会`). `verbs=False` keeps
    verbs (they occur in organization names: 调解中心); `strict=True` also cuts at
    verbal nouns and adjectives (for place names)."""
    # the leftmost p (not before `floor`, within `max_len`) after which every
    # character may be part of a name
    lo = min(max(floor, end - max_len), end)
    before = _BEFORE_NAME_RUN.match(text, lo, end)
    p = before.end() if before else lo
    # a full window may have cut a word in two, unless a word ends right before it
    clipped = (p > floor and end - p >= max_len and is_cjk(text[p - 1])
               and len(words(text[p - 1 : end])[0]) > 1)
    return p + _cut(text[p:end], clipped, verbs, strict)


@lru_cache(maxsize=65536)
def _cut(window: str, clipped: bool, verbs: bool, strict: bool) -> int:
    """The offset in `window` where the name starts (see left_extent). It depends on
    the window's text alone, so it is cached: the same phrases recur across a corpus."""
    toks = words(window)
    bounds = lexicon.boundaries()
    places = lexicon.divisions_by_name()
    suffixes = _org_suffix_tuple()
    org_verbs = lexicon.words("org_verbs.tsv")
    start = 0
    pos = 0
    prev = ""
    for i, tok in enumerate(toks):
        nxt = pos + len(tok)
        t = tag(tok) if len(tok) > 1 and i < len(toks) - 1 else ""
        if tok in _PAIRING:
            after = toks[i + 1][:1] if i + 1 < len(toks) else ""
            if i == 0 or prev in places or prev.endswith(suffixes) or after in _LEVEL_TOKENS:
                start = nxt
        elif (
            tok in bounds
            or tok in OPEN_QUOTES
            or tok in CLOSE_QUOTES
            or (t in _CUT_TAGS and (verbs or t != "v") and tok not in org_verbs)
            or (strict and t in _STRICT_TAGS)
        ):
            start = nxt
        elif (
            tok in "省市县区"
            and i + 1 < len(toks)
            and i > 0
            and toks[i - 1] not in places
            and toks[i - 1] != "团"
            and not (tok == "区" and toks[i - 1] in _ZONE_WORDS)
        ):
            start = pos
        prev = tok
        pos = nxt
    if clipped and start == 0 and len(toks) > 1:
        start = len(toks[0])  # the window cut a word in two: drop the fragment
    return start


@cache
def _org_suffix_tuple() -> tuple[str, ...]:
    """The organization suffixes as one tuple, for a single str.endswith call."""
    return tuple(lexicon.org_suffixes())
