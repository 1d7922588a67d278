"""Reliability, round two: what a hostile or unlucky user could still break.

Each test states one promise of the command line or the library when the input is
crafted, damaged or unlucky; every page is invented here and written into tmp_path.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import codec
from kg.cli import cli
from kg.model import Article, Extraction, Link, Mention, Position
from kg.store import PageCache, StoreError

PAGE = (
    "本报讯（记者 林晓阳）6月3日，市委书记王建国到青石县调研“双百”工程推进情况。"
    "市委常委、副市长赵立新参加调研。\n"
)


def _extraction() -> Extraction:
    art = Article("p.txt", "d1", 0, PAGE, title="标题", date="2023-06-03", start=4)
    return Extraction(
        art,
        (Mention(20, 23, "王建国", "person", "title-chain", alts=("王 建国",)),),
        (Position("王建国", "书记", "市委", 0, 40, PAGE[:40], "title-chain"),),
        (Link("place_parent", "青石县", "某市", "written-together"),),
    )


def test_codec_round_trips_extractions() -> None:
    exs = (_extraction(), _extraction())
    data = codec.dumps(exs)
    assert codec.loads(data) == exs
    assert codec.dumps(codec.loads(data)) == data  # same input, same bytes


@pytest.mark.parametrize(
    "data",
    [
        pickle.dumps([1, 2, 3]),
        b"\xff\xfe not text",
        b'{"a": 1}',
        b"[[1, 2]]",
        b'[[["p.txt"], [], [], []]]',  # an article with too few fields
        b'[[["p.txt","d",0,"t",null,null,{"x":1}], [], [], []]]',  # a field of another kind
    ],
)
def test_codec_refuses_what_it_did_not_write(data: bytes) -> None:
    with pytest.raises(codec.CodecError):
        codec.loads(data)


class _Boom:
    """Unpickling this runs code: the marker file appears."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (Path.touch, (Path(self.marker),))  # type: ignore[return-value]


def _build(args: list[str]) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["build", *args])
    return r.exit_code, r.output


def test_store_with_a_crafted_pickle_runs_no_code(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(PAGE, encoding="utf-8")
    store = tmp_path / "store"
    code, out = _build([str(pages), "-o", str(tmp_path / "out"), "--store", f"oxigraph:{store}"])
    assert code == 0, out
    marker = tmp_path / "ran"
    db = sqlite3.connect(store / "pages.sqlite")
    db.execute("UPDATE pages SET data = ?", (pickle.dumps(_Boom(str(marker))),))
    db.commit()
    db.close()
    (pages / "b.txt").write_text(PAGE.replace("王建国", "周启慧"), encoding="utf-8")
    code, out = _build([str(pages), "-o", str(tmp_path / "out"), "--store", f"oxigraph:{store}",
                        "--update"])
    assert not marker.exists()
    assert code == 2
    assert "page cache is damaged" in out


def test_store_refuses_a_cache_of_the_pickle_era(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(PAGE, encoding="utf-8")
    store = tmp_path / "store"
    assert _build([str(pages), "-o", str(tmp_path / "o"), "--store", f"oxigraph:{store}"])[0] == 0
    db = sqlite3.connect(store / "pages.sqlite")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    db.commit()
    db.close()
    code, out = _build([str(pages), "-o", str(tmp_path / "o"), "--store", f"oxigraph:{store}",
                        "--update"])
    assert code == 2
    assert "store layout" in out


def test_store_refuses_a_foreign_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "pages.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE pages (id INTEGER, blob BLOB)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a kg page cache"):
        PageCache(path)
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a kg page cache"):
        PageCache(path)
