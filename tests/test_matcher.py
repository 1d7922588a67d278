from __future__ import annotations

import re

from kg.matcher import Matcher


def test_matcher_reports_overlapping_hits_by_end_then_longest_first() -> None:
    m = Matcher({"郑州": "city", "郑州市": "city", "州市": "x", "中原区": "county"})
    hits = m.find("郑州市中原区召开会议")
    assert hits == [
        (0, 2, "郑州", "city"),
        (0, 3, "郑州市", "city"),
        (1, 3, "州市", "x"),
        (3, 6, "中原区", "county"),
    ]


def test_matcher_offsets_are_characters_and_empty_words_are_ignored() -> None:
    m = Matcher([("", 0), ("万人助万企", 1)])
    assert len(m) == 1
    text = "🙂 开展“万人助万企”活动"
    [(start, end, word, value)] = m.find(text)
    assert text[start:end] == word == "万人助万企" and value == 1
    assert Matcher({}).find(text) == []


def test_longest_matcher_reads_like_a_regex_alternation_longest_first() -> None:
    words = {"社区": "community", "区": "district", "开发区": "zone", "发区": "x"}
    m = Matcher(words, longest=True)
    text = "经济开发区东风社区和城区"
    assert m.find(text) == [
        (2, 5, "开发区", "zone"),
        (7, 9, "社区", "community"),
        (11, 12, "区", "district"),
    ]
    pattern = re.compile("|".join(sorted(words, key=len, reverse=True)))
    assert [(s, e) for s, e, _, _ in m.find(text)] == [x.span() for x in pattern.finditer(text)]
