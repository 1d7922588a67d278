"""Named programmes: quoted names with a programme suffix (`“五星”支部`, `“三个一批”活动`,
`“一把手”包联责任制`), quoted names that end in one (`“十项惠民工程”`), quoted numeral
formulas used as campaigns, honour schemes (`被评为“十佳市民”`, `“身边好人”17人`),
lists of quoted names after a programme verb, unquoted campaign names (`…专项行动`)
and nationally known programmes from the lexicon. Slogans and words quoted only for
emphasis (`“老黄牛”`, `“四个必须”的要求`, `以“…”为主题`) are left out."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache, lru_cache

from kg import lexicon
from kg.extract.text import CJK_CLASS, CLOSE_QUOTES, alternation
from kg.matcher import Matcher
from kg.model import Mention
from kg.tokenize import tag, words

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
    r"持续开展|全面推行|提升|发起|打响|掀起|实施|做优)"
    r"[^，。；,;“”\"]{0,4}$"
)
_NOT_PROGRAM_AFTER = re.compile(
    r"^(?:的(?:重要|重大|总)?(?:要求|部署)|的?(?:理念|精神|思想|目标|原则|作用|标准|方针|意识|"
    r"定位|格局|要素|底线|红线|为主题))"
)
_GAP = re.compile(f"^ ?[{CJK_CLASS}]{{0,4}}")
_WORD_CHAR = re.compile(f"[{CJK_CLASS}0-9]")
_SENTENCE_END = re.compile(r"[。！？]")
_STRONG_SUFFIX = frozenset(
    """行动 活动 工程 改革 专项行动 攻坚行动 运动 竞赛 大赛 大讲堂 工作法 工作机制 机制 责任制
    推动制 服务官制 支部 宣讲活动 征集活动 宣誓活动 结对共建活动 主题活动 提升行动 整治行动
    专项整治行动 计划 战略 试点 企业培育 示范区 农业 服务体系 管理 合作 创建 建设 年 月
    项目 模式 体系 制度 培育 工作""".split()
)
_INNER_SUFFIX = (
    "工程", "行动", "活动", "计划", "改革", "机制", "工作法", "竞赛", "大赛", "责任制",
    "项目", "战略",
)


@cache
def _suffix_re() -> re.Pattern[str]:
    return re.compile(alternation(lexicon.program_suffixes()))


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
    """`s` without whitespace."""
    return "".join(s.split())


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
        after = text[m.end() : m.end() + 14]
        ok = (
            _WORD_CHAR.search(inner) is not None
            and not _SENTENCE_END.search(inner)
            and not _NOT_PROGRAM_AFTER.match(after)
        )
        if not ok:
            last_end, last_ok = m.end(), False
            continue
        gap, suffix, used = _suffix_after(after)
        inner_suffix = inner.endswith(_INNER_SUFFIX) and any(
            inner.endswith(x) and len(inner) > len(x) + 1 for x in _INNER_SUFFIX
        )
        before = text[max(0, m.start() - 16) : m.start()]
        if suffix or inner_suffix:
            rule = "quoted+suffix"
        elif _HONOUR_BEFORE.search(before) or _HONOUR_AFTER.match(after):
            rule = "honour"
        elif last_ok and text[last_end : m.start()].strip() in ("", "、", "和", "及", "与"):
            rule = "quoted-list"
        elif _PROGRAM_BEFORE.search(before):
            # a numeral formula (“三个一批”), or a name of four characters or more
            rule = (
                "quoted-formula"
                if _NUMERAL.match(inner)
                else "quoted-after-verb"
                if len(inner) >= 4
                else ""
            )
        else:
            rule = ""
        if "、" in inner and rule == "quoted+suffix" and suffix not in _GAP_SUFFIXES:
            rule = ""  # a list of slogans before a generic word (“八个坚定、八个高质量”战略)
        if rule and (len(inner) <= 16 or suffix or inner_suffix):
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


# what an unquoted name runs over on its left: words, digits, brackets, a middle dot;
# matched from a window's start, this reaches the last character it does not run over
# (backtracking from the window's end: one step a character of the name)
_BEFORE_NAME_RUN = re.compile(f".*[^{CJK_CLASS}0-9A-Za-z()（）·]", re.DOTALL)
# dictionary tags of words that end a name on their left wherever they stand
_HARD_TAGS = frozenset({"p", "r", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o"})
# place words after a noun (思想上, 工作中) that end a name on their left
_LOCALITY = frozenset({"上", "下", "里", "方面", "之中", "之间", "当中"})
# characters that, right after a head, make it part of a longer word (工程师, 项目部,
# 活动阵地, 战略合作)
_NOT_AFTER = frozenset("师院局处部办室站组队所司厂中者单兵库点阵场合性市第")
_SEASON = r"第?[一二三四1-4]季度|上半年|下半年|首批"
# what may open a name without belonging to what it names: years, seasons, ordinals,
# counts, the whole of a place (全市), a level character
_LEAD = re.compile(
    rf"(?:(?:19|20)\d{{2}}年?度?|{_SEASON}|第[{_NUMERALS}\d]+[届期次批轮]|"
    rf"[{_NUMERALS}\d]+[个批]|全[市省县区镇乡]|[省市县区](?=[^省市县区]))"
)
# leads that date a name (2020年, 第九届, 一季度): a dated event is named even when its
# words are common ones (2020年第二批重点项目集中开工仪式)
_DATED = re.compile(rf"(?:19|20)\d{{2}}|{_SEASON}|第[{_NUMERALS}\d]+[届期次批轮]")
# a count that names a set (十大战略, 八项惠民工程): kept, and enough to be a name
_SET_COUNT = re.compile(rf"^[{_NUMERALS}\d]+[大项类]")
_LEVEL = re.compile(r"中国|全国|国家|中华|省级|市级|^省")
_LEVEL_VERB = re.compile(
    r"(?:获得|荣获|获评|评为|命名为|确定为|授予|争创|创建|打造|建设|入选|跻身|成为|居)$"
)
# kinds of place and area whose making is a programme (森林城市建设, 长江经济带建设)
_BUILT = (
    "城市", "强市", "名城", "之城", "经济区", "集聚区", "示范区", "试验区", "社区", "乡村",
    "新农村", "小镇", "城镇化", "强省", "强县", "强区", "新区",
)
# a count inside the words before the head: a number of projects, not a name
_COUNT_INSIDE = re.compile(rf"[{_NUMERALS}\d]+个")
# what names the firm rather than its project (…有限公司项目)
_FIRM_END = ("公司", "集团", "企业", "工厂")


# a project's own name shows in a place, a firm, a facility, a capacity or a phase
# (召陵区…产业园项目, 年产10万纱锭项目, 二期项目); a kind of project does not (城市更新项目)
_FACILITY_END = tuple("园馆站城桥湖港苑厂场库坝山")
_FACILITY = frozenset(
    "基地 中心 小区 公园 广场 综合体 电站 温室 大道 大桥 隧道 景区 医院 学校 酒店 市场".split()
)
_CAPACITY = re.compile(r"\d|[一二三四五六七八九]期")
# tags the dictionary gives the characters of names it does not know as words
_NAME_CHAR_TAGS = frozenset({"", "nr", "ns", "nz", "zg", "ng", "nrt"})
_FUNCTION_CHARS = frozenset("的了是在和与及等其这那也都就而并或但对把被让给为以于到上下中内外")


def _proper(core: str, placed: bool) -> bool:
    """Whether the words before `项目`/`工程` name one project rather than a kind: a
    place (`placed`: one opened the name), a firm, a facility, a capacity or phase, or
    two lone characters in a row, as the dictionary leaves a brand it does not know
    (禾|茂)."""
    if placed or _CAPACITY.search(core):
        return True
    places = lexicon.divisions_by_name()
    generic = lexicon.words("program_generic.tsv")
    firms = _firm_suffixes()
    single, seen = 0, False
    for tok in words(core):
        if tok in places or tok.endswith(firms) or tok in _FACILITY:
            return True
        if tok.endswith(_FACILITY_END) and tok not in generic and (len(tok) > 1 or seen):
            return True
        seen = True
        if len(tok) == 1 and tok not in _FUNCTION_CHARS and tag(tok) in _NAME_CHAR_TAGS:
            single += 1
            if single >= 2:
                return True
        else:
            single = 0
    return False


def _placed(lead: str) -> bool:
    """The opening words of a name (see _lead_points) hold a place."""
    places = lexicon.divisions_by_name()
    return any(lead[i:j] in places for i in range(len(lead)) for j in range(i + 2, len(lead) + 1))


@cache
def _firm_suffixes() -> tuple[str, ...]:
    return tuple(k for k, v in lexicon.org_suffixes().items() if v == "firm" and len(k) > 1)


@cache
def _heads() -> Matcher[tuple[str, int, str]]:
    """The heads of lexicons/program_heads.tsv -> (kind, least length of the words
    before, what the name needs), the longest found where several start."""
    return Matcher(lexicon.program_heads(), longest=True)


@lru_cache(maxsize=16384)
def _lead_points(name: str) -> tuple[int, ...]:
    """Where each of the words that open `name` without naming anything ends: places,
    years, seasons, ordinals (召陵区|2020年|一季度|…)."""
    places = lexicon.divisions_by_name()
    points: list[int] = []
    i = 0
    while i < len(name):
        m = _LEAD.match(name, i)
        if m and m.end() > i:
            i = m.end()
        else:
            k = next(
                (k for k in range(min(len(name) - i, 8), 1, -1) if name[i : i + k] in places), 0
            )
            if not k:
                break
            i += k
        points.append(i)
    return tuple(points)


# words that end other names on their left but sit inside programme names (协同发展)
_NOT_LEFT = frozenset({"协同", "会同"})


@cache
def _left_words() -> frozenset[str]:
    """Words that end a programme name on its left: its own list and the words that end
    every name (prepositions, time words, subjects)."""
    return lexicon.words("program_left.tsv") | (lexicon.boundaries() - _NOT_LEFT)


def _verb_in(part: str, left: frozenset[str]) -> bool:
    """`part` of a longer dictionary word is a governing verb (紧紧|抓住, 确保|重点)."""
    return part in left and tag(part) == "v"


@lru_cache(maxsize=16384)
def _left_cut(window: str, joins: bool, short: bool) -> int:
    """Where an unquoted name ending with `window` starts. First the words right before
    the head that name the work (集中开工活动, 观摩活动, 升级改造项目), then the name runs
    left to a word that ends it: a verb that governs it (开展, 实施, 考察), a
    preposition, pronoun or particle, or any other verb but those that name kinds of
    work; `和`/`与`/`及` end it too (能源革命和老旧小区改造), `暨` only when `joins`
    is false (…作品展暨…邀请展 is one event). Only a `short` head (活动, 项目) takes
    such words: a longer one names the work itself (专项斗争, 开工仪式)."""
    toks = words(window)
    left = _left_words()
    inner = lexicon.words("program_inner.tsv")
    i, pos = len(toks), len(window)
    while i > 0 and short:  # the work the name is about, right before the head
        tok = toks[i - 1]
        if not (tok in inner or (tag(tok) == "vn" and tok not in left)):
            break
        i, pos = i - 1, pos - len(tok)
    while i > 0:
        tok = toks[i - 1]
        t = tag(tok)
        if (
            tok in left
            or t in _HARD_TAGS
            or tok in _LOCALITY
            or (t == "v" and len(tok) > 1 and tok not in inner)
            or tok in "和与及以及"
            or (tok == "暨" and not joins)
            or (len(tok) > 3 and _verb_in(tok[-2:], left))
        ):
            break
        if len(tok) > 2 and _verb_in(tok[:2], left):  # fused with the next word (确保重点)
            return pos - len(tok) + 2
        i, pos = i - 1, pos - len(tok)
    return pos


def _headed(
    text: str, floor_of: list[int], known: list[tuple[int, int, str, str]]
) -> list[Mention]:
    """Unquoted names that end in a programme head (`…项目`, `…活动`, `…研讨会`,
    `…战略`, honour titles `全国…城市`): the words before the head back to the word that
    governs them, checked against generic phrases (重点项目, 相关活动)."""
    out: list[Mention] = []
    generic = lexicon.words("program_generic.tsv")
    weak = lexicon.words("program_weak.tsv")
    known_ends = [e for _, e, _, _ in known]  # (the hits are ordered by their ends)
    event_end = 0
    for hs, he, head, (kind, least, needs) in _heads().find(text):
        if he < len(text) and (text[he] in _NOT_AFTER or (head == "行动" and text[he] == "上")):
            continue  # part of a longer word (工程师), or a plain noun (思想上行动上)
        if needs == "place" and not text.endswith(_BUILT, 0, hs):
            continue  # not the making of a place (checked on the name's words below)
        floor = max(floor_of[hs] if hs < len(floor_of) else 0, event_end)
        lo = max(floor, hs - 40)
        before = _BEFORE_NAME_RUN.match(text, lo, hs)
        p = before.end() if before else lo
        if p == lo and lo > floor:
            continue  # the window ran out before the name began
        start = p + _left_cut(text[p:hs], kind in ("event", "campaign"), len(head) <= 2)
        # the known programmes inside text[p:he], as its own search would find them
        inside = known[bisect_left(known_ends, p + 1) : bisect_right(known_ends, he)]
        for ks, ke, _, _ in ((s - p, e - p, w, c) for s, e, w, c in inside if s >= p):
            if ks < start - p < ke:  # the cut went through a known programme: at a verb
                # in it, it opens the name (扫黑除恶专项斗争…); at its 和, it is a name of
                # its own before this one (黄河流域生态保护和高质量发展|重点项目…)
                start = p + (ke if text[start - 1] in "和与及" else ks)
        while start < hs and text[start] in "()（）暨":
            start += 1
        full = text[start:he]
        points = _lead_points(full)
        lead = points[-1] if points else 0
        bare = full[lead:]
        if needs == "level" and not (
            _LEVEL.search(full) or _LEVEL_VERB.search(text[max(floor, start - 4) : start])
        ):
            continue
        for verb in ("建设", "创建", "打造"):
            if bare.startswith(verb) and len(bare) > len(verb) + len(head):
                bare = bare[len(verb) :]
        mod = bare[: len(bare) - len(head)]
        counted = _SET_COUNT.match(mod)
        core = mod[counted.end() :] if counted else mod
        toks = words(core)
        dated = kind in ("event", "campaign") and _DATED.search(full[:lead])
        if start > 0 and text[start - 1] in CLOSE_QUOTES:
            continue  # the quoted name before it was read above
        if not toks or _COUNT_INSIDE.search(core):
            continue
        if not counted:
            if len(core) < least or toks[-1] in weak or core.endswith(_FIRM_END):
                continue
            # 项目建设攻坚行动, 国家园林城市: the head names it
            named = dated or (kind == "campaign" and len(head) >= 4) or needs == "level"
            if not named and all(w in generic or w.isdigit() for w in toks):
                continue
            if kind == "project" and not _proper(core, _placed(full[:lead])):
                continue
        if needs == "place" and not core.endswith(_BUILT):
            continue
        alts = _variants(full, points, bare, head, text[max(0, start - 2) : start])
        out.append(Mention(start, he, full, "program", f"head-{kind}", alts=alts))
        if kind == "event":
            event_end = he
    return out


_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_UNLISTED_PLACE = re.compile(f"^[{CJK_CLASS}]{{2}}[区县]")


def _variants(
    full: str, points: tuple[int, ...], bare: str, head: str, before: str
) -> tuple[str, ...]:
    """Other ways a headed name is written: the bare name first (what it is resolved
    by), then with its year but not its place (2020年第二批…), after the verb that makes
    it (创建全国文明城市), without a bracketed aside (…开工(某地)活动), without a place
    the gazetteer lacks (某某区福民工程), and an event without its 活动/仪式."""
    forms = [bare, *(full[p:] for p in points[:-1]), full]
    if before in ("创建", "争创", "建设", "打造"):
        forms.append(before + full)  # 创建全国文明城市 is written both ways
    forms += [_BRACKETED.sub("", f) for f in forms if _BRACKETED.search(f)]
    if _UNLISTED_PLACE.match(full) and len(full) - 3 >= len(head) + 2:
        forms.append(full[3:])
    for f in list(forms):
        for tail in ("活动", "仪式", "开工仪式", "奠基仪式"):
            if f.endswith(tail) and len(f) >= len(tail) + 4:
                forms.append(f[: -len(tail)])
    return tuple(dict.fromkeys(f for f in forms if f))


def extract_programs(text: str, floor_of: list[int]) -> list[Mention]:
    out = _quoted(text)
    known = _known().find(text)
    out.extend(_headed(text, floor_of, known))
    kinds = lexicon.pairs("programs.tsv")
    for start, end, word, canon in known:
        lead = _honour_lead(text, start) if kinds.get(canon) == "honour" else 0
        if lead:  # 全国优秀共产党员, 某县劳动模范: the level is part of the honour
            name = text[start - lead : end]
            out.append(Mention(start - lead, end, name, "program", "lexicon", alts=(canon,)))
        else:
            out.append(Mention(start, end, word, "program", "lexicon", norm=canon))
    return out


_HONOUR_LEVEL = re.compile(r"(?:全国|全省|全市|国家级|省级|市级|县级|[省市县])$")


def _honour_lead(text: str, start: int) -> int:
    """How many characters before a known honour name the level that awards it: a level
    word (全国, 省级) or a division's name (某县)."""
    m = _HONOUR_LEVEL.search(text, max(0, start - 3), start)
    places = lexicon.divisions_by_name()
    k = next((k for k in range(6, 1, -1) if start >= k and text[start - k : start] in places), 0)
    return max(k, m.end() - m.start() if m else 0)
