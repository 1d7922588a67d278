"""Graph -> networkx -> self-contained interactive HTML (pyvis, vis-network inlined)."""

from __future__ import annotations

import html
import json

import networkx as nx
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import FOAF, ORG

from kg.namespace import KGO, SDO

COLOURS = {"person": "#e15759", "org": "#4e79a7", "place": "#59a14f", "program": "#f28e2b"}


def _kind(g: Graph, s: URIRef) -> str | None:
    types = set(g.objects(s, RDF.type))
    if FOAF.Person in types:
        return "person"
    if ORG.Organization in types:
        return "org"
    if KGO.Program in types:
        return "program"
    if SDO.Place in types:
        return "place"
    return None


def to_networkx(g: Graph) -> nx.MultiDiGraph:
    """Entities as nodes (kind, label), relations as labelled edges."""
    out = nx.MultiDiGraph()
    for s in sorted(set(g.subjects(RDF.type, None))):
        if not isinstance(s, URIRef):
            continue
        kind = _kind(g, s)
        if kind:
            out.add_node(str(s), kind=kind, label=str(g.value(s, RDFS.label) or s))
    for m in sorted(g.subjects(RDF.type, ORG.Membership)):
        p, o, r = g.value(m, ORG.member), g.value(m, ORG.organization), g.value(m, ORG.role)
        if p is not None and o is not None and str(p) in out and str(o) in out:
            out.add_edge(str(p), str(o), label=str(g.value(r, RDFS.label) or ""))
    for pred, name in ((ORG.subOrganizationOf, "隶属"), (SDO.containedInPlace, "位于"),
                       (SDO.location, "地点"), (KGO.runBy, "实施")):
        for s, o in sorted(g.subject_objects(pred)):
            if str(s) in out and str(o) in out:
                out.add_edge(str(s), str(o), label=name)
    return out


def to_html(g: Graph) -> str:
    """A self-contained HTML page drawing the graph; all page text escaped."""
    from pyvis.network import Network

    nxg = to_networkx(g)
    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line")
    for n, d in nxg.nodes(data=True):
        net.add_node(n, label=d["label"], color=COLOURS[d["kind"]], title=html.escape(d["label"]))
    for a, b, d in nxg.edges(data=True):
        net.add_edge(a, b, label=d.get("label", ""))
    page = net.generate_html(notebook=False)
    return _offline(page)


def _offline(page: str) -> str:
    """Drop the remote stylesheet and script links pyvis writes even in in_line mode."""
    import re

    page = re.sub(r'<link[^>]+href="https?://[^"]+"[^>]*>', "", page)
    page = re.sub(r'<script[^>]+src="https?://[^"]+"[^>]*>\s*</script>', "", page)
    return page


def dumps_json(g: Graph) -> str:
    nxg = to_networkx(g)
    return json.dumps(nx.node_link_data(nxg, edges="links"), ensure_ascii=False, sort_keys=True)
