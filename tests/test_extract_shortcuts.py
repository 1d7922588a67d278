"""Facts about the lexicons that the extractors' shortcuts rely on."""

from __future__ import annotations

import re

from kg import lexicon
from kg.extract import orgs, people
from kg.extract.text import alternation, matches_around, matches_at
from kg.segment import _SENT_END


def test_no_title_holds_a_sentence_end() -> None:
    # extract_people finds titles once per article and hands each to its sentence
    assert not [t for t in lexicon.titles() if _SENT_END.search(t) or re.search(r"\s", t)]


def test_list_end_first_characters() -> None:
    # _lists tries _LIST_END only where one of these characters stands
    for word in ["等", "同志", *people._LIST_END_VERBS.split("|")]:
        assert people._LIST_END.match(word)
        assert word[0] in people._LIST_END_FIRST


def test_no_person_noun_holds_a_sentence_end() -> None:
    # _after_person_nouns searches an article's sentences at once
    assert not [w for w in lexicon.words("person_nouns.tsv") if _SENT_END.search(w)]


def test_speech_verb_first_characters() -> None:
    # headline_and_speaker_names tries _SPEECH only before these characters
    for verb in people._SPEECH_VERB.pattern.split("|"):
        assert people._SPEECH_VERB_FIRST.fullmatch(verb[0])


_CREDIT_TEXTS = [
    "本报讯（记者 张小明）昨日，全媒体记者李华、首席记者王强和特约记者赵六到场。",
    "青石日报6月8日讯 (通讯员 刘一) 5月12日讯【记者",
    "记者记者讯讯（ 12月31日讯（ 112月5日讯（ 融媒体记者融媒体",
    "",
]


def test_text_matches_around_equals_finditer() -> None:
    for text in _CREDIT_TEXTS:
        for rx, word, lead in ((orgs._DATELINE, "讯", 6), (orgs._REPORTER, "记者", 3)):
            found = [m.span() for m in matches_around(rx, text, word, lead)]
            assert found == [m.span() for m in rx.finditer(text)]


def test_text_matches_at_equals_finditer() -> None:
    rx = re.compile(r"(?:首席)?记者")
    for text in _CREDIT_TEXTS:
        starts = range(len(text))  # every position: at least all the starts
        assert [m.span() for m in matches_at(rx, text, starts)] == [
            m.span() for m in rx.finditer(text)
        ]


def test_people_signatures_equal_finditer() -> None:
    text = "会议结束。 王小明\n  李华\n“好。”赵六  \n张三李四王五\n。\u3000刘一\u3000\n陈二"
    assert [m.span(1) for m in people._signatures(text)] == [
        m.span(1) for m in people._SIGNATURE.finditer(text)
    ]
    assert [m.group(1) for m in people._signatures(text)] == ["王小明", "赵六", "刘一", "陈二"]


def test_people_speakers() -> None:
    text = "会上，李华表示，要抓好落实。王强指出：任务艰巨。“好”，赵六说：行。"
    found = [text[s:e] for s, e, rule in people.headline_and_speaker_names(text)]
    assert found == ["李华", "王强", "赵六"]


def test_people_name_lists_found_once_per_article() -> None:
    # extract_people finds the lists of names over the article, tried 2-6 characters
    # before each `、`, and hands each to its sentence
    text = "会议由王小明、李华主持。张三、李四、 王五等出席；\n赵六、钱七"
    found = list(matches_at(people._NAME_LIST, text, people._before_marks(text, "、", 2, 6)))
    assert [m.span() for m in found] == [m.span() for m in people._NAME_LIST.finditer(text)]
    assert people._before_marks("甲乙丙、", "、", 2, 6) == [0, 1]
    # marks close together give each position once, in order; far apart, a gap
    assert people._before_marks("甲乙丙丁、戊、己庚辛壬癸子丑、", "、", 2, 6) == [
        0, 1, 2, 3, 4, 8, 9, 10, 11, 12]



def test_text_alternation_finds_what_the_longest_first_alternation_finds() -> None:
    # alternation() writes the words as a trie; re must find the same matches as in
    # the plain `longest|long|...` form, alone, before `$` and inside a group
    words = ["副主任", "主任", "副市长", "市长", "常务副市长", "副", "任", "a.b", "市长助理"]
    plain = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    text = "常务副市长、副主任兼市长助理a.b，副书记任主任；副市长"
    for form in ("{}", "(?:{})$", "({}) ?、"):
        trie, flat = re.compile(form.format(alternation(words))), re.compile(form.format(plain))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]
        for i in range(len(text)):
            found, expected = trie.match(text, i), flat.match(text, i)
            assert (found and found.span()) == (expected and expected.span())
    assert re.fullmatch(alternation([]), "")
