"""graph.html in a real browser: headless Debian chromium with the network cut off
draws the network, and page text cannot inject markup or script.

Skipped when chromium is missing, except under CI (CI=true), where it must be there
(.ci/run installs it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import FOAF, ORG, PROV, SKOS

from kg.namespace import KGO, KGR, SDO
from kg.pipeline import build_graph, build_text
from kg.render import KIND, to_html

EVIL_IMG = "<img src=x onerror=alert(1)>"
EVIL_SCRIPT = "<script>alert(1)</script>"
SIDEBAR = 300  # px: the network is drawn right of the side panel (see kg.render CSS)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None and Path("/usr/bin/chromium").exists():
        path = "/usr/bin/chromium"
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (.ci/run should apt-get install it)")
        pytest.skip("chromium is not installed")
    return path


def run_chromium(exe: str, tmp: Path, page: Path, *args: str, fragment: str = "") -> str:
    """Load `page` in headless chromium with networking disabled; return stdout."""
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--disable-default-apps", "--disable-extensions",
           f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9",
           "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
           "--force-device-scale-factor=1", "--window-size=1200,900",
           "--virtual-time-budget=15000", *args, page.resolve().as_uri() + fragment]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """(width, height, RGB pixels row by row) of an 8-bit RGB or RGBA, non-interlaced
    PNG, with the standard library only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = depth = colour = interlace = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    pixels: list[tuple[int, int, int]] = []
    for y in range(height):
        start = y * (stride + 1)
        kind_, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind_ == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind_ == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind_ == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind_ == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        pixels.extend(zip(line[0::bpp], line[1::bpp], line[2::bpp]))
        prev = line
    return width, height, pixels


class _Dom(HTMLParser):
    """Elements of a dumped DOM, and the text of the side panel."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.panel = ""
        self._depth = 0  # inside #kg-panel

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if a.get("id") == "kg-panel":
            self._depth = 1
        elif self._depth and tag not in ("br", "img", "input", "meta", "link"):
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.panel += data


def dom(text: str) -> _Dom:
    d = _Dom()
    d.feed(text)
    return d


def assert_no_injection(page_html: str, dumped: str) -> _Dom:
    """Neither the file nor the live DOM holds markup or script that page text made."""
    assert "<img" not in page_html
    assert EVIL_SCRIPT not in page_html and "alert(1)</script>" not in page_html
    d = dom(dumped)
    tags = [t for t, _ in d.elements]
    assert "img" not in tags
    assert not [a for _, a in d.elements if any(k.startswith("on") for k in a)]
    scripts = [a for t, a in d.elements if t == "script"]
    assert sorted(a.get("id") or "" for a in scripts) == [
        "", "", "kg-data", "kg-edges", "kg-nodes", "kg-options"]
    assert "data-kg-drawn" in dumped  # the page's own script ran to the end
    return d


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples = Path(str(resources.files("kg").joinpath("samples")))
    result = build_graph([samples])
    path = tmp_path_factory.mktemp("sample") / "graph.html"
    path.write_text(to_html(result.graph), encoding="utf-8")
    return path


def test_browser_draws_the_sample_graph(chromium: str, sample_page: Path,
                                        tmp_path: Path) -> None:
    shot = tmp_path / "graph.png"
    run_chromium(chromium, tmp_path, sample_page, f"--screenshot={shot}")
    width, height, pixels = decode_png(shot.read_bytes())
    assert (width, height) == (1200, 900)
    canvas = [pixels[y * width + x] for y in range(0, height, 2)
              for x in range(SIDEBAR + 10, width, 2)]  # every 4th pixel of the network area
    drawn = [p for p in canvas if min(p) < 235]
    assert len(drawn) > 0.01 * len(canvas), f"only {len(drawn)} of {len(canvas)} pixels drawn"
    colours = Counter((r >> 4, g >> 4, b >> 4) for r, g, b in drawn)
    assert sum(1 for n in colours.values() if n >= 5) >= 8, colours.most_common(12)

    def near(hex_colour: str) -> int:
        c = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        return sum(1 for p in canvas if max(abs(a - b) for a, b in zip(p, c)) <= 24)

    for kind in ("person", "org"):  # nodes drawn in their type's colour
        assert near(KIND[kind].colour) >= 20, kind


def test_browser_page_works_offline(chromium: str, sample_page: Path, tmp_path: Path) -> None:
    dumped = run_chromium(chromium, tmp_path, sample_page, "--dump-dom")
    d = dom(dumped)
    network = [a for t, a in d.elements if a.get("id") == "kg-network"]
    assert network and "canvas" in [t for t, _ in d.elements]
    assert re.search(r'<body data-kg-drawn="\d+"', dumped)
    assert [a for t, a in d.elements if t == "input" and a.get("data-kind")]  # type filters
    assert "kg-search" in [a.get("id") for _, a in d.elements]


def test_browser_search_from_link_selects_an_entity(chromium: str, sample_page: Path,
                                                    tmp_path: Path) -> None:
    nodes = json.loads(re.search(r'id="kg-nodes">(.*?)</script>',
                                 sample_page.read_text(encoding="utf-8"), re.S).group(1))
    person = next(n for n in nodes if n["kind"] == "person" and n["facts"].get("pos"))
    dumped = run_chromium(chromium, tmp_path, sample_page, "--dump-dom",
                          fragment="#" + quote(person["label"]))
    panel = dom(dumped).panel
    assert person["label"] in panel
    assert "职务 positions" in panel and person["facts"]["pos"][0][0] in panel


def test_browser_malformed_link_is_ignored(chromium: str, sample_page: Path,
                                           tmp_path: Path) -> None:
    # a percent escape that is not UTF-8: decodeURIComponent throws URIError
    dumped = run_chromium(chromium, tmp_path, sample_page, "--dump-dom", fragment="#%E0%A4%A")
    assert re.search(r'<body data-kg-drawn="\d+"', dumped)  # it went on to draw the network


def evil_graph() -> Graph:
    """A person, an organization, a post, its evidence and its article, every text of
    which is hostile markup."""
    g = Graph()
    art, person, org = KGR["article/evil"], KGR["person/evil"], KGR["org/evil"]
    member, role = KGR["membership/evil"], KGR["role/evil"]
    g.add((art, RDF.type, SDO.NewsArticle))
    g.add((art, SDO.headline, Literal(f"标题{EVIL_SCRIPT}", lang="zh")))
    g.add((art, KGO.sourceFile, Literal(f"pages/{EVIL_IMG}.txt")))
    g.add((person, RDF.type, FOAF.Person))
    g.add((person, RDFS.label, Literal(EVIL_IMG, lang="zh")))
    g.add((person, SKOS.altLabel, Literal(f"</script>{EVIL_SCRIPT}", lang="zh")))
    g.add((org, RDF.type, ORG.Organization))
    g.add((org, RDFS.label, Literal(f"机构{EVIL_SCRIPT}", lang="zh")))
    g.add((role, RDF.type, ORG.Role))
    g.add((role, RDFS.label, Literal(f"主任{EVIL_IMG}", lang="zh")))
    g.add((member, RDF.type, ORG.Membership))
    g.add((member, ORG.member, person))
    g.add((member, ORG.organization, org))
    g.add((member, ORG.role, role))
    g.add((member, KGO.evidence, Literal(f"证据{EVIL_IMG}{EVIL_SCRIPT}", lang="zh")))
    g.add((member, PROV.wasDerivedFrom, art))
    return g


def test_browser_page_text_cannot_inject_markup(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "evil.html"
    html_text = to_html(evil_graph())
    page.write_text(html_text, encoding="utf-8")
    dumped = run_chromium(chromium, tmp_path, page, "--dump-dom", fragment="#" + quote(EVIL_IMG))
    d = assert_no_injection(html_text, dumped)
    # the selected entity's facts are there, as text
    assert EVIL_IMG in d.panel
    assert f"证据{EVIL_IMG}{EVIL_SCRIPT}" in d.panel
    assert f"标题{EVIL_SCRIPT}" in d.panel


def test_browser_page_built_from_hostile_text(chromium: str, tmp_path: Path) -> None:
    text = (f"市政府召开常务会议{EVIL_SCRIPT}\n"
            f"本报讯（记者 王明）10月11日，市委书记张建国{EVIL_IMG}主持召开市委常委会议"
            f"{EVIL_SCRIPT}。副市长李红兵出席会议并讲话。\n")
    g: Graph = build_text(text, source=f"evil{EVIL_IMG}.txt")
    html_text = to_html(g)
    page = tmp_path / "graph.html"
    page.write_text(html_text, encoding="utf-8")
    nodes = json.loads(re.search(r'id="kg-nodes">(.*?)</script>', html_text, re.S).group(1))
    sourced = next(n for n in nodes if n["facts"].get("arts"))
    dumped = run_chromium(chromium, tmp_path, page, "--dump-dom",
                          fragment="#" + quote(sourced["label"]))
    d = assert_no_injection(html_text, dumped)
    assert f"evil{EVIL_IMG}.txt" in d.panel  # the source file, shown as text
