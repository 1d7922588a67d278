"""Resolved entities -> RDF, following the graph contract of DESIGN.md.

One generator, `triples`, states the contract; it is written against two small term
factories so the same triples become an rdflib.Graph (`to_graph`, for the library API),
pyoxigraph quads (`quads`, for the on-disk store) or Turtle text (`write_turtle`),
without building rdflib terms for a million triples.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from kg import vocab
from kg.resolve import Resolved, iso_date, slug

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph, Literal, URIRef
    from rdflib.store import Store

ZH = "zh"
N = TypeVar("N")
# prefixes written in Turtle headers; kgr (entity IRIs) is left out on purpose: its
# local names hold `/`, which Turtle would have to escape (`kgr:person\/...`)
PREFIXES = {
    "kgo": vocab.ONTOLOGY_IRI, "org": vocab.ORG, "foaf": vocab.FOAF, "prov": vocab.PROV,
    "skos": vocab.SKOS, "schema": vocab.SDO, "rdfs": vocab.RDFS, "xsd": vocab.XSD,
}
# the namespaces of the CURIEs below (`triples` makes text IRIs: rdflib is not needed
# to write a graph)
_NAMESPACES = {**PREFIXES, "kgr": vocab.DATA_IRI, "rdf": vocab.RDF}


def _iri(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return _NAMESPACES[prefix] + local


def bind(g: Graph) -> Graph:
    from rdflib import Namespace

    for prefix in ("kgo", "kgr", "org", "foaf", "prov", "skos", "schema"):
        g.bind(prefix, Namespace(_NAMESPACES[prefix]), override=True)
    return g


_ADMIN_CLASSES = ("Province", "City", "County", "Town", "Village", "Community", "Zone")


def _schema() -> list[tuple[str, str, str]]:
    """The class axioms the data relies on, so that a reader of the graph alone
    (and the evaluation) sees every place class as a schema:Place."""
    sub_class = _iri("rdfs:subClassOf")
    out = [(vocab.ONTOLOGY_IRI + name, sub_class,
            _iri("schema:AdministrativeArea" if name in _ADMIN_CLASSES else "schema:Place"))
           for name in set(vocab.PLACE_CLASS_NAMES.values())]
    out.append((_iri("schema:AdministrativeArea"), sub_class, _iri("schema:Place")))
    out.append((_iri("kgo:Program"), sub_class, _iri("prov:Entity")))
    return sorted(set(out))


# the vocabulary `triples` uses, by CURIE, as text (tests check each against the
# rdflib namespaces, kg's own with `_fail`)
_TERMS = {curie: _iri(curie) for curie in (
    "foaf:Person",
    "kgo:Program",
    "kgo:articleCount",
    "kgo:articleIndex",
    "kgo:dateText",
    "kgo:divisionCode",
    "kgo:evidence",
    "kgo:evidenceEnd",
    "kgo:evidenceSource",
    "kgo:evidenceStart",
    "kgo:firstSeen",
    "kgo:identityRule",
    "kgo:lastSeen",
    "kgo:mentionCount",
    "kgo:rule",
    "kgo:runBy",
    "kgo:sourceFile",
    "org:Membership",
    "org:Organization",
    "org:Role",
    "org:member",
    "org:organization",
    "org:role",
    "org:subOrganizationOf",
    "prov:wasDerivedFrom",
    "rdf:type",
    "rdfs:label",
    "schema:CreativeWork",
    "schema:NewsArticle",
    "schema:Place",
    "schema:containedInPlace",
    "schema:datePublished",
    "schema:headline",
    "schema:isPartOf",
    "schema:location",
    "schema:mentions",
    "schema:url",
    "skos:altLabel",
    "xsd:anyURI",
    "xsd:date",
    "xsd:gYear",
    "xsd:gYearMonth",
    "xsd:integer",
)}
_PLACE_CLASS = {kind: vocab.ONTOLOGY_IRI + name for kind, name in vocab.PLACE_CLASS_NAMES.items()}
# ISO date length -> XSD datatype (kg.dates)
_DATE_TYPES = {10: _TERMS["xsd:date"], 7: _TERMS["xsd:gYearMonth"], 4: _TERMS["xsd:gYear"]}


def site_key(site: str) -> str:
    """The IRI path of the paper or site an article is part of."""
    return f"site/{slug(site)}"


def triples(
    res: Resolved,
    iri: Callable[[str], N],
    literal: Callable[[str, str | None, str | None], N],
) -> Iterator[tuple[N, N, N]]:
    """Every triple of the graph, built with `iri(full_iri)` and
    `literal(lexical, language, datatype_iri)`. Triples come grouped by subject in a
    fixed order (class axioms, articles, sites, entities, roles, memberships; predicates in a
    fixed order within a subject), so the same input gives the same sequence."""
    cache: dict[str, N] = {}

    def node(value: str) -> N:
        n = cache.get(value)
        if n is None:
            n = cache[value] = iri(value)
        return n

    keys: dict[str, N] = {}

    def key(k: str) -> N:  # kgr:k, an article's, an entity's, ...
        n = keys.get(k)
        if n is None:
            n = keys[k] = iri(DATA + k)
        return n

    DATA = vocab.DATA_IRI
    INT, ANY_URI = _TERMS["xsd:integer"], _TERMS["xsd:anyURI"]
    t = {curie: node(value) for curie, value in _TERMS.items()}
    a, label, alt = t["rdf:type"], t["rdfs:label"], t["skos:altLabel"]
    derived, mentions = t["prov:wasDerivedFrom"], t["schema:mentions"]

    for cs, cp, co in _schema():
        yield node(cs), node(cp), node(co)

    mentioned: dict[str, list[str]] = {}
    for e in res.entities.values():
        for art in e.articles:
            mentioned.setdefault(art, []).append(e.key)
    for art_info in sorted(res.articles.values(), key=lambda x: x.key):
        s = key(art_info.key)
        yield s, a, t["schema:NewsArticle"]
        yield s, t["kgo:sourceFile"], literal(art_info.source, None, None)
        yield s, t["kgo:articleIndex"], literal(str(art_info.index), None, INT)
        if art_info.title:
            yield s, t["schema:headline"], literal(art_info.title, ZH, None)
        if art_info.date:
            if iso_date(art_info.date):
                yield s, t["schema:datePublished"], literal(
                    art_info.date, None, _DATE_TYPES[len(art_info.date)])
            else:
                yield s, t["kgo:dateText"], literal(art_info.date, ZH, None)
        if art_info.url:
            yield s, t["schema:url"], literal(art_info.url, None, ANY_URI)
        if art_info.site:
            yield s, t["schema:isPartOf"], key(site_key(art_info.site))
        for k in sorted(mentioned.pop(art_info.key, ())):
            yield s, mentions, key(k)
    for art_key in sorted(mentioned):  # never expected: every article is registered
        for k in sorted(mentioned[art_key]):
            yield key(art_key), mentions, key(k)
    for site in sorted({i.site for i in res.articles.values() if i.site}):
        s = key(site_key(site))
        yield s, a, t["schema:CreativeWork"]
        yield s, label, literal(site, ZH, None)

    for e in sorted(res.entities.values(), key=lambda x: x.key):
        s = key(e.key)
        if e.kind == "person":
            yield s, a, t["foaf:Person"]
            for rule in sorted(e.notes):
                yield s, t["kgo:identityRule"], literal(rule, None, None)
        elif e.kind == "org":
            yield s, a, t["org:Organization"]
            for p in sorted(e.parents):
                yield s, t["org:subOrganizationOf"], key(p)
            for p in sorted(e.sites):
                yield s, t["schema:location"], key(p)
        elif e.kind == "place":
            yield s, a, t["schema:Place"]
            cls = _PLACE_CLASS.get(e.level)
            if cls is not None:
                yield s, a, node(cls)
            for p in sorted(e.parents):
                yield s, t["schema:containedInPlace"], key(p)
            if e.code:
                yield s, t["kgo:divisionCode"], literal(e.code, None, None)
        elif e.kind == "program":
            yield s, a, t["kgo:Program"]
            for o in sorted(e.runners):
                yield s, t["kgo:runBy"], key(o)
            for p in sorted(e.where):
                yield s, t["schema:location"], key(p)
        yield s, label, literal(e.label, ZH, None)
        for x in sorted(e.alts):
            yield s, alt, literal(x, ZH, None)
        yield s, t["kgo:mentionCount"], literal(str(e.count), None, INT)
        for art in sorted(e.articles):
            yield s, derived, key(art)

    for role in sorted(res.roles):
        r = key(f"role/{slug(role)}")
        yield r, a, t["org:Role"]
        yield r, label, literal(role, ZH, None)

    for m in sorted(res.memberships.values(), key=lambda x: x.key):
        s = key(m.key)
        yield s, a, t["org:Membership"]
        yield s, t["org:member"], key(m.person)
        yield s, t["org:role"], key(f"role/{slug(m.role)}")
        if m.org:
            yield s, t["org:organization"], key(m.org)
        yield s, t["kgo:evidence"], literal(m.evidence, ZH, None)
        yield s, t["kgo:evidenceStart"], literal(str(m.start), None, INT)
        yield s, t["kgo:evidenceEnd"], literal(str(m.end), None, INT)
        yield s, t["kgo:evidenceSource"], key(m.article)
        yield s, t["kgo:rule"], literal(m.rule, None, None)
        if m.first and m.last:
            yield s, t["kgo:firstSeen"], literal(m.first, None, _DATE_TYPES[len(m.first)])
            yield s, t["kgo:lastSeen"], literal(m.last, None, _DATE_TYPES[len(m.last)])
        yield s, t["kgo:articleCount"], literal(str(len(m.articles)), None, INT)
        for art in sorted(m.articles):
            yield s, derived, key(art)


def _rdflib_literal(lexical: str, lang: str | None, datatype: str | None) -> Literal:
    from rdflib import Literal

    if datatype is None:
        return Literal(lexical, lang=lang)
    return Literal(lexical, datatype=_datatype(datatype))


@lru_cache(maxsize=64)
def _datatype(iri: str) -> URIRef:
    from rdflib import URIRef

    return URIRef(iri)


def to_graph(res: Resolved) -> Graph:
    """The graph as an in-memory rdflib.Graph."""
    from rdflib import Graph, URIRef

    g = bind(Graph())
    g.addN((s, p, o, g) for s, p, o in triples(res, URIRef, _rdflib_literal))
    return g


@cache
def _resolved_store_class() -> type[Store]:
    """_ResolvedStore, made on first use (an rdflib class: rdflib is imported only when
    a graph is wanted as an rdflib.Graph)."""
    from rdflib import RDF, URIRef
    from rdflib.store import Store
    from rdflib.term import Node

    class _ResolvedStore(Store):
        """A read-only rdflib store over a Resolved graph: triples are made on demand
        from `triples`, nothing is copied. One pass over the whole graph (what rendering
        does) costs about what building an rdflib.Graph would, without its memory;
        `rdf:type` lookups (what counting does) are served from a small index made on
        first use; any other pattern is a pass with a filter."""

        context_aware = False
        formula_aware = False
        transaction_aware = False
        graph_aware = False

        def __init__(self, res: Resolved) -> None:
            super().__init__()
            self._res = res
            self._types: list[tuple[Node, Node, Node]] | None = None
            self._ns: dict[str, URIRef] = {}

        def _all(self) -> Iterator[tuple[Node, Node, Node]]:
            return triples(self._res, URIRef, _rdflib_literal)

        def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
            s, p, o = triple_pattern
            if p == RDF.type:
                if self._types is None:
                    self._types = [t for t in self._all() if t[1] == RDF.type]
                found: Iterable[tuple[Node, Node, Node]] = self._types
            else:
                found = self._all()
            for t in found:
                if ((s is None or t[0] == s) and (p is None or t[1] == p)
                        and (o is None or t[2] == o)):
                    yield t, iter(())

        def __len__(self, context: Any = None) -> int:
            return sum(1 for _ in self._all())

        def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
            raise TypeError("a view of a resolved graph is read-only")

        def remove(self, triple: Any, context: Any = None) -> None:
            raise TypeError("a view of a resolved graph is read-only")

        def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
            if override or prefix not in self._ns:
                self._ns[prefix] = namespace

        def namespace(self, prefix: str) -> URIRef | None:
            return self._ns.get(prefix)

        def prefix(self, namespace: URIRef) -> str | None:
            return next((p for p, ns in self._ns.items() if ns == namespace), None)

        def namespaces(self) -> Iterator[tuple[str, URIRef]]:
            yield from self._ns.items()

    return _ResolvedStore


def _lexical(lexical: str, lang: str | None, datatype: str | None) -> str:
    return lexical


def text_triples(res: Resolved) -> Iterator[tuple[str, str, str]]:
    """The triples with every term as text (IRIs and literals by their value), in
    `triples` order: what drawing the graph needs (kg.render reads terms as text), at a
    fraction of the cost of making rdflib terms."""
    return triples(res, str, _lexical)


def view(res: Resolved) -> Graph:
    """The graph as a read-only rdflib.Graph that keeps no copy of the triples (see
    _resolved_store_class): for one pass over a big graph."""
    from rdflib import Graph

    store: Any = _resolved_store_class()
    return bind(Graph(store=store(res)))


def quads(res: Resolved) -> Iterator[pyoxigraph.Quad]:
    """The same triples as pyoxigraph quads in the default graph, in `triples` order."""
    import pyoxigraph as ox

    types: dict[str, ox.NamedNode] = {}  # the few datatypes, made once

    def literal(lexical: str, lang: str | None, datatype: str | None) -> ox.Literal:
        if datatype:
            dt = types.get(datatype)
            if dt is None:
                dt = types[datatype] = ox.NamedNode(datatype)
            return ox.Literal(lexical, datatype=dt)
        return ox.Literal(lexical, language=lang)

    def iri(value: str) -> ox.NamedNode | ox.Literal:
        return ox.NamedNode(value)

    quad = ox.Quad
    for s, p, o in triples(res, iri, literal):
        yield quad(s, p, o)  # type: ignore[arg-type]  # s and p are always NamedNodes


def turtle(res: Resolved) -> bytes:
    """Turtle text of the graph (see `write_turtle`)."""
    buf = io.BytesIO()
    write_turtle(res, buf)
    return buf.getvalue()


# Turtle, written here as pyoxigraph writes it (tests compare the two): making a
# pyoxigraph term and quad for each triple cost three times what writing the text does.
# The graph's IRIs are the vocabulary's (written as CURIEs) and kgr's (whole: their local
# names hold `/`); strings escape what Turtle's grammar asks and nothing else
_PLAIN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_TURTLE_INTEGER = re.compile(r"[+-]?[0-9]+")
_UNSAFE_IN_STRING = re.compile(r'[\x00-\x1f\x7f"\\]')
_STRING_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
                   '"': '\\"', "\\": "\\\\"}
_CHUNK = 1 << 14  # pieces of text written at a time


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return _STRING_ESCAPES.get(c) or f"\\u{ord(c):04X}"


def _turtle_iri(iri: str) -> str:
    """`prefix:name` for a vocabulary term, `<iri>` for any other IRI."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and _PLAIN_LOCAL.fullmatch(iri, len(ns)):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def _turtle_literal(lexical: str, lang: str | None, datatype: str | None) -> str:
    if datatype == _TERMS["xsd:integer"] and _TURTLE_INTEGER.fullmatch(lexical):
        return lexical
    text = f'"{_UNSAFE_IN_STRING.sub(_escape, lexical)}"'
    if datatype:
        return f"{text}^^{_turtle_iri(datatype)}"
    return f"{text}@{lang}" if lang else text


def write_turtle(res: Resolved, out: BinaryIO) -> None:
    """The graph as Turtle, written to `out` as it is made, in `triples` order
    (consecutive triples of one subject share a block, of one predicate a line):
    deterministic, about a hundred times faster than rdflib's serializer on big graphs,
    and never held in memory whole."""
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    out.write(header.encode("utf-8") + b"\n")
    a = _turtle_iri(_TERMS["rdf:type"])
    literals: dict[tuple[str, str | None, str | None], str] = {}

    def literal(lexical: str, lang: str | None, datatype: str | None) -> str:
        # most literals recur (counts, dates, rules, file names): written once each
        text = literals.get((lexical, lang, datatype))
        if text is None:
            text = literals[lexical, lang, datatype] = _turtle_literal(lexical, lang, datatype)
        return text

    parts: list[str] = []
    last_s = last_p = ""
    for s, p, o in triples(res, _turtle_iri, literal):
        if s != last_s:
            if last_s:
                parts.append(" .\n")
                if len(parts) >= _CHUNK:
                    out.write("".join(parts).encode("utf-8"))
                    parts.clear()
            parts += (s, " ", "a" if p == a else p, " ", o)
            last_s, last_p = s, p
        elif p != last_p:
            parts += (" ;\n\t", "a" if p == a else p, " ", o)
            last_p = p
        else:
            parts += (" , ", o)
    if last_s:
        parts.append(" .\n")
    out.write("".join(parts).encode("utf-8"))
