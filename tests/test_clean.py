from __future__ import annotations

import pytest

from kg import clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("本报讯（记者 方 晓）", "本报讯（记者 方晓）"),
        ("记者 韩 梅 诵讯员 程锋", "记者 韩梅 通讯员 程锋"),
        ("通讯员 王一鸣 赵小川", "通讯员 王一鸣 赵小川"),
        ("县委副书记、县长 钱立新", "县委副书记、县长 钱立新"),
        ("全力推进项目建 设工作落地", "全力推进项目建设工作落地"),
        ("同 志 分 别 提 出", "同志分别提出"),
    ],
)
def test_clean_join_spaced_cjk(raw: str, expected: str) -> None:
    assert clean.fix_ocr_confusions(clean.join_spaced_cjk(raw)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "市委书记主持会议。",
        "完成投资 12 亿元",
        "kg build pages",
        "“三个一批”项目",
    ],
)
def test_clean_leaves_ordinary_text(text: str) -> None:
    assert clean.join_spaced_cjk(text) == text
    assert clean.fix_ocr_confusions(text) == text


def test_clean_joins_column_wraps_but_not_headlines() -> None:
    lines = [
        "本报讯（记者 方晓） 3月",
        "8日，市政协召开常委会议，",
        "会议由市政协主席程光明主",
        "持。会议听取了全市经济运",
        "行情况通报，审议了有关事",
        "项。与会人员围绕提案办理",
        "工作积极建言献策，现场气",
        "氛热烈，大家纷纷表示要进",
        "一步提高履职能力和水平。",
        "",
        "市政协召开常委会议",
    ]
    out = clean.clean("\n".join(lines))
    assert "市政协主席程光明主持" in out
    assert "\n市政协召开常委会议" in out


def test_clean_joins_a_paragraphs_first_line_that_lost_its_indent() -> None:
    body = [
        "全市各级各部门要以更大力度推进",
        "重点项目建设，确保按期完成年度",
        "目标任务；要持续优化营商环境，",
        "为企业发展提供更加优质的服务。",
        "市场主体活力不断增强，发展后劲",
        "明显提升，全年经济运行总体平稳。",
        "各县区要压实责任，细化工作措施，",
        "确保各项任务落地见效，取得实效。",
    ]
    lines = ["一季度全市经济稳中向好", "", *body, "", "优化环境 服务企业", "", *body, "",
             "会议由市商务局、市人社", "局、市市场监管局联合举办，来自",
             "各县区的企业代表参加了活动。"]
    out = clean.clean("\n".join(lines))
    assert "市商务局、市人社局、市市场监管局" in out
    assert "一季度全市经济稳中向好\n" in out  # short headlines stay on their own
    assert "优化环境 服务企业\n" in out


def test_clean_keeps_signature_and_next_heading_apart() -> None:
    para = "今年以来，该镇扎实推进人居环境整治，村容村貌明显改善，群众满意度持续提升。 李明"
    out = clean.clean(para + "\n## 下一篇\n正文。")
    assert "李明\n" in out


def test_clean_fullwidth_digits() -> None:
    assert clean.fullwidth_alnum_to_ascii("２０２３年") == "2023年"
