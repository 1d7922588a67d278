"""graph.html's figures: page size, time until headless chromium has drawn its overview,
and whether its search finds a random entity of the graph.

    python benchmarks/render_bench.py --mb 30            # a 30 MB corpus through kg build
    python benchmarks/render_bench.py --nodes 50000      # a synthetic graph, to_html only
    python benchmarks/render_bench.py --page out/graph.html   # a page already written
    options: [--runs 3] [--searches 5] [--out DIR] [--no-browser]

With --mb, a corpus of that many megabytes is assembled as benchmarks/bench.py does (the
paragraphs of the seed pages and of the bundled samples recombined, names varied) and
built with `kg build CORPUS -o OUT` in a fresh process; with --nodes, a synthetic graph
imitating a corpus (cities with party committees, governments, their departments and
districts, people holding posts, programmes, a place hierarchy, and entities related to
nothing) is drawn by kg.render.to_html. Then prints the page's size and how many of its
entities the overview draws; for each chromium run (selenium driving Debian's headless
chromium with the network cut off), the wall-clock time from navigation until the page
reports its overview drawn and settled (`data-kg-drawn` on <body>, set at the first drawing
after the physics pass is frozen), and how many names it writes at that zoom and how many
of them overlap another; and, for --searches random entities of the page (seeded),
whether typing the name into the search box lists it, and the time (by the page's clock)
from clicking the hit until the entity is drawn with its neighbours, its panel filled and
the drawing settled again. The targets (overview < 5 s for a 30 MB corpus, every
entity found) live here only: no test is timed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, PROV, SKOS

from kg.namespace import KGO, KGR, SDO
from kg.render import to_html

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志军海燕晨光"
_ROLES = ("书记", "副书记", "市长", "副市长", "主任", "副主任", "局长", "副局长", "部长",
          "主席", "副主席", "常委", "委员", "区长", "县长")
_DEPTS = ("组织部", "宣传部", "统战部", "发展和改革委员会", "教育局", "公安局", "财政局",
          "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局",
          "交通运输局", "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会",
          "应急管理局", "市场监督管理局", "统计局", "医疗保障局")
_PROGS = ("五星支部", "万人助万企", "三个一批", "百城提质", "放管服", "一网通办", "双拥共建",
          "乡村振兴", "河长制", "清洁取暖")


def synthetic_graph(n_nodes: int = 5000, seed: int = 5000) -> Graph:
    """A deterministic graph of about `n_nodes` entities in the shape kg.rdf writes."""
    rnd = random.Random(seed)
    g = Graph()
    counter = {"n": 0}

    def entity(kind: str, cls: URIRef, label: str, alts: tuple[str, ...] = ()) -> URIRef:
        counter["n"] += 1
        s = KGR[f"{kind}/{counter['n']}"]
        g.add((s, RDF.type, cls))
        g.add((s, RDFS.label, Literal(label, lang="zh")))
        for a in alts:
            g.add((s, SKOS.altLabel, Literal(a, lang="zh")))
        g.add((s, KGO.mentionCount, Literal(rnd.randint(1, 9))))
        return s

    articles = []
    for i in range(max(10, n_nodes // 20)):
        a = KGR[f"article/{i:05d}"]
        g.add((a, RDF.type, SDO.NewsArticle))
        g.add((a, SDO.headline, Literal(f"第{i}篇 工作会议召开", lang="zh")))
        g.add((a, KGO.sourceFile, Literal(f"pages/{i // 8:04d}.txt")))
        articles.append(a)

    province = entity("place", KGO.Province, "河南省")
    g.add((province, RDF.type, SDO.Place))
    n_cities = max(2, n_nodes // 300)
    budget = {"person": n_nodes * 36 // 100, "org": n_nodes * 34 // 100,
              "place": n_nodes * 20 // 100, "program": n_nodes * 10 // 100}
    places: list[list[URIRef]] = []
    orgs: list[list[URIRef]] = []
    for c in range(n_cities):
        city_name = f"城{c}市"
        city = entity("place", KGO.City, city_name, (f"城{c}",))
        g.add((city, RDF.type, SDO.Place))
        g.add((city, SDO.containedInPlace, province))
        places.append([city])
        committee = entity("org", ORG.Organization, f"中共{city_name}委员会", (f"{city_name}委",))
        government = entity("org", ORG.Organization, f"{city_name}人民政府", (f"{city_name}政府",))
        for o in (committee, government):
            g.add((o, SDO.location, city))
        orgs.append([committee, government])
    for i in range(budget["place"] - n_cities - 1):
        c = i % n_cities
        parent = rnd.choice(places[c])
        level = KGO.County if parent == places[c][0] else KGO.Town
        p = entity("place", level, f"城{c}地{i}{'县' if level == KGO.County else '镇'}")
        g.add((p, RDF.type, SDO.Place))
        g.add((p, SDO.containedInPlace, parent))
        places[c].append(p)
    for i in range(budget["org"] - 2 * n_cities):
        c = i % n_cities
        o = entity("org", ORG.Organization, f"城{c}市{rnd.choice(_DEPTS)}{i}")
        if rnd.random() < 0.9:
            g.add((o, ORG.subOrganizationOf, rnd.choice(orgs[c][: 2 + len(orgs[c]) // 3])))
        if rnd.random() < 0.3:
            g.add((o, SDO.location, rnd.choice(places[c])))
        orgs[c].append(o)
    for i in range(budget["person"]):
        c = i % n_cities
        name = rnd.choice(_SURNAMES) + rnd.choice(_GIVEN) + rnd.choice(_GIVEN)
        p = entity("person", FOAF.Person, name)
        art = rnd.choice(articles)
        g.add((p, PROV.wasDerivedFrom, art))
        if rnd.random() < 0.08:
            continue  # mentioned, no known post
        for k in range(rnd.choice((1, 1, 1, 2, 2, 3))):
            o, role = rnd.choice(orgs[c]), rnd.choice(_ROLES)
            m = KGR[f"membership/{i}/{k}"]
            g.add((m, RDF.type, ORG.Membership))
            g.add((m, ORG.member, p))
            g.add((m, ORG.organization, o))
            r = KGR[f"role/{role}"]
            g.add((r, RDF.type, ORG.Role))
            g.add((r, RDFS.label, Literal(role, lang="zh")))
            g.add((m, ORG.role, r))
            g.add((m, KGO.evidence, Literal(f"{role}{name}出席会议并讲话。", lang="zh")))
            g.add((m, PROV.wasDerivedFrom, art))
    for i in range(budget["program"]):
        c = i % n_cities
        p = entity("program", KGO.Program, f"{rnd.choice(_PROGS)}{i}")
        for o in rnd.sample(orgs[c], rnd.choice((0, 1, 1, 2))):
            g.add((p, KGO.runBy, o))
    return g


def _driver() -> Any:
    """Selenium's chromium driver: headless Debian chromium, the network cut off."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_exe = shutil.which("chromedriver")
    if exe is None or driver_exe is None:
        raise SystemExit("chromium and chromedriver are needed (or pass --no-browser)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = exe
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900",
              "--disable-background-networking", "--disable-component-update",
              "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service(driver_exe), options=opts)


def _until(drv: Any, script: str, timeout: float = 120.0) -> Any:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        value = drv.execute_script(script)
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"timed out waiting for: {script}")


def overview_secs(drv: Any, page: Path) -> float:
    """Seconds from navigation until the page reports its overview drawn and settled."""
    drv.get("about:blank")
    t0 = time.perf_counter()
    drv.get(page.resolve().as_uri())
    _until(drv, "return document.body && document.body.getAttribute('data-kg-drawn')")
    return time.perf_counter() - t0


def search_once(drv: Any, index: int) -> tuple[bool, float]:
    """Type entity `index`'s name into the search box: (listed among the hits, seconds by
    the page's clock from clicking its hit until it is drawn, its panel filled and the
    drawing settled again)."""
    label = drv.execute_script(f"return kg.nodes[{index}].label")
    box = drv.find_element("id", "kg-search")
    box.clear()
    box.send_keys(label)
    buttons = drv.find_elements("css selector", "#kg-results button[data-kg-node]")
    hit = [b for b in buttons if b.get_attribute("data-kg-node") == str(index)]
    if not hit:
        return False, float("nan")
    drv.execute_script(
        "window.kgSettled = null;"
        "kg.network.once('stabilizationIterationsDone', () => {"
        "  window.kgSettled = performance.now() - window.kgClicked; });"
        "window.kgClicked = performance.now(); arguments[0].click();", hit[0])
    _until(drv, f"return kg.drawn().indexOf({index}) >= 0 && document.getElementById"
                f"('kg-panel').getAttribute('data-kg-entity') === '{index}'")
    settled = _until(drv, "return window.kgSettled")
    return True, float(settled) / 1000


def build_corpus_page(mb: float, work: Path) -> Path:
    """graph.html of a corpus of `mb` megabytes, built by `kg build` in a fresh process."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench import make_corpus  # benchmarks/bench.py

    files = make_corpus(work / "corpus", mb)
    size = sum(f.stat().st_size for f in files)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(work / "corpus"), "-o",
                    str(work / "out")], check=True, capture_output=True)
    print(f"corpus: {len(files):,} pages, {size / 1e6:.1f} MB; kg build "
          f"{time.perf_counter() - t0:.1f} s")
    return work / "out" / "graph.html"


def _blocks(page: Path) -> tuple[int, int, int]:
    """(entities in the page, drawn in the overview, unconnected) of a written page."""
    text = page.read_text(encoding="utf-8")
    blocks = {}
    for name in ("data", "nodes"):
        m = re.search(rf'id="kg-{name}">(.*?)</script>', text, re.S)
        if m is None:
            raise SystemExit(f"{page}: not a kg page (no kg-{name} block)")
        blocks[name] = json.loads(m.group(1))
    data, nodes = blocks["data"], blocks["nodes"]
    return len(nodes), len(data["overview"]), sum(1 for n in nodes if n["deg"] == 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = ap.add_mutually_exclusive_group()
    what.add_argument("--mb", type=float, default=None, help="build a corpus of this size")
    what.add_argument("--nodes", type=int, default=None, help="a synthetic graph (default)")
    what.add_argument("--page", type=Path, default=None, help="a graph.html already written")
    ap.add_argument("--out", type=Path, default=None, help="work here (default: a temp dir)")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--runs", type=int, default=3, help="chromium loads (median reported)")
    ap.add_argument("--searches", type=int, default=5, help="random entities searched")
    args = ap.parse_args(argv)

    work = args.out or Path(tempfile.mkdtemp(prefix="kg-render-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.page is not None:
        path = args.page
    elif args.mb is not None:
        path = build_corpus_page(args.mb, work)
    else:
        t0 = time.perf_counter()
        g = synthetic_graph(args.nodes or 5000)
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        page = to_html(g)
        t_render = time.perf_counter() - t0
        print(f"synthetic graph: {len(g):,} triples (built in {t_gen:.2f} s); "
              f"render.to_html {t_render:.2f} s")
        path = work / "graph.html"
        path.write_text(page, encoding="utf-8")
    entities, drawn, lonely = _blocks(path)
    print(f"page: {path}, {path.stat().st_size / 1e6:.1f} MB, {entities:,} entities "
          f"({lonely:,} unconnected, listed); the overview draws {drawn:,}")
    if args.no_browser:
        return 0
    drv = _driver()
    try:
        runs = [overview_secs(drv, path) for _ in range(args.runs)]
        print(f"chromium: overview drawn {statistics.median(runs):.2f} s after navigation "
              f"(median of {len(runs)}: {', '.join(f'{r:.2f}' for r in runs)})")
        written, overlapping = drv.execute_script("return kg.labels()")
        print(f"names written at the overview's zoom: {written}, overlapping another: "
              f"{overlapping}")
        rng = random.Random(17)
        picks = rng.sample(range(entities), min(args.searches, entities))
        results = [search_once(drv, i) for i in picks]
        found = sum(1 for ok, _ in results if ok)
        opened = [t for ok, t in results if ok]
        print(f"search: {found} of {len(picks)} random entities listed by their name"
              + (f"; opened, drawn and settled in {statistics.median(opened):.2f} s "
                 "(median, the page's clock)"
                 if opened else ""))
        more = rng.sample(range(entities), min(300, entities))
        listed = drv.execute_script(
            "return arguments[0].filter(i => kg.search(kg.nodes[i].label, true).indexOf(i) >= 0)"
            ".length", more)
        print(f"search (in the page's script): {listed} of {len(more)} more random entities "
              f"among the hits for their name")
    finally:
        drv.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
