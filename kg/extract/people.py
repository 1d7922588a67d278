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
from collections.abc import Iterable
from dataclasses import dataclass

from kg import lexicon
from kg.extract.text import CJK_CLASS, is_cjk, name_shape, title_at, titles_in
from kg.model import Mention, Position, Sentence
from kg.tokenize import words

# Words that commonly follow a person's name in news prose; a name ends before them.
_FOLLOWERS = tuple(
    sorted(
        """主持 出席 强调 指出 表示 说 讲话 参加 要求 介绍 希望 一行 同志 等 在 到 对 为 是
        和 与 及 先后 现任 担任 当选 告诉 带领 摄 率 陪同 向 也 还 就 都 从 以 将 把 被 作
        来 同 的 了 赴 调研 检查 看望 慰问 走访 察看 听取 召开 宣布 致辞 发表 代表 认为
        坦言 感慨 笑着 回忆 补充 提出 称 透露 主讲 宣讲 通报 总结 点评 部署 安排 带队 获得
        荣获 被评为 所在 等人 深入 前往 来到 一起 接受 坚持 带头 同样 已经 正在 曾 又 却
        则 便 所 于 自 每 所说 认真 积极 多次 十分 非常 始终 一直 通过 先 后 今年 去年 因
        出生 毕业 退役 入伍 介绍说 说道 发言 致词 作报告 作出 指示 批示 会见 接见 主讲
        讲解 宣读 颁发 颁奖 签约 签署 上台 登台 参观 考察 视察 现场 亲自 分别""".split(),
        key=len,
        reverse=True,
    )
)
_FOLLOWER_RE = re.compile("|".join(map(re.escape, _FOLLOWERS)))
_VERB_INITIAL = frozenset("主出强指表说讲参要介希一在到对为是和与及等先现担当告带摄率陪向也还就都从以将把被作来同的了赴调检看慰走察听召宣致发认坦感笑回补提称透深前接坚曾又却则便所于自每十非始通因毕退入会颁签上登亲分")
_LEVEL_OF_GOV_TITLE = {"省": "省", "市": "市", "区": "区", "县": "县", "州": "州", "旗": "旗", "镇": "镇", "乡": "乡"}
_CHAIN_CHARS = re.compile(rf"[{CJK_CLASS}A-Za-z（）()·\-—]")
_PARTY_BODY = re.compile(r"(?:党委|党工委|党组|委员会|委|党总支|党支部)$")
_ABSOLUTE_START = re.compile(r"^(?:中共|中国|中华|中央|全国|国家|国务院|省|市|区|县|镇|乡|州|团|民盟|民革|民建|民进|农工|致公|九三|台盟)")
_BEFORE_CHAIN_VERBS = ("被任命为", "当选为", "现任", "担任", "出任", "当选", "任", "系", "是")
_LIST_END = re.compile(r"^(?:等|同志)?(?:出席|参加|陪同|列席|参与|被评为|被授予|获评|荣获|入选|当选|分别|一同|一起)")
_SIGNATURE = re.compile(rf"(?:(?<=[。！？!?”\"）)])[ \u3000]*|^)([{CJK_CLASS}]{{2,4}})[ \u3000]*$", re.M)
_NAME_LIST = re.compile(rf"[{CJK_CLASS}]{{2,4}}(?:、[{CJK_CLASS}]{{2,4}})+")


def _is_boundary_at(text: str, i: int) -> bool:
    """True when a name may end right before text[i]."""
    if i >= len(text) or not is_cjk(text[i]):
        return True
    return bool(_FOLLOWER_RE.match(text, i)) or title_at(text, i) is not None


def read_name(text: str, i: int, known: frozenset[str] = frozenset()) -> int | None:
    """End offset of a person name starting at text[i], or None."""
    for n in (4, 3, 2):
        cand = text[i : i + n]
        if len(cand) == n and cand in known and _is_boundary_at(text, i + n):
            return i + n
    single, compound = lexicon.surnames()
    base = 2 if text[i : i + 2] in compound else 1
    if base == 1 and text[i : i + 1] not in single:
        return None
    short, long = i + base + 1, i + base + 2
    if _is_boundary_at(text, short) and name_shape(text[i:short]):
        # a two-character name unless the longer reading ends at a clear boundary
        if (
            short < len(text)
            and is_cjk(text[short])
            and not _FOLLOWER_RE.match(text, short)
            and title_at(text, short) is None
            and _is_boundary_at(text, long)
            and name_shape(text[i:long])
        ):
            return long
        return short
    if _is_boundary_at(text, long) and name_shape(text[i:long]):
        return long
    if long <= len(text) and name_shape(text[i:long]) and text[long - 1] not in _VERB_INITIAL:
        return long
    if name_shape(text[i:short]):
        return short
    return None


def read_name_back(text: str, j: int, floor: int, known: frozenset[str] = frozenset()) -> int | None:
    """Start offset of a person name ending at text[j] (exclusive), or None. The name
    must be preceded by `floor`, punctuation or a function word."""
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
    return None


@dataclass
class _Seg:
    org: str | None  # organization text written in the segment
    title: str
    kind: str


def _place_of(org: str) -> str:
    """`郾城区委` -> `郾城区`; `市委` -> `市`."""
    return _PARTY_BODY.sub("", org)


def _gov_org(title: str, org: str | None, prev: list[_Seg]) -> str:
    level = next((c for c in title if c in _LEVEL_OF_GOV_TITLE), "市")
    if org:
        place = org[:-2] if org.endswith("政府") else org
        return (place if place.endswith(level) else place + level) + "政府" if place != level else level + "政府"
    for seg in reversed(prev):
        if seg.org:
            place = _place_of(seg.org)
            if place.endswith(level):
                return place + "政府"
    return level + "政府"


def _resolve_chain(segs: list[_Seg]) -> list[tuple[str, str | None]]:
    """(role, org) for each segment of a title chain."""
    out: list[tuple[str, str | None]] = []
    for k, seg in enumerate(segs):
        org = seg.org
        if org and k > 0 and not _ABSOLUTE_START.match(org) and org not in lexicon.divisions_by_name():
            head = next((s.org for s in segs[:k] if s.org), None)
            if head and len(org) <= 8:
                org = head + org
        role = seg.title
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
            out.append((role, org))
    return out


def _split_org_title(part: str) -> _Seg | None:
    """`市委宣传部部长` -> (市委宣传部, 部长); None when the part does not end in a title."""
    for i in range(len(part)):
        t = title_at(part, i)
        if t and i + len(t) == len(part):
            kind = lexicon.titles()[t]
            return _Seg(part[:i] or None, t, kind)
    return None


def _trim_left(part: str) -> tuple[str, str]:
    """Cut a chain's first part after its last boundary word: returns (before, kept)."""
    toks = words(part)
    cut = 0
    pos = 0
    bounds = lexicon.boundaries()
    for tok in toks:
        pos += len(tok)
        if tok in bounds or tok in _BEFORE_CHAIN_VERBS:
            cut = pos
    return part[:cut], part[cut:]


def _chain_before(text: str, ts: int, floor: int) -> tuple[list[_Seg], int, str]:
    """The title chain segments that end at the title starting at ts (the title's own
    segment last), where the chain starts, and the words cut off before it."""
    p = ts
    while p > floor and ts - p < 60 and (text[p - 1] == "、" or _CHAIN_CHARS.match(text[p - 1])):
        p -= 1
    parts = text[p:ts].split("、")
    own = parts.pop()
    segs: list[_Seg] = []
    start = ts - len(own)
    for part in reversed(parts):
        seg = _split_org_title(part)
        if seg is None:
            break
        segs.insert(0, seg)
        start -= len(part) + 1
    first_org = segs[0].org if segs else own
    before, kept = _trim_left(first_org or "")
    if segs:
        segs[0].org = kept or None
    else:
        own = kept
    start += len(before)
    return segs, start, before


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
        positions.append(
            Position(name, role, org, sent.start, sent.end, sent.text.strip(), rule)
        )

    for sent in sentences:
        last_org: str | None = None
        for m in titles_in(text[sent.start : sent.end]):
            ts, te = sent.start + m.start(), sent.start + m.end()
            title = m.group(0)
            kind = lexicon.titles()[title]
            if kind == "national":
                s = read_name_back(text, ts, sent.start, known)
                if s is not None:
                    name = text[s:ts]
                    person(s, ts, "name-before-national-title")
                    position(name, title, None, sent, "name-before-national-title")
                    continue
            segs, cstart, before = _chain_before(text, ts, sent.start)
            own = text[cstart + sum(len(x.org or "") + len(x.title) + 1 for x in segs) : ts]
            segs.append(_Seg(own or None, title, kind))
            roles = _resolve_chain(segs)
            if not own and len(segs) == 1 and kind == "post" and text[ts - 1 : ts] in "及和、":
                roles = [(title, last_org)]
            names: list[tuple[int, int]] = []
            s_cur, e = te, read_name(text, te, known)
            while e is not None:
                names.append((s_cur, e))
                if e < sent.end and text[e] == "、" and title_at(text, e + 1) is None:
                    s_cur, e = e + 1, read_name(text, e + 1, known)
                    continue
                break
            rule = "title-chain" if len(segs) > 1 else "title-name"
            if not names:
                # `X现任市创文办督导二处副处长`: the name stands before the chain
                for verb in _BEFORE_CHAIN_VERBS:
                    if before.endswith(verb):
                        j = cstart - len(verb)
                        s = read_name_back(text, j, sent.start, known)
                        if s is not None:
                            names.append((s, j))
                            rule = "name-verb-title"
                        break
            for s, e2 in names:
                person(s, e2, rule)
                for role, org in roles:
                    position(text[s:e2], role, org, sent, rule)
            if roles and roles[-1][1]:
                last_org = roles[-1][1]
        _lists(text, sent, known, person)
    for m in _SIGNATURE.finditer(text):
        name = m.group(1)
        if name_shape(name) or name in known:
            person(m.start(1), m.end(1), "signature")
    return PeopleResult(persons, positions)


def _lists(text: str, sent: Sentence, known: frozenset[str], person) -> None:  # type: ignore[no-untyped-def]
    """`甲、乙、丙等出席` and `甲、乙被评为“…”`: every element of name shape."""
    for m in _NAME_LIST.finditer(text, sent.start, sent.end):
        items = m.group(0).split("、")
        tail = text[m.end() : m.end() + 8]
        # the last item may run into the verb: `丙等出席`, `丙出席`
        last = items[-1]
        for cut in range(len(last), 1, -1):
            if _LIST_END.match(last[cut:] + tail) or (cut == len(last) and _LIST_END.match(tail)):
                items[-1] = last[:cut]
                break
        else:
            continue
        good = [x for x in items if name_shape(x) or x in known]
        if len(good) < max(2, int(len(items) * 0.6)):
            continue
        pos = m.start()
        for x in items:
            if x in good:
                person(pos, pos + len(x), "name-list")
            pos += len(x) + 1
