"""Time kg.render on a synthetic graph and how long headless chromium takes to settle it.

    python benchmarks/render_bench.py [--nodes 5000] [--runs 3] [--out DIR] [--no-browser]

Prints the graph size, the time of render.to_html and the page size; then, for each
chromium run, the wall-clock time from navigation until the page reports that its
network is drawn with the layout settled (`data-kg-drawn` on <body>, set after the
physics pass is frozen, or at the first drawing when there is none), measured from
outside over the DevTools protocol, and the page's own clock at that moment.
The synthetic graph imitates a corpus: cities with party committees, governments,
their departments and districts, people holding posts, programmes run by
organizations, places in a province > city > county > town hierarchy, and some
entities that are mentioned but not related to anything.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
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


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class _Chromium:
    """Headless chromium driven over --remote-debugging-pipe (DevTools protocol on file
    descriptors 3 and 4), so that timings are real: no virtual time, no websocket."""

    def __init__(self, exe: str, profile: str) -> None:
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()

        def fds() -> None:  # in the child: commands on fd 3, responses on fd 4
            a, b = os.dup(cmd_r), os.dup(res_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--window-size=1200,900", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(res_w)
        self.out = os.fdopen(cmd_w, "wb", buffering=0)
        self.inp = os.fdopen(res_r, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.out.write(json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self.buf:
                chunk = self.inp.read(1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self.buf += chunk
            raw, self.buf = self.buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.call("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def settle_ms(html_path: Path, timeout_s: float = 120.0) -> tuple[float, float]:
    """(seconds from navigation until the page reports its settled network drawn, as
    seen from outside; the page's own performance.now() at that moment in seconds)."""
    exe = _chromium()
    if exe is None:
        raise RuntimeError("no chromium on PATH")
    with tempfile.TemporaryDirectory() as profile:
        browser = _Chromium(exe, profile)
        try:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget",
                                   {"targetId": target, "flatten": True})["sessionId"]
            browser.call("Page.enable", session=session)
            t0 = time.perf_counter()
            browser.call("Page.navigate", {"url": html_path.resolve().as_uri()}, session)
            probe = "document.body && document.body.getAttribute('data-kg-drawn')"
            while time.perf_counter() - t0 < timeout_s:
                res = browser.call("Runtime.evaluate",
                                   {"expression": probe, "returnByValue": True}, session)
                value = res.get("result", {}).get("value")
                if value:
                    return time.perf_counter() - t0, int(value) / 1000
                time.sleep(0.02)
            raise RuntimeError(f"{html_path} did not settle in {timeout_s} s")
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--out", type=Path, default=None, help="keep bench.html here")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--runs", type=int, default=3, help="chromium runs (median reported)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    g = synthetic_graph(args.nodes)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    page = to_html(g, max_nodes=max(args.nodes * 2, 10000))
    t_render = time.perf_counter() - t0
    entities = {s for s in g.subjects(RDFS.label) if (s, RDF.type, ORG.Role) not in g}
    print(f"synthetic graph: {len(entities):,} entities, {len(g):,} triples "
          f"(built in {t_gen:.2f} s)")
    print(f"render.to_html: {t_render:.2f} s, {len(page.encode('utf-8')) / 1e6:.2f} MB of HTML")
    if args.no_browser:
        return 0
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "bench.html"
    path.write_text(page, encoding="utf-8")
    runs = sorted(settle_ms(path) for _ in range(args.runs))
    wall, in_page = runs[len(runs) // 2]
    print(f"chromium: settled and drawn {wall:.2f} s after navigation (median of {args.runs}; "
          f"all: {', '.join(f'{w:.2f}' for w, _ in runs)}); the page's own clock: "
          f"{in_page:.2f} s")
    print(f"page: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
