"""The title-chain grammar, bylines and lists, on sentences written for these tests."""

from __future__ import annotations

import pytest

from kg.clean import clean
from kg.extract import extract_article
from kg.model import Article


def _run(text: str) -> tuple[set[str], set[tuple[str, str, str | None]]]:
    ex = extract_article(Article("t.txt", "0" * 40, 0, clean(text)))
    persons = {m.text for m in ex.mentions if m.label == "person"}
    return persons, {(p.person, p.role, p.org) for p in ex.positions}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市委书记韩立新主持会议。", {("韩立新", "书记", "市委")}),
        ("市长邵文涛安排工作。", {("邵文涛", "市长", "市政府")}),
        ("副市长柴永平出席。", {("柴永平", "副市长", "市政府")}),
        (
            "市委常委、宣传部部长范雅婷参加。",
            {("范雅婷", "常委", "市委"), ("范雅婷", "部长", "市委宣传部")},
        ),
        (
            "县委副书记、县长 吕建国讲话。",
            {("吕建国", "副书记", "县委"), ("吕建国", "县长", "县政府")},
        ),
        (
            "省商务厅党组书记、厅长骆明远出席。",
            {("骆明远", "党组书记", "省商务厅"), ("骆明远", "厅长", "省商务厅")},
        ),
        (
            "市政协党组副书记、副主席谭秀英出席。",
            {("谭秀英", "党组副书记", "市政协"), ("谭秀英", "副主席", "市政协")},
        ),
        (
            "市政协副主席田向阳、胡建新出席。",
            {("田向阳", "副主席", "市政协"), ("胡建新", "副主席", "市政协")},
        ),
        ("本报讯（记者 孙 涛）", {("孙涛", "记者", None)}),
        (
            "□记者 王一鸣 通讯员 赵小川",
            {("王一鸣", "记者", None), ("赵小川", "通讯员", None)},
        ),
        ("镇党委书记陶国华介绍。", {("陶国华", "书记", "镇党委")}),
        ("他现任市民政局副局长。刘建峰现任市民政局副局长。", {("刘建峰", "副局长", "市民政局")}),
        (
            "市人大代表、河南恒通机械有限公司总经理任晓东说。",
            {("任晓东", "人大代表", "市人大"), ("任晓东", "总经理", "河南恒通机械有限公司")},
        ),
    ],
)
def test_people_title_chains(text: str, expected: set[tuple[str, str, str | None]]) -> None:
    _, positions = _run(text)
    assert expected <= positions


@pytest.mark.parametrize(
    "text",
    [
        "会议由市政协主席会议审议通过。",
        "全市高质量发展取得新成效。",
        "在接受记者采访时，他表示将继续努力。",
        "市长热线开通以来，群众反映的问题得到解决。",
        "主任科员考试于下月举行。",
    ],
)
def test_people_no_false_positions(text: str) -> None:
    _, positions = _run(text)
    assert positions == set()


def test_people_attendee_list() -> None:
    persons, _ = _run("区领导刘明、谷雨、胡海波、李清泉等出席会议。")
    assert {"刘明", "谷雨", "胡海波", "李清泉"} <= persons


def test_people_signature_and_headline_name() -> None:
    persons, _ = _run("郭晓红：扎根社区二十年\n\n她把居民的事当成自己的事。 汤雅文\n")
    assert {"郭晓红", "汤雅文"} <= persons


def test_people_national_title_after_name() -> None:
    _, positions = _run("会议传达学习习近平总书记重要讲话精神。")
    assert ("习近平", "总书记", None) in positions


def test_people_mentions_point_at_their_text() -> None:
    text = "市委书记韩立新、市长邵文涛出席。韩立新强调，要抓好落实。"
    ex = extract_article(Article("t.txt", "0" * 40, 0, text))
    for m in ex.mentions:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "副市长、公安局局长刘建军出席。",
            {("刘建军", "副市长", "市政府"), ("刘建军", "局长", "市公安局")},
        ),
        (
            "全国人大代表、许昌市农业农村局局长王立新介绍情况。",
            {("王立新", "人大代表", "全国人大"), ("王立新", "局长", "许昌市农业农村局")},
        ),
        (
            "市政协副主席田立、胡建及秘书长袁明出席。",
            {("袁明", "秘书长", "市政协")},
        ),
    ],
)
def test_people_chain_heads(text: str, expected: set[tuple[str, str, str | None]]) -> None:
    _, positions = _run(text)
    assert expected <= positions


def test_people_village_posts() -> None:
    _, positions = _run("鄢陵县柏梁镇石桥村党支部书记、村委会主任郭金山带领村民致富。")
    assert ("郭金山", "书记", "鄢陵县柏梁镇石桥村党支部") in positions
    assert ("郭金山", "主任", "鄢陵县柏梁镇石桥村村委会") in positions


def test_people_list_after_title_does_not_start_inside_it() -> None:
    persons, positions = _run("市人大常委会副主任甘立、尹家豪出席会议。")
    assert persons == {"甘立", "尹家豪"}
    assert ("尹家豪", "副主任", "市人大常委会") in positions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "市政协副主席周万里、孙德全、钱为民出席会议。",
            {
                ("周万里", "副主席", "市政协"),
                ("孙德全", "副主席", "市政协"),
                ("钱为民", "副主席", "市政协"),
            },
        ),
        (
            "县人大常委会主任赵国庆，副主任钱丽、孙卫东陪同。",
            {("钱丽", "副主任", "县人大常委会"), ("孙卫东", "副主任", "县人大常委会")},
        ),
        ("县委常委、宣传部长吴振东主持会议。", {("吴振东", "部长", "县委宣传部")}),
        (
            "省交通投资集团党委书记、董事长冯建国出席。",
            {("冯建国", "书记", "省交通投资集团党委"), ("冯建国", "董事长", "省交通投资集团")},
        ),
        ("商丘市人民政府市长郑光明讲话。", {("郑光明", "市长", "商丘市政府")}),
    ],
)
def test_people_lists_and_units(text: str, expected: set[tuple[str, str, str | None]]) -> None:
    _, positions = _run(text)
    assert expected <= positions


def test_people_leader_list() -> None:
    persons, positions = _run("市领导赵永强、钱丽华、孙为民参加调研。区领导班子成员列席。")
    assert persons == {"赵永强", "钱丽华", "孙为民"}
    assert positions == set()


def test_people_places_in_a_list_are_not_persons() -> None:
    persons, _ = _run("采风团先后赴开封、洛阳、许昌、周口等地采访。")
    assert persons == set()


def test_people_past_posts_are_not_positions() -> None:
    persons, positions = _run("市政协原副主席周明华、原市委书记吴国栋出席。")
    assert {"周明华", "吴国栋"} <= persons
    assert positions == set()


def test_people_name_ends_before_a_word() -> None:
    persons, positions = _run("区委书记郑海相继讲话，县长何阳下达开工令。")
    assert {"郑海", "何阳"} <= persons
    assert ("郑海", "书记", "区委") in positions


def test_people_credit_lines() -> None:
    text = (
        "项目集中开工\n来源：某某日报 时间：2023-05-01\n\n"
        "工作取得实效。\n（周小川 吴明远）\n\n责任编辑：孙晓梅\n"
    )
    persons, positions = _run(text)
    assert persons == {"周小川", "吴明远", "孙晓梅"}
    assert positions == {("孙晓梅", "责任编辑", None)}


def test_people_names_before_titles() -> None:
    persons, positions = _run(
        "会议宣布：吴振华同志任市委书记。市里与南方科技大学陈永康教授合作建设实验室。"
    )
    assert {"吴振华", "陈永康"} <= persons
    assert ("吴振华", "书记", "市委") in positions
    assert ("陈永康", "教授", "南方科技大学") in positions


def test_people_person_nouns_and_foreign_names() -> None:
    persons, _ = _run("村民刘桂芳说，日子越过越好。友好城市市长约翰·史密斯一行应邀参加。")
    assert {"刘桂芳", "约翰·史密斯"} <= persons


def test_people_list_after_title_stops_at_an_organization() -> None:
    persons, positions = _run("市政协副主席曹明、南阳军分区司令员夏天出席。")
    assert persons == {"曹明", "夏天"}
    assert ("夏天", "司令员", "南阳军分区") in positions


def test_people_government_of_the_place_named_before() -> None:
    _, positions = _run("许昌市委书记张建国、市长李卫东出席。")
    assert ("李卫东", "市长", "许昌市政府") in positions


def test_people_committee_is_not_a_member_title() -> None:
    _, positions = _run("根据选举结果，周明当选为市人民代表大会常务委员会主任。")
    assert ("周明", "主任", "市人民代表大会常务委员会") in positions
    assert not any(role == "委员" for _, role, _ in positions)


def test_people_roster_lines() -> None:
    text = (
        "研讨会上，专家们踊跃发言。\n刘德胜 许昌职业技术学院教授\n"
        "孙丽华 河南省文字学会副会长、研究员\n李明远主持召开座谈会\n"
    )
    _, positions = _run(text)
    assert ("刘德胜", "教授", "许昌职业技术学院") in positions
    assert ("孙丽华", "副会长", "河南省文字学会") in positions
    assert not any(p[0] == "李明远" for p in positions)


def test_people_given_name_ending_in_he_before_a_list_comma() -> None:
    # 和 before 、 or ， ends a given name (同和, 永和); it joins nothing there
    persons, _ = _run("县领导欧阳明、刘同和、赵彩云等陪同调研。")
    assert {"刘同和", "赵彩云"} <= persons and "刘同" not in persons
    persons, positions = _run("县委副书记刘永和，副县长赵彩云出席。")
    assert "刘永和" in persons and ("刘永和", "副书记", "县委") in positions
    # 和 between two names stays a conjunction
    persons, _ = _run("县长刘同和赵彩云一同出席。")
    assert "刘同" in persons and "刘同和" not in persons


def test_people_list_item_that_opens_with_a_company_and_its_title() -> None:
    # `董事长甲、某某发展总裁乙`: the second item is a company, its title and a name, so
    # the first title is not shared with a name cut from the company's
    persons, positions = _run("董事长欧阳明、双星发展总裁刘明亮陪同。")
    assert persons == {"欧阳明", "刘明亮"}
    assert ("刘明亮", "总裁", "双星发展") in positions
    assert not any(p == "双星发" for p, _, _ in positions)
    # a list of names after one title still shares it
    persons, positions = _run("副主席欧阳明、刘明亮、赵彩云出席。")
    assert {(p, r) for p, r, _ in positions} == {
        ("欧阳明", "副主席"), ("刘明亮", "副主席"), ("赵彩云", "副主席")}
