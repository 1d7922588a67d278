"""Organizations by suffix grammar: `PLACE? NAME SUFFIX` (市委, 鄢陵县国动办,
河南某某科技有限公司), with the left edge found by `left_extent`, conjoined forms
split (`市委市政府` -> 市委, 市政府) and generic phrases (各部门, 该公司) left out;
and national bodies from the lexicon (生态环境部, 全国政协), which carry no place in
their names (kg.resolve gives them their full names)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import cache, lru_cache

from kg import lexicon
from kg.extract.text import (
    CJK_CLASS,
    OPEN_QUOTES,
    alternation,
    filter_spans,
    is_cjk,
    left_extent,
    matches_around,
    name_shape,
    starts_with_place,
)
from kg.matcher import Matcher
from kg.model import Mention
from kg.tokenize import first_word, frequency, tag, words

# what stands before 日 when it ends a date (8月2日, 同日, 次日), not a name
_DAY_BEFORE = frozenset("0123456789０１２３４５６７８９同当次是今昨翌")
# A suffix whose last character, followed by one of these, is part of another word
# (局长, 委员, 会议, 部署, 办理, 处理, 队伍, 所在 ...).
_BREAKS = {
    "长": "",
    "员": "",
    "议": "会",
    "署": "部",
    "门": "部",
    "分": "部",
    "位": "部站所",
    "理": "办处",
    "法": "办",
    "事": "办",
    "公": "办",
    "学": "办",
    "案": "办",
    "好": "办",
    "伍": "队",
    "列": "队",
    "有": "所",
    "以": "所",
    "在": "所",
    "托": "委",
    "屈": "委",
    "置": "处",
    "罚": "处",
    "于": "处",
    "上": "会",
    "后": "会",
    "同": "会",
    "场": "会",
    "家": "厂",
    "习": "学",
    "面": "局",
    "生": "学",
    "件": "部",
    "机": "委",
    "点": "站",
    "士": "院",
    "区": "",
    "城": "心",
    "港": "心",  # 中心港: a port
    "内": "",
    "外": "",
    "级": "",
    "里": "",
}
_GENERIC_HEADS = re.compile(
    r"^(?:各|各级|相关|有关|该|本|我|其|全|这|那|每|某|一些|多家|多个|一个|一家|一所|一座|两个|三个|"
    r"\d+个|\d+家|所有|部分|个别|有的|不少|许多|中国式|"
    r"下属|上级|主管|职能|属地|基层|驻地|辖区|乡镇|县区|区县|县市|市县|省市|市区县)"
)
# a character before the suffix's last one that makes them a verb or a title:
# 带队, 率队 (led the team), 主委 (the chair of a party committee)
# words that, last before a suffix, make a name a kind of body (行业协会, 会展中心)
_CATEGORY_WORDS = frozenset(
    "企业 行业 平台 购物 会展 国家 国内 重点 临时 实体 民营 国有 大型 中小 小微 龙头 骨干 "
    "专业 各类 基层 商业 公立 民办 私立 定点".split()
)
_VERB_BEFORE = {"队": "带率领归入排组列结整站跟插", "委": "主"}
_NOT_ORGS = frozenset(
    [
        "干部",
        "全部",
        "内部",
        "外部",
        "局部",
        "东部",
        "西部",
        "南部",
        "北部",
        "中部",
        "头部",
        "部分",
        "本部",
        "底部",
        "总部",
        "当局",
        "布局",
        "格局",
        "结局",
        "大局",
        "全局",
        "开局",
        "变局",
        "新局",
        "好处",
        "到处",
        "各处",
        "此处",
        "之处",
        "一处",
        "难处",
        "用处",
        "长处",
        "短处",
        "深处",
        "住处",
        "举办",
        "创办",
        "主办",
        "承办",
        "协办",
        "开办",
        "兴办",
        "督办",
        "交办",
        "包办",
        "代办",
        "申办",
        "查办",
        "领办",
        "帮办",
        "转办",
        "催办",
        "社会",
        "大会",
        "机会",
        "都会",
        "体会",
        "聚会",
        "晚会",
        "年会",
        "宴会",
        "盛会",
        "例会",
        "团队",
        "军队",
        "排队",
        "车队",
        "梯队",
        "网站",
        "车站",
        "驿站",
        "场所",
        "厕所",
        "住所",
        "处所",
        "大厅",
        "餐厅",
        "展厅",
        "客厅",
        "门厅",
        "教室",
        "会议室",
        "卫生室",
        "活动室",
        "阅览室",
        "工作室",
        "市中心",
        "城市中心",
        "子公司",
        "分公司",
        "该公司",
        "本公司",
        "母公司",
        "各部门",
        "跨国公司",
        "相关处室",
    ]
)
# a suffix or generic head standing alone is no name
_BARE = frozenset(
    [
        "人民医院",
        "中医院",
        "政府",
        "人民政府",
        "支部",
        "党支部",
        "党委",
        "党组",
        "委员会",
        "中心",
        "学校",
        "医院",
        "公司",
        "集团",
        "有限公司",
        "实验室",
        "协会",
        "商会",
        "办公室",
        "服务中心",
        "服务站",
        "工作站",
        "委",
        "局",
        "办",
        "部",
        "处",
        "室",
        "所",
        "站",
        "馆",
        "队",
        "厅",
        "厂",
    ]
)
_CONJOINED = re.compile(r"^(.+?(?:委|政府|政协|人大|人大常委会))((?:省|市|区|县|镇|乡).+)$")


@cache
def _suffix_re() -> re.Pattern[str]:
    suffixes = sorted(lexicon.org_suffixes(), key=len, reverse=True)
    # the short names of arts associations (作协, 书协) are no suffix in 协会, 协议
    arts = {s for s in suffixes if len(s) == 2 and s[1] == "协" and s != "政协"}
    alts = [re.escape(s) + ("(?!会(?!员)|议|调)" if s in arts else "") for s in suffixes]
    return re.compile(f"(?:{'|'.join(alts)})")


@cache
def _suffix_end_re() -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(lexicon.org_suffixes())})$")


@lru_cache(maxsize=65536)  # (names recur across a corpus)
def _suffix_of(name: str) -> str:
    """The longest organization suffix `name` ends with (its last character if none)."""
    m = _suffix_end_re().search(name, max(0, len(name) - 12))
    return m.group(0) if m else name[-1:]


_COUNT = frozenset("0123456789 ")
_WEAK = frozenset("办处室部委局厅队所站")
# government bodies are named after their place (鄢陵县政府, 市人大); bare they are phrases
_NEEDS_PLACE = frozenset(
    {"政府", "人民政府", "人大", "政协", "人大常委会", "机关", "党委", "纪委", "监委"}
)
_ANCHOR = re.compile(
    r"^(?:省|市|区|县|州|旗|盟|镇|乡|村|团|中共|中国|中央|全国|国家|国务院|自治区|自治州|自治县|"
    r"开发区|示范区|高新区)"
)


_LEVELS = frozenset("省市县区州旗盟镇乡")
# what may stand before 市委, 县委 ... in a name: the party, the league, an ordinal
_OWNERS = re.compile(r"(?:中共|中国共产党|共青团|团|第?[一二三四五六七八九十]+届|\d+届)$")


def _owner_before(text: str, start: int, end: int) -> bool:
    """text[start:end] ends with a place's name (某某市委), a party's (民盟某市委) or
    another word that may open a committee's name (中共, 团, 七届)."""
    head = text[start:end]
    if _OWNERS.search(head) or any(head.endswith(p) for p in _party_names()):
        return True
    places = lexicon.divisions_by_name()
    return any(head[-k:] in places for k in range(2, min(len(head), 8) + 1))


@cache
def _party_names() -> tuple[str, ...]:
    pairs = lexicon.pairs("democratic_parties.tsv")
    return tuple({*pairs, *(a for v in pairs.values() for a in v.split(",") if a)})


def _place_len(text: str, start: int, end: int) -> int:
    """The length of the longest division name at text[start:] ending by `end` (0: none)."""
    places = lexicon.divisions_by_name()
    longest = range(min(8, end - start), 1, -1)
    return next((k for k in longest if text[start : start + k] in places), 0)


def _within_body(head: str) -> bool:
    """The head names a body of its own (青石路办事处 in 青石路办事处消安委)."""
    return any(
        len(m.group(0)) > 1
        and not _breaks_at(head, m.end(), m.group(0))
        and _valid(head[: m.end()], m.group(0))
        for m in _suffix_re().finditer(head)
    )


# one-character words that end a company's name on its left; others are read as part
# of a brand jieba does not know (昌茂纺织, 同达药业)
_FIRM_STOPS = frozenset("的在与和及对向把被为由从到给让等了是将其各该每个家所省市县区")
_GAP_STOPS = frozenset("的了着过，。、；：,;:")


@lru_cache(maxsize=65536)  # (names recur across a corpus)
def _industry_only(head: str) -> bool:
    """The words before a company suffix only say its trade (科技, 实业): no name."""
    toks = words(head)
    return bool(toks) and all(t in lexicon.words("industries.tsv") for t in toks)


def _firm_start(text: str, start: int, suffix_start: int, floor: int) -> int:
    """Where a company's name starts, given where the organization grammar would start
    it: a brand's characters that jieba reads as one-character words are kept, and a
    place a few characters before (with no boundary word between) opens the name
    (上海远禾新能源科技有限公司, 青石丰泽实业有限公司)."""
    lo = max(floor, start - 10)
    toks = words(text[lo:start])
    while toks and len(toks[-1]) == 1 and is_cjk(toks[-1]) and toks[-1] not in _FIRM_STOPS:
        start -= 1
        toks.pop()
    if starts_with_place(text[start:suffix_start]):
        return start
    bounds = lexicon.boundaries()
    pos = start
    for tok in reversed(toks):  # the nearest place before, no boundary word between
        pos -= len(tok)
        if tok in lexicon.divisions_by_name():
            return pos
        if tok in bounds or not _GAP_STOPS.isdisjoint(tok) or not is_cjk(tok[0]) or start - pos > 6:
            break
    return start


@lru_cache(maxsize=65536)  # (names recur across a corpus)
def _anchored(name: str) -> bool:
    """Starts with a level word or a known place (市文明办, 鄢陵县国动办)."""
    return bool(_ANCHOR.match(name)) or starts_with_place(name)


_COUNTED = re.compile(r"[一二三四五六七八九十两几\d]+[个家所]")
_LEAD_TAGS = frozenset({"v", "p", "d", "c", "r"})  # a word of one character before a name
_PARTICLES = frozenset("着了过吗呢吧啊")  # a clause, not a name
_BRANCH_KIND = re.compile(r"(?:村|社区|楼院|小区|企业|机关|支部)(?:党支部|党委|党总支)")
# the characters an organization's name is written with
_ORG_NAME = re.compile(f"[{CJK_CLASS}A-Za-z0-9（）()·]+")


@lru_cache(maxsize=65536)  # (names recur across a corpus)
def _valid(name: str, suffix: str, listed: bool = False) -> bool:
    """`name`, ending with `suffix`, names one organization. `listed`: it follows another
    organization in a list (区发改委、财政局), whose place it shares."""
    if name in _NOT_ORGS or name in _BARE or len(name) < 2 or len(name) > 40:
        return False
    toks = words(name)
    if toks and toks[-1] in _NOT_ORGS and toks[-1] != name:
        return False
    if _BRANCH_KIND.fullmatch(name):
        return False  # a kind of branch, not a named one
    if name.endswith(("干部", "党员")) or _title_re_end().search(name):
        return False
    if not _PARTICLES.isdisjoint(name) or "各" in name[1:]:
        return False  # a clause; `市委各部委`
    if len(name) > len(suffix) and name[-len(suffix) - 1] in _VERB_BEFORE.get(name[-1], ""):
        return False
    kind = lexicon.org_suffixes().get(suffix)
    head = name[: -len(suffix)]
    if head.endswith("级"):
        return False  # 省级实验室: a rank, not a name
    if suffix == "中心" and head.endswith(("委", "政府", "人大", "政协")):
        return False  # 市委市政府中心工作: the bodies' central task
    if _COUNTED.search(head):
        return False  # 新村社区三个居委会: a count of bodies
    if not _anchored(name):
        trade_group = suffix == "集团" and len(words(head)) == 1  # 建工集团: a city's own
        if kind == "firm" and _industry_only(head) and not trade_group:
            return False  # 科技有限公司
        toks = words(head)
        if toks and toks[-1] in _CATEGORY_WORDS:
            return False  # 行业协会, 企业工厂, 人民医院: a kind of body, not one body
    if kind == "group" and not _anchored(name) and (
        (len(head) < 3 and head != "大会")
        or any(len(t) == 1 and tag(t) in _FUNCTION_TAGS | {"v", "p"} for t in words(head))
    ):
        return False  # 考察团 names a delegation by where it comes from (市党政考察团)
    weak = (len(suffix) == 1 and suffix in _WEAK) or suffix in _NEEDS_PLACE
    if weak and not listed and not _anchored(name) and not _within_body(name[: -len(suffix)]):
        return False
    if not head and name[0] in "省市县区州镇乡" and name.endswith("委"):
        return True  # 市委, 县委: complete names
    if not head and listed and len(name) > 2 and kind == "gov":
        return True  # 区财政局、发改委: a body known by its short name
    if not head or _GENERIC_HEADS.match(name):
        return False
    # a bare level character is enough only for party and government bodies (市委, 县政府)
    return not (
        len(head) == 1 and kind != "gov" and head not in "省市县区州旗盟"
    )


@lru_cache(maxsize=65536)  # (names recur across a corpus)
def split_conjoined(name: str) -> tuple[str, ...]:
    """`市委市政府` -> (市委, 市政府); other names unchanged."""
    m = _CONJOINED.match(name)
    if not m:
        return (name,)
    return (m.group(1), *split_conjoined(m.group(2)))


_ITEM = f"[{CJK_CLASS}A-Za-z]{{2,8}}?"


@cache
def _company_list() -> re.Pattern[str]:
    """A list of companies closed by 等…企业 (compiled when first needed: most articles
    name no company)."""
    return re.compile(
        rf"({_ITEM}(?:、{_ITEM})*(?:、|和|及){_ITEM})"
        rf"(?:等(?:\d+家|[一二三四五六七八九十两几多]+家)?|\d+家|[一二三四五六七八九十两几]+家)"
        rf"(?:龙头|知名|重点|骨干|优势|规上|上市|民营|本地|食品|医药|汽车)?(?:企业|公司|车企|药企)"
    )


_GENERIC_ITEM = frozenset(
    """重点 关键 行业 领域 指标 环节 建设 企业 工作 项目 政策 产业 经济 发展 民营 国有 上市 知名
    品牌 龙头 高新技术 冠军 后备 骨干 中小 规上 大型 小微 外资 合资 电商 物流 金融""".split()
)


_NOT_ITEM_START = frozenset({"v", "p", "d", "r", "c", "m"})
_NOT_IN_ITEM = frozenset({"v", "vn", "a", "ad", "d", "m", "q", "r", "f"})


_COMPANY_WORD = re.compile("企业|公司|车企|药企")
_ITEM_SEP = re.compile(r"[、和及]")  # what joins the items of a company list
_LIST_CLOSERS = frozenset("等家")  # (等, 7家) then a qualifier of two characters or none


def _company_matches(text: str) -> list[re.Match[str]]:
    """_company_list() matches, looked for only just before the words it ends with (the
    pattern is costly to try at every position of a page), there only when 等 or 家
    closes the list (three or five characters before the end of the word), and from the
    first item before a joiner on (every match has one, after an item of 2-8 characters)."""
    out: list[re.Match[str]] = []
    last = -1
    for w in _COMPANY_WORD.finditer(text):
        end = w.end()
        if not any(text[i] in _LIST_CLOSERS for i in (end - 3, end - 5) if i >= 0):
            continue
        lo = max(last, w.start() - 80, 0)
        joiner = _ITEM_SEP.search(text, lo, end)
        if joiner is None:
            continue
        found = list(_company_list().finditer(text, max(lo, joiner.start() - 8), end))
        m = found[-1] if found else None
        if m is not None and m.end() == end and m.start() >= last:
            out.append(m)
            last = m.end()
    return out


@cache
def _title_re_end() -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(lexicon.titles())})$")


def company_lists(text: str) -> list[Mention]:
    """`依托甲乙生物、丙丁化工等龙头企业`, `甲、乙和丙7家企业`: the listed names are companies."""
    out = []
    for m in _company_matches(text):
        pos = m.start(1)
        items = _ITEM_SEP.split(m.group(1))
        # the first item carries the words before it: keep its last dictionary words
        keep = ""
        for tok in reversed(words(items[0])):
            stop = tok in lexicon.boundaries() or (len(tok) > 1 and tag(tok) in _NOT_ITEM_START)
            if stop or len(keep) >= 6:
                break
            keep = tok + keep
        pos += len(items[0]) - len(keep)
        items[0] = keep
        for item in items:
            generic = any(
                t in _GENERIC_ITEM or (len(t) > 1 and tag(t) in _NOT_IN_ITEM) for t in words(item)
            )
            toks = words(item)
            common = len(toks) == 1 and tag(item) in ("n", "vn", "an", "l", "i")
            if (
                2 <= len(item) <= 8
                and not generic
                and not common
                and not _GENERIC_HEADS.match(item)
            ):
                start = text.find(item, pos)
                out.append(
                    Mention(start, start + len(item), item, "org", "company-list", kind="firm")
                )
            pos += len(item) + 1
    return out


_LOCAL_LEVELS = frozenset("省市县区乡镇村")  # before a national name: a local body's


# what _named_bodies() finds: start, end, the name as written, (its full name, its kind)
_NamedHit = tuple[int, int, str, tuple[str, str]]


@cache
def _named_bodies() -> Matcher[tuple[str, str]]:
    """The national bodies (name or alias -> (name, kind)) and the democratic parties
    (full or short name -> (full name, "party")), looked for in one pass over a page."""
    entries = dict(lexicon.national_orgs())
    for name, aliases in lexicon.pairs("democratic_parties.tsv").items():
        entries.update((a, (name, "party")) for a in (name, *aliases.split(",")) if a)
    return Matcher(entries)


def _breaks_at(text: str, end: int, name: str) -> bool:
    """The character after a name ending at `end` makes its last one part of another
    word (局长, 部门, 部署)."""
    nxt = text[end : end + 1]
    return bool(nxt) and nxt in _BREAKS and (not _BREAKS[nxt] or name[-1] in _BREAKS[nxt])


def national_bodies(text: str, hits: list[_NamedHit]) -> list[Mention]:
    """National bodies named in `text` (the longest where names overlap), unless the
    name goes on into another word (公安部门) or a level word makes it local. `hits`:
    the national bodies among `_named_bodies().find(text)`."""
    return filter_spans([  # 全国人大常委会, not 全国人大 inside it
        Mention(s, e, word, "org", "national", kind=kind)
        for s, e, word, (_, kind) in hits
        if not _breaks_at(text, e, word)
        and text[s - 1 : s] not in _LOCAL_LEVELS
        and (kind != "media" or _word_ends_at(text, s, e))  # 人民日报社: the paper's office
    ])


def extract_orgs(text: str, floor_of: list[int]) -> list[Mention]:
    """Organization mentions in an article. `floor_of[i]` is the start of the sentence
    holding offset i: a name never crosses a sentence."""
    out: list[Mention] = []
    last_end = listed_end = -1
    named = _named_bodies().find(text)  # (the hits are ordered by their ends)
    parties = [h for h in named if h[3][1] == "party"]
    party_ends = [e for _, e, _, _ in parties]
    suffixes = lexicon.org_suffixes()
    found = list(_suffix_re().finditer(text))
    for m, after in zip(found, [*found[1:], None]):
        (s_start, s_end), suffix = m.span(), m.group(0)
        nxt = text[s_end : s_end + 1]
        if _breaks_at(text, s_end, suffix):
            continue
        # (the suffix starting where this one ends, if any, is the next one found)
        cont = after if after is not None and after.start() == s_end else None
        if (
            cont
            and len(cont.group(0)) > 1
            and text[s_end] not in "省市区县"
            and not text.startswith("中心工作", s_end)
        ):
            continue  # a longer organization goes on (市人大机关 is read at 关)
        floor = floor_of[s_start] if s_start < len(floor_of) else 0
        if floor <= last_end < s_start:
            # `市总工会联合团市委`: a verb after the previous organization ends this name
            first = first_word(text[last_end:s_start])
            if len(first) > 1 and tag(first) == "v":
                floor = last_end + len(first)
        start = left_extent(text, s_end, floor)
        if start > s_start or (start > 0 and text[start - 1] in OPEN_QUOTES):
            continue
        suffix_kind = suffixes.get(suffix)
        if suffix_kind == "firm":
            start = _firm_start(text, start, s_start, floor)
            if _industry_only(text[start:s_start]):  # 金麦提升科技: a brand read as a verb
                start = left_extent(text, s_end, floor, verbs=False)
                start = _firm_start(text, start, s_start, floor)
        # `驻某县某市人大代表`: stationed in a place, members of another place's body
        at = text.rfind("驻", start, s_start)
        while at >= 0 and starts_with_place(text[at:s_end]):
            at = text.rfind("驻", start, at)
        k = _place_len(text, at + 1, s_start) if at >= 0 else 0
        if k and _anchored(text[at + 1 + k : s_end]):
            start = at + 1 + k
        # `贯彻落实省委`: before 省委/市委/县委 stands a place or a party, or nothing
        level_body = suffix[0] in _LEVELS
        if level_body and start < s_start and not _owner_before(text, start, s_start):
            start = s_start
        # `衷心希望某县考察团`: a delegation's name opens with its place
        if suffix_kind == "group" and not _anchored(text[start:s_end]):
            start = next((i for i in range(start + 1, s_start) if _anchored(text[i:s_end])), start)
        # `受省委宣传部委托`: a one-character verb or preposition before a level word
        if start < s_start and _anchored(text[start + 1 : s_end]):
            first = first_word(text[start:s_end])
            if len(first) == 1 and tag(first) in _LEAD_TAGS:
                start += 1
        # `8月2日旗委`, `同日旗委`: the day of a date, not the start of a name (日照 is a city)
        if 0 < start < s_start and text[start] == "日" and text[start - 1] in _DAY_BEFORE:
            start += 0 if starts_with_place(text[start:s_end]) else 1
        # `某某九三学社某省委`: a caption's name run into the party that opens the body's
        # (the parties' names found once in the article: those inside text[start:s_start])
        if parties:
            inside = parties[bisect_left(party_ends, start + 1) : bisect_right(party_ends, s_start)]
            start += min((hs - start for hs, _, _, _ in inside if hs >= start), default=0)
        # `19 个社区…中心`: a counted noun, not a name
        while 0 < start < s_start and text[start] in "个所家座名" and text[start - 1] in _COUNT:
            start += 1
        name = text[start:s_end]
        if not _ORG_NAME.fullmatch(name):
            continue
        last_end = s_end
        parts = split_conjoined(name)
        pos = start
        # 某某人大网: the body's news site (not 网信办, the cyberspace office)
        site = nxt == "网" and words(text[s_end : s_end + 3])[0] == "网"
        site = site and text[s_end + 1 : s_end + 2] != "信"
        for part in parts:
            sfx = _suffix_of(part)
            kind = suffixes.get(sfx, "")
            listed = pos > 0 and text[pos - 1] == "、" and listed_end == pos - 1
            if _valid(part, sfx, listed and kind == "gov"):
                if site and pos + len(part) == s_end:
                    part, kind = part + "网", "media"
                out.append(Mention(pos, pos + len(part), part, "org", "org-suffix", kind=kind))
                listed_end = pos + len(part)
            pos += len(part)
    national = national_bodies(text, [h for h in named if h[3][1] != "party"])
    spans = {(m.start, m.end) for m in national}
    extra = [
        *credited_media(text),
        *place_media(text),
        *democratic_parties(text, parties),
        *party_centre(text),
        *brand_names(text, floor_of),
    ]
    # 某某日报客户端: the app and the paper
    extra += [
        _mention(m.start, m.name[:-3], m.rule)
        for m in extra
        if m.name.endswith("客户端") and _media_end_re().search(m.name[:-3])
    ]
    out = [m for m in out if (m.start, m.end) not in spans] + national
    spans |= {(m.start, m.end) for m in out}
    # a medium found twice ending at one place keeps its longest name (新某某客户端)
    longest = {m.end: m.start for m in sorted(extra, key=lambda m: -m.start)}
    extra = [
        m
        for m in dict.fromkeys(extra)
        if (m.start, m.end) not in spans and longest[m.end] == m.start
    ]
    # a list of companies (甲、乙等企业) where the grammar read the names: no second reading
    firms = company_lists(text)
    if firms:  # (most pages list no companies)
        taken = {i for m in out if m.rule == "org-suffix" for i in range(m.start, m.end)}
        firms = [m for m in firms if taken.isdisjoint(range(m.start, m.end))]
    return out + extra + firms


# --- news media, democratic parties, 中央 -------------------------------------------


@cache
def _media_kinds() -> dict[str, str]:
    return lexicon.pairs("media_kinds.tsv")


@cache
def _media_re() -> re.Pattern[str]:
    """A media kind (日报, 电台, 网, 客户端 ...), the longest first."""
    return re.compile(f"(?:{alternation(_media_kinds())})")


@cache
def _media_end_re() -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(_media_kinds())}|报|杂志)$")


# the value of a credit line: `来源:某某日报`, `信息来源：某某网`
_SOURCE = re.compile(
    rf"(?:来源|来自|稿源|出处)[ \t\u3000]*[:：][ \t\u3000]*([{CJK_CLASS}A-Za-z·]{{2,24}}?)"
    rf"(?=$|[^{CJK_CLASS}A-Za-z·]|作者|编辑|责任|时间|日期|发布时间|发布日期|记者|浏览|点击|公众号|微信)"
)
_NOT_SOURCE = frozenset(
    "原创 本报 本网 本站 本台 网络 互联网 综合 整理 转载 未知 网友 投稿 供稿 记者 新闻".split()
)
# `某某网讯（记者`, `某某日报讯`, `某某网某地6月8日讯`: a dateline names the medium;
# `某某日报全媒体记者`, `某某晚报记者`: so does a reporter's credit. Both are found from
# their last word back (a pattern tried at every character costs much on long pages).
_DATELINE = re.compile(r"(?:\d{1,2}月\d{1,2}日)?讯\s*[（(【]")
_REPORTER = re.compile(r"(?:全媒体|融媒体|首席|特约)?记者")
_RUN_END = re.compile(f"[{CJK_CLASS}]{{2,16}}$")
_QUOTED_TITLE = re.compile(rf"《([{CJK_CLASS}A-Za-z0-9·]{{2,16}})》(杂志|报|期刊|刊物)?")


def _media_name(run: str) -> tuple[int, str] | None:
    """Where in `run` the name of a medium starts and the name, when `run` ends with it
    (or with it and a place name, as in `某某网某地`); cut on its left like any
    organization name."""
    for m in reversed(list(_media_re().finditer(run))):
        rest = run[m.end() :]
        if rest and rest not in lexicon.divisions_by_name():
            continue
        start = left_extent(run, m.end(), 0)
        if start == m.start():  # jieba reads a brand name as a verb (映象网)
            start = left_extent(run, m.end(), 0, verbs=False)
        name = run[start : m.end()]
        if len(name) > len(m.group(0)) and not _GENERIC_HEADS.match(name):
            return start, name  # (本报, 本网: the page's own)
        if run == m.group(0) and _media_kinds().get(run) == "press":
            return 0, run  # `晨报讯（记者…）`: the paper by its short name
        return None
    return None


def _mention(start: int, name: str, rule: str, kind: str = "media") -> Mention:
    return Mention(start, start + len(name), name, "org", rule, kind=kind)


def credited_media(text: str) -> list[Mention]:
    """Media and bodies named in credit lines: `来源:某某日报`, `某某网讯（记者…）`,
    `某某日报全媒体记者`, and titles in 《》 of newspapers and magazines."""
    out: list[Mention] = []
    # (a credit line holds a colon: the pattern is not tried on the many pages without one)
    sources = _SOURCE.finditer(text) if ":" in text or "：" in text else ()
    for m in sources:
        value = m.group(1)
        kind = _media_re().search(value, 1)
        if kind and kind.end() < len(value):  # 某某网 joined to the next line's words
            value = value[: kind.end()]
        if value in _NOT_SOURCE or value in lexicon.divisions_by_name() or name_shape(value):
            continue
        if value in _BARE or value == _suffix_of(value):
            continue
        if value.endswith(("政府", "人大", "政协")) and not _anchored(value):
            continue  # `来源:政协`: no name
        out.append(_mention(m.start(1), value, "credit-source"))
    credits = ((_DATELINE, "讯", 6, "dateline"), (_REPORTER, "记者", 3, "reporter"))
    for rx, word, lead, rule in credits:
        for m in matches_around(rx, text, word, lead):
            run = _RUN_END.search(text, max(0, m.start() - 16), m.start())
            found = _media_name(run.group(0)) if run else None
            if run and found:
                out.append(_mention(run.start() + found[0], found[1], rule))
    for m in _QUOTED_TITLE.finditer(text):
        name = m.group(1)
        if m.group(2) or _media_end_re().search(name):
            out.append(_mention(m.start(1), name, "quoted-medium"))
    return out


def _word_ends_at(text: str, start: int, end: int) -> bool:
    """A word of the dictionary ends at `end` in text read from `start` (日报 in 日报讯,
    not 网 in 网络)."""
    pos = start
    for tok in words(text[start : end + 2]):
        pos += len(tok)
        if pos >= end:
            return pos == end
    return True


def place_media(text: str) -> list[Mention]:
    """A place's name right before a media kind: 某省日报, 某市人民广播电台, 某县网."""
    places = lexicon.divisions_by_name()
    countries = lexicon.countries()
    out = []
    for m in _media_re().finditer(text):
        s = m.start()
        before = range(max(0, s - 8), s - 1)
        start = next((k for k in before if text[k:s] in places or text[k:s] in countries), None)
        if start is not None and _word_ends_at(text, s, m.end()):
            out.append(_mention(start, text[start : m.end()], "place-media"))
    return out


_MEMBER_WORDS = ("社员", "盟员", "党员", "会员", "成员", "中央委员会")


def democratic_parties(text: str, hits: list[_NamedHit]) -> list[Mention]:
    """A democratic party named on its own (九三学社社员, 民盟、民建): its local committees
    (民盟某市委) are read by the suffix grammar. `hits`: the parties among
    `_named_bodies().find(text)`, which the suffix grammar looks at too."""
    out = []
    for s, e, word, _ in hits:
        nxt = text[e : e + 1]
        if (nxt and is_cjk(nxt) and not text.startswith(_MEMBER_WORDS, e)) or (
            s > 0 and is_cjk(text[s - 1]) and not _word_ends_at(text, max(0, s - 2), s)
        ):
            continue
        out.append(Mention(s, e, word, "org", "party", kind="social"))
    return out


# `中央`, alone, for the party centre: 贯彻中央、省委部署, 中央和省委精神, 中央关于…
# (the look-behind after the word: a pattern opening with a word is looked for by it)
_CENTRE = re.compile(r"中央(?<![党共]中央)(?=[、和与及](?:省|国务院)|关于)")


def party_centre(text: str) -> list[Mention]:
    return [
        Mention(m.start(), m.end(), "中央", "org", "centre", norm="党中央", kind="gov")
        for m in _CENTRE.finditer(text)
        if _word_ends_at(text, max(0, m.start() - 2), m.start())
    ]


# --- the organization of a position --------------------------------------------------

# what a title chain leaves at the end of the organization's text: 原 (former), 常务
# (主席团常务主席), a rank (一级调研员)
_POST_TAIL = re.compile(r"(?:原副?|前|常务|[一二三四]级)+$")
# a head's title names its unit's kind: 统战部长 is the 部长 of 统战部
_HEAD_OF = {
    "部长": "部",
    "局长": "局",
    "厅长": "厅",
    "处长": "处",
    "科长": "科",
    "所长": "所",
    "站长": "站",
    "社长": "社",
    "台长": "台",
    "馆长": "馆",
    "队长": "队",
}
_DOUBLED_LEVEL = re.compile(r"([省市县区镇乡])\1(政府)$")  # 某区区政府 (from 某区区长)
_BODY_ENDS = frozenset("协联会社委办局院所团队")  # 作协: jieba reads it as a verb
_NO_ORG_TAGS = frozenset({"v", "vd", "d", "t", "p", "c", "r", "u", "f", "m"})


def position_org(role: str, org: str | None) -> str | None:
    """The organization of a position as a title chain wrote it, made a name: the tail of
    a longer title dropped (市政协原 -> 市政协), the unit a head's title names added
    (市委统战 + 部长 -> 市委统战部), a verb or a person's name before it cut off; None
    when what is left names no organization (名政协, 党委, 说起)."""
    if not org:
        return org
    name = _POST_TAIL.sub("", org)
    unit = next((u for t, u in _HEAD_OF.items() if role.endswith(t)), "")
    if unit and not name.endswith(unit) and _suffix_of(name) not in lexicon.org_suffixes():
        name += unit if _anchored(name) else ""
    name = _DOUBLED_LEVEL.sub(r"\1\2", name)
    if name in lexicon.national_orgs():
        return name
    name = name[left_extent(name, len(name), 0) :]
    sfx = _suffix_of(name)
    toks = words(name)
    if len(name) < 2 or name in _BARE or name in _NOT_ORGS or _GENERIC_HEADS.match(name):
        return None
    if sfx in lexicon.org_suffixes():  # the title says it is a body: no place needed
        head = name[: -len(sfx)]
        ok = len(head) > 1 or head in "省市县区州盟旗镇乡村"
    else:  # not a clause (某某要求) or a word of another kind (说起, 往届)
        last = tag(toks[-1]) if toks and len(toks[-1]) > 1 else ""
        ok = bool(toks) and (
            last not in _NO_ORG_TAGS or (last == "v" and len(toks) == 1 and name[-1] in _BODY_ENDS)
        )
    return name if ok else None


# --- companies by their short names --------------------------------------------------

# trades that end a company's short name in a list of sites visited (某某铝业、某某科技)
_BRAND_TRADES = frozenset(
    "铝业 铜业 鞋业 米业 牧业 肥业 药业 纸业 矿业 煤业 钢业 特钢 化工 石化 焦化 卫浴 家具 "
    "科技 实业 控股 金属 新材料 动力 能源 重工 水泥 制衣 纺织 食品 电子 电气 股份 乳业 酒业".split()
)
# dictionary tags of a word that is a proper name (or one jieba does not know)
_PROPER_TAGS = frozenset({"nz", "nr", "nrt", "nrfg", "ns", "nt", "j", "x", ""})
_FUNCTION_TAGS = frozenset({"d", "r", "p", "c", "u", "uj", "ul"})
_COMMON_WORD = 300  # jieba's count of a word that is an ordinary one (发展, 绿色, 高端)
# 甲、乙等优势产业: a list of trades, not of companies
_TRADE_LIST = r"[^。；;]{0,12}?等[^。；;]{0,8}?(?:产业|行业|领域)(?!园|区|基地|集聚)"  # (by re)
_ITEM_AFTER = frozenset("、，,。；;等和及与")
_ITEM_BEFORE = frozenset("、，,：:和及")


@cache
def _trade_re() -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(_BRAND_TRADES)})")


@lru_cache(maxsize=65536)  # (names recur across a corpus)
def _brand(name: str) -> bool:
    """Two to four characters that read as a brand, not as ordinary words (发展, 绿色)."""
    if not 2 <= len(name) <= 4 or not all(map(is_cjk, name)):
        return False
    if name in lexicon.boundaries() or name in lexicon.divisions_by_name():
        return False
    toks = words(name)
    if name[0] in _FIRM_STOPS or any(len(t) == 1 and tag(t) in _FUNCTION_TAGS for t in toks):
        return False  # 更多食品, 各类化工
    return not any(
        len(t) > 1
        and tag(t) not in _PROPER_TAGS
        and (frequency(t) >= _COMMON_WORD or (tag(t) in ("n", "vn") and frequency(t) >= 10))
        for t in toks
    )


def brand_names(text: str, floor_of: list[int]) -> list[Mention]:
    """Companies named by brand and trade in a list of places visited or projects
    (先后到甲铝业、乙科技、丙食品; 某县甲食品项目): the item stands between list marks
    (or after a verb of visiting) and its brand is no ordinary word."""
    out = []
    bounds = lexicon.boundaries()
    for m in _trade_re().finditer(text):
        s, e = m.start(), m.end()
        nxt = text[e : e + 1]
        if not (nxt in _ITEM_AFTER or text.startswith("项目", e)) or not _word_ends_at(text, s, e):
            continue
        floor = floor_of[s] if s < len(floor_of) else 0
        if not _word_ends_at(text, max(floor, s - 4), s) or re.compile(_TRADE_LIST).match(text, e):
            continue
        # the first start that leaves a brand: where the grammar starts the name (with or
        # without cutting at verbs: 丰禾肥业), or after a 和 that joins list items
        found = None
        for verbs in (True, False):
            lo = left_extent(text, s, floor, verbs=verbs)
            for start in (lo, *(i + 1 for i in range(lo, s) if text[i] in "和及与")):
                k = _place_len(text, start, s)  # 南阳某某特钢: a place may open the name
                if _brand(text[start + k : s]):
                    found = start
                    break
            if found is not None:
                break
        if found is None:
            continue
        start = found
        before = text[start - 1 : start] if start > floor else ""
        prev = words(text[max(floor, start - 4) : start])[-1:] if start > floor else []
        if before in _ITEM_BEFORE or (prev and (prev[0] in bounds or tag(prev[0]) == "v")):
            out.append(Mention(start, e, text[start:e], "org", "brand", kind="firm"))
    return out


def without_persons(orgs: list[Mention], persons: list[Mention], text: str) -> list[Mention]:
    """Organizations whose span swallowed a person's name, with the title and the words
    before it (`市长某某某市委`, `会员某某某市人大`, `局长某某及发改委`), cut after the
    name, when what is left is itself a name; left as they were otherwise."""
    out = []
    for o in orgs:
        cut = max((p.end for p in persons if o.start <= p.start and p.end < o.end), default=-1)
        if cut < 0:
            out.append(o)
            continue
        start = cut + left_extent(text[cut : o.end], o.end - cut, 0)
        start += text[start : start + 1] in "和及与、"
        first = first_word(text[start : o.end])
        if len(first) > 1 and tag(first) in ("v", "vn"):  # 某某组织村改办: the person's verb
            start += len(first)
        name = text[start : o.end]
        sfx = _suffix_of(name)
        ok = (
            _valid(name, sfx, listed=True) or _within_body(name[: -len(sfx)])
            if sfx in lexicon.org_suffixes()
            else len(name) > 1 and _anchored(name)
        )
        out.append(replace(o, start=start, text=name, norm="") if ok and name else o)
    return out
