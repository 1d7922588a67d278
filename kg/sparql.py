"""What every SPARQL path of kg shares: its prefixes, its error, SELECTs run by
pyoxigraph itself, and result terms (rdflib's or pyoxigraph's) as plain Python values.

The bottom of the query side: kg.named, kg.results, kg.listings, kg.store, kg.query and
kg.serve build on it, and it imports none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.term import Node

from kg import vocab

if TYPE_CHECKING:
    from rdflib import Graph

PREFIXES = {
    "kgo": vocab.ONTOLOGY_IRI,
    "kgr": vocab.DATA_IRI,
    "org": vocab.ORG,
    "foaf": vocab.FOAF,
    "prov": vocab.PROV,
    "skos": vocab.SKOS,
    "schema": vocab.SDO,
    "rdfs": vocab.RDFS,
    "rdf": vocab.RDF,
    "xsd": vocab.XSD,
    "owl": "http://www.w3.org/2002/07/owl#",
}
HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
XSD_STRING = vocab.XSD + "string"


class QueryError(Exception):
    """A graph that cannot be read or a query that cannot run; the message says why."""


def one_line(s: str) -> str:
    return " ".join(s.split())


def native_query(store: Any, text: str) -> tuple[list[str], Any]:
    """A SELECT run by pyoxigraph (kg's prefixes predeclared): its variable names and
    its solutions (iterable once; each a sequence of pyoxigraph terms, None where
    unbound)."""
    try:
        res = store.query(HEADER + text)
    except (SyntaxError, OSError, ValueError) as e:
        raise QueryError(f"query failed: {one_line(str(e))}") from e
    return [v.value for v in res.variables], res


def plain(term: Node | None) -> Any:
    """A result term as a plain Python value: IRIs and strings as str, numbers and
    dates as int/float/date, unbound as None."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.language or term.datatype is None or str(term.datatype) == XSD_STRING:
            return str(term)
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def ox_plain(term: Any) -> Any:
    """`plain` for a pyoxigraph term."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return term.value
    if kind == "BlankNode":
        return f"_:{term.value}"
    if kind == "Literal":
        if term.language or term.datatype.value == XSD_STRING:
            return term.value
        return plain(Literal(term.value, datatype=URIRef(term.datatype.value)))
    return str(term)


def bind_prefixes(g: Graph) -> Graph:
    """`g` with kg's prefixes bound (what its Turtle and JSON-LD are written with)."""
    for prefix in ("kgo", "kgr", "org", "foaf", "prov", "skos", "schema"):
        g.bind(prefix, Namespace(PREFIXES[prefix]), override=True)
    return g


def compact(iri: str) -> str:
    """An IRI as prefix:local with the longest matching kg prefix, else unchanged."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri
