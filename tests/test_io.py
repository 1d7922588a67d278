"""kg.io: encoding detection, finding inputs, atomic writes (issue 8).

Every page here is invented for the tests; the bad inputs are written into tmp_path.
"""

from __future__ import annotations

import codecs
import logging
import os
import random
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.io import (
    InputError,
    OutputError,
    atomic_write,
    decode,
    detect,
    find_inputs,
    read_page,
)
from kg.namespace import KGO
from kg.pipeline import build_graph

PAGE = (
    "本报讯（记者 周明远 通讯员 蒋一帆）3月12日，市委书记韩立新到高新区调研“双百工程”"
    "项目建设情况。市委常委、秘书长邵文涛，副市长毕晓阳参加调研。\n"
    "韩立新先后来到青禾食品产业园、东湖智能制造基地，详细了解企业生产经营情况。"
    "他强调，要坚持问题导向，推动项目早投产、早见效。\n"
    "在东湖镇政府，韩立新听取了镇党委书记范春雷关于“五好”村庄创建工作的汇报。\n"
    "市发展改革委主任龙佳怡，东湖区委书记田子墨陪同调研。\n"
)
SHORT = "市委书记韩立新调研。"

ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 BOM": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "gbk": lambda t: t.encode("gbk"),
    "gb18030": lambda t: t.encode("gb18030"),
    "utf-16 LE BOM": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16 BE BOM": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-16 LE": lambda t: t.encode("utf-16-le"),
    "utf-16 BE": lambda t: t.encode("utf-16-be"),
    "utf-32 BOM": lambda t: t.encode("utf-32"),
    "utf-8 CRLF": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "gbk CRLF": lambda t: t.replace("\n", "\r\n").encode("gbk"),
    "utf-16 LE CRLF": lambda t: t.replace("\n", "\r\n").encode("utf-16-le"),
}


@pytest.mark.parametrize("name", ENCODINGS)
@pytest.mark.parametrize("text", [PAGE, SHORT], ids=["page", "short"])
def test_io_detect_reads_every_encoding(name: str, text: str, tmp_path: Path) -> None:
    data = ENCODINGS[name](text)
    d = detect(data)
    assert d.text.replace("\r\n", "\n") == text
    assert d.notes == ()
    assert decode(data) == (d.text, d.encoding)
    # the encoding reported reads the whole file the same way (kg.units streams with it)
    f = tmp_path / "page.txt"
    f.write_bytes(data)
    with f.open(encoding=d.encoding, newline="") as fh:
        assert fh.read() == d.text


def _without_source(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        if t[1] != KGO.sourceFile:
            out.add(t)
    return out


def test_io_every_encoding_gives_the_same_graph(tmp_path: Path) -> None:
    """Same stem in different folders: the article IRIs (stem + digest of the cleaned
    text) agree, so the Turtle must be byte-identical once the folder is normalised."""
    ttl: dict[str, str] = {}
    graphs: dict[str, Graph] = {}
    for i, (name, encode) in enumerate(ENCODINGS.items()):
        folder = tmp_path / f"v{i}"
        folder.mkdir()
        (folder / "page.txt").write_bytes(encode(PAGE))
        res = build_graph([folder])
        assert res.skipped == [], name
        graphs[name] = res.graph
        ttl[name] = res.graph.serialize(format="turtle").replace(folder.as_posix(), "DIR")
    assert len(graphs["utf-8"]) > 50
    for name in ENCODINGS:
        assert ttl[name] == ttl["utf-8"], name
        assert isomorphic(_without_source(graphs[name]), _without_source(graphs["utf-8"])), name


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 8


BAD_INPUTS: list[tuple[str, bytes, str]] = [
    ("empty", b"", "^empty$"),
    ("whitespace only", " \r\n\t\u3000\n".encode(), "empty"),
    ("BOM only", codecs.BOM_UTF8 + b"\r\n", "empty"),
    ("PNG image", _png(), "binary data .a PNG image"),
    ("PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
    ("docx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "ZIP archive"),
    ("random bytes", random.Random(8).randbytes(8192), "binary data"),
    ("NUL-laden UTF-8", b"\x00".join(c.encode() for c in PAGE), "NUL"),
    ("only NULs", bytes(300), "only NUL bytes"),
    ("control characters", bytes(range(1, 32)) * 40, "binary data"),
    ("broken UTF-16 after BOM",
     codecs.BOM_UTF16_LE + "市委".encode("utf-16-le") + b"\x00\xdc" + "书记".encode("utf-16-le"),
     "byte-order mark but is not utf-16 text"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_io_detect_rejects_what_is_not_text(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        detect(data)


def _corrupt(data: bytes, at: int) -> bytes:
    return data[:at] + b"\xff" + data[at:]


REPAIRS: list[tuple[str, bytes, str, str]] = [
    # (name, bytes, what the text must equal or contain, note)
    ("truncated GBK", PAGE.rstrip("\n").encode("gbk")[:-1], PAGE.rstrip("\n")[:-1], "cut-off"),
    ("truncated UTF-8", PAGE.rstrip("\n").encode()[:-2], PAGE.rstrip("\n")[:-1], "cut-off"),
    ("truncated UTF-16 LE", PAGE.rstrip("\n").encode("utf-16-le")[:-1], PAGE.rstrip("\n")[:-1],
     "cut-off"),
    ("NUL-padded UTF-8", PAGE.encode() + bytes(4096), PAGE, "NUL bytes at the end"),
    ("NUL-padded UTF-16 LE", PAGE.encode("utf-16-le") + bytes(4095), PAGE, "NUL bytes at the end"),
    ("corrupt byte in UTF-8", _corrupt(PAGE.encode(), 100), "\ufffd", "replaced by U+FFFD"),
    ("corrupt byte in GBK", _corrupt(PAGE.encode("gbk"), 101), "\ufffd", "replaced by U+FFFD"),
]


@pytest.mark.parametrize(("name", "data", "expected", "note"), REPAIRS, ids=[r[0] for r in REPAIRS])
def test_io_detect_repairs_damaged_text(name: str, data: bytes, expected: str, note: str) -> None:
    d = detect(data)
    if len(expected) > 1:
        assert d.text == expected
    else:  # a corrupt byte: replaced, and the text around it intact
        assert expected in d.text
        assert d.text.startswith(PAGE[:25]) and d.text.endswith(PAGE[-60:])
    assert len(d.notes) == 1 and note in d.notes[0]


def test_io_detect_one_huge_line() -> None:
    line = ("本报讯 副市长毕晓阳出席活动。" + "x" * 2000) * 1500
    d = detect(line.encode("gbk"))
    assert d.text == line and d.encoding == "gb18030"


def test_io_read_page_warns_naming_the_file(tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    f = tmp_path / "cut.txt"
    f.write_bytes(PAGE.rstrip("\n").encode("gbk")[:-1])
    with caplog.at_level(logging.WARNING, logger="kg.io"):
        page = read_page(f)
    assert page.encoding == "gb18030"
    assert "毕晓阳" in page.text
    assert any(str(f) in r.getMessage() and "cut-off" in r.getMessage() for r in caplog.records)


def test_io_read_page_errors(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match="a folder"):
        read_page(tmp_path / "folder.txt")
    with pytest.raises(InputError, match="no such file"):
        read_page(tmp_path / "missing.txt")


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(_running_as_root(), reason="root reads files without read permission")
def test_io_read_page_without_permission(tmp_path: Path) -> None:
    f = tmp_path / "secret.txt"
    f.write_text(PAGE, encoding="utf-8")
    f.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            read_page(f)
    finally:
        f.chmod(0o644)


def test_io_find_inputs_reports_what_it_cannot_read(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(PAGE, encoding="utf-8")
    (root / "sub" / "B.TXT").write_text(PAGE, encoding="utf-8")
    (root / "foo.txt").mkdir()  # a folder named like a page: searched, not read
    (root / "foo.txt" / "c.txt").write_text(PAGE, encoding="utf-8")
    (root / "notes.md").write_text("not a page", encoding="utf-8")
    (root / ".ipynb_checkpoints").mkdir()  # hidden: a copy the user did not mean
    (root / ".ipynb_checkpoints" / "a-checkpoint.txt").write_text(PAGE, encoding="utf-8")
    (root / ".a.txt.swp.txt").write_text(PAGE, encoding="utf-8")
    (root / "broken.txt").symlink_to(root / "nowhere.txt")
    (root / "loop1.txt").symlink_to(root / "loop2.txt")
    (root / "loop2.txt").symlink_to(root / "loop1.txt")
    fifo = hasattr(os, "mkfifo")
    if fifo:
        os.mkfifo(root / "pipe.txt")  # reading it would block forever
    missing = tmp_path / "missing.txt"

    files, skipped = find_inputs([root, missing, root / "a.txt"])
    assert files == [root / "a.txt", root / "foo.txt" / "c.txt", root / "sub" / "B.TXT"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["broken.txt"] == "broken symbolic link"
    assert reasons["loop1.txt"] == reasons["loop2.txt"] == "symbolic link loop"
    assert reasons["missing.txt"] == "no such file or folder"
    if fifo:
        assert reasons["pipe.txt"] == "a named pipe, not a file"
        _, alone = find_inputs([root / "pipe.txt"])
        assert [s.reason for s in alone] == ["a named pipe, not a file"]
    assert len(skipped) == 4 + fifo
    assert find_inputs([root, missing, root / "a.txt"]) == (files, skipped)  # stable


def test_io_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "graph.ttl"
    atomic_write(target, "旧\n")
    atomic_write(target, "新的图\n")
    assert target.read_text(encoding="utf-8") == "新的图\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.ttl"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_io_atomic_write_flushes_file_and_folder(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    kinds: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        kinds.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    atomic_write(tmp_path / "graph.html", b"<html></html>")
    assert kinds == ["file", "dir"]


class _Boom(Exception):
    pass


@pytest.mark.parametrize("where", ["write", "fsync", "replace", "interrupt"])
def test_io_atomic_write_failure_keeps_the_old_file(tmp_path: Path, where: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old complete graph\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt if where == "interrupt" else OSError(28, "No space left on device")

    if where == "write":
        real_fdopen = os.fdopen

        class Half:
            def __init__(self, fd: int) -> None:
                self.f = real_fdopen(fd, "wb")

            def __enter__(self) -> Half:
                return self

            def __exit__(self, *exc: object) -> None:
                self.f.close()

            def write(self, data: bytes) -> int:
                self.f.write(data[: len(data) // 2])
                self.f.flush()
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: Half(fd))
    elif where in ("fsync", "interrupt"):
        monkeypatch.setattr(os, "fsync", fail)
    else:
        monkeypatch.setattr(os, "replace", fail)
    expected: type[BaseException] = KeyboardInterrupt if where == "interrupt" else OutputError
    with pytest.raises(expected) as info:
        atomic_write(target, b"new graph, much longer than the old one\n" * 1000)
    if expected is OutputError:
        assert str(target) in str(info.value) and "no space left" in str(info.value)
    assert target.read_bytes() == b"old complete graph\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # the temp file is gone


def test_io_atomic_write_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"cannot write .*graph\.ttl: not a directory"):
        atomic_write(blocker / "out" / "graph.ttl", "x")


_FRAGMENTS = [
    "市委书记", "韩立新", "副县长", "欧阳春雷", "，", "。", "、", "“", "”", "（", "）",
    "\n", "\r\n", " ", "2023", "年", "5月", "GDP", "5G", "%", "：", "—", "·", "本报讯",
    "记者", "东湖镇", "北塘村", "项目", "“五好”", "Email: news@example.cn", "\t", "①",
    "■", "…", "《", "》", "　",
]
_ROUND_TRIP = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 BOM": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "gbk": lambda t: t.encode("gbk"),
    "utf-16 BOM": lambda t: t.encode("utf-16"),
    "utf-16 LE": lambda t: t.encode("utf-16-le"),
    "utf-16 BE": lambda t: t.encode("utf-16-be"),
}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=8, max_size=60).map("".join),
       st.sampled_from(sorted(_ROUND_TRIP)))
def test_io_detect_round_trips_news_text(text: str, encoding: str) -> None:
    """Any text of 20+ characters made of news fragments decodes back exactly, in every
    supported encoding (shorter BOM-less UTF-16 can be genuinely ambiguous)."""
    assume(len(text) >= 20)
    assert detect(_ROUND_TRIP[encoding](text)).text == text


def test_io_find_inputs_reports_a_folder_it_cannot_list(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(PAGE, encoding="utf-8")
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path).name == "locked":  # as for a folder without read permission
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, skipped = find_inputs([tmp_path])
    assert files == [tmp_path / "open" / "a.txt"]
    assert [(s.path, s.reason) for s in skipped] == [
        ((tmp_path / "locked").as_posix(), "cannot list folder: permission denied")]


def test_io_surely_text_class_holds_no_suspect_character() -> None:
    """The shortcut in _texty skips these characters: none may be a control,
    private-use, unassigned or surrogate character (layout controls aside)."""
    import unicodedata

    from kg.io import _SURELY_TEXT

    suspect = [
        hex(c)
        for c in range(0x10000)
        if not 0xD800 <= c <= 0xDFFF
        and _SURELY_TEXT.fullmatch(chr(c))
        and chr(c) not in "\t\n\r\f\v"
        and unicodedata.category(chr(c)) in ("Cc", "Co", "Cn", "Cs")
    ]
    assert suspect == []
