"""Named programmes: quoted names with a programme suffix (`“五星”支部`, `“三个一批”活动`,
`“一把手”包联责任制`), quoted names that end in one (`“十项惠民工程”`), quoted numeral
formulas used as campaigns, honour schemes (`被评为“十佳市民”`, `“身边好人”17人`),
lists of quoted names after a programme verb, unquoted campaign names (`…专项行动`)
and nationally known programmes from the lexicon. Slogans and words quoted only for
emphasis (`“老黄牛”`, `“四个必须”的要求`, `以“…”为主题`) are left out."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from kg import lexicon
from kg.extract.text import CJK_CLASS, left_extent
from kg.matcher import Matcher
from kg.model import Mention

_QUOTED = re.compile(r"[“\"‘「『]([^“”\"‘’「」『』\n]{2,30}?)[”\"’」』]")
_NUMERALS = "一二三四五六七八九十百千万两双"
_CLASSIFIERS = "条个项名家批次场届期"
_COUNTING = frozenset(_NUMERALS + "0123456789几多每这那该本此第")
_NUMERAL = re.compile(rf"^[{_NUMERALS}\d][{_NUMERALS}个大项条\d]*")
_HONOUR_BEFORE = re.compile(
    r"(?:评为|授予|荣获|获评|获得|命名为|评选为|入选|当选为?)[^，。；,;“”\"]{0,12}$"
)
_HONOUR_AFTER = re.compile(r"^ ?(?:\d+人|\d+名|称号|荣誉称号|提名奖)")
# verbs that take a campaign as their object (开展“X”, 落实“X”); a quoted name after
# them is a programme. Verbs that as often take a slogan (推动, 按照, 聚焦) are not here.
_PROGRAM_BEFORE = re.compile(
    r"(?:开展|启动|深化|落实|参与|参加|举办|推行|创建|争创|打造|完成|巩固|扩大|纳入|突出|"
    r"持续开展|全面推行|提升|发起|打响|掀起)"
    r"[^，。；,;“”\"]{0,4}$"
)
_NOT_PROGRAM_AFTER = re.compile(
    r"^(?:的(?:重要|重大|总)?(?:要求|部署)|的?(?:理念|精神|思想|目标|原则|作用|标准|方针|意识|"
    r"定位|格局|要素|底线|红线|为主题))"
)
_GAP = re.compile(f"^ ?[{CJK_CLASS}]{{0,4}}")
_SPACE = re.compile(r"\s+")
_WORD_CHAR = re.compile(f"[{CJK_CLASS}0-9]")
_SENTENCE_END = re.compile(r"[。！？]")
_CAMPAIGN_WORD = (
    "专项行动|攻坚行动|整治行动|提升行动|专项整治|主题教育|学习教育|主题活动|大讲堂|专项督察"
)
_CAMPAIGN_WORD_RE = re.compile(_CAMPAIGN_WORD)
_UNQUOTED = re.compile(f"[{CJK_CLASS}]{{2,14}}?(?:{_CAMPAIGN_WORD})")
_STRONG_SUFFIX = frozenset(
    """行动 活动 工程 改革 专项行动 攻坚行动 运动 竞赛 大赛 大讲堂 工作法 工作机制 机制 责任制
    推动制 服务官制 支部 宣讲活动 征集活动 宣誓活动 结对共建活动 主题活动 提升行动 整治行动
    专项整治行动 计划 战略 试点 企业培育 示范区 农业 服务体系 管理 合作 创建 建设 年 月
    项目 模式 体系 制度 培育""".split()
)
_INNER_SUFFIX = ("工程", "行动", "活动", "计划", "改革", "机制", "工作法", "竞赛", "大赛", "责任制")


@cache
def _suffix_re() -> re.Pattern[str]:
    sfx = sorted(lexicon.program_suffixes(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, sfx)))


@cache
def _known() -> Matcher[str]:
    return Matcher(lexicon.programs())


def base_name(m: Mention) -> str:
    """What a programme mention is resolved by: the known programme it names, else its
    bare quoted name (五星 for “五星”支部), else its name."""
    known = lexicon.programs()
    for x in (*m.alts, m.name):
        if x in known:
            return known[x]
    return m.alts[0] if m.alts else m.name


def _clean(s: str) -> str:
    return _SPACE.sub("", s)


# suffixes that may follow the closing quote after a few more words
# (`“一把手”包联责任制`); the others must follow it directly (`“五星”支部`)
_GAP_SUFFIXES = frozenset(
    """机制 工作机制 责任制 推动制 服务官制 工作法 行动 活动 工程 改革 竞赛 大赛
    专项行动 攻坚行动""".split()
)


@lru_cache(maxsize=16384)
def _suffix_after(after: str) -> tuple[str, str, int]:
    """(gap, suffix, length consumed) for the programme suffix that follows the closing
    quote, directly or after a few words (the furthest one), else ("", "", 0). Cached:
    the same phrases follow quotes again and again (`”活动`, `”的要求`)."""
    lead = 1 if after[:1] == " " else 0
    g = _GAP.match(after)
    reach = (g.end() if g else lead) - lead
    best: tuple[str, str, int] = ("", "", 0)
    for k in range(reach + 1):
        sm = _suffix_re().match(after, lead + k)
        if not sm or sm.group(0) not in _STRONG_SUFFIX or "的" in after[lead : lead + k]:
            continue
        if k and sm.group(0) not in _GAP_SUFFIXES:
            continue
        if sm.end() > best[2]:
            best = (after[lead : lead + k], sm.group(0), sm.end())
    return best


def _quoted(text: str) -> list[Mention]:
    out: list[Mention] = []
    last_end, last_ok = -1, False
    for m in _QUOTED.finditer(text):
        inner = _clean(m.group(1))
        ok = False
        after = text[m.end() : m.end() + 14]
        before = text[max(0, m.start() - 16) : m.start()]
        if _WORD_CHAR.search(inner) and not _SENTENCE_END.search(inner):
            ok = not _NOT_PROGRAM_AFTER.match(after)
        gap, suffix, used = _suffix_after(after) if ok else ("", "", 0)
        inner_suffix = inner.endswith(_INNER_SUFFIX) and any(
            inner.endswith(x) and len(inner) > len(x) + 1 for x in _INNER_SUFFIX
        )
        honour = bool(_HONOUR_BEFORE.search(before) or _HONOUR_AFTER.match(after))
        verb = bool(_PROGRAM_BEFORE.search(before))
        listed = last_ok and text[last_end : m.start()].strip() in ("", "、", "和", "及", "与")
        formula = bool(_NUMERAL.match(inner))
        rule = (
            "quoted+suffix"
            if suffix or inner_suffix
            else "honour"
            if honour
            else "quoted-list"
            if listed
            else "quoted-formula"
            if formula and verb
            else "quoted-after-verb"
            if verb and len(inner) >= 4
            else ""
        )
        if "、" in inner and rule == "quoted+suffix" and suffix not in _GAP_SUFFIXES:
            rule = ""  # a list of slogans before a generic word (“八个坚定、八个高质量”战略)
        if ok and rule and (len(inner) <= 16 or suffix or inner_suffix):
            end = m.end() + used
            norm = _clean(inner + gap + suffix)
            out.append(
                Mention(
                    m.start(), end, text[m.start() : end], "program", rule, norm=norm, alts=(inner,)
                )
            )
            last_end, last_ok = m.end(), True
        else:
            last_end, last_ok = m.end(), False
    return out


def _unquoted(text: str) -> list[re.Match[str]]:
    """_UNQUOTED matches. The pattern is slow to try at every position, and a match
    starts at most 14 characters before a campaign word, so it is tried only from
    there, and only in texts that have such a word."""
    first = _CAMPAIGN_WORD_RE.search(text)
    if first is None:
        return []
    return list(_UNQUOTED.finditer(text, max(0, first.start() - 14)))


def extract_programs(text: str, floor_of: list[int]) -> list[Mention]:
    out = _quoted(text)
    for m in _unquoted(text):
        floor = floor_of[m.start()] if m.start() < len(floor_of) else 0
        start = left_extent(text, m.end(), floor, 16)
        if start > 0 and text[start - 1] in '”"’':
            continue  # the quoted form was read above
        if start and text[start] in _CLASSIFIERS and text[start - 1] in _COUNTING:
            start += 1  # a count before the name (三项|…行动), not a word (项目建设…行动)
        name = text[start : m.end()]
        if len(name) >= 6 and not name.startswith(("各", "全", "该", "本", "这")):
            out.append(Mention(start, m.end(), name, "program", "campaign-suffix"))
    for start, end, word, canon in _known().find(text):
        out.append(Mention(start, end, word, "program", "lexicon", norm=canon))
    return out
