"""SPARQL over kg graphs: loading, running queries, counting."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.query import Result

from kg.namespace import KGO, KGR, SDO

PREFIXES = {
    "kgo": str(KGO._NS),
    "kgr": str(KGR),
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": str(SDO),
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class QueryError(Exception):
    """A graph that cannot be read or a query that cannot run; the message says why."""


def load(path: str | Path) -> Graph:
    """Read a graph file (format from its extension; Turtle by default)."""
    from rdflib.util import guess_format

    p = Path(path)
    if not p.is_file():
        raise QueryError(f"no such graph file: {p}")
    g = Graph()
    try:
        g.parse(p, format=guess_format(str(p)) or "turtle")
    except Exception as e:  # rdflib raises many parser-specific types
        raise QueryError(f"cannot read {p} as RDF: {e}") from e
    return g


def run(g: Graph, sparql: str) -> Result:
    """Run SPARQL text with kg's prefixes predeclared."""
    try:
        return g.query(sparql, initNs=PREFIXES)
    except Exception as e:
        raise QueryError(f"bad SPARQL: {e}") from e


_COUNTS = """
SELECT
  (COUNT(DISTINCT ?a) AS ?articles) (COUNT(DISTINCT ?p) AS ?persons)
  (COUNT(DISTINCT ?o) AS ?organizations) (COUNT(DISTINCT ?pl) AS ?places)
  (COUNT(DISTINCT ?pr) AS ?programmes) (COUNT(DISTINCT ?m) AS ?positions)
WHERE {
  { ?a a schema:NewsArticle } UNION { ?p a foaf:Person } UNION { ?o a org:Organization }
  UNION { ?pl a schema:Place } UNION { ?pr a kgo:Program } UNION { ?m a org:Membership }
}
"""


def counts(g: Graph) -> dict[str, int]:
    row = next(iter(run(g, _COUNTS)))
    return {str(k): int(v) for k, v in row.asdict().items()}  # type: ignore[union-attr]
