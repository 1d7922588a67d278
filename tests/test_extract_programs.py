"""Programmes written without quotes: a head word (项目, 活动, 战略, 研讨会, 城市 ...) and
the words before it back to the word that governs them."""

from __future__ import annotations

import pytest

from kg.extract import extract_article
from kg.model import Article, Mention


def _programs(text: str) -> list[Mention]:
    ex = extract_article(Article("t.txt", "0" * 40, 0, text))
    return [m for m in ex.mentions if m.label == "program"]


def _labels(text: str) -> set[str]:
    return {x for m in _programs(text) for x in (m.name, m.text, *m.alts)}


@pytest.mark.parametrize(
    ("text", "program"),
    [
        # a list of named projects
        ("察看了城北污水处理厂提标改造项目、滨河湿地公园项目。", "城北污水处理厂提标改造项目"),
        ("市领导察看了城北污水处理厂提标改造项目、滨河湿地公园项目。", "滨河湿地公园项目"),
        ("签约项目包括年产20万吨饲料加工项目。", "年产20万吨饲料加工项目"),
        # the verb before the name governs it; the words naming the work belong to it
        ("近日，县领导带队考察东城科技产业园项目。", "东城科技产业园项目"),
        ("全市开展精准帮扶对接活动。", "精准帮扶对接活动"),
        # a dated event is named even when its words are common ones
        ("全县举行2023年第二批重点项目集中开工仪式。", "2023年第二批重点项目集中开工仪式"),
        ("全县举行2023年第二批重点项目集中开工仪式。", "重点项目集中开工"),
        # an ordinal before an event is kept apart as another label
        ("第五届中原花卉博览会在我市开幕。", "中原花卉博览会"),
        ("深入实施工业强县战略。", "工业强县战略"),
        ("加快推进生态宜居城市建设。", "生态宜居城市建设"),
        ("扎实开展城乡环境综合整治。", "城乡环境综合整治"),
        # honour titles open with a level or follow a verb of winning
        ("该县成功创建国家园林城市。", "国家园林城市"),
        ("我县获得省级卫生县城称号，正争创全国农业示范县。", "全国农业示范县"),
        # a quoted name before 工作, or after 实施
        ("要扎实做好“三清两建”工作。", "三清两建"),
        ("深入实施“六大提升”。", "六大提升"),
        # the place before a project's name stays in one label and leaves the other
        ("新郑市滨河花园二期项目开工。", "滨河花园二期项目"),
    ],
)
def test_programs_headed_found(text: str, program: str) -> None:
    assert program in _labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "要全力推进项目建设。",
        "抓好重点项目，确保早日见效。",
        "各项活动有序开展。",
        "出席活动的还有市领导。",
        "一批新能源项目落地投产。",
        "他是一名高级工程师。",
        "加快城市建设步伐。",
        "全市新增亿元以上项目12个。",
        "城市更新项目进展顺利。",
        "要在思想上行动上保持一致。",
    ],
)
def test_programs_headed_not_found(text: str) -> None:
    assert _programs(text) == []


def test_programs_headed_stop_at_the_governing_verb() -> None:
    found = {m.text for m in _programs("近日，县领导带队考察东城科技产业园项目。")}
    assert found == {"东城科技产业园项目"}


def test_programs_two_names_joined_by_he_stay_two() -> None:
    text = "就能源结构调整和城市提质升级改造进行调研。"
    assert "城市提质升级改造" in {m.text for m in _programs(text)}
    assert not any(m.text.startswith("能源") and "和" in m.text for m in _programs(text))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # the year stays in one label when the place leaves it
        ("西平县2024年第一批重点项目集中开工仪式举行。", "2024年第一批重点项目集中开工"),
        # a bracketed aside (the venue) leaves another
        ("全省重点项目集中开工(西平)活动举行。", "重点项目集中开工"),
        # the level or place that awards a known honour belongs to it
        ("他被评为西平县劳动模范。", "西平县劳动模范"),
        ("他被评为西平县劳动模范。", "劳动模范"),
    ],
)
def test_programs_other_written_forms(text: str, label: str) -> None:
    assert label in _labels(text)


def test_programs_known_name_opens_a_headed_one() -> None:
    # the dictionary cuts the known campaign at its verbs; it stays whole in the name
    names = {m.text for m in _programs("组织开展扫黑除恶专项斗争入户宣传活动。")}
    assert "扫黑除恶专项斗争入户宣传活动" in names


def test_programs_known_name_before_he_stays_its_own() -> None:
    text = "推进黄河流域生态保护和高质量发展重点项目集中开工(西平)活动。"
    found = _programs(text)
    assert "黄河流域生态保护和高质量发展" in {m.name for m in found}
    assert "重点项目集中开工" in {x for m in found for x in m.alts}
