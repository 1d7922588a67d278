"""Organizations by suffix grammar: `PLACE? NAME SUFFIX` (市委, 鄢陵县国动办,
河南某某科技有限公司), with the left edge found by `left_extent`, conjoined forms
split (`市委市政府` -> 市委, 市政府) and generic phrases (各部门, 该公司) left out;
and national bodies from the lexicon (生态环境部, 全国政协), which carry no place in
their names (kg.resolve gives them their full names)."""

from __future__ import annotations

import re
from functools import cache

from kg import lexicon
from kg.extract.text import (
    CJK_CLASS,
    OPEN_QUOTES,
    filter_spans,
    left_extent,
    starts_with_place,
)
from kg.matcher import Matcher
from kg.model import Mention
from kg.tokenize import first_word, tag, words

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
    "内": "",
    "外": "",
    "级": "",
    "里": "",
}
_GENERIC_HEADS = re.compile(
    r"^(?:各|各级|相关|有关|该|本|我|其|全|这|那|每|某|一些|多家|多个|一个|一家|一所|一座|两个|三个|"
    r"\d+个|\d+家|所有|部分|个别|有的|不少|许多|中国式|"
    r"下属|上级|主管|职能|属地|基层|驻地|辖区)"
)
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
    return re.compile(f"(?:{'|'.join(map(re.escape, suffixes))})")


_COUNT = frozenset("0123456789 ")
_WEAK = frozenset("办处室部委局厅队所站")
# government bodies are named after their place (鄢陵县政府, 市人大); bare they are phrases
_NEEDS_PLACE = frozenset(
    {"政府", "人民政府", "人大", "政协", "人大常委会", "机关", "党委", "纪委", "监委"}
)
_ANCHOR = re.compile(
    r"^(?:省|市|区|县|镇|乡|村|团|中共|中国|中央|全国|国家|国务院|开发区|示范区|高新区)"
)


def _anchored(name: str) -> bool:
    """Starts with a level word or a known place (市文明办, 鄢陵县国动办)."""
    return bool(_ANCHOR.match(name)) or starts_with_place(name)


_PARTICLES = frozenset("着了过吗呢吧啊")  # a clause, not a name
_BRANCH_KIND = re.compile(r"(?:村|社区|楼院|小区|企业|机关|支部)(?:党支部|党委|党总支)")
# the characters an organization's name is written with
_ORG_NAME = re.compile(f"[{CJK_CLASS}A-Za-z0-9（）()·]+")


def _valid(name: str, suffix: str) -> bool:
    if name in _NOT_ORGS or name in _BARE or len(name) < 2 or len(name) > 40:
        return False
    toks = words(name)
    if toks and toks[-1] in _NOT_ORGS and toks[-1] != name:
        return False
    if _BRANCH_KIND.fullmatch(name):
        return False  # a kind of branch, not a named one
    if name.endswith(("干部", "党员")) or _title_re_end().search(name):
        return False
    if not _PARTICLES.isdisjoint(name):
        return False
    if ((len(suffix) == 1 and suffix in _WEAK) or suffix in _NEEDS_PLACE) and not _anchored(name):
        return False
    head = name[: -len(suffix)]
    if not head and name[0] in "省市县区州镇乡" and name.endswith("委"):
        return True  # 市委, 县委: complete names
    if not head or _GENERIC_HEADS.match(name):
        return False
    # a bare level character is enough only for party and government bodies (市委, 县政府)
    return not (
        len(head) == 1 and lexicon.org_suffixes().get(suffix) != "gov" and head not in "省市县区"
    )


def split_conjoined(name: str) -> list[str]:
    """`市委市政府` -> [市委, 市政府]; other names unchanged."""
    m = _CONJOINED.match(name)
    if not m:
        return [name]
    return [m.group(1), *split_conjoined(m.group(2))]


_ITEM = f"[{CJK_CLASS}A-Za-z]{{2,8}}?"
_COMPANY_LIST = re.compile(
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


def _company_matches(text: str) -> list[re.Match[str]]:
    """_COMPANY_LIST matches, looked for only just before the words it ends with (the
    pattern is costly to try at every position of a page), and there only from the
    first item before a joiner on (every match has one, after an item of 2-8 characters)."""
    out: list[re.Match[str]] = []
    last = -1
    for w in _COMPANY_WORD.finditer(text):
        lo = max(last, w.start() - 80, 0)
        joiner = _ITEM_SEP.search(text, lo, w.end())
        if joiner is None:
            continue
        found = list(_COMPANY_LIST.finditer(text, max(lo, joiner.start() - 8), w.end()))
        m = found[-1] if found else None
        if m is not None and m.end() == w.end() and m.start() >= last:
            out.append(m)
            last = m.end()
    return out


@cache
def _title_re_end() -> re.Pattern[str]:
    titles = sorted(lexicon.titles(), key=len, reverse=True)
    return re.compile(f"(?:{'|'.join(map(re.escape, titles))})$")


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


@cache
def _national() -> Matcher[tuple[str, str]]:
    return Matcher(lexicon.national_orgs())


def _breaks_at(text: str, end: int, name: str) -> bool:
    """The character after a name ending at `end` makes its last one part of another
    word (局长, 部门, 部署)."""
    nxt = text[end : end + 1]
    return bool(nxt) and nxt in _BREAKS and (not _BREAKS[nxt] or name[-1] in _BREAKS[nxt])


def national_bodies(text: str) -> list[Mention]:
    """National bodies named in `text` (the longest where names overlap), unless the
    name goes on into another word (公安部门) or a level word makes it local."""
    return filter_spans([  # 全国人大常委会, not 全国人大 inside it
        Mention(s, e, word, "org", "national", kind=kind)
        for s, e, word, (_, kind) in _national().find(text)
        if not _breaks_at(text, e, word) and text[s - 1 : s] not in _LOCAL_LEVELS
    ])


def extract_orgs(text: str, floor_of: list[int]) -> list[Mention]:
    """Organization mentions in an article. `floor_of[i]` is the start of the sentence
    holding offset i: a name never crosses a sentence."""
    out: list[Mention] = []
    last_end = -1
    for m in _suffix_re().finditer(text):
        s_end = m.end()
        nxt = text[s_end : s_end + 1]
        if _breaks_at(text, s_end, m.group(0)):
            continue
        cont = _suffix_re().match(text, s_end) if nxt else None
        if cont and len(cont.group(0)) > 1 and text[s_end] not in "省市区县":
            continue  # a longer organization goes on (市人大机关 is read at 关)
        floor = floor_of[m.start()] if m.start() < len(floor_of) else 0
        if floor <= last_end < m.start():
            # `市总工会联合团市委`: a verb after the previous organization ends this name
            first = first_word(text[last_end : m.start()])
            if len(first) > 1 and tag(first) == "v":
                floor = last_end + len(first)
        start = left_extent(text, s_end, floor)
        if start > m.start() or (start > 0 and text[start - 1] in OPEN_QUOTES):
            continue
        # `19 个社区…中心`: a counted noun, not a name
        while 0 < start < m.start() and text[start] in "个所家座名" and text[start - 1] in _COUNT:
            start += 1
        name = text[start:s_end]
        if not _ORG_NAME.fullmatch(name):
            continue
        last_end = s_end
        parts = split_conjoined(name)
        pos = start
        for part in parts:
            suffix = _suffix_re().search(part[-6:])
            sfx = part[-len(suffix.group(0)) :] if suffix else part[-1]
            if _valid(part, sfx):
                out.append(
                    Mention(
                        pos,
                        pos + len(part),
                        part,
                        "org",
                        "org-suffix",
                        kind=lexicon.org_suffixes().get(sfx, ""),
                    )
                )
            pos += len(part)
    national = national_bodies(text)
    spans = {(m.start, m.end) for m in national}
    return [m for m in out if (m.start, m.end) not in spans] + national + company_lists(text)
