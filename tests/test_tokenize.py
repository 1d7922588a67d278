"""kg.tokenize helpers agree with plain segmentation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


_SEGMENT = """
import json, random, sys
from kg import tokenize
from kg.tokenize import tag, words
if sys.argv[1:] == ["big"]:  # a text with most pairs of characters: the whole table is read
    rng = random.Random(7)
    words("".join(chr(rng.randrange(0x4E00, 0x9FA6)) for _ in range(20_000)))
texts = ["市委常委、宣传部部长在临颍县调研", "区市场监管局开展食品安全检查", "召开座谈会",
         "副县长主持召开全县安全生产工作会议", "abc-12中文 研究部署"]
tags = [tag(w) for w in ("调研", "开展", "会议", "县", "部署", "没有这个词")]
print(json.dumps([[words(t) for t in texts], tags, tokenize._table().whole]))
"""


def _segment(cache_dir: str, *args: str) -> list[object]:
    env = {**os.environ, "KG_CACHE_DIR": cache_dir}
    out = subprocess.run([sys.executable, "-c", _SEGMENT, *args], env=env, capture_output=True,
                         text=True, check=True)
    result: list[object] = json.loads(out.stdout)
    return result


def test_tokenize_dictionary_cache_gives_the_same_words(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    *fresh, whole = _segment("")  # no cache: built from jieba's dictionary
    assert whole
    assert _segment(str(folder)) == [*fresh, True]  # built, then kept
    [kept] = list(folder.glob("jieba-*.table"))
    assert _segment(str(folder)) == [*fresh, False]  # read back, only the parts needed
    assert _segment(str(folder), "big") == [*fresh, True]  # read back whole on the way
    data = kept.read_bytes()
    kept.write_bytes(data[: len(data) // 2])
    assert _segment(str(folder)) == [*fresh, True]  # a file cut short is rebuilt
    kept.write_bytes(b"not a table file")
    assert _segment(str(folder)) == [*fresh, True]  # so is any other damaged file
    assert kept.stat().st_size == len(data)


def test_tokenize_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    from kg.tokenize import cache_dir

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("KG_CACHE_DIR", "")
    assert cache_dir() is None
    monkeypatch.delenv("KG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "kg"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/place")  # ignored, as XDG says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "kg"
