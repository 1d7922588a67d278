"""Graph -> bytes in the export formats of `kg build --format`, deterministically:
the same graph gives byte-identical output (subjects, graphs and values are sorted where
rdflib's serializers follow store order).

TriG: one named graph per article, named by the article IRI. An article's graph holds
what that article says: its own description (headline, date, source file), its
`schema:mentions`, each entity's `prov:wasDerivedFrom` it, and every membership read from
it (type, member, role, organization and the derivation link; a membership read from two
articles appears in both graphs). The evidence sentence of a membership (kgo:evidence,
evidenceStart, evidenceEnd, rule) goes into the graph of the article it was read from.
The default graph holds the corpus-level results of resolution: entity types, labels and
aliases, mention counts, hierarchies, roles and the class axioms. Re-extracting one
article therefore replaces exactly its named graph; the union of all graphs is the
Turtle graph.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import Any

from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV
from rdflib.term import Node

from kg.io import FORMATS, ExportError
from kg.io import parse_formats as parse_formats  # re-exported: kg.export's API
from kg.namespace import KGO, SDO
from kg.query import PREFIXES
from kg.rdf import bind

Triple = tuple[Node, Node, Node]

_MEMBERSHIP_CORE = (RDF.type, ORG.member, ORG.role, ORG.organization)
_EVIDENCE = (KGO.evidence, KGO.evidenceStart, KGO.evidenceEnd, KGO.evidenceSource, KGO.rule)


def serialize(graph: Graph, fmt: str) -> bytes:
    """The graph in `fmt` (one of FORMATS) as UTF-8 bytes."""
    writers: dict[str, Callable[[Graph], bytes]] = {
        "ttl": _turtle, "nt": _ntriples, "jsonld": _jsonld, "trig": _trig, "graphml": _graphml,
    }
    if fmt not in writers:
        raise ExportError(f"unknown format {fmt!r}; choose from {','.join(FORMATS)}")
    return writers[fmt](graph)


def _turtle(graph: Graph) -> bytes:
    # rdflib's Turtle writer sorts subjects, predicates and objects
    return graph.serialize(format="turtle").encode("utf-8")


def _ntriples(graph: Graph) -> bytes:
    lines = {line for line in graph.serialize(format="nt").splitlines() if line.strip()}
    return "".join(f"{line}\n" for line in sorted(lines)).encode("utf-8")


def _sort_json(value: Any) -> Any:
    """Arrays sorted by their canonical JSON, objects recursively (keys are sorted on dump)."""
    if isinstance(value, dict):
        return {k: _sort_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _jsonld(graph: Graph) -> bytes:
    text = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    doc = _sort_json(json.loads(text))
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _graphml_value(v: Any) -> str | int | float | bool:
    """GraphML holds scalars only: lists and dicts become their JSON text."""
    if isinstance(v, (str, int, float, bool)):
        return v
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def _graphml(graph: Graph) -> bytes:
    """The entity network of kg.render.to_networkx (nodes: entities with kind and label;
    edges: positions and relations) as GraphML."""
    import networkx as nx

    from kg.render import to_networkx

    src = to_networkx(graph)
    out = nx.MultiDiGraph()
    for n, d in src.nodes(data=True):
        out.add_node(n, **{k: _graphml_value(v) for k, v in sorted(d.items())})
    for a, b, k, d in src.edges(keys=True, data=True):
        out.add_edge(a, b, key=k, **{k2: _graphml_value(v) for k2, v in sorted(d.items())})
    buf = io.BytesIO()
    nx.write_graphml(out, buf, encoding="utf-8")
    return buf.getvalue()


# ---------------------------------------------------------------------------
# TriG: one named graph per article


def evidence_article(graph: Graph, membership: Node) -> URIRef | None:
    """The article a membership's evidence sentence was read from: the first of its
    source articles in build order (input file, then position in the file), which is
    the one the pipeline keeps the evidence of."""
    recorded = graph.value(membership, KGO.evidenceSource)
    if isinstance(recorded, URIRef):
        return recorded
    arts = [a for a in graph.objects(membership, PROV.wasDerivedFrom) if isinstance(a, URIRef)]
    if not arts:
        return None

    def order(a: URIRef) -> tuple[tuple[str, ...], int, str]:
        src = graph.value(a, KGO.sourceFile)
        idx = graph.value(a, KGO.articleIndex)
        pos = idx.toPython() if isinstance(idx, Literal) else 0
        return (PurePosixPath(str(src or "")).parts, pos if isinstance(pos, int) else 0, str(a))

    return min(arts, key=order)


def article_graphs(graph: Graph) -> tuple[list[Triple], dict[URIRef, list[Triple]]]:
    """Split the graph into (default-graph triples, {article IRI: its triples})."""
    articles = {a for a in graph.subjects(RDF.type, SDO.NewsArticle) if isinstance(a, URIRef)}
    named: dict[URIRef, set[Triple]] = {a: set() for a in articles}
    placed: set[Triple] = set()

    def put(a: URIRef, t: Triple) -> None:
        named[a].add(t)
        placed.add(t)

    for a in articles:
        for p, o in graph.predicate_objects(a):
            put(a, (a, p, o))
        for s in graph.subjects(PROV.wasDerivedFrom, a):
            put(a, (s, PROV.wasDerivedFrom, a))
    for m in graph.subjects(RDF.type, ORG.Membership):
        sources = [a for a in graph.objects(m, PROV.wasDerivedFrom)
                   if isinstance(a, URIRef) and a in named]
        for a in sources:
            for p in _MEMBERSHIP_CORE:
                for o in graph.objects(m, p):
                    put(a, (m, p, o))
        ev = evidence_article(graph, m)
        if ev in named:
            assert ev is not None
            for p in _EVIDENCE:
                for o in graph.objects(m, p):
                    put(ev, (m, p, o))
    default = [t for t in graph if t not in placed]
    return default, {a: sorted(ts) for a, ts in named.items()}


def to_dataset(graph: Graph) -> Dataset:
    """The per-article split as an rdflib Dataset (for code that wants quads)."""
    ds = bind(Dataset())
    assert isinstance(ds, Dataset)
    default, named = article_graphs(graph)
    for t in default:
        ds.add(t)
    for a, ts in named.items():
        g = ds.graph(a)
        for t in ts:
            g.add(t)
    return ds


def _turtle_parts(triples: Iterable[Triple]) -> tuple[list[str], str]:
    """(@prefix lines, body) of the Turtle of some triples, kg prefixes bound."""
    g = bind(Graph())
    for t in triples:
        g.add(t)
    lines = g.serialize(format="turtle").split("\n")
    i = 0
    while i < len(lines) and (lines[i].startswith("@prefix") or not lines[i].strip()):
        i += 1
    return [line for line in lines[:i] if line.startswith("@prefix")], "\n".join(lines[i:]).strip()


def _trig(graph: Graph) -> bytes:
    default, named = article_graphs(graph)
    prefixes: set[str] = set()
    blocks = []
    for name, triples in [(None, default), *sorted(named.items())]:
        if not triples:
            continue
        pre, body = _turtle_parts(triples)
        prefixes.update(pre)
        head = "{" if name is None else f"{name.n3()} {{"
        blocks.append(f"{head}\n{body}\n}}\n")
    out = "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)
    return out.encode("utf-8")
