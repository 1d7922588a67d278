"""Named programmes: quoted names with a programme suffix (`“五星”支部`, `“三个一批”活动`),
quoted numeral formulas used as campaigns, honour schemes (`被评为“十佳市民”`),
unquoted campaign names (`…专项行动`) and nationally known programmes from the
lexicon. Slogans and words quoted only for emphasis (`“老黄牛”`, `“四个必须”的要求`)
are left out."""

from __future__ import annotations

import re
from functools import cache

import ahocorasick

from kg import lexicon
from kg.extract.text import CJK_CLASS, left_extent
from kg.model import Mention

_QUOTED = re.compile(r"[“\"‘「『]([^“”\"‘’「」『』\n]{2,30}?)[”\"’」』]")
_NUMERAL = re.compile(
    r"^[一二三四五六七八九十百千万两双\d][一二三四五六七八九十百千万两双个大项条\d]*"
)
_HONOUR_BEFORE = re.compile(
    r"(?:评为|授予|荣获|获评|获得|命名为|评选为|入选|当选为?)[^，。；,;“”\"]{0,12}$"
)
_PROGRAM_BEFORE = re.compile(
    r"(?:开展|启动|实施|推进|深化|落实|参与|参加|举办|组织|推行|创建|争创|持续|扎实|深入|突出|抓好|"
    r"助力|围绕|纳入|巩固|推动|深耕|聚焦|开启|掀起|打响|以|按照|通过|依托|发起)[^，。；,;“”\"]{0,4}$"
)
_NOT_PROGRAM_AFTER = re.compile(
    r"^(?:的)?(?:要求|理念|精神|思想|目标|原则|作用|标准|方针|意识|定位|格局|要素|底线|红线)"
)
_UNQUOTED = re.compile(
    f"[{CJK_CLASS}]{{2,14}}?(?:专项行动|攻坚行动|整治行动|提升行动|专项整治|主题教育|学习教育|主题活动)"
)
_STRONG_SUFFIX = frozenset(
    {
        "行动",
        "活动",
        "工程",
        "改革",
        "专项行动",
        "攻坚行动",
        "运动",
        "竞赛",
        "大赛",
        "大讲堂",
        "工作法",
        "工作机制",
        "机制",
        "责任制",
        "推动制",
        "服务官制",
        "支部",
        "宣讲活动",
        "征集活动",
        "宣誓活动",
        "结对共建活动",
        "主题活动",
        "提升行动",
        "整治行动",
        "专项整治行动",
        "称号",
        "计划",
        "战略",
        "试点",
        "企业培育",
        "示范区",
        "农业",
        "服务体系",
        "管理",
        "合作",
        "创建",
        "建设",
        "年",
        "月",
        "项目",
        "模式",
        "体系",
        "制度",
        "培育",
    }
)


@cache
def _suffix_re() -> re.Pattern[str]:
    sfx = sorted(lexicon.program_suffixes(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, sfx)))


@cache
def _known() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for word, canon in lexicon.programs().items():
        auto.add_word(word, (word, canon))
    auto.make_automaton()
    return auto


def _clean(s: str) -> str:
    return re.sub(r"\s+", "", s)


def extract_programs(text: str, floor_of: list[int]) -> list[Mention]:
    out: list[Mention] = []
    for m in _QUOTED.finditer(text):
        inner = _clean(m.group(1))
        if not re.search(f"[{CJK_CLASS}0-9]", inner) or re.search(r"[。！？]", inner):
            continue
        after = text[m.end() : m.end() + 12]
        before = text[max(0, m.start() - 16) : m.start()]
        sm = _suffix_re().match(after)
        suffix = sm.group(0) if sm else ""
        formula = bool(_NUMERAL.match(inner))
        honour = bool(_HONOUR_BEFORE.search(before))
        verb = bool(_PROGRAM_BEFORE.search(before))
        if _NOT_PROGRAM_AFTER.match(after):
            continue
        strong = suffix in _STRONG_SUFFIX
        if not (strong or honour or (formula and (verb or suffix)) or (verb and len(inner) >= 4)):
            continue
        if len(inner) > 16 and not strong:
            continue  # a quoted sentence, not a name
        end = m.end() + len(suffix) if strong else m.end()
        surface = text[m.start() : end]
        norm = _clean(inner + (suffix if strong else ""))
        rule = (
            "quoted+suffix"
            if strong
            else "honour"
            if honour
            else "quoted-formula"
            if formula
            else "quoted-after-verb"
        )
        out.append(Mention(m.start(), end, surface, "program", rule, norm=norm, alts=(inner,)))
    for m in _UNQUOTED.finditer(text):
        floor = floor_of[m.start()] if m.start() < len(floor_of) else 0
        start = left_extent(text, m.end(), floor, 16)
        name = text[start : m.end()]
        if start > 0 and text[start - 1] in '”"’':
            continue  # the quoted form was read above
        if len(name) >= 6 and not name.startswith(("各", "全", "该", "本", "这")):
            out.append(Mention(start, m.end(), name, "program", "campaign-suffix"))
    for end, (word, canon) in _known().iter(text):
        start = end + 1 - len(word)
        out.append(Mention(start, end + 1, word, "program", "lexicon", norm=canon))
    return out
