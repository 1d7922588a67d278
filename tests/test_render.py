"""kg.render and `kg viz` without a browser: the page is self-contained, escaped,
deterministic, holds every entity of the part of the graph that was asked for, and
draws an overview of its most connected ones first."""

from __future__ import annotations

import fnmatch
import json
import math
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, PROV, SKOS

from kg import cli as cli_mod
from kg.cli import cli
from kg.namespace import DATA_IRI, KGO, KGR, SDO
from kg.render import (
    DEFAULT_MAX_NODES,
    DEFAULT_TYPES,
    KINDS,
    ego,
    find_nodes,
    layout,
    overview,
    parse_types,
    to_html,
    to_networkx,
    trim,
)
from kg.viz import script_json

EVIL_IMG = "<img src=x onerror=alert(1)>"
EVIL_SCRIPT = "<script>alert(1)</script>"


class _Page:
    """A graph of the shape kg.rdf writes, built triple by triple."""

    def __init__(self) -> None:
        self.g = Graph()
        self.n = 0

    def entity(self, key: str, cls: URIRef, label: str, *alts: str) -> URIRef:
        s = KGR[key]
        self.g.add((s, RDF.type, cls))
        self.g.add((s, RDFS.label, Literal(label, lang="zh")))
        for a in alts:
            self.g.add((s, SKOS.altLabel, Literal(a, lang="zh")))
        return s

    def article(self, key: str, headline: str, source: str) -> URIRef:
        a = KGR[f"article/{key}"]
        self.g.add((a, RDF.type, SDO.NewsArticle))
        self.g.add((a, SDO.headline, Literal(headline, lang="zh")))
        self.g.add((a, KGO.sourceFile, Literal(source)))
        return a

    def member(self, person: URIRef, role: str, org: URIRef | None, evidence: str,
               article: URIRef) -> None:
        self.n += 1
        m, r = KGR[f"membership/{self.n}"], KGR[f"role/{self.n}"]
        self.g.add((r, RDF.type, ORG.Role))
        self.g.add((r, RDFS.label, Literal(role, lang="zh")))
        self.g.add((m, RDF.type, ORG.Membership))
        self.g.add((m, ORG.member, person))
        self.g.add((m, ORG.role, r))
        if org is not None:
            self.g.add((m, ORG.organization, org))
        self.g.add((m, KGO.evidence, Literal(evidence, lang="zh")))
        self.g.add((m, PROV.wasDerivedFrom, article))


def city_graph() -> Graph:
    """A small city: a government and a party committee with a department, people in
    posts, a place hierarchy, a programme, and one entity related to nothing."""
    p = _Page()
    art = p.article("a1", "市政府常务会议召开", "pages/p1.txt")
    henan = p.entity("place/河南省", SDO.Place, "河南省")
    p.g.add((henan, RDF.type, KGO.Province))
    city = p.entity("place/漯河市", SDO.Place, "漯河市")
    p.g.add((city, RDF.type, KGO.City))
    p.g.add((city, SDO.containedInPlace, henan))
    gov = p.entity("org/漯河市政府", ORG.Organization, "漯河市人民政府", "市政府")
    committee = p.entity("org/漯河市委", ORG.Organization, "中共漯河市委员会", "市委")
    dept = p.entity("org/漯河市委宣传部", ORG.Organization, "漯河市委宣传部", "市委宣传部")
    p.g.add((dept, ORG.subOrganizationOf, committee))
    p.g.add((gov, SDO.location, city))
    programme = p.entity("program/五星支部", KGO.Program, "五星支部", "“五星”支部")
    p.g.add((programme, KGO.runBy, committee))
    zhang = p.entity("person/张三", FOAF.Person, "张三")
    li = p.entity("person/李四", FOAF.Person, "李四")
    p.g.add((zhang, PROV.wasDerivedFrom, art))
    p.member(zhang, "副市长", gov, "副市长张三主持会议。", art)
    p.member(li, "部长", dept, "市委常委、宣传部部长李四出席。", art)
    p.member(li, "常委", committee, "市委常委、宣传部部长李四出席。", art)
    p.entity("org/孤立机构", ORG.Organization, "孤立机构")
    return p.g


def _blocks(page: str) -> dict[str, Any]:
    """The JSON data blocks of a page, parsed."""
    out = {}
    for name in ("data", "nodes", "edges", "posts", "options"):
        m = re.search(rf'<script type="application/json" id="kg-{name}">(.*?)</script>', page,
                      re.S)
        assert m, name
        out[name] = json.loads(m.group(1))
    return out


def _labels(page: str) -> set[str]:
    """Every entity in the page (what its search finds)."""
    return {n["label"] for n in _blocks(page)["nodes"]}


def _drawn(page: str) -> set[str]:
    """The entities the page draws first."""
    blocks = _blocks(page)
    return {blocks["nodes"][i]["label"] for i in blocks["data"]["overview"]}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_data(self, data: str) -> None:
        if self._in:
            self.text[self._in] = self.text.get(self._in, "") + data


def _elements(page: str) -> _Elements:
    p = _Elements()
    p.feed(page)
    return p


# ---------------------------------------------------------------- self-contained


def test_render_page_is_self_contained() -> None:
    page = to_html(city_graph())
    tags = _elements(page).tags
    assert not [t for t, _ in tags if t in ("link", "iframe", "object", "embed", "img")]
    for tag, attrs in tags:
        for name in ("src", "href", "action", "data", "poster", "srcset"):
            assert not attrs.get(name), (tag, attrs)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", page, re.I)
    csp = [a["content"] for t, a in tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0].startswith("default-src 'none'")
    # the vendored vis-network is inlined, pyvis' bootstrap link is gone
    assert "vis.Network" in page and "bootstrap" not in page.lower()
    # http(s) strings appear only inside the vendored library (licence notes, the SVG
    # namespace) and as the IRIs that identify entities in the data: nothing to fetch
    rest = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", page, flags=re.S)
    rest = re.sub(r'<script type="application/json".*?</script>', "", rest, flags=re.S)
    assert "http://" not in rest and "https://" not in rest
    blocks = json.dumps(_blocks(page), ensure_ascii=False)
    for url in re.findall(r"https?://[^\"\s]+", blocks):
        assert url.startswith(DATA_IRI), url


def test_render_cdn_free_even_though_pyvis_links_bootstrap() -> None:
    """The gap this module closes: pyvis' own in_line page still links a CDN."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node("a")
    assert "cdn.jsdelivr.net" in net.generate_html()
    assert "cdn." not in to_html(city_graph())


# ---------------------------------------------------------------- what is drawn


def test_render_data_for_the_legend() -> None:
    """The page's script builds the legend from the data: types in legend order with
    their counts, and the kinds of relation present."""
    blocks = _blocks(to_html(city_graph()))
    data, nodes = blocks["data"], blocks["nodes"]
    assert data["kindOrder"] == [k.key for k in KINDS]
    assert {k: sum(1 for n in nodes if n["kind"] == k) for k in data["kindOrder"]} == {
        "person": 2, "org": 4, "place": 2, "program": 1, "article": 0}
    assert [n["label"] for n in nodes if n["deg"] == 0] == ["孤立机构"]  # listed, not drawn
    assert {e[2] for e in blocks["edges"]} == {"member", "sub", "within", "site", "runby"}
    assert set(data["edgeOrder"]) == set(data["edgeKinds"])


def test_render_overview_draws_the_connected_entities_laid_out() -> None:
    blocks = _blocks(to_html(city_graph()))
    nodes = {n["label"]: n for n in blocks["nodes"]}
    by_kind = {k.key for k in KINDS}
    assert all(n["kind"] in by_kind for n in nodes.values())
    drawn = [blocks["nodes"][i] for i in blocks["data"]["overview"]]
    assert {n["label"] for n in drawn} == set(nodes) - {"孤立机构"}
    for n in drawn:
        assert math.isfinite(n["x"]) and math.isfinite(n["y"])
    assert "x" not in nodes["孤立机构"] and nodes["孤立机构"]["deg"] == 0
    assert nodes["中共漯河市委员会"]["deg"] == 3  # 李四, its department, the programme
    assert nodes["张三"]["deg"] == 1


def test_render_posts_carry_role_evidence_and_source_once() -> None:
    blocks = _blocks(to_html(city_graph()))
    nodes = blocks["nodes"]
    ix = {n["label"]: i for i, n in enumerate(nodes)}
    edges = {(nodes[e[0]]["label"], nodes[e[1]]["label"]): e for e in blocks["edges"]}
    e = edges[("张三", "漯河市人民政府")]
    assert e[2:] == ["member", "副市长"]
    assert edges[("漯河市委宣传部", "中共漯河市委员会")] == [
        ix["漯河市委宣传部"], ix["中共漯河市委员会"], "sub"]  # only roles are written
    posts = blocks["posts"]
    assert len(posts) == 3  # each post once, by the index of both ends
    zhang = [p for p in posts if p[0] == ix["张三"]]
    assert [p[1:4] for p in zhang] == [[ix["漯河市人民政府"], "副市长", "副市长张三主持会议。"]]
    article = blocks["data"]["articles"][zhang[0][4][0]]
    assert article == ["市政府常务会议召开", "pages/p1.txt", ""]
    assert sorted((p[2], nodes[p[1]]["label"]) for p in posts if p[0] == ix["李四"]) == [
        ("常委", "中共漯河市委员会"), ("部长", "漯河市委宣传部")]
    assert nodes[ix["漯河市人民政府"]]["alts"] == ["市政府"]
    assert nodes[ix["漯河市"]]["facts"]["lvl"] == "市 city"


def test_render_posts_of_entities_left_out_keep_their_names() -> None:
    """With --types person, a post names its organization, which is not in the page."""
    blocks = _blocks(to_html(city_graph(), types=("person",)))
    assert {n["label"] for n in blocks["nodes"]} == {"张三", "李四"}
    assert sorted(p[1] for p in blocks["posts"]) == ["中共漯河市委员会", "漯河市人民政府",
                                                     "漯河市委宣传部"]
    blocks = _blocks(to_html(city_graph(), types=("org",)))
    assert sorted(p[0] for p in blocks["posts"]) == ["张三", "李四", "李四"]


# ---------------------------------------------------------------- safety


def evil_graph() -> Graph:
    p = _Page()
    art = p.article("evil", f"标题{EVIL_SCRIPT}", f"pages/{EVIL_IMG}.txt")
    person = p.entity("person/evil", FOAF.Person, EVIL_IMG, f"</script>{EVIL_SCRIPT}")
    org = p.entity("org/evil", ORG.Organization, f"机构{EVIL_SCRIPT}", "A & B \u2028 \u2029")
    p.member(person, f"主任{EVIL_IMG}", org, f"证据{EVIL_IMG}{EVIL_SCRIPT}-->", art)
    return p.g


def test_render_escapes_page_text() -> None:
    g = evil_graph()
    page = to_html(g, focus=EVIL_IMG, title=f"标题{EVIL_SCRIPT}")
    assert "<img" not in page
    assert "alert(1)</script>" not in page
    assert "\u2028" not in page and "\u2029" not in page
    p = _elements(page)
    assert [t for t, _ in p.tags].count("script") == 7  # five data blocks, vis, the app
    assert "&lt;script&gt;" in page  # the title, written as text
    assert p.text["title"].strip() == f"标题{EVIL_SCRIPT}"
    # the data blocks hold the very same text, safely
    labels = _labels(page)
    assert EVIL_IMG in labels and f"机构{EVIL_SCRIPT}" in labels
    blocks = _blocks(page)
    assert blocks["edges"][0][3] == f"主任{EVIL_IMG}"
    assert blocks["posts"][0][3] == f"证据{EVIL_IMG}{EVIL_SCRIPT}-->"
    assert blocks["data"]["articles"][0][:2] == [f"标题{EVIL_SCRIPT}", f"pages/{EVIL_IMG}.txt"]


@pytest.mark.parametrize("text", [EVIL_SCRIPT, "</SCRIPT >", "<!--", "a&b", "\u2028\u2029",
                                  "]]>", "'\"`"])
def test_render_script_json_is_inert_in_script_elements(text: str) -> None:
    out = str(script_json({"k": [text]}))
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(out) == {"k": [text]}


# ---------------------------------------------------------------- determinism


def test_render_is_deterministic() -> None:
    g = city_graph()
    shuffled = Graph()
    for t in sorted(g, reverse=True):  # another insertion order, another hash order
        shuffled.add(t)
    first = to_html(g)
    assert first == to_html(g) == to_html(shuffled)
    assert to_html(g, focus="张三") == to_html(shuffled, focus="张三")


def test_render_is_deterministic_across_processes(tmp_path: Path) -> None:
    """Another hash seed, another set order: still the same bytes."""
    graph = tmp_path / "graph.ttl"
    city_graph().serialize(graph, format="turtle", encoding="utf-8")
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"viz{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg.cli", "viz", str(graph), "-o", str(out)],
                       check=True, env=env, capture_output=True, timeout=120)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1] == to_html(city_graph()).encode("utf-8")


def test_render_layout_separates_nodes() -> None:
    nxg = to_networkx(city_graph())
    pos = layout(nxg)
    assert set(pos) == set(nxg.nodes)
    points = sorted(pos.values())
    assert all(math.dist(a, b) > 20 for a, b in zip(points, points[1:]))


# ---------------------------------------------------------------- big graphs


def star_graph(n: int) -> Graph:
    """One organization with n-1 members, and some people who are related to no one."""
    p = _Page()
    art = p.article("a", "会议", "p.txt")
    hub = p.entity("org/hub", ORG.Organization, "中心机构")
    for i in range(n - 1):
        person = p.entity(f"person/p{i:04d}", FOAF.Person, f"人{i:04d}")
        if i % 2 == 0:
            p.member(person, "委员", hub, f"委员人{i:04d}出席。", art)
    return p.g


def test_render_max_nodes_draws_the_most_connected_first_and_says_so() -> None:
    g = star_graph(41)  # 41 entities: the hub, 20 members, 20 unrelated
    page = to_html(g, max_nodes=15)
    assert len(_labels(page)) == 41  # every entity is in the page, for its search
    drawn = _drawn(page)
    assert len(drawn) == 15 and "中心机构" in drawn
    assert drawn <= {"中心机构"} | {f"人{i:04d}" for i in range(0, 40, 2)}  # members only
    notice = re.search(r'<p class="kg-notice" id="kg-notice">(.*?)</p>', page, re.S)
    assert notice
    assert "Drawn first: the 15 most connected of 41 entities (--max-nodes 15)" in notice.group(1)
    # all 21 connected ones fit: no notice (the unconnected are listed beside the drawing)
    assert re.search(r'id="kg-notice"></p>', to_html(g, max_nodes=25))
    members = {f"人{i:04d}" for i in range(0, 40, 2)}
    assert _drawn(to_html(g, max_nodes=25)) == {"中心机构"} | members


def test_render_overview_leaves_out_entities_without_a_tie_in_it() -> None:
    """Of two pairs and a star, a cap of 3 draws the hub and two of its members, never
    an entity whose partner was left out."""
    nxg = to_networkx(star_graph(7))
    hub = str(KGR["org/hub"])
    first = overview(nxg, 3)
    assert len(first) == 3 and hub in first
    assert overview(nxg, 1) == []  # the hub alone would be drawn with none of its ties
    lonely = find_nodes(nxg, "人0005")
    assert overview(nxg, 1, keep=lonely) == lonely  # the focus always is


def test_render_trim_always_keeps_the_focus() -> None:
    nxg = to_networkx(star_graph(11))
    lonely = find_nodes(nxg, "人0009")
    kept, dropped = trim(nxg, 3, keep=lonely)
    assert dropped == 8 and lonely[0] in kept and str(KGR["org/hub"]) in kept


def test_render_big_overview_is_drawn_without_physics() -> None:
    assert _blocks(to_html(star_graph(2401)))["options"]["physics"]["enabled"] is True
    options = _blocks(to_html(star_graph(2401), max_nodes=1500))["options"]
    assert options["physics"]["enabled"] is False
    assert options["interaction"]["hideEdgesOnDrag"] is True
    small = _blocks(to_html(city_graph()))["options"]
    assert small["physics"]["enabled"] is True
    assert 50 <= small["physics"]["stabilization"]["iterations"] <= 400


# ---------------------------------------------------------------- sub-networks


def test_render_focus_and_depth_select_an_ego_network() -> None:
    g = city_graph()
    assert _labels(to_html(g, focus="李四", depth=0)) == {"李四"}
    assert _labels(to_html(g, focus="李四", depth=1)) == {
        "李四", "漯河市委宣传部", "中共漯河市委员会"}
    assert _labels(to_html(g, focus="李四", depth=2)) == {
        "李四", "漯河市委宣传部", "中共漯河市委员会", "五星支部"}
    page = to_html(g, focus="市政府", depth=1)  # an alias
    assert _labels(page) == {"漯河市人民政府", "张三", "漯河市"}
    blocks = _blocks(page)
    assert [blocks["nodes"][i]["id"] for i in blocks["data"]["focus"]] == [
        str(KGR["org/漯河市政府"])]
    assert _drawn(page) == _labels(page)  # an ego page draws all of it
    assert "漯河市人民政府 (1 层 hops)" in page


def test_render_find_nodes() -> None:
    nxg = to_networkx(city_graph())
    assert find_nodes(nxg, "张 三") == [str(KGR["person/张三"])]  # spaces as in OCR text
    assert find_nodes(nxg, str(KGR["org/漯河市委"])) == [str(KGR["org/漯河市委"])]
    assert find_nodes(nxg, "宣传部") == [str(KGR["org/漯河市委宣传部"])]  # the only one
    with pytest.raises(LookupError, match="no entity named"):
        find_nodes(nxg, "王五")
    with pytest.raises(LookupError, match="entities contain '漯河'"):
        find_nodes(nxg, "漯河")


def test_render_ego_is_undirected() -> None:
    nxg = to_networkx(city_graph())
    sub = ego(nxg, find_nodes(nxg, "五星支部"), 2)
    assert {sub.nodes[n]["label"] for n in sub} == {
        "五星支部", "中共漯河市委员会", "李四", "漯河市委宣传部"}


def test_render_types_filter() -> None:
    g = city_graph()
    assert {n["kind"] for n in _blocks(to_html(g, types=("person", "org")))["nodes"]} == {
        "person", "org"}
    page = to_html(g, types=parse_types("person,org,article"))
    kinds = {n["kind"] for n in _blocks(page)["nodes"]}
    assert kinds == {"person", "org", "article"}
    assert "提及" in page  # article -> entity edges appear with articles
    assert parse_types("人物, Organisations,programme") == ("person", "org", "program")
    with pytest.raises(ValueError, match="unknown type 'company'"):
        parse_types("person,company")


# ---------------------------------------------------------------- kg viz


def test_cli_viz_help() -> None:
    res = CliRunner().invoke(cli, ["viz", "--help"])
    assert res.exit_code == 0
    for option in ("--focus", "--depth", "--types", "--max-nodes", "--out"):
        assert option in res.output
    assert "viz" in CliRunner().invoke(cli, ["--help"]).output


def test_cli_viz_defaults_match_the_library() -> None:
    assert ",".join(DEFAULT_TYPES) == cli_mod._VIZ_TYPES
    assert cli_mod._VIZ_MAX_NODES == DEFAULT_MAX_NODES


@pytest.fixture
def graph_file(tmp_path: Path) -> Path:
    path = tmp_path / "graph.ttl"
    city_graph().serialize(path, format="turtle", encoding="utf-8")
    return path


def test_cli_viz_writes_an_ego_network(graph_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "ego.html"
    res = CliRunner().invoke(cli, ["viz", str(graph_file), "-o", str(out), "--focus", "李四",
                                   "--depth", "1", "--types", "person,org"])
    assert res.exit_code == 0, res.output
    assert f"wrote {out}" in res.output
    page = out.read_bytes().decode("utf-8")  # written as UTF-8 whatever the locale
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert _labels(page) == {"李四", "漯河市委宣传部", "中共漯河市委员会"}
    assert page == to_html(city_graph(), focus="李四", depth=1, types=("person", "org"))


def test_cli_viz_default_output_and_max_nodes(graph_file: Path) -> None:
    res = CliRunner().invoke(cli, ["viz", str(graph_file), "--max-nodes", "3"])
    assert res.exit_code == 0, res.output
    page = (graph_file.parent / "viz.html").read_text(encoding="utf-8")
    assert len(_labels(page)) == 9 and len(_drawn(page)) == 3 and "--max-nodes 3" in page


@pytest.mark.parametrize(("args", "message"), [
    (["--focus", "王五"], "no entity named '王五'"),
    (["--types", "person,company"], "unknown type 'company'"),
    (["--depth", "2"], "needs --focus"),
])
def test_cli_viz_errors(graph_file: Path, args: list[str], message: str) -> None:
    res = CliRunner().invoke(cli, ["viz", str(graph_file), *args])
    assert res.exit_code == 2
    assert message in res.output
    assert not (graph_file.parent / "viz.html").exists()


def test_cli_viz_missing_graph(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["viz", str(tmp_path / "none.ttl")])
    assert res.exit_code == 2 and "none.ttl" in res.output


# ---------------------------------------------------------------- the page's files


def test_render_page_files_are_package_data() -> None:
    """page.html, page.css and page.js ship with the package (a non-editable install has
    them): every file of kg/viz/static matches the package data pyproject declares."""
    tomllib = pytest.importorskip("tomllib")
    root = Path(__file__).parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["kg.viz"]
    files = sorted(p.name for p in (root / "kg" / "viz" / "static").iterdir())
    assert files == ["page.css", "page.html", "page.js"]
    assert all(any(fnmatch.fnmatch(f"static/{f}", g) for g in globs) for f in files)


def test_render_slots_are_filled_once() -> None:
    """Text that looks like one of the template's slots stays text."""
    g = city_graph()
    g.add((KGR["person/张三"], SKOS.altLabel, Literal("{{page_js}}{{data}}", lang="zh")))
    page = to_html(g, title="{{vis_js}} {{title}}")
    assert page.count("vis.Network") == to_html(city_graph()).count("vis.Network")
    assert _elements(page).text["title"].strip() == "{{vis_js}} {{title}}"
    nodes = {n["label"]: n for n in _blocks(page)["nodes"]}
    assert nodes["张三"]["alts"] == ["{{page_js}}{{data}}"]


def test_render_heading_from_a_hostile_focus_is_text() -> None:
    page = to_html(evil_graph(), focus=f"机构{EVIL_SCRIPT}", depth=1)
    assert "<img" not in page and "alert(1)</script>" not in page
    assert _elements(page).text["title"].strip() == f"kg · 机构{EVIL_SCRIPT} (1 层 hops)"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _odd_resolved() -> Any:
    """A resolved graph with the corners of kg.rdf's contract: an alias equal to the
    label, a post with no organization, one with no dates, one of an organization never
    seen, an entity of an unregistered article, a place of a level without a class."""
    from kg.entities import ArticleInfo, Entity, Membership
    from kg.resolve import Resolved

    arts = {"article/a-1": ArticleInfo("article/a-1", "p/a.txt", 0, "标题", "2023-05-01", None),
            "article/a-2": ArticleInfo("article/a-2", "p/a.txt", 1, None, "五月三日", None),
            "article/b-1": ArticleInfo("article/b-1", "", 0, None, None, None, site="某报")}
    ents = [
        Entity("person", "person/张三", "张三", alts={"张三", "张 三"}, count=2,
               articles={"article/a-1", "article/a-9"}),
        Entity("person", "person/李四", "李四", articles={"article/b-1"}, notes={"rule"}),
        Entity("org", "org/市委", "市委", alts={"中共市委"}, articles={"article/a-2"},
               parents={"org/省委", "org/市委"}, sites={"place/411100"}),
        Entity("org", "org/省委", "省委", articles={"article/a-1"}),
        Entity("place", "place/411100", "漯河市", level="city", code="411100",
               articles={"article/a-1"}, parents={"place/410000"}),
        Entity("place", "place/410000", "河南省", level="province", code="410000"),
        Entity("place", "place/漯河/某地", "某地", level="landmark", articles={"article/a-2"},
               parents={"place/411100"}),
        Entity("program", "program/五星支部", "五星支部", runners={"org/市委"},
               where={"place/411100"}, articles={"article/a-1", "article/b-1"}),
    ]
    posts = [
        Membership("membership/张三/书记/市委", "person/张三", "书记", "org/市委", "市委书记张三",
                   0, 6, "r", "article/a-1", {"article/a-1", "article/a-2"}, "2023-05-01",
                   "2023-05-01"),
        Membership("membership/张三/常委/市委", "person/张三", "常委", "org/市委", "常委张三",
                   0, 4, "r", "article/a-2", {"article/a-2"}),
        Membership("membership/李四/记者/-", "person/李四", "记者", None, "记者李四", 0, 4, "r",
                   "article/b-1", {"article/b-1"}, "2022", "2022"),
        Membership("membership/李四/主任/某办", "person/李四", "主任", "org/某办", "某办主任李四",
                   0, 6, "r", "article/b-1", {"article/b-1"}),
    ]
    return Resolved({e.key: e for e in ents}, {m.key: m for m in posts}, arts,
                    {"书记", "常委", "记者", "主任"})


@pytest.mark.parametrize("types", [DEFAULT_TYPES, ("person",), ("org", "article"),
                                   tuple(k.key for k in KINDS)])
def test_render_resolved_network_is_the_network_of_its_triples(types: tuple[str, ...]) -> None:
    """A build draws its page from the resolved graph, not from its triples: the same
    nodes, attributes and edges in the same order as a graph read back."""
    from kg.pipeline import build_graph
    from kg.rdf import text_triples
    from kg.render import resolved_network, to_network

    data = Path(__file__).parent / "data"
    built = build_graph(sorted(data.glob("perf_*.txt"))).resolved
    for res in (built, _odd_resolved()):
        ours, theirs = resolved_network(res, types), to_network(text_triples(res), types)
        assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
        assert ours.edges(data=True) == theirs.edges(data=True)
        assert ours.graph == theirs.graph
        assert len(ours) >= 2
