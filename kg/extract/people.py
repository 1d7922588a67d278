"""Persons and their positions.

The grammar of these papers' title chains is `ORG? TITLE (、ORG? TITLE)* NAME (、NAME)*`:
a later title with no organization of its own inherits the chain's organization,
a relative unit (`宣传部`, `机关`) is read inside the chain's first body, heads of
government belong to their place's government (`区长` -> 区政府) and party posts to
the committee written before them. Bylines (`记者 X 通讯员 Y`, `本报记者 X 摄`),
attendee and award lists, signatures closing an item and names written before a
national title (`习近平总书记`) give persons too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from kg import lexicon
from kg.extract.text import (
    CJK_CLASS,
    FUNCTION_SURNAMES,
    alternation,
    is_cjk,
    item_shape,
    left_extent,
    matches_at,
    name_shape,
    starts_with_place,
    title_at,
    titles_in,
)
from kg.model import Mention, Position, Sentence
from kg.tokenize import tag, words


@cache
def _follower_re() -> re.Pattern[str]:
    """Words that commonly follow a person's name (lexicons/name_followers.tsv): a name
    ends before them."""
    return re.compile(alternation(lexicon.words("name_followers.tsv")))


# a character that ends this many three-character names of the dictionary is read
# as part of a name even where it may open a verb (安, 正, 荣, 强)
_COMMON_FINAL = 60


@cache
def _verb_initial() -> frozenset[str]:
    """The first characters of the follower words, except those that often end a given
    name: a three-character reading is not taken when its last character is one."""
    given = lexicon.given_chars()
    return frozenset(
        w[0]
        for w in lexicon.words("name_followers.tsv")
        if given.get(w[0], (0, 0))[1] < _COMMON_FINAL
    )


# the levels of government whose heads' titles name them (市长, 副县长, 乡长)
_GOV_LEVELS = "省市区县州旗镇乡"
# the characters a title chain runs over, up to its title (searched within 60 characters)
_CHAIN_RUN = re.compile(rf"[{CJK_CLASS}A-Za-z（）()·\-— 、]*\Z")
_PAREN = re.compile(r"[（(][^（）()]{0,12}[)）]|\s")
_PARTY_BODY = re.compile(r"(?:党委|党工委|党组|委员会|委|党总支|党支部)$")
_PARTY_OF = re.compile(r"(?:党委|党工委|党组)$")
# units whose heads' titles end in the unit's character (部长, 局长, 厅长)
_UNIT_HEADS = "部局厅"
_BRANCH_END = re.compile(r"(?:党支部|党总支|党委|党工委)$")
_ABSOLUTE_START = re.compile(
    r"^(?:中共|中国|中华|中央|全国|国家|国务院|省|市|区|县|镇|乡|州|团|民盟|民革|民建|民进|农工|致公|九三|台盟)"
)
_BEFORE_CHAIN_VERBS = ("被任命为", "当选为", "现任", "担任", "出任", "当选", "任", "系", "是")
_LIST_END_VERBS = "出席|参加|陪同|列席|参与|被评为|被授予|获评|荣获|入选|当选|分别|一同|一起"
_LIST_END = re.compile(rf"^(?:等|同志|(?:同志)?(?:{_LIST_END_VERBS}))")
# the characters _LIST_END's words start with: other cut points need no regex
_LIST_END_FIRST = frozenset(w[0] for w in ["等", "同志", *_LIST_END_VERBS.split("|")])
_SIGNATURE = re.compile(
    rf"(?:(?<=[。！？!?”\"）)])[ \u3000]*|^)([{CJK_CLASS}]{{2,4}})[ \u3000]*$", re.M
)


def _signatures(text: str) -> Iterator[re.Match[str]]:
    """What `_SIGNATURE.finditer(text)` finds, looked for only at the end of each line
    (where every match ends: a name of 2-4 characters, spaces, after a closing mark or
    at the line's start); re would try the pattern at every character."""
    start = 0
    while True:
        nl = text.find("\n", start)
        end = len(text) if nl < 0 else nl
        lo = end
        while lo > start and text[lo - 1] in " \u3000":
            lo -= 1
        if lo > start and is_cjk(text[lo - 1]):  # (most lines end with a mark)
            lo = max(start, lo - 4)
            while lo > start and text[lo - 1] in " \u3000":
                lo -= 1
            m = _SIGNATURE.search(text, lo, end)
            if m is not None:
                yield m
        if nl < 0:
            return
        start = nl + 1


_NAME_LIST = re.compile(rf"[{CJK_CLASS}]{{2,6}}(?:、 ?[{CJK_CLASS}]{{2,4}})+")
_LIST_SEP = re.compile(r"、 ?")
# `，甲，乙，丙等出席`: names parted by commas, closed by 等
_COMMA_LIST = re.compile(
    rf"(?:^|(?<=[，,：:；;]))[{CJK_CLASS}]{{2,3}}(?:[，,][{CJK_CLASS}]{{2,3}}){{2,}}(?=等)"
)
# `市领导甲、乙`, `县领导甲`: names after the word for a group of leaders
_LEADERS = re.compile("领导 ?")


def _is_boundary_at(text: str, i: int) -> bool:
    """True when a name may end right before text[i]."""
    if i >= len(text) or not is_cjk(text[i]):
        return True
    return bool(_follower_re().match(text, i)) or title_at(text, i) is not None


_FOREIGN_NAME = re.compile(rf"[{CJK_CLASS}]{{1,6}}(?:[·•][{CJK_CLASS}]{{1,6}})+")
# dictionary tags of words that a name's third character does not open when they
# follow it: verbs, adverbs, prepositions, conjunctions, time words, localizers
_WORD_AFTER_TAGS = frozenset({"v", "vd", "d", "p", "c", "t", "f", "ad", "u", "r", "m", "q"})


def _opens_word(text: str, i: int) -> bool:
    """text[i] opens a two- or three-character dictionary word tagged as a verb, an
    adverb, a preposition ... (`相继`, `应邀`, `下达`, `全程`)."""
    return any(tag(text[i : i + n]) in _WORD_AFTER_TAGS for n in (2, 3) if i + n <= len(text))


def _opens_noun(text: str, i: int) -> bool:
    """text[i] opens a two-character dictionary word that is not a name."""
    t = tag(text[i : i + 2])
    return bool(t) and not t.startswith("nr")


def read_name(text: str, i: int, known: frozenset[str] = frozenset()) -> int | None:
    """End offset of a person name starting at text[i] (after one optional space),
    or None."""
    if text[i : i + 1] == " ":
        i += 1
    foreign = _FOREIGN_NAME.match(text, i)
    if foreign:
        # `约翰·斯坦顿`, up to a word that follows names
        dot = max(foreign.group(0).rfind("·"), foreign.group(0).rfind("•")) + i
        end = foreign.end()
        return next((k for k in range(dot + 2, end) if _is_boundary_at(text, k)), end)
    for n in (4, 3, 2):
        cand = text[i : i + n]
        if len(cand) == n and cand in known and _is_boundary_at(text, i + n):
            return i + n
    single, compound = lexicon.surnames()
    base = 2 if text[i : i + 2] in compound else 1
    if base == 1 and text[i : i + 1] not in single:
        return None
    short, long = i + base + 1, i + base + 2
    if text[short : short + 1] == "和" and text[long : long + 1] in "、，,；;" \
            and name_shape(text[i:short]):
        # `甲乙和、`: 和 before a list's comma ends a given name (同和, 永和), it joins nothing
        return long
    if _is_boundary_at(text, short) and name_shape(text[i:short]):
        # a two-character name unless the longer reading ends at a clear boundary
        if (
            short < len(text)
            and is_cjk(text[short])
            and (not _follower_re().match(text, short) or text[long : long + 1] == "、")
            and title_at(text, short) is None
            and _is_boundary_at(text, long)
            and name_shape(text[i:long])
        ):
            return long
        return short
    if _is_boundary_at(text, long) and name_shape(text[i:long]):
        return long
    if _opens_word(text, short) and name_shape(text[i:short]):
        # `周晓禾相继发言`, `钱远下达`: the third character opens a word
        return short
    if (
        long <= len(text)
        and name_shape(text[i:long])
        and text[long - 1] not in _verb_initial()
        and not starts_with_place(text[short : short + 8])
    ):
        return long  # (not `陈立漯河市…`: a place name starts after two characters)
    if name_shape(text[i:short]) and text[i] not in FUNCTION_SURNAMES:
        return short
    return None


def read_name_back(
    text: str, j: int, floor: int, known: frozenset[str] = frozenset()
) -> int | None:
    """Start offset of a person name ending at text[j] (exclusive), or None. The name
    must follow `floor`, punctuation, a function word or a whole dictionary word
    (`传达学习|习近平`)."""
    for n in (4, 3, 2):
        s = j - n
        if s >= floor and text[s:j] in known:
            return s
    for n in (3, 2):
        s = j - n
        if s < floor or not name_shape(text[s:j]):
            continue
        if s == floor or not is_cjk(text[s - 1]) or text[s - 1] in "了的是和与及在对向把将为由据":
            return s
    lo = max(floor, j - 10)
    toks = words(text[lo:j])
    tail = ""
    while toks and len(tail) < 3:
        tok = toks.pop()
        if len(tok) > 1 and tail:
            break
        tail = tok + tail
        if len(tail) >= 2 and name_shape(tail) and (not toks or len(toks[-1]) > 1):
            return j - len(tail)
    return None


@dataclass
class _Seg:
    org: str | None  # organization text written in the segment
    title: str
    kind: str


def _base(title: str) -> str:
    """`常务副主任` -> `主任`: a title without its rank words."""
    return title.removeprefix("常务").removeprefix("副")


def _place_of(org: str) -> str:
    """`魏都区委` -> `魏都区`; `市委` -> `市`."""
    place = _PARTY_BODY.sub("", org)
    if len(place) > 2 and place[-1] == place[-2] and place[-1] in _GOV_LEVELS:
        place = place[:-1]  # `东湖区区委`
    return place


def _gov_org(title: str, org: str | None, prev: list[_Seg]) -> str:
    level = _level(title)
    if org in ("政府", "人民政府"):
        org = None  # `旗委副书记、政府代旗长`: the government of the chain's place
    if org:
        place = org.removesuffix("政府").removesuffix("人民")
        return (
            (place if place.endswith(level) else place + level) + "政府"
            if place != level
            else level + "政府"
        )
    for seg in reversed(prev):
        if seg.org:
            place = _place_of(seg.org)
            if place.endswith(level):
                return place + "政府"
    return level + "政府"


def _level(title: str) -> str:
    """`副市长` -> `市`: the level of government a head of government leads."""
    return next((c for c in title if c in _GOV_LEVELS), "市")


def _resolve_chain(segs: list[_Seg]) -> list[tuple[str, str | None]]:
    """(role, org) for each segment of a title chain."""
    out: list[tuple[str, str | None]] = []
    for k, seg in enumerate(segs):
        org = seg.org
        if seg.kind == "gov" and org in ("政府", "人民政府"):
            org = None  # `旗委副书记、政府代旗长`: the government of the chain's place
        if org and k > 0 and not _ABSOLUTE_START.match(org) and not starts_with_place(org):
            head = next((s.org for s in segs[:k] if s.org), None)
            if head is None:
                # `副市长、公安局局长`: a department of the government just named
                head = next((_level(s.title) for s in segs[:k] if s.kind == "gov"), None)
            if head and len(org) <= 8:
                # a unit of the place, not of its party branch (村党支部、村委会主任)
                head = _BRANCH_END.sub("", head) or head
                org = head + org
        role = seg.title
        if _is_past(seg.org):
            continue  # `市政协原副主席`: a past post is not a position
        if seg.kind == "gov":
            out.append((role, _gov_org(role, org, segs[:k])))
        elif seg.kind == "press":
            out.append((role, None))
        elif seg.kind == "national":
            out.append((role, org))
        elif seg.kind == "rep":
            out.append((role, (org or "市") + "人大"))
        elif seg.kind == "cppcc":
            out.append(("委员", (org or "市") + "政协"))
        else:
            if not org:
                org = next((o for _, o in reversed(out) if o), None) if out else None
                if org and seg.kind == "post":
                    # `集团党委书记、董事长`: the chair of the company, not of its committee
                    org = _PARTY_OF.sub("", org) or org
            out.append((role, _with_unit(role, org)))
    return out


# words that make the post written after them a past one
_PAST_WORDS = ("原", "前任", "曾任", "退休")
# characters after which `原` opens a past post inside an organization's name
# (`市人大常委会原副主任`, `驻马店市原作协主席`)
_PAST_AFTER = frozenset("省市县区委会局厅部办")


def _is_past(org: str | None) -> bool:
    """The organization text before a title marks the post as past: it ends with `原`,
    starts with a past word, or holds `原` after a level or a body's last character and
    no place name starts there (原阳县 is a place)."""
    if not org:
        return False
    if org.endswith(_PAST_WORDS) or org.startswith(_PAST_WORDS[1:]):
        return True
    k = org.find("原")
    while k >= 0:
        if (k == 0 or org[k - 1] in _PAST_AFTER) and not starts_with_place(org[k:]):
            return True
        k = org.find("原", k + 1)
    return False


def _with_unit(role: str, org: str | None) -> str | None:
    """`市委宣传` + 部长 -> `市委宣传部`: a head written with its unit's last character
    (宣传部长, 公安局长) heads the unit named with it."""
    unit = role[-2]
    if org and unit in _UNIT_HEADS and role.endswith(unit + "长") and not org.endswith(unit):
        return org + unit
    return org


def _split_org_title(part: str) -> _Seg | None:
    """`市委宣传部部长` -> (市委宣传部, 部长); None when the part does not end in a title."""
    for i in range(len(part)):
        t = title_at(part, i)
        if t and i + len(t) == len(part):
            kind = lexicon.titles()[t]
            return _Seg(part[:i] or None, t, kind)
    return None


@lru_cache(maxsize=16384)
def _trim_left(part: str) -> tuple[str, str]:
    """Cut a chain's first part after its last boundary word: returns (before, kept).
    Cached: chains repeat (`市委常委、宣传部部长`)."""
    cut = left_extent(part, len(part), 0, max_len=len(part) + 1, verbs=False)
    for verb in _BEFORE_CHAIN_VERBS:
        k = part.rfind(verb, 0, len(part) - 1)
        if k >= 0 and k + len(verb) > cut and len(verb) > 1:
            cut = k + len(verb)
    return part[:cut], part[cut:]


def _chain_before(text: str, ts: int, floor: int) -> tuple[list[_Seg], str | None, int, str]:
    """The title chain that ends at the title starting at ts: the earlier segments,
    the organization written right before the title, where the chain region starts
    and the words cut off before the chain (`X现任` in `X现任市民政局副局长`)."""
    run = _CHAIN_RUN.search(text, max(floor, ts - 60), ts)
    p = run.start() if run else ts
    parts = [_PAREN.sub("", x) for x in text[p:ts].split("、")]
    own = parts.pop()
    segs: list[_Seg] = []
    for part in reversed(parts):
        seg = _split_org_title(part)
        if seg is None:
            break
        cut = _after_name(seg.org) if seg.org else None
        if cut is not None:
            # `市长甲在…会见某集团董事局主席、行政总裁乙`: the chain starts after 甲
            seg.org = _trim_left(cut)[1] or None
            segs.insert(0, seg)
            return segs, own or None, p, ""
        segs.insert(0, seg)
    if own and own[-1] in "及和与":
        # `甲、乙及秘书长丙`: the title starts a new item of the list, not a chain
        return [], None, ts, own
    first = segs[0].org if segs else own
    before, kept = _trim_left(first or "")
    if segs:
        segs[0].org = kept or None
    else:
        own = kept
    return segs, own or None, p, before


def _after_name(org: str) -> str | None:
    """The text after the last `title NAME` inside an organization's text, or None."""
    last = None
    for m in titles_in(org):
        last = m
    if last is None:
        return None
    e = read_name(org, last.end())
    return org[e:] if e is not None else None


# titles written after a name that make a post (`甲教授`); other titles after a name
# only show that it is one (`甲书记`)
_TITLES_AFTER_NAME = frozenset(
    {"教授", "副教授", "研究员", "副研究员", "院士", "工程师", "高级工程师"}
)
_COMRADE = re.compile("同志")
# characters after which a name may start: function words
_BEFORE_NAME = frozenset("了的是和与及在对向把将为由据给跟同让请经")


@cache
def _org_suffixes() -> tuple[str, ...]:
    return tuple(lexicon.org_suffixes())


@cache
def _org_words_of(title: str) -> tuple[str, ...]:
    """The organization suffixes that open with a title (委员 -> 委员会)."""
    return tuple(x for x in lexicon.org_suffixes() if x.startswith(title) and x != title)


def _inside_org_word(text: str, ts: int, title: str) -> bool:
    return any(text.startswith(w, ts) for w in _org_words_of(title))


def _weak_name(cand: str, known: frozenset[str]) -> bool:
    """A name read with no title after it: of name shape, not a place, not opening with
    an ordinary two-character word (`宣传`, `督察`), its given name's characters seen in
    names (given_chars.tsv)."""
    if cand in known:
        return True
    if not name_shape(cand) or _is_place(cand) or _opens_noun(cand, 0):
        return False
    given = lexicon.given_chars()
    return all(c in given for c in cand[-2 if len(cand) == 3 else -1 :])


def _name_before(text: str, j: int, floor: int, known: frozenset[str]) -> int | None:
    """Start of a name that ends at text[j] and stands after the sentence's start, a
    punctuation mark, a function word or an organization's name (`大学甲教授`)."""
    for n in (3, 2):
        s = j - n
        if s < floor:
            continue
        if not _weak_name(text[s:j], known):
            continue
        if (
            s == floor
            or not is_cjk(text[s - 1])
            or text[s - 1] in _BEFORE_NAME
            or text[max(floor, s - 6) : s].endswith(_org_suffixes())
        ):
            return s
    return None


@cache
def _person_noun_re() -> re.Pattern[str]:
    return re.compile(alternation(lexicon.words("person_nouns.tsv")))


def _after_person_nouns(text: str, known: frozenset[str]) -> list[tuple[int, int]]:
    """`村民甲`, `科研人员乙`: a name right after a noun for a kind of people, ending where a
    name may end. (The nouns hold no mark that ends a sentence: the article's sentences
    are searched at once.)"""
    out = []
    for m in _person_noun_re().finditer(text):
        if _opens_noun(text, m.end()):
            continue
        e = read_name(text, m.end(), known)
        if (
            e is not None
            and text[m.end()] != " "
            and _is_boundary_at(text, e)
            and _weak_name(text[m.end() : e], known)
        ):
            out.append((m.end(), e))
    return out


@dataclass
class PeopleResult:
    persons: list[Mention]
    positions: list[Position]


def extract_people(
    text: str, sentences: Iterable[Sentence], known: frozenset[str] = frozenset()
) -> PeopleResult:
    """Persons (mentions) and positions found in one article."""
    persons: list[Mention] = []
    positions: list[Position] = []

    def person(s: int, e: int, rule: str) -> None:
        persons.append(Mention(s, e, text[s:e], "person", rule))

    def position(name: str, role: str, org: str | None, sent: Sentence, rule: str) -> None:
        lead = len(sent.text) - len(sent.text.lstrip())
        evidence = sent.text.strip()
        start = sent.start + lead
        positions.append(Position(name, role, org, start, start + len(evidence), evidence, rule))

    # titles found in one pass over the article: no title holds a sentence's end
    # (punctuation, a line break), so each lies inside one sentence
    title_hits = [(m.start(), m.end(), m.group(0)) for m in titles_in(text)]
    title_starts = [ts for ts, _, _ in title_hits]
    sents = list(sentences)
    # lists of names, found once over the article (none holds a sentence's end), each
    # tried only where a match may start: 2-6 characters before a `、`
    name_lists = list(matches_at(_NAME_LIST, text, _before_marks(text, "、", 2, 6)))
    list_starts = [m.start() for m in name_lists]
    # where a rule of the loop below may fire: a title, a list, or the word each of the
    # other rules needs (`同志`, `等` closing a comma list, `领导`); other sentences
    # are skipped
    cues = sorted({*title_starts, *list_starts, *_find_all(text, ("同志", "等", "领导"))})
    for sent in sents:
        k = bisect_left(cues, sent.start)
        if k == len(cues) or cues[k] >= sent.end:
            continue
        last_org: str | None = None
        last_title = ""
        first = bisect_left(title_starts, sent.start)
        for ts, te, title in title_hits[first : bisect_left(title_starts, sent.end)]:
            kind = lexicon.titles()[title]
            if _inside_org_word(text, ts, title):
                continue  # 委员 in 委员会, 主席 in 主席团
            if kind == "national":
                s = read_name_back(text, ts, sent.start, known)
                if s is not None:
                    name = text[s:ts]
                    person(s, ts, "name-before-national-title")
                    position(name, title, None, sent, "name-before-national-title")
                    continue
            segs, own, cstart, before = _chain_before(text, ts, sent.start)
            segs.append(_Seg(own, title, kind))
            roles = _resolve_chain(segs)
            prev = text[ts - 1 : ts]
            if not own and len(segs) == 1 and kind in ("post", "party") and last_org:
                # `副主席甲、乙及秘书长丙`; `主任甲，副主任乙、丙`: the title of the same
                # body, which the sentence named last
                if prev in "及和与、" or (prev in "，,；;" and _base(title) == _base(last_title)):
                    roles = [(title, last_org)]
            elif not own and len(segs) == 1 and kind == "gov" and last_org and prev in "、，,":
                # `鹤壁市委书记甲、市长乙`: the government of the place just named
                place = _place_of(last_org)
                if len(place) > 1 and place.endswith(_level(title)):
                    roles = [(title, place + "政府")]
            if before.endswith(_PAST_WORDS):
                roles = []  # `曾任市长`: no position now
            names = _name_run(text, te, sent.end, known, spaces=kind == "press")
            rule = "title-chain" if len(segs) > 1 else "title-name"
            if not names:
                # `X现任市民政局社会救助科科长`: the name stands before the chain
                for verb in _BEFORE_CHAIN_VERBS:
                    if before.endswith(verb):
                        j = text.rfind(verb, cstart, ts)
                        if j >= 2 and text[j - 2 : j] == "同志":
                            j -= 2  # `甲同志任省委书记`
                        s = read_name_back(text, j, sent.start, known) if j >= 0 else None
                        if s is not None:
                            names.append((s, j))
                            rule = "name-verb-title"
                        break
            if not names and kind != "national":
                # `青石师范学院甲教授`, `甲书记`: the name written before the title
                s = _name_before(text, ts, sent.start, known)
                if s is not None:
                    person(s, ts, "name-title")
                    if title in _TITLES_AFTER_NAME:
                        org_s = left_extent(text, s, sent.start, verbs=False)
                        org = text[org_s:s] if text[org_s:s].endswith(_org_suffixes()) else None
                        position(text[s:ts], title, org, sent, "name-title")
            for s, e2 in names:
                person(s, e2, rule)
                for role, org in roles:
                    position(text[s:e2], role, org, sent, rule)
            if roles and roles[-1][1]:
                last_org = roles[-1][1]
                last_title = title
        for m in _COMRADE.finditer(text, sent.start, sent.end):
            s = _name_before(text, m.start(), sent.start, known)
            if s is not None:
                person(s, m.start(), "name-title")
        k = bisect_left(list_starts, sent.start)
        _lists(text, name_lists[k : bisect_left(list_starts, sent.end, k)], known, person)
        _comma_lists(text, sent, known, person)
        _leader_lists(text, sent, known, person)
    for s, e, rule in headline_and_speaker_names(text):
        person(s, e, rule)
    for s, e, roles, at in _roster(text, sents, known):
        # `王某青石职业技术学院副教授` on a line of its own: a roster of names and posts
        person(s, e, "roster")
        for role, org in roles:
            position(text[s:e], role, org, at, "roster")
    for s, e in _after_person_nouns(text, known):
        person(s, e, "person-noun")
    for s, e, role in credit_names(text, known):
        person(s, e, "credit")
        if role:
            line = _sentence_at(sents, s)
            if line is not None:
                position(text[s:e], role, None, line, "credit")
    for m in _signatures(text):
        name = m.group(1)
        if name_shape(name) or name in known:
            person(m.start(1), m.end(1), "signature")
    return PeopleResult(persons, positions)


def _find_all(text: str, words: Iterable[str]) -> Iterator[int]:
    """Where each of `words` occurs in text."""
    for w in words:
        at = text.find(w)
        while at >= 0:
            yield at
            at = text.find(w, at + 1)


def _before_marks(text: str, mark: str, near: int, far: int) -> list[int]:
    """The positions `near` to `far` characters before each `mark` in text, in order
    (each mark's range starts after the previous one's, so none is listed twice)."""
    out: list[int] = []
    done = 0  # positions before this one are listed
    at = text.find(mark)
    while at >= 0:
        lo, hi = max(done, at - far), at - near + 1
        if lo < hi:
            out.extend(range(lo, hi))
            done = hi
        at = text.find(mark, at + 1)
    return out


def _lists(
    text: str,
    found: list[re.Match[str]],
    known: frozenset[str],
    person: Callable[[int, int, str], None],
) -> None:
    """`甲、乙、丙等出席` and `甲、乙被评为“…”`: a list of names of name shape, from the
    `_NAME_LIST` matches of a sentence."""
    for m in found:
        raw = m.group(0)
        items = _LIST_SEP.split(raw)
        tail = text[m.end() : m.end() + 8]
        last = items[-1]
        rest = last + tail
        if _LIST_END_FIRST.isdisjoint(rest[2 : len(last) + 1]):
            continue  # (no cut point: the loop below would find none)
        for cut in range(2, len(last) + 1):
            if rest[cut : cut + 1] in _LIST_END_FIRST and _LIST_END.match(rest[cut:]):
                items[-1] = last[:cut]
                break
        else:
            continue
        # the first item may carry the words before it: `区领导刘明`, `以王小红`
        first = items[0]
        # a name never starts inside a title (`副主任甘慧` is 甘慧, not 任甘慧)
        inside = {i for t in titles_in(first) for i in range(t.start() + 1, t.end())}
        for k in range(max(0, len(first) - 3), len(first) - 1):
            if k in inside:
                continue
            if name_shape(first[k:]) or first[k:] in known:
                items[0] = first[k:]
                break
        if sum(_is_place(x) for x in items) * 2 >= len(items):
            continue  # `信阳、南阳、许昌等地`
        good = [x for x in items if (item_shape(x) and not _is_place(x)) or x in known]
        if len(good) < max(2, int(len(items) * 0.6 + 0.5)):
            continue
        if len(good) >= len(items) * 0.8:
            good += [x for x in items if 2 <= len(x) <= 3 and x not in good and _plain_name(x)]
        pos = m.start() + len(first) - len(items[0])
        for x in items:
            pos = text.find(x, pos)
            if x in good:
                person(pos, pos + len(x), "name-list")
            pos += len(x)


def _comma_lists(
    text: str, sent: Sentence, known: frozenset[str], person: Callable[[int, int, str], None]
) -> None:
    """`，甲，乙，丙等出席`: three or more names parted by commas and closed by 等, every
    one of name shape and none a place."""
    if "等" not in text[sent.start : sent.end]:
        return
    for m in _COMMA_LIST.finditer(text, sent.start, sent.end):
        items = re.split("[，,]", m.group(0))
        if all((item_shape(x) and not _is_place(x)) or x in known for x in items):
            pos = m.start()
            for x in items:
                person(pos, pos + len(x), "name-list")
                pos += len(x) + 1


def _leader_lists(
    text: str, sent: Sentence, known: frozenset[str], person: Callable[[int, int, str], None]
) -> None:
    """`市领导甲、乙、丙`: the names after `领导`, parted by `、`."""
    for m in _LEADERS.finditer(text, sent.start, sent.end):
        if _opens_noun(text, m.end()):
            continue  # `领导班子`, `领导小组`, `领导干部`
        for s, e in _name_run(text, m.end(), sent.end, known):
            if not _is_place(text[s:e]):
                person(s, e, "name-list")


def _name_run(
    text: str, i: int, end: int, known: frozenset[str], spaces: bool = False
) -> list[tuple[int, int]]:
    """The names read from text[i] on, parted by `、` (and by spaces when `spaces`):
    `甲、乙、丙` after a title; `通讯员 甲 乙` in a credit line."""
    names: list[tuple[int, int]] = []
    s, e = i, read_name(text, i, known)
    while e is not None:
        if text[s] == " ":
            s += 1
        if names and (
            title_at(text, e) is not None
            or (not _is_boundary_at(text, e) and starts_with_place(text[s:e]))
        ):
            break  # `…、某军分区司令员`, `…、宣传组组长`: an organization, not a name
        if names and not _is_boundary_at(text, e) and _title_ahead(text, e, end):
            break  # `…、某某发展总裁乙`: a company and its title start the item, not a name
        if not names and _opens_noun(text, s) and not _is_boundary_at(text, e):
            break  # `常委班子成员`: a word, not a name
        names.append((s, e))
        nxt = text[e : e + 1]
        if nxt in ("、", " ") and e < end and title_at(text, e + 1) is None:
            if nxt == " " and not spaces:
                break
            s, e = e + 1, read_name(text, e + 1, known)
            continue
        break
    return names


def _title_ahead(text: str, i: int, end: int, reach: int = 10) -> bool:
    """A title stands within `reach` characters of text[i], before the list item ends."""
    for k in range(i, min(end, i + reach)):
        if text[k] in "、，,。；;：:":
            return False
        if title_at(text, k) is not None:
            return True
    return False


@cache
def _place_names() -> frozenset[str]:
    """Division names and short forms, provinces' and countries' names: list items that
    are places, not persons."""
    return frozenset(lexicon.divisions_by_name()) | frozenset(lexicon.countries())


def _is_place(x: str) -> bool:
    return x in _place_names()


def _plain_name(x: str) -> bool:
    """Looks like a name apart from an unlisted surname (a rare one)."""
    from kg.extract.text import NOT_IN_NAME

    return all(is_cjk(c) and c not in NOT_IN_NAME for c in x) and x not in lexicon.not_names()


def _sentence_at(sents: list[Sentence], i: int) -> Sentence | None:
    k = bisect_left([s.end for s in sents], i + 1)
    return sents[k] if k < len(sents) and sents[k].start <= i else None


@cache
def _credit_re() -> re.Pattern[str]:
    labels = alternation(lexicon.pairs("credit_labels.tsv"))
    return re.compile(rf"(?<![{CJK_CLASS}])({labels}) ?[:：/] *")


_CREDIT_AFTER = re.compile(rf"^[ \u3000]*([{CJK_CLASS}]{{2,4}})[ \u3000]+摄影?[ \u3000]*$", re.M)
_CLOSING_NAMES = re.compile(
    rf"[（(]([{CJK_CLASS}]{{2,4}}(?:[ \u3000]+[{CJK_CLASS}]{{2,4}})*)[)）][ \u3000]*$", re.M
)


def _roster(
    text: str, sents: list[Sentence], known: frozenset[str]
) -> list[tuple[int, int, list[tuple[str, str | None]], Sentence]]:
    """Lines that hold a name and its posts and nothing else: (start, end, roles, line)."""
    out = []
    for m in _ROSTER_LINE.finditer(text):
        start = m.start(1)
        end = read_name(text, start, known)
        if end is None or end >= m.end() or not name_shape(text[start:end]):
            continue
        parts = [_split_org_title(_PAREN.sub("", x)) for x in text[end : m.end()].split("、")]
        segs = [seg for seg in parts if seg is not None]
        at = _sentence_at(sents, start)
        if at is None or len(segs) < len(parts) or not _roster_org(segs[0].org):
            continue
        out.append((start, end, _resolve_chain(segs), at))
    return out


def _roster_org(org: str | None) -> bool:
    """The first post of a roster line names its body: a place, a national or party
    prefix, or an organization's suffix (`青石职业技术学院`, `九三学社某省委员会`)."""
    if not org or _follower_re().match(org):
        return False
    return (
        starts_with_place(org)
        or bool(_ABSOLUTE_START.match(org))
        or any(x in org for x in _org_suffixes())
    )


def credit_names(text: str, known: frozenset[str]) -> list[tuple[int, int, str]]:
    """Names in a page's credit lines, with the post the label gives (or ""):
    `责任编辑:X`, `作者：X`, `摄影/X`, `X 摄影` on a line of its own, and the names in
    brackets that close an item (`（X Y）`)."""
    out: list[tuple[int, int, str]] = []
    roles = lexicon.pairs("credit_labels.tsv")
    if ":" in text or "：" in text or "/" in text:
        for m in _credit_re().finditer(text):
            role = roles[m.group(1)]
            for s, e in _name_run(text, m.end(), len(text), known, spaces=True):
                if name_shape(text[s:e]) or text[s:e] in known:
                    out.append((s, e, role))
    if "摄" in text:  # (re would try _CREDIT_AFTER at every line's start)
        for m in _CREDIT_AFTER.finditer(text):
            if name_shape(m.group(1)):
                out.append((m.start(1), m.end(1), ""))
    for m in _CLOSING_NAMES.finditer(text):
        names = m.group(1).split()
        if all(name_shape(x) or x in known for x in names):
            pos = m.start(1)
            for x in names:
                pos = text.find(x, pos)
                out.append((pos, pos + len(x), ""))
                pos += len(x)
    return out


# a line of a name followed by its posts and nothing else (a roster of speakers)
_ROSTER_LINE = re.compile(
    rf"^[ \u3000]*([{CJK_CLASS}]{{2,4}}[ \u3000]*[{CJK_CLASS}（）()、 ]{{3,60}}?)[ \u3000]*$", re.M
)
_HEADLINE_NAME = re.compile(rf"^(?:#+ *)?([{CJK_CLASS}]{{2,4}})[：:]", re.M)
_SPEECH_VERB = re.compile("表示|指出|强调|介绍说|认为|说[：:。，,]|坦言|告诉记者")
_SPEECH_VERB_FIRST = re.compile("[表指强介认说坦告]")  # where _SPEECH_VERB may match
_SPEECH = re.compile(
    rf"(?:^|(?<=[，。；！？,;!?：:“”\n]))([{CJK_CLASS}]{{2,3}}?)(?={_SPEECH_VERB.pattern})"
)


def headline_and_speaker_names(text: str) -> list[tuple[int, int, str]]:
    """`郭某：扎根基层…` headlines about a person, and `，某某表示` speakers."""
    out = []
    # (both patterns are slow to try everywhere: look only where a match may be)
    if "：" in text or ":" in text:
        for m in _HEADLINE_NAME.finditer(text):
            if name_shape(m.group(1)) and m.group(1) not in lexicon.pairs("credit_labels.tsv"):
                out.append((m.start(1), m.end(1), "headline-name"))
    # a speaker's name is 2 or 3 characters long and ends right before the verb
    verbs = [v.start() for v in _SPEECH_VERB_FIRST.finditer(text)
             if _SPEECH_VERB.match(text, v.start())]
    starts = sorted({p for v in verbs for p in (v - 3, v - 2) if p >= 0})
    for m in matches_at(_SPEECH, text, starts):
        if name_shape(m.group(1)):
            out.append((m.start(1), m.end(1), "speaker"))
    return out
