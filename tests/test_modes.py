"""Every way of running a build gives the same graph: one process or several, Dask,
with a persistent store, and a store updated with new pages. Also the streaming pieces
those modes rest on: the two-pass semantics, the Turtle writer, huge files in parts.

No test here is timed; speed is measured by benchmarks/bench.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, PROV, RDF, RDFS

from kg import resolve as resolve_mod
from kg.cli import cli
from kg.io import read_page
from kg.pipeline import (
    BuildResult,
    _automaton,
    build_graph,
    confident_names,
    extract_page,
    propagate_names,
    warm,
)
from kg.query import list_named, load, named
from kg.rdf import PREFIXES, quads, to_graph, turtle
from kg.resolve import Fragment, Resolved
from kg.store import StoreError
from kg.units import Unit, read_unit, sniff_encoding, split_text, units

DATA = Path(__file__).parent / "data"
A = [DATA / "perf_a1.txt", DATA / "perf_a2.txt"]  # built first
B = [DATA / "perf_b1.txt", DATA / "perf_b2.txt"]  # added later (names recur across A and B)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm()  # forked workers inherit a warm jieba instead of loading it each


def _ttl(r: BuildResult) -> bytes:
    return turtle(r.resolved)


def _in_memory_reference(paths: list[Path]) -> Graph:
    """The build as first written, everything in memory: extract every page, propagate
    the corpus' confident names into every page, resolve in order."""
    results = [extract_page(read_page(p, p.name)) for p in paths]  # named in their folder
    auto = _automaton(confident_names(results))
    results = [propagate_names(r, auto) for r in results]
    return to_graph(resolve_mod.resolve([(r.extractions, r.home_city) for r in results]))


def _copy(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def test_modes_streaming_build_equals_in_memory_two_pass() -> None:
    r = build_graph(A + B)
    assert isomorphic(r.graph, _in_memory_reference(A + B))
    assert [p.source for p in r.pages] == [p.name for p in A + B]
    assert r.added == 4


def test_modes_propagation_reaches_pages_built_earlier() -> None:
    """钱立宏 is read by a title in perf_b1 only; perf_a1 names him bare. The mention in
    perf_a1 exists only when both pages are in one build, which is what --update has
    to reproduce."""

    def persons_in_a1(g: Graph) -> set[str]:
        out = set()
        for p in g.subjects(RDF.type, FOAF.Person):
            if any("perf_a1" in str(a) for a in g.objects(p, PROV.wasDerivedFrom)):
                out.add(str(g.value(p, RDFS.label)))
        return out

    assert "钱立宏" not in persons_in_a1(build_graph(A).graph)
    assert "钱立宏" in persons_in_a1(build_graph(A + B).graph)


@pytest.mark.parametrize("jobs", [2, 3])
def test_modes_jobs_give_identical_turtle(jobs: int) -> None:
    one = build_graph(A + B, jobs=1)
    many = build_graph(A + B, jobs=jobs)
    assert _ttl(many) == _ttl(one)
    assert isomorphic(many.graph, one.graph)


def test_modes_turtle_writer_keeps_the_graph() -> None:
    r = build_graph(A + B)
    data = _ttl(r)
    parsed = Graph().parse(data=data, format="turtle")
    assert isomorphic(parsed, r.graph)
    assert len(parsed) == len(r.graph)
    assert data.startswith(b"@prefix foaf: ")
    assert _ttl(build_graph(A + B)) == data  # deterministic


def _cli_build(args: list[str], out: Path) -> tuple[bytes, bytes]:
    res = CliRunner().invoke(cli, ["build", *args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    return (out / "graph.ttl").read_bytes(), (out / "graph.html").read_bytes()


def test_modes_cli_jobs_byte_identical(tmp_path: Path) -> None:
    pages = [str(p) for p in A + B]
    one = _cli_build([*pages, "--jobs", "1"], tmp_path / "one")
    two = _cli_build([*pages, "--jobs", "2"], tmp_path / "two")
    assert one == two
    assert isomorphic(Graph().parse(data=one[0], format="turtle"), _in_memory_reference(A + B))


def test_modes_store_same_graph_and_queryable(tmp_path: Path) -> None:
    plain = _cli_build([str(p) for p in A + B], tmp_path / "plain")
    store = f"oxigraph:{tmp_path / 'store'}"
    stored = _cli_build([*(str(p) for p in A + B), "--store", store], tmp_path / "stored")
    assert stored == plain
    g = load(store)
    expected = Graph().parse(data=plain[0], format="turtle")
    assert len(g) == len(expected)
    assert sorted(map(str, g.subjects(RDF.type, FOAF.Person))) == \
        sorted(map(str, expected.subjects(RDF.type, FOAF.Person)))
    # named queries run on the store (natively, through pyoxigraph) as on the file
    rows = named("people", g)
    assert rows and rows == named("people", expected)
    person, org = rows[0]["name"], next(r["organization"] for r in rows if r["organization"])
    role = next(r["role"] for r in rows if r["role"])
    values = {"person": person, "name": person, "org": org, "role": role}
    for nq in list_named():
        params = {p: values[p] for p in nq.param_names if p not in nq.optional}
        on_store = named(nq.name, g, **params)
        assert on_store == named(nq.name, expected, **params), nq.name
        # the pages are undated: no post has first and last seen dates
        assert on_store or nq.name in ("org-tree", "places", "holders", "org-timeline"), nq.name
    res = CliRunner().invoke(cli, ["query", store, "--named", "people"])
    assert res.exit_code == 0 and "程立新" in res.output


def test_modes_counts_match_the_graph_query() -> None:
    from kg.pipeline import counts
    from kg.query import counts as query_counts

    r = build_graph(A + B)
    assert counts(r.resolved) == query_counts(r.graph)
    assert {k: v for k, v in r.counts().items() if k != "pages"} == counts(r.resolved)


def test_modes_view_is_the_graph() -> None:
    """The copy-free view that graph.html is drawn from holds the same triples."""
    from kg.rdf import view

    r = build_graph(A + B)
    v = view(r.resolved)
    assert isomorphic(v, r.graph) and len(v) == len(r.graph)
    with pytest.raises(TypeError):
        v.add((URIRef("urn:x"), RDFS.label, Literal("x")))


def test_modes_update_equals_full_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    a = _copy(A, corpus / "a")
    store = f"oxigraph:{tmp_path / 'store'}"
    _cli_build([str(corpus), "--store", store], tmp_path / "first")  # names a/perf_a1.txt
    b = _copy(B, corpus / "b")
    full = _cli_build([str(a), str(b)], tmp_path / "full")
    res = CliRunner().invoke(cli, ["build", str(b), "--store", store, "--update",
                                   "-o", str(tmp_path / "updated")])
    assert res.exit_code == 0, res.output
    assert ("4 pages, 2 extracted by this build (2 files added, 0 replaced, 0 removed)"
            in res.output)
    assert (tmp_path / "updated" / "graph.ttl").read_bytes() == full[0]
    assert (tmp_path / "updated" / "graph.html").read_bytes() == full[1]
    assert isomorphic(load(store), Graph().parse(data=full[0], format="turtle"))


def test_modes_update_skips_pages_already_in_store(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    first = build_graph(A + B, store=store, jobs=2)
    again = build_graph([*A, B[0]], store=store, update=True)
    assert again.added == 0
    assert len(again.pages) == 4
    assert _ttl(again) == _ttl(first)


def test_modes_update_refuses_other_city_and_missing_store(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    build_graph(A, store=store, city="开封")
    with pytest.raises(StoreError, match="--city"):
        build_graph(B, store=store, city="洛阳", update=True)
    with pytest.raises(StoreError, match="--store"):
        build_graph(B, update=True)


def test_modes_dask_local_cluster_equals_single_process(tmp_path: Path) -> None:
    """`kg build --engine dask --scheduler ADDRESS` against a LocalCluster (threads,
    one worker), in a subprocess so the cluster's threads do not outlive the test."""
    pytest.importorskip("distributed")
    pages = [str(p) for p in A + B]
    single = _cli_build([*pages, "--jobs", "1"], tmp_path / "single")
    script = f"""
import sys
from distributed import LocalCluster
from kg.cli import cli
with LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                  dashboard_address=None) as cluster:
    args = ["build", *{pages!r}, "-o", {str(tmp_path / "dask")!r},
            "--engine", "dask", "--scheduler", cluster.scheduler_address]
    cli.main(args, standalone_mode=False)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ttl = (tmp_path / "dask" / "graph.ttl").read_bytes()
    assert ttl == single[0]
    assert (tmp_path / "dask" / "graph.html").read_bytes() == single[1]
    assert isomorphic(Graph().parse(data=ttl, format="turtle"), _in_memory_reference(A + B))


# --- huge files -------------------------------------------------------------------------


def _huge_file(path: Path, encoding: str) -> str:
    """Every test page four times over, as one file."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (A + B) * 4)
    path.write_bytes(text.encode(encoding))
    return text


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_modes_huge_file_read_in_parts(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "year.txt"
    text = _huge_file(f, encoding)
    assert sniff_encoding(f) == encoding
    parts = list(split_text(f, encoding, part_chars=600))
    assert len(parts) > 3
    assert "".join(parts) == text
    assert all(len(p) < 4 * 600 + 200 for p in parts)
    got = list(units([f], split_bytes=1000, part_chars=600))
    assert [u.source for u in got if isinstance(u, Unit)] == \
        [f"year.txt#{k}" for k in range(1, len(parts) + 1)]  # named in its folder


def test_modes_huge_file_same_graph_in_every_mode(tmp_path: Path) -> None:
    f = tmp_path / "year.txt"
    _huge_file(f, "gb18030")
    one = build_graph([f], jobs=1, split_bytes=1000, part_chars=600)
    two = build_graph([f], jobs=2, split_bytes=1000, part_chars=600)
    assert len(one.pages) > 3 and all("#" in p.source for p in one.pages)
    assert _ttl(one) == _ttl(two)
    whole = build_graph([f])  # under the default threshold: one page
    assert len(whole.pages) == 1
    assert {str(o) for o in one.graph.objects(None, RDFS.label)} >= {"程立新", "滕振宇"}


def test_modes_text_unit_reads_like_a_file() -> None:
    for p in A + B:
        unit = Unit(p.as_posix(), p.as_posix(), 0, p.read_text(encoding="utf-8"), "utf-8")
        assert read_unit(unit) == read_page(p)


def test_modes_resolution_streams_pages_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pass 2 reads the pages back from the cache, and their article fragments reach
    the merge as a stream, in page order: memory follows the graph, not the corpus."""
    expected = _in_memory_reference(A + B)
    seen: list[str] = []
    real = resolve_mod.merge

    def spy(fragments: Iterable[Fragment]) -> Resolved:
        assert not isinstance(fragments, (list, tuple))

        def stream() -> Iterator[Fragment]:
            for f in fragments:
                seen.append(f.article.source)
                yield f

        return real(stream())

    monkeypatch.setattr(resolve_mod, "merge", spy)
    r = build_graph(A + B, jobs=2)
    assert list(dict.fromkeys(seen)) == [p.name for p in A + B]
    assert isomorphic(r.graph, expected)


def test_modes_turtle_is_what_pyoxigraph_writes() -> None:
    """kg.rdf writes the Turtle itself: byte for byte what pyoxigraph's serializer makes
    of the same triples, strings holding every character Turtle escapes included."""
    import io

    import pyoxigraph as ox

    from kg.entities import ArticleInfo, Entity, Membership

    odd = "".join(map(chr, range(0x20))) + '"\\\x7f\u2028 @prefix 引号“”'
    arts = {
        "article/a-1": ArticleInfo("article/a-1", "a.txt", 0, "标题" + odd, "2023-05-01",
                                   "漯河市", "https://example.org/a?x=1&y=2", "某报"),
        "article/a-2": ArticleInfo("article/a-2", "a.txt", 1, None, "2023-05", None),
        "article/a-3": ArticleInfo("article/a-3", "b.txt", 0, None, "五月三日", None),
    }
    person = Entity("person", "person/张三", "张三", alts={"张 三", odd}, count=3,
                    articles=set(arts), notes={"same-city"})
    org = Entity("org", "org/市委", "市委", alts={"市委员会"}, count=1,
                 articles={"article/a-1"}, parents={"org/省委"}, sites={"place/411100"})
    place = Entity("place", "place/411100", "漯河市", count=2, level="city", code="411100",
                   articles={"article/a-2"}, parents={"place/410000"})
    program = Entity("program", "program/五星支部", "五星支部", alts={"“五星”支部"},
                     runners={"org/市委"}, where={"place/411100"}, articles={"article/a-3"})
    member = Membership("membership/张三/书记/市委", "person/张三", "书记", "org/市委",
                        "市委书记张三" + odd, 0, 6, "title-chain", "article/a-1",
                        articles={"article/a-1", "article/a-2"}, first="2023", last="2023-05-01")
    res = Resolved({e.key: e for e in (person, org, place, program)},
                   {member.key: member}, arts, {"书记", "副 市长"})
    expected = io.BytesIO()
    ox.serialize(quads(res), expected, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    body = b"".join(line for line in io.BytesIO(expected.getvalue())
                    if not line.startswith(b"@prefix "))
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    ours = turtle(res)
    assert ours == header.encode() + b"\n" + body
    for term in (b'"\\u0000\\u0001', b'\\b\\t\\n\\u000B\\f\\r', b'\\"\\\\\\u007F',
                 b"kgo:articleCount 2", b'"2023-05"^^xsd:gYearMonth', b"^^xsd:anyURI",
                 '"漯河市"@zh'.encode(), "<https://w3id.org/kg-zh/id/person/张三> a".encode()):
        assert term in ours, term  # every kind of term was compared
    assert len(Graph().parse(data=ours, format="turtle")) == sum(1 for _ in quads(res))
