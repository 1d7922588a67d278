"""Exports (`kg build --format`): deterministic bytes, lossless round trips, and TriG with
one named graph per article."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import ORG, PROV

from kg.cli import cli
from kg.export import (
    FORMATS,
    ExportError,
    article_graphs,
    evidence_article,
    parse_formats,
    serialize,
    to_dataset,
)
from kg.io import read_page
from kg.namespace import KGO, KGR, SDO
from kg.pipeline import BuildResult, build_graph, extract_page
from kg.render import to_networkx
from kg.resolve import article_key

DATA = Path(__file__).parent / "data"
PAGES = sorted(DATA.glob("q_*.txt"))
SAMPLES = Path(__file__).resolve().parents[1] / "kg" / "samples"
RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def result() -> BuildResult:
    return build_graph(PAGES)


@pytest.fixture(scope="module")
def samples() -> BuildResult:
    return build_graph([SAMPLES])


def _quads(data: bytes) -> Dataset:
    ds = Dataset()
    ds.parse(data=data, format="trig")
    return ds


def _union(ds: Dataset) -> Graph:
    out = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        out.add((s, p, o))
    return out


def _named(ds: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g) and isinstance(g.identifier, URIRef)
            and str(g.identifier) != str(ds.default_graph.identifier)}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_is_deterministic(result: BuildResult, fmt: str) -> None:
    again = build_graph(PAGES).graph
    assert serialize(result.graph, fmt) == serialize(again, fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_samples_deterministic(samples: BuildResult, fmt: str) -> None:
    # a graph with its triples added in another order gives the same bytes
    shuffled = Graph()
    for t in sorted(samples.graph, reverse=True):
        shuffled.add(t)
    for prefix, ns in samples.graph.namespaces():
        shuffled.bind(prefix, ns, override=True)
    assert serialize(samples.graph, fmt) == serialize(shuffled, fmt)


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_export_round_trips(samples: BuildResult, fmt: str) -> None:
    back = Graph().parse(data=serialize(samples.graph, fmt), format=RDF_FORMATS[fmt])
    assert isomorphic(back, samples.graph)


def test_export_ntriples_sorted_lines(result: BuildResult) -> None:
    lines = serialize(result.graph, "nt").decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(result.graph)


def test_export_trig_union_is_the_graph(samples: BuildResult) -> None:
    ds = _quads(serialize(samples.graph, "trig"))
    assert isomorphic(_union(ds), samples.graph)


def test_export_trig_one_graph_per_article(result: BuildResult) -> None:
    g = result.graph
    named = _named(_quads(serialize(g, "trig")))
    articles = {str(a) for a in g.subjects(RDF.type, SDO.NewsArticle)}
    assert set(named) == articles
    for iri, ag in named.items():
        a = URIRef(iri)
        assert (a, RDF.type, SDO.NewsArticle) in ag
        for s, p, o in ag:
            # everything in an article's graph is about that article or derived from it
            assert s == a or (s, PROV.wasDerivedFrom, a) in g, (s, p, o)


def test_export_trig_default_graph_has_no_provenance(result: BuildResult) -> None:
    default, _ = article_graphs(result.graph)
    preds = {p for _, p, _ in default}
    assert not preds & {PROV.wasDerivedFrom, SDO.mentions, ORG.member, ORG.role, KGO.evidence}


def test_export_trig_membership_in_each_source_graph(result: BuildResult) -> None:
    g = result.graph
    _, named = article_graphs(g)
    shared = [m for m in g.subjects(RDF.type, ORG.Membership)
              if len(set(g.objects(m, PROV.wasDerivedFrom))) > 1]
    assert shared, "the test pages repeat a position across articles"
    for m in shared:
        holders = [a for a, ts in named.items() if (m, ORG.member, g.value(m, ORG.member)) in ts]
        assert set(holders) == set(g.objects(m, PROV.wasDerivedFrom))
        with_evidence = [a for a, ts in named.items() if any(t[0] == m and t[1] == KGO.evidence
                                                             for t in ts)]
        assert with_evidence == [evidence_article(g, m)]


@pytest.mark.parametrize("which", ["result", "samples"])
def test_export_trig_evidence_goes_to_its_article(which: str,
                                                  request: pytest.FixtureRequest) -> None:
    res: BuildResult = request.getfixturevalue(which)
    g = res.graph
    files = PAGES if which == "result" else sorted(SAMPLES.glob("*.txt"))
    texts = {str(KGR[article_key(ex)]): ex.article.text
             for f in files for ex in extract_page(read_page(f)).extractions}
    for m in g.subjects(RDF.type, ORG.Membership):
        a = evidence_article(g, m)
        start = g.value(m, KGO.evidenceStart).toPython()  # type: ignore[union-attr]
        end = g.value(m, KGO.evidenceEnd).toPython()  # type: ignore[union-attr]
        assert texts[str(a)][start:end].strip() == str(g.value(m, KGO.evidence)).strip(), m


def test_export_trig_article_graph_is_what_the_article_alone_gives(result: BuildResult) -> None:
    """Re-extracting one page replaces exactly its articles' graphs: the graph of an
    article in the corpus equals the one the page gives alone (evidence aside, which is
    kept once per membership, from the first article that states it)."""
    _, together = article_graphs(result.graph)
    for page in PAGES:
        _, alone = article_graphs(build_graph([page]).graph)
        for a, ts in alone.items():
            drop = {KGO.evidence, KGO.evidenceStart, KGO.evidenceEnd, KGO.evidenceSource, KGO.rule}
            assert {t for t in together[a] if t[1] not in drop} == \
                {t for t in ts if t[1] not in drop}, a


def test_export_to_dataset(result: BuildResult) -> None:
    ds = to_dataset(result.graph)
    assert isomorphic(_union(ds), result.graph)


def test_export_graphml(result: BuildResult) -> None:
    data = serialize(result.graph, "graphml")
    assert data.startswith(b"<?xml")
    back = nx.read_graphml(io.BytesIO(data))
    nxg = to_networkx(result.graph)
    assert set(back.nodes) == set(nxg.nodes)
    assert back.number_of_edges() == nxg.number_of_edges()
    labels = {d.get("label") for _, d in back.nodes(data=True)}
    assert "程立华" in labels


def test_export_parse_formats() -> None:
    assert parse_formats("ttl") == ["ttl"]
    assert parse_formats(" trig, ttl ,trig") == ["trig", "ttl"]
    for bad in ("xml", "", "ttl,rdfxml"):
        with pytest.raises(ExportError):
            parse_formats(bad)
    with pytest.raises(ExportError):
        serialize(Graph(), "xml")


def test_cli_build_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(cli, ["build", *map(str, PAGES), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "graph.ttl"]

    res = runner.invoke(cli, ["build", *map(str, PAGES), "-o", str(out),
                              "--format", "ttl,nt,jsonld,trig,graphml"])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["graph.graphml", "graph.html", "graph.jsonld", "graph.nt", "graph.trig",
                     "graph.ttl"]
    first = {n: (out / n).read_bytes() for n in names}
    res = runner.invoke(cli, ["build", *map(str, PAGES), "-o", str(out),
                              "-f", "ttl,nt,jsonld,trig,graphml"])
    assert {n: (out / n).read_bytes() for n in names} == first

    res = runner.invoke(cli, ["build", *map(str, PAGES), "-o", str(tmp_path / "x"), "-f", "xml"])
    assert res.exit_code == 2
    assert "unknown format 'xml'" in res.output
    assert not (tmp_path / "x").exists()


def test_export_identical_across_hash_seeds(tmp_path: Path) -> None:
    """Set and dict order change with PYTHONHASHSEED; the files must not."""
    import os
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        d = tmp_path / seed
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "build", *map(str, PAGES), "-o", str(d),
             "--format", ",".join(FORMATS)],
            check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outs.append({ext: (d / f"graph.{ext}").read_bytes() for ext in FORMATS.values()})
    assert outs[0] == outs[1]
