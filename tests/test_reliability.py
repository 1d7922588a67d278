"""Reliability and security (issue 8): bad input, faults and hostile text lose nothing.

A corpus of malformed inputs built by `kg build`; property tests over arbitrary text;
builds killed mid-write; byte-identical outputs across hash seeds; page text that tries
to inject markup into graph.html; no network access at run time. All pages are
invented here and written into tmp_path.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS

from kg.clean import clean
from kg.cli import cli
from kg.model import Page
from kg.pipeline import build_text, extract_page
from kg.render import to_html

# --- invented pages ---------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈彭吕苏蒋蔡"
GIVEN = "建国明华立新文涛晓阳春雷佳怡子墨启慧家豪一帆远禾振宇思源海燕志强永胜卫东德成"
TITLES = ["市委书记", "市长", "副市长", "市委常委、宣传部部长", "区委书记", "县长",
          "镇党委书记", "市人大常委会主任", "市政协副主席"]
PLACES = ["东湖区", "青石县", "柳林镇", "南岗街道", "北塘村"]
PROGRAMMES = ["双百", "三个一批", "千村示范", "五好"]


def page(secretary: str, deputy: str, reporter: str, place: str = "青石县") -> str:
    """A short municipal-news page naming three people."""
    return (
        f"本报讯（记者 {reporter}）6月3日，市委书记{secretary}到{place}调研“双百”工程推进情况。"
        f"市委常委、副市长{deputy}参加调研。\n"
        f"{secretary}强调，要坚持问题导向，抓好项目建设，推动各项工作落地见效。\n"
        f"{deputy}表示，将认真落实会议部署，确保按期完成任务。\n"
    )


def random_page(r: random.Random) -> str:
    def name() -> str:
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))

    parts = []
    for _ in range(r.randint(3, 6)):
        a, b, c = name(), name(), name()
        parts.append(
            f"本报讯（记者 {a}）{r.randint(1, 12)}月{r.randint(1, 28)}日，{r.choice(TITLES)}{b}"
            f"到{r.choice(PLACES)}调研“{r.choice(PROGRAMMES)}”工程推进情况。"
            f"{r.choice(TITLES)}{c}参加调研。\n{b}强调，要抓好项目建设，推动各项工作落地见效。\n\n")
    return "".join(parts)


def write_corpus(folder: Path, pages: int, seed: int) -> Path:
    r = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(pages):
        (folder / f"p{i:03d}.txt").write_text(random_page(r), encoding="utf-8")
    return folder


def kg_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg.cli", *args]


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# --- a corpus of malformed inputs -------------------------------------------------------

def _malformed_corpus(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Writes the corpus; returns {file: a person its page names} for the files that
    must be built and {file: reason} for those that must be skipped."""
    built: dict[str, str] = {}
    skipped: dict[str, str] = {}

    def good(name: str, data: bytes, person: str) -> None:
        (root / name).write_bytes(data)
        built[name] = person

    root.mkdir()
    good("utf8.txt", page("韩立新", "邵文涛", "周明远").encode(), "韩立新")
    good("gbk.txt", page("钟启明", "甘晓慧", "冉小禾").encode("gbk"), "钟启明")
    good("utf16le_nobom.txt", page("龙佳怡", "田子墨", "蒋一帆").encode("utf-16-le"), "龙佳怡")
    good("utf16be_nobom.txt", page("范春雷", "尹家豪", "毕晓阳").encode("utf-16-be"), "范春雷")
    good("utf16_bom.txt", page("邓振宇", "许海燕", "吕思源").encode("utf-16"), "邓振宇")
    good("utf8_bom_crlf.txt",
         codecs.BOM_UTF8 + page("沈卫东", "苏永胜", "彭德成").replace("\n", "\r\n").encode(),
         "沈卫东")
    first, second, rest = page("曹建国", "袁文涛", "程子墨").split("\n", 2)
    mixed = f"{first}\r\n{second}\r{rest}"  # CRLF, CR and LF line ends in one page
    good("mixed_line_ends.txt", mixed.encode("gb18030"), "曹建国")
    truncated = page("冯立华", "董佳怡", "谢一帆").rstrip("\n").encode("gbk")[:-1]
    good("truncated_gbk.txt", truncated, "冯立华")
    good("nul_padded.txt", page("唐明远", "梁春雷", "宋晓阳").encode() + bytes(8192), "唐明远")
    # one line of 3 MB: a page exported without line breaks, padded by an ASCII blob
    blob = "".join(random.Random(3).choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/")
                   for _ in range(4000))
    line = page("郑启慧", "罗家豪", "马永胜").replace("\n", "") + blob
    good("huge_single_line.txt", (line * (3_000_000 // len(line.encode()) + 1)).encode(), "郑启慧")
    (root / "folder.txt").mkdir()  # a folder named like a page: searched
    good("folder.txt/inner.txt", page("何志强", "郭思源", "林海燕").encode(), "何志强")

    def bad(name: str, data: bytes, reason: str) -> None:
        (root / name).write_bytes(data)
        skipped[name] = reason

    bad("empty.txt", b"", "empty")
    bad("blank.txt", " \r\n\u3000\n".encode(), "empty (only whitespace)")
    bad("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "binary data (a PNG image), not text")
    bad("nul_laden.txt", b"\x00".join(c.encode() for c in page("王一", "李二", "张三")),
        "NUL byte(s)), not text")
    bad("random.txt", random.Random(5).randbytes(20000), "binary data")
    (root / "loop_a.txt").symlink_to(root / "loop_b.txt")
    (root / "loop_b.txt").symlink_to(root / "loop_a.txt")
    skipped["loop_a.txt"] = skipped["loop_b.txt"] = "symbolic link loop"
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    skipped["dangling.txt"] = "broken symbolic link"
    if not _running_as_root():  # root reads it anyway
        bad("no_permission.txt", page("孙建华", "朱立新", "高文涛").encode(), "permission denied")
        (root / "no_permission.txt").chmod(0)
    return built, skipped


def test_reliability_malformed_corpus_builds_the_rest(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "pages"
    built, skipped = _malformed_corpus(root)
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING):
        res = CliRunner().invoke(cli, ["build", str(root), "-o", str(out), "-j", "1"])
    assert res.exit_code == 3, res.output
    assert "Traceback" not in res.output

    # the summary at the end lists every skipped file with its reason, nothing else
    lines = res.stderr.splitlines()
    start = max(i for i, x in enumerate(lines) if "input(s) skipped" in x)
    summary = lines[start + 1:]
    assert lines[start].startswith(f"kg: {len(skipped)} input(s) skipped")
    listed: dict[str, str] = {}
    for x in summary:
        m = re.fullmatch(r"skipped (.+?): (.+)", x)
        assert m, x
        listed[m[1]] = m[2]
    assert {Path(p).relative_to(root).as_posix() for p in listed} == set(skipped)
    for p, reason in listed.items():
        assert skipped[Path(p).relative_to(root).as_posix()] in reason, (p, reason)
    # files read (not found) and skipped, and repairs, are warnings naming the file
    warnings = "\n".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    for name in ("empty.txt", "blank.txt", "picture.txt", "nul_laden.txt", "random.txt"):
        assert re.search(rf"skipped \S+/{name}: ", warnings), name
    assert re.search(r"truncated_gbk\.txt: last 1 byte\(s\) are a cut-off character", warnings)
    assert re.search(r"nul_padded\.txt: 8192 NUL bytes at the end ignored", warnings)

    g = Graph().parse(out / "graph.ttl", format="turtle")
    people = {str(o) for s in g.subjects(RDF.type, FOAF.Person) for o in g.objects(s, RDFS.label)}
    for name, person in built.items():
        assert person in people, name
    assert f"pages: {len(built)} " in res.stdout
    (root / "no_permission.txt").unlink(missing_ok=True)


def test_reliability_nothing_built_keeps_previous_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_bytes(b"previous turtle\n")
    (out / "graph.html").write_bytes(b"previous html\n")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    runner = CliRunner()
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    for args in ([str(bad)], [str(tmp_path / "missing")], [str(bad / "empty.txt")],
                 [str(tmp_path / "pictures")]):  # a folder with no page
        res = runner.invoke(cli, ["build", *args, "-o", str(out), "-j", "1"])
        assert res.exit_code == 2, res.output
        assert "nothing written" in res.stderr and "Traceback" not in res.output
        assert (out / "graph.ttl").read_bytes() == b"previous turtle\n"
        assert (out / "graph.html").read_bytes() == b"previous html\n"
    res = runner.invoke(cli, ["build", str(bad), "-o", str(out), "-j", "1"])
    lines = res.stderr.splitlines()
    assert lines[-1] == "kg: error: all 2 inputs were skipped (listed above); nothing written"
    assert f"skipped {bad / 'image.txt'}: binary data (a PNG image), not text" in lines
    assert f"skipped {bad / 'empty.txt'}: empty" in lines


# --- arbitrary text ---------------------------------------------------------------------

FRAGMENTS = [
    "市委书记", "副市长", "县委常委、宣传部部长", "镇党委书记", "党组书记", "、", "，", "。",
    "：", ":", ",", "记者", "通讯员", "诵讯员", "本报讯（记者 ", "）", "（", "“", "”", "\"",
    "韩立新", "邵文涛", "欧阳春雷", "毕晓阳", "方 晓", "韩\n梅", "市政\n协副主席",
    "经济技\n术开发区",
    "市委", "宣传部", "部长", "市人大常委会", "高新区", "东湖镇", "北塘村", "青石县", "河南省",
    "“五好”支部", "“双百”工程", "三个一批", "万人助万企", "调研", "强调", "出席", "参加",
    "2023年", "5月", "12日", "第", "届", "·", "—", "……", "摄", "③5", "05 民生·社会",
    "\n", "\r\n", "\r", " ", "\u3000", "\t", "\x00", "\x0c", "\ufeff", "\u200b", "<b>", "&amp;",
]
_TITLE_NAME = st.builds(
    "{}{}{}{}".format,
    st.sampled_from(["", "市", "县", "东湖区", "市委", "县委", "镇", "市人大常委会", "市政府"]),
    st.sampled_from(["书记", "副书记", "常委、宣传部部长", "副市长", "县长", "主任",
                     "党组书记、局长"]),
    st.sampled_from(["韩立新", "邵文涛", "欧阳春雷", "毕 晓阳", "甘慧", "龙\n佳怡", "田子墨"]),
    st.sampled_from(["", "，", "、", "。", "出席", "强调", "参加调研。", "表示，", "\n", " "]),
)
# sentences of title-name chains with noise between them, as the pages have
# characters that normalisation could change or that take two code units elsewhere
ODD = ["０１２", "Ａａ", "①", "⑵", "㈠", "豈", "車", "﹐", "︰", "・", "･", "ｰ", "\u0301", "\u200d",
       "\u00ad", "\u2060", "\ufe0f", "\U00020000", "\U0002a6d6", "⼀", "〇", "\U0001f600", "ﬁ",
       "Ⅻ", "㍿"]
NEWS = st.lists(
    st.one_of(_TITLE_NAME, _TITLE_NAME, st.sampled_from(FRAGMENTS), st.sampled_from(ODD),
              st.text(max_size=2)),
    max_size=40,
).map("".join)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=60).map("".join),
    NEWS,
    NEWS,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_reliability_arbitrary_text_never_crashes(text: str) -> None:
    g = build_text(text)
    assert len(g) > 0  # at least the ontology axioms
    g.serialize(format="turtle")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_reliability_offsets_point_at_their_text(text: str) -> None:
    cleaned = clean(text)
    digest = hashlib.sha1(cleaned.encode("utf-8")).hexdigest()
    result = extract_page(Page("fuzz.txt", cleaned, digest))
    for ex in result.extractions:
        article = ex.article.text
        for m in ex.mentions:
            assert article[m.start:m.end] == m.text, m
        for p in ex.positions:
            assert p.evidence.strip() in article[p.start:p.end], p


def test_reliability_long_run_of_ideographs_is_linear() -> None:
    """A page pasted as one run of 100,000 ideographs (no space, no punctuation) builds
    in a few seconds, not minutes."""
    code = ("from kg.pipeline import build_text\n"
            "build_text(''.join(chr(0x4E00 + i * 7919 % 20000) for i in range(100_000)))\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=12)


# --- same input, same bytes; a build killed at any moment -------------------------------

OUTPUTS = ("graph.ttl", "graph.html")


@dataclass(frozen=True)
class Reference:
    pages: Path
    outputs: dict[str, bytes]  # a complete build of `pages`
    duration: float  # how long that build took, in seconds


def _build(pages: Path, out: Path, hash_seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(kg_cmd("build", str(pages), "-o", str(out), "-j", "1"), env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """A generated corpus of 20 pages and its outputs, built once in its own process."""
    root = tmp_path_factory.mktemp("reference")
    pages = write_corpus(root / "pages", 20, seed=2)
    (pages / "gbk.txt").write_bytes(page("韩立新", "邵文涛", "周明远").encode("gbk"))
    started = time.monotonic()
    proc = _build(pages, root / "out", hash_seed="0")
    assert proc.returncode == 0, proc.stderr
    outputs = {n: (root / "out" / n).read_bytes() for n in OUTPUTS}
    return Reference(pages, outputs, time.monotonic() - started)


def test_reliability_outputs_identical_across_hash_seeds(reference: Reference,
                                                         tmp_path: Path) -> None:
    proc = _build(reference.pages, tmp_path / "out", hash_seed="4242")
    assert proc.returncode == 0, proc.stderr
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).read_bytes() == reference.outputs[name], name


_TEMP = re.compile(r"^\.graph\.(ttl|html)\.\d+\.[0-9a-f]+\.tmp$")
# kg build that kills itself (SIGKILL) just before renaming a temp file onto argv[1]
_KILL_BEFORE_RENAME = """
import os, signal, sys
target = sys.argv.pop(1)
real = os.replace
def replace(src, dst, *a, **k):
    if os.fspath(dst).endswith(target):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *a, **k)
os.replace = replace
from kg.cli import main
sys.argv[0] = "kg"
main()
"""


def _start(cmd: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _kill_when(proc: subprocess.Popen[bytes], event: Callable[[], bool]) -> None:
    """SIGKILL the build (its whole process group) as soon as `event()` holds, polled as
    fast as possible; a build that ends first is left alone."""
    while proc.poll() is None:
        if event():
            os.killpg(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)


def _states(out: Path, old: dict[str, bytes], new: dict[str, bytes]) -> tuple[str, str]:
    """Each output is the complete old or the complete new version; anything else in
    the folder is a hidden temp file."""
    names = sorted(os.listdir(out))
    assert [n for n in names if not n.startswith(".")] == ["graph.html", "graph.ttl"]
    assert all(_TEMP.match(n) for n in names if n.startswith(".")), names
    states = []
    for name in OUTPUTS:
        data = (out / name).read_bytes()
        assert data in (old[name], new[name]), f"{name} is neither the old nor the new one"
        states.append("old" if data == old[name] else "new")
    return states[0], states[1]


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
def test_reliability_killed_build_leaves_old_or_new_outputs(reference: Reference,
                                                            tmp_path: Path) -> None:
    previous = build_text(page("龙佳怡", "田子墨", "蒋一帆"))  # an earlier, different build
    old = {"graph.ttl": previous.serialize(format="turtle").encode(),
           "graph.html": to_html(previous).encode()}
    new = reference.outputs
    assert old["graph.ttl"] != new["graph.ttl"] and old["graph.html"] != new["graph.html"]
    for data in (old["graph.ttl"], new["graph.ttl"]):  # both complete Turtle
        assert len(Graph().parse(data=data, format="turtle")) > 50
    out = tmp_path / "out"
    build = kg_cmd("build", str(reference.pages), "-o", str(out), "-j", "1")

    def restore() -> None:
        out.mkdir(exist_ok=True)
        for n in os.listdir(out):
            (out / n).unlink()
        for name, data in old.items():
            (out / name).write_bytes(data)

    def after(fraction: float) -> Callable[[], bool]:
        t0 = time.monotonic()
        return lambda: time.monotonic() - t0 > fraction * reference.duration

    def temp_exists(kind: str) -> Callable[[], bool]:
        return lambda: any(n.startswith(f".graph.{kind}.") for n in os.listdir(out))

    seen = set()
    # killed half-way, and the moment a temp file appears (mid-write, when caught)
    plans: list[Callable[[], Callable[[], bool]]] = [
        lambda: after(0.5), lambda: temp_exists("ttl"), lambda: temp_exists("html"),
    ]
    for plan in plans:
        restore()
        event = plan()
        _kill_when(_start(build), event)
        seen.add(_states(out, old, new))
    # killed for sure between writing a temp file and renaming it
    for target, expected in (("graph.ttl", ("old", "old")), ("graph.html", ("new", "old"))):
        restore()
        proc = _start([sys.executable, "-c", _KILL_BEFORE_RENAME, target, *build[3:]])
        proc.wait(timeout=300)
        assert proc.returncode == -signal.SIGKILL
        assert _states(out, old, new) == expected
        assert any(_TEMP.match(n) for n in os.listdir(out))  # the hidden leftover
        seen.add(expected)
    assert {("old", "old"), ("new", "old")} <= seen
    # leftovers are ignored: the next build completes and gives the new outputs
    final = _build(reference.pages, out, hash_seed="7")
    assert final.returncode == 0, final.stderr
    assert _states(out, old, new) == ("new", "new")


# --- hostile page text ------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE = (
    f"本报讯（记者 {SCRIPT}）6月3日，市委书记{IMG}到{SCRIPT}高新区调研“{IMG}”工程。\n"
    f"{SCRIPT}市委常委、秘书长邵文涛，副市长<b>毕晓阳</b>参加调研。\n"
    f"“{SCRIPT}”行动推进会在东湖镇召开 {IMG}\n"
    f"市委书记韩立新{SCRIPT}出席会议并讲话。\u2028</script><!--\n"
)


class _Tags(HTMLParser):
    """Start tags, attributes and script bodies of a page, as a browser tokenises them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _assert_no_injection(html: str, baseline: str) -> None:
    for raw in (SCRIPT, IMG, "<imgsrc=x", "<b>毕晓阳", "</script><!--"):
        assert raw not in html, raw
    tags, base = _Tags(), _Tags()
    tags.feed(html)
    base.feed(baseline)
    assert not any(t == "img" for t, _ in tags.tags)
    assert not any(a.lower().startswith("on") and "alert" in (v or "")
                   for _, attrs in tags.tags for a, v in attrs)
    # the hostile page adds no element: same number of script tags as a harmless page
    assert sum(t == "script" for t, _ in tags.tags) == sum(t == "script" for t, _ in base.tags)
    assert not any(s.strip().startswith("alert") for s in tags.scripts)


def test_reliability_html_escapes_hostile_page_text(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    harmless = tmp_path / "harmless"
    harmless.mkdir()
    (harmless / "p.txt").write_text(page("韩立新", "邵文涛", "周明远"), encoding="utf-8")
    runner = CliRunner()
    for src, out in ((pages, tmp_path / "out"), (harmless, tmp_path / "base")):
        res = runner.invoke(cli, ["build", str(src), "-o", str(out), "-j", "1"])
        assert res.exit_code == 0, res.output
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "alert(1)" in ttl  # the hostile text did reach the graph, as data
    _assert_no_injection((tmp_path / "out" / "graph.html").read_text(encoding="utf-8"),
                         (tmp_path / "base" / "graph.html").read_text(encoding="utf-8"))


def test_reliability_html_escapes_hostile_labels() -> None:
    """Labels straight in a graph (as a hand-edited or foreign graph could hold)."""
    g = build_text(page("韩立新", "邵文涛", "周明远"))
    baseline = to_html(g)
    kgr = "https://w3id.org/kg-zh/id/person/"
    for i, label in enumerate([SCRIPT, IMG, "</script><script>alert(1)</script>",
                               "\u2028</script><!--", "韩立新\"><img src=x onerror=alert(1)>"]):
        s = URIRef(f"{kgr}hostile{i}")
        g.add((s, RDF.type, FOAF.Person))
        g.add((s, RDFS.label, Literal(label, lang="zh")))
    _assert_no_injection(to_html(g), baseline)


# --- no network ---------------------------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every attempt to open a connection or resolve a name is recorded and refused."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network access blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts


def test_reliability_build_and_query_without_network(tmp_path: Path,
                                                     no_network: list[Any]) -> None:
    pages = write_corpus(tmp_path / "pages", 3, seed=7)
    (pages / "x.txt").write_text(page("韩立新", "邵文涛", "周明远"), encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(cli, ["build", str(pages), "-o", str(out), "-j", "1"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["query", str(out / "graph.ttl"),
                              "SELECT ?n WHERE { ?p a foaf:Person ; rdfs:label ?n } ORDER BY ?n"])
    assert res.exit_code == 0, res.output
    assert "韩立新" in res.stdout
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?://""", html)
    assert no_network == []


def test_reliability_service_refused_without_network(tmp_path: Path,
                                                     no_network: list[Any]) -> None:
    g = build_text(page("韩立新", "邵文涛", "周明远"))
    ttl = tmp_path / "graph.ttl"
    ttl.write_text(g.serialize(format="turtle"), encoding="utf-8")
    sparql = ("SELECT * WHERE { ?p a foaf:Person . "
              "SERVICE <http://example.org/sparql> { ?p ?q ?o } }")
    res = CliRunner().invoke(cli, ["query", str(ttl), sparql])
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("kg: error:") and "SERVICE" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert no_network == []  # refused before anything was fetched
