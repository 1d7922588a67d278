"""Organizations: news media, delegations, democratic parties, and spans that must not
swallow a verb, a title or a place word."""

from __future__ import annotations

import pytest

from kg.extract import extract_article
from kg.extract.orgs import extract_orgs, position_org
from kg.model import Article


def _orgs(text: str) -> set[str]:
    return {m.name for m in extract_orgs(text, [0] * (len(text) + 1))}


def _article_orgs(text: str) -> set[str]:
    ex = extract_article(Article("t.txt", "0" * 40, 0, text))
    return {m.name for m in ex.mentions if m.label == "org"}


@pytest.mark.parametrize(
    ("text", "org"),
    [
        # credit lines, datelines and reporters' credits name the medium
        ("来源:安阳日报 时间:2023-05-01 09:12", "安阳日报"),
        ("来源：青禾网编辑:王晓东", "青禾网"),
        ("青禾网讯（记者 李明）3月2日，市政协召开会议。", "青禾网"),
        ("绿洲网安阳讯(记者 李明)日前，", "绿洲网"),
        ("（宛城日报全媒体记者 张华）", "宛城日报"),
        ("来源:宣传部", "宣传部"),
        # newspapers and magazines in 《》
        ("他在《求是》杂志发表文章。", "求是"),
        ("《安阳晚报》创刊十周年。", "安阳晚报"),
        # a place's name before a media kind
        ("湖北日报、湖北人民广播电台等媒体记者参加采访。", "湖北日报"),
        ("湖北日报、湖北人民广播电台等媒体记者参加采访。", "湖北人民广播电台"),
        ("来源:湖北日报客户端 2021-10-20", "湖北日报客户端"),
        ("来源:湖北日报客户端 2021-10-20", "湖北日报"),
        ("来源:洛阳人大网 2015-04-28", "洛阳人大网"),
        # central media, by the national lexicon
        ("人民日报刊发评论员文章。", "人民日报"),
        # delegations and inspection teams named after where they come from
        ("市长王刚带领安阳市党政考察团来我县考察。", "安阳市党政考察团"),
        ("副主任陈东率市人大督察组督察代表工作。", "市人大督察组"),
        ("会议由大会主席团主持。", "大会主席团"),
        # the democratic parties
        ("九三学社社员积极建言献策。", "九三学社"),
        ("民盟安阳市委主委、市政协副主席王东出席。", "民盟安阳市委"),
        # 中央 standing alone for the party centre
        ("贯彻落实中央、省委决策部署。", "党中央"),
        # a one-character verb before a level word is no part of the name
        ("经常受省委宣传部的委托开展辅导。", "省委宣传部"),
        # deputies stationed in a place belong to the body named after it
        ("部分驻南阳市省人大代表来我市视察。", "省人大"),
        # a body within a body needs no place of its own
        ("人民路办事处消安委开展检查。", "人民路办事处消安委"),
    ],
)
def test_orgs_found(text: str, org: str) -> None:
    assert org in _article_orgs(text)


@pytest.mark.parametrize(
    "text",
    [
        "加强网络建设，发展互联网经济。",
        "来源:\n\n4月25日，市政协召开会议。",
        "来源:原创 时间:2023-01-01",
        "他每日报送一次数据。",
        "会议由县长李强带队的考察团参加。",
        "乡镇政协工作联络委员会成立。",
        "建设省级实验室和国家级实验室。",
        "市委各部委负责同志参加会议。",
        "盛情会见考察团一行。",
    ],
)
def test_orgs_none_or_no_swallowing(text: str) -> None:
    names = _orgs(text)
    assert not any(n.endswith(("带队", "率队", "主委")) for n in names)
    assert not {"网络", "4月25日", "原创", "日报", "乡镇政协", "省级实验室", "市委各部委"} & names
    assert not any(("会见" in n or "带队" in n) for n in names)


def test_orgs_dem_party_title_not_in_name() -> None:
    names = _orgs("民建安阳市委主委燕东出席。")
    assert "民建安阳市委" in names
    assert not any(n.endswith("主委") for n in names)


def test_orgs_central_medium_office_is_not_the_paper() -> None:
    names = _orgs("人民日报社某省分社社长王东一行来调研。")
    assert "人民日报" not in names
    assert "人民日报社" in names


def test_orgs_media_kind_in_a_longer_word() -> None:
    assert _orgs("安阳网络安全宣传周启动。") == set()


def test_orgs_party_centre_resolves_to_the_central_committee() -> None:
    ex = extract_article(Article("t.txt", "0" * 40, 0, "贯彻落实中央、省委决策部署。"))
    centre = [m for m in ex.mentions if m.label == "org" and m.text == "中央"]
    assert centre and centre[0].name == "党中央"


@pytest.mark.parametrize(
    ("role", "org", "expected"),
    [
        ("副秘书长", "市人大常委会原", "市人大常委会"),  # 原: a former post's marker
        ("主席", "大会主席团常务", "大会主席团"),
        ("部长", "市委统战", "市委统战部"),  # 统战部长: the head of 统战部
        ("局长", "市公安", "市公安局"),
        ("部长", "市委宣传部", "市委宣传部"),
        ("科长", "市统计局工业科", "市统计局工业科"),
        ("区长", "东城区区政府", "东城区政府"),
        ("董事长", "市长王东在宾馆会见恒景集团有限公司", "恒景集团有限公司"),
        ("书记", "旗委", "旗委"),
        ("主席", "作协", "作协"),
        ("委员", "名政协", None),  # 3名政协委员
        ("书记", "党委", None),
        ("院长", "我院", None),
        ("主任", "王东要求", None),
        ("书记", None, None),
    ],
)
def test_orgs_position_org(role: str, org: str | None, expected: str | None) -> None:
    assert position_org(role, org) == expected


def test_orgs_zone_before_a_body_is_part_of_its_name() -> None:
    assert "县产业集聚区管委会" in _orgs("县产业集聚区管委会主任王东出席。")
    assert "区管委会" not in _orgs("县产业集聚区管委会主任王东出席。")


@pytest.mark.parametrize(
    ("text", "org"),
    [
        # a brand jieba splits into one-character words stays whole
        ("书记深入昌景纺织有限公司调研。", "昌景纺织有限公司"),
        ("先后来到恒达药业有限公司、同祥药业有限公司等处。", "同祥药业有限公司"),
        # a place a few characters before a company opens its name
        ("与上海同瑞新材料科技有限公司进行接洽。", "上海同瑞新材料科技有限公司"),
        ("内乡县与大连融航储能集团签约。", "大连融航储能集团"),
        # a brand read as a verb (提升) before the trade
        ("走访金禾提升科技有限公司的加工车间。", "金禾提升科技有限公司"),
        ("来到恒景测绘有限公司和建工集团调研。", "建工集团"),
    ],
)
def test_orgs_company_names_whole(text: str, org: str) -> None:
    names = _orgs(text)
    assert org in names
    assert not {n for n in names if n != org and org.endswith(n)}


@pytest.mark.parametrize(
    "text",
    [
        "南阳华宇\n电器公司产品生产车间。",
        "发挥行业协会作用。",
        "政府平台公司负责人参会。",
        "建设会展中心和购物中心。",
        "人民医院院长出席。",
    ],
)
def test_orgs_kinds_of_bodies_are_no_names(text: str) -> None:
    assert _orgs(text) == set()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("视察组先后深入瑞丰化工、恒锐石化、引黄灌溉工程。", {"瑞丰化工", "恒锐石化"}),
        ("先后到鑫拓鞋业、金源电子产业园和河南嘉恒鞋业。", {"鑫拓鞋业", "河南嘉恒鞋业"}),
        ("与武汉大学合作,南阳宛冶特钢与其共建实验室。", {"南阳宛冶特钢"}),
    ],
)
def test_orgs_brands_in_lists_of_sites(text: str, names: set[str]) -> None:
    assert names <= _orgs(text)


@pytest.mark.parametrize(
    "text",
    [
        "发展新能源、新材料、生物医药等产业。",
        "培育高端化工、智能电子、现代纺织等优势产业。",
        "为全市发展注入了强劲动力。",
        "诚挚邀请各位专家支持更多食品项目来我市落地。",
        "认为我县农资化工和家具制造两大产业集群集聚。",
    ],
)
def test_orgs_trades_are_no_brands(text: str) -> None:
    assert not {m.rule for m in extract_orgs(text, [0] * (len(text) + 1))} & {"brand"}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # bodies known by their short names in a list after one with a place
        ("区发改委、财政局、商务局负责同志参加。", {"区发改委", "财政局", "商务局"}),
        ("县工信局、发改委、商务局依次发言。", {"县工信局", "发改委", "商务局"}),
        # the levels of minority areas and the customs
        ("州生态环境局、州林业局相关负责人参加。", {"州生态环境局", "州林业局"}),
        ("按照自治区党委的部署，旗医院开展演练。", {"自治区党委", "旗医院"}),
        ("二连海关关长出席。", {"二连海关"}),
        # a committee's full name, and the short names of arts associations
        ("中国共产党安阳市委员会召开全会。", {"中国共产党安阳市委员会"}),
        ("他是中国书协会员、市作协主席。", {"中国书协", "市作协"}),
        # a committee after words that are no place
        ("全面贯彻落实省委、省政府部署。", {"省委", "省政府"}),
        # a delegation's name opens with its place
        ("衷心希望息县考察团多来走走。", {"息县考察团"}),
        # a paper by its short name in its own dateline
        ("晨报讯(记者 王东)1月20日，", {"晨报"}),
        ("配合市委市政府中心工作。", {"市委", "市政府"}),
        # the day of a date is no part of a relative name (but 日照 is a city)
        ("★8月2日旗委副书记深入旗医院检查。", {"旗委", "旗医院"}),
        ("同日旗委召开常委会。", {"旗委"}),
        ("5日日照市委召开会议。", {"日照市委"}),
        # a caption's name run into the party that opens the body's name
        ("孙启航九三学社浙江省委副主委", {"九三学社浙江省委"}),
    ],
)
def test_orgs_found_exactly(text: str, names: set[str]) -> None:
    assert _orgs(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "双方签订友好城市合作协议。",
        "从码头乘船前往信阳中心港。",
        "东风社区两个居委会联合开展活动。",
        "先进的生产线给考察团留下深刻印象。",
        "要求、办公室",
    ],
)
def test_orgs_none_found(text: str) -> None:
    assert _orgs(text) == set()


@pytest.mark.parametrize(
    ("text", "org", "person"),
    [
        ("区统计局局长李明远及发改委人员参加。", "发改委", "李明远"),
        ("东关街道办事处副主任赵文华组织村改办人员查看。", "村改办", "赵文华"),
    ],
)
def test_orgs_span_does_not_swallow_a_person(text: str, org: str, person: str) -> None:
    names = _article_orgs(text)
    assert org in names
    assert not any(person in n for n in names)
