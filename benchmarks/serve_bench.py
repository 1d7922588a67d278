"""`kg serve` latencies over a ~1M-triple store (targets: search < 100 ms, opening an
entity < 200 ms), and `kg stats` on a graph file. Prints figures; no test is timed.

    python benchmarks/serve_bench.py                       # 1M-triple store, built once
    python benchmarks/serve_bench.py --triples 200000      # quicker
    python benchmarks/serve_bench.py --stats out/graph.ttl # also: kg stats on that file
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import SAMPLES, SEEDS, _issues_graph, run_kg


def _ms(fn: Any, repeat: int = 7) -> tuple[float, float]:
    """(median, max) ms of `fn()` after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--work", type=Path, default=None, help="folder for the store (kept)")
    ap.add_argument("--stats", type=Path, default=None, help="a graph file for kg stats")
    args = ap.parse_args()

    from kg.query import load, stats
    from kg.serve import Explorer, open_explorer

    if args.stats:
        t = time.perf_counter()
        stats(load(args.stats))
        print(f"kg stats {args.stats} (load + stats, in process): "
              f"{time.perf_counter() - t:.2f} s")
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-serve-bench-"))
    big = work / "store-1m"
    if not (big / "graph").is_dir():
        sources = [str(SEEDS)] if SEEDS.is_dir() else []
        run_kg(["build", *sources, str(SAMPLES), "-o", str(work / "store-out"),
                "--store", f"oxigraph:{work / 'store'}"])
        _issues_graph(work / "store", args.triples)
    t = time.perf_counter()
    ex: Explorer = open_explorer(f"oxigraph:{big}")
    print(f"store {big}: {len(ex.store)} triples, {len(ex.entities)} entities, "
          f"index built in {time.perf_counter() - t:.2f} s")
    person = next(e for e in ex.entities if e.kind == "person")
    org = next(e for e in ex.entities if e.kind == "organization")
    name = person.label.split("·")[0]
    for what, fn in [
        (f"search {name!r} (a name on every issue)", lambda: ex.search(name)),
        (f"search {person.label!r} (one person)", lambda: ex.search(person.label)),
        ("search '市' (one character)", lambda: ex.search("市")),
        (f"open person {person.label}", lambda: ex.entity(person.iri)),
        (f"open organization {org.label}", lambda: ex.entity(org.iri)),
    ]:
        med, top = _ms(fn)
        target = 100 if what.startswith("search") else 200
        print(f"{what:50} median {med:7.1f} ms  max {top:7.1f} ms  (target < {target} ms)")


if __name__ == "__main__":
    main()
