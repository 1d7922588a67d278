"""Resolved entities -> rdflib.Graph, following the graph contract of DESIGN.md."""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, PROV, SKOS

from kg.namespace import KGO, KGR, PLACE_CLASS, SDO
from kg.resolve import Resolved, slug

ZH = "zh"


def bind(g: Graph) -> Graph:
    for prefix, ns in (("kgo", KGO._NS), ("kgr", KGR), ("org", ORG), ("foaf", FOAF),
                       ("prov", PROV), ("skos", SKOS), ("schema", SDO)):
        g.bind(prefix, ns, override=True)
    return g


def _iri(key: str) -> URIRef:
    return KGR[key]


def _schema(g: Graph) -> None:
    """The class axioms the data relies on, so that a reader of the graph alone
    (and the evaluation) sees every place class as a schema:Place."""
    for cls in sorted(set(PLACE_CLASS.values())):
        g.add((cls, RDFS.subClassOf, SDO.AdministrativeArea if cls in (
            KGO.Province, KGO.City, KGO.County, KGO.Town, KGO.Village, KGO.Community, KGO.Zone)
            else SDO.Place))
    g.add((SDO.AdministrativeArea, RDFS.subClassOf, SDO.Place))
    g.add((KGO.Program, RDFS.subClassOf, PROV.Entity))


def to_graph(res: Resolved) -> Graph:
    g = bind(Graph())
    _schema(g)
    for a in sorted(res.articles.values(), key=lambda a: a.key):
        s = _iri(a.key)
        g.add((s, RDF.type, SDO.NewsArticle))
        g.add((s, KGO.sourceFile, Literal(a.source)))
        g.add((s, KGO.articleIndex, Literal(a.index)))
        if a.title:
            g.add((s, SDO.headline, Literal(a.title, lang=ZH)))
        if a.date:
            if len(a.date) == 10 and a.date[4] == "-":
                g.add((s, SDO.datePublished, Literal(a.date, datatype=XSD.date)))
            else:
                g.add((s, KGO.dateText, Literal(a.date, lang=ZH)))
    for e in sorted(res.entities.values(), key=lambda e: e.key):
        s = _iri(e.key)
        if e.kind == "person":
            g.add((s, RDF.type, FOAF.Person))
        elif e.kind == "org":
            g.add((s, RDF.type, ORG.Organization))
            for p in sorted(e.parents):
                g.add((s, ORG.subOrganizationOf, _iri(p)))
            for p in sorted(e.sites):
                g.add((s, SDO.location, _iri(p)))
        elif e.kind == "place":
            g.add((s, RDF.type, SDO.Place))
            cls = PLACE_CLASS.get(e.level)
            if cls is not None:
                g.add((s, RDF.type, cls))
            for p in sorted(e.parents):
                g.add((s, SDO.containedInPlace, _iri(p)))
            if e.code:
                g.add((s, KGO.divisionCode, Literal(e.code)))
        elif e.kind == "program":
            g.add((s, RDF.type, KGO.Program))
            for o in sorted(e.runners):
                g.add((s, KGO.runBy, _iri(o)))
            for p in sorted(e.where):
                g.add((s, SDO.location, _iri(p)))
        g.add((s, RDFS.label, Literal(e.label, lang=ZH)))
        for alt in sorted(e.alts):
            g.add((s, SKOS.altLabel, Literal(alt, lang=ZH)))
        g.add((s, KGO.mentionCount, Literal(e.count)))
        for art in sorted(e.articles):
            g.add((s, PROV.wasDerivedFrom, _iri(art)))
            g.add((_iri(art), SDO.mentions, s))
    for role in sorted(res.roles):
        r = _iri(f"role/{slug(role)}")
        g.add((r, RDF.type, ORG.Role))
        g.add((r, RDFS.label, Literal(role, lang=ZH)))
    for m in sorted(res.memberships.values(), key=lambda m: m.key):
        s = _iri(m.key)
        g.add((s, RDF.type, ORG.Membership))
        g.add((s, ORG.member, _iri(m.person)))
        g.add((s, ORG.role, _iri(f"role/{slug(m.role)}")))
        if m.org:
            g.add((s, ORG.organization, _iri(m.org)))
        g.add((s, KGO.evidence, Literal(m.evidence, lang=ZH)))
        g.add((s, KGO.evidenceStart, Literal(m.start)))
        g.add((s, KGO.evidenceEnd, Literal(m.end)))
        g.add((s, KGO.rule, Literal(m.rule)))
        for art in sorted(m.articles):
            g.add((s, PROV.wasDerivedFrom, _iri(art)))
    return g
