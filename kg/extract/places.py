"""Places: administrative divisions from the gazetteer (full names and short forms),
named regions, rivers and countries from lexicons, and places below the county by
the suffixes of lexicons/place_suffixes.tsv (`X镇`, `X村`, `X社区`, zones, parks, venues,
roads, rivers). A place written right after its parent (`临颍县巨陵镇`), a name that
opens with its division (`尉氏县X工业园区`) and a place listed after one nested in the
same parent (`X县A乡B村、C镇D村`) give containment links."""

from __future__ import annotations

import re
from functools import cache

from kg import lexicon
from kg.extract.text import (
    CJK_CLASS,
    OPEN_QUOTES,
    filter_spans,
    is_cjk,
    left_extent,
    starts_with_place,
    titles_in,
)
from kg.matcher import Matcher
from kg.model import Link, Mention
from kg.tokenize import first_word, tag, words

# level rank: lower is bigger
RANK = {
    "country": 0,
    "region": 1,
    "province": 2,
    "city": 3,
    "county": 4,
    "zone": 5,
    "town": 6,
    "village": 7,
    "community": 7,
    "neighbourhood": 8,
    "park": 5,
    "road": 8,
    "venue": 9,
    "water": 1,
    "river": 1,
    "lake": 1,
    "mountain": 1,
}


# a suffix found in a text: start, end, the suffix, (its kind, the characters that may
# not follow it) as in lexicons/place_suffixes.tsv
_Hit = tuple[int, int, str, tuple[str, str]]


@cache
def _suffixes() -> Matcher[tuple[str, str]]:
    """The endings of place names below the county (lexicons/place_suffixes.tsv) ->
    (kind, the characters after them that make them part of another word), the longest
    found where several start."""
    return Matcher(lexicon.place_suffixes(), longest=True)


_NOT_PLACES = frozenset(
    [
        "乡村",
        "城乡",
        "家乡",
        "故乡",
        "老乡",
        "同乡",
        "他乡",
        "异乡",
        "回乡",
        "下乡",
        "农村",
        "新农村",
        "城镇",
        "乡镇",
        "村村",
        "各村",
        "全村",
        "本村",
        "该村",
        "每村",
        "各乡",
        "各镇",
        "全镇",
        "该镇",
        "本镇",
        "该乡",
        "全乡",
        "村镇",
        "小镇",
        "特色小镇",
        "城中村",
        "河湖",
        "江河",
        "江湖",
        "山河",
        "运河",
        "母亲河",
        "美丽乡村",
        "文明社区",
        "和谐社区",
        "城市社区",
        "农村社区",
        "新型农村社区",
        "城市",
        "社区",
        "小区",
        "各社区",
        "该社区",
        "老旧小区",
        "住宅小区",
        "居民小区",
        "共建小区",
        "每个小区",
        "新区",
        "园区",
        "市场",
        "广场",
        "公园",
        "之家",
        "大市场",
        "国内市场",
        "国际市场",
        "农村市场",
        "消费市场",
        "资本市场",
        "人才市场",
        "劳动力市场",
        "要素市场",
        "全国统一大市场",
        "和平",
        "红旗",
        "新华",
        "解放",
        "胜利",
        "前进",
        "友谊",
        "团结",
        "民主",
        "人民",
        "光明",
        "东方",
        "长安",
        "城关",
        "中心",
        "市区",
        "城区",
        "郊区",
        "山区",
        "库区",
        "湖区",
        "景区",
        "景区",
        "园",
        "村民",
        "村委",
        "东区",
        "西区",
        "南区",
        "北区",
        "县城",
        "省城",
        "城区",
        "矿区",
        "郊区",
        "山区",
        "库区",
        "湖区",
        "景区",
    ]
)
_HEAD_STOP = re.compile(r"^(?:各|全|该|本|每|多|一|两|几|这|那|其|我|新建|建成|打造|部分|所有|\d)")


@cache
def _gazetteer() -> Matcher[tuple[str, str]]:
    """Every division name and short form, region, river and country -> (name, kind)."""
    entries: dict[str, tuple[str, str]] = {}
    for d in lexicon.divisions().values():
        entries.setdefault(d.name, (d.name, d.level))
        for a in d.aliases:
            if a not in _NOT_PLACES:
                entries.setdefault(a, (d.name, d.level))
    for name, (kind, aliases) in lexicon.regions().items():
        entries[name] = (name, kind)
        for a in aliases:
            entries.setdefault(a, (name, kind))
    for name, canon in lexicon.countries().items():
        entries.setdefault(name, (canon, "country"))
    for abbr in lexicon.province_abbr():
        if abbr in _COMMON_ABBR:
            continue  # 新中, 青南: ordinary words, not regions
        for side in ("东南", "东北", "西南", "西北", "东", "西", "南", "北", "中"):
            entries.setdefault(abbr + side, (abbr + side, "region"))
    return Matcher((word, value) for word, value in entries.items() if len(word) >= 2)


_NOT_COUNTRY_AFTER = re.compile("^(?:式|特色|共产党|人民|梦|好人|品牌|制造)")
_NEVER_IN_PLACE = frozenset(
    "的是个和进逐要了在与着把被让给为以于到都也还就很更最所这那些其每各该本此帮助入0123456789"
    "我你他她它您咱俺有"
)
_PLACE_PREPOSITIONS = frozenset("在到赴从至往于自去来")
_BEFORE_ALIAS = frozenset("在到赴从与和的及是了对向为把被将于至往来去省市县区、")
_HEAD_FUNCTION = frozenset("的了是在有和与及等以让个名着把被对向为从将各全该本每其这那摄讯地得暨")
_BEFORE_SHORT_NAME = _HEAD_FUNCTION
# one-character province abbreviations that are also everyday characters
_COMMON_ABBR = frozenset("新青宁云贵台港澳秦蜀吉黑京沪津藏")
_ZONES = ("开发区", "高新区", "示范区", "新区", "产业集聚区")
_LEVEL_START = re.compile(r"^(?:省|市|县|区)")
_PLACE_NAME = re.compile(f"[{CJK_CLASS}0-9]+")


@cache
def _in_province(name: str, province: str) -> bool:
    """Some division called `name` lies in `province` (full names)."""
    divs = lexicon.divisions()
    for d in lexicon.divisions_by_name().get(name, ()):
        code = d.parent
        while code in divs:
            if divs[code].name == province:
                return True
            code = divs[code].parent
    return False


def _own_word(text: str, start: int, end: int) -> bool:
    """A name written after another word stands as a word of its own there (视察|河南,
    汇聚|漯河, 审定|户县), not as part of one (推广东方, 黄河北岸, 示范县)."""
    lo = max(0, start - 3)
    cut = 0
    before = ""
    for w in words(text[lo : end + 2]):
        if lo + cut == start:
            # after a word of its own (视察|河南), not after one character (刘|南昌)
            return w == text[start:end] and len(before) > 1
        cut += len(w)
        before = w
        if lo + cut > start:
            return False
    return False


def _gazetteer_mentions(
    text: str, hits: list[tuple[int, int, str, tuple[str, str]]]
) -> list[Mention]:
    out = []
    full_ends = {end for _, end, word, (name, _) in hits if word == name}
    province_at = {end: name for _, end, _, (name, kind) in hits if kind == "province"}
    for start, end, word, (name, kind) in hits:
        after = text[end : end + 3]
        if word in _NOT_PLACES:
            continue
        # a city or county written after a province it is not in opens a firm's name
        # (河南乐山电缆), while 河南漯河 is a place in its province
        if start in province_at and kind in ("city", "county") and not _in_province(
            name, province_at[start]
        ):
            continue
        # a short form glued to more name characters is another word (长安 in 长安街)
        if after[:1] in ("路", "街", "巷") or (word != name and after[:1] in ("道", "桥", "村")):
            continue
        if kind == "country" and _NOT_COUNTRY_AFTER.match(after):
            continue
        # a short form inside a longer word (南乐 in 河南乐器): it must follow a
        # non-character, a function word or another place
        glued = start > 0 and is_cjk(text[start - 1]) and text[start - 1] not in _BEFORE_ALIAS
        if (
            word != name
            and glued
            and start not in full_ends
            and not (kind in ("province", "city") and _own_word(text, start, end))
        ):
            continue
        # a two-character full name (范县, 和县) glued to the word before it is part of
        # a longer word (示范县, 代县长), unless a preposition of place stands before it
        if (
            word == name
            and len(word) == 2
            and kind == "county"
            and glued
            and start not in full_ends
            and text[start - 1] not in _PLACE_PREPOSITIONS
            and not _own_word(text, start, end)
        ):
            continue
        if word == name and len(word) == 2 and after[:1] in ("长", "区") and kind == "county":
            continue  # 代县长 (an acting county head), 和县区 (and the counties and districts)
        # a two-character short form right after a function word is likely part of a
        # word (full names, such as countries and 睢县, are not)
        if (
            word != name
            and len(word) == 2
            and kind not in ("province", "city", "country")
            and start > 0
            and is_cjk(text[start - 1])
            and text[start - 1] in _BEFORE_SHORT_NAME
        ):
            continue
        out.append(Mention(start, end, word, "place", "gazetteer", norm=name, kind=kind))
    return out


_DIVISION_KINDS = frozenset({"country", "province", "city", "county"})
_FEATURES = frozenset({"river", "lake", "mountain", "region"})
_WHOLE = frozenset({"zone", "park", "venue"})  # names that may keep their place inside
_LEVELS = frozenset({"town", "village", "community", "neighbourhood"})
# development zones and venues that a page names bare, meaning its own city's
_BARE_NAMES = frozenset(
    ["开发区", "高新区", "示范区", "经开区", "经济技术开发区", "高新技术产业开发区",
     "先进制造业开发区", "市民之家"]
)
# characters that may open the word after a level suffix (村民, 乡村, 委员)
_LEVEL_CHARS = frozenset("村镇乡社委")
# the kinds whose suffix ends the window of the next name
_BOUNDING = frozenset({"zone", "park", "town", "village", "community", "neighbourhood"})
_OWNER = re.compile(r"(?:集团|公司|政府)(?!.*(?:集团|公司|政府))")
_DIRECTIONS = frozenset("东西南北")
_LINEAR = frozenset({"road", "water"})
# words too common to be a name's end even right after a parent (仙游县|理清乡村)
_ALWAYS_WORDS = frozenset(["乡村", "城乡"])
_ROAD_OR_WATER_STOP = frozenset("之一")
# verbs and other words that may open the window of a name (the window of a zone keeps
# verbal nouns: 循环经济产业园), but never the name
_LEAD_WORDS = re.compile(
    "(?:建设|打造|新建|建成|推进|加快|发展|围绕|依托|聚焦|谋划|规划|启动|实施|投资|入驻|签约"
    "|开工|完善|提升|壮大|培育|做强|做大|优化|升级|改造|扩建|参观|观摩|走进|来到|前往|创建|纪念"
    "|辖区|全国|全省|全市|全县|国家级|省级|市级|县级|村级|落实|借力"
    "|到|至|赴|往|去)+"
)


def _suffix_ends_word(text: str, suffix: str, end: int) -> bool:
    """The suffix ending at `end` may end a name: the next character does not make it
    part of another word (村民, 路线, 河道), unless a level word follows that the
    dictionary cuts apart from it (宁家村|村民, 二道桥镇|乡村振兴, 金沙社区|委员)."""
    nxt = text[end : end + 1]
    if not nxt or nxt not in lexicon.place_suffixes()[suffix][1]:
        return True
    if nxt not in _LEVEL_CHARS:
        return False
    # the level character doubled opens a word of its own (高村|村民, 龙城镇|镇长)
    return nxt == suffix[-1] or first_word(text[end - len(suffix) : end + 4]) == suffix


_VERB_TAGS = frozenset(
    {"v", "vd", "d", "p", "c", "r", "u", "uj", "ul", "uz", "ug", "uv", "ud", "l", "i"}
)


def _ends_in_verb(head: str) -> bool:
    """The head's last word is a verb, adverb, preposition, pronoun or particle
    (保持|市场, 投身|街道): a name does not end so."""
    last = words(head)[-1]
    return len(last) > 1 and tag(last) in _VERB_TAGS


def _figurative(text: str, start: int, end: int) -> bool:
    """A road named by a verb is a way of life, not a street, after `的` or a quote
    or before `上` (新的赶考路, “赶考路上”)."""
    return text[start - 1 : start] in ("的", "之", *OPEN_QUOTES) or text[end : end + 1] == "上"


def _common_noun(name: str, suffix: str, whole_word: bool = False) -> bool:
    """A one-character suffix ends an ordinary word, not a name (农村公路, 步行街, 运河);
    `whole_word`: only when that word is the whole name (故乡, not 李|集镇)."""
    if len(suffix) > 1:
        return False
    last = words(name)[-1]
    if whole_word and last != name:
        return False
    return len(last) > 1 and last.endswith(suffix) and tag(last) == "n"


def _pattern_mentions(
    text: str, floor_of: list[int], known: list[Mention], division_ends: dict[int, list[int]]
) -> tuple[list[Mention], set[Mention]]:
    """Places named by their suffix, left to right, so that each can bound the next
    (`召陵区|翟庄街道|冯庄村`)."""
    ends = {m.end: m for m in known}
    out = []
    dropped: set[Mention] = set()
    kinds = lexicon.place_suffixes()
    inner_hits: set[int] = set()  # suffixes inside the name the next one ends
    known_ends: dict[int, list[Mention]] = {}
    inside_known: set[int] = set()  # positions inside a gazetteer mention, not at its start
    for g in known:
        known_ends.setdefault(g.end, []).append(g)
        inside_known.update(range(g.start + 1, g.end))
    hits = [h for h in _suffixes().find(text) if _suffix_ends_word(text, h[2], h[1])]
    # the places a zone's or venue's name may open with (only those names look)
    known_at = _by_start(known) if any(kind in _WHOLE for _, _, _, (kind, _) in hits) else {}
    for k, (s_start, s_end, suffix, (kind, _)) in enumerate(hits):
        # the suffix ends a division's or a known feature's name (漯河, 黄河)
        covering = [g for g in known_ends.get(s_end, ()) if g.start <= s_start]
        if covering and kind in ("road", "water"):
            if any(g.kind not in ("river", "lake", "region") for g in covering):
                continue
            feature = min(covering, key=lambda g: g.start)
        else:
            feature = None
        # a suffix inside a longer name (公园|巷社区, 新华街|社区): the next one ends it
        if kind not in _LEVELS and k + 1 < len(hits) and _inside_next(text, hits[k], hits[k + 1]):
            inner_hits.add(k)
            continue
        floor = floor_of[s_start] if s_start < len(floor_of) else 0
        # a place written right before bounds the name: 临颍县|巨陵镇
        # (the nearest place ending at most six characters before)
        near = range(s_start, max(floor, s_start - 6) - 1, -1)
        parent = next(filter(None, map(ends.get, near)), None)
        if parent and kind in _LEVELS and parent.kind in _FEATURES and parent.end == s_start:
            parent = None  # a lake or river naming a community (东湖|社区) is in its name
        if parent and not all(map(is_cjk, text[parent.end : s_start])):
            parent = None  # a list (`甲村、乙镇`), not a nesting
        whole = kind in _WHOLE
        if (
            parent
            and not whole
            and parent.text != parent.norm
            and parent.rule == "gazetteer"
            and s_start - parent.end <= (1 if kind in _LEVELS else 0)
        ):
            start = parent.start  # a short form opening a village name: 榆林|坡村 is 榆林坡村
            dropped.add(parent)
        elif parent and not whole and s_start - parent.end <= 4:
            start = parent.end
            if text[start] == "的" and s_start - start > 1:
                start += 1  # 钟山镇的|朗桥村
        else:
            # the head alone is scanned: words inside the suffix (集聚 in 产业集聚区)
            # must not cut it. A zone or venue may open with its division's name
            # (许昌经济技术开发区), not with another zone's (开发区|卫龙产业园).
            limit = 12 if whole else 5
            lo = floor
            # a suffix before, even of a name not taken, ends the window
            # (乡村振兴产业园区|三道桥镇)
            # (a one-character one is too often inside a word: 城乡|一体化示范区)
            prev = hits[k - 1][2] if k and k - 1 not in inner_hits else ""
            before = kinds[prev][0] if prev else ""
            if (before in _BOUNDING and len(prev) > 1) or (kind in _LINEAR and before in _LINEAR):
                lo = max(lo, hits[k - 1][1])
            if parent and (not whole or parent.kind in _WHOLE):
                lo = max(floor, parent.end)
            elif parent and parent.kind not in _FEATURES:
                lo = max(floor, parent.start)
            # verbal nouns and adjectives name zones and parks (循环经济产业园), not others
            strict = kind not in ("zone", "park")
            start = left_extent(text, s_start, lo, limit, strict=strict)
        start = _after_open_bracket(text, start, s_start)
        if not _nested(parent, start):  # not 源汇区|向十乡
            start = _after_preposition(text, start, s_start)
        while (
            start < s_start
            and text[start] in _HEAD_FUNCTION
            and not (parent and start == parent.end)
        ):
            start += 1
        if feature is not None and feature.start - start > 1:
            start = feature.start - 1  # a known river with one more character: 沙|澧河
        if whole and (owner := _OWNER.search(text, start, s_start)):
            start = owner.end()  # a firm's park or mall: X集团|Y购物公园
        if whole and not (parent and parent.end >= start):
            start = _after_verb(text, start, s_start)  # 落实|沙头工业区
        if kind != "road" and (lead := _LEAD_WORDS.match(text, start, s_start)):
            start = lead.end()  # 建设|食品产业园
        while s_start - start > 2 and text[start] in "镇乡村街巷路区":
            start += 1  # a level character left over from a place not taken (龙城镇|回马村)
        name = text[start:s_end]
        head = name[: -len(suffix)]
        # the suffix ends a division's name, one read where nothing else is (来|漯河;
        # but 青龙|湖, not 青|龙湖)
        if kind in ("road", "water") and any(
            b > start and b not in inside_known for b in division_ends.get(s_end, ())
        ):
            continue
        # a one-character village name right after its town (柳屯镇|高村)
        short_ok = (
            kind == "village" and len(head) == 1 and parent is not None
            and start == parent.end and RANK.get(parent.kind, 9) < RANK["village"]
        )
        if name in _BARE_NAMES or (suffix == "新区" and head in _DIRECTIONS):
            pass  # 经济技术开发区, 东新区
        elif kind == "zone" and not (_LEVEL_START.match(name) or starts_with_place(name)):
            continue  # a kind of zone (先进制造业开发区), not a named one
        elif (
            name in _NOT_PLACES
            or (
                len(suffix) == 1
                and name[-2:] in _NOT_PLACES
                and (name[-2:] in _ALWAYS_WORDS or not _nested(parent, start))
                and not _opens_village(text, hits, k)
            )
            or (len(head) < 2 and not short_ok)
            or not _NEVER_IN_PLACE.isdisjoint(head)
            or _HEAD_STOP.match(name)
            or not _PLACE_NAME.fullmatch(name)
            or (kind in ("road", "water") and not _ROAD_OR_WATER_STOP.isdisjoint(head))
            or (kind in ("road", "water") and any(titles_in(head)))
            or (
                _common_noun(name, suffix, whole_word=kind in _LEVELS)
                and not (_nested(parent, start) or _opens_village(text, hits, k))
            )
            or head.endswith("之")
            or (
                kind not in ("road", "zone")
                and not (parent and parent.end >= start)  # 郾城区|龙城镇, 大沙河|带状湿地
                and _ends_in_verb(head)
            )
            or (kind == "road" and _ends_in_verb(head) and _figurative(text, start, s_end))
            or (kind == "water" and head[-1] in "巡护治管")
            or (text[start - 1 : start] == "《" and text[s_end : s_end + 1] == "》")
            or (kind == "zone" and _province_zone(start, s_end, suffix, known_at))
        ):
            continue
        # a zone or venue named with its place also goes by the rest (东方市场 for 上海市东方市场)
        alts: tuple[str, ...] = ()
        if whole:
            rests = [text[p.end : s_end] for p in _prefix_chain(start, s_end, known_at)]
            alts = tuple(r for r in rests if len(r) - len(suffix) >= 2 or r in _BARE_NAMES)
            if not alts and name[0] in "省市县区" and len(name) > 4:
                alts = (name[1:],)
        norm = name[: -len("办事处")] if suffix == "街道办事处" else ""
        mention = Mention(start, s_end, name, "place", "place-suffix", norm, kind, alts)
        out.append(mention)
        ends[s_end] = mention
    return out, dropped


# one-character prepositions and verbs of motion that the dictionary leaves untagged
_PREPOSITIONS = frozenset("沿经过往向至到在从于距近临靠入出进赴去来把被将像")


def _after_preposition(text: str, start: int, end: int) -> int:
    """Where a head starts once a one-character preposition standing as a word of its
    own in it is left out (车辆沿|文昌路; not the 经 of 经济)."""
    pos = start
    cut = start
    for w in words(text[start:end]):
        pos += len(w)
        if len(w) == 1 and w in _PREPOSITIONS:
            cut = pos
    return cut


def _after_verb(text: str, start: int, end: int) -> int:
    """Where a head starts once the verbs opening it are left out, as long as two
    characters stay (落实|沙头工业区, 借力|特色小镇)."""
    pos = start
    for w in words(text[start:end]):
        if tag(w) != "v" or end - (pos + len(w)) < 2:
            break
        pos += len(w)
    return pos


_BRACKET = re.compile("[(（)）]")


def _after_open_bracket(text: str, start: int, end: int) -> int:
    """Where a name's head starts once brackets it does not close are left out
    (广场(|泰山路): a bracket inside a name is kept only with its pair (天能(濮阳)产业园)."""
    if not _BRACKET.search(text, start, end):
        return start  # (as most heads are)
    depth_start = start
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c in "(（":
            if depth == 0:
                depth_start = i
            depth += 1
        elif c in ")）":
            if depth == 0:
                start = i + 1
            else:
                depth -= 1
    return depth_start + 1 if depth else start


def _province_zone(
    start: int, end: int, suffix: str, known_at: dict[int, list[Mention]]
) -> bool:
    """A province followed by a bare kind of zone (河南省|产业集聚区): the province's zones
    as a class, not one named zone."""
    chain = _prefix_chain(start, end, known_at)
    return bool(chain) and chain[-1].kind == "province" and end - chain[-1].end == len(suffix)


def _list_parent(
    text: str, m: Mention, parent_of: dict[Mention, Mention], mentions: list[Mention]
) -> Mention | None:
    """The parent a place shares with the one listed before it: in `临颍县皇帝庙乡X村、
    瓦店镇Y村` 瓦店镇 is in 临颍县 too. Only places below the county, listed with `、`."""
    if m.kind not in _LEVELS or m.start < 1 or text[m.start - 1] != "、":
        return None
    prev = next((p for p in mentions if p.end == m.start - 1), None)
    rank = RANK[m.kind]
    sibling = False
    while prev is not None:
        if RANK.get(prev.kind, 9) == rank:
            sibling = True
        elif RANK.get(prev.kind, 9) < rank:
            return prev if sibling else None
        prev = parent_of.get(prev)
    return None


def _by_start(mentions: list[Mention]) -> dict[int, list[Mention]]:
    """Mentions by where they start, longest first."""
    out: dict[int, list[Mention]] = {}
    for m in sorted(mentions, key=lambda m: m.start - m.end):
        out.setdefault(m.start, []).append(m)
    return out


def _prefix_chain(start: int, end: int, known_at: dict[int, list[Mention]]) -> list[Mention]:
    """The places a name from `start` to `end` opens with, outermost first
    (新乡市|原阳县|产业集聚区: 新乡市, 原阳县)."""
    chain: list[Mention] = []
    pos = start
    while True:
        inner = next((p for p in known_at.get(pos, ()) if p.end < end), None)
        if inner is None:
            return chain
        chain.append(inner)
        pos = inner.end


def _inside_next(text: str, hit: _Hit, nxt: _Hit) -> bool:
    """The suffix `hit` is part of the name the next suffix ends: right before it
    (公园|路, 新华街|社区, 沙澧河|风景区; but not 梁河|祝河) or one character before a
    community or village (公园|巷|社区); a zone's name is never so (开发区|青石办事处)."""
    _, end, suffix, (kind, _) = hit
    nxt_start, _, nxt_suffix, (nxt_kind, _) = nxt
    gap = nxt_start - end
    if gap == 0:
        # two rivers or roads side by side are two names (梁河|祝河; but 影视湖|水库)
        linear = kind in _LINEAR and nxt_kind in _LINEAR
        return not (linear and len(suffix) == len(nxt_suffix) == 1)
    return gap == 1 and is_cjk(text[end]) and kind != "zone" and nxt_kind in _LEVELS


def _opens_village(text: str, hits: list[_Hit], k: int) -> bool:
    """A village or community name follows the k-th suffix at once (米村镇|朱家庵村):
    the suffix ends a town's name, even one that looks like a common word."""
    if k + 1 >= len(hits):
        return False
    end = hits[k][1]
    nxt_start, _, _, (kind, _) = hits[k + 1]
    gap = text[end:nxt_start]
    return kind in ("village", "community") and 2 <= len(gap) <= 4 and all(map(is_cjk, gap))


def _nested(parent: Mention | None, start: int) -> bool:
    """The name begins right where a bigger place written before it ends (郾城区|龙城镇)."""
    return parent is not None and start == parent.end


def extract_places(text: str, floor_of: list[int]) -> tuple[list[Mention], list[Link]]:
    """Place mentions of an article and the containment links written in it."""
    hits = _gazetteer().find(text)
    gaz = _gazetteer_mentions(text, hits)
    # a suffix may not end a division's name even where the name was not taken (来漯河)
    division_ends: dict[int, list[int]] = {}
    for b, e, _, (_, kind) in hits:
        if kind in _DIVISION_KINDS:
            division_ends.setdefault(e, []).append(b)
    pat, dropped = _pattern_mentions(text, floor_of, gaz, division_ends)
    gaz = [g for g in gaz if g not in dropped]
    # longest wins among overlapping gazetteer and pattern hits
    mentions = filter_spans(gaz + pat)
    links: list[Link] = []
    starts = {m.start: m for m in mentions}
    # the places a zone's or venue's name opens with: divisions and features, and rivers
    # and roads found by their suffix (大沙河|带状湿地); only such names look
    gaz_at: dict[int, list[Mention]] = {}
    if any(m.rule == "place-suffix" and m.kind in _WHOLE for m in mentions):
        raw = [
            Mention(b, e, w, "place", "gazetteer", norm=n, kind=kd)
            for b, e, w, (n, kd) in hits
            if w not in _NOT_PLACES
        ]
        gaz_at = _by_start(gaz + raw + [p for p in pat if p.kind in ("road", "water")])
    inside: list[Mention] = []
    parent_of: dict[Mention, Mention] = {}
    for m in mentions:
        child = starts.get(m.end)
        if child is None and text[m.end : m.end + 1] == "的":
            child = starts.get(m.end + 1)  # 钟山镇的朗桥村
            if child is not None and child.kind not in _LEVELS:
                child = None
        if child and RANK.get(child.kind, 9) > RANK.get(m.kind, 9):
            links.append(Link("place_parent", child.name, m.name, "adjacent"))
            parent_of[child] = m
        if m not in parent_of and (up := _list_parent(text, m, parent_of, mentions)):
            links.append(Link("place_parent", m.name, up.name, "list"))
            parent_of[m] = up
        if m.rule != "place-suffix" or m.kind not in _WHOLE:
            continue
        # a zone or venue named after its places (新乡市原阳县产业集聚区 in 原阳县 in 新乡市)
        chain = _prefix_chain(m.start, m.end, gaz_at)
        for outer, inner in zip(chain, chain[1:]):
            if RANK.get(inner.kind, 9) > RANK.get(outer.kind, 9):
                links.append(Link("place_parent", inner.name, outer.name, "name-prefix"))
        # the divisions a name opens with are places of their own (尉氏县 in
        # 尉氏县新尉工业园区, 舞钢 in 舞钢经济技术开发区; resolve leaves out a far county's
        # short form), not a lake or river a name is made from (东湖社区)
        chain = [p for p in chain if p.kind in _DIVISION_KINDS]
        if chain:
            links.append(Link("place_parent", m.name, chain[-1].name, "name-prefix"))
            inside.extend(chain)
    return sorted({*mentions, *inside}, key=lambda x: (x.start, x.end)), links
