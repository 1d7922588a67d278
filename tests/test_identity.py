"""One real-world entity, one node: people across pages and cities (kg.identity), bodies
under the bodies and places they belong to (kg.hierarchy). Pages written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.hierarchy import check_city, clean_name, normal
from kg.model import Page
from kg.pipeline import build_graph
from kg.resolve import Entity, Resolved


def _build(tmp_path: Path, *pages: str) -> Resolved:
    for i, text in enumerate(pages):
        (tmp_path / f"p{i}.txt").write_text(text, encoding="utf-8")
    return build_graph([tmp_path], jobs=1).resolved


def _people(r: Resolved, name: str) -> list[Entity]:
    return [e for e in r.entities.values() if e.kind == "person" and e.label == name]


def _entity(r: Resolved, kind: str, label: str) -> Entity:
    [e] = [e for e in r.entities.values() if e.kind == kind and e.label == label]
    return e


def _org(r: Resolved, label: str) -> Entity:
    return _entity(r, "org", label)


def test_identity_national_leader_named_by_two_cities_is_one_node(tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 3月5日，国务院副总理钱立新到开封市调研。开封市委书记孙启航陪同。\n",
        "本报讯 4月8日，国务院副总理钱立新来到安阳市考察。安阳市市长周德明陪同。\n",
    )
    [leader] = _people(r, "钱立新")
    assert leader.key == "person/钱立新"
    assert len(leader.articles) == 2
    assert "national" in leader.notes
    held = {(m.role, m.person) for m in r.memberships.values() if m.person == leader.key}
    assert held == {("副总理", "person/钱立新")}  # one membership, both pages' evidence


def test_identity_namesakes_with_unrelated_posts_stay_two(tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，开封市财政局局长李志刚在全市预算工作会议上讲话。开封市副市长吴海峰出席。\n",
        "本报讯 6月2日，桂林市桂湖电子有限公司董事长李志刚介绍了企业的新产品。"
        "桂林市副市长唐文君参加。\n",
    )
    people = _people(r, "李志刚")
    assert len(people) == 2
    assert all("unrelated-posts" in p.notes for p in people)
    assert len({p.key for p in people}) == 2


def test_identity_page_of_unknown_city_joins_the_one_person_of_that_name(
        tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，开封市委书记孙启航主持召开开封市委常委会会议。\n",
        "本报讯 会上，孙启航同志指出，要抓好项目建设。\n",
    )
    [person] = _people(r, "孙启航")
    assert person.key.startswith("person/开封/")
    assert len(person.articles) == 2


def test_hierarchy_bureau_under_its_government_department_under_its_committee(
        tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，开封市财政局召开全市财政工作会议。市委常委、组织部部长赵春生，"
        "副市长吴海峰出席会议。\n",
    )
    bureau = _org(r, "开封市财政局")
    government = r.entities[next(iter(bureau.parents))]
    assert government.label in ("开封市政府", "开封市人民政府")
    department = _org(r, "开封市委组织部")
    assert {r.entities[p].label for p in department.parents} == {"开封市委"}
    city = next(e for e in r.entities.values() if e.kind == "place" and e.label == "开封市")
    assert bureau.sites == {city.key} and department.sites == {city.key}


def test_hierarchy_city_named_only_through_its_bodies_gets_its_place(tmp_path: Path) -> None:
    r = _build(tmp_path, "本报讯 河南省南阳市政府与卧龙区签订合作协议。\n")
    places = {e.label: e for e in r.entities.values() if e.kind == "place"}
    assert "南阳市" in places
    assert places["卧龙区"].parents == {places["南阳市"].key}
    assert places["南阳市"].parents == {places["河南省"].key}


def _place(r: Resolved, label: str) -> Entity:
    return _entity(r, "place", label)


def test_hierarchy_county_bureaus_listed_bare_share_the_county(tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，新野县政府召开经济运行分析会。新野县发改委、财政局、商务局主要负责人"
        "汇报了一季度工作。县委办、政府办负责同志参加。\n",
    )
    county = _place(r, "新野县")
    government = _org(r, "新野县政府")
    assert government.sites == {county.key}  # the county's government lies in the county
    for name in ("新野县发改委", "新野县财政局", "新野县商务局"):
        bureau = _org(r, name)
        assert bureau.parents == {government.key}  # under the county's government
    assert "财政局" in _org(r, "新野县财政局").alts  # the written form is kept
    assert _org(r, "新野县政府办").parents == {government.key}


def test_hierarchy_bureau_stands_under_a_government_no_page_names(tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，新野县财政局召开全县预算工作会议，县发改委负责同志参加。\n",
    )
    bureau = _org(r, "新野县财政局")
    [government] = [r.entities[p] for p in bureau.parents]
    assert government.label == "新野县政府"  # made from the structure, not the text
    assert government.sites == bureau.sites == {_place(r, "新野县").key}
    assert government.articles == bureau.articles
    # a 委 may be the party's: it makes no government, but stands under the one made
    assert _org(r, "新野县发改委").parents == {government.key}


def test_hierarchy_relative_names_of_regions_and_provinces(tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 柳州市委书记孙启航主持会议，传达学习自治区党委全会精神。\n",
        "本报讯 3月2日，河南省委、省政府召开全省经济工作会议。\n",
    )
    _org(r, "广西壮族自治区党委")
    government = _org(r, "河南省政府")  # a page of no city: the province it names
    assert government.sites == {_place(r, "河南省").key}
    assert not any(e.label == "自治区党委" for e in r.entities.values())


def test_hierarchy_national_body_lies_in_the_country_when_named(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    r = _build(tmp_path / "a", "本报讯 国务院办公厅日前印发通知，部署中国各地做好防汛工作。\n")
    assert _org(r, "国务院办公厅").sites == {_place(r, "中国").key}
    r = _build(tmp_path / "b", "本报讯 国务院办公厅日前印发通知。\n")
    assert not _org(r, "国务院办公厅").sites  # no node of the country is made


def test_hierarchy_far_county_read_in_a_word_is_not_the_articles(tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，兰考县召开工作会议。县委书记孙启航出席，县总工会和县妇联负责人参加。\n",
    )
    committee = _org(r, "兰考县委")  # 和县 (a county far away) is no second county here
    assert committee.sites == {_place(r, "兰考县").key}


def test_resolve_home_city_not_from_far_counties_or_names_of_parks() -> None:
    from kg.pipeline import extract_page
    from kg.resolve import home_city

    def home(text: str) -> str | None:
        page = extract_page(Page("p.txt", text, "0" * 40))
        return home_city(page.extractions)

    assert home("本报讯 市委书记孙启航到新野县调研。\n") == "南阳市"
    # a county written after its province is far away: the page is not about its city
    assert home("本报讯 会议学习了给河北省平山县某村党员的回信精神。市委常委会召开。\n") is None
    # a county's short form opening a park's name is the park's
    assert home("本报讯 市委书记孙启航来我县观摩新野电商产业园区。\n") is None


def test_hierarchy_party_committee_of_a_body_under_that_body(tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，开封市国资委召开会议。开封市国资委党委书记孙启航出席，开封市政府"
        "副秘书长吴海峰，开封市团市委书记赵春生参加。新野县县发改局局长周德明介绍经验。\n",
    )
    commission = _org(r, "开封市国资委")
    assert _org(r, "开封市国资委党委").parents == {commission.key}
    assert commission.parents == {_org(r, "开封市政府").key}
    assert not _org(r, "开封市团市委").parents  # the youth league's, no department
    assert _org(r, "新野县县发改局").sites == {_place(r, "新野县").key}


def test_hierarchy_body_lies_in_the_deepest_division_its_name_holds(tmp_path: Path) -> None:
    r = _build(tmp_path, "本报讯 5月6日，河南省漯河市委召开全会。市委书记孙启航主持。\n")
    assert _org(r, "河南省漯河市委").sites == {_place(r, "漯河市").key}


def test_hierarchy_bodies_named_without_a_place_are_each_pages_own(tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，开封市委书记孙启航到企业调研。财政局局长赵春生，管委会主任吴海峰陪同。\n",
        "本报讯 6月2日，安阳市市长周德明到企业调研。财政局局长李国华，管委会主任王建军陪同。"
        "教育厅副厅长张立新参加。\n",
    )
    for name in ("财政局", "管委会"):
        bodies = [e for e in r.entities.values() if e.kind == "org" and e.label == name]
        assert len(bodies) == 2  # two pages, two cities: two bodies
        assert {r.entities[s].label for b in bodies for s in b.sites} == {"开封市", "安阳市"}
    assert not _org(r, "教育厅").sites  # a province's department lies in no city


@pytest.mark.parametrize(("written", "one"), [
    ("中共开封市委员会", "开封市委"),
    ("开封市人民政府", "开封市政府"),
    ("政协开封市第十三届委员会", "开封市政协"),
    ("中国人民政治协商会议开封市委员会", "开封市政协"),
    ("政协第六届开封市委员会常务委员会", "开封市政协常委会"),
    ("开封市第五届人民代表大会常务委员会", "开封市人大常委会"),
    ("新野县县发改局", "新野县发改局"),
    ("开封市市场监管局", "开封市市场监管局"),  # 市场 opens the bureau's own name
    ("中国人民政治协商会议全国委员会", "中国人民政治协商会议全国委员会"),
])
def test_hierarchy_one_normal_form_per_body(written: str, one: str) -> None:
    assert normal(written) == one


def test_hierarchy_congress_working_committee_under_the_standing_committee(
        tmp_path: Path) -> None:
    r = _build(
        tmp_path,
        "本报讯 5月6日，开封市人大常委会副主任孙启航带队视察。市人大常委会副秘书长吴海峰，"
        "选工委主任赵春生，监察司法工委副主任周德明参加视察。视察组学习了河南省人大常委会"
        "的经验。\n",
    )
    congress = _org(r, "开封市人大常委会")
    assert _org(r, "选工委").parents == {congress.key}
    assert _org(r, "监察司法工委").parents == {congress.key}


@pytest.mark.parametrize(("written", "body"), [
    ("开封市委书记孙启航代表市委", "市委"),
    ("孙启航及产业集聚区管委会", "产业集聚区管委会"),
    ("孙启航九三学社浙江省委", "九三学社浙江省委"),
    ("日旗委", "旗委"),
    ("日照市委", "日照市委"),
    ("县委书记孙启航带队", ""),
    ("财政局局长孙启航及发改委", "发改委"),
    ("七届市委常委会", "市委常委会"),
    ("(开封县委", "开封县委"),
    ("全国人民代表大会常务委员会", "全国人民代表大会常务委员会"),
    ("开封市人大代表工作委员会", "开封市人大代表工作委员会"),
])
def test_hierarchy_clean_name_cuts_the_report_from_a_body(written: str, body: str) -> None:
    assert clean_name(written, {"孙启航"}) == body


def test_hierarchy_city_must_be_in_the_gazetteer() -> None:
    assert check_city("开封") == "开封市"
    assert check_city("北京") == "北京市"
    with pytest.raises(ValueError, match="开封"):
        check_city("开封城")
    with pytest.raises(ValueError, match="county of 开封市"):
        check_city("兰考县")


def test_cli_build_unknown_city_is_an_error_naming_the_nearest(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("本报讯 开封市召开会议。\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["build", str(page), "-o", str(tmp_path / "out"),
                                   "--city", "开封城"])
    assert res.exit_code == 2
    assert "did you mean" in res.output and "开封" in res.output
    assert not (tmp_path / "out").exists()
