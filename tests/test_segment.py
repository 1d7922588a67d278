from __future__ import annotations

from kg.model import Page
from kg.segment import sentences, split_articles

PAGE = (
    "本报讯（记者 方晓）3月8日，市政协召开常委会议。会议由市政协主席程光明主持。\n\n"
    "市政协召开常委会议\n\n"
    "本报讯（记者 周远）3月9日，市委召开常委会会议。\n\n"
    "●近日，某镇举办农技培训。 李红\n"
)


def test_segment_splits_articles_at_openers() -> None:
    arts = split_articles(Page("p.txt", PAGE, "0" * 40))
    assert len(arts) == 3
    assert arts[0].date == "3月8日"
    assert arts[1].text.startswith("本报讯（记者 周远）")
    for a in arts:
        assert PAGE[a.start : a.start + len(a.text)] == a.text


def test_segment_sentences_keep_offsets() -> None:
    text = "第一句。第二句！第三句\n第四句"
    got = list(sentences(text))
    assert [s.text for s in got] == ["第一句。", "第二句！", "第三句\n", "第四句"]
    for s in got:
        assert text[s.start : s.end] == s.text
