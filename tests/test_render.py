"""kg.render and `kg viz` without a browser: the page is self-contained, escaped,
deterministic, and draws the part of the graph that was asked for."""

from __future__ import annotations

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
    parse_types,
    script_json,
    to_html,
    to_networkx,
    trim,
)

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
    for name in ("data", "nodes", "edges", "options"):
        m = re.search(rf'<script type="application/json" id="kg-{name}">(.*?)</script>', page,
                      re.S)
        assert m, name
        out[name] = json.loads(m.group(1))
    return out


def _labels(page: str) -> set[str]:
    return {n["label"] for n in _blocks(page)["nodes"]}


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


def test_render_legend_lists_the_types_present() -> None:
    page = to_html(city_graph())
    legend = page[page.index('<section id="kg-legend"'):page.index('<section id="kg-panel"')]
    for kind in KINDS:
        present = kind.key != "article"
        assert (f'data-kind="{kind.key}"' in legend) == present
        assert (f"{kind.zh} {kind.en}" in legend) == present
    counts = dict(re.findall(r'data-kind="(\w+)".*?<span class="kg-count">(\d+)</span>', legend))
    assert counts == {"person": "2", "org": "4", "place": "2", "program": "1"}
    assert re.search(r'无关系 unconnected</span><span class="kg-count">1</span>', legend)
    for edge in ("任职", "隶属", "位于", "所在地", "实施"):
        assert edge in legend


def test_render_nodes_coloured_shaped_and_sized_by_type_and_degree() -> None:
    nodes = {n["label"]: n for n in _blocks(to_html(city_graph()))["nodes"]}
    by_kind = {k.key: k for k in KINDS}
    for n in nodes.values():
        assert n["color"] == by_kind[n["kind"]].colour
        assert n["shape"] == by_kind[n["kind"]].shape
        assert math.isfinite(n["x"]) and math.isfinite(n["y"])
    assert len({n["shape"] for n in nodes.values()}) == 4
    assert nodes["中共漯河市委员会"]["value"] == 3  # 李四, its department, the programme
    assert nodes["张三"]["value"] == 1
    assert nodes["孤立机构"]["deg"] == 0 and nodes["孤立机构"]["physics"] is False


def test_render_membership_edges_carry_role_evidence_and_source() -> None:
    blocks = _blocks(to_html(city_graph()))
    ids = {n["id"]: n["label"] for n in blocks["nodes"]}
    edges = {(ids[e["from"]], ids[e["to"]]): e for e in blocks["edges"]}
    e = edges[("张三", "漯河市人民政府")]
    assert e["label"] == "副市长" and e["kind"] == "member"
    role, evidence, sources = e["facts"]["ev"][0]
    assert (role, evidence) == ("副市长", "副市长张三主持会议。")
    article = blocks["data"]["articles"][sources[0]]
    assert article == {"f": "pages/p1.txt", "h": "市政府常务会议召开"}
    assert "label" not in edges[("漯河市委宣传部", "中共漯河市委员会")]  # only roles are written
    assert edges[("漯河市委宣传部", "中共漯河市委员会")]["kind"] == "sub"
    # the facts the tooltip and the panel show
    nodes = {n["label"]: n for n in blocks["nodes"]}
    assert nodes["漯河市人民政府"]["alts"] == ["市政府"]
    assert sorted(p[:3] for p in nodes["李四"]["facts"]["pos"]) == [
        ["常委", str(KGR["org/漯河市委"]), "中共漯河市委员会"],
        ["部长", str(KGR["org/漯河市委宣传部"]), "漯河市委宣传部"]]
    assert nodes["漯河市"]["facts"]["lvl"] == "市 city"


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
    assert [t for t, _ in p.tags].count("script") == 6  # four data blocks, vis, the app
    assert "&lt;script&gt;" in page  # the title, written as text
    assert p.text["title"].strip() == f"标题{EVIL_SCRIPT}"
    # the data blocks hold the very same text, safely
    labels = _labels(page)
    assert EVIL_IMG in labels and f"机构{EVIL_SCRIPT}" in labels
    edges = _blocks(page)["edges"]
    assert edges[0]["label"] == f"主任{EVIL_IMG}"
    assert edges[0]["facts"]["ev"][0][1] == f"证据{EVIL_IMG}{EVIL_SCRIPT}-->"


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


def test_render_max_nodes_keeps_the_most_connected_and_says_so() -> None:
    g = star_graph(41)  # 41 entities: the hub, 20 members, 20 unrelated
    page = to_html(g, max_nodes=25)
    labels = _labels(page)
    assert len(labels) == 25
    assert "中心机构" in labels
    assert sum(1 for lb in labels if lb.startswith("人")) == 24
    assert {f"人{i:04d}" for i in range(0, 40, 2)} <= labels  # all 20 members kept
    notice = re.search(r'<p class="kg-notice" id="kg-notice">(.*?)</p>', page, re.S)
    assert notice
    assert "Showing the 25 most connected of 41 entities (--max-nodes 25)" in notice.group(1)
    assert 'id="kg-notice"' not in to_html(g)


def test_render_trim_always_keeps_the_focus() -> None:
    nxg = to_networkx(star_graph(11))
    lonely = find_nodes(nxg, "人0009")
    kept, dropped = trim(nxg, 3, keep=lonely)
    assert dropped == 8 and lonely[0] in kept and str(KGR["org/hub"]) in kept


def test_render_big_graph_is_drawn_without_physics() -> None:
    options = _blocks(to_html(star_graph(2401)))["options"]
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
    assert _blocks(page)["data"]["focus"] == [str(KGR["org/漯河市政府"])]
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
    assert len(_labels(page)) == 3 and "--max-nodes 3" in page


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
