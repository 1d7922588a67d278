"""kg.tokenize helpers agree with plain segmentation."""

from __future__ import annotations

import pytest

from kg.tokenize import first_word, words


@pytest.mark.parametrize(
    "text",
    [
        "",
        "。",
        " 市委",
        "\r\n市委",
        "\r\r",
        "联合市总工会",
        "开展活动，随后到市委",
        "组织召开2024年工作会议并部署",
        "abc-12中文",
        "中文 中文",
        "\u3400\u4e00",
        "研究部署下一步工作。会议强调",
    ],
)
def test_first_word_is_the_first_of_words(text: str) -> None:
    toks = words(text)
    assert first_word(text) == (toks[0] if toks else "")
