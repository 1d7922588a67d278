"""graph.html in a real browser: headless Debian chromium with the network cut off
draws the overview, page text cannot inject markup or script, and (driven by selenium)
search finds entities that are not drawn, opening one draws it with its neighbours, a
neighbour expands in turn, and the type filters hide what they should.

Skipped when chromium (or, for the selenium tests, chromedriver) is missing, except under
CI (CI=true), where they must be there (.ci/run installs them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import headless_chrome
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


def block(page: str, name: str) -> Any:
    """A JSON data block of a page, parsed."""
    m = re.search(rf'<script type="application/json" id="kg-{name}">(.*?)</script>', page, re.S)
    assert m, name
    return json.loads(m.group(1))


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
        "", "", "kg-data", "kg-edges", "kg-nodes", "kg-options", "kg-posts"]
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
    text = sample_page.read_text(encoding="utf-8")
    nodes = block(text, "nodes")
    post = next(p for p in block(text, "posts") if isinstance(p[0], int))
    person = nodes[post[0]]
    dumped = run_chromium(chromium, tmp_path, sample_page, "--dump-dom",
                          fragment="#" + quote(person["label"]))
    panel = dom(dumped).panel
    assert person["label"] in panel
    assert "职务 positions" in panel and post[2] in panel


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
    nodes = block(html_text, "nodes")
    sourced = next(n for n in nodes if n.get("facts", {}).get("arts"))
    dumped = run_chromium(chromium, tmp_path, page, "--dump-dom",
                          fragment="#" + quote(sourced["label"]))
    d = assert_no_injection(html_text, dumped)
    assert f"evil{EVIL_IMG}.txt" in d.panel  # the source file, shown as text


# --- search, open, expand, filter (selenium) ------------------------------------------


def town_graph() -> Graph:
    """Two bodies of one county: a party committee with eight members, a government
    with five (one of whom sits in both), a place, and a person related to nothing."""
    g = Graph()
    county = KGR["place/青禾县"]
    g.add((county, RDF.type, SDO.Place))
    g.add((county, RDFS.label, Literal("青禾县", lang="zh")))
    bodies = {}
    for key, label in (("committee", "中共青禾县委员会"), ("government", "青禾县人民政府")):
        o = KGR[f"org/{key}"]
        g.add((o, RDF.type, ORG.Organization))
        g.add((o, RDFS.label, Literal(label, lang="zh")))
        g.add((o, SDO.location, county))
        bodies[key] = o
    names = ["柏文清", "钟立言", "闻启舟", "葛明澄", "滕远山", "邬晓川", "冀安和", "栾子衡",
             "禹书宁", "宓成林", "芮德昭", "蒯一鸣"]
    for i, name in enumerate(names):
        person = KGR[f"person/{i}"]
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, RDFS.label, Literal(name, lang="zh")))
        for key, role in ((("committee", "委员"),) if i < 8 else ()) + (
                (("government", "副县长"),) if i >= 7 else ()):
            m = KGR[f"membership/{i}/{key}"]
            g.add((m, RDF.type, ORG.Membership))
            g.add((m, ORG.member, person))
            g.add((m, ORG.organization, bodies[key]))
            r = KGR[f"role/{role}"]
            g.add((r, RDF.type, ORG.Role))
            g.add((r, RDFS.label, Literal(role, lang="zh")))
            g.add((m, ORG.role, r))
            g.add((m, KGO.evidence, Literal(f"{role}{name}出席会议。", lang="zh")))
    alone = KGR["person/alone"]
    g.add((alone, RDF.type, FOAF.Person))
    g.add((alone, RDFS.label, Literal("郜守拙", lang="zh")))
    return g


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with headless_chrome("the graph.html tests", width=1200) as drv:
        yield drv


def _wait(drv: Any, cond: Any, timeout: float = 30) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(drv, timeout).until(cond)


def _load(drv: Any, path: Path, fragment: str = "") -> None:
    drv.get(path.resolve().as_uri() + fragment)
    _wait(drv, lambda d: d.execute_script("return document.body.getAttribute('data-kg-drawn')"))


def _labels_of(drv: Any, script: str) -> set[str]:
    return set(drv.execute_script(f"return {script}.map(i => kg.nodes[i].label)"))


def _search(drv: Any, text: str) -> list[Any]:
    box = drv.find_element("id", "kg-search")
    box.clear()
    box.send_keys(text)
    return list(drv.find_elements("css selector", "#kg-results button"))


@pytest.fixture(scope="module")
def town_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("town") / "graph.html"
    path.write_text(to_html(town_graph(), max_nodes=4), encoding="utf-8")
    return path


def test_page_overview_search_open_expand(driver: Any, town_page: Path) -> None:
    _load(driver, town_page)
    drawn = _labels_of(driver, "kg.drawn()")
    assert len(drawn) == 4 and "中共青禾县委员会" in drawn  # the overview: most connected first
    assert "郜守拙" not in drawn and "芮德昭" not in drawn
    # the unconnected entity is listed beside the drawing, not drawn
    listed = driver.find_elements("css selector", "#kg-unconnected-list button")
    assert [b.get_attribute("textContent").split(" · ")[0] for b in listed] == ["郜守拙"]
    # search finds an entity that is not drawn; opening it draws it and its neighbours
    hits = _search(driver, "芮德")
    assert [h.text.split(" · ")[0] for h in hits] == ["芮德昭"]
    assert "青禾县人民政府副县长" in hits[0].text  # its main post tells namesakes apart
    hits[0].click()
    _wait(driver, lambda d: d.find_element("css selector", "#kg-panel .kg-title").text == "芮德昭")
    drawn = _labels_of(driver, "kg.drawn()")
    assert {"芮德昭", "青禾县人民政府"} <= drawn
    panel = driver.find_element("id", "kg-panel").text
    assert "副县长" in panel and "副县长芮德昭出席会议。" in panel
    # a neighbour in turn: its link in the panel opens it with all of its members
    driver.find_element("xpath", "//*[@id='kg-panel']//button[text()='青禾县人民政府']").click()
    _wait(driver, lambda d: d.find_element("css selector", "#kg-panel .kg-title").text
          == "青禾县人民政府")
    assert {"禹书宁", "宓成林", "蒯一鸣", "栾子衡"} <= _labels_of(driver, "kg.drawn()")
    # the committee's members are not all drawn: its panel offers to expand it
    driver.execute_script("kg.select(kg.search('中共青禾县委员会', true)[0], true)")
    button = _wait(driver, lambda d: d.find_element("id", "kg-expand"))
    button.click()
    _wait(driver, lambda d: {"柏文清", "钟立言", "闻启舟", "葛明澄", "滕远山", "邬晓川"}
          <= _labels_of(d, "kg.drawn()"))
    # the unconnected entity opens from its list
    driver.find_element("css selector", "#kg-unconnected summary").click()
    driver.find_element("css selector", "#kg-unconnected-list button").click()
    _wait(driver, lambda d: d.find_element("css selector", "#kg-panel .kg-title").text == "郜守拙")
    assert "郜守拙" in _labels_of(driver, "kg.drawn()")


def test_page_type_filter_hides_drawn_entities_and_hits(driver: Any, town_page: Path) -> None:
    _load(driver, town_page)
    shown = _labels_of(driver, "kg.shown()")
    assert any(label.endswith(("委员会", "政府")) for label in shown)
    person_box = driver.find_element("css selector", "input[data-kind=person]")
    person_box.click()
    _wait(driver, lambda d: not d.execute_script(
        "return kg.shown().filter(i => kg.nodes[i].kind === 'person').length"))
    assert _labels_of(driver, "kg.shown()") == {
        label for label in shown if label.endswith(("委员会", "政府", "县"))}
    assert _search(driver, "柏文清") == []
    assert driver.find_element("id", "kg-results").text == "没有找到 no entity matches"
    assert [h.text.split(" · ")[0] for h in _search(driver, "青禾县人民")] == ["青禾县人民政府"]
    person_box.click()
    assert [h.text.split(" · ")[0] for h in _search(driver, "柏文清")] == ["柏文清"]


def test_page_search_finds_every_entity_of_the_sample(driver: Any, sample_page: Path) -> None:
    _load(driver, sample_page)
    nodes = block(sample_page.read_text(encoding="utf-8"), "nodes")
    found = driver.execute_script(
        "return kg.nodes.map((n, i) => kg.search(n.label, true).indexOf(i) >= 0)")
    assert len(found) == len(nodes) and all(found)


def test_page_ego_page_fits_its_view(driver: Any, tmp_path: Path) -> None:
    page = tmp_path / "ego.html"
    page.write_text(to_html(town_graph(), focus="栾子衡", depth=2), encoding="utf-8")
    _load(driver, page)
    assert driver.execute_script("return kg.drawn().length === kg.nodes.length")  # all of it
    inside = driver.execute_script("""
        const c = document.getElementById('kg-network').getBoundingClientRect();
        return kg.drawn().map(i => {
          const p = kg.network.canvasToDOM(kg.network.getPosition(i));
          return p.x >= 0 && p.y >= 0 && p.x <= c.width && p.y <= c.height;
        });""")
    assert all(inside)
    assert driver.find_element("css selector", "#kg-panel .kg-title").text == "栾子衡"


def test_page_hostile_names_found_and_opened_as_text(driver: Any, tmp_path: Path) -> None:
    """Searching, listing and opening entities whose names are markup runs none of it."""
    g = evil_graph()
    trap = '<img src=x onerror="window.kgInjected=1">'
    lonely = KGR["person/trap"]
    g.add((lonely, RDF.type, FOAF.Person))
    g.add((lonely, RDFS.label, Literal(trap, lang="zh")))
    g.add((lonely, SKOS.altLabel, Literal("</script><script>window.kgInjected=2</script>",
                                          lang="zh")))
    page = tmp_path / "evil.html"
    page.write_text(to_html(g), encoding="utf-8")
    _load(driver, page)
    hits = _search(driver, "<img")
    assert sorted(h.text.split(" · ")[0] for h in hits) == sorted([EVIL_IMG, trap])
    next(h for h in hits if h.text.startswith(trap)).click()
    _wait(driver, lambda d: d.find_element("css selector", "#kg-panel .kg-title").text == trap)
    assert "</script><script>window.kgInjected=2</script>" in driver.find_element(
        "id", "kg-panel").text
    _search(driver, "<img")[0].click()  # the other one, with its post and evidence
    _wait(driver, lambda d: d.find_element("css selector", "#kg-panel .kg-title").text
          == EVIL_IMG)
    assert f"证据{EVIL_IMG}{EVIL_SCRIPT}" in driver.find_element("id", "kg-panel").text
    assert driver.execute_script("return window.kgInjected === undefined")
    assert not driver.find_elements("css selector", "img")
    scripts = driver.find_elements("css selector", "script")
    assert len(scripts) == 7  # five data blocks, vis-network, the page's own


def test_page_names_do_not_overlap(driver: Any, sample_page: Path) -> None:
    """The overview writes the names it has room for and leaves out those that would
    cover a better connected entity's name, at the overview's zoom and zoomed in."""
    _load(driver, sample_page)
    written, overlapping = driver.execute_script("return kg.labels()")
    assert written >= 20 and overlapping == 0
    driver.execute_script(
        "kg.network.moveTo({scale: kg.network.getScale() * 3, animation: false});"
        "kg.network.redraw();")
    written3, overlapping3 = driver.execute_script("return kg.labels()")  # those in view
    assert written3 > 0 and overlapping3 == 0
