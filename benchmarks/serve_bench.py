"""`kg serve` over a ~1M-triple store (targets: search < 100 ms, opening an entity
< 200 ms), and graph files against stores (targets: `kg stats` < 3 s on the graph of a
large corpus; named queries on a file as fast as on a store). Prints figures; no test
is timed.

    python benchmarks/serve_bench.py                          # 1M-triple store, built once
    python benchmarks/serve_bench.py --work /tmp/sb           # keep (and reuse) the store
    python benchmarks/serve_bench.py --file out/graph.ttl     # also: that file vs a store
    python benchmarks/serve_bench.py --file-1m                # also: the 1M store as Turtle

The store models many issues of a paper (benchmarks/bench.py: the source pages' graph
copied with its own articles, persons and memberships per issue). Each look-up is timed
in process (the explorer's own work) and through HTTP (uvicorn on loopback, what the
browser waits for): median and 95th percentile of the wall time, and the median CPU time
of this process, which other work on a shared machine does not inflate as it does the
wall time. The load average is printed before and after.

For each graph file: `kg stats FILE` in a fresh process (what a user waits for), then in
process the time to read it and to work out the statistics, and every named query on
the file read into memory and on the same graph written as a store (kg build --store
keeps the answers of the long listings, which a file cannot).
"""

from __future__ import annotations

import argparse
import gc
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench import SAMPLES, SEEDS, _issues_graph, run_kg, top_parameters

SEARCH_TARGET_MS = 100.0
OPEN_TARGET_MS = 200.0
STATS_TARGET_S = 3.0


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """(median wall ms, 95th percentile wall ms, median CPU ms) of `fn()`, warm."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    wall.sort()
    p95 = wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]
    return statistics.median(wall), p95, statistics.median(cpu)


def _line(what: str, figures: tuple[float, float, float], target: float | None) -> str:
    med, p95, cpu = figures
    mark = "" if target is None else (
        f"  (target < {target:g} ms: {'ok' if med < target else 'over'})")
    return f"  {what:46} median {med:7.1f} ms  p95 {p95:7.1f} ms  cpu {cpu:7.1f} ms{mark}"


class _Server:
    """The app on a free loopback port, in a thread, with a keep-alive connection."""

    def __init__(self, app: Any) -> None:
        import socket

        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, path: str, **params: str) -> bytes:
        self.conn.request("GET", path + "?" + urllib.parse.urlencode(params))
        r = self.conn.getresponse()
        body = r.read()
        assert r.status == 200, (r.status, body[:200])
        return body

    def close(self) -> None:
        self.conn.close()
        self.server.should_exit = True
        self.thread.join(10)


def bench_serve(big: Path, repeat: int) -> None:
    from kg.serve import Explorer, make_app, open_explorer

    t, c = time.perf_counter(), time.process_time()
    ex: Explorer = open_explorer(f"oxigraph:{big}")
    print(f"store {big}: {len(ex.store)} triples, {len(ex.entities)} entities; "
          f"start-up (open, index): {time.perf_counter() - t:.2f} s "
          f"(cpu {time.process_time() - c:.2f} s)")
    person = next(e for e in ex.entities if e.kind == "person")
    org = max((e for e in ex.entities if e.kind == "organization"),
              key=lambda e: len(ex.members_of.get(e.iri, [])))
    members = len(ex.members_of.get(org.iri, []))
    name = person.label.split("·")[0]
    searches = [(f"search {name!r} (a name on every issue)", name),
                (f"search {person.label!r}", person.label),
                ("search '市' (one character)", "市"),
                ("search '局' (one character)", "局")]
    opens = [(f"open person {person.label}", person.iri),
             (f"open organization {org.label} ({members} members)", org.iri)]
    print("in process (the explorer's own work):")
    for what, q in searches:
        print(_line(what, timed(partial(ex.search, q), repeat), SEARCH_TARGET_MS))
    for what, iri in opens:
        print(_line(what, timed(partial(ex.entity, iri), repeat), OPEN_TARGET_MS))
    print(_line(f"next page of {org.label}'s members (offset 1000)",
                timed(partial(ex.part, org.iri, "members", 1000), repeat), OPEN_TARGET_MS))
    server = _Server(make_app(ex))
    try:
        print(f"through HTTP (uvicorn on 127.0.0.1:{server.port}, one keep-alive client):")
        for what, q in searches:
            print(_line(what, timed(partial(server.get, "/api/search", q=q), repeat),
                        SEARCH_TARGET_MS))
        for what, iri in opens:
            print(_line(what, timed(partial(server.get, "/api/entity", iri=iri), repeat),
                        OPEN_TARGET_MS))
        # what the endpoint's guard costs: each query runs in a process forked for it
        print(_line("/sparql ASK (one forked child per query)",
                    timed(partial(server.get, "/sparql", query="ASK { ?s ?p ?o }"), repeat),
                    None))
    finally:
        server.close()


def _as_store(path: Path, root: Path) -> Path:
    """The graph of `path` written as a kg store (graph and kept answers) in `root`."""
    import pyoxigraph as ox

    from kg.query import load
    from kg.store import replace_graph

    if not (root / "graph").is_dir():
        inner = load(path).store.oxigraph  # type: ignore[attr-defined]
        replace_graph(root, inner.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return root


def bench_file(path: Path, work: Path, repeat: int) -> None:
    from kg.query import list_named, load, named, stats

    print(f"graph file {path} ({path.stat().st_size / 1e6:.1f} MB):")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")])}
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from kg.cli import cli; cli()", "stats",
                        str(path)], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        runs.append(time.perf_counter() - t)
    med = statistics.median(runs)
    print(f"  kg stats FILE, fresh process: median {med:.2f} s of 3 "
          f"(target < {STATS_TARGET_S:g} s: {'ok' if med < STATS_TARGET_S else 'over'})")
    t = time.perf_counter()
    g = load(path)
    read = time.perf_counter() - t
    t = time.perf_counter()
    stats(g)
    print(f"  in process: read {read:.2f} s ({len(g)} triples), "
          f"stats {time.perf_counter() - t:.2f} s")
    store = load(f"oxigraph:{_as_store(path, work / ('store-' + path.stem))}")
    values = _parameters(g)
    print(f"  named queries, warm, median of {repeat}: file in memory | same graph as a store")
    for nq in list_named():
        params = {p: values[p] for p in nq.param_names
                  if p not in nq.optional or p == "person"}
        on_file = timed(partial(named, nq.name, g, **params), repeat)
        on_store = timed(partial(named, nq.name, store, **params), repeat)
        kept = " (kept answer)" if nq.kept else ""
        print(f"    {nq.name:12} {on_file[0]:8.1f} ms | {on_store[0]:8.1f} ms{kept}")


def _parameters(g: Any) -> dict[str, str]:
    """Values for the named queries' parameters: the person with most posts, the
    organization with most members, a role of that person."""
    from kg.query import named

    values = top_parameters(g)
    posts = named("positions", g, person=values["person"])
    values["role"] = str(posts[0]["role"]) if posts else "书记"
    return values


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--work", type=Path, default=None, help="folder for the stores (kept)")
    ap.add_argument("--repeat", type=int, default=21, help="timed runs of each look-up")
    ap.add_argument("--file", type=Path, action="append", default=[],
                    help="a graph file to compare with a store (repeatable)")
    ap.add_argument("--file-1m", action="store_true",
                    help="also compare the 1M-triple graph as a Turtle file")
    ap.add_argument("--no-serve", action="store_true", help="only the files")
    args = ap.parse_args()

    print(_load())
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-serve-bench-"))
    big = work / "store-1m"
    if not (big / "graph").is_dir() and (not args.no_serve or args.file_1m):
        sources = [str(SEEDS)] if SEEDS.is_dir() else []
        run_kg(["build", *sources, str(SAMPLES), "-o", str(work / "store-out"),
                "--store", f"oxigraph:{work / 'store'}"])
        _issues_graph(work / "store", args.triples)
    if not args.no_serve:
        bench_serve(big, args.repeat)
        gc.collect()  # the explorer's index goes: the files are timed without it
    files = list(args.file)
    if args.file_1m:
        ttl = work / "graph-1m.ttl"
        if not ttl.is_file():
            from kg.query import load

            load(f"oxigraph:{big}").serialize(ttl, format="turtle")
        files.append(ttl)
    for f in files:
        bench_file(f, work, max(3, args.repeat // 4))
    print(_load())


if __name__ == "__main__":
    main()
