"""kg's performance figures, side by side with plain jieba.cut on the same text.

    python benchmarks/bench.py                 # 10 MB corpus, --jobs 1 and 2, 1M-triple store
    python benchmarks/bench.py --mb 2 --query-triples 200000 --no-big-file   # quick look
    python benchmarks/bench.py --profile 25    # also: where extraction spends its time
    python benchmarks/bench.py --repeat 3 --query-triples 0 --no-big-file  # steadier build figures

It assembles a corpus by recombining the paragraphs of the seed pages (../shared/seeds,
when present) and of the bundled samples (kg/samples) into pages with varied names, then
prints:

- start-up: the wall and CPU time of `kg build` of one short article in a fresh process
  (median of --startup-runs), what scoring documents one at a time costs;
- chars/s of plain `jieba.cut` over the corpus text (dictionary loaded beforehand);
- chars/s of the end-to-end `kg build CORPUS -o OUT` (a fresh process: start-up, read,
  extract, resolve, write Turtle and HTML) for each --jobs value, its ratio to
  jieba.cut (target: >= 1.5x with --jobs 2), its peak memory (parent and largest worker),
  and whether every run wrote byte-identical files; then the same `--jobs 1` build pinned to one
  core (the drawing child shares it), and the speed-ups end to end and per pass;
- the same corpus as one single big file (read in parts): peak memory;
- named-query latency (kg/queries/*.rq, in process, warm) on a ~1M-triple graph in a
  persistent store (`kg build --store`): the graph of the source pages copied as many
  issues of a paper (own articles, persons, memberships; shared organizations and
  places) until it is big enough (target < 100 ms).

The targets live here only: no test is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
SAMPLES = REPO / "kg" / "samples"
TARGET_RATIO = 1.5  # kg build --jobs 2 against plain jieba.cut
TARGET_MODE = "--jobs 2"
TARGET_QUERY_MS = 100.0
ONE_CORE = "--jobs 1 pinned to one core"

# runs `kg build ARGS` in this fresh process and reports its peak memory
_WRAPPER = """
import json, os, resource, sys
if len(sys.argv) > 2:  # the cores this build (and every process it starts) may run on
    os.sched_setaffinity(0, json.loads(sys.argv[2]))
from kg.cli import cli
code = 0
try:
    cli.main(json.loads(sys.argv[1]), prog_name="kg", standalone_mode=False)
except SystemExit as e:
    code = e.code or 0
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("BENCH " + json.dumps({"rss_kb": own, "child_rss_kb": kids, "code": code}), file=sys.stderr)
"""


# --- corpus ------------------------------------------------------------------------------


def source_pages() -> list[str]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    files += sorted(SAMPLES.glob("*.txt"))
    return [f.read_text(encoding="utf-8") for f in files]


# characters common in given names (general knowledge), for the names a page is given
_GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文"
          "斌宇浩凯鹏辉亮林峰松晨雪梅琳颖婷佳欣怡博宁海波飞龙新春庆德")


def _source_names(pages: list[str]) -> list[str]:
    """Person names kg reads in the source pages, longest first."""
    from kg.clean import clean
    from kg.model import Page
    from kg.pipeline import extract_page

    names: set[str] = set()
    for i, text in enumerate(pages):
        for ex in extract_page(Page(f"source-{i}.txt", clean(text), "")).extractions:
            names.update(m.text for m in ex.mentions if m.label == "person")
    return sorted(names, key=lambda n: (-len(n), n))


def _vary(text: str, names: re.Pattern[str] | None, rng: random.Random) -> str:
    """The page with every person name and every number replaced, consistently
    within the page: issues of a paper share their phrasing, not their names and
    figures, so no cache gets to see a whole sentence again."""
    from kg import lexicon

    surnames = sorted(lexicon.surnames()[0])
    given: dict[str, str] = {}

    def person(m: re.Match[str]) -> str:
        old = m.group(0)
        if old not in given:
            given[old] = rng.choice(surnames) + "".join(
                rng.choice(_GIVEN) for _ in range(len(old) - 1))
        return given[old]

    if names is not None:
        text = names.sub(person, text)
    return re.sub(r"[0-9]", lambda m: rng.choice("0123456789"), text)


def make_corpus(folder: Path, mb: float, seed: int = 7) -> list[Path]:
    """Pages of ~5-40 KB made of the paragraphs of two or three source pages (a tail of
    one, then heads of others), every person name and number replaced at random (see
    `_vary`), as folder/YYYY-MM/paper-YYYY-MM-DD-pN.txt."""
    rng = random.Random(seed)
    sources = source_pages()
    blocks = [p.split("\n\n") for p in sources]
    found = _source_names(sources)
    names = re.compile("|".join(map(re.escape, found))) if found else None
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    total = 0
    day = 0
    while total < mb * 1e6:
        first = rng.choice(blocks)
        parts = first[rng.randrange(len(first)):]
        for _ in range(rng.randrange(1, 3)):
            other = rng.choice(blocks)
            parts += other[: rng.randrange(1, len(other) + 1)]
        data = _vary("\n\n".join(parts), names, rng).encode("utf-8")
        month, dom, page = 1 + (day // 28) % 12, 1 + day % 28, len(files) % 8 + 1
        year = 2015 + day // (28 * 12)
        f = folder / f"{year}-{month:02d}" / f"paper-{year}-{month:02d}-{dom:02d}-p{page}.txt"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(data)
        files.append(f)
        total += len(data)
        if page == 8:
            day += 1
    return files


# --- measurements --------------------------------------------------------------------------


def bench_jieba(texts: list[str]) -> dict[str, float]:
    import jieba

    jieba.setLogLevel(60)
    t = time.perf_counter()
    jieba.initialize()
    init = time.perf_counter() - t
    chars = sum(map(len, texts))
    t = time.perf_counter()
    for text in texts:
        for _ in jieba.cut(text):
            pass
    secs = time.perf_counter() - t
    return {"chars": chars, "secs": secs, "cps": chars / secs, "init_secs": init}


_LAP = re.compile(r"kg: INFO: ([0-9.]+) s: (.*)$")


def _stage(what: str) -> str:
    """A lap line of `kg -v build` as a short stage name."""
    if what.startswith("wrote ") and what.rstrip().endswith(("graph.ttl", "graph.html")):
        return what.rsplit("/", 1)[-1].split(".")[-1]  # ttl, html
    return what.split(":", 1)[0]  # pass 1, pass 2, ...


def run_kg(args: list[str], cores: list[int] | None = None) -> dict[str, Any]:
    """`kg ARGS` in a fresh process (pinned to `cores` if given): wall time and peak
    memory."""
    t = time.perf_counter()
    pin = [json.dumps(cores)] if cores else []
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, json.dumps(args), *pin],
                          capture_output=True, text=True)
    secs = time.perf_counter() - t
    info: dict[str, Any] = {}
    stages: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if line.startswith("BENCH "):
            info = json.loads(line[6:])
        m = _LAP.match(line)  # kg -v: how long each stage took
        if m:
            stages[_stage(m.group(2))] = float(m.group(1))
    info["stages"] = stages
    if proc.returncode or not info or info.get("code"):
        raise SystemExit(f"kg {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return {"secs": secs, **info, "stdout": proc.stdout.strip()}


def short_page(folder: Path) -> tuple[Path, int]:
    """One short article (the head of the first sample page, a few hundred characters),
    written to folder/short.txt: what scoring one document at a time builds."""
    paras = (SAMPLES / "page1_politics.txt").read_text(encoding="utf-8").split("\n\n")
    text = ""
    for p in paras:
        text += p + "\n\n"
        if len(text) >= 300:
            break
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "short.txt"
    page.write_text(text, encoding="utf-8")
    return page, len(text)


def bench_startup(work: Path, runs: int) -> dict[str, Any]:
    """`kg build SHORT -o OUT --jobs 1` in a fresh process, `runs` times: median wall
    time and CPU time (the process and the child drawing the page), beside a bare
    interpreter's."""
    page, chars = short_page(work / "short")

    def timed(cmd: list[str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    build = [sys.executable, "-c", "from kg.cli import main; main()", "build", str(page),
             "-o", str(work / "short-out"), "--jobs", "1"]
    timed(build)  # the first run may build the dictionary cache
    kg_runs = [timed(build) for _ in range(runs)]
    bare = [timed([sys.executable, "-c", "pass"]) for _ in range(runs)]
    return {"chars": chars, "runs": runs,
            "wall": statistics.median(w for w, _ in kg_runs),
            "cpu": statistics.median(c for _, c in kg_runs),
            "bare_wall": statistics.median(w for w, _ in bare),
            "bare_cpu": statistics.median(c for _, c in bare)}


def bench_builds(corpus: Path, out: Path, chars: int, jieba_cps: float,
                 jobs_list: list[int], dask: bool, repeat: int = 1) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    outputs: list[tuple[bytes, bytes]] = []
    modes: list[tuple[str, list[str], list[int] | None]] = [
        (f"--jobs {j}", ["--jobs", str(j)], None) for j in jobs_list]
    if dask:
        modes.append((f"--engine dask (local cluster, {max(jobs_list)} workers)",
                      ["--engine", "dask", "--jobs", str(max(jobs_list))], None))
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
        # the whole build on one core (the drawing child included): what the cores add
        modes.append((ONE_CORE, ["--jobs", "1"], [min(os.sched_getaffinity(0))]))
    for label, extra, cores in modes:
        d = out / f"build-{len(runs)}"
        tries = [run_kg(["-v", "build", str(corpus), "-o", str(d), *extra], cores)
                 for _ in range(repeat)]
        r = sorted(tries, key=lambda t: t["secs"])[len(tries) // 2]  # the median run
        r.update(label=label, cps=chars / r["secs"], ratio=chars / r["secs"] / jieba_cps)
        outputs.append(((d / "graph.ttl").read_bytes(), (d / "graph.html").read_bytes()))
        runs.append(r)
    for r, o in zip(runs, outputs):
        r["identical"] = o == outputs[0]
    return runs


def bench_big_file(files: list[Path], out: Path, jobs: int) -> dict[str, Any]:
    big = out / "big" / "all-in-one.txt"
    big.parent.mkdir(parents=True, exist_ok=True)
    with big.open("wb") as fh:
        for f in files:
            fh.write(f.read_bytes())
            fh.write(b"\n\n")
    r = run_kg(["build", str(big), "-o", str(out / "big-out"), "--jobs", str(jobs)])
    r["mb"] = big.stat().st_size / 1e6
    big.unlink()
    return r


def _issues_graph(store_dir: Path, target: int) -> tuple[Path, int]:
    """A store of about `target` triples modelling many issues of a paper: the graph of
    the source pages (seeds and samples) copied k times, each copy with its own
    articles, persons (labels suffixed ·k) and memberships, sharing organizations,
    places, programmes and roles, as issues of one paper do."""
    import pyoxigraph as ox

    from kg.namespace import DATA_IRI
    from kg.store import graph_dir, replace_graph

    src = ox.Store.read_only(str(graph_dir(store_dir)))
    base = list(src.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    per_issue = tuple(DATA_IRI + k for k in ("article/", "person/", "membership/"))
    person = ox.NamedNode("http://xmlns.com/foaf/0.1/Person")
    persons = {q.subject for q in base if q.object == person}
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

    def own(t: Any) -> bool:
        return isinstance(t, ox.NamedNode) and t.value.startswith(per_issue)

    per_copy = sum(1 for q in base if own(q.subject) or own(q.object))
    copies = max(1, -(-(target - len(base)) // per_copy) + 1)

    def rename(term: Any, k: int) -> Any:
        return ox.NamedNode(f"{term.value}-{k}") if k and own(term) else term

    def quads() -> Any:
        for k in range(copies):
            for q in base:
                o = q.object
                if k and q.subject in persons and q.predicate == label:
                    assert isinstance(o, ox.Literal)
                    o = ox.Literal(f"{o.value}·{k}", language=o.language)
                yield ox.Quad(rename(q.subject, k), q.predicate, rename(o, k))

    big = store_dir.parent / "store-1m"
    replace_graph(big, quads())
    return big, copies


def _timed(fn: Any, repeat: int = 5) -> tuple[float, float, int]:
    """(median ms, max ms, rows) of `fn()` after one warm-up call."""
    fn()
    times, rows = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        rows = len(fn())
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), rows


def top_parameters(g: Any) -> dict[str, str]:
    """Values for the named queries' parameters: the person with most posts (also the
    `name` of mentions), the organization with most members."""
    from kg.query import run

    top = {
        "person": "SELECT ?v WHERE { ?m org:member/rdfs:label ?v } GROUP BY ?v "
                  "ORDER BY DESC(COUNT(?m)) ?v LIMIT 1",
        "org": "SELECT ?v WHERE { ?m org:organization/rdfs:label ?v } GROUP BY ?v "
               "ORDER BY DESC(COUNT(?m)) ?v LIMIT 1",
    }
    values = {k: str(next(iter(run(g, q)))[0]) for k, q in top.items()}  # type: ignore[index]
    values["name"] = values["person"]
    return values


def bench_queries(out: Path, target: int) -> dict[str, Any]:
    from kg.query import list_named, named
    from kg.store import keep_listings, open_graph

    store_dir = out / "store"
    sources = [str(SEEDS)] if SEEDS.is_dir() else []
    run_kg(["build", *sources, str(SAMPLES), "-o", str(out / "store-out"),
            "--store", f"oxigraph:{store_dir}"])
    t = time.perf_counter()
    big, copies = _issues_graph(store_dir, target)
    load_secs = time.perf_counter() - t
    t = time.perf_counter()
    keep_listings(big, big / "graph")  # as replace_graph did: timed on its own here
    keep_secs = time.perf_counter() - t
    g = open_graph(f"oxigraph:{big}")
    ran = open_graph(f"oxigraph:{big}")
    ran.store.listings = None  # type: ignore[attr-defined]  # every query evaluated
    values = top_parameters(g)
    results = []
    for nq in list_named():
        params = {p: values.get(p, values["name"]) for p in nq.param_names}
        med, top_ms, rows = _timed(lambda nq=nq, params=params: named(nq.name, g, **params))
        r = {"query": nq.name, "params": params, "rows": rows, "median_ms": med,
             "max_ms": top_ms}
        if nq.kept:
            r["run_ms"] = _timed(lambda nq=nq, params=params: named(nq.name, ran, **params),
                                 repeat=3)[0]
        results.append(r)
    return {"copies": copies, "triples": len(g), "load_secs": load_secs,
            "keep_secs": keep_secs, "queries": results}


def profile_extraction(top: int) -> str:
    """cProfile of extracting the seed pages (or samples), warm, by own time."""
    import cProfile
    import io
    import pstats

    from kg.io import read_page
    from kg.pipeline import extract_page, warm

    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else sorted(SAMPLES.glob("*.txt"))
    warm()
    pages = [read_page(f) for f in files]
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        for p in pages:
            extract_page(p)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    buf.write("\n")
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


# --- report ---------------------------------------------------------------------------------


def _print_query(r: dict[str, Any]) -> None:
    mark = "ok" if r["median_ms"] < TARGET_QUERY_MS else "over target"
    params = " ".join(f"{k}={v}" for k, v in r["params"].items())
    kept = f"; kept answer, evaluated: {r['run_ms']:.0f} ms" if "run_ms" in r else ""
    print(f"  {r['query']:<10} {params:<24} {r['rows']:>7} rows "
          f"{r['median_ms']:8.1f} ms (max {r['max_ms']:.1f})  ({mark}{kept})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0, help="corpus size in MB of UTF-8 text")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs of each build mode; the median run is reported")
    ap.add_argument("--dask", action="store_true", help="also run --engine dask on a local cluster")
    ap.add_argument("--query-triples", type=int, default=1_000_000,
                    help="size of the store graph for query latency (0: skip)")
    ap.add_argument("--no-big-file", action="store_true", help="skip the single-big-file build")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="also print the top N functions of extraction (cProfile)")
    ap.add_argument("--work", type=Path, help="folder for the corpus and outputs (kept)")
    ap.add_argument("--startup-runs", type=int, default=9, metavar="N",
                    help="one-article builds timed for the start-up figure (0: skip)")
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    jobs_list = [int(j) for j in args.jobs.split(",")]
    print(f"kg benchmark: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, work folder {work}")

    if args.startup_runs:
        st = bench_startup(work, args.startup_runs)
        print(f"start-up: kg build of one short article ({st['chars']} characters, fresh "
              f"process, --jobs 1), median of {st['runs']}: {st['wall']:.2f} s wall, "
              f"{st['cpu']:.2f} s CPU (python -c pass: {st['bare_wall']:.2f} s, "
              f"{st['bare_cpu']:.2f} s CPU)")

    files = make_corpus(corpus, args.mb)
    texts = [f.read_text(encoding="utf-8") for f in files]
    mb = sum(f.stat().st_size for f in files) / 1e6
    print(f"corpus: {len(files)} pages, {mb:.1f} MB, {sum(map(len, texts)):,} characters "
          f"(from {'seeds and ' if SEEDS.is_dir() else ''}samples)")

    jb = bench_jieba(texts)
    del texts
    print(f"\njieba.cut (default dictionary, loaded in {jb['init_secs']:.2f} s beforehand): "
          f"{jb['secs']:.2f} s, {jb['cps']:,.0f} chars/s")

    runs = bench_builds(corpus, work, int(jb["chars"]), jb["cps"], jobs_list, args.dask,
                        args.repeat)
    print("\nkg build CORPUS -o OUT (fresh process, end to end: read, extract, resolve, "
          f"Turtle, HTML; median of {args.repeat} run{'s' if args.repeat > 1 else ''})")
    print(f"{'mode':<44} {'secs':>7} {'chars/s':>10} {'vs jieba':>9} {'peak MB':>8} "
          f"{'worker MB':>9}  same output")
    for r in runs:
        mark = "ok" if r["ratio"] >= TARGET_RATIO else "below target"
        if r["label"] == ONE_CORE:
            mark = "the reference for scaling, not a target"
        elif r["label"] != TARGET_MODE:
            mark = f"the target is for {TARGET_MODE}"
        print(f"{r['label']:<44} {r['secs']:7.2f} {r['cps']:10,.0f} {r['ratio']:8.2f}x "
              f"{r['rss_kb'] / 1024:8.0f} {r['child_rss_kb'] / 1024:9.0f}  "
              f"{'yes' if r['identical'] else 'NO'}  ({mark})")
    print("  stages (s, from kg -v): " + "; ".join(
        f"{r['label'].split(' (')[0]}: " + ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
        for r in runs))
    def speedup(base: dict[str, Any], r: dict[str, Any]) -> str:
        passes = "; ".join(
            f"{base['stages'][k] / r['stages'][k]:.2f}x in {k}" for k in ("pass 1", "pass 2")
            if base["stages"].get(k) and r["stages"].get(k))
        return (f"  speed-up of {r['label']} over {base['label']}: "
                f"{base['secs'] / r['secs']:.2f}x end to end; {passes}")

    base = runs[0]
    for r in runs[1:]:
        if r["label"] != ONE_CORE:
            print(speedup(base, r))
    for one in (r for r in runs if r["label"] == ONE_CORE):
        most = runs[len(jobs_list) - 1]
        print(speedup(one, most) + f" (all {len(os.sched_getaffinity(0))} cores against one)")
    print(f"  graph: {runs[0]['stdout'].splitlines()[-1]}")

    if not args.no_big_file:
        big = bench_big_file(files, work, max(jobs_list))
        print(f"\none {big['mb']:.1f} MB file (read in parts), --jobs {max(jobs_list)}: "
              f"{big['secs']:.2f} s, peak {big['rss_kb'] / 1024:.0f} MB "
              f"(largest worker {big['child_rss_kb'] / 1024:.0f} MB)")

    if args.query_triples:
        q = bench_queries(work, args.query_triples)
        print(f"\nnamed queries (kg.query.named, in process, warm, median of 5) on a "
              f"persistent store of {q['triples']:,} triples: {q['copies']} issues, each "
              f"the source pages' graph with its own articles, persons and memberships "
              f"(loaded in {q['load_secs']:.1f} s):")
        for r in q["queries"]:
            _print_query(r)
        print(f"  (kg build worked out the kept answers, kg.listings, in {q['keep_secs']:.1f} s)")

    if args.profile:
        print("\nextraction profile (seed pages x3, warm):")
        print(profile_extraction(args.profile))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
