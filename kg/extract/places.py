"""Places: administrative divisions from the gazetteer (full names and short forms),
named regions, rivers and countries from lexicons, and lower levels by pattern
(`X镇`, `X乡`, `X街道`, `X村`, `X社区`, `X小区`, venues). A place written right after
its parent (`临颍县巨陵镇`) gives a containment link."""

from __future__ import annotations

import re
from functools import cache

from kg import lexicon
from kg.extract.text import CJK_CLASS, is_cjk, left_extent, starts_with_place
from kg.matcher import Matcher
from kg.model import Link, Mention

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
    "venue": 9,
    "river": 1,
    "lake": 1,
    "mountain": 1,
}
_PATTERN_SUFFIXES = (
    ("街道办事处", "town"),
    ("街道", "town"),
    ("办事处", "town"),
    ("镇", "town"),
    ("乡", "town"),
    ("村", "village"),
    ("社区", "community"),
    ("小区", "neighbourhood"),
    ("家属院", "neighbourhood"),
    ("经济技术开发区", "zone"),
    ("高新技术产业开发区", "zone"),
    ("开发区", "zone"),
    ("示范区", "zone"),
    ("产业集聚区", "zone"),
    ("高新区", "zone"),
    ("新区", "zone"),
    ("之家", "venue"),
    ("广场", "venue"),
    ("公园", "venue"),
    ("教育馆", "venue"),
    ("纪念馆", "venue"),
    ("博物馆", "venue"),
    ("科创城", "venue"),
    ("孵化园", "venue"),
    ("产业园", "venue"),
    ("市场", "venue"),
)
_PATTERN_RE = re.compile(
    f"(?:{'|'.join(re.escape(s) for s, _ in sorted(_PATTERN_SUFFIXES, key=lambda x: -len(x[0])))})"
)
_PATTERN_KIND = dict(_PATTERN_SUFFIXES)
_NOT_PLACES = frozenset(
    [
        "乡村",
        "城乡",
        "家乡",
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
)
_BEFORE_ALIAS = frozenset("在到赴从与和的及是了对向为把被将于至往省市县区、")
_HEAD_FUNCTION = frozenset("的了是在有和与及等以让个名着把被对向为从将各全该本每其这那摄讯地得")
_BEFORE_SHORT_NAME = _HEAD_FUNCTION
# one-character province abbreviations that are also everyday characters
_COMMON_ABBR = frozenset("新青宁云贵台港澳秦蜀吉黑京沪津藏")
_ZONES = ("开发区", "高新区", "示范区", "新区", "产业集聚区")
_LEVEL_START = re.compile(r"^(?:省|市|县|区)")
_PLACE_NAME = re.compile(f"[{CJK_CLASS}0-9]+")


def _gazetteer_mentions(text: str) -> list[Mention]:
    out = []
    hits = _gazetteer().find(text)
    full_ends = {end for _, end, word, (name, _) in hits if word == name}
    for start, end, word, (name, kind) in hits:
        after = text[end : end + 3]
        if word in _NOT_PLACES:
            continue
        # a short form glued to more name characters is another word (长安 in 长安街)
        if after[:1] in ("路", "街", "巷") or (word != name and after[:1] in ("道", "桥", "村")):
            continue
        if kind == "country" and _NOT_COUNTRY_AFTER.match(after):
            continue
        # a short form inside a longer word (南乐 in 河南乐器): it must follow a
        # non-character, a function word or another place
        glued = start > 0 and is_cjk(text[start - 1]) and text[start - 1] not in _BEFORE_ALIAS
        if word != name and glued and start not in full_ends:
            continue
        # a two-character short form right after a function word is likely part of a
        # word (full names, such as countries and 睢县, are not)
        if (
            word != name
            and len(word) == 2
            and start > 0
            and is_cjk(text[start - 1])
            and text[start - 1] in _BEFORE_SHORT_NAME
        ):
            continue
        out.append(Mention(start, end, word, "place", "gazetteer", norm=name, kind=kind))
    return out


def _pattern_mentions(
    text: str, floor_of: list[int], known: list[Mention]
) -> tuple[list[Mention], set[Mention]]:
    """Places named by their suffix, left to right, so that each can bound the next
    (`召陵区|翟庄街道|冯庄村`)."""
    ends = {m.end: m for m in known}
    out = []
    dropped: set[Mention] = set()
    for m in _PATTERN_RE.finditer(text):
        s_end = m.end()
        kind = _PATTERN_KIND[m.group(0)]
        nxt = text[s_end : s_end + 1]
        if nxt and nxt in "民委长级里内外部镇乡村干貌落集庄":
            continue
        floor = floor_of[m.start()] if m.start() < len(floor_of) else 0
        # a place written right before bounds the name: 临颍县|巨陵镇
        parent = next(
            (ends[i] for i in range(m.start(), max(floor, m.start() - 6) - 1, -1) if i in ends),
            None,
        )
        if parent and not all(is_cjk(c) for c in text[parent.end : m.start()]):
            parent = None  # a list (`甲村、乙镇`), not a nesting
        whole = kind in ("zone", "venue")
        if (
            parent
            and parent.text != parent.norm
            and parent.rule == "gazetteer"
            and (m.start() - parent.end <= 1)
        ):
            start = parent.start  # a short form opening a village name: 榆林|坡村 is 榆林坡村
            dropped.add(parent)
        elif parent and not whole and m.start() - parent.end <= 4:
            start = parent.end
        else:
            limit = 10 if whole else 6
            lo = max(floor, parent.end if parent and not whole else floor)
            start = left_extent(text, s_end, lo, limit, strict=True)
        while (
            start < m.start()
            and text[start] in _HEAD_FUNCTION
            and not (parent and start == parent.end)
        ):
            start += 1
        name = text[start:s_end]
        head = name[: -len(m.group(0))]
        if name in ("开发区", "高新区", "示范区"):
            pass
        elif kind == "zone" and not (_LEVEL_START.match(name) or starts_with_place(name)):
            continue  # a kind of zone (先进制造业开发区), not a named one
        elif (
            name in _NOT_PLACES
            or (len(m.group(0)) == 1 and name[-2:] in _NOT_PLACES)
            or len(head) < 2
            or any(c in _NEVER_IN_PLACE for c in head)
            or _HEAD_STOP.match(name)
            or not _PLACE_NAME.fullmatch(name)
        ):
            continue
        # a zone or venue named with its place also goes by the rest (东方市场 for 上海市东方市场)
        inner = next((k for k in ends if k > start and ends[k].start == start and k < s_end), None)
        alts = (text[inner:s_end],) if inner is not None and whole and s_end - inner >= 3 else ()
        if whole and not alts and name[0] in "省市县区" and len(name) > 4:
            alts = (name[1:],)
        mention = Mention(start, s_end, name, "place", "place-suffix", kind=kind, alts=alts)
        out.append(mention)
        ends[s_end] = mention
    return out, dropped


def extract_places(text: str, floor_of: list[int]) -> tuple[list[Mention], list[Link]]:
    """Place mentions of an article and the containment links written in it."""
    gaz = _gazetteer_mentions(text)
    pat, dropped = _pattern_mentions(text, floor_of, gaz)
    gaz = [g for g in gaz if g not in dropped]
    # longest wins among overlapping gazetteer and pattern hits
    from kg.extract.text import filter_spans

    mentions = filter_spans(gaz + pat)
    links: list[Link] = []
    by_start = {m.start: m for m in gaz + pat}
    for m in mentions:
        child = by_start.get(m.end)
        if child and RANK.get(child.kind, 9) > RANK.get(m.kind, 9):
            links.append(Link("place_parent", child.name, m.name, "adjacent"))
        # a zone or venue named after its place (许昌经济技术开发区 in 许昌市)
        inner = by_start.get(m.start)
        if inner and inner is not m and inner.end < m.end and m.rule == "place-suffix":
            links.append(Link("place_parent", m.name, inner.name, "name-prefix"))
            mentions.append(inner)
    return sorted(set(mentions), key=lambda x: (x.start, x.end)), links
