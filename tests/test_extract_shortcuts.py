"""Facts about the lexicons that the extractors' shortcuts rely on."""

from __future__ import annotations

import re

from kg import lexicon
from kg.extract import people
from kg.segment import _SENT_END


def test_no_title_holds_a_sentence_end() -> None:
    # extract_people finds titles once per article and hands each to its sentence
    assert not [t for t in lexicon.titles() if _SENT_END.search(t) or re.search(r"\s", t)]


def test_list_end_first_characters() -> None:
    # _lists tries _LIST_END only where one of these characters stands
    for word in ["等", "同志", *people._LIST_END_VERBS.split("|")]:
        assert people._LIST_END.match(word)
        assert word[0] in people._LIST_END_FIRST
