"""Organizations, places and programmes: positive and negative patterns."""

from __future__ import annotations

import pytest

from kg.extract import extract_article
from kg.extract.orgs import split_conjoined
from kg.model import Article, Extraction


def _ex(text: str) -> Extraction:
    return extract_article(Article("t.txt", "0" * 40, 0, text))


def _names(text: str, label: str) -> set[str]:
    return {m.name for m in _ex(text).mentions if m.label == label}


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("近日，市总工会联合团市委开展志愿服务。", "市总工会"),
        ("近日，市总工会联合团市委开展志愿服务。", "团市委"),
        ("河南恒通机械有限公司新增订单。", "河南恒通机械有限公司"),
        ("省行政审批和政务信息管理局召开会议。", "省行政审批和政务信息管理局"),
        ("鄢陵县国动办组织专家评审。", "鄢陵县国动办"),
        ("市委宣传部部署工作。", "市委宣传部"),
        # national bodies carry no place in their names
        ("水利部、应急管理部联合派出工作组。", "水利部"),
        ("水利部、应急管理部联合派出工作组。", "应急管理部"),
        ("他当选为全国政协委员。", "全国政协"),
        ("部队和武警部队官兵连夜抢险。", "武警部队"),
    ],
)
def test_orgs_found(text: str, org: str) -> None:
    assert org in _names(text, "org")


@pytest.mark.parametrize(
    "text",
    [
        "各级领导干部要带头落实。",
        "要做好群众办实事工作。",
        "会议对下一步工作进行安排部署。",
        "已全部完成整改。",
        # a national body's name going on into another word, or made local
        "市民政部门和公安部门联合开展排查。",
        "外交部长在会上致辞。",
        "县教育部署了暑期安全工作。",
    ],
)
def test_orgs_not_found(text: str) -> None:
    assert _names(text, "org") == set()


def test_orgs_national_bodies_longest_name() -> None:
    assert _names("全国人大常委会执法检查组来豫调研。", "org") == {"全国人大常委会"}


def test_orgs_conjoined_split() -> None:
    assert split_conjoined("市委市政府") == ("市委", "市政府")
    assert split_conjoined("市委宣传部") == ("市委宣传部",)


def test_orgs_sub_organization_link() -> None:
    ex = _ex("市委宣传部召开会议。")
    assert any(
        lk.kind == "sub_org" and lk.source == "市委宣传部" and lk.target == "市委"
        for lk in ex.links
    )


def test_places_nested_by_text() -> None:
    ex = _ex("记者来到许昌市鄢陵县柏梁镇石桥村。")
    names = {m.name for m in ex.mentions if m.label == "place"}
    assert {"许昌市", "鄢陵县", "柏梁镇", "石桥村"} <= names
    links = {(lk.source, lk.target) for lk in ex.links if lk.kind == "place_parent"}
    assert ("柏梁镇", "鄢陵县") in links
    assert ("石桥村", "柏梁镇") in links


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # names as long as the search window, after a one-character word
        ("区应急管理局在王庄花园小区开展演练。", "王庄花园小区"),
        ("志愿者在李庄锦绣小区清理楼道。", "李庄锦绣小区"),
        # two-character full names after a function word (short forms there are words)
        ("去年她从美国学成归来。", "美国"),
        ("调研组在睢县调研。", "睢县"),
    ],
)
def test_places_found_whole(text: str, place: str) -> None:
    names = _names(text, "place")
    assert place in names
    assert not {n for n in names if n != place and place.endswith(n)}


@pytest.mark.parametrize(
    "text", ["推进城乡融合发展。", "助力乡村振兴。", "全镇上下齐心协力。", "各村要抓好落实。"]
)
def test_places_not_found(text: str) -> None:
    assert not {n for n in _names(text, "place") if n.endswith(("乡", "镇", "村"))}


@pytest.mark.parametrize(
    ("text", "program"),
    [
        ("全市深入开展“两进三促”活动。", "两进三促活动"),
        ("持续推进“百企帮百村”行动。", "百企帮百村行动"),
        ("他被评为“十佳好人”。", "十佳好人"),
        ("深化“放管服”改革。", "放管服改革"),
        ("扎实推进乡村振兴。", "乡村振兴"),
        ("开展安全隐患大排查专项行动。", "安全隐患大排查专项行动"),
        # 项 opens a word here, it is not a count (一项…行动)
        ("会议要求突出抓好项目建设攻坚行动。", "项目建设攻坚行动"),
    ],
)
def test_programs_found(text: str, program: str) -> None:
    assert program in _names(text, "program")


@pytest.mark.parametrize(
    "text",
    ["他甘当群众的“老黄牛”。", "提出了“四个坚持”的要求。", "这是群众的“贴心人”。"],
)
def test_programs_not_found(text: str) -> None:
    assert _names(text, "program") == set()


def test_orgs_company_list() -> None:
    names = _names("依托瑞丰食品、恒锐发制品、鑫拓再生资源等龙头企业，做强主导产业。", "org")
    assert {"瑞丰食品", "恒锐发制品", "鑫拓再生资源"} <= names


def test_orgs_no_company_list_of_generic_words() -> None:
    names = _names("聚焦重点行业、重点领域和关键环节等企业开展排查。", "org")
    assert not names & {"重点行业", "重点领域", "关键环节"}


def test_programs_run_by_the_organization_before_them() -> None:
    ex = _ex("近日，市妇联在全市开展“巾帼护家”行动。")
    links = {(lk.kind, lk.source, lk.target) for lk in ex.links}
    assert ("program_org", "巾帼护家", "市妇联") in links


def test_mentions_of_one_span_found_by_two_rules_keep_one_order() -> None:
    from kg.extract.text import mention_order
    from kg.model import Mention

    a = Mention(3, 9, "许昌某某公司", "org", "company-list")
    b = Mention(3, 9, "许昌某某公司", "org", "org-suffix")
    for group in ({a, b}, {b, a}):
        assert sorted(group, key=mention_order) == [a, b]
