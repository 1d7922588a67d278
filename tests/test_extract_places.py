"""Places below the county found by their suffix, and the containment the text writes."""

from __future__ import annotations

import pytest

from kg.extract import extract_article
from kg.model import Article, Extraction


def _ex(text: str) -> Extraction:
    return extract_article(Article("t.txt", "0" * 40, 0, text))


def _places(text: str) -> set[str]:
    return {m.name for m in _ex(text).mentions if m.label == "place"}


def _labels(text: str) -> set[str]:
    """Every written form of the places: names and the other forms kept with them."""
    out = set()
    for m in _ex(text).mentions:
        if m.label == "place":
            out |= {m.name, m.text, *m.alts}
    return out


def _parents(text: str) -> set[tuple[str, str]]:
    return {(lk.source, lk.target) for lk in _ex(text).links if lk.kind == "place_parent"}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # roads, rivers, lakes, parks, venues
        ("车辆沿文昌路向东行驶。", "文昌路"),
        ("工作人员在建设大道两侧栽种树木。", "建设大道"),
        ("志愿者沿着白鹭河清理垃圾。", "白鹭河"),
        ("代表们走进智能装备产业园参观。", "智能装备产业园"),
        ("居民在人民公园晨练。", "人民公园"),
        ("市民之家当天接待群众咨询。", "市民之家"),
        ("活动在市体育中心广场举行。", "市体育中心广场"),
        # a town and village that look like common words, written after their parent
        ("记者来到平安县龙城镇回水村。", "龙城镇"),
        ("记者来到平安县龙城镇回水村。", "回水村"),
        ("调研组走访了王村镇杨树村。", "王村镇"),
        # a village name of one character, right after its town
        ("他是柳林镇马村村民。", "马村"),
        ("张庄村村民种植大棚蔬菜。", "张庄村"),
        # the name of a street office is the sub-district's
        ("东风街道办事处组织志愿者开展清扫。", "东风街道"),
        # a village after its town and 的, a community after a street office with 委员
        ("调研组来到石桥镇的柳湾村。", "柳湾村"),
        ("活动在文昌街道金水社区委员工作室举行。", "金水社区"),
        ("一行到东新区考察调研。", "东新区"),
        ("市民在星河集团滨湖购物公园购物。", "滨湖购物公园"),
        ("游客来到青龙湖畔赏景。", "青龙湖"),
        # a city's short form after a verb or in a list
        ("省领导考察山西时强调。", "山西省"),
        ("考察团先后赴开封、商丘、周口等地。", "周口市"),
    ],
)
def test_places_found(text: str, place: str) -> None:
    assert place in _places(text)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("项目落户许昌经济技术开发区。", "经济技术开发区"),
        ("项目落户滑县金桥工业园区。", "金桥工业园区"),
        ("焦作市温县产业集聚区排名靠前。", "温县产业集聚区"),
    ],
)
def test_places_zone_keeps_its_bare_form(text: str, place: str) -> None:
    assert place in _labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "加快农村公路建设。",
        "广场舞爱好者越来越多。",
        "走好新时代的奋斗路。",
        "落实河长制，开展日常巡河。",
        "全市河湖面貌明显改善。",
        "推进新型城镇化建设。",
        "打造特色小镇。",
        "他常回故乡看看。",
        "积极保持市场活力。",
        "观看芭蕾舞剧《天鹅湖》。",
        "推动产业链和县区经济协同发展。",
        "新市民积极融入社区。",
    ],
)
def test_places_not_found(text: str) -> None:
    assert _places(text) == set()


def test_places_province_zones_as_a_class() -> None:
    assert _places("山西省产业集聚区建设推进会召开。") == {"山西省"}


def test_places_suffix_does_not_take_a_city_name() -> None:
    # 黑河 ends with 河, but it is a city, not a river named 来黑河
    assert _places("他们第一次来黑河参观。") == {"黑河市"}


def test_places_firm_named_after_a_far_city() -> None:
    assert "宜宾市" not in _places("河南宜宾电器有限公司供货。")


def test_places_river_with_one_more_character() -> None:
    assert "东汾河" in _places("城区东汾河沿岸绿树成荫。")


def test_places_nested_chain_and_list() -> None:
    text = "观摩团来到平安县龙城镇回水村、商桥镇靳家村。"
    links = _parents(text)
    assert ("龙城镇", "平安县") not in links  # 平安县 is not in the gazetteer
    text = "观摩团来到鄢陵县柳树乡大杨村、石桥镇石桥村。"
    links = _parents(text)
    assert ("柳树乡", "鄢陵县") in links
    assert ("大杨村", "柳树乡") in links
    # listed after a village of another town: in the same county
    assert ("石桥镇", "鄢陵县") in links
    assert ("石桥村", "石桥镇") in links


def test_places_street_in_community() -> None:
    links = _parents("走进魏都区丁庄街道文化街社区南顺街。")
    assert ("丁庄街道", "魏都区") in links
    assert ("文化街社区", "丁庄街道") in links
    assert ("南顺街", "文化街社区") in links


def test_places_zone_in_its_county() -> None:
    links = _parents("项目落户滑县金桥工业园区。")
    assert ("滑县金桥工业园区", "滑县") in links


def test_places_village_after_town_and_de() -> None:
    assert ("柳湾村", "石桥镇") in _parents("调研组来到石桥镇的柳湾村。")
